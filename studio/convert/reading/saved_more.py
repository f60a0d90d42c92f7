"""A UI node saving more values than its type declares widgets: a version of its pack with more optional settings
than the catalogue's (KJNodes' ImageResizeKJ of early 2025 saved 'width_input' and 'height_input' as widgets between
'divisible_by' and 'crop': eight values where today's type declares six). The frontend lists a type's required widgets
first, then its optional ones, so whatever a version added among the optional ones comes after the required ones:
those are named by place over the first values where each fits its widget's declared type (a number of its kind, a
choice among the declared words, a text, a switch), the optional ones left unread (their defaults stand). Found by
the hundredth held-out set (01/02: a resize of keep_proportion off to 480x832 read with no values, its width and height
outputs, what the wrapper's WanVideoImageClipEncode sizes the take by, said "whose value Studio cannot work out").
None where a required widget's value does not fit, or the type declares none. Plain stdlib."""
from __future__ import annotations

from typing import Any

from .unsaved_optional import fits


def named(base: list, values: Any) -> dict[str, Any] | None:
    """``values`` (more than ``base``, the declared widgets, required first) named over the required widgets by place,
    each value fitting its declared type; None else."""
    if not isinstance(values, list) or len(values) <= len(base):
        return None
    required = [i for i in base if not i.optional]
    if not required or base[:len(required)] != required:  # (V3's mixed order: the required ones not all first)
        return None
    if not all(fits(i, v) for i, v in zip(required, values)):
        return None
    return {i.name: v for i, v in zip(required, values)}
