"""Loaded pictures joined into a clip on a utility's way: Studio's Load Image for each and Concatenate, a frame each.

heldout68 07: two LoadImage -> ImageBatch -> 'GMFSS Fortuna VFI' -> VHS_VideoCombine (one picture morphing into the
other) made no Studio node ("no video output with a sampler found": the way back from the save reached no Load
Video). Told by declared types (the catalogue, else the file's own sockets) among the joins that stack pictures as
frames (BATCHES): one declaring picture inputs only and giving pictures first, two to four of them wired, each
straight from an image loader (ComfyUI's LoadImage and the like: reading.workflow.LOADER_NODES, a pack's loader read
as one) -> that node is where the way starts, as a Load Video would be. Concatenate takes each picture as a
one-frame clip at 24 fps (engine.clip.as_clip); a picture of another size than the first is fitted inside the
first's by its 'conform to first' (said, with ComfyUI's ImageBatch's own rule: filling the first's size)."""
from __future__ import annotations

from ..reading.workflow import LOADER_NODES, CNode, Workflow
from .declared import Sockets

SLOTS = ("a", "b", "c", "d")  # Concatenate's clip inputs
# The joins that stack pictures as frames (takes.extend.BATCHES' names). By name because the declaration cannot tell
# them: KJNodes' ImageConcanate declares the same picture sockets and sets the pictures side by side in one frame.
BATCHES = ("ImageBatch", "ImageBatchMulti", "Image Batch", "ImageBatchMultiple+", "Frames Concat")
STILL_FPS = 24.0  # the rate a picture taken as a clip has (engine.clip.as_clip)


def parts(wf: Workflow, n: CNode) -> list[CNode] | None:
    """The image loaders ``n`` joins, in its declared order, where ``n`` joins loaded pictures only; None otherwise."""
    if n.cls not in BATCHES:
        return None
    s = Sockets(n)
    if not n.enabled or not s.outs or s.outs[0] != "IMAGE" or not s.ins or any(v != "IMAGE" for v in s.ins.values()):
        return None
    wired = [wf.source(n, k) for k in s.ins if k in n.links]
    if not 2 <= len(wired) <= len(SLOTS):
        return None
    if any(src is None or not src.enabled or LOADER_NODES.get(src.cls, ("",))[0] != "io.load_image" for src in wired):
        return None
    return wired


def make(b, n: CNode, loaders: list[CNode], said: list[str]) -> str:
    """Studio's Load Image of each of ``loaders`` into a Concatenate for ``n``; the sentences in ``said``; the node
    giving the clip ('video')."""
    cat = b.add("edit.concatenate", {"conform": "conform to first"}, n)
    for src, slot in zip(loaders, SLOTS):
        node, port = b.studio_loader(src)
        b.g.connect(node, port, cat, slot)
    b.used |= {n.id, *(src.id for src in loaders)}
    names = ", ".join(src.named() for src in loaders)
    theirs = ("ComfyUI's ImageBatch scales it to fill the first's size, cut about the middle" if n.cls == "ImageBatch"
              else f"how {n.shown_cls} matches sizes is not read")
    said.append(f"{n.named()} joins the pictures of {names} into a clip: Studio's Concatenate of their Load Images, "
                f"a frame each; a picture of another size than the first is fitted inside the first's (aspect kept, "
                f"black bars), where {theirs}")
    return cat


def rate_lines() -> list[str]:
    """The sentence for pictures made a clip with no rate set on the way: the rate they are taken at."""
    return [f"the pictures are a clip at {STILL_FPS:g} fps (Studio's rate for a picture taken as a clip), the frames "
            "written at the rate they reach Save Video with"]


def start(b, loader: CNode, said: list[str], loaded) -> tuple[list[CNode] | None, str]:
    """Where a utility's way starts: (the pictures' loaders, Concatenate) for loaded pictures joined at ``loader``,
    else (None, ``loaded``'s Load Video of it)."""
    stills = parts(b.wf, loader)
    return stills, make(b, loader, stills, said) if stills else loaded(b, loader, said)


def started(loaders: list[CNode] | None) -> str:
    """The Log's words for what a way starts from: the pictures' loaders joined, else a Load Video."""
    return f"Load Image x{len(loaders)} -> Concatenate" if loaders else "Load Video"
