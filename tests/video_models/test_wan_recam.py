"""ReCamMaster (issue 112): the denoiser as diffusers' Wan 2.1 T2V blocks plus ReCamMaster's camera encoder and
projector in every block (families/wan_recam/), read from a file in the original layout (the release's and Kijai's
names), run by the ReCamMaster node. The release's facts (KwaiVGI/ReCamMaster 39c0dc2 camera_extrinsics.json,
inference_recammaster.py, wan_video_dit.py) are checked on hand-copied values; the camera and the source clip
change the output; the same inputs give the same; a file that is not ReCamMaster's is refused in words before the
model is built."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from nodes.video_models.base.errors import ModelError
from nodes.video_models.families.wan_recam import cameras as C
from nodes.video_models.families.wan_recam.model import WanReCamMasterTransformer3DModel
from nodes.video_models.families.wan_recam.node import ReCamMaster, ReCamMasterError
from nodes.video_models.loading.load import load_video_model
from studio.core.values import CameraPath
from tests.node_run import Recorder, run_node

from .graphs import noise_clip
from .tiny_wan_recam import RECAM, build_wan_recam, original_names, tiny_recam

CPU = torch.device("cpu")


def _load(files):
    return load_video_model(files["denoiser"], base=None, device=CPU, dtype_name="fp32",
                            parts={"text_encoder": files["text_encoder"], "vae": files["vae"]})


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return build_wan_recam(str(tmp_path_factory.mktemp("recam")))


@pytest.fixture(scope="module")
def model(files):
    return _load(files)


# the release's facts, by hand


def test_the_presets_are_the_releases_matrices():
    # camera_extrinsics.json, frame 80 (rotation rows; translation in the last row, from the start at 3390 1380 240)
    release = {"pan_right": ([0.940432, 0.339982, 0], [0, 0, 0]), "tilt_down": ([0.984995, 0, -0.17258], [0, 0, 0]),
               "zoom_out": ([1, 0, 0], [-198.76, 0, 0]), "translate_up": ([0.970496, 0, -0.241117], [0, 0, 99.379]),
               "arc_left": ([0.867575, 0.497306, 0], [53.26, -198.76, 0]),
               "arc_right": ([0.867575, -0.497306, 0], [53.26, 198.76, 0])}
    for preset, (row, move) in release.items():
        m = C.written(preset, 80)
        assert np.allclose(m[0, :3], row, atol=2e-6), preset
        assert np.allclose(m[3, :3], move, atol=0.01), preset
    assert np.allclose(C.written("arc_left", 40)[0, :3], [0.966355, 0.257211, 0], atol=2e-6)


def test_the_embedding_is_the_releases_relative_pose():
    e = C.preset_embedding("zoom_in", 81)
    assert e.shape == (21, 12) and e.dtype == np.float32
    assert np.allclose(e[0], [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0])  # the first pose relative to itself
    # forward is the camera's +z (Unreal's x), in metres: 198.76 cm at frame 80
    assert np.allclose(e[-1], [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1.9876], atol=1e-4)
    up = C.preset_embedding("translate_up", 81)[-1].reshape(3, 4)
    assert up[1, 3] == pytest.approx(-0.99379, abs=1e-4)  # up is the camera's -y
    assert C.preset_embedding("pan_left", 9).shape == (3, 12)
    with pytest.raises(ValueError, match="4k \\+ 1 frames, at most 81"):
        C.preset_embedding("pan_left", 85)


def test_with_no_camera_weights_it_is_wans_forward_over_both_clips():
    torch.manual_seed(0)
    m = WanReCamMasterTransformer3DModel(**{**RECAM, "attention_head_dim": 16}).eval()  # the release's start
    from diffusers import WanTransformer3DModel
    w = WanTransformer3DModel(**{**RECAM, "attention_head_dim": 16}).eval()
    w.load_state_dict({k: v for k, v in m.state_dict().items() if ".cam_encoder." not in k and ".projector." not in k})
    x, src, text = torch.randn(1, 16, 3, 8, 8), torch.randn(1, 16, 3, 8, 8), torch.randn(1, 5, 32)
    t = torch.tensor([500.0])
    got = m(x, t, text, source_latents=src, camera=torch.randn(1, 3, 12)).sample
    # the source's latents after the noisy ones, rotated as frames 3..5, the first 3 frames read
    assert torch.equal(got, w(torch.cat([x, src], 2), t, text).sample[:, :, :3])


def test_the_camera_reaches_every_frames_tokens_and_the_source_too():
    m = tiny_recam()
    x, src, text, t = torch.randn(1, 16, 2, 4, 4), torch.randn(1, 16, 2, 4, 4), torch.randn(1, 5, 32), torch.tensor([9.0])
    cam = torch.zeros(1, 2, 12)
    a = m(x, t, text, source_latents=src, camera=cam).sample
    moved = cam.clone()
    moved[0, 1, 11] = 1.0  # the second latent frame moves forward
    b = m(x, t, text, source_latents=src, camera=moved).sample
    assert (a - b).abs().amax(dim=(0, 1, 3, 4)).gt(1e-4).all()  # attention carries it to both frames
    assert (a - m(x, t, text, source_latents=src + 1, camera=cam).sample).abs().max() > 1e-3
    with pytest.raises(ValueError, match="'camera' is \\(1, 3, 12\\)"):
        m(x, t, text, source_latents=src, camera=torch.zeros(1, 3, 12))


# the file, the pipeline and the node


def test_the_tiny_file_is_read_as_recammaster_with_every_tensor(model):
    assert model.family == "wan_recam" and type(model.module).__name__ == "ReCamMasterPipeline"
    got, want = model.module.transformer.state_dict(), tiny_recam().state_dict()
    assert set(got) == set(want)
    assert all(torch.equal(got[k].float(), want[k]) for k in want)


def test_the_camera_and_the_source_change_the_output_and_the_same_inputs_give_the_same(model):
    src = torch.rand(1, 3, 5, 32, 32, generator=torch.Generator().manual_seed(2)) * 2 - 1
    other = torch.rand(1, 3, 5, 32, 32, generator=torch.Generator().manual_seed(3)) * 2 - 1

    def make(s, preset="pan_right"):
        return model.module(s, torch.from_numpy(C.preset_embedding(preset, 5)), prompt="a fox",
                            num_inference_steps=2, guidance_scale=2.0, generator=torch.Generator().manual_seed(7))
    a = make(src)
    assert a.shape == (1, 3, 5, 32, 32)
    assert torch.equal(a, make(src))
    assert (a - make(src, "zoom_in")).abs().max() > 1e-4
    assert (a - make(other)).abs().max() > 1e-3


def test_node_frames_equal_the_pipeline_fed_the_same(model):
    clip = noise_clip(n=6)
    params = {"prompt": "a red fox", "steps": 1, "guidance": 2.0, "width": 32, "height": 32, "seed": 3,
              "camera_path": "arc_left"}
    rec = Recorder()
    out = run_node(ReCamMaster, params, runtime=rec, model=model, source=clip)["video"]
    assert (out.n_frames, out.width, out.height, out.fps) == (6, 32, 32, 16.0)
    src = torch.from_numpy(np.array(clip.frames)).permute(3, 0, 1, 2)[None] * 2 - 1
    from studio.engine.context import Context
    gen = Context("n1", "t", {}, 1234, CPU, Recorder()).torch_generator(device="cpu")
    want = model.module(src, torch.from_numpy(C.preset_embedding("arc_left", 9)), prompt="a red fox",
                        num_inference_steps=1, guidance_scale=2.0, generator=gen)
    want = ((want[0].permute(1, 2, 3, 0).numpy() + 1) / 2).clip(0, 1)
    assert want.shape == (6, 32, 32, 3)  # 6 frames made as 9 (4k + 1, the last source frame repeated), cut back
    assert np.array_equal(np.asarray(out.frames), want.astype(np.float32))
    said = rec.messages()
    assert any("6 frames at 32x32" in t for t in said)
    assert any("the release's 'arc_left' (Arc Left (with rotation))" in t for t in said)


def test_a_wired_camera_path_takes_the_presets_place(model):
    from nodes.motion.camera import preset_path
    path = CameraPath(preset_path("Zoom In", 1.0, 9), label="Zoom In, speed 1")
    base = {"steps": 1, "guidance": 1.0, "width": 32, "height": 32, "seed": 3}
    rec = Recorder()
    a = run_node(ReCamMaster, base, runtime=rec, model=model, source=noise_clip(), camera=path)["video"]
    b = run_node(ReCamMaster, base, model=model, source=noise_clip())["video"]
    assert not np.array_equal(np.asarray(a.frames), np.asarray(b.frames))
    assert any("the wired path (Zoom In, speed 1), its units read as metres" in t for t in rec.messages())
    with pytest.raises(ReCamMasterError, match="ReCamMaster: the camera path has 4 poses, the take 5 frames"):
        run_node(ReCamMaster, base, model=model, source=noise_clip(), camera=CameraPath(preset_path("Zoom In", 1.0, 4)))


def test_bad_input_is_said_naming_the_node(model):
    base = {"steps": 1, "width": 32, "height": 32}
    for extra, words in (({"width": 40}, "the size 40x32 must be multiples of 16"),
                         ({"width": 0, "height": 0}, "the source clip's size 40x32 must be multiples of 16"),
                         ({"frames": 9}, "'frames' is 9, but the source clip has 5")):
        with pytest.raises(ReCamMasterError, match=f"ReCamMaster: .*{words}"):
            run_node(ReCamMaster, {**base, **extra}, model=model, source=noise_clip(w=40 if "height" in extra else 32))
    assert ReCamMaster.preflight({"width": 832, "height": 480}, ".") == []
    assert "multiples of 16" in ReCamMaster.preflight({"width": 830, "height": 480}, ".")[0]


def test_a_wan_model_is_refused_by_name(tiny):
    wan = load_video_model(tiny("wan-parts"), base=None, device=CPU, dtype_name="fp32")  # the session's tiny Wan
    with pytest.raises(ReCamMasterError, match="not ReCamMaster: load Wan2_1_kwai_recammaster"):
        run_node(ReCamMaster, {"width": 32, "height": 32}, model=wan, source=noise_clip())


def test_a_file_that_does_not_fill_the_model_is_refused_before_it_is_built(tmp_path, monkeypatch):
    state = original_names(tiny_recam().state_dict())
    state["blocks.1.cam_encoder.weight"] = torch.zeros(256, 8)  # another shape
    files = build_wan_recam(str(tmp_path), state)
    from nodes.video_models.files import single_file
    built = []
    monkeypatch.setattr(single_file, "lean_load", lambda *a, **k: built.append(a) or 1 / 0)
    with pytest.raises(ModelError, match="does not fill a ReCamMaster denoiser of its own shapes: "
                                         "'blocks.1.cam_encoder.weight' of another shape"):
        _load(files)
    assert built == []  # refused before the model was made and read


def test_a_clip_longer_than_the_paths_is_cut_to_81_frames_and_said(model):
    rec = Recorder()
    out = run_node(ReCamMaster, {"steps": 1, "guidance": 1.0, "width": 16, "height": 16}, runtime=rec, model=model,
                   source=noise_clip(n=85, h=16, w=16))["video"]
    assert out.n_frames == 81
    assert any("the source clip's first 81 of its 85 frames are re-shot" in t for t in rec.messages())
