"""Wan VACE (Studio's node) against WanVACEPipeline called directly with the same arguments, at the
real Wan 2.1 VACE 1.3B configuration with random weights (nothing is downloaded), on a CUDA GPU.

The graph: a control video (a moving ring) and a moving mask held in memory -> Wan VACE (832x480,
33 frames, previews on, the model kept by the model cache). The warm-up run records the pipeline
arguments the node passes; each rep then times the node and the direct call (interleaved, warm):
time ratio (aim <= 1.02) and identical frames. JSON to benchmarks/results/control_models/real_gpu.json.
No PySide6.

    python benchmarks/bench_control_models.py --real [--steps 8] [--reps 3]
    python benchmarks/bench_control_models.py --real --small      # the same code on a narrow model (CPU): a check

--ltx2: LTX-2 Video + Sound against LTX2Pipeline called directly (benchmarks/real_ltx2.py: LTX-2's
configuration with random weights, 768x512, 121 frames; --layers cuts the 48 transformer layers to
fit the time at hand): time ratio, identical frames and identical sound samples. JSON to
benchmarks/results/control_models/ltx2_gpu.json.

    python benchmarks/bench_control_models.py --real --ltx2 [--layers 48] [--steps 8] [--reps 3]
    python benchmarks/bench_control_models.py --real --ltx2 --small  # the tiny LTX-2 on the CPU: a check"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
import benchmarks  # noqa: E402,F401  (allows the temporary folder it works in: benchmarks/__init__.py)
os.environ.setdefault("HF_HUB_OFFLINE", "1")
NAME = "Wan-AI/Wan2.1-VACE-1.3B-diffusers"


def build_vace(path: str, small: bool) -> int:
    """Wan2.1-VACE-1.3B's configuration (``small``: a narrow one), random weights."""
    from benchmarks.real_video_models import build_wan
    return build_wan(path, small, vace=True)


def _inputs_node(w: int, h: int, frames: int):
    """A source of a control video (a moving white ring on black) and a keyed mask, held in memory,
    so the timed run is the VACE node's own work (the control makers are timed in bench_motion)."""
    import cv2
    import numpy as np

    from studio.core.registry import default_registry
    from studio.core.spec import SOURCE, Node, Out
    from studio.engine.clip import ArrayClip
    ctrl = np.zeros((frames, h, w, 3), np.float32)
    mask = np.zeros((frames, h, w, 1), np.float32)
    for i in range(frames):
        cx = int(w * (0.2 + 0.6 * i / max(1, frames - 1)))
        cv2.circle(ctrl[i], (cx, h // 2), h // 4, (1.0, 1.0, 1.0), max(1, h // 60))
        mask[i, h // 4:3 * h // 4, max(0, cx - w // 5):cx + w // 5] = 1.0

    class Inputs(Node):
        id = "bench.vace_inputs"
        timing = SOURCE
        outputs = (Out("video", "Video"), Out("mask", "Mask"))

        def run(self, ctx):
            return {"video": ArrayClip(ctrl, 16.0), "mask": ArrayClip(mask, 16.0)}
    if Inputs.id not in default_registry():
        default_registry().register(Inputs)


def graph(model: str, steps: int, small: bool):
    from studio.core.graph import Graph
    w, h, frames = (64, 64, 9) if small else (832, 480, 33)
    _inputs_node(w, h, frames)
    g = Graph()
    src = g.add_node("bench.vace_inputs", {}, node_id="src")
    load = g.add_node("video_models.load", {"model": model}, node_id="load")
    gen = g.add_node("video_models.wan_vace", {"prompt": "a dancer on a stage", "negative_prompt": "blurry",
                                               "frames": frames, "width": w, "height": h, "steps": steps, "seed": 1,
                                               "previews": True, "preview_size": "off", "conditioning_scale": 1.0},
                     node_id="gen")
    g.connect(src.id, "video", gen.id, "video")
    g.connect(src.id, "mask", gen.id, "mask")
    g.connect(load.id, "model", gen.id, "model")
    return g, frames


def compare(model: str, steps: int, reps: int, small: bool, device: str, ltx2: bool = False) -> dict:
    import diffusers
    import numpy as np

    from benchmarks.bench_video_models import node_against_direct
    from benchmarks.real_ltx2 import ltx2_graph
    from studio.engine.executor import Executor
    ex = Executor(frame_caching=False)
    g, n = ltx2_graph(model, steps, small) if ltx2 else graph(model, steps, small)
    pipe_cls = diffusers.LTX2Pipeline if ltx2 else diffusers.WanVACEPipeline

    def same_sound(pipe, out, res) -> bool:  # LTX-2: the node's samples are the pipeline's
        from nodes.video_models.families.ltx2.node import sound_of
        snd, got = sound_of(pipe, out.audio).samples, res.value("gen", "audio").samples
        return snd.shape == got.shape and bool(np.array_equal(snd, got, equal_nan=True))
    m = node_against_direct(ex, g, pipe_cls, reps, device, n, check=same_sound if ltx2 else None)
    kwargs = m.pop("kwargs")
    m.pop("call")
    case = ("ltx2" if ltx2 else "wan_vace_1.3b") + ("_small" if small else "")
    return {"case": case, "frames": n, "identical_sound": m.pop("checked"),
            "size": [kwargs["width"], kwargs["height"]], "steps": steps, **m,
            "loads": ex.run_counts.get("video_models.load", 0)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--real", action="store_true", help="the real configuration on a CUDA GPU")
    ap.add_argument("--small", action="store_true", help="a narrow model (runs on the CPU): checks the benchmark")
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--ltx2", action="store_true", help="LTX-2 Video + Sound instead of Wan VACE")
    ap.add_argument("--layers", type=int, default=48, help="--ltx2: transformer layers (LTX-2 has 48)")
    a = ap.parse_args()
    import torch
    cuda = torch.cuda.is_available()
    if not a.real or (not cuda and not a.small):
        print("no CUDA GPU (or no --real): the real-configuration VACE benchmark needs one; nothing measured. "
              "--real --small runs the same code on a narrow model on the CPU.")
        return 0
    device = "cuda" if cuda else "cpu"
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "Lightricks/LTX-2" if a.ltx2 else NAME)
        os.makedirs(os.path.dirname(path))
        t0 = time.perf_counter()
        with torch.device(device):
            if a.ltx2:
                from benchmarks.real_ltx2 import build_ltx2_real
                params = build_ltx2_real(path, a.small, a.layers)
            else:
                params = build_vace(path, a.small)
        built = time.perf_counter() - t0
        r = compare(path, a.steps, a.reps, a.small, device, a.ltx2)
    r.update(parameters=params, build_s=built, layers=a.layers if a.ltx2 and not a.small else None, device=torch.cuda.get_device_name() if cuda else "cpu",
             torch=torch.__version__)
    out = os.path.join(ROOT, "benchmarks", "results", "control_models")
    os.makedirs(out, exist_ok=True)
    stem = ("ltx2_" if a.ltx2 else "real_") + ("gpu" if not a.small else "small_cpu")
    with open(os.path.join(out, stem.replace("real_small_cpu", "small_cpu") + ".json"), "w") as f:
        json.dump(r, f, indent=1)
    print(f"{'case':<16}{'size':>10}{'frames':>8}{'steps':>7}{'node s':>9}{'direct s':>10}{'ratio':>8}  identical")
    print(f"{r['case']:<16}{'x'.join(map(str, r['size'])):>10}{r['frames']:>8}{r['steps']:>7}{r['node_s']:>9.2f}"
          f"{r['direct_s']:>10.2f}{r['ratio']:>8.3f}  {r['identical_frames']} (max diff {r['max_difference']:.2g})"
          + (f"; sound identical: {r['identical_sound']}" if a.ltx2 else ""))
    print(f"aim ratio <= 1.02: {'met' if r['ratio'] <= 1.02 else 'NOT met'}; model loads: {r['loads']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
