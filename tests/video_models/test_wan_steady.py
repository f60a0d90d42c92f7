"""SteadyDancer (issue 112): the denoiser as diffusers' Wan 2.1 I2V blocks plus SteadyDancer's pose modules and
embeddings (families/wan_steady/), read from a file in the original layout (the release's and Kijai's names), run
by the SteadyDancer node. The release's formulas (MCG-NJU/SteadyDancer 866a721 model_dancer.py, small_archs.py,
mobilenetv2_dcd.py, image2video_dancer.py) are checked on hand-made cases; the node's frames equal the pipeline's
fed the same conditioning; the pose changes the output; a file that is not SteadyDancer's is refused in words
before the model is built."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from nodes.video_models.base.errors import ModelError
from nodes.video_models.families.wan_steady import model as M
from nodes.video_models.families.wan_steady.node import SteadyDancer, SteadyDancerError, cover
from nodes.video_models.families.wan_steady.pipeline import condition_steps, first_frame_mask, padded_length
from nodes.video_models.loading.load import load_video_model
from tests.node_run import Recorder, run_node

from .graphs import noise_clip
from .tiny_wan_steady import STEADY, build_wan_steady, original_names, tiny_steady

CPU = torch.device("cpu")


def _load(files):
    return load_video_model(files["denoiser"], base=None, device=CPU, dtype_name="fp32",
                            parts={"text_encoder": files["text_encoder"], "vae": files["vae"],
                                   "image_encoder": files["clip_vision"]})


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return build_wan_steady(str(tmp_path_factory.mktemp("steady")))


@pytest.fixture(scope="module")
def model(files):
    return _load(files)


# the release's formulas, by hand


def test_the_pose_modules_have_the_released_names_and_shapes():
    m = M.DynamicPointwise(16)  # DYModule(16, 16): dim 4, squeeze 4
    shapes = {k: tuple(v.shape) for k, v in m.state_dict().items()}
    assert shapes["fc.0.weight"] == (4, 16) and shapes["fc.1.fc.0.weight"] == (4, 4)
    assert shapes["fc_phi.weight"] == (16, 4) and shapes["conv_q.weight"] == (4, 16, 1, 1)
    a = {k: tuple(v.shape) for k, v in M.PoseAlignment().state_dict().items()}
    assert a["cross_attn.in_proj_weight"] == (384, 128) and a["norm2.weight"] == (1, 128, 1, 1)
    t = tiny_steady().state_dict()
    assert t["patch_embedding_fuse.weight"].shape[1] == 36 + 16 + 16  # x and y, the fused pose, the aligned pose
    assert len([k for k in t if k.startswith(M.EXTRA)]) == 42  # what SteadyDancer adds to Wan 2.1 I2V


def test_the_alignment_attends_across_frames_at_each_latent_pixel():
    torch.manual_seed(0)
    align = M.PoseAlignment().eval()
    pose, lat = torch.randn(1, 16, 3, 2, 2), torch.randn(1, 16, 3, 2, 2)
    base = align(pose, lat)
    moved = pose.clone()
    moved[:, :, 2, 1, 1] += 5.0  # the pose of one pixel in the last frame
    out = align(moved, lat)
    changed = (out - base).abs().amax(dim=(0, 1)) > 1e-6  # [T, H, W]
    # the release hands [B*T, H*W, C] to a sequence-first attention: each pixel attends across the frames, so
    # every frame at that pixel changes and no other pixel does
    assert changed[:, 1, 1].all() and changed.sum() == 3


def test_the_negative_pose_guides_the_steps_strictly_between_start_and_end():
    on = condition_steps(50, 0.1, 0.4)
    assert [i for i, v in enumerate(on) if v] == list(range(6, 20))  # 5/50 = 0.1 and 20/50 = 0.4 are not inside
    assert padded_length(81) == 81 and padded_length(82) == 85
    m = first_frame_mask(3, 2, 2)
    assert m.shape == (1, 4, 3, 2, 2) and m[:, :, 0].eq(1).all() and m[:, :, 1:].eq(0).all()


# the file, the pipeline and the node


def test_the_tiny_file_is_read_as_steadydancer_with_every_tensor(model):
    assert model.family == "wan_steady" and type(model.module).__name__ == "SteadyDancerPipeline"
    got, want = model.module.transformer.state_dict(), tiny_steady().state_dict()
    assert set(got) == set(want)
    assert all(torch.equal(got[k].float(), want[k]) for k in want)


def test_the_pose_changes_the_output_and_the_same_inputs_give_the_same(model):
    ref = torch.rand(1, 3, 32, 32, generator=torch.Generator().manual_seed(1)) * 2 - 1
    pose = torch.rand(1, 3, 5, 32, 32, generator=torch.Generator().manual_seed(2)) * 2 - 1
    other = torch.rand(1, 3, 5, 32, 32, generator=torch.Generator().manual_seed(3)) * 2 - 1

    def make(p, **kw):
        return model.module(ref, p, prompt="a fox", num_inference_steps=2, guidance_scale=2.0,
                            generator=torch.Generator().manual_seed(7), **kw)
    a = make(pose)
    assert a.shape == (1, 3, 5, 32, 32)
    assert torch.equal(a, make(pose))
    assert (a - make(other)).abs().max() > 1e-3
    # the negative pose guides the steps in its fraction of the schedule only
    assert (a - make(pose, negative_pose=other, condition_start=0.0, condition_end=1.0)).abs().max() > 1e-3
    assert torch.equal(a, make(pose, negative_pose=other, condition_start=0.5, condition_end=0.6))


def test_node_frames_equal_the_pipeline_fed_the_same_conditioning(model):
    clip = noise_clip(n=6)
    ref_img = np.random.default_rng(5).random((40, 48, 3), dtype=np.float32)
    params = {"prompt": "a red fox", "steps": 1, "guidance": 2.0, "width": 32, "height": 32, "seed": 3}
    rec = Recorder()
    out = run_node(SteadyDancer, params, runtime=rec, model=model, reference=ref_img, pose=clip)["video"]
    assert (out.n_frames, out.width, out.height, out.fps) == (6, 32, 32, 16.0)
    ref = torch.from_numpy(cover(ref_img, 32, 32)).permute(2, 0, 1)[None] * 2 - 1
    pose = torch.from_numpy(np.array(clip.frames)).permute(3, 0, 1, 2)[None] * 2 - 1
    from studio.engine.context import Context
    gen = Context("n1", "t", {}, 1234, CPU, Recorder()).torch_generator(device="cpu")
    want = model.module(ref, pose, prompt="a red fox", num_inference_steps=1, guidance_scale=2.0, generator=gen)
    want = ((want[0].permute(1, 2, 3, 0).numpy() + 1) / 2).clip(0, 1)
    assert want.shape == (6, 32, 32, 3)  # 6 frames made as 9 (4k + 1, the last pose frame repeated), cut back
    assert np.array_equal(np.asarray(out.frames), want.astype(np.float32))
    said = rec.messages()
    assert any("6 frames at 32x32" in t for t in said)
    assert any("no negative pose video" in t for t in said)


def test_bad_input_is_said_naming_the_node(model):
    ref_img = np.zeros((32, 32, 3), np.float32)
    base = {"steps": 1, "width": 32, "height": 32}
    cases = [({"width": 40}, {}, "multiples of 16"),
             ({"frames": 9}, {}, "'frames' is 9, but the pose video has 5"),
             ({}, {"negative_pose": noise_clip(n=3)}, "the negative pose video has 3 frames, the take 5"),
             ({"pose_guidance_start": 0.5, "pose_guidance_end": 0.2}, {}, "must not be after")]
    for extra, inputs, words in cases:
        with pytest.raises(SteadyDancerError, match=f"Steady Dancer: .*{words}"):
            run_node(SteadyDancer, {**base, **extra}, model=model, reference=ref_img, pose=noise_clip(), **inputs)
    assert SteadyDancer.preflight({"width": 480, "height": 832}, ".") == []
    assert "multiples of 16" in SteadyDancer.preflight({"width": 470, "height": 832}, ".")[0]


def test_a_wan_model_is_refused_by_name(tiny):
    wan = load_video_model(tiny("wan-parts"), base=None, device=CPU, dtype_name="fp32")  # the session's tiny Wan
    with pytest.raises(SteadyDancerError, match="not SteadyDancer: load Wan21_SteadyDancer"):
        run_node(SteadyDancer, {"width": 32, "height": 32}, model=wan, reference=np.zeros((32, 32, 3), np.float32),
                 pose=noise_clip())


def test_a_file_that_does_not_fill_the_model_is_refused_before_it_is_built(tmp_path, monkeypatch):
    state = original_names(tiny_steady().state_dict())
    state["condition_embedding_align.proj_p.weight"] = torch.zeros(128, 8, 1, 1)  # another shape
    files = build_wan_steady(str(tmp_path), state)
    from nodes.video_models.files import single_file
    built = []
    monkeypatch.setattr(single_file, "lean_load", lambda *a, **k: built.append(a) or 1 / 0)
    with pytest.raises(ModelError, match="does not fill a SteadyDancer denoiser of its own shapes: "
                                         "'condition_embedding_align.proj_p.weight' of another shape"):
        _load(files)
    assert built == []  # refused before the model was made and read


def test_an_fp8_file_keeps_its_blocks_8_bit_and_runs_the_pose_branch_in_float32(tmp_path):
    state = {k: (v.to(torch.float8_e4m3fn) if v.ndim >= 2 and k.endswith("weight") and "norm" not in k else v)
             for k, v in original_names(tiny_steady().state_dict()).items()}  # as Kijai's fp8 files store them
    files = build_wan_steady(str(tmp_path), state)
    m = load_video_model(files["denoiser"], base=None, device=CPU, dtype_name="bf16",
                         parts={"text_encoder": files["text_encoder"], "vae": files["vae"],
                                "image_encoder": files["clip_vision"]})
    tr = m.module.transformer
    assert tr.blocks[0].attn1.to_q.weight.dtype == torch.float8_e4m3fn
    assert tr.patch_embedding_fuse.weight.dtype == torch.float8_e4m3fn
    assert {p.dtype for n, p in tr.named_parameters() if n.startswith("condition_embedding_")} == {torch.float32}
    out = m.module(torch.zeros(1, 3, 32, 32), torch.rand(1, 3, 5, 32, 32) * 2 - 1, prompt="a fox",
                   num_inference_steps=1, guidance_scale=1.0, generator=torch.Generator().manual_seed(1))
    assert out.shape == (1, 3, 5, 32, 32) and torch.isfinite(out).all()


def test_the_pose_strengths_scale_the_two_refinements_and_one_is_the_release():
    torch.manual_seed(0)
    den = tiny_steady()
    c, lat = torch.randn(1, 16, 3, 4, 4), torch.randn(1, 16, 3, 4, 4)
    with torch.no_grad():
        fused, _ = den.pose_features(c, lat)
        temporal = den.condition_embedding_temporal(c)
        spatial = den.condition_embedding_spatial(c.transpose(1, 2).reshape(3, 16, 4, 4)).view(1, 3, 16, 4, 4)
        spatial = spatial.transpose(1, 2)
        assert torch.allclose(fused, c + temporal + spatial, atol=1e-6)  # the release's sum
        scaled, _ = den.pose_features(c, lat, 2.0, 0.5)  # the wrapper's strengths
        assert torch.allclose(scaled, c + 0.5 * temporal + 2.0 * spatial, atol=1e-6)


def test_comfyui_wan_loras_go_on_its_blocks_for_the_run_only(model, tmp_path):
    """ComfyUI's Wan LoRAs (the wrapper's examples' lightx2v: 'diffusion_model.' names, lora_down / lora_up / alpha)
    are loaded by diffusers' Wan LoRA loader onto SteadyDancer's blocks for the run, and taken off after it."""
    import dataclasses

    from safetensors.torch import save_file

    from nodes.video_models.loading.load import LoRAUse
    g = torch.Generator().manual_seed(0)
    sd = {}
    for i in range(STEADY["num_layers"]):
        for a in ("self_attn.q", "cross_attn.o", "ffn.0"):
            out_f, in_f = (STEADY["ffn_dim"], 256) if a == "ffn.0" else (256, 256)
            k = f"diffusion_model.blocks.{i}.{a}"
            sd[f"{k}.lora_down.weight"] = torch.randn(4, in_f, generator=g) * 0.5
            sd[f"{k}.lora_up.weight"] = torch.randn(out_f, 4, generator=g) * 0.5
            sd[f"{k}.alpha"] = torch.tensor(4.0)
    path = str(tmp_path / "lightx2v_tiny_lora.safetensors")
    save_file(sd, path)
    ref_img = np.random.default_rng(5).random((32, 32, 3), dtype=np.float32)
    params = {"steps": 1, "guidance": 1.0, "width": 32, "height": 32, "seed": 1}
    before = {k: v.clone() for k, v in model.module.transformer.state_dict().items()}

    def run(ref):
        return np.asarray(run_node(SteadyDancer, params, model=ref, reference=ref_img, pose=noise_clip())["video"].frames)
    plain = run(model)
    with_lora = run(dataclasses.replace(model, loras=(LoRAUse(path, 1.0),)))
    assert not np.allclose(plain, with_lora, atol=1e-4)
    after = model.module.transformer.state_dict()
    assert set(after) == set(before) and all(torch.equal(after[k], before[k]) for k in before)  # taken off
    assert np.array_equal(run(model), plain)


def test_a_wan_i2v_variants_files_are_refused_in_words_before_anything_is_read():
    """SteadyDancer and SCAIL-2 (one denoiser each, Wan's parts beside it) share the refusals of own_pipeline."""
    from nodes.video_models.base.errors import ModelError
    from nodes.video_models.families.wan.own_pipeline import one_i2v_denoiser
    full = {"text_encoder": "t.safetensors", "vae": "v.safetensors", "image_encoder": "c.safetensors"}
    one_i2v_denoiser("SteadyDancer", "d.safetensors", full, None)  # all given: nothing said
    with pytest.raises(ModelError, match="'low.safetensors' was given as a second expert, but SCAIL-2 has one"):
        one_i2v_denoiser("SCAIL-2", "d.safetensors", full, "low.safetensors")
    with pytest.raises(ModelError, match=r"'d.safetensors' is a single SteadyDancer denoiser: set the VAE file "
                                         r"\(umt5_xxl, wan_2.1_vae and clip_vision_h"):
        one_i2v_denoiser("SteadyDancer", "d.safetensors", {k: v for k, v in full.items() if k != "vae"}, None)
