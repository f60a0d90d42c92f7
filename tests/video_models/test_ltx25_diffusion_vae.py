"""LTX-2.5's diffusion video decoder (issue 56): a tiny decoder written in Lightricks' layout (fused
QKV, static gates, a coarse head; tiny_ltx25_files) loads into diffusers' LTX2VideoDiffusionDecoderModel
and decodes exactly as the same weights built directly in diffusers' class; the release's sizes pass
every check from the header alone; what diffusers' class cannot hold is refused in words."""
from __future__ import annotations

import json

import pytest
import torch
from safetensors.torch import save_file

from nodes.video_models.base.errors import ModelError
from nodes.video_models.families.ltx2 import diffusion_vae as dv
from nodes.video_models.files.weight_formats import read_weight_file

from . import tiny_ltx25_files as t5

pytest.importorskip("diffusers")


def _decode(model, z):
    return model.decode(z, generator=torch.Generator().manual_seed(3), return_dict=False)[0]


@pytest.mark.parametrize("prefix", ["decoder.", "vae.decoder."])
def test_lightricks_layout_decodes_as_diffusers_class(tmp_path, prefix):
    ref = t5.diffusion_decoder()
    path = str(tmp_path / "ltx-2.5-video-vae-bf16.safetensors")
    save_file(t5.diffusion_decoder_state(ref, prefix), path, t5.diffusion_decoder_meta())
    wf = read_weight_file(path)
    assert dv.is_diffusion_decoder(wf.tensors)
    model, said = dv.load(wf, torch.float32, t5.diffusion_decoder_meta())
    assert "kernels" in said
    for k in ("decoder_stage_channels", "decoder_stage_depths", "patch_size", "decoder_head_dim", "latent_channels"):
        assert model.config[k] == ref.config[k] or tuple(model.config[k]) == tuple(ref.config[k])
    assert torch.equal(model.latents_std, ref.latents_std)
    z = torch.randn(1, 8, 2, 2, 2, generator=torch.Generator().manual_seed(5))
    with torch.no_grad():
        got, want = _decode(model, z), _decode(ref, z)
    assert got.shape == (1, 3, 9, 64, 64)
    torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-5)
    assert want.abs().mean() > 0.1


def test_metadata_config_is_read_and_a_foreign_rope_split_refused(tmp_path):
    ref = t5.diffusion_decoder()
    path = str(tmp_path / "vae.safetensors")
    dec = {"stage_kernels": [[3, 1, 1], [3, 1, 1], [3, 3, 3], [3, 3, 3], [3, 3, 3]], "stage5_kernel": [1, 3, 3],
           "upsamples": [[[1, 2, 2], 2], [[2, 1, 1], 2], [[2, 2, 2], 1], [[2, 2, 2], 2]],
           "timestep_scale_multiplier": 1.0, "model_output_type": "v", "default_num_inference_steps": 2}
    save_file(t5.diffusion_decoder_state(ref), path, {"config": json.dumps({"vae": {"decoder": dec}})})
    wf = read_weight_file(path)
    from nodes.video_models.files.headers import safetensors_header
    meta = safetensors_header(path)["__metadata__"]
    model, said = dv.load(wf, torch.float32, meta)
    assert "kernels" in said and model.config["decoder_stage_kernels"][1] == (3, 1, 1)
    assert model.config["decoder_num_inference_steps"] == 2 and model.config["decoder_model_output_type"] == "v"
    assert model.decoder.timestep_scale_multiplier == 1.0
    shapes = dv.diffusers_shapes({k: v.shape for k, v in wf.tensors.items()})
    only = {"config": json.dumps({"vae": {"decoder": {"stage_kernels": dec["stage_kernels"],
                                                      "stage5_kernel": [1, 3, 3]}}})}
    cfg, said = dv.config(shapes, path, only)  # what the config leaves out: Lightricks' defaults, as its loader
    assert (cfg["decoder_num_inference_steps"], cfg["decoder_model_output_type"],
            cfg["decoder_timestep_scale_multiplier"]) == (2, "v", 1.0) and "stage5_kernel" in said
    assert dv.config(shapes, path, {})[0].get("decoder_num_inference_steps") is None  # no config: diffusers'
    dec["rope_dim_split"] = [8, 4, 4]
    with pytest.raises(ModelError, match=r"splits its RoPE \(8, 4, 4\), which diffusers' LTX2VideoDiffusionDecoderModel"):
        dv.config(dv.diffusers_shapes({k: v.shape for k, v in wf.tensors.items()}), path,
                  {"config": json.dumps({"vae": {"decoder": dec}})})


def _release_shapes() -> dict:
    """The LTX-2.5 release's decoder (diffusers' defaults) in Lightricks' names, shapes only."""
    from accelerate import init_empty_weights
    from diffusers import LTX2VideoDiffusionDecoderModel
    with init_empty_weights():
        m = LTX2VideoDiffusionDecoderModel()
    shapes = {}
    for k, v in m.state_dict().items():
        if not k.startswith("decoder."):
            continue
        k = k.replace(".attn.to_out.0.", ".attn.proj.").replace(".norm_q.", ".q_norm.").replace(".norm_k.", ".k_norm.")
        k = k.replace("timestep_embedder.linear_1.", "mlp.0.").replace("timestep_embedder.linear_2.", "mlp.2.")
        if ".to_k." in k or ".to_v." in k:
            continue
        shapes[k.replace(".to_q.", ".qkv.")] = (v.shape[0] * 3, *v.shape[1:]) if ".to_q." in k else tuple(v.shape)
    for b in range(8):
        for g in ("gate_msa", "gate_mlp", "gate_ctx"):
            shapes[f"decoder.diff_blocks.{b}.{g}"] = (256,)
    return shapes


def test_release_sizes_pass_from_the_header_with_nothing_allocated():
    shapes = _release_shapes()
    before = torch.cuda.memory_allocated() if torch.cuda.is_available() else 0
    cfg, _ = dv.config(dv.diffusers_shapes(shapes), "ltx-2.5-video-vae-bf16.safetensors")
    assert cfg["decoder_stage_channels"] == (2048, 1024, 512, 512, 256)
    assert cfg["decoder_stage_depths"] == (4, 6, 4, 2, 8) and cfg["patch_size"] == 4
    assert cfg["decoder_upsample_channel_reductions"] == (2, 2, 1, 2) and cfg["decoder_head_dim"] == 64
    assert (torch.cuda.memory_allocated() if torch.cuda.is_available() else 0) == before
    wide = dict(shapes, **{"decoder.conv_in_x_t.weight": (512, 48)})
    with pytest.raises(ModelError, match="runs stage 5 512 wide on a context 256 wide"):
        dv.config(dv.diffusers_shapes(wide), "x.safetensors")
    mlp = dict(shapes, **{"decoder.det_stages.0.0.mlp.w_up.weight": (4096, 2048)})
    with pytest.raises(ModelError, match=r"MLP is 4096 wide on 2048.*8192 \(4x\)"):
        dv.config(dv.diffusers_shapes(mlp), "x.safetensors")
    del shapes["decoder.det_stages.1.0.attn.qkv.bias"]
    with pytest.raises(ModelError, match="missing decoder.det_stages.1.0.attn.to_q.bias"):
        dv.config(dv.diffusers_shapes(shapes), "x.safetensors")


@pytest.mark.parametrize("tile", [(1, 2, 3), (2, 5, 4), (64, 64, 64)])
def test_windowed_attention_equals_diffusers_flex_neighbourhood(tile):
    """Studio's windowed neighbourhood attention (no block mask) decodes as diffusers' FlexAttention
    processor, whatever the tile (windows shifted inward at the borders included)."""
    ref = t5.diffusion_decoder()
    z = torch.randn(1, 8, 2, 2, 2, generator=torch.Generator().manual_seed(5))
    with torch.no_grad():
        want = _decode(ref, z)
        got = _decode(dv.windowed(t5.diffusion_decoder(), tile), z)
    assert type(t5.diffusion_decoder().decoder.diff_blocks[0].attn.processor).__name__ != "WindowedNeighborhoodAttention"
    torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-5)


def test_a_latent_too_small_for_the_windows_is_edge_padded_and_cropped_as_lightricks_does():
    """A 9-frame clip gives stage 5 nine frames, fewer than an 11-frame window: diffusers' class raises;
    Studio's decode repeats the last latent frame (and row, column where short), decodes, and crops the
    pixels back: the padded latent's decode, cut to the clip."""
    ref = t5.diffusion_decoder()
    dd = t5.diffusion_decoder()
    dd.register_to_config(decoder_stage5_kernel=(11, 3, 3))
    for block in dd.decoder.diff_blocks:
        block.attn.kernel_size = (11, 3, 3)
    z = torch.randn(1, 8, 2, 2, 2, generator=torch.Generator().manual_seed(5))
    with torch.no_grad(), pytest.raises(ValueError, match="at least its kernel size"):
        _decode(dd, z)
    with torch.no_grad():
        got = dv.decode_fitted(dd, z, torch.Generator().manual_seed(3))
        padded = torch.cat([z, z[:, :, -1:]], dim=2)
        want = _decode(dd, padded)[:, :, :9]
    assert got.shape == (1, 3, 9, 64, 64) and want.shape == got.shape
    torch.testing.assert_close(got, want, rtol=0, atol=0)
    with torch.no_grad():  # a latent that fits is decoded as it is
        torch.testing.assert_close(dv.decode_fitted(ref, z, torch.Generator().manual_seed(3)), _decode(ref, z))


def test_release_windows_need_three_latent_frames_and_seven_rows_and_columns():
    """At the release's windows (diffusers' defaults) a latent of 2 frames (9-frame clip) or under 7 rows
    (224 pixels) is too small and is padded; 3 frames and 7 rows fit."""
    from accelerate import init_empty_weights
    from diffusers import LTX2VideoDiffusionDecoderModel
    with init_empty_weights():
        cfg = LTX2VideoDiffusionDecoderModel().config
    assert [min(n for n in range(1, 40) if dv.fits(cfg, axis, n)) for axis in range(3)] == [3, 7, 7]
