"""chunkhouse: store and query multimodal recordings (Rerun .rrd files).

The API mirrors Rerun's: code written for `import rerun as rr` runs with
`import chunkhouse as rr` for the parts chunkhouse implements.
"""

import pyarrow as _pyarrow  # noqa: F401  (loads the libarrow our extension links against)

from . import errors
from ._core import __version__
from . import catalog, components, dataframe, experimental, server
from ._archetypes import Points3D, Scalars, TextLog, Transform3D
from ._columns import ComponentColumn, ComponentColumnList, ComponentDescriptor, TimeColumn
from ._convert import Angle, Quaternion, RerunWarning, RotationAxisAngle
from ._dynamic import AnyBatchValue, AnyValues, DescribedComponentBatch, DynamicArchetype
from .experimental._chunk import AUTO_INDEX

__all__ = [
    "AUTO_INDEX", "Angle", "AnyBatchValue", "AnyValues", "ComponentColumn", "ComponentColumnList", "ComponentDescriptor",
    "DescribedComponentBatch", "DynamicArchetype", "Points3D", "Quaternion", "RerunWarning", "RotationAxisAngle", "Scalars", "TextLog",
    "TimeColumn", "Transform3D", "__version__", "catalog", "components", "dataframe", "errors", "experimental", "server",
]
