"""Command-line side of distributed renders. ``studio/cli.py`` only adds these flags and
commands and hands over; this module imports nothing heavy at import time.

* ``main.py render GRAPH -o OUT --workers N [--chunk F] [--engine local|ray] [--address A]
  [--resume] [--sweep NODE.PARAM=v1,v2 ...]``
* ``main.py export-job GRAPH --format openjd -o JOBDIR``
* ``main.py job chunk JOBDIR --start A`` / ``main.py job collect JOBDIR`` (what farm tasks run)
"""
from __future__ import annotations

import argparse
import os
import sys

from studio.core.errors import StudioError


def add_render_args(r: argparse.ArgumentParser) -> None:
    d = r.add_argument_group("render in chunks (several processes or machines)")
    d.add_argument("--workers", type=int, metavar="N", help="render in chunks on N worker processes")
    d.add_argument("--chunk", type=int, metavar="F", help="frames per chunk (default 24)")
    d.add_argument("--engine", choices=("local", "ray"), help="local process pool (default) or Ray")
    d.add_argument("--address", metavar="ADDR", help="Ray cluster address (default: start Ray here)")
    d.add_argument("--resume", action="store_true", help="keep the chunks a stopped render finished")
    d.add_argument("--sweep", action="append", metavar="NODE.PARAM=V1,V2",
                   help="render every value (several --sweep: every combination) plus a contact sheet")
    d.add_argument("--job-dir", metavar="DIR", help="where chunk files go (default: .studio-jobs "
                                                    "next to the output; shared storage for several machines)")
    d.add_argument("--keep-job", action="store_true", help="keep the chunk files after the render")


def wants(args) -> bool:
    """Does this ``render`` go through the chunked path?"""
    return bool(getattr(args, "workers", None) or getattr(args, "sweep", None)
                or getattr(args, "engine", None) or getattr(args, "resume", False)
                or getattr(args, "chunk", None) or getattr(args, "address", None))


def options_from(args, frames) -> "RenderOptions":
    from .planner import DEFAULT_CHUNK
    from .render import RenderOptions
    workers = args.workers if args.workers is not None else 1
    if workers < 1:
        raise StudioError(f"--workers must be at least 1, got {workers}")
    if args.address and (args.engine or "ray") != "ray":
        raise StudioError("--address is a Ray cluster address: use it with --engine ray")
    return RenderOptions(workers=workers, chunk=args.chunk or DEFAULT_CHUNK,
                         engine=args.engine or ("ray" if args.address else "local"), address=args.address,
                         resume=args.resume, frames=frames, job_root=args.job_dir, keep_job=args.keep_job)


def build_jobs(graph, output: str | None, sweeps: list[str] | None):
    """One (graph, targets, output, settings) per sweep combination (one when no sweep)."""
    from studio.core.targets import apply_sets, point_outputs_at

    from .sweep import combinations, combo_path, parse_sweeps
    combos = combinations(parse_sweeps(sweeps or []))
    if len(combos) > 1 and not output:
        raise StudioError("--sweep needs -o OUT.mp4 (each combination writes OUT_param-value.mp4)")
    jobs = []
    for sets in combos:
        g = graph.copy()
        apply_sets(g, sets)
        out = combo_path(os.path.abspath(output), sets) if output else None
        targets = point_outputs_at(g, out) if out else None
        jobs.append((g, targets, out, sets))
    return jobs


def render_graph(graph, output: str | None, opts, sweeps: list[str] | None = None, on_event=None,
                 cancel=None, plan=None):
    """Render ``graph`` (each sweep combination) in chunks; with a sweep, also the contact sheet.
    Returns ``(RenderReport, sheet path or None)``. The CLI and the Render dialog call this.
    ``plan``: the caller's compile of ``graph`` as it is (its outputs already pointed at
    ``output``): without a sweep the render uses it, compiling nothing again."""
    from .render import render
    from .sweep import combo_label, contact_sheet, sheet_path
    if plan is not None and not sweeps:  # the caller's plan of this very graph
        return render([(graph, None, plan)], opts, on_event=on_event, cancel=cancel), None
    jobs = build_jobs(graph, output, sweeps)
    rep = render([(g, t) for g, t, _, _ in jobs], opts, on_event=on_event, cancel=cancel)
    sheet = None
    if len(jobs) > 1:
        sheet = contact_sheet(rep.outputs, [combo_label(s) for *_, s in jobs], sheet_path(os.path.abspath(output)))
    return rep, sheet


def run_render(args, graph, frames, plan=None) -> int:
    """``main.py render`` with --workers/--engine/--sweep...: chunked render with one progress bar.
    ``plan``: the command line's one compile of ``graph`` (render_graph)."""
    from tqdm import tqdm

    from studio.engine.events import NodeMessage

    from .engines import RETRY
    from .render import ChunkEvent, ProgressEvent, StageEvent
    opts = options_from(args, frames)
    quiet = args.quiet
    bar = None

    def say(text: str, warning: bool = False) -> None:
        if quiet and not warning:
            return
        (bar.write if bar is not None else (lambda t: print(t, file=sys.stderr)))(text)

    def on_event(e):
        nonlocal bar
        if isinstance(e, ProgressEvent):
            if bar is None and not quiet:
                bar = tqdm(total=e.total_frames, unit="frame", file=sys.stderr, desc="render", smoothing=0.1)
            if bar is not None:
                bar.n = e.done_frames
                bar.refresh()
        elif isinstance(e, StageEvent):
            if e.stage == "done" and bar is not None:
                bar.close()
                bar = None
            if e.stage != "done":
                say(f"  {e.text}")
        elif isinstance(e, ChunkEvent) and e.state == RETRY:  # a failure ends the render: its error line says it
            say(f"  warning: chunk {e.task.name()} {e.state}: {e.detail}", warning=True)
        elif isinstance(e, NodeMessage):
            say(f"  {'warning: ' if e.level == 'warning' else ''}[{e.title}] {e.text}", warning=e.level == "warning")

    try:
        rep, sheet = render_graph(graph, args.output, opts, args.sweep, on_event=on_event, plan=plan)
    finally:
        if bar is not None:
            bar.close()
    for w in rep.warnings:
        print(f"  warning: {w}", file=sys.stderr)
    if rep.skipped:
        print(f"  resumed: {len(rep.skipped)} chunk(s) were finished before, {len(rep.rendered)} rendered now",
              file=sys.stderr)
    if sheet:
        print(f"contact sheet {sheet}")
    print(f"rendered {', '.join(rep.outputs)} in {rep.seconds:.1f} s "
          f"({len(rep.rendered)} chunk(s) on {opts.workers} {opts.engine} worker(s))")
    return 0


# -- farm jobs ------------------------------------------------------------------------------
def add_commands(sub) -> None:
    e = sub.add_parser("export-job", help="write a render-farm job (Open Job Description) for a graph")
    e.add_argument("graph")
    e.add_argument("--format", choices=("openjd",), default="openjd")
    e.add_argument("-o", "--output", required=True, metavar="JOBDIR", help="folder for the job template")
    e.add_argument("--video", metavar="OUT.mp4", help="the video the job writes (default: the graph's own)")
    e.add_argument("--set", action="append", metavar="NODE.PARAM=VALUE", help="override a parameter")
    e.add_argument("--frames", metavar="A-B", help="render frames A to B (inclusive)")
    e.add_argument("--preview", action="store_true", help="the generators at their 'preview size' setting "
                                                          "(without it the job renders full size)")
    e.add_argument("--chunk", type=int, metavar="F", help="frames per farm task (default 24)")
    e.add_argument("--job-dir", metavar="DIR", help="chunk folder on storage every worker sees "
                                                    "(default: inside JOBDIR, next to the template)")
    j = sub.add_parser("job", help="one step of an exported job (what farm tasks run)")
    j.add_argument("action", choices=("chunk", "collect"))
    j.add_argument("job_dir")
    j.add_argument("--start", type=int, help="first frame of the chunk (chunk)")
    j.add_argument("--keep-job", action="store_true")


def cmd_export_job(args) -> int:
    from studio.core.targets import parse_frames
    from studio.core.fileformat import load_graph

    from .openjd import export_openjd
    from studio.core.targets import apply_sets, full_size
    graph = load_graph(args.graph)
    full = [] if args.preview else full_size(graph)  # a farm render is final: full size unless asked
    apply_sets(graph, args.set or [])
    if full:
        print(f"full size: 'preview size' is off for {', '.join(full)} (give --preview for preview size)",
              file=sys.stderr)
    frames = parse_frames(args.frames) if args.frames else None
    (g, targets, _out, _), = build_jobs(graph, args.video, None)
    path, job = export_openjd(g, targets, args.output, frames=frames, chunk=args.chunk, job_root=args.job_dir)
    print(f"wrote {path} ({len(job.chunks)} render task(s) of up to {job.desc['chunk']} frames, then collect "
          f"{job.desc['output']}); job folder {job.folder}")
    return 0


def cmd_job(args) -> int:
    from .chunk import render_chunk
    from .collect import collect
    from .job import Job
    job = Job(args.job_dir)
    if args.action == "chunk":
        if args.start is None:
            raise StudioError("job chunk needs --start FRAME")
        match = [c for c in job.chunks if c[0] == args.start]
        if not match:
            raise StudioError(f"no chunk starts at frame {args.start} (chunks start at "
                              f"{', '.join(str(c[0]) for c in job.chunks[:8])}...)")
        a, b = match[0]
        res = render_chunk(job.folder, a, b)
        for w in res["warnings"]:
            print(f"  warning: {w}", file=sys.stderr)
        print(f"chunk {a}-{b - 1}: {'rendered' if res['rendered'] else 'already done'} {res['path']}")
        return 0
    out = collect(job, keep_frames=args.keep_job)
    print(f"collected {out}")
    return 0


COMMANDS = {"export-job": cmd_export_job, "job": cmd_job}
