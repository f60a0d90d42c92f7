"""Train the default text-to-video template (assets/graphs/text_to_video.json) on the synthetic
captioned shapes on CPU, then score clips sampled from prompts whose colour/shape/direction
combination was held out of training.

    .venv/bin/python benchmarks/bench_text_to_video.py [--minutes 12] [--per-prompt 4] [--out DIR]

Prints and writes (DIR/results.json): train time, sampling time per clip, colour / shape /
direction accuracy read back by the synthetic analyser, and the temporal warping error of the
generated clips as a ratio to that of real clips of the same prompts measured in the same run
(the analyser's accuracy on those real clips is printed too: it is the ceiling). Writes a contact
sheet (DIR/contact_sheet.png): one row per held-out prompt, the real clip's frames on the left,
a generated clip's frames on the right.

Aim (issue 7): colour >= 95 %, direction >= 90 %, shape >= 70 %, warping error <= 1.5x real.
Torch threads follow the app's interactive policy (all cores but one).
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

from studio.core.fileformat import load_graph  # noqa: E402
from studio.engine.device import configure_threads  # noqa: E402
from studio.engine.events import NodeProgress  # noqa: E402
from studio.engine.executor import Executor  # noqa: E402

from nodes.generators.conditioning import encode_with  # noqa: E402
from nodes.generators.metrics import analyse_shapes, warping_error  # noqa: E402
from nodes.generators.sample import sample_clips  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=12.0, help="training budget (the template's max_minutes)")
    ap.add_argument("--per-prompt", type=int, default=4, help="samples per held-out prompt")
    ap.add_argument("--steps", type=int, default=25, help="DDIM steps")
    ap.add_argument("--guidance", type=float, default=2.0)
    ap.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results", "text_to_video"))
    args = ap.parse_args()
    threads = configure_threads(interactive=True)
    os.makedirs(args.out, exist_ok=True)

    g = load_graph(os.path.join(ROOT, "assets", "graphs", "text_to_video.json"))
    ckpt = os.path.join(tempfile.mkdtemp(prefix="t2v-bench-"), "t2v.safetensors")
    g.set_param("train", "max_minutes", float(args.minutes))
    g.set_param("train", "checkpoint", ckpt)
    g.set_param("train", "resume", False)
    last = [0.0]

    def on_event(e):
        if isinstance(e, NodeProgress) and e.node_id == "train" and time.perf_counter() - last[0] > 30:
            last[0] = time.perf_counter()
            print(f"  step {e.step}/{e.total} loss {e.values.get('loss', float('nan')):.4f}", flush=True)

    print(f"training ({args.minutes:g} min budget, {threads} torch thread(s)) ...", flush=True)
    t0 = time.perf_counter()
    res = Executor().run(g, targets=["train"], on_event=on_event)
    train_s = time.perf_counter() - t0
    model = res.value("train", "model")
    ds = res.value("dataset", "dataset")
    print(res.value("train", "info"), flush=True)

    combos = ds.info["holdout"]
    prompts = [f"a {c.split()[0]} {c.split()[1]} moving {c.split()[2]}" for c in combos]
    cond = encode_with(model.config["conditioning"], [p for p in prompts for _ in range(args.per_prompt)])
    t1 = time.perf_counter()
    vids = sample_clips(model, cond, seed=0, steps=args.steps, guidance=args.guidance)
    sample_s = (time.perf_counter() - t1) / len(vids)

    real = {}
    for i in ds.indices("test"):
        lab = ds.items[i].labels
        real.setdefault((lab["color"], lab["shape"], lab["direction"]), []).append(ds.frames(i))
    keys = ("color", "shape", "direction")
    hits = {k: 0 for k in keys}
    real_hits = {k: 0 for k in keys}
    n_real = 0
    gen_we, real_we = [], []
    rows = []
    for j, c in enumerate(combos):
        want = dict(zip(keys, c.split()))
        for r in range(args.per_prompt):
            v = vids[j * args.per_prompt + r]
            a = analyse_shapes(v)
            for k in keys:
                hits[k] += a[k] == want[k]
            gen_we.append(warping_error(v))
        for rv in real[tuple(c.split())]:
            a = analyse_shapes(rv)
            n_real += 1
            for k in keys:
                real_hits[k] += a[k] == want[k]
            real_we.append(warping_error(rv))
        rows.append(np.concatenate([np.concatenate(list(real[tuple(c.split())][0]), axis=1),
                                    np.full((ds.height, 4, 3), 1.0, np.float32),
                                    np.concatenate(list(vids[j * args.per_prompt]), axis=1)], axis=1))
    n = len(vids)
    acc = {k: hits[k] / n for k in keys}
    real_acc = {k: real_hits[k] / max(1, n_real) for k in keys}
    we_ratio = float(np.mean(gen_we) / max(1e-9, np.mean(real_we)))
    sheet = np.concatenate([np.concatenate([r, np.ones((2, r.shape[1], 3), np.float32)]) for r in rows])
    sheet = cv2.resize(sheet, (sheet.shape[1] * 3, sheet.shape[0] * 3), interpolation=cv2.INTER_NEAREST)
    sheet_path = os.path.join(args.out, "contact_sheet.png")
    cv2.imwrite(sheet_path, cv2.cvtColor((sheet * 255).clip(0, 255).astype(np.uint8), cv2.COLOR_RGB2BGR))
    out = {"train_seconds": round(train_s, 1), "train_steps": model.config.get("trained_steps"),
           "sample_seconds_per_clip": round(sample_s, 4), "clips": n, "held_out_prompts": prompts,
           "accuracy": acc, "analyser_on_real_clips": real_acc,
           "warp_error_generated": float(np.mean(gen_we)), "warp_error_real": float(np.mean(real_we)),
           "warp_error_ratio": we_ratio, "threads": threads, "info": res.value("train", "info"),
           "aim_met": acc["color"] >= 0.95 and acc["direction"] >= 0.90 and acc["shape"] >= 0.70 and we_ratio <= 1.5,
           "contact_sheet": os.path.relpath(sheet_path, ROOT)}
    with open(os.path.join(args.out, "results.json"), "w") as fh:
        json.dump(out, fh, indent=1)
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
