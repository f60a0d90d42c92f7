"""Training throughput of the template models (issue 28): steps/s and samples/s at batch 16, 64,
256 and auto on the device at hand, and the fixed cost of a step (its time at batch 1).

    .venv/bin/python benchmarks/bench_train_throughput.py [--device auto] [--models text_to_video,...]
        [--batches 1,16,64,256,auto] [--seconds 4] [--compare REF]

Each figure is the real trainer (nodes.generators.train.train) run twice with the same settings,
``warm`` steps and ``warm + n`` steps: the difference of the two training times is the time of n
steps, without data preparation, compiling, start-up or the final read-back (the data are
prepared once per model and reused). Models: the templates' own networks and clip sizes
(text_to_video: dense flow with slot key frames at 32x32x8, width 48; text_to_video_gpu: the same
at 64x64x16, the GPU preset; audio_image_to_video: key-frame flow from a still and a sound at
32x32x8, width 16) on 256 synthetic clips. Torch threads: the window's policy (all cores but one).

``--compare REF`` also runs the same measurements with the code of git revision REF (extracted with
``git archive`` into a temporary folder), alternating old and new ``--repeat`` times, and prints the
ratio new/old of the steps/s (on the CPU the new step must be no slower; there the ratio is taken
on the process's CPU time, which other programs on a shared machine move far less than
the wall time; both are printed). Batch auto is new: it is
measured with the new code only.

GPU targets of the issue (H100, not measured where no GPU is): samples/s at batch auto >= 4,300,
steps/s at batch 16 >= 100 (audio_image_to_video; 26-29 steps/s before).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from benchmarks.child_env import extend_pythonpath  # noqa: E402

MODELS = ("text_to_video", "audio_image_to_video", "text_to_video_gpu")


def _setup(tree: str):
    sys.path.insert(0, tree)
    os.chdir(tree)


def datasets_and_configs(names: list[str], clips: int):
    """{name: (dataset, config)} for the template models."""
    from nodes.generators.train import model_config
    out = {}
    for name in names:
        if name.startswith("text_to_video"):
            from nodes.generators.scenes import scenes_dataset
            big = name.endswith("_gpu")
            ds = scenes_dataset(count=clips, n_frames=16 if big else 8, width=64 if big else 32,
                                height=64 if big else 32, fps=8.0, seed=0, test_scenes=8)
            cfg = model_config("diffusion", ds, "text", base=48, motion="dense-flow", keyframe="slots",
                               slot_motion=True, motion_weight=0.0, content_weight=0.0, adversarial_weight=0.0)
        else:
            from nodes.generators.av_conditioning import av_model_config, default_image_encoder
            from nodes.generators.dataset import synthetic_dataset
            ds = synthetic_dataset(count=clips, n_frames=8, width=32, height=32, fps=8.0, seed=0, holdout=[])
            cfg = av_model_config(ds, default_image_encoder(), "gated", base=16)
        out[name] = (ds, cfg)
    return out


def cache_prepared_data() -> None:
    """Prepare each model's training clips once (decoding, optical flow, features), not per run."""
    import nodes.generators.train as T
    orig, cache = T._Data, {}

    def cached(dataset, model, device, check, settings, split="train"):
        key = (id(dataset), split, str(device))
        if key not in cache:
            cache[key] = orig(dataset, model, device, check, settings, split)
        return cache[key]
    T._Data = cached


def measure(ds, cfg, batch: int, device: str, seconds: float, warm: int) -> dict:
    """Steps/s of the trainer at ``batch`` (0: auto): two runs, ``warm`` and ``warm + n`` steps."""
    import inspect

    from nodes.generators.train import TrainSettings, train
    said: list[str] = []
    kw = {"info": said.append} if "info" in inspect.signature(train).parameters else {}

    def run(steps: int):
        s = TrainSettings(steps=steps, batch=batch, preview_every=0, checkpoint_every=0, seed=0)
        c0 = time.process_time()  # the CPU time of the process (all its threads)
        r = train(cfg, ds, s, device, **kw)
        r.cpu = time.process_time() - c0
        return r
    short = run(warm)
    probe = run(warm * 2)
    per = max(1e-6, (probe.seconds - short.seconds) / warm)
    n = int(min(5000, max(3, seconds / per)))
    long = run(warm + n)
    dt = max(1e-9, long.seconds - short.seconds)
    dc = max(1e-9, long.cpu - short.cpu)
    used = getattr(long, "batch", 0) or batch
    return {"batch": "auto" if batch == 0 else batch, "used_batch": used, "steps": n, "seconds": round(dt, 4),
            "steps_per_s": round(n / dt, 3), "samples_per_s": round(n * used / dt, 1),
            "cpu_steps_per_s": round(n / dc, 3),
            "auto_rule": next((x for x in said if x.startswith("batch")), "")}


def child(args) -> int:
    """Measure with the code of ``args.tree``; print one JSON line per figure."""
    _setup(args.tree)
    import torch

    from studio.engine.device import configure_threads, resolve_device
    configure_threads(interactive=True)  # as in the window (and the other training benchmarks)
    device = str(resolve_device(args.device))
    cache_prepared_data()
    batches = [0 if b == "auto" else int(b) for b in args.batches.split(",")]
    warm = args.warm or (30 if device.startswith("cuda") else 3)
    from nodes.generators.train import TrainSettings, train
    for name, (ds, cfg) in datasets_and_configs(args.models.split(","), args.clips).items():
        train(cfg, ds, TrainSettings(steps=1, batch=16, preview_every=0, checkpoint_every=0), device)  # prepares the data
        for b in batches:
            r = measure(ds, cfg, b, device, args.seconds, warm)
            r.update(model=name, device=device, torch_threads=torch.get_num_threads())
            print(json.dumps(r), flush=True)
    return 0


def torch_threads(rows: list[dict]) -> int:
    return rows[0]["torch_threads"] if rows else 0


def run_child(tree: str, args, batches: str) -> list[dict]:
    cmd = [sys.executable, os.path.abspath(__file__), "--child", "--tree", tree, "--device", args.device,
           "--models", args.models, "--batches", batches, "--seconds", str(args.seconds), "--clips", str(args.clips),
           "--warm", str(args.warm)]
    out = subprocess.run(cmd, capture_output=True, text=True, env=extend_pythonpath(tree))
    if out.returncode != 0:
        raise SystemExit(f"measuring in {tree} failed:\n{out.stderr[-3000:]}")
    return [json.loads(x) for x in out.stdout.splitlines() if x.startswith("{")]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="auto")
    ap.add_argument("--models", default="text_to_video,audio_image_to_video")
    ap.add_argument("--batches", default="1,16,64,256,auto")
    ap.add_argument("--seconds", type=float, default=4.0, help="time measured per figure (about)")
    ap.add_argument("--clips", type=int, default=256)
    ap.add_argument("--warm", type=int, default=0, help="steps before measuring (0: 3 on the CPU, 30 on a GPU)")
    ap.add_argument("--compare", metavar="REF", help="also measure git revision REF, alternating")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results", "train_throughput.json"))
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--tree", default=ROOT, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args)
    rows: list[dict] = []
    old_rows: list[dict] = []
    old_tree = None
    if args.compare:
        old_tree = tempfile.mkdtemp(prefix="bench-train-old-")
        arch = subprocess.run(["git", "-C", ROOT, "archive", args.compare], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", old_tree], input=arch, check=True)
    old_batches = ",".join(b for b in args.batches.split(",") if b != "auto")
    for rep in range(args.repeat if args.compare else 1):
        if old_tree is not None and old_batches:
            old_rows += run_child(old_tree, args, old_batches)
        rows += run_child(ROOT, args, args.batches)
    report = {"device": rows[0]["device"] if rows else args.device, "new": rows, "old": old_rows,
              "compare": args.compare}
    cpu_ratio = report["device"] == "cpu" and torch_threads(rows) == 1
    # on the CPU (one torch thread) old and new are compared on the process's CPU time: on a
    # shared machine the wall time moves with the other programs; on a GPU on the wall time
    key = "cpu_steps_per_s" if cpu_ratio else "steps_per_s"
    print(f"device {report['device']}, torch threads {torch_threads(rows)}; new/old on "
          f"{'CPU time' if cpu_ratio else 'wall time'}")
    print(f"{'model':24} {'batch':>6} {'used':>5} {'steps/s':>9} {'samples/s':>10} "
          f"{'cmp new':>8} {'cmp old':>8} {'new/old':>8}")
    keys = {(r["model"], str(r["batch"])) for r in rows}
    for model, b in sorted(keys, key=lambda k: (k[0], int(k[1]) if k[1] != "auto" else 1 << 30)):
        new = [r for r in rows if r["model"] == model and str(r["batch"]) == b]
        old = [r for r in old_rows if r["model"] == model and str(r["batch"]) == b]
        sp = statistics.median(r["steps_per_s"] for r in new)
        sa = statistics.median(r["samples_per_s"] for r in new)
        cn = statistics.median(r.get(key, 0) for r in new)
        co = statistics.median(r.get(key, 0) for r in old) if old else None
        tail = f"{cn:8.2f} {co:8.2f} {cn / co:8.3f}" if co else ""
        print(f"{model:24} {b:>6} {new[-1]['used_batch']:>5} {sp:9.2f} {sa:10.1f} {tail}")
        if b == "1":
            print(f"{'':24} fixed cost per step (batch 1): {1000.0 / sp:.1f} ms wall")
        if b == "auto" and new[-1].get("auto_rule"):
            print(f"{'':24} {new[-1]['auto_rule']}")
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1)
    print(f"wrote {args.out}")
    return 0



if __name__ == "__main__":
    sys.exit(main())
