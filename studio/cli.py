"""Command line: ``python main.py [GRAPH]`` opens the studio; ``render``, ``validate``, ``nodes``,
``models``, ``convert`` (a ComfyUI workflow to a graph), ``queue`` (studio/queue/cli.py) and ``serve``
(ComfyUI's API, studio/serve/cli.py) work without a window. Bad input prints
one line and exits non-zero; ``--debug`` shows the traceback."""
from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import signal
import sys
import threading
import time
import traceback

from studio.core.errors import Cancelled, StudioError
from studio.core.targets import apply_sets, file_outputs, full_size, parse_frames, point_outputs_at

EXIT_USAGE = 2
EXIT_FAILED = 1
EXIT_INTERRUPTED = 130  # Ctrl+C, as a shell says it


def cmd_render(args) -> int:
    from studio.engine.device import configure_threads
    from studio.engine.executor import Executor

    configure_threads(interactive=False)
    _allow_dirs(args)
    graph, frames, targets = _render_graph(args)
    # the one compile of the render, with its preflight before anything runs (also before a chunked
    # render's whole-clip nodes): outputs in allowed folders, inputs readable, models found
    # one pass: caching frames would only cost memory; the disk cache (studio.engine.disk_cache)
    # keeps expensive nodes' outputs for the next render, unless --no-cache
    ex = Executor(frame_caching=False, disk_cache=None if args.no_cache else _disk_cache())
    plan = ex.compile(graph, targets=targets)
    if not targets and not file_outputs(graph):
        _no_file_output(graph)
    for w in graph.warnings():
        print(f"warning: {w}", file=sys.stderr)
    _say_where_outputs_go(graph, args.quiet)
    from studio.distributed import cli as distributed
    if distributed.wants(args):  # --workers, --engine, --sweep ...: chunked render
        return distributed.run_render(args, graph, frames, plan)

    from studio.engine.run_state import RunState
    state = RunState(graph=lambda: graph)  # what the run did, as the window's run state holds it
    state.begin(targets)
    on_event = _progress_printer(graph, state, args.quiet)
    t0 = time.perf_counter()
    state.applied.connect(on_event)  # printed from the run state, after it applied each event
    # -o names the files: a preview is said, not renamed (studio/engine/previews.py)
    from studio.engine.context import CancelToken
    cancel = CancelToken()
    try:
        with _ctrl_c_stops(cancel):
            ex.run(plan, on_event=state.apply, frame_range=frames, options={"keep_output_names": bool(args.output)},
                   cancel=cancel)
    except Cancelled:
        if not cancel.cancelled:
            raise
        print(f"stopped (Ctrl+C) after {time.perf_counter() - t0:.1f} s: the finished steps are kept, the same render "
              "resumes from them", file=sys.stderr)
        return EXIT_INTERRUPTED
    return _report_written(state, t0)


@contextlib.contextmanager
def _ctrl_c_stops(cancel):
    """Ctrl+C during a render stops it as the window's Stop does (issue 116): at the next step, the finished
    steps written for the next render to resume from; a second Ctrl+C quits at once. Only on the main thread
    (a signal handler can be set there only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        if cancel.cancelled:
            raise KeyboardInterrupt
        cancel.cancel()
        print("\nstopping at the next step; the finished steps are kept (Ctrl+C again quits at once)",
              file=sys.stderr, flush=True)
    before = signal.signal(signal.SIGINT, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


def _render_graph(args):
    """(graph, frames, targets) of a render: the graph loaded, at full size unless --preview,
    with the command line's --set, --seed, --device and -o applied, and validated."""
    from studio.core.fileformat import load_graph
    graph = load_graph(args.graph)
    full = [] if args.preview else full_size(graph)  # a headless render is final: full size unless asked
    apply_sets(graph, args.set or [])
    if full and not args.quiet:
        print(f"full size: 'preview size' is off for {', '.join(full)} (give --preview to render at preview size)",
              file=sys.stderr)
    if args.seed is not None:
        if args.seed < 0:
            raise StudioError("--seed must be a non-negative integer")
        graph.settings["seed"] = args.seed
    if args.device:
        graph.settings["device"] = args.device
    frames = parse_frames(args.frames) if args.frames else None
    targets = point_outputs_at(graph, args.output) if args.output else None
    errs = [e for e in graph.validate()]
    if errs:
        raise errs[0]
    return graph, frames, targets


def _no_file_output(graph) -> None:
    """Refuse a render with no output that writes a file, naming the muted ones if any."""
    muted = [n.label for n in graph.nodes.values() if n.spec is not None and n.spec.is_output
             and n.mode == "mute" and any(p.kind == "path" for p in n.spec.params)]
    if muted:
        raise StudioError(f"every output that writes a file is muted ({', '.join(muted)}): unmute one, "
                          "or give -o OUT to render the graph's last clip")
    raise StudioError("the graph has no output that writes a file (Save Video, Save Image Sequence...): "
                      "add one, or give -o OUT to render its last clip")


NOTE_EVERY_S = 1.0  # a passing progress line (the decode's frames) printed at most this often per node


def _progress_printer(graph, state, quiet: bool):
    """on_event(e) printing a render's progress to stderr: a line per node started and done, a
    progress bar per node, skips and messages (with --quiet: warnings only)."""
    from tqdm import tqdm

    from studio.engine.events import (NodeFailed, NodeFinished, NodeMessage, NodeNote, NodeProgress, NodeSkipped,
                                      NodeStarted)
    bars: dict[str, tqdm] = {}
    passing: dict[str, float] = {}  # node id -> when its last passing line (decoding 40 / 121 frames) was printed
    titles = {nid: state.title(nid) for nid in graph.nodes}

    def on_event(e):
        if isinstance(e, NodeStarted):
            titles[e.node_id] = e.title
        if quiet and not (isinstance(e, NodeMessage) and e.level == "warning"):
            return
        if isinstance(e, NodeStarted):
            print(f"  {e.title} ({e.node_id}) ...", file=sys.stderr, flush=True)
        elif isinstance(e, NodeProgress) and e.total:
            bar = bars.get(e.node_id)
            if bar is None:
                bar = bars[e.node_id] = tqdm(total=e.total, unit=e.unit, leave=False, file=sys.stderr,
                                             desc=graph.nodes[e.node_id].label if e.node_id in graph.nodes else e.node_id)
            bar.n = min(e.step, e.total)
            bar.set_postfix({k: f"{v:.4g}" for k, v in e.values.items()}, refresh=False)
            bar.refresh()
        elif isinstance(e, (NodeFinished, NodeFailed)):
            # a failure ends every bar: the node whose clip failed may not be the one reading it
            for nid in (list(bars) if isinstance(e, NodeFailed) else [e.node_id]):
                bar = bars.pop(nid, None)
                if bar is not None:
                    bar.close()
            if isinstance(e, NodeFinished) and not e.cached:
                print(f"  done {titles.get(e.node_id, e.node_id)} in {e.seconds:.2f} s", file=sys.stderr)
            elif isinstance(e, NodeFinished) and e.cached_from:
                print(f"  {state.title(e.node_id)}: cached ({e.cached_from})", file=sys.stderr)
        elif isinstance(e, NodeSkipped):
            what = "warning: " if e.is_output else ""
            print(f"  {what}skipped {e.title or e.node_id}: {e.reason}", file=sys.stderr)
        elif isinstance(e, NodeMessage):
            what = "warning: " if e.level == "warning" else ""
            print(f"  {what}[{e.title}] {e.text}", file=sys.stderr, flush=True)
        elif isinstance(e, NodeNote):  # the lines the window shows under a running node: the decode's progress
            now = time.monotonic()
            if not e.logged:
                if now - passing.get(e.node_id, -1e9) < NOTE_EVERY_S:
                    return
                passing[e.node_id] = now
            print(f"  [{titles.get(e.node_id, e.node_id)}] {e.text}", file=sys.stderr, flush=True)
    return on_event


def _report_written(state, t0: float) -> int:
    """Name each file the run wrote (and the skipped outputs); the exit status."""
    from studio.engine.executor import pattern_frames
    written = [(state.writers.get(p, ""), p) for p in state.written]
    skipped_outputs = state.skipped_outputs
    for title, path in written:
        n = pattern_frames(path) if not os.path.exists(path) else 0
        print(f"{title} wrote {path}" + (f" ({n} frame{'s' if n != 1 else ''})" if n else ""))
    if skipped_outputs:
        return _report_skipped(skipped_outputs, written)
    if not written:
        raise StudioError("the run ended but no output wrote a file")
    print(f"rendered {', '.join(p for _, p in written)} in {time.perf_counter() - t0:.1f} s")
    return 0


def _disk_cache():
    from studio.engine.disk_cache import DiskCache
    return DiskCache.from_settings()


def _say_where_outputs_go(graph, quiet: bool) -> None:
    """A graph shipped in the install (a template, the demo) writes its relative outputs into the
    project folder, as in the window: said before it runs (studio.core.project.output_base)."""
    from studio.core.project import output_base
    base = getattr(graph, "base_dir", None)
    out = output_base(base)
    if not quiet and base and out != base:
        print(f"  a shipped graph: its outputs go to {out}, not into the install", file=sys.stderr)


def _report_skipped(skipped: list[tuple[str, str, list[str]]], written: list[tuple[str, str]]) -> int:
    """Outputs the user asked for were not made: say which, why in full, and whether an old file
    is still at their path (it was NOT updated). Exits non-zero: this is not a success."""
    parts = []
    for title, reason, stale in skipped:
        old = "".join(f"; the old file {f} is still there and was NOT updated" for f in stale)
        parts.append(f"'{title}' was skipped: {reason}{old}")
    made = f" ({len(written)} other output(s) written)" if written else ""
    print(f"error: {len(skipped)} output(s) not written{made}: " + "; ".join(parts), file=sys.stderr)
    return EXIT_FAILED


def _allow_dirs(args) -> None:
    """--allow-dir DIR (repeatable): graphs may write into DIR during this command."""
    from studio.core.confine import allow_for_session
    for d in getattr(args, "allow_dir", None) or []:
        allow_for_session(d)


def cmd_validate(args) -> int:
    """The checks render makes before it runs anything (the graph's own, then the engine's
    compile: groups flattened, bypasses resolved, devices, and the preflight: outputs in allowed
    folders, inputs readable, models found), so a graph that validates renders."""
    from studio.core.fileformat import load_graph
    _allow_dirs(args)
    graph = load_graph(args.graph)
    errs = graph.validate()
    notes: list = []
    if not errs:
        from studio.engine.executor import Executor
        try:
            notes = Executor().compile(graph, check_only=True).notes
        except StudioError as e:
            errs = list(getattr(e, "errors", None) or [e])
    for w in graph.warnings():
        print(f"warning: {w}", file=sys.stderr)
    for nid, title, text, *level in notes:  # what the nodes advise: the run will do otherwise than asked
        if level:
            print(f"{'warning' if level[0] == 'warning' else 'note'}: '{title}' ({nid}): {text}", file=sys.stderr)
    if errs:
        if len(errs) == 1:
            print(f"error: {errs[0]}", file=sys.stderr)
        else:
            shown = errs[:50]
            print(f"error: {len(errs)} problems:", file=sys.stderr)
            for e in shown:
                print(f"  - {e}", file=sys.stderr)
            if len(errs) > len(shown):
                print(f"  ... and {len(errs) - len(shown)} more", file=sys.stderr)
        return EXIT_FAILED
    print(f"{args.graph}: ok ({len(graph.nodes)} nodes, {len(graph.links)} links)")
    return 0


def cmd_nodes(args) -> int:
    from studio.core.registry import default_registry
    reg = default_registry()
    specs = reg.specs()
    if args.json:
        print(json.dumps([{
            "id": s.id, "title": s.title, "category": s.category, "help": s.help, "timing": s.timing,
            "inputs": [{"name": i.name, "type": i.type, "optional": i.optional} for i in s.inputs],
            "outputs": [{"name": o.name, "type": o.type} for o in s.outputs],
            "params": [{"name": p.name, "kind": p.kind, "default": p.default, "help": p.help,
                        **{k: getattr(p, k) for k in ("min", "max", "choices") if hasattr(p, k)}}
                       for p in s.params]} for s in specs], indent=1, default=str))
        return 0
    cat = None
    for s in specs:
        if s.category != cat:
            cat = s.category
            print(f"\n[{cat}]")
        print(f"  {s.id}  —  {s.title} ({s.timing})")
        for i in s.inputs:
            print(f"      in  {i.name}: {i.type}{' (optional)' if i.optional else ''}")
        for o in s.outputs:
            print(f"      out {o.name}: {o.type}")
        for p in s.params:
            print(f"      set {p.describe()}" + (f"  — {p.help}" if p.help else ""))
    for mod, why in reg.load_errors:
        print(f"warning: node module {mod} failed to load: {why}", file=sys.stderr)
    return 0


def cmd_models(args) -> int:
    """The models in the models folders (diffusers folders, the Hugging Face cache, a ComfyUI
    folder's kind folders), recognised from their headers, with each memory mode's fit."""
    from studio.core.registry import default_registry
    # Load Video Model's declared door to its catalog (Node.models_report): no node code imported here
    report = default_registry().get("video_models.load").cls.models_report(refresh=args.refresh)
    notes = report["notes"]
    if args.json:
        print(json.dumps({k: report[k] for k in ("machine", "models", "notes")}, indent=1))
        return 0
    from studio.core.models import model_dirs
    if not report["models"]:
        print(f"no model found in {', '.join(model_dirs())} (choose the folders in Edit > Preferences…, "
              "or set STUDIO_MODELS)")
    else:
        print(report["table"], end="")
    for n in notes:
        print(f"note: {n}", file=sys.stderr)
    return 0


def cmd_families(args) -> int:
    """Every kind of model Studio reads: one record per video model family (its variants, tasks, the
    inputs of each task, the file formats and layouts read), and the preprocessors' models."""
    from studio.core.registry import default_registry
    reg = default_registry()
    records = reg.model_families()  # what every node declares (Node.model_families)
    if args.json:
        print(json.dumps(records, indent=1))
        return 0

    def title(node: str) -> str:
        return reg.get(node).title if node in reg else node

    for r in records:
        print(f"{r['family']:<12} {r['kind']:<12} {r['name']}")
        print(f"{'':<12} variants: {', '.join(r['variants'])}")
        for t in r["tasks"]:
            made = r.get("makers", {}).get(t)  # a video model family's: each node making the task, on its ports
            for m in made or [{"inputs": r["inputs"][t]}]:
                by = f"  ({title(m['node'])})" if "node" in m else ""
                print(f"{'':<12} {t}: {', '.join(m['inputs'])}{by}")
        if r.get("why"):
            print(f"{'':<12} does: {r['does']}")
            print(f"{'':<12} not read: {r['why']}")
            continue
        print(f"{'':<12} reads: {'; '.join(r['formats'])}")
        for nb in r.get("not_built", []):
            print(f"{'':<12} not made: {nb['task']}: {nb['why']}")
        if r.get("lacks", {}).get("Resume"):  # why a Stop keeps none of its takes' steps (family_records.py)
            print(f"{'':<12} no resume: {r['lacks']['Resume']}")
        if r.get("used_by"):
            print(f"{'':<12} used by: {', '.join(r['used_by'])}")
    return 0


def _no_display() -> bool:
    return (sys.platform.startswith("linux") and not os.environ.get("DISPLAY")
            and not os.environ.get("WAYLAND_DISPLAY") and not os.environ.get("QT_QPA_PLATFORM"))


def cmd_convert(args) -> int:
    """A ComfyUI workflow (UI or API JSON) written as a Studio graph, what was made said."""
    from studio.convert.mapping.file import convert_file, write_pictures
    from studio.core.fileformat import save_graph
    conv = convert_file(args.workflow)
    out = args.output or os.path.splitext(args.workflow)[0] + ".studio.json"
    if os.path.abspath(out) == os.path.abspath(args.workflow):
        raise StudioError("-o is the workflow itself: give another file")
    save_graph(conv.graph, out)
    for line in conv.log + write_pictures(conv, os.path.dirname(os.path.abspath(out))):
        print(line)
    problems = conv.graph.validate()
    print(f"wrote {out}" + (f" ({len(problems)} problem(s): {problems[0]})" if problems else ""))
    return EXIT_FAILED if problems else 0


def cmd_gui(args) -> int:
    if _no_display():
        raise StudioError("no display to open the studio on (DISPLAY is not set). Run it from a desktop "
                          "session, or on a virtual screen: xvfb-run -a .venv/bin/python main.py; "
                          "`main.py render GRAPH -o OUT` needs no display")
    try:
        from studio.ui.app import run_app
    except ImportError as e:
        if "studio.ui" not in str(e) and "PySide6" not in str(e):
            raise
        print(f"the studio window is not available ({e}); rendering the demo graph instead", file=sys.stderr)
        ns = argparse.Namespace(graph=args.graph or default_demo(), output="out/demo.mp4", set=[],
                                frames=None, seed=None, device=None, quiet=False, no_cache=False)
        return cmd_render(ns)
    return run_app(args.graph, getattr(args, "cluster", None))


def _cmd_serve(args) -> int:
    from studio.serve.cli import cmd_serve
    return cmd_serve(args)


def _cmd_queue(args) -> int:
    if getattr(args, "cluster", None):  # `queue run --cluster ADDRESS`: on a Ray cluster's workers
        from studio.cluster.cli import run_on_cluster
        return run_on_cluster(args)
    from studio.queue.cli import cmd_queue
    return cmd_queue(args)


def default_demo() -> str:
    from studio.core.assets import DEMO_GRAPH
    return str(DEMO_GRAPH)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="main.py", description="Studio: video-generation pipelines as node graphs")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = p.add_subparsers(dest="cmd")
    r = sub.add_parser("render", help="run a graph without a window")
    r.add_argument("graph")
    r.add_argument("-o", "--output", help="output file; when the graph writes several, the one that writes this kind "
                   "of file writes it and the others go beside it named by their titles (a folder: each "
                   "one in it, named by its title)")
    r.add_argument("--set", action="append", metavar="NODE.PARAM=VALUE",
                   help="override a parameter (a relative path given here means relative to the current folder; "
                        "relative paths in the graph file mean next to the graph file)")
    r.add_argument("--frames", metavar="A-B", help="render frames A to B (inclusive)")
    r.add_argument("--preview", action="store_true",
                   help="render the generators at their 'preview size' setting, as the window does (fewer pixels "
                        "and steps, every frame); without it a render is full size")
    r.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"))
    r.add_argument("--seed", type=int)
    r.add_argument("-q", "--quiet", action="store_true")
    r.add_argument("--no-cache", action="store_true",
                   help="neither read nor keep outputs in the disk cache (a chunked render never uses it)")
    allow_help = ("let the graph write into DIR too (repeatable); a graph writes only into its own folder, the "
                  "project folder, the allowed folders of the settings and -o's folder")
    r.add_argument("--allow-dir", action="append", metavar="DIR", help=allow_help)
    from studio.distributed import cli as distributed
    distributed.add_render_args(r)
    v = sub.add_parser("validate", help="check a graph file")
    v.add_argument("graph")
    v.add_argument("--allow-dir", action="append", metavar="DIR", help=allow_help)
    n = sub.add_parser("nodes", help="list every node with its ports and parameters")
    n.add_argument("--json", action="store_true")
    mo = sub.add_parser("models", help="list the models in the models folders (family, variant, size, dtype, "
                                       "memory fit)")
    mo.add_argument("--json", action="store_true")
    mo.add_argument("--refresh", action="store_true", help="read every header again (not the cache)")
    fa = sub.add_parser("families", help="list the model families Studio reads (variants, tasks and their "
                                             "inputs, file formats)")
    fa.add_argument("--json", action="store_true")
    c = sub.add_parser("convert", help="make a Studio graph of a ComfyUI workflow (its UI or API JSON)")
    c.add_argument("workflow")
    c.add_argument("-o", "--output", help="the graph file to write (default: WORKFLOW.studio.json)")
    g = sub.add_parser("open", help="open the studio (the default)")
    g.add_argument("graph", nargs="?")
    g.add_argument("--cluster", default=None, metavar="ADDRESS",
                   help="run the Queue dock's jobs on the workers of the Ray cluster at ADDRESS (as ray start --head "
                        "says it; 'local': a Ray started here), one job a worker")
    distributed.add_commands(sub)
    from studio.queue.cli import add_command as add_queue
    from studio.serve.cli import add_command as add_serve
    add_serve(sub)
    add_queue(sub)
    return p


@functools.cache
def _parser() -> argparse.ArgumentParser:
    """The parser, built once a process: parse_args leaves it as it was, and building it costs 10-45 ms of
    argparse's translations (gettext looks for a catalogue on disk at each of its strings) at every ``main``
    called in one process: the reliability fuzz's 616 calls spent 12.8 s of CPU building it."""
    return build_parser()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    if argv and argv[0] not in ("render", "validate", "nodes", "models", "families", "convert", "open", "export-job", "job", "serve", "queue", "-h",
                                "--help", "--debug"):
        argv = ["open"] + argv  # python main.py GRAPH
    if not [a for a in argv if a != "--debug"]:
        argv = argv + ["open"]
    args = _parser().parse_args(argv)
    from studio.distributed.cli import COMMANDS as distributed_commands
    handler = {"render": cmd_render, "validate": cmd_validate, "nodes": cmd_nodes, "models": cmd_models,
               "families": cmd_families,
               "convert": cmd_convert, "open": cmd_gui, "serve": _cmd_serve, "queue": _cmd_queue,
               **distributed_commands}[args.cmd]
    try:
        return handler(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader of the output went away (`main.py families | head`): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except StudioError as e:
        if debug:
            traceback.print_exc()
        print(f"error: {e}", file=sys.stderr)
        return EXIT_FAILED
    except RecursionError:  # should not happen any more (everything is iterative): say it plainly
        if debug:
            traceback.print_exc()
        print(f"error: '{args.cmd}' met something nested or chained too deeply (RecursionError; --debug shows "
              "where)", file=sys.stderr)
        return EXIT_FAILED
    except MemoryError:
        print("error: out of memory", file=sys.stderr)
        return EXIT_FAILED
    except Exception as e:  # noqa: BLE001
        from studio.core.errors import disk_problem
        disk = disk_problem(e)
        if disk:  # a full disk, a read-only folder: the cause in one line, no traceback needed
            if debug:
                traceback.print_exc()
            print(f"error: {disk}", file=sys.stderr)
            return EXIT_FAILED
        if debug:
            traceback.print_exc()
        else:
            from studio.core.limits import shorten
            msg = shorten(" ".join(str(e).split()), 300)
            print(f"error: {type(e).__name__}: {msg} (run with --debug for details)", file=sys.stderr)
        return EXIT_FAILED
