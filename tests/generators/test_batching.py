"""Batch 'auto' (Train's batch 0): the rule and what the trainer does with it."""
from __future__ import annotations

import math

import torch

from nodes.generators.batching import AUTO_CAP, auto_lr, choose_batch, largest_fitting
from nodes.generators.train import TrainSettings, train

from . import train_reference as ref


def test_the_largest_power_of_two_that_fits_up_to_the_cap():
    tried = []

    def fits(b):
        tried.append(b)
        return b * 3_000_000 <= 1_000_000_000  # a card that holds 333 clips' activations
    assert largest_fitting(1024, fits) == 256 and tried == [16, 32, 64, 128, 256, 512]
    assert largest_fitting(1024, lambda b: True) == 1024
    assert largest_fitting(500, lambda b: True) == 500  # all the training clips
    assert largest_fitting(8, lambda b: True) == 8
    assert largest_fitting(1024, lambda b: b <= 4) == 4  # a small card: below 16
    assert largest_fitting(1024, lambda b: False) == 1


def test_auto_is_16_on_the_cpu_and_probed_on_a_gpu_with_the_learning_rate_rule():
    never = lambda: (_ for _ in ()).throw(AssertionError("the CPU never probes"))  # noqa: E731
    assert choose_batch(0, torch.device("cpu"), 2048, never)[:2] == (16, 1.0)
    assert choose_batch(64, torch.device("cuda"), 2048, never)[:2] == (64, 1.0)  # asked for: kept
    b, f, why = choose_batch(0, torch.device("cuda"), 2048, lambda: (lambda b: b <= 128))
    assert (b, f) == (128, math.sqrt(128 / 16)) and "fits in GPU memory" in why and "sqrt(128/16)" in why
    assert AUTO_CAP == 256  # x4 at most (x8 at 1024 made the text_to_video_gpu loss rise on an H100)
    b, f, why = choose_batch(0, torch.device("cuda"), 200, lambda: (lambda b: True))
    assert b == 200 and "all the training clips" in why
    assert choose_batch(0, torch.device("cuda"), 5000, lambda: (lambda b: True))[0] == AUTO_CAP
    assert auto_lr(1e-3, 256) == 1e-3 * 4


def test_auto_on_the_cpu_trains_as_batch_16():
    ds = ref.datasets()["audio_image_to_video"]
    runs = {}
    for batch in (16, 0):
        losses, said = [], []
        res = train(ref.config("audio_image_to_video", ds), ds,
                    TrainSettings(steps=3, batch=batch, preview_every=0, seed=0),
                    progress=lambda s, n, preview=None, **v: losses.append(v["loss"]), info=said.append)
        runs[batch] = (losses, said, res.batch, res.lr)
    assert runs[0][0] == runs[16][0]
    assert runs[0][2] == 16 and runs[0][3] == runs[16][3]
    assert any(s.startswith("batch 16 (auto") for s in runs[0][1])
    assert runs[16][1] == ["batch 16; learning rate 0.001"]


def test_the_gpu_preset_of_text_to_video_is_the_same_scenes_bigger_with_batch_auto(tmp_path):
    import os

    from studio.core.fileformat import load_graph
    from studio.engine.events import NodeMessage
    from studio.engine.executor import Executor
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    cpu = load_graph(os.path.join(root, "assets", "graphs", "text_to_video.json"))
    g = load_graph(os.path.join(root, "assets", "graphs", "text_to_video_gpu.json"))
    d, dc = g.node("dataset").params, cpu.node("dataset").params
    assert (d["width"], d["height"], d["frames"]) == (64, 64, 16)
    assert {k: v for k, v in d.items() if k not in ("width", "height", "frames")} == \
        {k: v for k, v in dc.items() if k not in ("width", "height", "frames")}  # the same scene data
    assert g.node("train").params["batch"] == 0 and g.node("train").params["max_minutes"] == 10.0
    # reduced, on the CPU: batch auto is 16 there, and the run says so
    for k, v in (("count", 8), ("width", 16), ("height", 16), ("frames", 4)):
        g.set_param("dataset", k, v)
    for k, v in (("steps", 2), ("preview_every", 0), ("width", 8), ("checkpoint", str(tmp_path / "g.safetensors"))):
        g.set_param("train", k, v)
    g.set_param("sample", "steps", 2)
    g.set_param("save", "path", str(tmp_path / "g.mp4"))
    said = []
    Executor().run(g, device="cpu", on_event=lambda e: said.append(e.text) if isinstance(e, NodeMessage) else None)
    assert any(s.startswith("batch 8 (auto") or s.startswith("batch 16 (auto") for s in said), said

