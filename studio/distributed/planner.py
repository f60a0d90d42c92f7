"""Read a compiled plan (studio.engine.plan.Plan) for a chunked render: which node writes the video, what can run per
chunk, what must run once first, and how the frame range splits into chunks.

A node can run per chunk when frame ``i`` of its output is a pure function of frame indices of
its inputs, so any chunk can pull the frames it needs (including those before its start) and
get the same frames as a render from frame 0: SOURCE, FRAME and WINDOW nodes, and CLIP nodes
whose ``run`` only wraps its input in a lazy clip (listed below, or declaring
``chunk_safe = True``). Any other CLIP node (training, joint sampling, tracking) needs the whole
clip: it runs once, before the chunks, and its results reach the chunks through files.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from studio.core.errors import StudioError
from studio.core.spec import FRAME, SOURCE, WINDOW

#: CLIP-timed nodes whose ``run`` returns a lazy clip indexed by frame (no whole-clip work).
LAZY_CLIP_NODES = frozenset({"motion.interpolate", "transform.trim", "io.preview"})
VIDEO_OUTPUT = "io.save_video"
DEFAULT_CHUNK = 24  # a multiple of the writer's 8-frame blocks, so blocks line up with one render


class SplitError(StudioError):
    """The graph cannot be rendered in chunks; the message names the node that prevents it."""


def is_chunk_safe(spec) -> bool:
    return (spec.timing in (SOURCE, FRAME, WINDOW) or spec.id in LAZY_CLIP_NODES
            or spec.cls.chunk_safe)


@dataclass
class Analysis:
    output_id: str
    output_title: str
    video_src: tuple[str, str]
    audio_src: tuple[str, str] | None
    chunk_nodes: list[str]          # steps a chunk runs (whole-clip ones load their results)
    whole_clip: list[str]           # nodes run once before the chunks
    whole_clip_titles: list[str] = field(default_factory=list)
    signature: str = ""             # of the frames: names the job folder


def analyse(plan) -> Analysis:
    """Find the one Save Video the render makes and sort the nodes it needs, in ``plan`` (the
    render's compiled studio.engine.plan.Plan)."""
    steps = {s.node.id: s for s in plan.steps}
    outputs = [s for s in plan.steps if s.node.spec.is_output and s.node.type_id != "io.preview"]
    videos = [s for s in outputs if s.node.type_id == VIDEO_OUTPUT]
    others = [s for s in outputs if s.node.type_id != VIDEO_OUTPUT]
    if others:
        names = ", ".join(f"'{s.node.label}' ({s.node.type_id})" for s in others)
        raise SplitError(f"a chunked render writes one Save Video; {names} would not be made: "
                         f"render without --workers, or mute {'them' if len(others) > 1 else 'it'}")
    if len(videos) != 1:
        if not videos:
            raise SplitError("a chunked render needs a Save Video node (or -o OUT.mp4); the graph has none")
        raise SplitError(f"a chunked render writes one Save Video; the graph has {len(videos)} "
                         f"({', '.join(repr(s.node.label) for s in videos)}): render them one at a time")
    out = videos[0]
    video_src = out.inputs.get("video")
    if video_src is None:
        raise SplitError(f"'{out.node.label}' has no video input")
    audio_src = out.inputs.get("audio")

    chunk_nodes: set[str] = set()
    whole: list[str] = []
    stack = [video_src[0]] + ([audio_src[0]] if audio_src else [])
    while stack:
        nid = stack.pop()
        if nid in chunk_nodes:
            continue
        chunk_nodes.add(nid)
        st = steps[nid]
        if is_chunk_safe(st.node.spec):
            stack.extend(src[0] for src in st.inputs.values() if src is not None)
        else:
            whole.append(nid)
    order = [s.node.id for s in plan.steps]
    whole.sort(key=order.index)
    sig = hashlib.sha256(json.dumps([steps[video_src[0]].signature, video_src[1]]).encode()).hexdigest()[:20]
    return Analysis(out.node.id, out.node.label, tuple(video_src), tuple(audio_src) if audio_src else None,
                    [n for n in order if n in chunk_nodes], whole,
                    [steps[n].node.label for n in whole], sig)


def split(frames: range, size: int) -> list[tuple[int, int]]:
    """[start, stop) chunks of at most ``size`` frames covering ``frames``."""
    if size < 1:
        raise StudioError(f"--chunk must be at least 1 frame, got {size}")
    return [(a, min(a + size, frames.stop)) for a in range(frames.start, frames.stop, size)]
