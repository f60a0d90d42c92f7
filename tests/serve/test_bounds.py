"""A job's memory foreseen from its graph before it is queued (studio/serve/checks/bounds.py over
studio/engine/held.py), for any node that sets a clip's size: a hostile size on a video model's
generator, a resize or a learned upscale after it, or an EmptyImage is a 400 in ComfyUI's shape
naming the prompt's node that made the clip too large, while the same workflows at ordinary sizes are
taken. The machine's free memory is fixed by the test (16 GB). Plain functions: no server."""
from __future__ import annotations

import os
import shutil
import uuid

import pytest

from studio.serve.api.prompt import Refused, make_job
from studio.serve.files.names import OutputNames as Namer

from .conftest import core_workflow, wan_workflow

FREE = 16 * 2**30


@pytest.fixture
def admit(tmp_path, tiny, monkeypatch):
    """``admit(prompt)``: the prompt made a job as /prompt makes one (its answer's node_errors when refused,
    else None), on a models folder holding the tiny Wan and a tiny x2 upscaler, with FREE bytes free."""
    from studio.core.confine import allow_for_session, allow_reading_for_session
    from studio.serve.checks.folders import Folders
    from studio.serve.api.object_info import read_types
    models = tmp_path / "models"
    models.mkdir()
    wan = tiny("wan-t2v")
    os.symlink(wan, models / os.path.basename(wan))
    shutil.copy(tiny("esrgan-x2plus"), models / "RealESRGAN_x2plus.pth")
    monkeypatch.setenv("STUDIO_MODELS", str(models))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr("studio.engine.model_cache.host_available", lambda: FREE)
    folders = Folders(str(tmp_path / "serve"))
    allow_for_session(folders.output)
    allow_reading_for_session(folders.input)
    known = read_types()

    def run(prompt: dict):
        from studio.core.registry import default_registry
        from studio.serve.api.studio_prompt import make_studio_job, studio_types
        reg = default_registry()
        try:
            if studio_types(prompt, reg):  # Studio's own nodes, as the server takes them (app.py _admit)
                make_studio_job(prompt, str(uuid.uuid4()), "", folders, Namer(folders), reg)
            else:
                make_job(prompt, str(uuid.uuid4()), "", folders, Namer(folders), known)
        except Refused as e:
            assert e.body()["error"]["type"] == "prompt_outputs_failed_validation", e.body()
            return e.node_errors
        return None
    run.wan = os.path.basename(wan)
    return run


def too_large(errors: dict, node: str, cls: str, size: str, named: str | None = None) -> str:
    assert list(errors) == [node], errors  # the node that made it, not every one downstream carrying it
    (e,) = errors[node]["errors"]
    assert errors[node]["class_type"] == cls and e["type"] == "job_too_large" and size in e["details"]
    assert e["extra_info"].get("input_name") == named, e  # the input to lower, where the node has one
    return e["details"]


def test_an_emptyimage_too_large_for_memory_is_refused_and_an_ordinary_one_taken(admit):
    details = too_large(admit(core_workflow(size=4096, frames=2000)), "1", "EmptyImage", "4096x4096 x 2000 frame(s)",
                        "batch_size")  # one frame fits: the frames are what to lower
    assert "375.0 GB" in details and "free: 16.0 GB" in details  # inside EmptyImage's declared limits
    assert admit(core_workflow(size=1024, frames=100)) is None  # 1.2 GB


def test_a_video_models_generator_at_a_hostile_size_is_refused_naming_its_empty_latent(admit, monkeypatch):
    assert admit(wan_workflow(admit.wan)) is None  # the ordinary job is taken
    wf = wan_workflow(admit.wan)
    wf["6"]["inputs"].update(width=4096, height=4096, length=10000)  # 1,875 GB of frames
    # the empty latent that set the size, not the KSampler that makes it; its latent holds (10000 - 1) // 4 + 1
    # latent frames, 9997 frames, as ComfyUI makes them (mapping/latent_frames.py)
    too_large(admit(wf), "6", "EmptyHunyuanLatentVideo", "4096x4096 x 9997 frame(s)", "length")
    monkeypatch.setattr("studio.engine.model_cache.host_available", lambda: 100 * 2**20)
    wf["6"]["inputs"].update(length=1)  # one frame of 4096x4096 is 192 MB, over the 100 MB free: the width to lower
    too_large(admit(wf), "6", "EmptyHunyuanLatentVideo", "4096x4096 x 1 frame(s)", "width")


def _after_decode(wf: dict, *nodes: tuple[str, dict]) -> dict:
    for nid, node in nodes:
        wf[nid] = node
    wf["9"]["inputs"]["images"] = [nodes[-1][0], 0]
    return wf


def test_a_resize_after_the_generator_past_memory_is_refused_naming_the_resize(admit):
    scale = {"class_type": "ImageScaleBy", "inputs": {"image": ["8", 0], "upscale_method": "bilinear", "scale_by": 8.0}}
    wf = _after_decode(wan_workflow(admit.wan), ("11", scale))
    assert admit(wf) is None  # 256x256 x 5 frames
    wf["6"]["inputs"].update(width=1024, height=1024, length=400)  # 4.7 GB made, 300 GB once resized
    too_large(admit(wf), "11", "ImageScaleBy", "8192x8192 x 397 frame(s)")  # 400 asked: ComfyUI's latent makes 397


def test_a_learned_upscale_past_memory_is_refused_at_its_models_own_scale(admit):
    loader = {"class_type": "UpscaleModelLoader", "inputs": {"model_name": "RealESRGAN_x2plus.pth"}}
    up = {"class_type": "ImageUpscaleWithModel", "inputs": {"upscale_model": ["11", 0], "image": ["8", 0]}}
    wf = _after_decode(wan_workflow(admit.wan), ("11", loader), ("12", up))
    assert admit(wf) is None
    wf["6"]["inputs"].update(width=1024, height=1024, length=500)  # 5.9 GB made; x2 (read from the file): 23 GB
    # 500 asked: 497 made, as ComfyUI's latent makes them (mapping/latent_frames.py)
    details = too_large(admit(wf), "12", "ImageUpscaleWithModel", "2048x2048 x 497 frame(s)")
    assert "of its own work" in details  # the upscale's tiles (tiles.estimate) counted besides its clip


def studio_t2v(model: str, size: int) -> dict:
    """A text-to-video prompt of Studio's own nodes, 'frames' left at 0: the model's own length."""
    return {"1": {"class_type": "video_models.load", "inputs": {"model": model}},
            "2": {"class_type": "video_models.text_to_video",
                  "inputs": {"model": ["1", 0], "width": size, "height": size, "frames": 0, "prompt": "a red ball"}},
            "3": {"class_type": "io.save_video", "inputs": {"video": ["2", 0], "path": "out.mp4"}}}


def test_a_studio_generator_at_the_models_own_length_is_counted_at_that_length(admit, monkeypatch):
    from nodes.video_models.base.registry import FAMILIES
    monkeypatch.setattr("studio.engine.model_cache.host_available", lambda: 4 * 2**30)
    n = FAMILIES["wan"].frames  # 'frames' 0 makes the family's own length (33), not one frame
    assert n > 21 and admit(studio_t2v(admit.wan, 512)) is None  # 512x512 x 33 frames: 99 MB
    details = too_large(admit(studio_t2v(admit.wan, 4096)), "2", "video_models.text_to_video",
                        f"4096x4096 x {n} frame(s)", "frames")  # 6.2 GB; counted as one frame it was 192 MB, and taken
    assert "free: 4.0 GB" in details
