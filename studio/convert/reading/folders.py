"""A node pack's loader of a folder of pictures as one clip (VideoHelperSuite's Load Images, KJNodes' Load Images From
Folder), told by its declared types: its first output a picture (IMAGE), a setting named for a folder ('directory',
'folder') holding a path, nothing wired into it. Read as FOLDER, the converter's name for Studio's Load
Image Sequence of that folder (mapping.inputs); its other settings kept, said where Studio's loader does not apply
them (reading.load_settings). Found by the fourth held-out set: a Wan Animate driving clip and a Fun Control clip
each rendered to a folder. Plain data and stdlib."""
from __future__ import annotations

from .. import catalogue

FOLDER = "Studio's Load Image Sequence"  # the converter's name for such a loader (no ComfyUI node type)
SETTINGS = ("directory", "folder")
INDEX_WORDS = ("index", "start_index", "skip_first_images", "image_index", "start")  # the picked picture's place
CAP_WORDS = ("image_load_cap", "load_cap", "cap", "max_images", "limit")  # how many pictures it loads
NO_FOLDER = ("(none)", "none", "(no folder)")  # a folder choice's word for none
OFF_WORDS = ("enabled", "enable", "active")  # a loader's own switch


def one_picture(named: dict, outputs: list[tuple[str, str]]) -> bool:
    """Whether a folder loader's settings (by name) and outputs (name, type) say it gives one picture a run: a load
    cap of 1, or no cap and a picked place (an index setting, or an INT output naming the index it gave)."""
    cap = next((v for k, v in named.items() if isinstance(k, str) and k.lower() in CAP_WORDS), None)
    index = any(isinstance(k, str) and k.lower() in INDEX_WORDS and isinstance(v, int) for k, v in named.items())
    picks = any(kind == "INT" and "index" in name.lower() for name, kind in outputs)
    return cap == 1 or (cap is None and (index or picks))


def as_folder(n) -> bool:
    """Read ``n`` as FOLDER (its type kept as its origin, the folder set as 'directory') where its declared types say
    it loads a folder of pictures; False (nothing changed) otherwise."""
    t = catalogue.node_type(n.cls)
    if t is None or not t.outputs or t.outputs[0].type != "IMAGE" or t.inputs is None:
        return False
    name = next((k for k in SETTINGS if isinstance(n.widgets.get(k), str) and n.widgets[k].strip()), None)
    if name is None or n.links:  # (a folder or a pick wired from another node: its saved value is not the one run)
        return False
    if n.widgets[name].strip().lower() in NO_FOLDER or any(
            i.type == "BOOLEAN" and i.name.lower() in OFF_WORDS and n.widgets.get(i.name) is False for i in t.inputs):
        return False  # no folder chosen, or the loader switched off: it gives nothing (rejudge4, 31/07: JoyLTX's
        # folder loaders saved ['(none)', false] were made as folders of pictures named '(none)', unsaid)
    if one_picture(n.widgets, [(o.name or "", o.type) for o in t.outputs]):
        return False  # one picture a run (a cap of 1, an iterator): a start picture, read by packs.shapes
    n.origin, n.cls = n.cls, FOLDER
    n.widgets = {**n.widgets, "directory": n.widgets[name].strip()}
    return True


def _declared(t, words: tuple[str, ...]) -> str | None:
    return next((w.name for w in t.widgets if w.name.lower() in words), None)


def picked(wf) -> None:
    """Each enabled catalogued folder loader giving one picture a run by its place (a declared load cap of 1 and a
    start index, each its own value or one worked out when converting: a loop's pass number, packs.loops_unrolled)
    read as FOLDER picking that picture: Studio's Load Image Sequence, its Trim keeping that one place
    (reading.sequence_picks; said there), Frame Hold giving it to a picture input (mapping.making). Inspire's
    LoadImagesFromDir lists the folder's pictures, sorts them by its sort_method and keeps image_load_cap of them from
    start_index on (inspire/image_util.py at ltdrdata/ComfyUI-Inspire-Pack@1aef2c57, read for meaning); ComfyUI runs
    the folder's listing, so Studio's loader reads it when it runs too (78/06: a loop's end pictures, one a pass).
    Its wired settings are read as their values (the links dropped). Run after the loops are unrolled."""
    for n in list(wf.nodes.values()):
        t = catalogue.node_type(n.cls)
        if not n.enabled or n.origin or t is None or t.inputs is None or not t.outputs or t.outputs[0].type != "IMAGE":
            continue
        name, cap, at = (next((k for k in SETTINGS if isinstance(wf.value(n, k), str)), None),
                         _declared(t, CAP_WORDS), _declared(t, INDEX_WORDS))
        if name is None or cap is None or at is None or wf.value(n, cap) != 1:
            continue
        folder, index = wf.value(n, name).strip(), wf.value(n, at)
        if not folder or folder.lower() in NO_FOLDER or not isinstance(index, int) or isinstance(index, bool) or \
                index < 0 or any(wf.value(n, k) is None for k in n.links) or any(
                    i.type == "BOOLEAN" and i.name.lower() in OFF_WORDS and wf.value(n, i.name) is False for i in t.inputs):
            continue  # (a value not known when converting, a picture wired in, the loader off: left as it is)
        n.origin, n.cls = n.cls, FOLDER
        n.widgets = {**n.widgets, **{k: wf.value(n, k) for k in n.links}, "directory": folder}
        n.links = {}
