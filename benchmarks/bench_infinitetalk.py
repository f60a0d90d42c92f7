"""InfiniteTalk on tiny random models (issue 58's aims): the node's time against diffusers'
WanImageToVideoPipeline called directly with the same audio conditioning (same run, same arguments),
and a long take in windows: host memory growth over the whole take and its length against the voice's.

    .venv/bin/python benchmarks/bench_infinitetalk.py [--reps 5] [--frames 81] [--long-seconds 60]

Prints one JSON object: node_s / plain_s medians and their ratio (aim <= 1.02), whether the frames
are identical; for the long take: frames made, the voice's frames, the peak host RSS growth in MB
(aim <= 500) and the seconds it took. Tiny models are built in a temporary folder (nothing downloaded).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import benchmarks  # noqa: E402,F401  (allows the temporary folder it works in: benchmarks/__init__.py)

from studio.core.graph import Graph  # noqa: E402
from studio.core.registry import default_registry  # noqa: E402
from studio.core.spec import SOURCE, Node, Out  # noqa: E402
from studio.core.values import Features  # noqa: E402
from studio.engine.executor import Executor  # noqa: E402

VOICE: dict = {}


def _register():
    if "bench.talk_voice" in default_registry():
        return

    class Voice(Node):
        id = "bench.talk_voice"
        timing = SOURCE
        outputs = (Out("features", "Features"),)

        def run(self, ctx):
            data = VOICE["data"]
            return Features(data, per_frame=True, fps=25.0, extras={"width": 8, "layers": 3, "silent": False,
                                                                    "voice_frames": len(data),
                                                                    "align": "encoder input"})

    class Still(Node):
        id = "bench.talk_still"
        timing = SOURCE
        outputs = (Out("image", "Image"),)

        def run(self, ctx):
            y, x = np.mgrid[0:32, 0:32].astype(np.float32)
            return np.stack([x / 32, y / 32, 0 * x + 0.3], -1)
    default_registry().register(Voice)
    default_registry().register(Still)


SIZE = {"side": 32, "steps": 2}  # --size / --steps


def _graph(model_dir: str, patch: str, frames: int) -> Graph:
    _register()
    g = Graph()
    g.add_node("video_models.load", {"model": model_dir}, node_id="load")
    g.add_node("bench.talk_still", {}, node_id="img")
    g.add_node("bench.talk_voice", {}, node_id="voice")
    g.add_node("video_models.infinitetalk", {"patch": patch, "width": SIZE["side"], "height": SIZE["side"],
                                             "steps": SIZE["steps"], "frames": frames,
                                             "prompt": "a face", "previews": False, "preview_size": "off",
                                             "guidance": 3.0}, node_id="gen")
    g.connect("load", "model", "gen", "model")
    g.connect("img", "image", "gen", "image")
    g.connect("voice", "features", "gen", "speech")
    return g


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20


def ratio(model_dir: str, patch: str, frames: int, reps: int) -> dict:
    from nodes.video_models.base.calls import to_pil
    from nodes.video_models.families.wan.talk.infinitetalk import audio_tokens, build_patch, read_patch, talk_applied
    from nodes.video_models.families.wan.talk.talk import fitted
    VOICE["data"] = torch.randn(frames + 4, 24, generator=torch.Generator().manual_seed(0))
    ex = Executor()
    g = _graph(model_dir, patch, frames)
    pipe = ex.run(g, targets=["load"], device="cpu").value("load").pipeline("i2v")
    patch_mod = build_patch(read_patch(patch), 24, 2, 2)
    feats = VOICE["data"][:, 8:]
    still = ex.run(g, targets=["img"], device="cpu").value("img")
    node_s, plain_s, same = [], [], True
    for _ in range(reps):
        t0 = time.perf_counter()
        made = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen").frames
        node_s.append(time.perf_counter() - t0)
        t0 = time.perf_counter()  # the plain call makes its conditioning too: the voice's tokens, the fitted still
        with torch.inference_mode():
            cond = audio_tokens(patch_mod, feats, 0, frames)
            uncond = audio_tokens(patch_mod, torch.zeros_like(feats), 0, frames)
        img = to_pil(fitted(still, SIZE["side"], SIZE["side"]))
        with torch.inference_mode(), talk_applied(pipe, patch_mod, cond, uncond):
            direct = pipe(image=img, prompt="a face", height=SIZE["side"], width=SIZE["side"], num_frames=frames,
                          num_inference_steps=SIZE["steps"],
                          guidance_scale=3.0, output_type="np", generator=torch.Generator().manual_seed(0)).frames[0]
        plain_s.append(time.perf_counter() - t0)
        same = same and made.shape == direct.shape
    n, p = statistics.median(node_s), statistics.median(plain_s)
    # each rep's node / plain, run back to back: the machine's drift between reps cancels in a pair
    pair = statistics.median(a / b for a, b in zip(node_s, plain_s))
    return {"frames": frames, "node_s": round(n, 3), "plain_s": round(p, 3), "ratio": round(n / p, 3),
            "pair_ratio": round(pair, 3),
            "shapes_equal": same}


def long_take(model_dir: str, patch: str, seconds: float) -> dict:
    frames = int(seconds * 25)
    VOICE["data"] = torch.randn(frames, 24, generator=torch.Generator().manual_seed(1))
    ex = Executor()
    g = _graph(model_dir, patch, 0)
    ex.run(g, targets=["load"], device="cpu")
    base, peak, done = _rss_mb(), [0.0], threading.Event()

    def watch():
        while not done.wait(0.05):
            peak[0] = max(peak[0], _rss_mb())
    w = threading.Thread(target=watch, daemon=True)
    w.start()
    t0 = time.perf_counter()
    made = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen")
    took = time.perf_counter() - t0
    done.set()
    w.join()
    return {"voice_frames": frames, "made_frames": int(made.n_frames), "fps": float(made.fps),
            "duration_equal_within_a_frame": abs(made.n_frames / made.fps - seconds) <= 1 / 25,
            "host_growth_mb": round(max(peak[0], _rss_mb()) - base, 1), "seconds": round(took, 1)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--frames", type=int, default=81)
    ap.add_argument("--long-seconds", type=float, default=60.0, help="0: skip the long take")
    ap.add_argument("--size", type=int, default=32, help="the take's width and height")
    ap.add_argument("--steps", type=int, default=2)
    a = ap.parse_args()
    SIZE.update(side=a.size, steps=a.steps)
    from safetensors.torch import save_file
    from tests.video_models.tiny_i2v import build_wan_i2v
    from tests.video_models.tiny_talk import talk_patch_state
    with tempfile.TemporaryDirectory() as d:
        model_dir = build_wan_i2v(os.path.join(d, "tiny-wan-i2v"))
        patch = os.path.join(d, "infinitetalk.safetensors")
        save_file(talk_patch_state(2), patch)
        out = {"ratio": ratio(model_dir, patch, a.frames, a.reps)}
        if a.long_seconds:
            out["long_take"] = long_take(model_dir, patch, a.long_seconds)
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
