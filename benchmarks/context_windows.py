"""Issue 47's cost aim for context windows: a take sampled with context windows at overlap o and
stride s costs at most (1 + o/s) times the windows' own denoiser time, + 5 %.

The denoiser is Wan 2.1 T2V 1.3B's transformer at its real configuration (diffusers' config: 30
layers, width 1536, FFN 8960, text width 4096) with random weights (nothing is downloaded), on the
CPU, one torch thread, fp32, at a small size: a latent of 16 x F x 8 x 8 (128x128 pixels) and 512
text tokens, as the pipeline pads the prompt to. Timed, as process CPU time (robust to other work on
a shared machine), interleaved, the median of ``--rounds``:

* ``take``: one denoiser call of the whole latent through Studio's context-windows hook
  (nodes/video_models/takes/context_windows.py), which runs the transformer on each window and blends;
* ``window``: one plain transformer call on a window's latent alone.

The windows' own time for the clip is ``F / window x window call`` (every latent frame denoised once,
in windows); the aim: ``take <= (1 + o/s) x F / window x window call x 1.05``. Also said: the hook's
own cost against the windows it runs (``take / (K x window call)``, K windows) and one plain call of
the whole latent (no windows), for reference.

    .venv/bin/python benchmarks/context_windows.py             # F = 9, window 3, overlap 1 (stride 2)
    .venv/bin/python benchmarks/context_windows.py --frames 13 --window 5 --overlap 1

Writes benchmarks/results/context_windows/results.json."""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from types import SimpleNamespace

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
import benchmarks  # noqa: E402,F401  (allows the temporary folder it works in: benchmarks/__init__.py)
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("DIFFUSERS_VERBOSITY", "error")

WAN_13B = dict(patch_size=(1, 2, 2), num_attention_heads=12, attention_head_dim=128, in_channels=16, out_channels=16,
               text_dim=4096, freq_dim=256, ffn_dim=8960, num_layers=30, cross_attn_norm=True,
               qk_norm="rms_norm_across_heads", eps=1e-6, rope_max_seq_len=1024)


def cpu_time(fn) -> float:
    t = time.process_time()
    fn()
    return time.process_time() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, default=9, help="latent frames of the take")
    ap.add_argument("--window", type=int, default=3, help="latent frames a window")
    ap.add_argument("--overlap", type=int, default=1, help="latent frames two windows share")
    ap.add_argument("--side", type=int, default=8, help="latent height and width")
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    import torch
    from diffusers import WanTransformer3DModel

    from nodes.video_models.takes.context_windows import WindowPlan, context_windows_applied
    torch.set_num_threads(1)
    torch.manual_seed(0)
    t0 = time.perf_counter()
    tr = WanTransformer3DModel(**WAN_13B).eval()
    n_params = sum(p.numel() for p in tr.parameters())
    print(f"Wan 2.1 1.3B transformer, random weights: {n_params / 1e9:.2f} B parameters, built in "
          f"{time.perf_counter() - t0:.0f} s", flush=True)
    plan = WindowPlan(a.window, a.overlap)
    k = len(plan.windows(a.frames))
    g = torch.Generator().manual_seed(0)
    x = torch.randn(1, 16, a.frames, a.side, a.side, generator=g)
    text = torch.randn(1, 512, 4096, generator=g)
    t = torch.tensor([500.0])

    def take():
        with context_windows_applied(SimpleNamespace(transformer=tr), "wan", plan) as cw:
            tr(hidden_states=x, timestep=t, encoder_hidden_states=text, return_dict=False)
        assert cw.calls == k

    def window():
        tr(hidden_states=x[:, :, :a.window], timestep=t, encoder_hidden_states=text, return_dict=False)

    def whole():
        tr(hidden_states=x, timestep=t, encoder_hidden_states=text, return_dict=False)

    times: dict[str, list[float]] = {"take": [], "window": [], "whole": []}
    with torch.inference_mode():
        window()  # warm-up
        for r in range(a.rounds):
            for name, fn in (("take", take), ("window", window), ("whole", whole)):
                times[name].append(cpu_time(fn))
            print(f"round {r + 1}: " + ", ".join(f"{n} {v[-1]:.2f} s" for n, v in times.items()), flush=True)
    med = {n: statistics.median(v) for n, v in times.items()}
    own = a.frames / a.window * med["window"]  # every latent frame denoised once, in windows
    bound = (1 + plan.overlap / plan.stride) * own * 1.05
    res = {"frames": a.frames, "window": a.window, "overlap": plan.overlap, "stride": plan.stride, "windows": k,
           "latent": [16, a.frames, a.side, a.side], "text_tokens": 512, "threads": 1, "rounds": a.rounds,
           "median_cpu_s": med, "windows_own_s": own, "aim_s": bound, "take_over_aim": med["take"] / bound,
           "take_over_its_windows": med["take"] / (k * med["window"]), "params": n_params,
           "aim_met": med["take"] <= bound}
    print(f"take {med['take']:.2f} s against the aim (1 + {plan.overlap}/{plan.stride}) x {own:.2f} s x 1.05 = "
          f"{bound:.2f} s: {res['take_over_aim']:.3f} of it ({'met' if res['aim_met'] else 'NOT met'}); "
          f"the hook against its {k} window calls: {res['take_over_its_windows']:.3f}; one call of the whole "
          f"latent: {med['whole']:.2f} s")
    out = os.path.join(ROOT, "benchmarks", "results", "context_windows")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(res, f, indent=1)
    return 0 if res["aim_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
