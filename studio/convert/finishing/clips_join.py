"""Loaded clips placed side by side with no take among them (ComfyUI's 'Video Stitch' blueprint: GetVideoComponents
of each clip -> ImageStitch -> CreateVideo with the first clip's sound and rate; KJNodes' ImageConcanate of two
files): told by the node's settings and sockets - two or more numbered picture inputs (image1, image2 / image_1 ...),
a 'direction' of right / down / left / up - each picture a Load Video's frames (through GetVideoComponents or a
reroute), made as Studio's Side by Side of their Load Videos on a utility's way, said naming the node. Plain data
and stdlib; the builder ``b`` of mapping.convert makes the nodes (finishing.utility calls it)."""
from __future__ import annotations

from typing import Callable

from ..reading.workflow import CNode, Workflow

DIRECTIONS = ("right", "down", "left", "up")
VIDEO_FILES = ("LoadVideo", "VHS_LoadVideo", "VHS_LoadVideoPath")
THROUGH = ("GetVideoComponents", "Reroute")


def _ports(n: CNode) -> list[str]:
    ports = [k for k in n.links if k.startswith("image") and k.removeprefix("image").lstrip("_").isdigit()]
    return sorted(ports, key=lambda k: int(k.removeprefix("image").lstrip("_")))


def _file(wf: Workflow, n: CNode, port: str) -> tuple[CNode, list[CNode]] | None:
    """The Load Video giving ``n``'s ``port`` its frames, through GetVideoComponents or a reroute, and those nodes."""
    src, via = wf.source(n, port), []
    for _ in range(8):
        if src is None or not src.enabled:
            return None
        if src.cls in VIDEO_FILES:
            return src, via
        if src.cls not in THROUGH:
            return None
        via.append(src)
        src = wf.source(src, next(iter(src.links), ""))
    return None


loaded_file = _file  # (clips_transition reads its clips the same way)


def joined_files(wf: Workflow, n: CNode) -> list[tuple[str, CNode, list[CNode]]] | None:
    """(port, its Load Video, the nodes between) for each picture ``n`` places side by side, when every one is a
    loaded clip's frames and ``n`` sets a direction; None otherwise."""
    ports = _ports(n)
    if len(ports) < 2 or not n.enabled or wf.value(n, "direction") not in DIRECTIONS:
        return None
    found = [(p, *f) for p in ports if (f := _file(wf, n, p)) is not None]
    return found if len(found) == len(ports) else None


def make(b, n: CNode, parts: list, wire: tuple[str, str], loader: CNode, load: Callable, said: list[str]) -> str:
    """Studio's Side by Side of the clips ``parts`` (joined_files') in order, the way's own clip (``loader``'s) being
    ``wire``; other clips from their Load Video (``load``: the utility's); said. The node giving the joined clip."""
    way = b.wf.value(n, "direction")
    clips = []
    for _port, f, via in parts:
        clips.append(wire[0] if f.id == loader.id else load(b, f, said))
        b.used |= {f.id} | {v.id for v in via}
    acc = clips[0]
    for clip in clips[1:]:
        nid = b.add("edit.side_by_side", {"direction": way}, n)
        b.g.connect(acc, "video", nid, "a")
        b.g.connect(clip, "video", nid, "b")
        acc = nid
    b.used.add(n.id)
    files = ", ".join(f"'{b.file_of(f)}'" if b.file_of(f) else f"'{f.title or f.shown_cls}' ({f.shown_cls}, #{f.id}) with no file named"
                      for _p, f, _v in parts)
    other = {k: v for k, v in n.settings().items() if k not in ("direction",)}
    lost = [f"{k} {v}" for k, v in other.items() if (k == "match_image_size" and v is False) or
            (k == "spacing_width" and isinstance(v, (int, float)) and v > 0)]
    said.append(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) places the clips {files} side by side "
                f"({way}): Studio's Side by Side, each next clip scaled (aspect kept) to the first's height or width, "
                "the first's sound and rate, a shorter clip holding its last frame"
                + (f"; its {', '.join(lost)} not applied" if lost else ""))
    return acc
