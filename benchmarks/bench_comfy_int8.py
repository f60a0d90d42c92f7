"""The cost of keeping ComfyUI's int8 convrot layers in int8 (issue 56): one layer of Wan 2.1 14B's
widths (ffn 13824 x 5120, convrot group 256) run as comfy_int8.Int8Linear (the int8 weight rotated
back and scaled in the compute dtype at each call) against a plain Linear holding the same dequantised
weight, on the tokens of a small clip; median of ``--runs`` calls each, same process. Also the error
of the int8 output against the fp32 original weight's.

    .venv/bin/python -m benchmarks.bench_comfy_int8 [--tokens N] [--runs N] [--device cpu|cuda]

Measured (this machine, CPU, 2 cores shared with other work, fp32, 2026-11-25, --tokens 256 --runs 3):
Int8Linear 1760 ms, plain Linear 1204 ms (1.46x; the rest is the int8 -> fp32 conversion of 70 M
weights, memory-bound here: the rotation is on the 256 tokens, the scales on the output); relative
error 0.0088 against the fp32 weight; 68 MiB int8 against 135 MiB bf16. Before the input rotation
and output scaling (weight rotated back and scaled each call): 3779 ms (3.21x). No GPU was lent to
this task: on one the per-call work is a conversion and a [tokens, 5120] x [256, 256] product per
group, small beside the layer's own [tokens, 5120] x [5120, 13824] product."""
from __future__ import annotations

import argparse
import statistics
import time


def main(argv=None) -> None:
    import torch

    from nodes.video_models.files import comfy_int8
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tokens", type=int, default=1024)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    a = ap.parse_args(argv)
    dev = torch.device(a.device)
    dtype = torch.bfloat16 if dev.type == "cuda" else torch.float32
    torch.manual_seed(0)
    w = torch.randn(13824, 5120) * 0.02
    q = comfy_int8.quantise(w, 256)
    layer = comfy_int8.Int8Linear(5120, 13824, comfy_int8.Int8(q.data.to(dev), q.scale.to(dev), 256), None)
    plain = torch.nn.Linear(5120, 13824, bias=False, device=dev, dtype=dtype)
    with torch.no_grad():
        plain.weight.copy_(comfy_int8.dequantise(q, torch.float32).to(dtype))
    x = torch.randn(a.tokens, 5120, device=dev, dtype=dtype)

    def timed(f) -> float:
        out = []
        for _ in range(a.runs + 1):
            if dev.type == "cuda":
                torch.cuda.synchronize()
            t = time.perf_counter()
            with torch.no_grad():
                f(x)
            if dev.type == "cuda":
                torch.cuda.synchronize()
            out.append(time.perf_counter() - t)
        return statistics.median(out[1:])
    t8, tp = timed(layer), timed(plain)
    with torch.no_grad():
        ref = x.float() @ w.to(dev).T
        err = float((layer(x).float() - ref).norm() / ref.norm())
    print(f"{dev.type} {str(dtype).replace('torch.', '')}, {a.tokens} tokens, 13824 x 5120: Int8Linear {t8 * 1e3:.1f} ms, "
          f"plain Linear {tp * 1e3:.1f} ms ({t8 / tp:.2f}x); int8 output's relative error against the fp32 weight's "
          f"{err:.4f}; memory {q.data.numel() / 2**20:.0f} MiB int8 against {w.numel() * 2 / 2**20:.0f} MiB bf16")


if __name__ == "__main__":
    main()
