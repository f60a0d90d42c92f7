"""estimates/vae_work.py's weights fitted to the tiny models' VAE decodes, measured on this machine (issue 104: another
model's decode is scaled by two VAEs' counted work; with base/work.py's weights, fitted on one model's step against
its decode, the tiny HunyuanVideo VAE was counted 3.6x slower than it decoded, and Framepack's time said 2.4x).

Each distinct VAE of the tiny models (tests.tiny_models: one per class and config) decodes a random latent of two
shapes, warm (the second call timed, the best of three), and the same decode is counted on a meta copy (calls,
elements made, multiply-adds, convolutions' unfolded inputs). The seconds are fitted as a weighted sum of the
counts, by a search in log space, the multiply-adds' weight no lower than FLOOR; each VAE is then predicted by a
fit without it (left out).

    .venv/bin/python benchmarks/fit_vae_costs.py [--threads 2]   # writes benchmarks/results/vae_costs_fit.txt"""
from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
import benchmarks  # noqa: E402,F401  (allows the temporary folder it works in: benchmarks/__init__.py)

KEYS = ("ops", "elements", "flops", "unfolded", "conv3d")
MODELS = ("wan-t2v", "ltx2", "kandinsky6", "mochi", "cogvideox", "ltx", "hunyuan", "kandinsky5", "svd")
SHAPES = ((5, 16, 16), (9, 24, 32), (11, 32, 32))  # latent frames, height, width


def measure(folder: str):
    """[(the counts, the measured seconds)] of the VAE of the diffusers folder ``folder`` at SHAPES."""
    import diffusers
    import torch

    from nodes.video_models.files.headers import read_json
    from nodes.video_models.estimates.decode_cost import count_decode
    lib, name = read_json(os.path.join(folder, "model_index.json"))["vae"]
    cls = getattr(diffusers, name)
    config = read_json(os.path.join(folder, "vae", "config.json"))
    vae = cls.from_pretrained(os.path.join(folder, "vae")).eval()
    with torch.device("meta"):
        meta = cls.from_config(config).to("meta").eval()
    ch = int(config.get("z_dim") or config.get("latent_channels") or 4)
    out = []
    for f, h, w in SHAPES:
        work = count_decode(meta, (1, ch, f, h, w), torch.float32)
        if "num_frames" in __import__("inspect").signature(vae.decode).parameters:
            z, more = torch.randn(f, ch, h, w), {"num_frames": f}
        else:
            z, more = torch.randn(1, ch, f, h, w), {}
        best = math.inf
        with torch.inference_mode():
            vae.decode(z, **more)
            for _ in range(3):
                t0 = time.perf_counter()
                vae.decode(z, **more)
                best = min(best, time.perf_counter() - t0)
        out.append((tuple(getattr(work, k) for k in KEYS), best))
    return f"{name} ({os.path.basename(folder.rstrip('/'))})", out


def predict(x, counts) -> float:
    return sum(math.exp(a) * c for a, c in zip(x, counts))


def loss(x, rows) -> float:
    return sum((math.log(predict(x, c)) - math.log(s)) ** 2 for _n, pts in rows for c, s in pts)


FLOOR = {2: math.log(2.5e-12)}  # a multiply-add costs at least this (400 GFLOP/s: more than 2 cores make): the tiny
# VAEs make too few of them to tell their weight (the free fit put it at nothing), and a real VAE's decode is mostly them


def fit(rows, start):
    from benchmarks.log_search import coordinate_search
    return coordinate_search(lambda x: loss(x, rows), start, floor=FLOOR)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=0)
    a = ap.parse_args()
    import torch
    if a.threads:
        torch.set_num_threads(a.threads)
    from nodes.video_models.base.work import COST
    from nodes.video_models.estimates import vae_work
    from tests.tiny_models import Shelf
    shelf = Shelf(tempfile.mkdtemp(prefix="studio-fit-vae-"))
    rows, seen = [], set()
    for key in MODELS:
        folder = str(shelf(key))
        from nodes.video_models.files.headers import read_json
        sig = (read_json(os.path.join(folder, "model_index.json"))["vae"][1],
               repr(sorted(read_json(os.path.join(folder, "vae", "config.json")).items())))
        if sig in seen:
            continue
        seen.add(sig)
        try:
            rows.append(measure(folder))
        except Exception as e:  # noqa: BLE001 - a VAE that cannot be counted is said and left out
            print(f"{key}: left out ({type(e).__name__}: {e})")
    now = [math.log(x) for x in (COST["ops"], COST["elements"], COST["flops"], 1.8e-9, 1e-30)]  # before this fit
    used = [math.log(max(vae_work.VAE_COST.get(k, 0.0), 1e-30)) for k in KEYS]
    x = fit(rows, [max(u, math.log(1e-12)) for u in used])  # each weight from where it weighs something
    lines = [f"{len(rows)} VAEs, {sum(len(p) for _n, p in rows)} decodes; squared log error: work.COST with "
             f"1.8 ns an unfolded element {loss(now, rows):.2f}, vae_work.VAE_COST {loss(used, rows):.2f}, fitted {loss(x, rows):.2f}",
             "fitted: " + ", ".join(f"{k} {math.exp(v):.2g}" for k, v in zip(KEYS, x)),
             "VAE: measured seconds; predicted by VAE_COST x; by a fit without the VAE x"]
    from benchmarks.log_search import left_out, report
    for (name, pts), out in left_out(fit, rows, x):
        for (c, s), shape in zip(pts, SHAPES):
            lines.append(f"{name:44} {'x'.join(map(str, shape)):9} {s:7.3f} s  VAE_COST x{predict(used, c) / s:.2f}  "
                         f"left out x{predict(out, c) / s:.2f}")
    report(lines, "vae_costs_fit.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
