"""Resume state proves itself before a take resumes from it (resume/kept_file.py): a kept step, window or
decode's latents copied from another take, with bytes changed, at a FIFO, of the wrong shape or with a
step past the take's is a miss: removed, said once, and the take is made again (issue 76 item 1)."""
from __future__ import annotations

import os
import threading

import numpy as np
import pytest

from nodes.video_models.resume import kept_file, kept_steps, kept_windows

pytest.importorskip("safetensors")


class _Ctx:
    params: dict = {}

    def __init__(self):
        self.said: list[str] = []

    def warn(self, text):
        self.said.append(text)

    info = warn


def _flip_last_byte(path):
    b = bytearray(open(path, "rb").read())
    b[-1] ^= 0xFF
    open(path, "wb").write(bytes(b))


def test_a_kept_file_proves_its_key_and_its_bytes(tmp_path):
    import torch
    p = str(tmp_path / "k.safetensors")
    kept_file.write(p, "this take", {"latents": torch.arange(6.0).reshape(2, 3)}, {"step": 1})
    tensors, meta = kept_file.read(p, "this take")
    assert meta == {"step": 1} and tensors["latents"].tolist() == [[0, 1, 2], [3, 4, 5]]
    with pytest.raises(kept_file.KeptFileError, match="not kept for this take"):
        kept_file.read(p, "another take")  # another take's file copied over this one's name
    _flip_last_byte(p)
    with pytest.raises(kept_file.KeptFileError, match="does not match its checksum"):
        kept_file.read(p, "this take")
    from safetensors.torch import save_file
    save_file({"latents": torch.zeros(2)}, p, metadata={"studio_steps": "{\"step\": 1000000000}"})
    with pytest.raises(kept_file.KeptFileError, match="carries no checksums"):
        kept_file.read(p, "this take")  # an older Studio's file, or one made by hand


def test_a_fifo_or_a_link_at_a_kept_path_is_refused_without_waiting(tmp_path):
    fifo = str(tmp_path / "fifo.safetensors")
    os.mkfifo(fifo)
    link = str(tmp_path / "link.safetensors")
    os.symlink("/dev/zero", link)
    for p in (fifo, link):
        done = []
        t = threading.Thread(target=lambda p=p: done.append(pytest.raises(kept_file.KeptFileError,
                                                                            kept_file.read, p, "k")), daemon=True)
        t.start()
        t.join(30)  # a blocking open would never return: the thread's result says whether it did
        assert done, f"reading {p} blocked"


def test_a_kept_window_that_does_not_prove_itself_is_removed_said_and_sampled_again(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    ctx = _Ctx()
    kw = kept_windows.KeptWindows(ctx, None, None, 3)
    monkeypatch.setattr(kw, "key", lambda k, kwargs: kw.keys.setdefault(k, f"{k:032x}"))
    frames = np.linspace(0, 1, 2 * 4 * 4 * 3, dtype=np.float32).reshape(2, 4, 4, 3)
    kw.key(0, {})
    kw.keep(0, frames)
    assert np.array_equal(kw.load(0, {}, 2), frames)  # proven: used
    path = kw._path(kw.keys[0])
    for spoil in (_flip_last_byte, lambda p: (os.remove(p), os.mkfifo(p))):
        ctx.said.clear()
        kw.keep(0, frames)
        spoil(path)
        assert kw.load(0, {}, 2) is None
        assert not os.path.lexists(path)
        assert len(ctx.said) == 1 and "removed, window 1 is sampled again" in ctx.said[0]
    ctx.said.clear()
    kw.key(1, {})
    kw.keep(1, frames)
    assert kw.load(1, {}, 2, like=(8, 8, 3)) is None  # a window of another size than the ones before it
    assert kw.load(1, {}, 2) is None and "not of this window's shape" in ctx.said[0]


def test_a_kept_step_past_the_take_or_of_another_shape_is_a_miss(tmp_path, monkeypatch):
    import torch
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(kept_steps, "run_key", lambda *a, **k: "0" * 32)
    ctx = _Ctx()

    def keeper(step, latents, steps=4):
        path = os.path.join(kept_steps.folder(), "0" * 32 + ".safetensors")
        info = {"step": step, "plain": {}, "tensors": [], "lists": {}, "list_plain": {}}
        kept_file.write(path, "0" * 32, {"latents": latents}, info)
        ctx.said.clear()
        return kept_steps.StepKeeper(ctx, None, None, {"num_inference_steps": steps}, 0, None), path

    k, path = keeper(10 ** 9, torch.zeros(1, 2))  # a step no take of 4 steps has: never skipped up to
    assert k.resume_at == -1 and not k.skipping() and not os.path.exists(path)
    assert len(ctx.said) == 1 and "its step is not one of this take's" in ctx.said[0]

    class Pipe:
        num_timesteps = 4
        scheduler = type("Scheduler", (), {})()
    k, path = keeper(2, torch.zeros(1, 2))
    assert k.skipping()
    with pytest.raises(kept_steps.KeptStepsMismatch):
        k.step(Pipe(), 0, {"latents": torch.zeros(1, 3)})  # the call's latent is of another shape
    assert not k.skipping() and not os.path.exists(path) and "not of this take's shape" in ctx.said[0]
    k, path = keeper(2, torch.zeros(1, 3))
    k.step(Pipe(), 0, {"latents": torch.zeros(1, 3)})  # fits: kept until the take is made
    assert k.skipping() and os.path.exists(path) and ctx.said == []


def test_kept_latents_copied_under_another_runs_name_are_not_decoded(tmp_path):
    import shutil

    import torch
    from nodes.video_models.resume import kept_latents as kl
    a, b = str(tmp_path / f"{1:032x}.safetensors"), str(tmp_path / f"{2:032x}.safetensors")
    kl.save_inputs(a, {"z": torch.ones(2)}, {"call": "decode", "drop_frames": 0})
    assert kl.load_inputs(a, "cpu")[0]["z"].tolist() == [1.0, 1.0]
    shutil.copy(a, b)
    with pytest.raises(kept_file.KeptFileError, match="not kept for this take"):
        kl.load_inputs(b, "cpu")


def test_kept_steps_of_another_shape_make_the_take_again_from_its_first_step(wan_dir, tmp_path, monkeypatch):
    """Found at the call's first step (its denoiser already skipped once): the sampler calls the pipeline
    again with nothing kept, and the frames are an uninterrupted run's."""
    import torch
    from studio.core.errors import Cancelled
    from studio.engine.context import CancelToken
    from studio.engine.executor import Executor

    from .graphs import model_graph, said
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    g = model_graph(wan_dir, "video_models.text_to_video", {"frames": 5, "width": 16, "height": 16, "steps": 2,
                                                            "guidance": 1.0, "previews": False, "preview_size": "off"})
    ex = Executor()
    whole = ex.run(g, targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    tr = ex.run(g, targets=["load"], device="cpu").value("load").pipeline("t2v").transformer
    tok, calls = CancelToken(), []

    def count(*_):
        calls.append(1)
        if len(calls) == 2:  # step 1 made, Stop pressed in step 2
            tok.cancel()
    h = tr.patch_embedding.register_forward_pre_hook(count)
    try:
        with pytest.raises(Cancelled):
            ex.run(g, targets=["gen"], device="cpu", use_cache=False, cancel=tok)
    finally:
        h.remove()
    (name,) = os.listdir(kept_steps.folder())
    path = os.path.join(kept_steps.folder(), name)
    key = name.rsplit(".", 1)[0]
    info = {"step": 0, "plain": {}, "tensors": [], "lists": {}, "list_plain": {}}
    kept_file.write(path, key, {"latents": torch.zeros(1, 16, 3, 2, 2)}, info)  # proven, but not this take's shape
    ev = []
    again = ex.run(g, targets=["gen"], device="cpu", use_cache=False, on_event=ev.append).value("gen").frames
    assert np.array_equal(again, whole)
    texts = said(ev, "gen")
    assert sum("kept steps of an earlier run were not used" in t for t in texts) == 1
    assert not any("resumed" in t for t in texts) and os.listdir(kept_steps.folder()) == []
