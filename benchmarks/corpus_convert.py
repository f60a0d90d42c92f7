"""The corpus benchmark (issue 112 item 5): every ComfyUI workflow in a folder (the cache benchmarks/corpus/fetch.py
fills from benchmarks/corpus/sources.tsv, or any folder of .json files) converted by Studio's converter as the CLI
and the app convert a file (studio.convert.mapping.file.convert_file), each in its own forked process under a CPU
time limit, and measured:

- node instances by their state: **read** (the converter took it: made into a Studio node, its values read into
  one, or a frontend-only node such as Reroute/Get/Set read as its links), **passed** (not converted, but named by
  its id in a sentence of the Log or a canvas note other than the list of nodes not converted; or listed by the
  converter as passed through, where its Conversion says so with a ``passed`` set), **not converted** (in the list
  of nodes not converted and named nowhere else), **off** (muted or bypassed in ComfyUI and not converted: not a
  loss); the workflow's own text notes (Note, MarkdownNote) are not counted; per node pack and per node type, weighted by instances and by the workflows using them;
- the node types used by at least 1 % of the workflows with their state, and the most frequent types not converted;
- the workflows whose task is kept, by a proxy: converted without error; no enabled node not converted on the
  way to a video output (the output itself included: an ancestor, through the links, of an enabled output node;
  where the workflow has no video output, of its enabled save/preview nodes); and either at least one generator
  (a pipeline or a task with a Studio generator: **kept with a generator**) or, for a utility workflow, none asked
  (**kept utility**: no enabled node of the file samples or generates in ComfyUI, told by its declared or saved
  types: a MODEL or LATENT socket, a LATENT output, a 'sampling' category, a sampler's or a paid API video node's
  name; and every task the converter made is a utility's or a core chain's, a loaded clip or pictures upscaled,
  interpolated, joined, scaled or written again, none held); a workflow with a generator in ComfyUI and none in
  Studio stays not kept; and the stricter share that counts as passed only what the converter lists in
  ``Conversion.passed`` (a node a sentence names by '#id' without listing it counts as not converted);
- conversion CPU time per workflow (max, total), workflows refused with a message (reading.workflow.WorkflowError,
  core.errors.StudioError: clear words, not a crash), crashes (any other exception: its traceback is a bug) and
  workflows over the CPU limit.

The proxy's limits: it does not look at what the Studio graph does. A node 'read' may be read wrongly (a value, a
pass, a segment, an input, the sound lost or changed) and a sentence may be false; a task held with a true sentence
counts as not kept; a node not converted on a branch that does not reach a video output (a preview, a saved still,
a side analysis) does not count against the task; a video made by a node Studio reads as another task still
counts. It is an upper bound of 'the task is kept' to be checked by hand on samples, never the aim's figure.

Pack of a node type: the node's ``properties.cnr_id`` (ComfyUI's registry id) or ``aux_id`` (owner/repo) as the
corpus's UI files save them, the most frequent over the corpus; else a prefix/suffix heuristic (VHS_ ->
comfyui-videohelpersuite, WanVideo -> comfyui-wanvideowrapper, '(rgthree)' -> rgthree-comfy...); else, where all
the workflows using it come from one repository, '~' and that repository's name (a guess); else '?'.

Usage: python -m benchmarks.corpus_convert [--cache ~/.cache/studio/corpus] [--cpu-limit 30] [--json PATH]
"""
from __future__ import annotations

import argparse
import collections
import datetime
import json
import multiprocessing
import os
import re
import resource
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CACHE = os.path.join(os.path.expanduser("~"), ".cache", "studio", "corpus")
VIDEO_OUT = re.compile(r"VideoCombine|SaveVideo|SaveAnimated|SaveWEBM|Save.*Video|Video.*Save")
ANY_OUT = re.compile(r"^(Save|Preview)|VideoCombine")
STATES = ("read", "passed", "not", "off")
# a node type's pack where no file of the corpus names it: (pattern on the type, pack)
HEURISTIC = [(r"^VHS_", "comfyui-videohelpersuite"), (r"^(WanVideo|LoadWanVideo|DownloadAndLoadWan)", "comfyui-wanvideowrapper"),
             (r"\(rgthree\)$", "rgthree-comfy"), (r"\|pysssss$", "comfyui-custom-scripts"), (r"^easy ", "comfyui-easy-use"),
             (r"^CR ", "comfyroll"), (r"^ADE_", "comfyui-animatediff-evolved"), (r"^ACN_", "comfyui-advanced-controlnet"),
             (r"^HyVideo|HunyuanVideoWrapper", "comfyui-hunyuanvideowrapper"), (r"^CogVideo", "comfyui-cogvideoxwrapper"),
             (r"^(LTXV|LTX2)", "comfyui-ltxvideo"), (r"^FramePack", "comfyui-framepackwrapper"), (r"^Mochi", "comfyui-mochiwrapper"),
             (r" VFI$", "comfyui-frame-interpolation"), (r"^MMAudio", "comfyui-mmaudio"), (r"^Florence2", "comfyui-florence2"),
             (r"^(Image|Mask|Get|Set|Int|Float|String)\w*KJ$|KJ$", "comfyui-kjnodes"), (r"^LayerUtility|^LayerMask|^LayerStyle", "comfyui_layerstyle"),
             (r"\(WAS\)$|^WAS_", "was-node-suite-comfyui"), (r"^Impact|Detailer", "comfyui-impact-pack"), (r"^SeedVR2", "seedvr2_videoupscaler")]


def _pack_votes(doc) -> dict[str, str]:
    """Node type -> the pack its UI node's properties name (cnr_id, else aux_id's repo), over a file's nodes and
    its subgraphs' nodes."""
    found: dict[str, str] = {}
    stack = [doc]
    while stack:
        d = stack.pop()
        if isinstance(d, dict):
            t, props = d.get("type"), d.get("properties")
            if isinstance(t, str) and isinstance(props, dict):
                pack = props.get("cnr_id") or props.get("aux_id")
                if isinstance(pack, str) and pack.strip():
                    found.setdefault(t, pack.strip().rsplit("/", 1)[-1].lower())
            stack.extend(v for k, v in d.items() if k in ("nodes", "definitions", "subgraphs", "workflow", "extra"))
        elif isinstance(d, list):
            stack.extend(x for x in d if isinstance(x, (dict, list)))
    return found


def _named(text: str, node_id: str) -> bool:
    return any(f"#{node_id}{end}" in text for end in (")", ",", " ", ":", ";", "'"))


def _ancestors(wf, ends: list) -> set[str]:
    """The ids of ``ends`` and of every node feeding them, through the links."""
    seen, todo = set(), [n.id for n in ends]
    while todo:
        i = todo.pop()
        if i in seen or i not in wf.nodes:
            continue
        seen.add(i)
        todo.extend(src for src, _ in wf.nodes[i].links.values() if src)
    return seen


SAMPLES = re.compile(r"(?i)ksampler(?!select)|sampler(?!select|s?$)|sampler$|samplercustom")
NOT_SAMPLES = re.compile(r"(?i)select|extraargs|options|scheduler|sigmas")
API_VIDEO = re.compile(r"(?i)^(kling|veo|seedance|runway|minimax|hailuo|pika|luma|vidu|sora|pixverse|moonvalley|"
                       r"bytedance|wan.*api|google).*video|videonode$|(text|image)tovideonode")
GENERATING = {"MODEL", "LATENT"}  # a socket of these types: the node samples (or feeds a sampler) in ComfyUI
UTILITY_FAMILIES = {"utility", "core"}  # the converter's tasks of a loaded clip's utilities / a core chain


def comfy_generator(wf) -> str:
    """The first enabled node type of ``wf`` that samples or generates in ComfyUI, '' where none: by its declared
    types (the catalogue: a MODEL or LATENT socket, a LATENT output, a 'sampling' category), else its types as the
    UI file saves them, else its name (a sampler's, a paid API's video node)."""
    from studio.convert import catalogue
    for n in sorted(wf.nodes.values(), key=lambda n: n.id):
        if not n.enabled:
            continue
        t = catalogue.node_type(n.origin or n.cls)
        declared = set()
        if t is not None and t.inputs is not None:
            declared = {i.type for i in t.sockets} | set(t.output_types if t.outputs is not None else ())
        saved = set(n.in_types.values()) | set(n.out_types)
        named = (SAMPLES.search(n.shown_cls) and not NOT_SAMPLES.search(n.shown_cls)) or API_VIDEO.search(n.shown_cls)
        if (declared | saved) & GENERATING or named or "sampling" in (t.category.lower() if t is not None else ""):
            return n.shown_cls
    return ""


def measure(path: str) -> dict:
    """One workflow converted and measured (run inside the forked child)."""
    from studio.convert.mapping.file import convert_file, read_json
    from studio.convert.mapping.kinds import TEXT_NOTES
    from studio.convert.reading.workflow import Workflow, WorkflowError, enveloped
    from studio.core.errors import StudioError

    rec: dict = {"status": "ok"}
    try:
        doc = read_json(path)
        rec["packs"] = _pack_votes(doc)
        wf = Workflow.read(enveloped(doc)[0])
    except Exception as e:  # noqa: BLE001 - the reader's own refusal is measured below, with the converter's
        wf, rec["packs"] = None, rec.get("packs", {})
        rec["read_error"] = f"{type(e).__name__}: {str(e)[:200]}"
    t0 = time.process_time()
    try:
        conv = convert_file(path)
    except (WorkflowError, StudioError) as e:
        rec.update(status="refused", message=str(e)[:300], cpu_s=time.process_time() - t0)
        return rec
    except RecursionError as e:
        rec.update(status="crash", message=f"RecursionError: {e}"[:300], traceback=traceback.format_exc()[-3000:],
                   cpu_s=time.process_time() - t0)
        return rec
    except Exception as e:  # noqa: BLE001 - a traceback from the converter is what this benchmark finds
        rec.update(status="crash", message=f"{type(e).__name__}: {e}"[:300], traceback=traceback.format_exc()[-3000:],
                   cpu_s=time.process_time() - t0)
        return rec
    rec["cpu_s"] = time.process_time() - t0
    if wf is None:
        rec.update(status="crash", message=f"the converter read what Workflow.read refused ({rec['read_error']})")
        return rec
    notes = [str(n.get("text", "")) for n in conv.graph.ui.get("notes", []) if isinstance(n, dict)]
    said = "\n".join([line for line in conv.log if "ComfyUI nodes not converted" not in line]
                     + [t for t in notes if not t.startswith("ComfyUI nodes not converted")])
    dropped, passed = set(conv.dropped), set(getattr(conv, "passed", ()) or ())
    nodes, unlisted = [], set()  # (unlisted: not converted, named in a sentence but not in the converter's passed)
    for n in wf.nodes.values():
        if n.shown_cls in TEXT_NOTES:  # the workflow's own notes: text, shown as notes, not counted as nodes
            rec["text_notes"] = rec.get("text_notes", 0) + 1
            continue
        if n.id in dropped:
            state = "off" if not n.enabled else ("passed" if n.id in passed or _named(said, n.id) else "not")
            if state == "passed" and n.id not in passed:
                unlisted.add(n.id)
        else:
            state = "passed" if n.id in passed else "read"
        nodes.append((n.id, n.shown_cls, state))
    for cls, count in (wf.wiring or {}).items():  # frontend-only nodes read as the links they stand for
        nodes += [("", cls, "read")] * count
    rec["nodes"] = [(c, s) for _, c, s in nodes]
    enabled = [n for n in wf.nodes.values() if n.enabled]
    outs = [n for n in enabled if VIDEO_OUT.search(n.shown_cls)] or [n for n in enabled if ANY_OUT.search(n.shown_cls)]
    on_way = _ancestors(wf, outs)
    blocking = sorted({c for i, c, s in nodes if s == "not" and i in on_way})
    strict = sorted({c for i, c, s in nodes if (s == "not" or i in unlisted) and i in on_way})
    generator = conv.pipelines > 0 or any(t.get("generator") for t in conv.tasks)
    families = [t.get("family") for t in conv.tasks]
    # a utility workflow: nothing samples in ComfyUI, and every task made is a utility's or a core chain's
    comfy = comfy_generator(wf)
    utility = bool(not generator and families and set(families) <= UTILITY_FAMILIES and not comfy)
    made = generator or utility
    rec.update(pipelines=conv.pipelines, tasks=[t.get("task") for t in conv.tasks], generator=generator,
               families=families, comfy_generator=comfy, utility=utility,
               blocking=blocking, kept=bool(made and not blocking and outs), video_outputs=len(outs),
               kept_utility=bool(utility and not blocking and outs), kept_strict=bool(made and not strict and outs))
    return rec


def _child(path: str, limit: float, conn) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (max(1, int(limit)), max(2, int(limit) + 2)))
    try:
        rec = measure(path)
    except BaseException as e:  # noqa: BLE001 - the benchmark's own reading failed: said as a crash of the run
        rec = {"status": "crash", "message": f"{type(e).__name__}: {e}"[:300], "traceback": traceback.format_exc()[-3000:]}
    conn.send(rec)
    conn.close()


def run_one(path: str, limit: float) -> dict:
    """``measure`` in a forked process under ``limit`` seconds of CPU; a process killed is a timeout or a crash."""
    ctx = multiprocessing.get_context("fork")
    here, there = ctx.Pipe(duplex=False)
    p = ctx.Process(target=_child, args=(path, limit, there))
    t0 = time.monotonic()
    p.start()
    there.close()
    rec = None
    try:
        if here.poll(max(limit * 4, limit + 60)):
            rec = here.recv()
    except EOFError:
        rec = None
    p.join(5)
    if p.is_alive():
        p.kill()
        p.join()
    if rec is None:
        code = p.exitcode
        over = code in (-24, -9) or time.monotonic() - t0 > limit
        rec = {"status": "timeout" if over else "crash", "cpu_s": limit if over else None,
               "message": f"over {limit:g} s of CPU" if over else f"the process ended with code {code}"}
    return rec


def pack_of(cls: str, votes: dict[str, collections.Counter], folders: set[str] | None = None) -> str:
    """A node type's pack: as the corpus's files name it, else by its name (HEURISTIC), else, where every workflow
    using it comes from one repository, '~' and that repository's name (a guess: the pack shipping its examples),
    else '?'."""
    if cls in votes and votes[cls]:
        return votes[cls].most_common(1)[0][0]
    for pattern, pack in HEURISTIC:
        if re.search(pattern, cls):
            return pack
    if folders and len(folders) == 1:
        return "~" + next(iter(folders)).rsplit("+", 1)[-1].lower()
    return "?"


def workflows(cache: str) -> list[str]:
    found = []
    for root, _, files in os.walk(cache):
        found += [os.path.join(root, f) for f in files if f.lower().endswith(".json")]
    return sorted(found)


def summarise(records: dict[str, dict], top: int = 40) -> dict:
    """The tables: totals, per pack, the types used by >= 1 % of workflows, the top types not converted."""
    votes: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for rec in records.values():
        for cls, pack in rec.get("packs", {}).items():
            votes[cls][pack] += 1
    n_wf = len(records)
    by_type: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    wf_of_type: dict[str, set] = collections.defaultdict(set)
    wf_not_type: dict[str, set] = collections.defaultdict(set)
    totals = collections.Counter()
    for name, rec in records.items():
        for cls, state in rec.get("nodes", []):
            by_type[cls][state] += 1
            totals[state] += 1
            wf_of_type[cls].add(name)
            if state == "not":
                wf_not_type[cls].add(name)
    def folder(name: str) -> str:
        return name.replace(os.sep, "/").split("/")[0]

    def pack(cls: str) -> str:
        return pack_of(cls, votes, {folder(n) for n in wf_of_type.get(cls, ())})
    packs: dict[str, dict] = {}
    for cls, c in by_type.items():
        p = packs.setdefault(pack(cls), {"types": 0, **{s: 0 for s in STATES}, "workflows": set(),
                                                   "workflows_not": set()})
        p["types"] += 1
        for s in STATES:
            p[s] += c[s]
        p["workflows"] |= wf_of_type[cls]
        p["workflows_not"] |= wf_not_type[cls]
    pack_rows = sorted(({"pack": k, "types": v["types"], **{s: v[s] for s in STATES}, "workflows": len(v["workflows"]),
                         "workflows_with_not": len(v["workflows_not"])} for k, v in packs.items()),
                       key=lambda r: -(r["read"] + r["passed"] + r["not"] + r["off"]))

    def type_row(cls):
        c = by_type[cls]
        live = c["read"] + c["passed"] + c["not"]
        state = max(("read", "passed", "not"), key=lambda s: c[s]) if live else "off"
        return {"type": cls, "pack": pack(cls), "workflows": len(wf_of_type[cls]),
                "workflows_not": len(wf_not_type[cls]), **{s: c[s] for s in STATES}, "state": state}
    common = sorted((type_row(c) for c in by_type if len(wf_of_type[c]) >= max(1, 0.01 * n_wf)),
                    key=lambda r: (-r["workflows"], r["type"]))
    not_top = sorted((type_row(c) for c in wf_not_type), key=lambda r: (-r["workflows_not"], r["type"]))[:top]
    blocks = collections.Counter(c for r in records.values() if r.get("generator") for c in r.get("blocking", ()))
    blocking = [{"type": c, "pack": pack(c), "workflows_blocked": k} for c, k in blocks.most_common(top)]
    status = collections.Counter(r["status"] for r in records.values())
    cpu = [(r.get("cpu_s") or 0.0, n) for n, r in records.items()]
    kept = sorted(n for n, r in records.items() if r.get("kept"))
    live = totals["read"] + totals["passed"] + totals["not"]
    repos: dict[str, list[bool]] = collections.defaultdict(list)  # the cache's first folder: the source repository
    for name, rec in records.items():
        repos[folder(name)].append(bool(rec.get("kept")))
    return {
        "workflows": n_wf, "status": dict(status), "kept": len(kept),
        # kept counting as passed only the nodes the converter lists as passed (not those a sentence names by '#id')
        "kept_strict": sum(1 for r in records.values() if r.get("kept_strict")),
        "kept_share": round(len(kept) / n_wf, 4) if n_wf else 0.0,
        # of the kept: those with a generator, and the utility workflows (nothing sampled in ComfyUI nor in Studio)
        "kept_generator": sum(1 for r in records.values() if r.get("kept") and r.get("generator")),
        "kept_utility": sum(1 for r in records.values() if r.get("kept_utility")),
        "utility": sum(1 for r in records.values() if r.get("utility")),
        "repositories": len(repos),
        "kept_share_per_repository": round(sum(sum(v) / len(v) for v in repos.values()) / len(repos), 4) if repos else 0.0,
        "with_generator": sum(1 for r in records.values() if r.get("generator")),
        "nodes": {s: totals[s] for s in STATES},
        "nodes_share": {s: round(totals[s] / live, 4) if live else 0.0 for s in ("read", "passed", "not")},
        "cpu_s": {"total": round(sum(c for c, _ in cpu), 3), "max": round(max(cpu)[0], 3) if cpu else 0.0,
                  "max_workflow": max(cpu)[1] if cpu else ""},
        "packs": pack_rows, "common_types": common, "top_not_converted": not_top, "top_blocking": blocking,
        "crashes": [{"workflow": n, "message": r.get("message"), "traceback": r.get("traceback", "")}
                    for n, r in sorted(records.items()) if r["status"] in ("crash", "timeout")],
        "refused": [{"workflow": n, "message": r.get("message")} for n, r in sorted(records.items())
                    if r["status"] == "refused"],
        "kept_workflows": kept,
    }


def _table(rows: list[dict], cols: list[str]) -> str:
    widths = [max(len(c), *(len(str(r[c])) for r in rows)) if rows else len(c) for c in cols]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths))]
    lines += ["  ".join(str(r[c]).ljust(w) for c, w in zip(cols, widths)) for r in rows]
    return "\n".join(lines)


def report(s: dict, packs: int = 30) -> str:
    n = s["workflows"]
    nd, share = s["nodes"], s["nodes_share"]
    out = [f"workflows: {n} ({', '.join(f'{k} {v}' for k, v in sorted(s['status'].items()))})",
           f"task kept (proxy): {s['kept']} of {n} ({100 * s['kept_share']:.1f} %; each of the {s['repositories']} "
           f"folders weighted equally: {100 * s['kept_share_per_repository']:.1f} %); with a generator: {s['with_generator']}",
           f"of the kept: with a generator {s['kept_generator']}, utility (nothing sampled in ComfyUI: a clip upscaled, "
           f"interpolated, joined, written again) {s['kept_utility']} (utility workflows: {s['utility']})",
           f"task kept, a node passed only where the converter lists it (Conversion.passed): {s['kept_strict']} of {n}",
           f"node instances: read {nd['read']} ({100 * share['read']:.1f} %), passed with a sentence {nd['passed']} "
           f"({100 * share['passed']:.1f} %), not converted {nd['not']} ({100 * share['not']:.1f} %), off {nd['off']}",
           f"conversion CPU: total {s['cpu_s']['total']:.1f} s, max {s['cpu_s']['max']:.2f} s ({s['cpu_s']['max_workflow']})",
           "", f"per pack (first {packs} by instances):",
           _table(s["packs"][:packs], ["pack", "types", "read", "passed", "not", "off", "workflows", "workflows_with_not"]),
           "", "node types used by >= 1 % of the workflows:",
           _table(s["common_types"], ["type", "pack", "workflows", "read", "passed", "not", "off", "state"]),
           "", f"top {len(s['top_not_converted'])} node types not converted, by workflows:",
           _table(s["top_not_converted"], ["type", "pack", "workflows_not", "workflows", "not"])]
    out += ["", "node types not converted on the way to the video of a workflow with a generator, by workflows:",
            _table(s["top_blocking"], ["type", "pack", "workflows_blocked"])]
    out += ["", f"crashes and timeouts: {len(s['crashes'])}"]
    out += [f"  {c['workflow']}: {c['message']}" for c in s["crashes"]]
    out += [f"refused with a message: {len(s['refused'])}"]
    out += [f"  {c['workflow']}: {c['message']}" for c in s["refused"][:20]]
    return "\n".join(out)


def converter() -> tuple[str, str]:
    """(the checkout whose converter is measured: the folder holding the imported ``studio``, a warning or '').
    A worktree's run without PYTHONPATH=. imports whatever ``studio`` comes first (a shared environment's editable
    install: another checkout's), and its figures are that code's, with nothing in them to say so."""
    import studio
    there = os.path.dirname(os.path.dirname(os.path.abspath(studio.__file__)))
    here = os.path.dirname(HERE)
    if os.path.realpath(there) == os.path.realpath(here):
        return there, ""
    return there, (f"WARNING: the converter measured is {there}'s, not this benchmark's checkout {here} "
                   f"(run from {here} with PYTHONPATH=.)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", default=DEFAULT_CACHE, help="the folder of workflows (fetch.py's --dest)")
    ap.add_argument("--cpu-limit", type=float, default=30.0, help="CPU seconds per workflow")
    ap.add_argument("--json", default=os.path.join(HERE, "results", f"corpus_{datetime.date.today().isoformat()}.json"))
    ap.add_argument("--top", type=int, default=40)
    a = ap.parse_args(argv)
    paths = workflows(a.cache)
    if not paths:
        print(f"no .json workflow in {a.cache} (fill it with: python -m benchmarks.corpus.fetch --dest {a.cache})")
        return 1
    import studio.convert.mapping.file  # noqa: F401 - imported once, before the forks
    records = {}
    for i, p in enumerate(paths, 1):
        records[os.path.relpath(p, a.cache)] = run_one(p, a.cpu_limit)
        if i % 50 == 0:
            print(f"... {i}/{len(paths)}", file=sys.stderr)
    s = summarise(records, a.top)
    s["converter"], warning = converter()
    print(report(s))
    print(f"\nconverter: {s['converter']}" + (f"\n{warning}" if warning else ""))
    if warning:
        print(warning, file=sys.stderr)
    s["per_workflow"] = {k: {x: v for x, v in r.items() if x not in ("nodes", "packs", "traceback")}
                         for k, r in records.items()}
    s["cpu_limit_s"] = a.cpu_limit
    os.makedirs(os.path.dirname(os.path.abspath(a.json)), exist_ok=True)
    with open(a.json + ".part", "w", encoding="utf-8") as f:
        json.dump(s, f, indent=1, default=list)
    os.replace(a.json + ".part", a.json)
    print(f"\nresults: {a.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
