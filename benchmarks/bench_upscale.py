"""Upscale Video against spandrel called directly (issue 59), and host growth streaming a long clip.

    .venv/bin/python benchmarks/bench_upscale.py [--arch compact|esrgan] [--frames 48] [--size 96x64]
        [--long 1000] [--long-size 64x48] [--scale 2] [--tile 0] [--repeats 3] [--device auto]

Tiny random weights in one of spandrel's layouts (RealESRGAN Compact or ESRGAN's RRDBNet, x2 or x4),
built from spandrel's own classes and saved as safetensors, as the tests do.

1. Time: the node's lazy clip pulled in chunks of 16 (as Save Video pulls it) against a plain
   loop calling spandrel's descriptor on each frame (numpy -> tensor -> descriptor -> numpy, the
   same conversions), in the same run, chunk by chunk in turn, ``--repeats`` times; the least of each and
   node / direct (aim <= 1.05). Also the frames compared (max abs difference).
2. Memory: ``--long`` frames of ``--long-size`` made on demand by a lazy clip, upscaled and
   pulled to the end in chunks of 16 and dropped; the resident set size (RSS) sampled every 20 ms
   by a thread; growth = its peak minus its value after the first chunk (model loaded, allocator
   warm). Prints figures, asserts nothing."""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import numpy as np  # noqa: E402
import torch  # noqa: E402

from nodes.finishing.upscale import UpscaleVideo  # noqa: E402
from studio.engine.clip import ArrayClip, Clip  # noqa: E402
from studio.engine.context import Context, Runtime  # noqa: E402
from benchmarks.host_memory import Peak, rss  # noqa: E402


class NoiseClip(Clip):
    """Frames made on demand (seeded by index): a long clip that never sits in memory."""

    def _frame(self, i):
        return np.random.default_rng(i).random((self.height, self.width, 3), dtype=np.float32)


def build(arch: str, folder: str, scale: int = 2) -> str:
    from safetensors.torch import save_file
    torch.manual_seed(0)
    if arch == "esrgan":
        from spandrel.architectures.ESRGAN import ESRGAN
        m = ESRGAN(in_nc=3, out_nc=3, num_filters=16, num_blocks=2, scale=scale)
    else:
        from spandrel.architectures.Compact import Compact
        m = Compact(num_in_ch=3, num_out_ch=3, num_feat=16, num_conv=4, upscale=scale)
    path = os.path.join(folder, f"{arch}.safetensors")
    save_file({k: v.contiguous() for k, v in m.state_dict().items()}, path)
    return path


def node_clip(path, clip, args, device):
    spec = UpscaleVideo.spec()
    params = spec.coerce_params({"model": path, "tile": args.tile, "overlap": 16, "device": "auto"})
    ctx = Context("up", spec.title, params, 0, device, Runtime())
    return UpscaleVideo().run(ctx, video=clip)


def direct(desc, clip, dtype):
    out = []
    with torch.inference_mode():
        for i in range(len(clip)):
            x = torch.from_numpy(np.array(clip.frame(i))).permute(2, 0, 1)[None].to(desc.device, dtype)
            out.append(desc(x)[0].permute(1, 2, 0).float().cpu().numpy())
    return np.stack(out)


def pull(up, n):
    return np.concatenate([c for _, c in up.chunks(16, 0, n)])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", default="compact", choices=("compact", "esrgan"))
    ap.add_argument("--frames", type=int, default=48)
    ap.add_argument("--size", default="96x64")
    ap.add_argument("--long", type=int, default=1000)
    ap.add_argument("--long-size", default="64x48")
    ap.add_argument("--tile", type=int, default=0)
    ap.add_argument("--scale", type=int, default=2, choices=(2, 4))
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--device", default="auto")
    args = ap.parse_args()
    import spandrel

    from studio.engine.device import resolve_device
    device = resolve_device(args.device)
    with tempfile.TemporaryDirectory() as tmp:
        path = build(args.arch, tmp, args.scale)
        w, h = map(int, args.size.split("x"))
        clip = ArrayClip(np.random.default_rng(0).random((args.frames, h, w, 3), dtype=np.float32), 24.0)
        up = node_clip(path, clip, args, device)
        desc = spandrel.ModelLoader().load_from_file(path).eval().to(device).to(up.dtype)
        pull(up, 16), direct(desc, ArrayClip(clip.chunk(0, 4), 24.0), up.dtype)  # warm both
        tn, td, got, want = [], [], [], []
        for _ in range(args.repeats):  # chunk by chunk, node and direct in turn: both see the same load
            sn = sd = 0.0
            got, want = [], []
            for a in range(0, len(clip), 16):
                b = min(len(clip), a + 16)
                t0 = time.perf_counter()
                got.append(up.chunk(a, b))
                t1 = time.perf_counter()
                want.append(direct(desc, ArrayClip(clip.chunk(a, b), 24.0), up.dtype))
                sn, sd = sn + t1 - t0, sd + time.perf_counter() - t1
            tn.append(sn)
            td.append(sd)
        got, want = np.concatenate(got), np.concatenate(want)
        n, d = min(tn), min(td)
        print(f"[time] {desc.architecture.name} x{desc.scale} on {device} ({str(up.dtype).split('.')[-1]}), "
              f"{args.frames} frames {w}x{h}, tile {args.tile}: node {n * 1000:.0f} ms, direct {d * 1000:.0f} ms, "
              f"node/direct {n / d:.3f} (aim <= 1.05); max |node - direct| {float(np.abs(got - want).max()):.2e}")

        lw, lh = map(int, args.long_size.split("x"))
        long_up = node_clip(path, NoiseClip(args.long, 24.0, lw, lh), args, device)
        peak = Peak(0.02)
        it = long_up.chunks(16)
        next(it)
        base = peak.reset()
        t0 = time.perf_counter()
        made = 16
        for _, c in it:
            made += len(c)
        dt = time.perf_counter() - t0
        peak.stop = True
        print(f"[memory] {made} frames {lw}x{lh} -> {long_up.width}x{long_up.height} streamed in chunks of 16: "
              f"host growth {(peak.peak - base) / 2**20:.1f} MB over {base / 2**20:.0f} MB "
              f"(one chunk of output is {16 * long_up.width * long_up.height * 12 / 2**20:.1f} MB), "
              f"{made / dt:.0f} frames/s")


if __name__ == "__main__":
    main()
