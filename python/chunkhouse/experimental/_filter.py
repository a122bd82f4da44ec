"""Arguments shared by filter(), drop(), split() and lenses(): entity content and components."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Optional


def content_rules(content: Any) -> Optional[list[str]]:
    """`content` as entity-path filter rules: a string, a list of strings or a ContentFilter."""
    if content is None:
        return None
    if isinstance(content, str):
        return [content]
    rules = getattr(content, "_rules", None)  # catalog.ContentFilter
    if rules is not None:
        return list(rules)
    if isinstance(content, Sequence):
        out = []
        for rule in content:
            if not isinstance(rule, str):
                raise TypeError(f"content rules must be strings, got {type(rule).__name__}")
            out.append(rule)
        return out
    raise TypeError(f"content must be a string, a list of strings or a ContentFilter, got {type(content).__name__}")


def component_ids(components: Any) -> Optional[list[str]]:
    """`components` as identifiers: descriptors (their `.component`) or strings, one or many.

    An empty identifier is passed over, as Rerun 0.36 does."""
    if components is None:
        return None
    if isinstance(components, str) or hasattr(components, "component"):
        components = [components]
    out = []
    for c in components:
        ident = c if isinstance(c, str) else getattr(c, "component", None)
        if not isinstance(ident, str):
            raise TypeError(f"components must be ComponentDescriptors or strings, got {type(c).__name__}")
        if ident:
            out.append(ident)
    return out


def check_timeline(has_timeline: Optional[str]) -> Optional[str]:
    if has_timeline is not None and not has_timeline:
        raise ValueError("Invalid `TimelineName`: must not be empty")
    return has_timeline
