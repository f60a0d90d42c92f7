"""The picture file a size measured on the way to a generator is measured of, where the size follows that file's own
(a GetImageSize of the loaded picture, of an EmptyImage made at that size, of a step keeping the size or scaling it
by a factor), for the sentence that says the size is not worked out: it names the file and that it was not found
beside the workflow (issue 112, sizes6: with the file there, reading/picture_header reads its size). The same steps
Workflow.image_size follows; a resize to a size its settings fix is no file's size. Plain stdlib."""
from __future__ import annotations

from typing import Any

from . import decoded_size, measured, picture_header, resized, size_kept

MAX_STEPS = 32


def loader_of(wf, node, steps: int = 0):
    """The picture loader (LoadImage) whose file's size the size of ``node``'s picture follows, else None."""
    got = scaled_of(wf, node, steps)
    return got[0] if got is not None else None


def scaled_of(wf, node, steps: int = 0, bases: tuple[str, ...] = (), stops: Any = ()) -> tuple[Any, float | None, list] | None:
    """(the picture loader, the factor, the ImageScaleBy-like nodes on the way) where the size of ``node``'s picture
    follows the size of the loader's file: that factor times it (1.0: its own size; None: a factor Studio cannot work
    out when converting); None where it follows no loaded file's. ``bases``: more loader classes whose frames count
    as a file's picture (a clip's loaders, for a size measured of a control clip: heldout64 06); ``stops``: ids of
    resizes whose picture counts as one (a resize Studio's Scale makes on a generator's way: sizes22, a latent at
    half of what ComfyUI's 'scale total pixels' and 'scale to multiple' steps give the generator)."""
    if node is None or steps > MAX_STEPS:
        return None
    if node.cls in ("LoadImage", "VHS_LoadImagePath") or node.cls in bases or node.id in stops:
        return node, 1.0, []
    if node.cls == "EmptyImage":  # made at a size measured of another picture (both sides of one measure)
        w, h = wf.source(node, "width"), wf.source(node, "height")
        if w is None or w is not h or not (w.cls == "GetImageSize" or measured.image_input(w)):
            return None
        return scaled_of(wf, wf.source(w, "image" if w.cls == "GetImageSize" else measured.image_input(w)), steps + 1,
                         bases, stops)
    if resized.fixed_size(lambda k: wf.value(node, k), node) is not None:
        return None
    if measured.passes_picture(node):
        return scaled_of(wf, wf.source(node, measured.image_input(node)), steps + 1, bases, stops)
    if (kept := size_kept.image_input(node) or decoded_size.picked_input(node)) is not None:
        return scaled_of(wf, wf.source(node, kept), steps + 1, bases, stops)
    by = resized.multiplier(lambda k: wf.value(node, k), node)
    if node.cls == "ImageScaleBy" or by:
        got = scaled_of(wf, wf.source(node, "image" if node.cls == "ImageScaleBy" else "input"), steps + 1, bases, stops)
        k = by or wf.value(node, "scale_by")
        if got is None:
            return None
        known = got[1] is not None and isinstance(k, (int, float)) and not isinstance(k, bool) and 0 < k < 64
        return got[0], got[1] * float(k) if known else None, [*got[2], node]
    return None


def words(wf, picture) -> str:
    """", made from the picture 'Load Image' (#id) loads ('x.png': not found beside the workflow)" (", 0.5 times the
    size of the picture ..." where its size is a known factor of the file's; " ('x.png': ...)" where ``picture`` is the
    loader's own) where the size of ``picture`` follows a loaded file's that was not read
    (the workflow's folder known, the file not there), else ''."""
    loader = loader_of(wf, picture)
    if loader is None or loader.id in wf.files_sized:
        return ""
    name = wf.value(loader, "image")
    if not isinstance(name, str) or not name.strip():
        return ""
    if not wf.folder:
        return ""  # (a workflow converted from memory: no file was looked for, nothing to say of one)
    path = picture_header.beside(wf.folder, name)
    if path is not None and picture_header.size_of(path) is not None:
        return ""  # (found: the value is not worked out for another reason, said by the sentence itself)
    where = "not found beside the workflow" if path else "a name Studio does not look for beside the workflow"
    if loader is picture:
        return f" ('{name}': {where})"
    k = scaled_of(wf, picture)[1]  # (a known factor of the file's size said: the relation, clipheader6)
    made = f"{k:g} times the size of" if k is not None and k != 1 else "made from"
    return f", {made} the picture {loader.named()} loads ('{name}': {where})"
