"""The frame folders an AnimateDiff workflow steers its ControlNets with (VideoHelperSuite's Load Images, Load Images
(Path): openpose, lineart or depth frames rendered to a folder), read as Studio's Load Image Sequence of that folder
where the generic reading left them unread: a UI file that saves the folder choice's upload word right after the
folder ('openpose', 'directory', 10, 0, 1: VideoHelperSuite's page of 2024 adds its 'choose folder to upload' button
there, not last; heldout91 03), named by the loader's declared widgets with that word skipped; a loader whose load cap
or skip is wired from a constant or a sum worked out when converting (heldout90 02: a 'Batch size' constant and a
SimpleMath+ of it), read with those values. Only in a workflow an AnimateDiff motion loader is in (the family's
reading wires these folders into its ControlNets: comfy_controlnet.py). Plain data and the catalogue's door."""
from __future__ import annotations

from studio.convert.api import as_folder, node_type

SETTINGS = ("directory", "folder")  # a folder loader's folder setting (reading/folders.py reads the same names)
UPLOAD_WORDS = ("directory", "image", "folder")  # the words its upload button saves
NUMBERS = ("INT", "FLOAT")


def _folder_type(t) -> bool:
    """A catalogued folder loader: its first output a picture, a declared folder setting first among its widgets."""
    return t is not None and t.inputs is not None and bool(t.outputs) and t.outputs[0].type == "IMAGE" \
        and bool(t.widgets) and t.widgets[0].name in SETTINGS


def _by_place(t, raw) -> dict | None:
    """``raw`` (a UI file's saved values) named by ``t``'s widgets where the upload button's word follows the folder
    and every other value fits its declared type; None where it does not read so."""
    widgets = list(t.widgets)
    if not isinstance(raw, list) or len(raw) != len(widgets) + 1 or not isinstance(raw[0], str) \
            or raw[1] not in UPLOAD_WORDS:
        return None
    named = dict(zip([w.name for w in widgets], [raw[0], *raw[2:]]))
    fits = all(isinstance(named[w.name], (int, float)) and not isinstance(named[w.name], bool)
               for w in widgets[1:] if w.type in NUMBERS)
    return named if fits else None


def translate(wf, loaders) -> list[str]:
    """Each folder loader of a workflow with an AnimateDiff motion loader (``loaders``: their types) that the generic
    reading left unread, read as Studio's Load Image Sequence where its saved values name their widgets with the
    upload word after the folder, or its wired settings are worked out when converting; one sentence for the latter
    (the former reads its own values)."""
    if not any(n.cls in loaders for n in wf.nodes.values() if n.enabled):
        return []
    said = []
    for n in wf.nodes.values():
        t = node_type(n.cls)
        if not n.enabled or n.origin or not _folder_type(t):
            continue
        kept, widgets, links = n.widgets, n.widgets, n.links
        if not widgets:
            widgets = _by_place(t, n.raw) or {}
        worked = {k: wf.value(n, k) for k in links}
        if not widgets or any(not isinstance(v, (int, float)) or isinstance(v, bool) for v in worked.values()):
            continue  # (a folder or a count not known when converting: left to the generic reading)
        n.widgets, n.links = {**widgets, **worked}, {}
        if not as_folder(n):
            n.widgets, n.links = kept, links
            continue
        n.links = links  # (kept wired: what feeds its settings is read there, as their values)
        if worked:
            said.append(f"{n.named()}'s " + ", ".join(f"{k} {v:g}" for k, v in worked.items()) + " (wired from "
                        + ", ".join(sorted({wf.nodes[s].named() for s, _ in links.values() if s in wf.nodes}))
                        + ") are worked out when converting: read as Studio's Load Image Sequence of the folder "
                        f"'{n.widgets['directory']}' with those values")
    return said
