"""Prepare a chunked render: plan it, run the whole-clip nodes once, write the job folder and
the chunk list."""
from __future__ import annotations

import hashlib
import os
from typing import Any, Callable

from studio.core.errors import StudioError
from studio.engine.context import CancelToken

from .engines import RenderOptions, RenderReport, StageEvent
from .job import Job
from .planner import analyse, split


def resolve_output(path: str, base_dir: str | None) -> str:
    if os.path.isabs(path):
        return path
    return os.path.abspath(os.path.join(base_dir, path) if base_dir else path)


def prepare(graph, targets: list[str] | None, opts: RenderOptions, emit: Callable[[Any], None],
            report: RenderReport, cancel: CancelToken | None = None, plan=None) -> Job:
    """Plan the render, run the whole-clip nodes once, write the job folder. ``plan``: the
    caller's compile of ``graph`` (studio.engine.plan.Plan; ``targets`` are then its own), else
    the graph is compiled here, once: the plan is read for the analysis, runs the whole-clip
    nodes and builds the clip (``job.plan``)."""
    from studio.core.fileformat import graph_to_dict
    from studio.engine.executor import Executor

    from .chunk import build

    # the checks of any run before anything runs: the output in an allowed folder, inputs there,
    # models found (the workers do not check the output again)
    if plan is None:
        plan = Executor(frame_caching=False).compile(graph, targets)
    an = analyse(plan)
    out_node = graph.nodes.get(an.output_id)
    params = dict(out_node.params) if out_node is not None else {}
    output = resolve_output(params.get("path") or "out.mp4", getattr(graph, "base_dir", None))
    # whole-clip nodes see the frame range too: another range is another job
    key = hashlib.sha256(f"{output}|{opts.frames}".encode()).hexdigest()[:8]
    root = opts.job_root or os.path.join(os.path.dirname(output), ".studio-jobs")
    folder = os.path.join(root, f"{an.signature}-{key}")
    old = None
    if os.path.exists(os.path.join(folder, "job.json")):
        old = Job(folder)
    desc = {"version": 1, "graph": graph_to_dict(graph), "base_dir": getattr(graph, "base_dir", None),
            "output_id": an.output_id, "output_title": an.output_title, "output": output,
            "output_params": {k: v for k, v in params.items() if k in ("crf", "preset", "embed_graph")},
            "video_src": list(an.video_src), "audio_src": list(an.audio_src) if an.audio_src else None,
            "chunk_nodes": an.chunk_nodes, "whole_nodes": an.whole_clip,
            "frame_range": list(opts.frames) if opts.frames else None, "chunk": opts.chunk}
    whole = None  # stays None until the whole-clip nodes' results are all written
    if old is not None and opts.resume and old.desc.get("whole") is not None:
        whole = old.desc["whole"]  # the whole-clip nodes ran in an earlier attempt
    job = Job.create(folder, {**desc, "whole": whole if whole is not None or an.whole_clip else {}})
    job.plan = plan
    if old is not None and not opts.resume:
        n_old = sum(1 for c in (old.desc.get("chunks") or []) if old.is_done(*c))
        job.clear_chunks()
        if n_old:
            emit(StageEvent("chunks", f"discarded {n_old} chunk(s) an earlier attempt finished "
                                      f"(--resume keeps them)"))
    report.whole_clip += an.whole_clip_titles
    if an.whole_clip and whole is None:
        titles = ", ".join(f"'{t}'" for t in an.whole_clip_titles)
        emit(StageEvent("whole-clip", f"running {titles} once on the whole clip before the chunks"))
        res = Executor(frame_caching=False).run(plan.only(an.whole_clip), on_event=emit,
                                                frame_range=opts.frames, cancel=cancel)
        ports = _consumed_ports(plan, an)
        specs = {s.node.id: s.node.spec for s in plan.steps}
        saved = {}
        for nid, title in zip(an.whole_clip, an.whole_clip_titles):
            saved[nid] = {port: job.save_value(nid, title, port, specs[nid].output(port).type,
                                               res.outputs[nid][port]) for port in sorted(ports.get(nid, ()))}
        job.update(whole=saved)
    # the clip's length, from the lazy clip the chunks will build
    _g, clip, _a, warnings = build(job, on_event=emit)
    n = len(clip)
    a, b = opts.frames if opts.frames else (0, n)
    frames = range(max(0, a), min(n, b))
    if len(frames) == 0:
        raise StudioError(f"nothing to render: frames {a}-{b - 1} are outside the clip's {n} frames")
    if opts.frames and (a < 0 or b > n):
        report.warnings.append(f"{an.output_title}: frames {a}-{b - 1} cut to {frames.start}-{frames.stop - 1} "
                               f"(the clip has {n} frames)")
    # a chunk file holds frames [A, B) of this signature whatever the chunk size was, so a resume
    # with another --chunk reuses the files whose ranges still match
    chunks = split(frames, opts.chunk)
    job.update(frames=[frames.start, frames.stop], chunks=[list(c) for c in chunks])
    report.warnings += [w for w in warnings if w not in report.warnings]
    return job


def _consumed_ports(plan, an) -> dict[str, set[str]]:
    """The outputs of the whole-clip nodes that chunk-side nodes (or the output) read."""
    out: dict[str, set[str]] = {}
    chunk_side = set(an.chunk_nodes) - set(an.whole_clip)
    for s in plan.steps:
        if s.node.id in chunk_side or s.node.id == an.output_id:
            for port, src in s.inputs.items():
                if src is not None and src[0] in an.whole_clip:
                    out.setdefault(src[0], set()).add(src[1])
    return out
