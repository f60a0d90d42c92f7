"""SCAIL-Preview (issue 112): zai-org/SCAIL's 14B preview as the wan_scail family's second model: SCAIL-2's denoiser
class with no identity-mask embedding (one sequence of reference, video and pose tokens; animate mode's rotary
positions), told from SCAIL-2 by its file's tensors, run by the SCAIL-Preview Character node through SCAIL-2's loop in
animate mode with no masks (preview.py). The release's facts (zai-org/SCAIL@33122ea dit_video_crossattn_sc_xc.py,
sample_video.py) are checked on hand-built cases; tiny random models built from configs, no mocks."""
from __future__ import annotations

import os

import numpy as np
import pytest
import torch

from nodes.video_models.base.errors import ModelError
from nodes.video_models.base.recognise import recognise
from nodes.video_models.families.wan_scail.node import SCAIL2Character, SCAILError, cover
from nodes.video_models.families.wan_scail.preview_node import SCAILPreviewCharacter
from nodes.video_models.loading.load import load_video_model
from tests.node_run import Recorder, run_node

from . import layouts as L
from .graphs import noise_clip
from .test_wan_scail2 import _official_grid
from .tiny_wan_scail import SCAIL, build_wan_scail

CPU = torch.device("cpu")
PREVIEW = {**SCAIL, "mask_channels": 0}


def tiny_preview(seed: int = 0):
    from nodes.video_models.families.wan_scail.model import WanSCAIL2Transformer3DModel

    from .tiny_parts import trained_scale
    return trained_scale(WanSCAIL2Transformer3DModel, seed, **PREVIEW)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    from . import tiny_parts as tp
    path = str(tmp_path_factory.mktemp("scailprev"))
    folder = tp.build(os.path.join(path, "wan-i2v-tiny"), i2v=True, in_channels=20)
    return tp.files_with_denoiser(folder, os.path.join(path, "models"), "Wan21-14B-SCAIL-preview_tiny.safetensors",
                                  tp.wan_i2v_original_names(tiny_preview().state_dict()))


def _load(f, denoiser=None):
    return load_video_model(denoiser or f["denoiser"], base=None, device=CPU, dtype_name="fp32",
                            parts={"text_encoder": f["text_encoder"], "vae": f["vae"], "image_encoder": f["clip_vision"]})


@pytest.fixture(scope="module")
def model(files):
    return _load(files)


def _shapes(mask: bool, prefix: str = "model.diffusion_model.") -> dict:
    s = L.wan(5120, 20, 40, i2v=True)
    s["patch_embedding_pose.weight"], s["patch_embedding_pose.bias"] = (5120, 20, 1, 2, 2), (5120,)
    if mask:
        s["patch_embedding_mask.weight"], s["patch_embedding_mask.bias"] = (5120, 28, 1, 2, 2), (5120,)
    return {prefix + k: v for k, v in s.items()}


# the file


def test_scail_preview_and_scail2_are_told_apart_by_the_mask_embedding():
    r = recognise(_shapes(False))
    assert (r.kind, r.family, r.variant) == ("denoiser", "wan_scail", "Wan 2.1 SCAIL-Preview 14B")
    r2 = recognise(_shapes(True))
    assert (r2.kind, r2.family, r2.variant) == ("denoiser", "wan_scail", "Wan 2.1 SCAIL-2 14B")
    plain = {k: v for k, v in _shapes(False).items() if "patch_embedding_pose" not in k}
    assert recognise(plain).variant == "Wan 2.1 14B I2V"  # no pose embedding: a plain Wan file still


def test_the_released_header_gives_the_preview_config_with_nothing_allocated(tmp_path):
    import diffusers
    from accelerate import init_empty_weights

    from nodes.video_models.families.wan_scail import parts
    from nodes.video_models.families.wan_scail.model import WanSCAIL2Transformer3DModel
    from nodes.video_models.files.weight_formats import read_weight_file

    from .tiny_parts import wan_i2v_original_names
    with init_empty_weights():
        full = WanSCAIL2Transformer3DModel(mask_channels=0)
    shapes = {k: tuple(v.shape) for k, v in wan_i2v_original_names(full.state_dict()).items()}  # the wrapper's: no prefix
    assert shapes["patch_embedding_pose.weight"] == (5120, 20, 1, 2, 2)  # SAT proj_pose: 16 latent + 4 mask channels
    assert not any("patch_embedding_mask" in k for k in shapes)
    wf = read_weight_file(L.write(str(tmp_path / "Wan21-14B-SCAIL-preview_fp16.safetensors"), shapes, dtype="F16"))
    r = recognise({k: v.shape for k, v in wf.tensors.items()})
    assert (r.family, r.variant) == ("wan_scail", "Wan 2.1 SCAIL-Preview 14B")
    _, cfg, named = parts.denoiser_config(diffusers, None, wf)
    assert (cfg["mask_channels"], cfg["num_layers"], cfg["in_channels"], cfg["image_dim"]) == (0, 40, 20, 1280)
    parts.check_fills(cfg, named, wf.path)
    bad = {**shapes, "patch_embedding_pose.weight": (5120, 16, 1, 2, 2)}
    wf2 = read_weight_file(L.write(str(tmp_path / "bad_preview.safetensors"), bad, dtype="F16"))
    with pytest.raises(ModelError, match="pose embedding .* does not take the patch embedding's channels"):
        parts.denoiser_config(diffusers, None, wf2)


# the denoiser, after the release


def test_the_sequence_and_positions_are_the_releases():
    """dit_video_crossattn_sc_xc.py: proj(cat([ref + ones, x + zeros], time)) then proj_pose(pose + ones) as one
    sequence; rotary: the reference at t = 0 (freqs_extended), the video from t = 1 (grid_t), the pose from t = 1 and
    120 columns right (global_rope_W), 2x2-averaged (rotary_pose)."""
    m = tiny_preview()
    assert not hasattr(m, "patch_embedding_mask")
    g = torch.Generator().manual_seed(1)
    x, ref, pose = torch.randn(1, 16, 2, 8, 8, generator=g), torch.randn(1, 16, 1, 8, 8, generator=g), \
        torch.randn(1, 16, 2, 4, 4, generator=g)
    seen = []
    m.blocks[0].register_forward_pre_hook(lambda mod, args: seen.append((args[0], args[3])))
    with torch.no_grad():
        out = m(x, torch.tensor([500.0]), torch.randn(1, 512, 32, generator=g), torch.randn(1, 257, 32, generator=g),
                ref_latents=ref, pose_latents=pose, return_dict=False)[0]
        main = m.patch_embedding(torch.cat([torch.cat([ref, torch.ones(1, 4, 1, 8, 8)], 1),
                                            torch.cat([x, torch.zeros(1, 4, 2, 8, 8)], 1)], 2))
        side = m.patch_embedding_pose(torch.cat([pose, torch.ones(1, 4, 2, 4, 4)], 1))
    assert out.shape == x.shape
    tokens, (cos, sin) = seen[0]
    want = torch.cat([main.flatten(2).transpose(1, 2), side.flatten(2).transpose(1, 2)], 1)
    assert torch.allclose(tokens, want, atol=1e-5)
    d, f, hp, wp = SCAIL["attention_head_dim"], 2, 4, 4
    refr = _official_grid(1, hp, wp, (0, 0, 0), d).reshape(-1, d // 2)
    vid = _official_grid(f, hp, wp, (1, 0, 0), d).reshape(-1, d // 2)
    full = _official_grid(f, hp, wp, (1, 0, 120), d)
    pool = [torch.nn.functional.avg_pool2d(a.permute(0, 3, 1, 2), 2, 2).permute(0, 2, 3, 1) for a in (full.real, full.imag)]
    rot = torch.cat([refr, vid, torch.complex(*pool).reshape(-1, d // 2)])
    assert torch.allclose(cos[0, :, 0, 0::2].double(), rot.real, atol=1e-6)
    assert torch.allclose(sin[0, :, 0, 1::2].double(), rot.imag, atol=1e-6)


def test_the_pose_changes_the_output_and_masks_are_refused():
    m = tiny_preview()
    g = torch.Generator().manual_seed(2)
    x, ref, pose = torch.randn(1, 16, 2, 8, 8, generator=g), torch.randn(1, 16, 1, 8, 8, generator=g), \
        torch.randn(1, 16, 2, 4, 4, generator=g)
    text, img = torch.randn(1, 512, 32, generator=g), torch.randn(1, 257, 32, generator=g)

    def run(p, **kw):
        with torch.no_grad():
            return m(x, torch.tensor([700.0]), text, img, ref_latents=ref, pose_latents=p, return_dict=False, **kw)[0]
    base = run(pose)
    assert torch.equal(base, run(pose))  # deterministic
    assert not torch.allclose(base, run(pose.flip(-1)), atol=1e-4)
    with pytest.raises(ValueError, match="no mask embedding"):
        run(pose, driving_masks=torch.rand(1, 28, 2, 4, 4))


# the node


PARAMS = {"prompt": "a dancer", "frames": 5, "window": 9, "overlap": 5, "steps": 1, "guidance": 2.0, "width": 32,
          "height": 32, "seed": 3}


def test_the_tiny_file_loads_as_scail_preview(model):
    assert model.family == "wan_scail" and type(model.module).__name__ == "SCAILPreviewPipeline"
    assert model.variant == "Wan 2.1 SCAIL-Preview"  # (2 blocks: not the released 14B)
    tr = model.module.transformer
    assert tr.config.mask_channels == 0 and not hasattr(tr, "patch_embedding_mask")
    want = tiny_preview().state_dict()
    got = tr.state_dict()
    assert set(got) == set(want) and all(torch.equal(got[k], want[k]) for k in want)


def test_node_frames_equal_the_pipeline_fed_the_same_conditioning(model):
    pose = noise_clip()
    ref_img = np.random.default_rng(5).random((48, 40, 3), dtype=np.float32)
    rec = Recorder()
    out = run_node(SCAILPreviewCharacter, PARAMS, runtime=rec, model=model, reference=ref_img, pose=pose)["video"]
    assert (out.n_frames, out.width, out.height, out.fps) == (5, 32, 32, 16.0)
    ref = torch.from_numpy(cover(ref_img, 32, 32)).permute(2, 0, 1)[None] * 2 - 1
    driving = torch.from_numpy(np.array(pose.frames)).permute(3, 0, 1, 2)[None] * 2 - 1
    from studio.engine.context import Context
    gen = Context("n1", "t", {}, 1234, CPU, Recorder()).torch_generator(device="cpu")
    # SCAIL-2's loop in animate mode with no masks, the pose as its driving clip (preview.py)
    want = model.module(ref, driving, None, None, replace=False, prompt="a dancer", window=9, overlap=5,
                        num_inference_steps=1,
                        guidance_scale=2.0, generator=gen)
    want = ((want[0].permute(1, 2, 3, 0).numpy() + 1) / 2).clip(0, 1)
    assert np.array_equal(np.asarray(out.frames), want.astype(np.float32))
    assert any("5 frames at 32x32 in 1 segment of 9" in t for t in rec.messages())
    again = run_node(SCAILPreviewCharacter, PARAMS, model=model, reference=ref_img, pose=pose)["video"]
    assert np.array_equal(np.asarray(again.frames), np.asarray(out.frames))  # deterministic
    other = run_node(SCAILPreviewCharacter, PARAMS, model=model, reference=ref_img, pose=noise_clip(seed=9))["video"]
    assert not np.allclose(np.asarray(other.frames), np.asarray(out.frames), atol=1e-4)  # the pose clip matters


def test_each_node_refuses_the_others_model_naming_itself(model, tmp_path_factory):
    scail2 = _load(build_wan_scail(str(tmp_path_factory.mktemp("scail2_for_preview"))))
    ref_img = np.zeros((32, 32, 3), np.float32)
    with pytest.raises(SCAILError, match="SCAIL-Preview Character: the model .* is SCAIL-2, not SCAIL-Preview: load "
                                         "Wan21-14B-SCAIL-preview"):
        run_node(SCAILPreviewCharacter, PARAMS, model=scail2, reference=ref_img, pose=noise_clip())
    with pytest.raises(SCAILError, match="SCAIL-2 Character: the model .* is Wan 2.1 SCAIL-Preview, not SCAIL-2: load"):
        run_node(SCAIL2Character, {**PARAMS, "mode": "animate"}, model=model, reference=ref_img, driving=noise_clip())


def test_a_file_that_does_not_fill_the_model_is_refused_before_loading(files, tmp_path):
    from safetensors.torch import load_file, save_file
    state = load_file(files["denoiser"])
    key = next(k for k in state if k.endswith("blocks.1.ffn.0.weight"))
    del state[key]
    path = str(tmp_path / "Wan21-14B-SCAIL-preview_broken.safetensors")
    save_file(state, path)
    with pytest.raises(ModelError, match="does not fill a SCAIL-Preview denoiser of its own shapes: 1 missing"):
        _load(files, path)


def test_bad_input_is_said_naming_the_node(model):
    ref_img = np.zeros((32, 32, 3), np.float32)
    for extra, words in (({"width": 40}, "multiples of 32"), ({"frames": 9}, "'frames' is 9, but the pose clip has 5"),
                         ({"window": 8}, "must be 4k \\+ 1")):
        with pytest.raises(SCAILError, match=f"SCAIL-Preview Character: .*{words}"):
            run_node(SCAILPreviewCharacter, {**PARAMS, **extra}, model=model, reference=ref_img, pose=noise_clip())
    said = SCAILPreviewCharacter.preflight({"width": 500, "height": 896, "window": 80, "overlap": 5}, ".")
    assert len(said) == 2 and "multiples of 32" in said[0] and "4k + 1" in said[1]
