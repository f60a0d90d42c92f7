"""A long Speech to Video (S2V) take on the tiny S2V (tests/video_models/tiny_wan_s2v.py, the release's
73 motion frames and 80-frame windows): its host memory growth over the whole take (issue 58's aim:
<= 500 MB for a 60-second take on tiny models) and whether the picture lasts as long as its sound.
Peak resident memory is sampled every 50 ms on a thread, from after the model is loaded.

    .venv/bin/python benchmarks/bench_wan_s2v_long.py [--seconds 60] [--size 64]
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.cli import settings  # noqa: E402


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def main() -> int:
    args = settings(seconds=60.0, size=64)
    import numpy as np
    import torch

    from nodes.video_models.families.wan_s2v.node import SpeechToVideo
    from nodes.video_models.loading.load import load_video_model
    from studio.core.values import Audio, Features
    from tests.node_run import Recorder, run_node
    from tests.video_models.tiny_wan_s2v import build_wan_s2v
    files = build_wan_s2v(tempfile.mkdtemp())
    ref = load_video_model(files["denoiser"], base=None, device=torch.device("cpu"), dtype_name="fp32",
                           parts={"text_encoder": files["text_encoder"], "vae": files["vae"]})
    n30 = int(args.seconds * 30)  # Speech Features at the release's 30 fps
    speech = Features(torch.randn(n30, 96, generator=torch.Generator().manual_seed(0)), per_frame=True, fps=30.0,
                      extras={"layers": 3, "width": 32, "silent": False})
    rate = 16000
    voice = Audio((0.3 * np.sin(np.arange(int(args.seconds * rate)) / rate * 2 * np.pi * 220)).astype(np.float32), rate)
    image = np.random.default_rng(0).random((args.size, args.size, 3), dtype=np.float32)
    base, peak, done = _rss(), [0], threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], _rss())
            time.sleep(0.05)
    threading.Thread(target=sample, daemon=True).start()
    rec = Recorder()
    t0 = time.perf_counter()
    clip = run_node(SpeechToVideo, {"steps": 1, "guidance": 1.0, "width": args.size, "height": args.size},
                    runtime=rec, model=ref, image=image, speech=speech, audio=voice)["video"]
    took = time.perf_counter() - t0
    done.set()
    picture, sound = clip.n_frames / clip.fps, clip.audio.n_samples / clip.audio.rate
    print(json.dumps({"seconds": args.seconds, "frames": clip.n_frames, "picture_s": round(picture, 4),
                      "sound_s": round(sound, 4), "same_within_a_frame": abs(picture - sound) <= 1 / clip.fps,
                      "frames_mb": round(clip.frames.nbytes / 2 ** 20, 1),
                      "host_growth_mb": round((peak[0] - base) / 2 ** 20, 1), "wall_s": round(took, 1),
                      "said": [m for m in rec.messages() if "window" in m][:1]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
