"""A pack node's size or length wired from a measure of pictures (a count of frames, a width, a height: KJNodes'
GetImageSizeAndCount, VideoHelperSuite's VHS_LoadVideo 'frame_count', essentials' GetImageSize+), carried onto the
core node a pack translation makes in its place, so the converter reads it as it reads a core workflow's latent sized
by such a measure (mapping/folded_sizes: the generator's 'frames' 0 takes the clip's length where the counted clip is
the one Studio gives it, its 'width' and 'height' 0 the picture's size where the measured picture is the one it
takes), one true sentence said there; where it cannot be read so, that reading says so too (its "not read" sentence
naming the measure), so the translation's own "left unset" sentence is dropped once the link is carried. Found by
measures11 (issue 112): the wrapper's Wan Animate, Fun control, SteadyDancer and VACE workflows set num_frames,
width, height from such measures and were said "left unset" only, the generator's 0 never said to take them.

What a measure gives is told by its declared outputs (the catalogue's, else the UI file's names): an INT named
'width' / 'height' (or 'width_int'...) is that side; one named a count (decoded_count.COUNTS: 'count',
'frame_count', 'batch_size', 'image_count') is a length. The core input taking it is the one of that name (width,
height) or of a length ('length', 'num_frames') the core type declares as an INT, and only where the translation
made it without a value (its key given, None); carried from the pack's setting of that name (a length from its
'num_frames', 'length', 'frames' or 'video_length'), never from another (a window's size wired to a count).

A value node between them (reading/value_relay: an 'Int' whose one number setting is wired) gives what it is given:
the measure is read through it (heldout82 10). Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from ..reading.aspect_size import out_names
from ..reading.decoded_count import COUNTS, LENGTHS
from ..tracing.worked_sizes import RULES

SIDES = ("width", "height")
SETTING_LENGTHS = ("length", "num_frames", "frames", "video_length")  # a pack's setting of the take's length, named so


def kind(wf, link) -> str | None:
    """'width', 'height' or 'length': what the output ``link`` reads gives, by its declared name; None for another."""
    src = wf.nodes.get(link[0]) if link else None
    if src is None:
        return None
    if src.cls in RULES:  # a size a translation worked out of a picture by a rule (its width, its height: slots 0, 1)
        return SIDES[link[1]] if link[1] in (0, 1) else None
    t = catalogue.node_type(src.origin or src.cls)
    names = [o.name or "" for o in t.outputs] if t is not None and t.outputs else out_names(src)  # (declared first)
    name = (names[link[1]] if 0 <= link[1] < len(names) else "").lower()
    name = name[:-4] if name.endswith("_int") else name
    return name if name in SIDES else "length" if name in COUNTS else None


def _core_input(cls: str, what: str, widgets: dict) -> str | None:
    """The input of core type ``cls`` taking ``what`` (a side by its name, a length by LENGTHS), given in ``widgets``
    without a value and declared an INT; None."""
    t = catalogue.node_type(cls)
    for name in (what,) if what in SIDES else LENGTHS:
        i = t.input(name) if t is not None and t.inputs is not None else None
        if name in widgets and widgets[name] is None and (i is None and t is None or i is not None and i.type == "INT"):
            return name
    return None


def carry(t: Any, n, c, widgets: dict) -> None:
    """The measured settings of pack node ``n`` (``t.measures``: its id -> setting -> (link, sentence)) wired onto core
    node ``c`` made for it with ``widgets``, each on the input taking what it gives; the sentence said for it dropped
    (the core reading says what becomes of it)."""
    for k, (link, line) in dict(getattr(t, "measures", {}).get(n.id, {})).items():
        what = kind(t.wf, link)
        if what is None or k != what and not (what == "length" and k in SETTING_LENGTHS):
            continue  # (a count given to another setting, a window's size: not the take's length)
        into = _core_input(c.cls, what, widgets)
        if into is None or into in c.links:
            continue
        c.links[into] = tuple(link)
        c.ports[into] = (n, k)
        c.let_go.pop(k, None)  # (no longer a link of the pack node's left to run beside the core node: it reads it)
        if line in t.said:
            t.said.remove(line)


def withdrawn(t: Any, n, k: str) -> bool:
    """The sentence said of pack node ``n``'s setting ``k`` wired from a measure ("left unset": named) taken back, where
    the family's reading says what becomes of it instead; True where there was one."""
    got = getattr(t, "measures", {}).get(n.id, {}).get(k)
    if got is None or got[1] not in t.said:
        return False
    t.said.remove(got[1])
    return True
