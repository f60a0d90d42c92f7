"""Wan 2.2 TI2V-5B from ComfyUI's files: its VAE (``wan2.2_vae.safetensors``: 48 latent channels,
residual down and up blocks, 2x2 pixel patches) read as a single file, its config inferred from its
tensors' shapes (families/wan/part_configs.wan_vae) and its original names renamed (wan22.vae22_renamed). A tiny
TI2V-5B written as three files (denoiser, UMT5, VAE) samples exactly the frames of the diffusers
folder holding the same weights, with TI2V's scheduler (flow shift 5.0) and expand_timesteps."""
from __future__ import annotations

import pytest
import torch

from nodes.video_models.base.errors import ModelError
from nodes.video_models.loading.load import load_video_model

from . import tiny_parts as tp
from . import tiny_wan22 as tw

pytest.importorskip("diffusers")
CPU = torch.device("cpu")
PROMPT = "a red fox running in the snow, cinematic"
CONFIG_KEYS = ("base_dim", "decoder_base_dim", "z_dim", "dim_mult", "num_res_blocks", "temperal_downsample",
               "is_residual", "in_channels", "out_channels", "patch_size", "scale_factor_temporal",
               "scale_factor_spatial", "latents_mean", "latents_std", "attn_scales")


@pytest.fixture(scope="module")
def ti2v(tmp_path_factory):
    """(the TI2V-5B diffusers folder, ComfyUI's files: denoiser, text_encoder, vae (original names),
    vae_diffusers (diffusers' names))."""
    from diffusers import AutoencoderKLWan
    from safetensors.torch import save_file
    root = tmp_path_factory.mktemp("ti2v")
    folder = tw.build_ti2v(str(root / "wan22-ti2v"))
    files = tp.write_parts(folder, str(root / "models"))
    state = AutoencoderKLWan.from_pretrained(folder, subfolder="vae").state_dict()
    files["vae"] = str(root / "models" / "wan2.2_vae_tiny.safetensors")
    save_file({k: v.contiguous() for k, v in tw.vae22_original_names(state).items()}, files["vae"])
    files["vae_diffusers"] = str(root / "models" / "wan2.2_vae_tiny_diffusers.safetensors")
    save_file({"vae." + k: v.contiguous() for k, v in state.items()}, files["vae_diffusers"])  # ComfyUI's prefix
    return folder, files


def _frames(ref):
    return ref.pipeline("t2v")(prompt=PROMPT, negative_prompt="blue sky", height=32, width=32, num_frames=5,
                               num_inference_steps=2, guidance_scale=2.0, generator=torch.Generator().manual_seed(0),
                               output_type="pt", max_sequence_length=32).frames


def test_the_22_vaes_config_is_read_from_its_shapes(ti2v):
    """Both layouts give the folder's config; every original name is renamed to one of diffusers'."""
    from diffusers import AutoencoderKLWan

    from nodes.video_models.families.wan.part_configs import wan_vae
    from nodes.video_models.families.wan.wan22 import vae22_renamed
    from nodes.video_models.files.weight_formats import read_weight_file
    folder, files = ti2v
    own = AutoencoderKLWan.load_config(folder, subfolder="vae")
    renamed = vae22_renamed(read_weight_file(files["vae"]))
    state = AutoencoderKLWan.from_pretrained(folder, subfolder="vae").state_dict()
    assert set(renamed.tensors) == set(state)
    for shapes in ({k: tuple(v.shape) for k, v in renamed.tensors.items()},
                   {k: tuple(v.shape) for k, v in state.items()}):
        cls, cfg = wan_vae(shapes, "wan2.2_vae_tiny.safetensors")
        assert cls == "AutoencoderKLWan"
        assert {k: cfg[k] for k in CONFIG_KEYS} == {k: own[k] for k in CONFIG_KEYS}


def test_three_files_of_a_ti2v_5b_sample_the_folders_frames_exactly(ti2v):
    folder, files = ti2v
    ref = tp.fresh(load_video_model(folder, base=None, device=CPU, dtype_name="fp32"))
    said = []
    one = load_video_model(files["denoiser"], base=None, device=CPU, dtype_name="fp32", info=said.append,
                           parts={"text_encoder": files["text_encoder"], "vae": files["vae"]})
    held = ref.module.vae.state_dict()
    got = one.module.vae.state_dict()
    assert set(got) == set(held) and all(torch.equal(got[k], held[k]) for k in held)
    assert torch.equal(_frames(one), _frames(ref))
    assert one.variant == "Wan 2.2 TI2V-5B" and one.module.config.expand_timesteps is True
    assert one.module.scheduler.config.flow_shift == 5.0
    assert "Wan 2.2 TI2V-5B's UniPC scheduler (flow shift 5.0) with a timestep per latent frame" in said[0]
    assert "VAE: wan2.2_vae_tiny.safetensors: Wan 2.2 VAE (TI2V-5B), fp32" in said
    d = load_video_model(files["denoiser"], base=None, device=CPU, dtype_name="fp32",
                         parts={"text_encoder": files["text_encoder"], "vae": files["vae_diffusers"]})
    got = d.module.vae.state_dict()  # the same VAE in diffusers' names, with ComfyUI's 'vae.' prefix
    assert set(got) == set(held) and all(torch.equal(got[k], held[k]) for k in held)
    assert d.module.vae.config.is_residual and d.module.vae.config.patch_size == 2


def test_a_wan21_vae_for_the_ti2v_denoiser_is_refused_before_allocation(ti2v, monkeypatch, tmp_path):
    from nodes.video_models.files import single_file

    def refuse(*a, **k):
        raise AssertionError("a model was built before the parts were checked")
    monkeypatch.setattr(single_file, "lean_load", refuse)
    folder, files = ti2v
    wan21 = tp.write_parts(tp.build(str(tmp_path / "wan21")), str(tmp_path / "m21"))
    with pytest.raises(ModelError, match=r"the VAE '.*wan_2\.1_vae_tiny\.safetensors' \(Wan 2\.1 VAE\) makes latents "
                                         r"of 16 channels, but the denoiser '.*' makes 48"):
        load_video_model(files["denoiser"], base=None, device=CPU,
                         parts={"text_encoder": files["text_encoder"], "vae": wan21["vae"]})


def test_a_vae_of_unknown_latent_channels_is_refused():
    from nodes.video_models.families.wan.part_configs import wan_vae
    with pytest.raises(ModelError, match=r"a Wan VAE with 32 latent channels: Studio knows the latent statistics of "
                                         r"Wan 2\.1's VAE \(16\) and Wan 2\.2's \(48\)"):
        wan_vae({"post_quant_conv.weight": (32, 32, 1, 1, 1)}, "odd_vae.safetensors")
