"""SCAIL-2 (issue 57, item 4): the denoiser as diffusers' Wan blocks plus SCAIL-2's pose and identity-mask
embeddings over one reference/video/pose sequence (families/wan_scail/), read from a file in the original
layout (ComfyUI's names), run by the SCAIL-2 Character node. The release's formulas (zai-org/SCAIL-2
f1b0de4 model_scail2.py, 3dee8c4 sample_video.py) are checked on hand-computed cases; the node's frames
equal the pipeline's fed the same conditioning; the released 14B file's header gives the released
config with nothing allocated; bad input is said naming the node."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from nodes.video_models.base.errors import ModelError
from nodes.video_models.families.wan_scail import conditioning as C
from nodes.video_models.families.wan_scail.model import pose_rotary, rope_offsets
from nodes.video_models.families.wan_scail.node import SCAIL2Character, SCAILError, cover
from nodes.video_models.loading.load import load_video_model
from studio.engine.clip import ArrayClip
from tests.node_run import Recorder, run_node

from .tiny_wan_scail import SCAIL, build_wan_scail, tiny_scail

CPU = torch.device("cpu")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return build_wan_scail(str(tmp_path_factory.mktemp("scail2")))


@pytest.fixture(scope="module")
def model(files):
    return load_video_model(files["denoiser"], base=None, device=CPU, dtype_name="fp32",
                            parts={"text_encoder": files["text_encoder"], "vae": files["vae"],
                                   "image_encoder": files["clip_vision"]})


# the release's formulas, by hand


def test_colour_classes_switch_on_above_225():
    px = torch.tensor([225 / 255, 226 / 255, 0.0]).view(1, 3, 1, 1)  # R at the threshold (off), G above (on)
    assert C.colour_classes(px).flatten().tolist() == [0, 0, 1, 0, 0, 0, 0]  # green
    white = torch.ones(1, 3, 1, 1)
    magenta = torch.tensor([1.0, 0.0, 1.0]).view(1, 3, 1, 1)
    assert C.colour_classes(white).flatten().tolist() == [1, 0, 0, 0, 0, 0, 0]
    assert C.colour_classes(magenta).flatten().tolist() == [0, 0, 0, 0, 0, 1, 0]


def test_mask_latent_stacks_four_frames_of_seven_classes_area_averaged():
    rgb = torch.zeros(5, 3, 16, 16)  # 5 frames -> 2 latent frames; 16 px -> 2 latent px
    rgb[0, 0, :8, :8] = 1.0  # frame 0: red in the top-left latent pixel
    rgb[3, 2, :4, 8:12] = 1.0  # frame 3: blue on a quarter of the top-right latent pixel
    m = C.mask_latent(rgb)
    assert m.shape == (28, 2, 2, 2)
    # latent 0 is frame 0 four times: red (class 1) at channels 1, 8, 15, 22 on the top-left pixel
    for k in range(4):
        assert m[7 * k + 1, 0, 0, 0] == 1.0 and m[7 * k + 1, 0, 1, 1] == 0.0
    # latent 1 holds frames 1..4: frame 3 is its third (k = 2): blue (class 3), a quarter of the pixel covered
    assert m[7 * 2 + 3, 1, 0, 1] == pytest.approx(0.25)
    assert m[:, 1].sum() == pytest.approx(0.25)
    assert C.latent_size(17) == 3 and C.latent_size(34, 2) == 3  # three halvings rounding up (after the extra 2x)
    with pytest.raises(ValueError, match="4k \\+ 1"):
        C.mask_latent(torch.zeros(4, 3, 16, 16))


def test_reference_mask_then_zeros_and_the_history_mask():
    ref = torch.zeros(1, 3, 16, 16)
    ref[0, 2] = 1.0  # all blue
    r = C.reference_mask_latent(ref, 3)
    assert r.shape == (28, 4, 2, 2)
    assert r[[3, 10, 17, 24], 0].eq(1).all() and r[:, 1:].eq(0).all() and r[:, 0].sum() == 16
    h = C.history_mask(4, 2, 3)
    assert h.shape == (4, 4, 2, 3) and h[:, :2].eq(1).all() and h[:, 2:].eq(0).all()


def test_paint_with_the_trained_palette_and_the_replace_composite():
    masks = np.zeros((1, 2, 2, 2), np.float32)
    masks[0, 0, 0, 0] = 1.0  # identity 0 at (0, 0)
    masks[0, 0, 1, 1] = 1.0  # identity 1 at (0, 1)
    out = C.paint(masks, background=1.0)
    assert out[0, 0, 0].tolist() == [0, 0, 1] and out[0, 0, 1].tolist() == [1, 0, 0]  # blue, red
    assert out[0, 1, 0].tolist() == [1, 1, 1]  # replace mode's white background
    image = torch.full((1, 3, 1, 2), 0.5)
    mask = torch.tensor([[[[0.0, 1.0]], [[0.0, 0.0]], [[0.0, 0.0]]]])
    assert C.composite_reference(image, mask)[0, :, 0].tolist() == [[-1.0, 0.5]] * 3  # black off the character


def test_segments_of_81_every_76_and_the_last_made_4k_plus_1():
    assert C.segments(65) == [(0, 65)]
    assert C.segments(81) == [(0, 81)]
    assert C.segments(82) == [(0, 81), (76, 6)]
    assert C.segments(200) == [(0, 81), (76, 81), (152, 48)]
    assert [C.padded_length(k) for k in (1, 5, 6, 48, 81)] == [1, 5, 9, 49, 81]
    with pytest.raises(ValueError):
        C.segments(100, window=80)


def _official_freqs(n: int, dim: int) -> torch.Tensor:
    """model_scail2.py rope_params: polar(1, outer(arange(n), 1 / 10000^(arange(0, dim, 2) / dim)))."""
    f = torch.outer(torch.arange(n), 1.0 / torch.pow(10000, torch.arange(0, dim, 2).to(torch.float64).div(dim)))
    return torch.polar(torch.ones_like(f), f)


def _official_grid(f, h, w, shift, d):
    """rope_apply_video's freqs_i: [f, h, w, d/2] complex, the (t, h, w) tables sliced at the shifts."""
    tables = [_official_freqs(1024, d - 4 * (d // 6)), _official_freqs(1024, 2 * (d // 6)),
              _official_freqs(1024, 2 * (d // 6))]
    st, sh, sw = shift
    return torch.cat([tables[0][st:st + f].view(f, 1, 1, -1).expand(f, h, w, -1),
                      tables[1][sh:sh + h].view(1, h, 1, -1).expand(f, h, w, -1),
                      tables[2][sw:sw + w].view(1, 1, w, -1).expand(f, h, w, -1)], dim=-1)


@pytest.mark.parametrize("replace", [True, False])
def test_rotary_positions_equal_the_release_ones(replace):
    m = tiny_scail()
    d = SCAIL["attention_head_dim"]
    f, hp, wp = 2, 4, 6
    s = rope_offsets(replace)
    assert s == ({"ref": (0, 120, 0), "video": (0, 0, 0), "pose": (0, 0, 120)} if replace else
                 {"ref": (0, 0, 0), "video": (1, 0, 0), "pose": (1, 0, 120)})
    ref = _official_grid(1, hp, wp, s["ref"], d).reshape(-1, d // 2)
    vid = _official_grid(f, hp, wp, s["video"], d).reshape(-1, d // 2)
    full = _official_grid(f, hp, wp, s["pose"], d)  # rope_apply_pose: the full-size grid, 2x2 averaged
    pool = [torch.nn.functional.avg_pool2d(x.permute(0, 3, 1, 2), 2, 2).permute(0, 2, 3, 1) for x in (full.real, full.imag)]
    pose = torch.complex(*pool).reshape(-1, d // 2)
    want = torch.cat([ref, vid, pose])
    cos, sin = m.rotary(f, hp, wp, replace, CPU)
    assert cos.shape == (1, hp * wp + f * hp * wp + f * (hp // 2) * (wp // 2), 1, d)
    assert torch.allclose(cos[0, :, 0, 0::2].double(), want.real, atol=1e-6)
    assert torch.allclose(sin[0, :, 0, 1::2].double(), want.imag, atol=1e-6)
    # a pose token's rotation is the mean of its four cells': shorter than one where they differ
    c, s_ = pose_rotary(m.rope, 1, 2, 2, (0, 0, 120))
    assert (c[0, 0::2] ** 2 + s_[0, 1::2] ** 2).max() <= 1.0 + 1e-6


def test_masks_enter_through_their_embedding_and_only_the_video_is_read():
    m = tiny_scail()
    g = torch.Generator().manual_seed(0)
    x, ref, pose = torch.randn(1, 16, 2, 8, 8, generator=g), torch.randn(1, 16, 1, 8, 8, generator=g), \
        torch.randn(1, 16, 2, 4, 4, generator=g)
    rm, dm = torch.rand(1, 28, 3, 8, 8, generator=g), torch.rand(1, 28, 2, 4, 4, generator=g)
    text, img = torch.randn(1, 512, 32, generator=g), torch.randn(1, 257, 32, generator=g)
    t = torch.tensor([700.0])

    def run(**kw):
        with torch.no_grad():
            return m(x, t, text, img, ref_latents=ref, pose_latents=pose, return_dict=False, **kw)[0]
    base = run(ref_masks=rm, driving_masks=dm, replace=True)
    assert base.shape == x.shape
    assert not torch.allclose(base, run(ref_masks=rm, driving_masks=dm * 0, replace=True))
    assert not torch.allclose(base, run(ref_masks=rm, driving_masks=dm, replace=False))
    hist = torch.zeros(1, 4, 2, 8, 8)
    hist[:, :, :1] = 1.0
    assert not torch.allclose(base, run(ref_masks=rm, driving_masks=dm, replace=True, history_mask=hist))
    with torch.no_grad():
        m.patch_embedding_mask.weight.zero_()
        m.patch_embedding_mask.bias.zero_()
    assert torch.allclose(run(ref_masks=rm, driving_masks=dm, replace=True), run(replace=True), atol=1e-6)
    with pytest.raises(ValueError, match="half the video's size"):
        m(x, t, text, img, ref_latents=ref, pose_latents=torch.randn(1, 16, 2, 8, 8))


def test_the_sequence_is_reference_then_video_then_pose_tokens():
    """model_scail2.py forward: cat([ref + ones mask, x + history mask], time) patch-embedded plus the ref masks'
    embedding, then the pose (+ ones mask) embedding plus the driving masks'; the blocks see them in that order."""
    m = tiny_scail()
    g = torch.Generator().manual_seed(1)
    x, ref, pose = torch.randn(1, 16, 2, 8, 8, generator=g), torch.randn(1, 16, 1, 8, 8, generator=g), \
        torch.randn(1, 16, 2, 4, 4, generator=g)
    rm, dm = torch.rand(1, 28, 3, 8, 8, generator=g), torch.rand(1, 28, 2, 4, 4, generator=g)
    hist = torch.zeros(1, 4, 2, 8, 8)
    hist[:, :, :1] = 1.0
    seen = []
    m.blocks[0].register_forward_pre_hook(lambda mod, args: seen.append(args[0]))
    with torch.no_grad():
        m(x, torch.tensor([10.0]), torch.randn(1, 512, 32), torch.randn(1, 257, 32), ref_latents=ref,
          pose_latents=pose, history_mask=hist, ref_masks=rm, driving_masks=dm)
        ones = torch.ones(1, 4, 1, 8, 8)
        main = m.patch_embedding(torch.cat([torch.cat([ref, ones], 1), torch.cat([x, hist], 1)], 2)) + \
            m.patch_embedding_mask(rm)
        side = m.patch_embedding_pose(torch.cat([pose, torch.ones(1, 4, 2, 4, 4)], 1)) + m.patch_embedding_mask(dm)
    want = torch.cat([main.flatten(2).transpose(1, 2), side.flatten(2).transpose(1, 2)], 1)
    assert seen[0].shape == (1, 16 + 2 * 16 + 2 * 4, 256)  # 16 reference, 32 video, 8 pose tokens
    assert torch.allclose(seen[0], want, atol=1e-5)


# the released file, header only


def test_the_released_14B_header_gives_the_released_config_with_nothing_allocated(tmp_path):
    import diffusers
    from accelerate import init_empty_weights

    from nodes.video_models.base.recognise import recognise
    from nodes.video_models.families.wan_scail import parts
    from nodes.video_models.families.wan_scail.model import WanSCAIL2Transformer3DModel
    from nodes.video_models.files.weight_formats import read_weight_file

    from . import layouts as L
    from .tiny_parts import wan_i2v_original_names
    with init_empty_weights():
        full = WanSCAIL2Transformer3DModel()  # the released 14B's defaults, on the meta device
    shapes = {"model.diffusion_model." + k: tuple(v.shape)
              for k, v in wan_i2v_original_names(full.state_dict()).items()}
    path = L.write(str(tmp_path / "wan2.1_14B_SCAIL_2_fp16.safetensors"), shapes, dtype="F16")
    wf = read_weight_file(path)
    r = recognise({k: v.shape for k, v in wf.tensors.items()})
    assert (r.kind, r.family, r.variant) == ("denoiser", "wan_scail", "Wan 2.1 SCAIL-2 14B")
    cls_name, cfg, named = parts.denoiser_config(diffusers, None, wf)
    assert cls_name == "WanSCAIL2Transformer3DModel"
    assert {k: cfg[k] for k in ("num_layers", "num_attention_heads", "in_channels", "out_channels", "ffn_dim",
                                "text_dim", "image_dim", "added_kv_proj_dim", "mask_channels")} == \
        {"num_layers": 40, "num_attention_heads": 40, "in_channels": 20, "out_channels": 16, "ffn_dim": 13824,
         "text_dim": 4096, "image_dim": 1280, "added_kv_proj_dim": 5120, "mask_channels": 28}
    parts.check_fills(cfg, named, path)  # every tensor of the model, each of its shape
    assert shapes["model.diffusion_model.patch_embedding_pose.weight"] == (5120, 20, 1, 2, 2)
    assert shapes["model.diffusion_model.patch_embedding_mask.weight"] == (5120, 28, 1, 2, 2)
    bad = {**shapes, "model.diffusion_model.patch_embedding_mask.weight": (5120, 28, 1, 2, 1)}
    wf2 = read_weight_file(L.write(str(tmp_path / "bad_scail2.safetensors"), bad, dtype="F16"))
    with pytest.raises(ModelError, match="does not fill a SCAIL-2 denoiser"):
        _, cfg2, named2 = parts.denoiser_config(diffusers, None, wf2)
        parts.check_fills(cfg2, named2, wf2.path)


# the node


def _clip(n=13, h=64, w=64, seed=0):
    rng = np.random.default_rng(seed)
    return ArrayClip(rng.random((n, h, w, 3), dtype=np.float32), 16.0)


def _mask(n=13, h=64, w=64):
    m = np.zeros((n, h, w, 1), np.float32)
    m[:, h // 4:3 * h // 4, w // 3:2 * w // 3] = 1.0
    return ArrayClip(m, 16.0)


def test_node_frames_equal_the_pipeline_fed_the_same_conditioning(model):
    clip, mask = _clip(h=32, w=32), _mask(h=32, w=32)
    ref_img = np.random.default_rng(5).random((80, 64, 3), dtype=np.float32)
    ref_mask = np.zeros((80, 64, 1), np.float32)
    ref_mask[20:60, 16:48] = 1.0
    params = {"prompt": "a red fox", "frames": 13, "window": 9, "overlap": 5, "steps": 1, "guidance": 2.0,
              "width": 32, "height": 32, "seed": 3, "mode": "replace"}
    rec = Recorder()
    out = run_node(SCAIL2Character, params, runtime=rec, model=model, reference=ref_img, driving=clip,
                   driving_mask=mask, reference_mask=ref_mask)["video"]
    assert (out.n_frames, out.width, out.height, out.fps) == (13, 32, 32, 16.0)
    # the same conditioning handed to the pipeline by hand
    ref = torch.from_numpy(cover(ref_img, 32, 32)).permute(2, 0, 1)[None] * 2 - 1
    rmask = torch.from_numpy(C.paint(cover(ref_mask, 32, 32)[None, ..., 0], 0.0)).permute(0, 3, 1, 2)
    driving = torch.from_numpy(np.array(clip.frames)).permute(3, 0, 1, 2)[None] * 2 - 1
    dmask = torch.from_numpy(C.paint(mask.frames[..., 0], 1.0)).permute(0, 3, 1, 2)
    from studio.engine.context import Context
    gen = Context("n1", "t", {}, 1234, CPU, Recorder()).torch_generator(device="cpu")
    want = model.module(ref, driving, dmask, rmask, replace=True, prompt="a red fox", window=9, overlap=5,
                        num_inference_steps=1, guidance_scale=2.0, generator=gen)
    want = ((want[0].permute(1, 2, 3, 0).numpy() + 1) / 2).clip(0, 1)
    assert want.shape == (13, 32, 32, 3)
    assert np.array_equal(np.asarray(out.frames), want.astype(np.float32))
    assert any("13 frames at 32x32, replace mode, in 2 segments of 9" in t for t in rec.messages())


def test_bad_input_is_said_naming_the_node(model):
    ref_img = np.zeros((64, 64, 3), np.float32)
    base = {"frames": 0, "window": 9, "overlap": 5, "steps": 1, "width": 64, "height": 64}
    cases = [({"width": 80}, {"driving_mask": _mask()}, "multiples of 32"),
             ({"mode": "replace"}, {}, "replace mode needs 'driving_mask'"),
             ({"frames": 20}, {"driving_mask": _mask()}, "'frames' is 20, but the driving video has 13"),
             ({"window": 8}, {"driving_mask": _mask()}, "must be 4k \\+ 1"),
             ({}, {"driving_mask": _mask(n=5)}, "the driving mask has 5 frames, the take 13")]
    for extra, inputs, words in cases:
        with pytest.raises(SCAILError, match=f"SCAIL-2 Character: .*{words}"):
            run_node(SCAIL2Character, {**base, **extra}, model=model, reference=ref_img, driving=_clip(), **inputs)


def test_the_size_and_the_segments_are_refused_at_validation():
    assert SCAIL2Character.preflight({"width": 512, "height": 896, "window": 81, "overlap": 5}, ".") == []
    said = SCAIL2Character.preflight({"width": 500, "height": 896, "window": 80, "overlap": 5}, ".")
    assert len(said) == 2 and "multiples of 32" in said[0] and "4k + 1" in said[1]


def test_a_wan_model_is_refused_by_name(tiny):
    wan = load_video_model(tiny("wan-parts"), base=None, device=CPU, dtype_name="fp32")  # the session's tiny Wan
    with pytest.raises(SCAILError, match="not SCAIL-2: load wan2.1_14B_SCAIL_2"):
        run_node(SCAIL2Character, {"mode": "animate", "width": 64, "height": 64}, model=wan,
                 reference=np.zeros((64, 64, 3), np.float32), driving=_clip())


def test_the_tiny_file_is_read_as_scail2(model, files):
    assert model.family == "wan_scail" and type(model.module).__name__ == "SCAIL2Pipeline"
    tr = model.module.transformer
    assert tr.config.mask_channels == 28 and tr.config.in_channels == 20
    want = tiny_scail().state_dict()
    got = tr.state_dict()
    assert all(torch.equal(got[k], want[k]) for k in want)
    assert math.isclose(model.module.scheduler.config.shift, 5.0)


def test_comfys_int8_convrot_file_is_read_its_layers_kept_int8(files, model, tmp_path):
    """ComfyUI's wan2.1_14B_SCAIL_2_int8_convrot: the blocks' linear layers int8 'int8_tensorwise' with convrot
    (groups of 16 here, 256 in the real file) are read through the int8 reader: kept int8, each layer's output
    within int8 rounding of the plain file's same layer."""
    import re

    from safetensors.torch import load_file, save_file

    from nodes.video_models.files.comfy_int8 import Int8Linear, marker, quantise
    state = load_file(files["denoiser"])
    quantised = [k for k, v in state.items() if re.search(r"blocks\.\d+\.(self_attn|cross_attn)\.[qkvo]\.weight$", k)
                 and v.dim() == 2 and v.shape[1] % 16 == 0]
    assert quantised
    for k in quantised:
        q = quantise(state[k], 16)
        layer = k[: -len(".weight")]
        state.update({k: q.data, layer + ".weight_scale": q.scale.float(), layer + ".comfy_quant": marker(16)})
    path = str(tmp_path / "wan2.1_14B_SCAIL_2_int8_convrot.safetensors")
    save_file(state, path)
    int8 = load_video_model(path, base=None, device=CPU, dtype_name="fp32",
                            parts={"text_encoder": files["text_encoder"], "vae": files["vae"],
                                   "image_encoder": files["clip_vision"]})
    got = dict(int8.module.transformer.named_modules())
    plain = dict(model.module.transformer.named_modules())
    int8s = [n for n, m in got.items() if isinstance(m, Int8Linear)]
    assert len(int8s) == len(quantised)
    for n in int8s:
        x = torch.randn(3, got[n].in_features, generator=torch.Generator().manual_seed(0))
        with torch.no_grad():
            want, have = plain[n](x), got[n](x)
        assert not torch.equal(want, have)  # rounded to int8
        assert float((have - want).abs().max()) < 0.05 * float(want.abs().max()) + 1e-4


def test_comfyui_wan_loras_go_on_its_blocks_for_the_run_only(model, tmp_path):
    """ComfyUI's Wan LoRAs (the template's lightx2v and DPO: 'diffusion_model.' names, lora_down / lora_up /
    alpha) are loaded by diffusers' Wan LoRA loader onto SCAIL-2's blocks for the run, and taken off after it."""
    import dataclasses

    from safetensors.torch import save_file

    from nodes.video_models.loading.load import LoRAUse
    g = torch.Generator().manual_seed(0)
    sd = {}
    for i in range(SCAIL["num_layers"]):
        for a in ("self_attn.q", "cross_attn.o", "ffn.0"):
            out_f, in_f = (SCAIL["ffn_dim"], 256) if a == "ffn.0" else (256, 256)
            k = f"diffusion_model.blocks.{i}.{a}"
            sd[f"{k}.lora_down.weight"] = torch.randn(4, in_f, generator=g) * 0.5
            sd[f"{k}.lora_up.weight"] = torch.randn(out_f, 4, generator=g) * 0.5
            sd[f"{k}.alpha"] = torch.tensor(4.0)
    path = str(tmp_path / "lightx2v_tiny_lora.safetensors")
    save_file(sd, path)
    clip, ref_img = _clip(n=5, h=32, w=32), np.random.default_rng(5).random((32, 32, 3), dtype=np.float32)
    params = {"frames": 5, "window": 9, "overlap": 5, "steps": 1, "guidance": 1.0, "width": 32, "height": 32,
              "mode": "animate", "seed": 1}
    before = {k: v.clone() for k, v in model.module.transformer.state_dict().items()}

    def run(ref):
        return np.asarray(run_node(SCAIL2Character, params, model=ref, reference=ref_img, driving=clip)["video"].frames)
    plain = run(model)
    with_lora = run(dataclasses.replace(model, loras=(LoRAUse(path, 1.0),)))
    assert not np.allclose(plain, with_lora, atol=1e-4)
    after = model.module.transformer.state_dict()
    assert set(after) == set(before) and all(torch.equal(after[k], before[k]) for k in before)  # taken off
    assert np.array_equal(run(model), plain)
