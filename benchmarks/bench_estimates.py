"""The running estimate against the node's real time on this machine (issue 73 item 3: "within 50 %
of the real time after the first step"): tiny random models of several families, with and without a
start image, at a few sizes and frame counts, each run as a user's first render is, in a process of
its own (the model's first run there: its kernels' first use) with no earlier run recorded: every
estimate the node says after its first step against the node's whole time.

    .venv/bin/python benchmarks/bench_estimates.py [--steps 4] [--emulated 0] [--cases all|name,name]

``--baseline 1`` runs the estimate as it was before a first run's decode was predicted (left out).
``--emulated 1`` adds tests/video_models/test_estimate_emulated_clock.py's costs (per torch call) to the clock
(what the test checks, whatever the machine's load); 0 (default) is the real clock alone, where a
tiny model's run is mostly the node's own overhead and this shared machine's load. Prints one line a
case (with the phases the run recorded: before, encode, a step, decode, other) and writes
benchmarks/results/estimates_cpu.json (estimates_cpu_emulated.json)."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
import benchmarks  # noqa: E402,F401  (allows the temporary folder it works in: benchmarks/__init__.py)

os.environ.setdefault("HF_HUB_OFFLINE", "1")

QUIET = {"previews": False, "preview_size": "off", "prompt": "a fox"}


def _t2v(model, **p):
    from tests.video_models.graphs import model_graph
    return model_graph(model, "video_models.text_to_video", dict(QUIET, **p))


def _i2v(model, **p):
    from tests.sources import source
    from tests.video_models.graphs import model_graph
    from tests.video_models.tiny import still
    w, h = p.get("width", 32), p.get("height", 32)
    image = source(f"bench.still_{w}x{h}", "image", "Image", lambda _p: still(h, w))
    return model_graph(model, "video_models.image_to_video", dict(QUIET, **p), image=(image, "image"))


def _move(model, steps, **p):
    from tests.video_models.test_wan_move import _graph
    return _graph(model, steps=steps, **p)


def _talk(model, steps, patch):
    from tests.video_models.test_infinitetalk import VOICES, _features, _graph
    VOICES.update(a=_features(0))
    return _graph(model, patch, steps=steps)


# name -> (tiny builder key, the graph from (its folder, steps, the bench's folder)); node id 'gen'
CASES = {
    "wan t2v 16x16x9": ("wan-t2v", lambda m, s, d: _t2v(m, frames=9, width=16, height=16, steps=s)),
    "wan t2v 64x64x33": ("wan-t2v", lambda m, s, d: _t2v(m, frames=33, width=64, height=64, steps=s)),
    "wan t2v 128x128x17 (long decode)": ("wan-t2v", lambda m, s, d: _t2v(m, frames=17, width=128, height=128,
                                                                          steps=s)),
    "wan t2v 32x32x33, 2 shots": ("wan-t2v", lambda m, s, d: _t2v(m, frames=33, window=17, overlap=1, width=32,
                                                                   height=32, steps=s, long_take="separate shots")),
    "wan i2v 32x32x9 (start image)": ("wan-i2v", lambda m, s, d: _i2v(m, frames=9, width=32, height=32, steps=s)),
    "wan i2v 96x96x17 (start image)": ("wan-i2v", lambda m, s, d: _i2v(m, frames=17, width=96, height=96, steps=s)),
    "wan-move 32x32x9": ("wan-i2v", lambda m, s, d: _move(m, s)),
    "infinitetalk": ("wan-i2v", lambda m, s, d: _talk(m, s, os.path.join(d, "it.safetensors"))),
    "ltx t2v 64x64x17": ("ltx", lambda m, s, d: _t2v(m, frames=17, width=64, height=64, steps=s)),
    "ltx i2v 64x64x17 (start image)": ("ltx", lambda m, s, d: _i2v(m, frames=17, width=64, height=64, steps=s)),
    "cogvideox t2v 32x32x9": ("cogvideox", lambda m, s, d: _t2v(m, frames=9, width=32, height=32, steps=s)),
    "svd i2v 64x64x4 (start image)": ("svd", lambda m, s, d: _i2v(m, frames=4, width=64, height=64, steps=s)),
    "hunyuan t2v 32x32x9": ("hunyuan", lambda m, s, d: _t2v(m, frames=9, width=32, height=32, steps=s)),
}


def child(name: str, model: str, steps: int, folder: str, emulated: bool, trace: bool = False) -> dict:
    """One case in this process: (its time, the estimates said after the first step, the phases recorded)."""
    import pytest

    from nodes.video_models.estimates import times
    from tests.video_models import test_estimate_emulated_clock as emu
    if not emulated:
        emu.SCALE = 0.0
    if os.environ.get("BENCH_ESTIMATES_BASELINE"):  # the estimate as before issue 73's decode: left out
        times.RunClock.work_sink = lambda self: None
    cache = tempfile.mkdtemp(prefix="cache-", dir=folder)  # no earlier run of anything
    mp = pytest.MonkeyPatch()
    mp.setenv("STUDIO_CACHE_DIR", cache)
    tr = None
    if trace:  # what the estimate is made from, for a look after the run
        from benchmarks.estimate_trace import install
        tr = install(mp)
    try:
        took, said, first = emu._run(CASES[name][1](model, steps, folder), mp)
    finally:
        mp.undo()
    recs = [r for rs in times.read(os.path.join(cache, times.FILE_NAME)).values() for r in rs]
    worst = max(((s - took) / took for _t, s, _x in said), key=abs, default=None)  # signed: under is -
    return {"seconds": took, "first_step_end_s": first, "said": [[s, x] for _t, s, x in said], "worst_off": worst,
            "phases": {k: v for k, v in (recs[-1] if recs else {}).items()
                       if k in ("before", "encode", "step", "decode", "other", "first_extra")},
            **({"trace": tr} if tr is not None else {})}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=4)
    ap.add_argument("--emulated", type=int, default=0)
    ap.add_argument("--cases", default="all")
    ap.add_argument("--out", default="")
    ap.add_argument("--baseline", type=int, default=0)  # 1: the first run's decode left out, as before
    ap.add_argument("--against", default="")  # another checkout (git archive): each case run there too, in turn
    ap.add_argument("--trace", type=int, default=0)  # 1: each run's steps, calls and counted work kept
    ap.add_argument("--child", default="")  # one case, in this process (the parent runs each in a child)
    ap.add_argument("--model", default="")
    ap.add_argument("--folder", default="")
    a = ap.parse_args()
    if a.baseline:
        os.environ["BENCH_ESTIMATES_BASELINE"] = "1"
    if a.child:
        got = child(a.child, a.model, a.steps, a.folder, bool(a.emulated), bool(a.trace))
        with open(a.out, "w") as f:
            json.dump(got, f)
        return 0
    from safetensors.torch import save_file

    from benchmarks.child_env import extend_pythonpath
    from tests.tiny_models import Shelf
    from tests.video_models.test_infinitetalk import _patch_state
    names = list(CASES) if a.cases == "all" else [n for n in CASES if any(c in n for c in a.cases.split(","))]
    tmp = tempfile.mkdtemp(prefix="studio-bench-estimates-")
    shelf = Shelf(os.path.join(tmp, "shelf"))
    save_file(_patch_state(2), os.path.join(tmp, "it.safetensors"))
    # ``--against``: the other checkout's estimate on the same case right before or after this one's (in turn),
    # under the same load; written beside this one's results with '_against' in the name
    trees = [("", ROOT)] + ([("against ", os.path.abspath(a.against))] if a.against else [])
    outs = {label: {"emulated": bool(a.emulated), "steps": a.steps, "runs": {}} for label, _r in trees}
    for i, name in enumerate(names):
        model = shelf(CASES[name][0])
        res = os.path.join(tmp, "result.json")
        for label, root in (trees if i % 2 == 0 else trees[::-1]):
            load = os.getloadavg()[0]
            subprocess.run([sys.executable, os.path.join(root, "benchmarks", "bench_estimates.py"), "--child", name,
                            "--model", model, "--steps", str(a.steps), "--folder", tmp, "--emulated", str(a.emulated),
                            "--out", res] + (["--trace", str(a.trace)] if not label else []),
                           check=True, env=extend_pythonpath(root), stdout=subprocess.DEVNULL)
            with open(res) as f:
                r = json.load(f)
            r["load_avg"] = load
            outs[label]["runs"][name] = r
            worst = r["worst_off"]
            ph = " ".join(f"{k} {v:.2f}" for k, v in r["phases"].items())
            print(f"{label}{name:34} node {r['seconds']:6.1f} s  first step ended {r['first_step_end_s']:5.1f} s  "
                  f"said after it: {[round(s, 1) for s, _x in r['said']]}  worst "
                  f"{'-' if worst is None else f'{worst:+.0%}'}  [{ph}] load {load:.1f}", flush=True)
    os.makedirs(os.path.join(ROOT, "benchmarks", "results"), exist_ok=True)
    path = a.out or os.path.join(ROOT, "benchmarks", "results",
                                 "estimates_cpu_emulated.json" if a.emulated else "estimates_cpu.json")
    for label, out in outs.items():
        within = [n for n, r in out["runs"].items() if r["worst_off"] is not None and abs(r["worst_off"]) <= 0.5]
        print(f"{label}within 50 %: {len(within)} of {len(out['runs'])}")
        with open(path.replace(".json", "_against.json") if label else path, "w") as f:
            json.dump(out, f, indent=1)
    shutil.rmtree(tmp, ignore_errors=True)  # the tiny models built for the run
    return 0


if __name__ == "__main__":
    sys.exit(main())
