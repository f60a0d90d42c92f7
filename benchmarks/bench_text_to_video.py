"""Train a text-to-video template on CPU, then score clips sampled from prompts whose
colour/shape/direction combinations were held out of training.

    .venv/bin/python benchmarks/bench_text_to_video.py [--template scenes|scenes-gpu|one-object] [--minutes 20]
        [--size 32x32x8] [--count 2048] [--out DIR]

``scenes`` (default; assets/graphs/text_to_video.json: dense flow motion on the synthetic scenes):
each test scene has two objects, both of held-out combinations, and two captions: one in the
training wording ("a red circle moving left and a cyan triangle moving right") and one in
held-out words and templates ("a scarlet disc, drifting leftwards as well as ..."). Reported:

* per object, for each wording: colour, shape and direction read back by the scene analyser
  (scene_metrics.analyse_objects, matched to the caption's objects) over clips sampled with
  ``--seeds`` seeds (3: one seed's score moves by about 5 points), and the same reader on the
  real clips (the ceiling);
* the residual of the best single global shift of the key frame (scene_metrics.shift_residual):
  generated two-object clips against real ones (a slid picture scores ~0);
* the temporal warping error of generated clips as a ratio to that of the real clips, both
  measured in this run;
* train steps and time, sampling time per clip.

``scenes-gpu`` (assets/graphs/text_to_video_gpu.json, issue 28): the same scenes at 64x64x16 with
batch 'auto', for a CUDA GPU; its aim: in 10 minutes (``--minutes 10``) the scores the CPU template
reaches in 20 at 32x32x8 (colour >= 90 %, direction >= 85 %, shape >= 70 % in the training wording).

``one-object`` (assets/graphs/text_to_video_one_object.json: the one-shape set with the
single-velocity motion head, the template before issue 16): colour / shape / direction of one
shape per clip, as before.

Writes DIR/results_<template>_<size>.json and DIR/contact_sheet_<template>_<size>.png (each row:
the real clip's frames, a bar, the clip generated from the training wording, a bar, the one from
the held-out wording). Torch threads follow the app's interactive policy (all cores but one).

Aims (issue 16): two-object scenes, per object, colour >= 90 %, direction >= 85 %, shape >= 70 %;
held-out wordings within 10 points of the training wording; the generated shift residual as large
as the real one; warping error <= 1.5x real.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

import cv2
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import benchmarks  # noqa: E402,F401  (allows the temporary folder it works in: benchmarks/__init__.py)

from studio.core.fileformat import load_graph  # noqa: E402
from studio.engine.device import configure_threads  # noqa: E402
from studio.engine.events import NodeMessage, NodeProgress  # noqa: E402
from studio.engine.executor import Executor  # noqa: E402

from nodes.generators.conditioning import encode_with  # noqa: E402
from nodes.generators.metrics import analyse_shapes, warping_error  # noqa: E402
from nodes.generators.sample import prompt_tokens, sample_clips  # noqa: E402
from nodes.generators.scene_metrics import KEYS, analyse_objects, match_objects, shift_residual  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GRAPHS = {"scenes": "text_to_video.json", "scenes-gpu": "text_to_video_gpu.json",
          "one-object": "text_to_video_one_object.json"}


def train_template(args, size: tuple[int, int, int] | None):
    g = load_graph(os.path.join(ROOT, "assets", "graphs", GRAPHS[args.template]))
    ckpt = args.checkpoint or os.path.join(tempfile.mkdtemp(prefix="t2v-bench-"), "t2v.safetensors")
    from studio.core.confine import allow_for_session
    allow_for_session(os.path.dirname(os.path.abspath(ckpt)))  # the benchmark's own checkpoint folder
    g.set_param("train", "max_minutes", float(args.minutes))
    g.set_param("train", "checkpoint", os.path.abspath(ckpt))
    # --checkpoint: train into that file, or, when it has used its budget, only score it again
    # (other sampling settings: --guidance, --steps)
    g.set_param("train", "resume", bool(args.checkpoint))
    if size:
        w, h, t = size
        for k, v in (("width", w), ("height", h), ("frames", t)):
            g.set_param("dataset", k, v)
    if args.count:
        g.set_param("dataset", "count", args.count)
    if args.width:
        g.set_param("train", "width", args.width)
    if args.keyframe:
        g.set_param("train", "keyframe", args.keyframe)
    if args.object_motion:
        g.set_param("train", "object_motion", args.object_motion == "on")
    last = [0.0]

    def on_event(e):
        if isinstance(e, NodeProgress) and e.node_id == "train" and time.perf_counter() - last[0] > 30:
            last[0] = time.perf_counter()
            vals = " ".join(f"{k} {v:.4f}" for k, v in e.values.items())
            print(f"  step {e.step}: {vals}", flush=True)
        elif isinstance(e, NodeMessage):
            print(f"  [{e.title}] {e.text}", flush=True)

    t0 = time.perf_counter()
    res = Executor().run(g, targets=["train"], on_event=on_event)
    return res.value("train", "model"), res.value("dataset", "dataset"), time.perf_counter() - t0, \
        res.value("train", "info")


def generate(model, prompts: list[str], seed: int, steps: int, guidance: float) -> np.ndarray:
    cond = encode_with(model.config["conditioning"], prompts)
    return sample_clips(model, cond, seed=seed, steps=steps, guidance=guidance, extra=prompt_tokens(model, prompts))


def sheet(rows: list[np.ndarray], path: str, scale: int) -> None:
    s = np.concatenate([np.concatenate([r, np.ones((2, r.shape[1], 3), np.float32)]) for r in rows])
    s = cv2.resize(s, (s.shape[1] * scale, s.shape[0] * scale), interpolation=cv2.INTER_NEAREST)
    cv2.imwrite(path, cv2.cvtColor((np.clip(s, 0, 1) * 255).round().astype(np.uint8), cv2.COLOR_RGB2BGR),
                [cv2.IMWRITE_PNG_COMPRESSION, 9])


def strip(v: np.ndarray) -> np.ndarray:
    return np.concatenate(list(v), axis=1)


def bench_scenes(args, size) -> dict:
    model, ds, train_s, info = train_template(args, size)
    test = ds.indices("test")
    items = [ds.items[i] for i in test]
    real = [ds.frames(i) for i in test]
    out: dict = {"size": f"{ds.width}x{ds.height}x{ds.n_frames}", "train_seconds": round(train_s, 1),
                 "train_steps": model.config.get("trained_steps"), "info": info, "test_scenes": len(items)}
    bar = np.ones((ds.height, 3, 3), np.float32)
    rows = [strip(r) for r in real[:8]]
    for wording in ("plain", "held_out"):
        prompts = [it.labels[f"caption_{wording}"] for it in items]
        hits = {k: 0 for k in KEYS}
        n = 0
        per_seed, residuals, warps, secs = [], [], [], 0.0
        for seed in range(args.seed, args.seed + args.seeds):  # one seed's score varies by +-5 points
            t1 = time.perf_counter()
            vids = generate(model, prompts, seed, args.steps, args.guidance)
            secs += time.perf_counter() - t1
            seed_hits, seed_n = {k: 0 for k in KEYS}, 0
            for v, it in zip(vids, items):
                for h in match_objects(analyse_objects(v), it.labels["objects"]):
                    seed_n += 1
                    for k in KEYS:
                        seed_hits[k] += h[k]
            for k in KEYS:
                hits[k] += seed_hits[k]
            n += seed_n
            per_seed.append({k: round(seed_hits[k] / max(1, seed_n), 3) for k in KEYS})
            if wording == "plain":
                residuals += [shift_residual(v) for v in vids]
                warps += [warping_error(v) for v in vids]
            if seed == args.seed:
                rows = [np.concatenate([r, bar, strip(v)], axis=1) for r, v in zip(rows, vids[:8])]
        out[f"sample_seconds_per_clip_{wording}"] = round(secs / (len(items) * args.seeds), 4)
        out[f"accuracy_{wording}"] = {k: hits[k] / max(1, n) for k in KEYS}
        out[f"accuracy_{wording}_per_seed"] = per_seed
        out[f"prompts_{wording}"] = prompts[:6]
        if wording == "plain":
            out["shift_residual_generated"] = float(np.mean(residuals))
            out["warp_error_generated"] = float(np.mean(warps))
    hits = {k: 0 for k in KEYS}
    n = 0
    for v, it in zip(real, items):
        for h in match_objects(analyse_objects(v), it.labels["objects"]):
            n += 1
            for k in KEYS:
                hits[k] += h[k]
    out["analyser_on_real_clips"] = {k: hits[k] / max(1, n) for k in KEYS}
    out["shift_residual_real"] = float(np.mean([shift_residual(v) for v in real]))
    out["warp_error_real"] = float(np.mean([warping_error(v) for v in real]))
    out["warp_error_ratio"] = out["warp_error_generated"] / max(1e-9, out["warp_error_real"])
    a, b = out["accuracy_plain"], out["accuracy_held_out"]
    out["aims"] = {"colour>=0.90": a["color"] >= 0.9, "direction>=0.85": a["direction"] >= 0.85,
                   "shape>=0.70": a["shape"] >= 0.7,
                   "held-out wording within 10 points": all(a[k] - b[k] <= 0.10 for k in KEYS),
                   "shift residual >= real": out["shift_residual_generated"] >= out["shift_residual_real"],
                   "warp error <= 1.5x real": out["warp_error_ratio"] <= 1.5}
    tag = (f"_width{args.width}" if args.width else "") + (f"_{args.keyframe}" if args.keyframe else "") + \
        (f"_motion-{args.object_motion}" if args.object_motion else "")
    out["contact_sheet"] = os.path.join(args.out, f"contact_sheet_scenes_{out['size']}{tag}.png")
    sheet(rows, out["contact_sheet"], max(1, 96 // ds.height))
    out["contact_sheet"] = os.path.relpath(out["contact_sheet"], ROOT)
    return out


def bench_one_object(args, size) -> dict:
    model, ds, train_s, info = train_template(args, size)
    combos = ds.info["holdout"]
    keys = ("color", "shape", "direction")
    prompts = [ds.items[next(i for i in ds.indices("test") if " ".join(ds.items[i].labels[k] for k in keys) == c)]
               .caption for c in combos]
    t1 = time.perf_counter()
    vids = generate(model, [p for p in prompts for _ in range(args.per_prompt)], args.seed, args.steps, args.guidance)
    sample_s = (time.perf_counter() - t1) / len(vids)
    hits = {k: 0 for k in keys}
    gen_we, real_we, rows = [], [], []
    for j, c in enumerate(combos):
        want = dict(zip(keys, c.split()))
        for r in range(args.per_prompt):
            v = vids[j * args.per_prompt + r]
            a = analyse_shapes(v)
            for k in keys:
                hits[k] += a[k] == want[k]
            gen_we.append(warping_error(v))
        rv = [ds.frames(i) for i in ds.indices("test") if ds.items[i].caption == prompts[j]]
        real_we.extend(warping_error(x) for x in rv)
        rows.append(np.concatenate([strip(rv[0]), np.ones((ds.height, 3, 3), np.float32),
                                    strip(vids[j * args.per_prompt])], axis=1))
    acc = {k: hits[k] / len(vids) for k in keys}
    path = os.path.join(args.out, f"contact_sheet_one-object_{ds.width}x{ds.height}x{ds.n_frames}.png")
    sheet(rows, path, 3)
    ratio = float(np.mean(gen_we) / max(1e-9, np.mean(real_we)))
    return {"size": f"{ds.width}x{ds.height}x{ds.n_frames}", "train_seconds": round(train_s, 1),
            "train_steps": model.config.get("trained_steps"), "sample_seconds_per_clip": round(sample_s, 4),
            "held_out_prompts": prompts, "accuracy": acc, "warp_error_ratio": ratio, "info": info,
            "aim_met": acc["color"] >= 0.95 and acc["direction"] >= 0.90 and acc["shape"] >= 0.70 and ratio <= 1.5,
            "contact_sheet": os.path.relpath(path, ROOT)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--template", choices=tuple(GRAPHS), default="scenes")
    ap.add_argument("--minutes", type=float, default=20.0, help="training budget (the template's max_minutes)")
    ap.add_argument("--size", default="", help="WxHxT, e.g. 64x64x16 (default: the template's)")
    ap.add_argument("--count", type=int, default=0, help="training clips (default: the template's)")
    ap.add_argument("--width", type=int, default=0, help="network width (Train > width; default: the template's)")
    ap.add_argument("--keyframe", default="", help="Train > keyframe (diffusion or slots; default: the template's)")
    ap.add_argument("--object-motion", choices=("on", "off"), default="", help="Train > object_motion (slots)")
    ap.add_argument("--per-prompt", type=int, default=4, help="one-object: samples per held-out prompt")
    ap.add_argument("--steps", type=int, default=25, help="DDIM steps")
    ap.add_argument("--guidance", type=float, default=2.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--seeds", type=int, default=3, help="scenes: sampling seeds scored (from --seed on; "
                                                          "the scores are over all of them)")
    ap.add_argument("--checkpoint", default="", help="keep the trained model in this file; an existing one "
                    "resumes (one whose budget is spent is scored without training)")
    ap.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results", "text_to_video"))
    args = ap.parse_args()
    threads = configure_threads(interactive=True)
    os.makedirs(args.out, exist_ok=True)
    size = tuple(int(x) for x in args.size.lower().split("x")) if args.size else None
    print(f"training {args.template} ({args.minutes:g} min budget, {threads} torch thread(s)) ...", flush=True)
    out = (bench_one_object if args.template == "one-object" else bench_scenes)(args, size)
    out.update({"template": args.template, "threads": threads, "minutes": args.minutes,
                "load_average_at_end": os.getloadavg()[0], "cpus": os.cpu_count()})
    tag = (f"_width{args.width}" if args.width else "") + (f"_{args.keyframe}" if args.keyframe else "") + \
        (f"_motion-{args.object_motion}" if args.object_motion else "")
    path = os.path.join(args.out, f"results_{args.template}_{out['size']}{tag}.json")
    with open(path, "w") as fh:
        json.dump(out, fh, indent=1)
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
