"""EasyAnimate Control in the EasyAnimate family (issue 72): a diffusers EasyAnimateControlPipeline folder is
recognised as EasyAnimate Control; the EasyAnimate Control node makes, frame for frame, what the pipeline called
directly makes with the same arguments once mended as the node mends it (diffusers 0.42.1's call fails without:
control.py), a reference image included (tiny random model, CPU, 16 x 16, 5 frames, 2 steps); the generic
generators and a wrong frame count are refused in words before any call."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import StudioError
from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, render, spy_call

pytest.importorskip("diffusers")


def _control() -> np.ndarray:
    """A 5-frame 16 x 16 control clip: a white edge moving right on black."""
    f = np.zeros((5, 16, 16, 3), np.float32)
    for i in range(5):
        f[i, 4:12, 2 + 3 * i] = 1.0
    return f


def _still() -> np.ndarray:
    return (np.random.RandomState(7).randint(0, 256, (16, 16, 3)) / 255.0).astype(np.float32)


CONTROL = source("test.easyanimate_control", "video", "Video",
                 lambda p: __import__("studio.engine.clip", fromlist=["x"]).ArrayClip(_control(), 8.0))
STILL = source("test.easyanimate_ref", "image", "Image", lambda p: _still())
PARAMS = {"prompt": "a red fox running", "negative_prompt": "", "steps": 2, "guidance": 5.0, "seed": 5}


@pytest.fixture(scope="session")
def control_dir(tiny):
    return tiny("easyanimate", kind="control")


def test_the_control_node_is_the_mended_pipeline_called_directly(control_dir, monkeypatch):
    import torch
    from diffusers import EasyAnimateControlPipeline as Control

    from nodes.video_models.catalog.listing import describe_folder
    from nodes.video_models.families.easyanimate.control import mend
    e = describe_folder(control_dir)
    assert (e.family, e.variant.split(" T2V")[0]) == ("easyanimate", "EasyAnimate Control")
    calls, orig = spy_call(monkeypatch, Control, dict)
    clip, _ = render(Executor(), model_graph(control_dir, "video_models.easyanimate_control", PARAMS,
                                             control=(CONTROL, "video"), image=(STILL, "image")))
    assert (clip.n_frames, clip.width, clip.height) == (5, 16, 16) and len(calls) == 1
    kw = {k: v for k, v in calls[0].items() if not k.startswith("callback_on_step_end")}
    kw["output_type"] = "np"
    seed = kw.pop("generator").initial_seed()
    assert np.array_equal(kw["control_video"][0].permute(1, 2, 3, 0).numpy(), _control())
    assert np.allclose(kw["ref_image"][0, :, 0].permute(1, 2, 0).numpy(), _still(), atol=1 / 255)
    monkeypatch.undo()
    pipe = Control.from_pretrained(control_dir)
    with pytest.raises(TypeError, match="text_encoder_index"):  # diffusers 0.42.1's own call, unmended
        pipe(**dict(kw, num_inference_steps=1), generator=torch.Generator().manual_seed(seed))
    mend(pipe)
    want = pipe(**kw, generator=torch.Generator().manual_seed(seed)).frames[0]
    assert np.isfinite(want).all() and np.array_equal(clip.frames, np.clip(np.asarray(want, np.float32), 0, 1))


def test_other_tasks_and_a_wrong_frame_count_are_refused_in_words(control_dir, monkeypatch):
    from diffusers import EasyAnimateControlPipeline as Control
    calls, _ = spy_call(monkeypatch, Control, dict)
    g = model_graph(control_dir, "video_models.text_to_video", {"prompt": "a fox", "frames": 5, "steps": 1,
                                                                "width": 16, "height": 16})
    with pytest.raises(StudioError, match="EasyAnimate Control model: it makes video from a control clip"):
        Executor().run(g, targets=["gen"], device="cpu", use_cache=False)
    g = model_graph(control_dir, "video_models.easyanimate_control", dict(PARAMS, frames=4),
                    control=(CONTROL, "video"))
    with pytest.raises(StudioError, match="4 frames: EasyAnimate makes 4k \\+ 1 frames; set frames to 1 or 5"):
        Executor().run(g, targets=["gen"], device="cpu", use_cache=False)
    assert not calls


def test_a_camera_model_follows_a_camera_path_as_the_pipeline_called_directly(tiny, monkeypatch):
    """A Control-Camera model (2 x latents + 6 channels in) reads the Camera Path's Plücker embedding as
    control_camera_video ([1, 6, T, H, W] at the take's size, one pose a frame, as the release's ComfyUI node
    gives it), the size from the reference image; a control clip on it, or a camera path on a clip model, is
    refused in words before any call."""
    import torch
    from diffusers import EasyAnimateControlPipeline as Control

    from nodes.motion.camera import plucker, preset_path
    from nodes.video_models.families.easyanimate.control import mend
    from studio.core.values import CameraPath
    from nodes.video_models.catalog.listing import describe_folder
    cam_dir = tiny("easyanimate", kind="camera")
    assert describe_folder(cam_dir).variant.split(" T2V")[0] == "EasyAnimate Control-Camera"
    camera = ("motion.camera_path", "camera", {"preset": "Zoom In", "frames": 5})
    calls, _ = spy_call(monkeypatch, Control, dict)
    clip, said = render(Executor(), model_graph(cam_dir, "video_models.easyanimate_control", PARAMS, camera=camera,
                                                image=(STILL, "image")))
    assert (clip.n_frames, clip.width, clip.height) == (5, 16, 16)
    assert any("along the camera path (Zoom In" in s for s in said) and len(calls) == 1
    seed = calls[0]["generator"].initial_seed()
    monkeypatch.undo()
    pipe = Control.from_pretrained(cam_dir)
    mend(pipe)
    emb = plucker(CameraPath(preset_path("Zoom In", 1.0, 5)), 16, 16).permute(3, 0, 1, 2)[None]
    kw = dict(prompt=PARAMS["prompt"], negative_prompt="", num_frames=5, height=16, width=16, num_inference_steps=2,
              guidance_scale=5.0, output_type="np",
              ref_image=torch.from_numpy(_still()).permute(2, 0, 1)[None, :, None])
    want = pipe(**kw, control_camera_video=emb, generator=torch.Generator().manual_seed(seed)).frames[0]
    assert np.array_equal(clip.frames, np.clip(np.asarray(want, np.float32), 0, 1))
    still = pipe(**kw, control_camera_video=torch.zeros_like(emb),  # no camera move read: another take
                 generator=torch.Generator().manual_seed(seed)).frames[0]
    assert not np.allclose(want, still)
    with pytest.raises(StudioError, match="Control-Camera model: it reads a camera path .*not a control clip"):
        Executor().run(model_graph(cam_dir, "video_models.easyanimate_control", PARAMS, camera=camera,
                                   control=(CONTROL, "video")), targets=["gen"], device="cpu", use_cache=False)
    with pytest.raises(StudioError, match="this model reads a control clip, not a camera path"):
        Executor().run(model_graph(tiny("easyanimate", kind="control"), "video_models.easyanimate_control", PARAMS,
                                   camera=camera, control=(CONTROL, "video")), targets=["gen"], device="cpu",
                       use_cache=False)
