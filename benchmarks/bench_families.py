"""A family's node against its diffusers pipeline called directly with the arguments the node gave it (issue 72's
aim: node time / direct time <= 1.02), in the same run, interleaved node / direct, median of ``--reps``, the
fastest runs' ratio beside it (benchmarks/bench_video_models.node_against_direct); the node's frames (and sound,
where the family makes it) must be the direct call's, or the run fails. One way of measuring, one command line,
for every family.

With no ``--tiny``, every row of benchmarks/family_cases.py's CASES (each family issue 72 brought, in its order),
each in a fresh process, on this process's CPU time and one torch thread by default; the rows are written to
benchmarks/results/bench_families_cpu.json (``--out``) with the load beside each, and a table printed:

    .venv/bin/python -m benchmarks.bench_families [--rows cosmos2,mochi] [--reps 5] [--clock cpu] [--threads 1]

One row is ``--tiny``: a CASES name or a tests/tiny_models.py BUILDERS key (``--build`` its settings as JSON).
``--wide`` rebuilds its denoiser with the heads times ``--wide`` (config widths tied to the heads with them) and
four layers, random weights nudged off zero, so the steps, not the node's own work, take the time (a case may say
how its denoiser is widened). The rest comes from the folder and its family: the pipeline is the folder's class;
the node Image to Video when that class is its family's image-to-video one (a still given), else Text to Video,
unless ``--node`` names one (a family's own node: given the parameters it has, and a still when it needs one); the
size the family's smallest valid one from 32x32x8. A case holds only what cannot be derived so, saying why, and
the size, steps and width that make one call last about a second of one CPU thread.

    .venv/bin/python -m benchmarks.bench_families --tiny easyanimate [--build '{"kind": "inpaint"}']
        [--size WxHxT] [--steps 6] [--reps 5] [--wide 4] [--device cpu|cuda] [--node video_models.text_to_video]
        [--threads 1] [--clock cpu|wall] [--ablate 1]
    .venv/bin/python -m benchmarks.bench_families --tiny chronoedit --size 16x32x5

``--clock cpu`` times this process's CPU time instead of the wall clock (on a CPU shared with other work the wall
clock measures the others); with ``--threads 1`` the two agree on a quiet machine (``--threads 0``: torch's
default). ``--ablate 1``: where the node's time beyond the call goes (benchmarks/node_overhead.py).
"""
from __future__ import annotations

import json
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.cli import settings  # noqa: E402
from benchmarks.family_cases import CASES, CHECKS, Case, rows as all_rows, widen  # noqa: E402

RESULTS = os.path.join(ROOT, "benchmarks", "results", "bench_families_cpu.json")


def build(case: Case, path: str, more: dict, wide: int) -> str:
    """The case's tiny folder at ``path``; with ``wide``, its denoiser rebuilt from its own config widened
    (random weights, nudged so the zero-initialised layers matter)."""
    import diffusers
    import torch

    from tests.tiny_models import _builder
    _builder(case.builder, **{**case.build, **more})(path)
    if wide:
        part = os.path.join(path, case.denoiser)
        with open(os.path.join(part, "config.json"), encoding="utf-8") as f:
            cls = getattr(diffusers, json.load(f)["_class_name"])
        cfg = {k: v for k, v in cls.load_config(part).items() if not k.startswith("_")}
        cfg.update((case.widen or widen)(cfg, wide))
        torch.manual_seed(0)
        model = cls(**cfg)
        with torch.no_grad():
            for p in model.parameters():
                p.add_(torch.randn_like(p) * 0.02)
        model.save_pretrained(part)
    return path


def _index(folder: str) -> dict:
    """The folder's model_index.json, or a modular folder's modular_model_index.json."""
    for name in ("model_index.json", "modular_model_index.json"):
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as f:
                return json.load(f)
    raise FileNotFoundError(f"{folder} has no model index")


def _noise_clip(w: int, h: int, t: int):
    """A control or source clip of noise, whole bytes."""
    import numpy as np

    from studio.engine.clip import ArrayClip
    from tests.sources import source
    frames = (np.random.RandomState(7).randint(0, 256, (t, h, w, 3)) / 255.0).astype(np.float32)
    return source(f"bench.clip_{w}x{h}x{t}", "video", "Video", lambda p: ArrayClip(frames, 24.0))


def _still(w: int, h: int) -> str:
    import numpy as np

    from tests.sources import source
    return source(f"bench.still_{w}x{h}", "image", "Image", lambda p: (
        np.random.RandomState(9).randint(0, 256, (h, w, 3)) / 255.0).astype(np.float32))


def measure(tiny: str, build_settings: dict | None = None, size: str = "", steps: int = 0, reps: int = 5,
            device: str = "cpu", wide: int = -1, node: str = "", clock: str = "wall", ablate: bool = False) -> dict:
    """One row: ``tiny`` a CASES name or a tests/tiny_models.py BUILDERS key; ``size``, ``steps`` and ``wide``
    the case's own when not given ("", 0, -1)."""
    import time

    import diffusers

    import nodes.video_models.families  # noqa: F401  (the registry filled)
    from benchmarks.bench_video_models import node_against_direct
    from nodes.video_models.base.family import valid_frames
    from nodes.video_models.base.registry import family_from_index
    from studio.core.confine import allow_reading_for_session
    from studio.core.registry import default_registry
    from studio.engine.executor import Executor
    from tests.video_models.graphs import model_graph
    case = all_rows().get(tiny) or Case(tiny, "")
    steps = steps or case.steps
    wide = case.wide if wide < 0 else wide
    tmp = tempfile.mkdtemp()
    allow_reading_for_session(tmp)  # the tiny folder is outside every folder a graph may read
    folder = build(case, os.path.join(tmp, "tiny-" + tiny), build_settings or {}, wide)
    index = _index(folder)
    cls, fam = index["_class_name"], family_from_index(index)
    if case.family and fam.key != case.family:
        raise SystemExit(f"{tiny}: the folder reads as family '{fam.key}', the case says '{case.family}'")
    i2v = cls == fam.i2v and cls != fam.t2v
    node = node or case.node or ("video_models.image_to_video" if i2v else "video_models.text_to_video")
    size = size or case.size
    if not size:  # the family's smallest valid size from 32x32x8
        side = -(-max(32, fam.size_multiple) // fam.size_multiple) * fam.size_multiple
        size = f"{side}x{side}x{valid_frames(fam, 8)}"
    w, h, t = (int(v) for v in size.split("x"))
    params = {"frames": t, "width": w, "height": h, "steps": steps, "guidance": 5.0, "seed": 1,
              "prompt": "a red fox running", "negative_prompt": "static", "previews": False, "preview_size": "off",
              **case.params}
    spec = default_registry().get(node)
    declared = {p.name for p in spec.params}  # a family's own node: the parameters it has
    still = (case.still or i2v or any(i.name == "image" and not i.optional for i in spec.inputs)) and \
        any(i.name == "image" for i in spec.inputs)  # a node taking no still (Video to Video) is given none
    feeds = {"image": (_still(w, h), "image")} if still else {}
    if case.clip:
        feeds[case.clip] = (_noise_clip(w, h, t), "video")
    g = model_graph(folder, node, {k: v for k, v in params.items() if k in declared}, **feeds)
    g.nodes["load"].params["dtype"] = "fp32"
    ex = Executor()
    pipe_cls = getattr(diffusers, case.pipeline or cls)
    out = node_against_direct(ex, g, pipe_cls, reps, device, t, check=CHECKS.get(case.check),
                              clock=time.process_time if clock == "cpu" else time.perf_counter)
    if case.linear:  # the frame check clips to [0, 1]: the case's own check compares the linear frames
        out["identical_frames"] = bool(out["checked"])
    if ablate:
        from benchmarks.node_overhead import ablation
        pipe, seed = out["call"]
        out["ablation"] = ablation(ex, g, pipe, out["kwargs"], seed, device, reps)
    # the fastest runs' ratio beside the medians': on a shared CPU the others' work only ever adds time
    out["ratio_of_fastest"] = min(out["node_all"]) / min(out["direct_all"])
    out = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in out.items() if k not in ("kwargs", "call")}
    for k in ("node_all", "direct_all"):
        out[k] = [round(v, 4) for v in out[k]]
    return {"row": tiny, "family": fam.key, "pipeline": pipe_cls.__name__, "node": node, "size": size,
            "steps": steps, "wide": wide, "device": device, "reps": reps, "clock": clock, **out}


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def every_row(rows: list[str], reps: int, device: str, clock: str, threads: int, out_path: str) -> int:
    """Each row in a fresh process (one family's memory and threads never touch the next's), its JSON line
    kept; the rows written to ``out_path`` with the machine's load beside each; a table printed. Non-zero when a
    row failed or its frames (or sound) differed."""
    import platform
    import subprocess
    import time

    from benchmarks.child_env import extend_pythonpath
    got, bad = [], []
    for row in rows:
        cmd = [sys.executable, "-m", "benchmarks.bench_families", "--tiny", row, "--reps", str(reps),
               "--device", device, "--clock", clock, "--threads", str(threads)]
        load, t0 = _load(), time.time()
        p = subprocess.run(cmd, cwd=ROOT, env=extend_pythonpath(ROOT), capture_output=True, text=True)
        lines = [x for x in p.stdout.splitlines() if x.startswith("{")]
        if lines:
            r = json.loads(lines[-1])
        else:
            r = {"row": row, "error": (p.stderr.strip().splitlines() or ["no output"])[-1][:300]}
        r.update(load_before=load, load_after=_load(), wall_s=round(time.time() - t0, 1))
        got.append(r)
        if p.returncode or "error" in r:
            bad.append(row)
        print(_line(r), flush=True)
        # written after each row: a run cut short keeps the rows it made
        _write(out_path, {"command": "python -m benchmarks.bench_families", "reps": reps, "clock": clock,
                          "threads": threads, "device": device, "cpus": os.cpu_count(),
                          "machine": platform.processor(), "aim": "node / direct <= 1.02, frames identical",
                          "done": len(got) == len(rows), "failed": bad, "rows": got})
    print(f"{len(got) - len(bad)} of {len(got)} rows identical; written to {os.path.relpath(out_path, ROOT)}")
    return 1 if bad else 0


def _write(path: str, report: dict) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1)
        f.write("\n")


def _line(r: dict) -> str:
    if "error" in r:
        return f"{r['row']:24} FAILED: {r['error']}"
    same = "identical" if r["identical_frames"] and r["checked"] is not False else "DIFFERENT"
    return (f"{r['row']:24} {r['family']:18} call {r['direct_s']:6.2f} s  median {r['ratio']:.3f}  "
            f"min {r['ratio_of_fastest']:.3f}  {same}  load {r['load_before']}-{r['load_after']}")


def main() -> int:
    from benchmarks.child_env import own_tiny_cosmos
    own_tiny_cosmos()  # its Cosmos models are its own tiny, random ones
    args = settings(tiny="", build="{}", size="", steps=0, reps=5, device="cpu", wide=-1, node="", threads=1,
                    clock="cpu", ablate=0, rows="", out=RESULTS)
    if not args.tiny:  # every row
        rows = [r for r in args.rows.split(",") if r] or list(all_rows())
        return every_row(rows, args.reps, args.device, args.clock, args.threads, args.out)
    if args.threads:
        import torch
        torch.set_num_threads(args.threads)
    out = measure(args.tiny, json.loads(args.build), args.size, args.steps, args.reps, args.device, args.wide,
                  args.node, args.clock, bool(args.ablate))
    print(json.dumps(out, default=str))
    if not out["identical_frames"] or out["checked"] is False:  # the aim's other half: the same frames
        print(f"{args.tiny}: the node's frames are not the direct call's (max difference {out['max_difference']})",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
