"""A picture file made as Studio's Load Image whose picture a generator takes as a clip, the file of a kind that can
hold an animation (WEBP, GIF): ComfyUI's LoadImage reads every frame such a file holds (PIL's frame sequence), so a
workflow giving an animated WEBP as a control clip (heldout114 01: Wan Fun Control's OpenPose of
'wan2.1_fun_control.webp', the take as long as its frames) uses them all. Made as Studio's Load Video of the file
(which reads an animated WEBP or GIF frame by frame: studio/engine/animated_picture.py), said in one sentence per file;
kept as Load Image (said) where its picture also feeds an input that takes one picture.

Told by the Studio graph: a Load Image whose picture reaches, through any nodes, an input of a video model's node
declared as a Video (a clip), never by a node's name; by the file where it lies beside the workflow (its frame count,
no pixel decoded: a still stays Load Image, unsaid); else by the workflow: a node after the ComfyUI loader gives a
count of the pictures it is given (an output its pack declares 'count', 'frame_count', 'image_count' or 'batch_size')
to another node, so the workflow reads the file as frames and Studio assumes it animated, said (a still keyframe no
node counts is not said: LTX-2's first and last pictures as WEBP stills). Linear in the graph's and the workflow's
sizes."""
from __future__ import annotations

import os

from studio.core.types import can_connect

from ..reading import picture_header
from ..reading.aspect_size import out_names

ANIMATED = (".webp", ".gif")  # picture files ComfyUI's LoadImage reads as several frames when they hold them
LOAD_IMAGE = "io.load_image"
LOAD_VIDEO = "io.load_video"
PORTS = {"image": "video", "alpha": "alpha"}  # Load Image's outputs -> Load Video's
GENERATORS = "video_models."
MAX_NODES = 10_000
COUNTS = ("count", "frame_count", "image_count", "batch_size")  # an output giving how many pictures it was given


def _takers(g, start: str) -> list[tuple[str, str]]:
    """The (video model node, input) pairs declared a Video that the picture of ``start`` reaches."""
    out, seen, todo = [], {start}, [start]
    by_src: dict[str, list] = {}
    for link in g.links:
        by_src.setdefault(link.src, []).append(link)
    while todo and len(seen) < MAX_NODES:
        nid = todo.pop()
        for link in by_src.get(nid, ()):
            if nid == start and link.src_port != "image":
                continue  # (its alpha, a Mask: not the picture)
            dst = g.nodes.get(link.dst)
            if dst is None or dst.spec is None:
                continue
            if dst.type_id.startswith(GENERATORS):
                kind = next((i.type for i in dst.spec.inputs if i.name == link.dst_port), None)
                if kind == "Video":
                    out.append((link.dst, link.dst_port))
                continue  # (past a generator: its take, not the picture)
            if link.dst not in seen:
                seen.add(link.dst)
                todo.append(link.dst)
    return list(dict.fromkeys(out))


def _counted(wf, start: str) -> bool:
    """True where a node after ComfyUI node ``start`` gives a count of the pictures it is given to another node."""
    readers: dict[str, list[tuple[str, int]]] = {}
    for n in wf.nodes.values():
        for src, slot in n.links.values():
            readers.setdefault(src, []).append((n.id, slot))
    seen, todo = {start}, [start]
    while todo and len(seen) < MAX_NODES:
        nid = todo.pop()
        names = out_names(wf.nodes[nid]) if nid != start else []
        for reader, slot in readers.get(nid, ()):
            if 0 <= slot < len(names) and names[slot].lower() in COUNTS:
                return True
            if reader not in seen and reader in wf.nodes:
                seen.add(reader)
                todo.append(reader)
    return False


def _frames_beside(wf, name: str) -> int | None:
    """How many frames the file ``name`` holds where it lies beside the workflow (its frame blocks read, no pixel
    decoded); None where it is not there to look at or cannot be read."""
    path = picture_header.beside(getattr(wf, "folder", None), name)
    if path is None or not os.path.isfile(path):
        return None
    from PIL import Image
    try:
        with Image.open(path) as im:
            return int(getattr(im, "n_frames", 1) or 1)
    except Exception:  # noqa: BLE001 - a broken file: Load Image or Load Video says so when it reads it
        return None


def _as_clip(g, nid: str) -> bool:
    """Studio's Load Image ``nid`` remade as Load Video of its file (same id, title and place; its picture's links
    from the clip, its alpha's from the clip's alpha) where every input its picture feeds takes a Video; else False."""
    old = g.nodes[nid]
    links = [link for link in g.links if link.src == nid]
    for link in links:
        dst = g.nodes.get(link.dst)
        kind = next((i.type for i in dst.spec.inputs if i.name == link.dst_port), None) if dst and dst.spec else None
        if link.src_port == "image" and (kind is None or not can_connect("Video", kind)):
            return False
    pos = g.ui.get("positions", {}).get(nid)
    g.remove_node(nid)
    g.add_node(LOAD_VIDEO, {"path": old.params.get("path")}, node_id=nid, title=old.title, mode=old.mode, pos=pos)
    for link in links:
        g.connect(nid, PORTS.get(link.src_port, link.src_port), link.dst, link.dst_port)
    return True


def said(conv, wf) -> list[str]:
    """Each animated-capable picture taken as a clip in ``conv``'s graph (``wf``: the workflow read) remade as Load
    Video where its file is animated or, not there to look at, the workflow counts its frames; the sentences."""
    g, out = conv.graph, []
    for nid, n in list(g.nodes.items()):
        path = str(n.params.get("path") or "")
        if n.type_id != LOAD_IMAGE or not path.lower().endswith(ANIMATED):
            continue
        takers = _takers(g, nid)
        src = wf.nodes.get(conv.origin.get(nid, ""))
        if not takers or src is None:
            continue
        file = src.widgets.get("image")
        frames = _frames_beside(wf, file if isinstance(file, str) else path)
        if frames == 1 or (frames is None and not _counted(wf, src.id)):
            continue  # (a still file, or one no node counts: read as one picture, as it is)
        name, where = os.path.basename(path), ", ".join(f"the '{p}' of '{g.nodes[t].label}'" for t, p in takers)
        head = f"{src.named()} gives '{name}' to {where}, which take{'s' if len(takers) == 1 else ''} a clip"
        why = (f"the file beside the workflow holds {frames} frames" if frames else "the workflow counts its "
               "frames, and ComfyUI's LoadImage reads every frame of an animated WEBP or GIF: Studio assumes the file "
               "is animated (the file is not here to look at; a still one would be a clip of one frame)")
        if _as_clip(g, nid):
            out.append(f"{head}; {why}: made as Studio's Load Video, which reads every frame of it once, as ComfyUI's "
                       "LoadImage does")
        else:
            out.append(f"{head}; {why}, but its picture also goes where one picture is taken: kept as Studio's Load "
                       "Image, which reads its first picture only (load it with Load Video where the clip is taken)")
    return out
