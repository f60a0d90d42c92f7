"""Fuzz: seeded mutations of every template through `validate` and `render --frames 0-1`.

Every case must end in a clean error (non-zero exit, one `error:` line, no traceback, no Python
warning, no escaped exception) or a correct render (exit 0 and the files it says it wrote exist),
never in a hang, a crash or an exit 0 without output; and `validate` must not pass a graph that
`render` then rejects for a reason `validate` checks (its graph and compile checks).

Cases run in two batches (one per core) in subprocesses (tests/reliability/fuzz_driver.py) under a memory limit
(RLIMIT_AS) and a time limit, each case under its own alarm (a hang is that case's finding; a crash
ends its batch, is reported with the case it was on, and fails the test). The training templates
are validated but not rendered: a render trains for minutes
(their training budget is the generators' business), which would not fit CI's time: every template
with a Train node (text_to_video, text_to_video_one_object, audio_image_to_video) is validated only.
"""
from __future__ import annotations

import copy
import json
import os
import random
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GRAPHS = os.path.join(ROOT, "assets", "graphs")
DRIVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fuzz_driver.py")
def _trains(doc: dict) -> bool:
    """A template with a training node: its render trains for minutes, so it is validated only."""
    return any(isinstance(n, dict) and n.get("type") == "gen.train" for n in doc.get("nodes", []))
CASES = 308  # in all, spread evenly over the shipped templates (CI's time)
BATCH = 154  # two batches, one a thread: each starts a Python with torch (~2.5-3 s of CPU), so fewer is faster
CASE_SECONDS = 60.0
MEMORY_LIMIT = 8 << 30  # address space; torch alone maps ~2-3 GB of it
SEED = int(os.environ.get("STUDIO_FUZZ_SEED", "11"))  # another seed explores other cases

HOSTILE = [-1, 0, 1, 7, 10**9, -10**9, 2**63, 1e308, -1e-308, 0.5, True, None, "", "x", "a" * 200_000,
           "\ud800", "../../etc/passwd", "nan", "1e999", [], {}, [1, 2], {"a": 1}, "#zzzzzz",
           "random", "cuda", "\x00"]


def _templates() -> list[str]:
    return sorted(f[:-5] for f in os.listdir(GRAPHS) if f.endswith(".json"))


def _absolute_inputs(doc: dict) -> dict:
    """Media paths of the shipped templates made absolute, so the mutated copies (written elsewhere)
    still find their inputs; outputs stay relative and land next to each copy."""
    for n in doc.get("nodes", []):
        for k, v in (n.get("params") or {}).items():
            if isinstance(v, str) and v.startswith("../"):
                n["params"][k] = os.path.normpath(os.path.join(GRAPHS, v))
    return doc


def _mutate(doc: dict, rng: random.Random, types: list[str]) -> tuple[dict | str, list[str]]:
    doc = copy.deepcopy(doc)
    ops = []
    for _ in range(rng.randint(1, 3)):
        nodes, links = doc.get("nodes"), doc.get("links")
        if not isinstance(nodes, list) or not isinstance(links, list) or not all(isinstance(x, dict) for x in links):
            break  # an earlier mutation broke the structure: that is the case
        # mostly mutations a user can make in the window (values in range, bypass, mute, groups,
        # links removed), so that many cases get as far as a render; the rest are hostile files
        op = rng.choice(["value"] * 8 + ["mode"] * 3 + ["group"] * 3 + ["del_link"] * 2 + ["frames"] * 2 +
                        ["param", "new_param", "del_node", "add_link", "type", "id", "title", "top",
                         "settings", "swap_link", "dup_node", "truncate"])
        ops.append(op)
        n = rng.choice(nodes) if nodes and isinstance(nodes, list) else None
        if op == "value" and isinstance(n, dict) and isinstance(n.get("params"), dict):
            _plausible_value(n, rng)
        elif op in ("param", "new_param", "frames") and isinstance(n, dict) and isinstance(n.get("params"), dict):
            keys = list(n["params"]) or ["x"]
            key = rng.choice(keys) if op == "param" else ("frames" if op == "frames" else "zz_future")
            n["params"][key] = rng.choice(HOSTILE) if op != "frames" else rng.choice([1, 2, 1_000_000])
        elif op == "del_node" and nodes:
            nodes.remove(n)
        elif op == "del_link" and links:
            links.pop(rng.randrange(len(links)))
        elif op == "add_link" and nodes and links:
            a, b = rng.choice(nodes), rng.choice(nodes)
            la, lb = rng.choice(links), rng.choice(links)
            links.append({"from": [a.get("id"), la["from"][1]], "to": [b.get("id"), lb["to"][1]]})
        elif op == "swap_link" and links:
            l = rng.choice(links)
            l["from"], l["to"] = [l["to"][0], l["from"][1]], [l["from"][0], l["to"][1]]
        elif op == "mode" and isinstance(n, dict):
            n["mode"] = rng.choice(["bypass", "mute", "bypass", "sideways"])
        elif op == "type" and isinstance(n, dict):
            n["type"] = rng.choice(types + ["no.such_node", ""])
        elif op == "id" and isinstance(n, dict):
            n["id"] = rng.choice(["", "x" * 100_000, "n1", "a b", 5, None, "\ud800"])
        elif op == "title" and isinstance(n, dict):
            n["title"] = rng.choice(["\ud800 cut", "t" * 5000, 12, "ok title", ""])
        elif op == "dup_node" and isinstance(n, dict):
            nodes.append(copy.deepcopy(n))
        elif op == "top":
            k = rng.choice(["format", "version", "nodes", "links", "ui"])
            doc[k] = rng.choice([None, 2, -1, "1", {}, [], [[1, 2]]])
        elif op == "settings":
            doc["settings"] = rng.choice([{"seed": -1}, {"device": "tpu"}, {"device": "cuda"}, {"seed": 2**70},
                                          [], {"seed": 3, "device": "cpu"}])
        elif op == "group" and isinstance(nodes, list) and len(nodes) >= 2:
            doc = _grouped(doc, rng)
        elif op == "truncate":
            text = json.dumps(doc)
            return text[: rng.randrange(1, len(text))], ops
    return doc, ops


def _plausible_value(n: dict, rng: random.Random) -> None:
    """Set one declared parameter to a value its declaration allows: a bound, the default, or
    anything in range (what a user can do in the properties panel)."""
    from studio.core.registry import default_registry
    reg = default_registry()
    rid = reg.resolve(n.get("type", "")) if isinstance(n.get("type"), str) else None
    if rid is None:
        return
    spec = reg.get(rid)
    if not spec.params:
        return
    p = rng.choice(spec.params)
    kind = p.kind
    if kind in ("int", "seed", "float"):
        lo = p.min if p.min is not None else -1000
        hi = p.max if p.max is not None else 1000
        if p.name in ("frames", "width", "height", "steps", "epochs", "count"):
            hi = min(hi, 64 if p.name != "frames" else 1_000_000)  # big sizes only cost time here
        v = rng.choice([lo, hi, p.default, lo + (hi - lo) * rng.random()])
        v = int(round(v)) if kind != "float" else float(v)
        v = min(max(v, lo), hi)
    elif kind == "choice":
        v = rng.choice(p.choices)
    elif kind == "bool":
        v = rng.random() < 0.5
    elif kind == "color":
        v = "#%06x" % rng.randrange(1 << 24)
    elif kind == "frames":  # frame numbers (keyframes)
        v = rng.choice(["", "0", "0, 8, last", "96=-1", p.default])
    elif kind == "path" and p.mode == "open":  # a device or a folder as an input
        v = rng.choice(["", "missing/file.mp4", p.default, "/dev/zero", "."])
    elif kind == "path":  # outputs stay inside the case's folder: a bug must not clobber the system
        v = rng.choice(["", "sub/x.mp4", p.default, ".", "graph.json"])
    else:
        v = rng.choice(["", "a prompt", "0", "loudness", "x" * 5000, p.default])
    n["params"][p.name] = v


def _grouped(doc: dict, rng: random.Random) -> dict:
    """Group a random run of nodes with the project's own grouping, sometimes twice (nested)."""
    from studio.core.errors import StudioError
    from studio.core.fileformat import graph_from_dict, graph_to_dict
    from studio.core.library import group_nodes
    try:
        g = graph_from_dict(doc)
        for _ in range(rng.randint(1, 2)):
            ids = list(g.nodes)
            k = rng.randint(1, max(1, len(ids) - 1))
            a = rng.randrange(0, len(ids) - k + 1)
            group_nodes(g, ids[a:a + k], "G")
        return graph_to_dict(g)
    except (StudioError, KeyError, TypeError, ValueError):
        return doc  # a document that does not load as a graph stays as it is


def _cases(tmp) -> list[str]:
    from studio.core.registry import default_registry
    types = [s.id for s in default_registry().specs()]
    rng = random.Random(SEED)
    specs = []
    templates = _templates()
    per_template = max(1, CASES // len(templates))
    for t in templates:
        raw = json.load(open(os.path.join(GRAPHS, t + ".json"), encoding="utf-8"))
        no_render = _trains(raw)
        base = _absolute_inputs(raw)
        for k in range(per_template):
            doc, ops = _mutate(base, rng, types)
            d = tmp / f"{t}-{k:03d}"
            d.mkdir()
            p = d / "graph.json"
            text = doc if isinstance(doc, str) else json.dumps(doc, allow_nan=True)
            p.write_text(text, encoding="utf-8")
            (d / "ops.txt").write_text(" ".join(ops))
            specs.append(str(p) + (":norender" if no_render else ""))
    return specs


def _run_batch(specs: list[str]) -> tuple[list[dict], str]:
    # no GPU in the cases: CUDA's start-up maps far more address space than the limit allows
    # the driver limits its own address space (no preexec_fn: Python run in a forked child of this
    # many-threaded worker before exec can hang there, holding the worker's xdist pipes)
    env = dict(os.environ, PYTHONPATH=ROOT, STUDIO_NO_AUDIO_DEVICE="1", CUDA_VISIBLE_DEVICES="",
               STUDIO_FUZZ_AS_LIMIT=str(MEMORY_LIMIT))
    try:
        p = subprocess.run([sys.executable, DRIVER, ROOT, str(CASE_SECONDS), *specs], capture_output=True,
                           text=True, env=env, timeout=CASE_SECONDS * 2 * len(specs) + 120)
        out, tail = p.stdout, (f"exit {p.returncode}: " + p.stderr[-2000:]) if p.returncode else ""
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        tail = "the batch timed out"
    rows = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    return rows, tail


def _problem(row: dict) -> str | None:
    """Why a finished case is not a clean error or a correct render, or None."""
    if row["status"] != "returned":
        return row["status"]
    out, err = row["stdout"], row["stderr"]
    if "Traceback" in out + err:
        return "traceback"
    if "Warning:" in err:
        return "python warning"
    if "--debug for details" in err:
        return "an unexpected exception reached the CLI"
    if "out of memory" in err:
        return "ran out of memory"
    if row["rc"] == 0:
        if row["verb"] == "render":
            wrote = [l.split(" wrote ", 1)[1] for l in out.splitlines() if " wrote " in l]
            if not wrote:
                return "exit 0 without output"
            from studio.engine.executor import pattern_frames  # a sequence: "wrote x.####.exr (8 frames)"
            wrote = [w.rsplit(" (", 1)[0] if w.endswith(("frames)", "frame)")) else w for w in wrote]
            missing = [w for w in wrote if not os.path.exists(w) and not pattern_frames(w)]
            if missing:
                return f"says it wrote {missing} but it is not there"
        return None
    lines = [l for l in err.splitlines() if l.strip()]
    errors = [l for l in lines if l.startswith("error:")]
    if len(errors) != 1:
        return f"{len(errors)} error lines"
    bad = [l for l in lines if not l.startswith(("error:", "warning:", "  - ", "  ... and"))]
    if bad:
        return f"stray output: {bad[0][:200]}"
    if len(errors[0]) > 800 and "problems:" not in errors[0]:
        return "error line too long"
    return None


# messages of checks `validate` makes itself: render must not fail with one of these after validate passed
VALIDATE_KINDS = ("cannot load graph", "is not connected", "has a cycle", "unknown node type", "cannot connect",
                  "no such parameter", "has no input port", "has no output port", "is not available on this",
                  # the preflight (studio.engine.preflight), made by validate and render alike
                  "outside the folders a graph may write", "would write over", "cannot read '",
                  "MAX_CLIP_FRAMES", "cannot go in a", "no frame number", "never evaluated")


@pytest.mark.slow
def test_fuzzed_templates_end_cleanly(tmp_path):
    specs = _cases(tmp_path)
    batches = [specs[i:i + BATCH] for i in range(0, len(specs), BATCH)]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(_run_batch, batches))
    problems, seen = [], 0
    by_case: dict[str, dict[str, dict]] = {}
    for batch, (rows, tail) in zip(batches, results):
        done = {(r["case"], r["verb"]) for r in rows if "status" in r}
        started = [r for r in rows if r.get("started") and (r["case"], r["verb"]) not in done]
        for r in rows:
            if "status" not in r:
                continue
            seen += 1
            by_case.setdefault(r["case"], {})[r["verb"]] = r
            why = _problem(r)
            if why:
                problems.append(f"{r['verb']} {r['case']} ({open(os.path.join(os.path.dirname(r['case']), 'ops.txt')).read()}): "
                                f"{why}: {(r['stderr'] or r['stdout']).strip()[-300:]}")
        if tail or started:
            where = started[0]["case"] if started else "?"
            problems.append(f"batch died ({tail[:300]}) while on {where}")
    for case, verbs in by_case.items():
        v, r = verbs.get("validate"), verbs.get("render")
        if v and r and v["rc"] == 0 and r["rc"] != 0:
            msg = r["stderr"]
            if any(k in msg for k in VALIDATE_KINDS):
                problems.append(f"validate passed but render refused {case}: {msg.strip()[-300:]}")
    n_cases = len(specs)
    rendered = sum(1 for v in by_case.values() if v.get("render", {}).get("rc") == 0)
    valid = sum(1 for v in by_case.values() if v.get("validate", {}).get("rc") == 0)
    print(f"fuzz: {n_cases} cases, {seen} runs; {valid} validated, {rendered} rendered")
    if os.environ.get("STUDIO_FUZZ_DUMP"):  # for looking at the messages by eye
        with open(os.environ["STUDIO_FUZZ_DUMP"], "w", encoding="utf-8") as f:
            json.dump(by_case, f, indent=1)
    assert seen >= n_cases, f"only {seen} of {n_cases}+ runs finished"
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
