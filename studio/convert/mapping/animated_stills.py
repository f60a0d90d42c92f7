"""A picture file made as Studio's Load Image whose picture a generator takes as a clip, the file of a kind that can
hold an animation (WEBP, GIF): ComfyUI's LoadImage reads every frame such a file holds (PIL's frame sequence), so a
workflow giving an animated WEBP as a control clip (heldout114 01: Wan Fun Control's OpenPose of
'wan2.1_fun_control.webp', the take as long as its frames) uses them all; Studio's Load Image reads its first picture.
Said in one sentence per file, naming the ComfyUI loader and the generator inputs that take it as a clip (a GIF Studio's
Load Video reads; an animated WEBP made a video file first: PyAV 18's FFmpeg decodes none of its frames).

Told by the Studio graph: a Load Image whose picture reaches, through any nodes, an input of a video model's node
declared as a Video (a clip), never by a node's name; and by the workflow: a node after the ComfyUI loader gives a
count of the pictures it is given (an output its pack declares 'count', 'frame_count', 'image_count' or 'batch_size')
to another node, so the workflow reads the file as frames (a still keyframe no node counts is not said: LTX-2's
first and last pictures as WEBP stills). The file's kind by its extension (what it holds is not read when
converting). Plain data; linear in the graph's and the workflow's sizes."""
from __future__ import annotations

import os

from ..reading.aspect_size import out_names

ANIMATED = (".webp", ".gif")  # picture files ComfyUI's LoadImage reads as several frames when they hold them
LOAD_IMAGE = "io.load_image"
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


def said(conv, wf) -> list[str]:
    """The sentences of the animated-capable pictures taken as clips in ``conv``'s graph (``wf``: the workflow read)."""
    g, out = conv.graph, []
    for nid, n in list(g.nodes.items()):
        path = str(n.params.get("path") or "")
        if n.type_id != LOAD_IMAGE or not path.lower().endswith(ANIMATED):
            continue
        takers = _takers(g, nid)
        if not takers:
            continue
        src = wf.nodes.get(conv.origin.get(nid, ""))
        if src is None or not _counted(wf, src.id):
            continue
        who = src.named() if src is not None else f"Load Image '{path}'"
        where = ", ".join(f"the '{port}' of '{g.nodes[t].label}'" for t, port in takers)
        gif = path.lower().endswith(".gif")
        fix = ("Studio's Load Video reads a GIF's frames: load it with Load Video there" if gif else
               "make it a video file, an MP4, and load it with Load Video there")
        out.append(f"{who} gives '{os.path.basename(path)}' to {where}, which take{'s' if len(takers) == 1 else ''} "
                   "a clip: ComfyUI's LoadImage reads every frame of an animated WEBP or GIF, Studio's Load Image its "
                   f"first picture only, so where the file is animated its frames are one still here ({fix})")
    return out
