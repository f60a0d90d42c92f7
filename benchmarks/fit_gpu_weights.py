"""The estimates' GPU weights fitted to a card's own steps (issue 117 item 4), and the estimate of one family's step
from another family's run checked against what the card measured.

    python benchmarks/fit_gpu_weights.py [RESULTS_DIR ...]     # default: benchmarks/results/gpu_h200_2026-11-28

Reads the ``gpu_field.py`` rows (``*.json`` with ``rows``) of the folders given: each case's step on the card
(plain mode: diffusers' call as it comes, SDPA attention, no compile), its passes a step (2 with CFG). Each case's
denoiser is built on the meta device from the configuration gpu_field.py ran (no weights) and counted as the
estimates count a folder: its multiply-adds a pass (step_shape.step_flops over the tokens the pipeline makes) and
its leaf modules (a pass calls each about once). A pass's seconds are then ``flops * FLOP + modules * CALL``
(cross_scale.pass_seconds), fitted by least squares on the relative error. Prints the fit, each case against it,
and the estimate of each case's step from every other case's measured step (cross_scale.step_scale, the weights
fitted without the case estimated: leave one out), the ratio estimated / measured."""
from __future__ import annotations

import glob
import json
import math
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

DEFAULT = os.path.join(ROOT, "benchmarks", "results", "gpu_h200_2026-11-28")
WAN_VAE = {"_class_name": "AutoencoderKLWan", "temperal_downsample": [False, True, True], "z_dim": 16}
LTX_VAE = {"_class_name": "AutoencoderKLLTXVideo", "patch_size": 4, "patch_size_t": 1,
           "spatio_temporal_scaling": [True, True, True, False]}


def denoiser(case: str):
    """(class name, config) of the case's denoiser as gpu_field.py built it."""
    from benchmarks.gpu_field import WAN14
    wan13 = dict(WAN14, num_attention_heads=12, ffn_dim=8960, num_layers=30, in_channels=16)
    if case == "field":
        return "WanTransformer3DModel", dict(WAN14, image_dim=1280, added_kv_proj_dim=5120)
    if case == "distilled":
        return "WanTransformer3DModel", dict(WAN14)
    if case == "wan13":
        return "WanTransformer3DModel", wan13
    if case == "ltx":
        return "LTXVideoTransformer3DModel", {}
    raise KeyError(case)


def counts(case: str) -> tuple[float, int]:
    """(multiply-adds x2 of a pass, leaf modules) of the case's denoiser at its size."""
    import diffusers
    import torch

    from benchmarks.gpu_field import CASES
    from nodes.video_models.estimates.step_shape import shape_of, step_flops
    cls_name, kw = denoiser(case)
    with torch.device("meta"):
        model = getattr(diffusers, cls_name)(**kw)
    weights = sum(p.numel() for p in model.parameters())
    modules = sum(1 for m in model.modules() if next(m.children(), None) is None)
    cfg = dict(model.config)
    shape = shape_of(LTX_VAE if case == "ltx" else WAN_VAE, cfg, False)
    *_, w, h, frames = CASES[case]
    return step_flops(shape, weights, shape.grid, w, h, frames), modules


def rows(folders: list[str]) -> dict[str, dict]:
    """Each case's plain row (the last one found)."""
    out = {}
    for folder in folders:
        for p in sorted(glob.glob(os.path.join(folder, "*.json"))):
            try:
                with open(p) as f:
                    data = json.load(f)
            except (OSError, ValueError):
                continue
            for r in data.get("rows", []) if isinstance(data, dict) else []:
                if r.get("mode") == "plain" and r.get("step_s"):
                    out[r["case"]] = r
    return out


def fit(points: list[tuple[float, int, float]]) -> tuple[float, float]:
    """(seconds a multiply-add, seconds a module's call) minimising the squared relative error of
    ``flops * a + modules * b`` against the measured pass, both kept at or above zero."""
    import numpy as np
    A = np.array([[f / t, m / t] for f, m, t in points])
    sol, *_ = np.linalg.lstsq(A, np.ones(len(points)), rcond=None)
    a, b = (float(x) for x in sol)
    if b < 0:  # calls cost nothing measurable: the multiply-adds alone
        a, b = float(np.mean([t / f for f, _, t in points])), 0.0
    return max(a, 0.0), b


def main(argv: list[str]) -> int:
    folders = argv or [DEFAULT]
    got = rows(folders)
    if len(got) < 2:
        print(f"fewer than two plain rows in {', '.join(folders)}: nothing to fit")
        return 1
    cases = {c: (*counts(c), r["step_s"] / r.get("passes_a_step", 1), r.get("passes_a_step", 1)) for c, r in got.items()}
    a, b = fit([(f, m, t) for f, m, t, _ in cases.values()])
    print(f"fit on {len(cases)} cases: {a:.3e} s a multiply-add ({1 / a / 1e12 if a else 0:.0f} T a second), "
          f"{b * 1e6:.1f} us a module's call")
    print("| case | multiply-adds a pass | modules | a pass measured s | fitted s | fitted / measured |")
    print("|---|---|---|---|---|---|")
    for c, (f, m, t, _) in cases.items():
        print(f"| {c} | {f:.3e} | {m} | {t:.4f} | {f * a + m * b:.4f} | {(f * a + m * b) / t:.2f} |")
    print("\nA step estimated from another case's measured step, with the weights fitted on every case and fitted "
          "without the case estimated (leave one out):")
    print("| estimated | from | measured s | estimated s | ratio | left out: estimated s | ratio |")
    print("|---|---|---|---|---|---|---|")
    worst, worst_out = 1.0, 1.0
    for c, (f, m, t, n) in cases.items():
        la, lb = fit([(f2, m2, t2) for c2, (f2, m2, t2, _) in cases.items() if c2 != c]) if len(cases) > 2 else (a, b)
        for src, (f2, m2, t2, n2) in cases.items():
            if src == c:
                continue
            est = t2 * n2 * (n * (f * a + m * b)) / (n2 * (f2 * a + m2 * b))
            out = t2 * n2 * (n * (f * la + m * lb)) / (n2 * (f2 * la + m2 * lb))
            worst, worst_out = max(worst, est / (t * n), t * n / est), max(worst_out, out / (t * n), t * n / out)
            print(f"| {c} | {src} | {t * n:.3f} | {est:.3f} | {est / (t * n):.2f} | {out:.3f} | {out / (t * n):.2f} |")
    print(f"\nworst {worst:.2f}x (left out: {worst_out:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
