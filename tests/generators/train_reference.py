"""The loss trace of 200 CPU training steps of the two template models (small sizes, seed 0), as
the training step computed it before issue 28 changed the step (device-side losses, foreach EMA,
batches drawn on the device). ``python -m tests.generators.train_reference`` rewrote
``train_reference.json`` at commit 0a6db58 (the step before the change); the test compares today's
step against it (test_train_step.py).

One torch thread: the sums inside a convolution are then done in one order, so the losses are a
property of the code, not of the thread count."""
from __future__ import annotations

import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
PATH = os.path.join(HERE, "train_reference.json")
STEPS = 200


def datasets():
    from nodes.generators.dataset import synthetic_dataset
    from nodes.generators.scenes import scenes_dataset
    return {"text_to_video": scenes_dataset(count=24, n_frames=4, width=16, height=16, fps=8.0, seed=0,
                                            test_scenes=4),
            "audio_image_to_video": synthetic_dataset(count=16, n_frames=4, width=16, height=16, fps=8.0, seed=0,
                                                      holdout=[])}


def config(name: str, ds) -> dict:
    """The template's model (text_to_video: dense flow, slot key frames, object motion;
    audio_image_to_video: key-frame flow conditioned on a still and a sound) at width 8."""
    from nodes.generators.train import model_config
    if name == "text_to_video":
        return model_config("diffusion", ds, "caption-parser", base=8, motion="dense-flow", keyframe="slots",
                            slot_motion=True, motion_weight=0.0, content_weight=0.0, adversarial_weight=0.0)
    from nodes.generators.av_conditioning import av_model_config
    return av_model_config(ds, None, "gated", base=8)


def settings(steps: int = STEPS):
    from nodes.generators.train import TrainSettings
    return TrainSettings(steps=steps, batch=4, lr=1e-3, preview_every=0, checkpoint_every=0, seed=0)


def trace(name: str, ds, steps: int = STEPS) -> list[float]:
    """The loss of every step, as the trainer reported it."""
    from nodes.generators.train import train
    losses: list[float] = []
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        train(config(name, ds), ds, settings(steps),
              progress=lambda s, n, preview=None, **v: losses.append(float(v["loss"])))
    finally:
        torch.set_num_threads(before)
    return losses


def cpu_flags() -> str:
    """The CPU's model name and feature flags (Linux), as a short fingerprint: '' where unknown."""
    import hashlib
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            lines = [ln for ln in f.read().splitlines() if ln.startswith(("model name", "flags"))][:2]
    except OSError:
        return ""
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16] if lines else ""


def main() -> int:
    ds = datasets()
    out = {"steps": STEPS, "torch": torch.__version__, "cpu": torch.backends.cpu.get_cpu_capability(),
           "cpu_flags": cpu_flags(),
           "losses": {name: trace(name, d) for name, d in ds.items()}}
    with open(PATH, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=0)
    print({k: (v[0], v[-1]) for k, v in out["losses"].items()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
