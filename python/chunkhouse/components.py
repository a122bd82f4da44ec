"""Component types that are enums, as rerun-sdk names them (`rr.components.TransformRelation`,
`rr.components.PointShading`), with their forgiving `auto` conversion (variant, value, or name in
any case). Their variants come from the generated archetype table."""

from ._archetypes import ENUMS

PointShading = ENUMS["PointShading"]
TransformRelation = ENUMS["TransformRelation"]

__all__ = ["PointShading", "TransformRelation"]
