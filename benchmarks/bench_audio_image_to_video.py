"""Train the audio-and-image-to-video template (assets/graphs/audio_image_to_video.json) on the
synthetic shapes on CPU, then check on held-out clips whether the clips it makes start like the
still and move the way the sound says.

    .venv/bin/python benchmarks/bench_audio_image_to_video.py [--minutes 3] [--fusion gated] [--out DIR]

On the test split (colour/shape/direction combinations held out of training), each clip's first
frame and sound go through the template's own path (Image Encoder maps, Audio Encoder features,
the trained fusion, Sample). Reported, with the synthetic analyser of metrics.py:

* direction accuracy with the clip's own still and sound, and with one input left out
  ('audio only', 'image only': the fusion's null embedding stands in);
* the swap test: the still of a clip moving left or right with the sound of a clip moving the
  other way: how often the horizontal motion follows the sound, how often the still;
* the first frame against the still (PSNR) and the whole clip against the real one (PSNR), with
  the same figures for a baseline that just repeats the still (no motion) measured in the same run;
* colour and shape read back from the clips (the ceiling: the analyser on the real clips).

Writes DIR/results_<fusion>.json and DIR/contact_sheet_<fusion>.png (every 4th test clip: the real
clip's frames, a grey bar, the generated clip's frames).

In the synthetic set the tone's pitch follows the shape's x position; up and down movers keep a
constant pitch, so the sound cannot tell up from down: only the still can (where the shape starts).
Torch threads follow the app's interactive policy (all cores but one).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import benchmarks  # noqa: E402,F401  (allows the temporary folder it works in: benchmarks/__init__.py)

from studio.core.fileformat import load_graph  # noqa: E402
from studio.core.values import Features  # noqa: E402
from studio.engine.device import configure_threads  # noqa: E402
from studio.engine.events import NodeProgress  # noqa: E402
from studio.engine.executor import Executor  # noqa: E402

from nodes.generators.av_conditioning import audio_features, image_maps, still_tensor  # noqa: E402
from nodes.generators.metrics import analyse_shapes, psnr  # noqa: E402
from nodes.generators.sample import sample_clips  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HORIZONTAL = {"left": -1, "right": 1}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=3.0, help="training budget (the template's max_minutes)")
    ap.add_argument("--fusion", default="gated", choices=("gated", "film", "cross_attention"))
    ap.add_argument("--steps", type=int, default=25, help="DDIM steps")
    ap.add_argument("--guidance", type=float, default=1.0)
    ap.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results", "audio_image_to_video"))
    args = ap.parse_args()
    threads = configure_threads(interactive=True)
    os.makedirs(args.out, exist_ok=True)

    g = load_graph(os.path.join(ROOT, "assets", "graphs", "audio_image_to_video.json"))
    ckpt = os.path.join(tempfile.mkdtemp(prefix="av2v-bench-"), "av.safetensors")
    g.set_param("train", "max_minutes", float(args.minutes))
    g.set_param("train", "fusion", args.fusion)
    g.set_param("train", "checkpoint", ckpt)
    g.set_param("train", "resume", False)
    last = [0.0]

    def on_event(e):
        if isinstance(e, NodeProgress) and e.node_id == "train" and time.perf_counter() - last[0] > 30:
            last[0] = time.perf_counter()
            print(f"  step {e.step}/{e.total} loss {e.values.get('loss', float('nan')):.4f} "
                  f"velocity {e.values.get('velocity', float('nan')):.4f}", flush=True)

    print(f"training ({args.minutes:g} min budget, {args.fusion} fusion, {threads} torch thread(s)) ...", flush=True)
    t0 = time.perf_counter()
    res = Executor().run(g, targets=["train", "image_enc"], on_event=on_event)
    train_s = time.perf_counter() - t0
    model = res.value("train", "model")
    ds = res.value("dataset", "dataset")
    encoder = res.value("image_enc", "model").module
    net = model.module
    cfg = model.config
    print(res.value("train", "info"), flush=True)

    # the test clips, through the template's path: Image Encoder maps and Audio Encoder features
    idx = ds.indices("test")
    frames = ds.batch(idx)
    a = cfg["conditioning"]["audio"]
    maps = image_maps(encoder, frames[:, 0], cfg["conditioning"]["image"]["size"])
    auds = torch.stack([audio_features(ds.items[i].audio(), a["frames"], a["fps"], a["mels"], a["mfcc"]) for i in idx])
    stills = torch.cat([still_tensor(f[0], cfg["width"], cfg["height"]) for f in frames])
    labels = [ds.items[i].labels for i in idx]

    def generate(img_feats, aud_feats, still, use="image and audio"):
        with torch.no_grad():
            cond, _ = net.condition({"image_feats": img_feats.flatten(1), "audio_feats": aud_feats}, use)
        t = time.perf_counter()
        v = sample_clips(model, cond, seed=0, steps=args.steps, guidance=args.guidance, image=still)
        return v, (time.perf_counter() - t) / len(v)

    def reads(vids):
        return [analyse_shapes(v) for v in vids]

    def dir_acc(rs, want):
        return float(np.mean([r["direction"] == w for r, w in zip(rs, want)]))

    want_dir = [lb["direction"] for lb in labels]
    out: dict = {"train_seconds": round(train_s, 1), "info": res.value("train", "info"), "threads": threads,
                 "fusion": args.fusion, "test_clips": len(idx)}
    vids, per_clip = generate(maps, auds, stills)
    rs = reads(vids)
    real = reads(frames)
    out["sample_seconds_per_clip"] = round(per_clip, 4)
    out["matched"] = {k: float(np.mean([r[k] == lb[k] for r, lb in zip(rs, labels)])) for k in ("color", "shape", "direction")}
    out["analyser_on_real_clips"] = {k: float(np.mean([r[k] == lb[k] for r, lb in zip(real, labels)]))
                                     for k in ("color", "shape", "direction")}
    hz = [k for k, w in enumerate(want_dir) if w in HORIZONTAL]
    vt = [k for k, w in enumerate(want_dir) if w not in HORIZONTAL]
    out["matched_direction_horizontal"] = dir_acc([rs[k] for k in hz], [want_dir[k] for k in hz])
    out["matched_direction_vertical"] = dir_acc([rs[k] for k in vt], [want_dir[k] for k in vt])
    for use in ("audio only", "image only"):
        v, _ = generate(maps, auds, stills, use)
        r = reads(v)
        out[use.replace(" ", "_")] = {"direction": dir_acc(r, want_dir),
                                      "horizontal": dir_acc([r[k] for k in hz], [want_dir[k] for k in hz]),
                                      "vertical": dir_acc([r[k] for k in vt], [want_dir[k] for k in vt])}
    # swap test: each horizontal clip's still with the sound of a clip moving the other way
    other = {d: [k for k in hz if want_dir[k] == d] for d in HORIZONTAL}
    pairs = []
    for n, k in enumerate(hz):
        pool = other["left" if want_dir[k] == "right" else "right"]
        pairs.append((k, pool[n % len(pool)]))
    ki = [k for k, _ in pairs]
    ka = [j for _, j in pairs]
    v, _ = generate(maps[ki], auds[ka], stills[ki])
    r = reads(v)
    follows_sound = [x["direction"] == want_dir[j] for x, j in zip(r, ka)]
    follows_still = [x["direction"] == want_dir[k] for x, k in zip(r, ki)]
    vx = [x["velocity"][0] for x in r]
    out["swap"] = {"pairs": len(pairs), "follows_sound": float(np.mean(follows_sound)),
                   "follows_still": float(np.mean(follows_still)),
                   "sign_of_vx_follows_sound": float(np.mean([np.sign(x) == HORIZONTAL[want_dir[j]] for x, j in zip(vx, ka)]))}
    # fidelity: first frame against the still, whole clip against the real one; a still-only baseline
    first = float(np.mean([psnr(vv[0], f[0]) for vv, f in zip(vids, frames)]))
    whole = float(np.mean([psnr(vv, f) for vv, f in zip(vids, frames)]))
    base = float(np.mean([psnr(np.broadcast_to(f[:1], f.shape), f) for f in frames]))
    out["psnr_first_frame_vs_still"] = round(first, 2)
    out["psnr_clip_vs_real"] = round(whole, 2)
    out["psnr_still_repeated_vs_real"] = round(base, 2)
    speeds = [float(np.hypot(*x["velocity"])) for x in rs]
    real_speeds = [float(np.hypot(*x["velocity"])) for x in real]
    out["mean_speed_px_per_frame"] = {"generated": round(float(np.mean(speeds)), 3), "real": round(float(np.mean(real_speeds)), 3)}
    print(json.dumps(out, indent=1))
    with open(os.path.join(args.out, f"results_{args.fusion}.json"), "w") as f:
        json.dump(out, f, indent=1)
    gap = np.full((frames.shape[2], 2, 3), 0.5, np.float32)  # grey bar: real clip | generated clip
    sheet = np.concatenate([np.concatenate([np.concatenate(list(frames[k]), 1), gap, np.concatenate(list(vids[k]), 1)], 1)
                            for k in range(0, len(idx), 4)], 0)
    import cv2
    cv2.imwrite(os.path.join(args.out, f"contact_sheet_{args.fusion}.png"),
                cv2.cvtColor((np.clip(sheet, 0, 1).repeat(2, 0).repeat(2, 1) * 255).astype(np.uint8), cv2.COLOR_RGB2BGR))
    return 0


if __name__ == "__main__":
    sys.exit(main())
