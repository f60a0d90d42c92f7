"""A UI node's saved values named by place against its catalogued declaration where they do not fit it: the file
saves another version's order (loop21: mickeylan's comfyui-video-split example saves VideoHelperSuite's Video Combine
as ["output_video.mp4", 24, "libx264", ...], said as frame_rate 'output_video.mp4', loop_count 24). Told by the
declared types, not by names: a text or a switch's True on a number (INT, FLOAT), a text other than 'true'/'false' on
a switch (BOOLEAN), a number on a switch (fit23: a number there is another setting's, one place off, as
layout_fit has it), a number on a list of choices (COMBO) that does not hold it. Such values are said by place ('#0',
'#1', ...), their names not known (CNode.settings). Not judged: a number on a text (STRING), as packs' scripts set
numbers in text widgets (Easy-Use's globalSeed's last_seed, ComfyLiterals' Int 'Number': their own settings).
Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue

# said after such values (mapping/convert.py's note of nodes not converted, mapping/displays.py's settings in words)
BY_PLACE = " (by place: they do not fit its catalogued version's settings in that order, another version's)"


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _fits(kind: str, options: Any, v: Any) -> bool:
    """``v`` can be a value of a widget declared ``kind`` (with ``options``, a COMBO's choices where known)."""
    if v is None or isinstance(v, (dict, list)):
        return True  # (nothing saved, or a widget's own state: not judged)
    if kind in ("INT", "FLOAT"):
        return _number(v)  # (a text or a switch's True there: another setting's value)
    if kind == "BOOLEAN":  # (a number there: another setting's value, one place off: fit23)
        if _number(v):
            return False
        return not isinstance(v, str) or v.strip().lower() in ("true", "false")  # (a switch an older version made a
        # list of 'true'/'false': WanVideoTeaCache's use_coefficients "true", the setting it is)
    if kind == "COMBO" and isinstance(options, tuple) and options and _number(v):
        return v in options or str(v) in {str(o) for o in options}
    return True


def misnamed(cls: str, widgets: dict[str, Any]) -> bool:
    """Some value of ``widgets`` (a UI node's values as named by place) does not fit the widget of that name that
    type ``cls``'s catalogued declaration gives (its names those of another version's order)."""
    t = catalogue.node_type(cls)
    if t is None or t.inputs is None:
        return False
    if len(t.widgets) < 2:
        return False  # (one setting: no other order; a number in a text widget a pack's script sets, as its own)
    declared = {i.name: i for i in t.widgets}
    return any(k in declared and not _fits(declared[k].type, declared[k].options, v) for k, v in widgets.items())
