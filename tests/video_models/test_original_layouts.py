"""Original-layout single files that diffusers' converters do more than rename (issue 45, item 4):
LTX-Video's all-in-one file (the transformer beside the VAE, ``vae.*``: the converter drops the
VAE) is still renamed and read lean, its VAE not read; a converter that splits or joins tensors
(HunyuanVideo's qkv) runs on the tensors as read and its output is assigned into the meta-built
model (``converted_load``), instead of going through diffusers' single-file loader."""
from __future__ import annotations

import torch

from nodes.video_models.loading.load import load_video_model

from . import tiny_formats as tf

CPU = torch.device("cpu")
_LTX_ORIGINAL = (("proj_in", "patchify_proj"), ("time_embed", "adaln_single"), ("norm_q", "q_norm"),
                 ("norm_k", "k_norm"))


def ltx_original_names(state: dict) -> dict:
    """An LTX-Video transformer's state under the LTX-Video repository's names, as ComfyUI's files
    hold them (the inverse of diffusers' convert_ltx_transformer_checkpoint_to_diffusers)."""
    out = {}
    for k, v in state.items():
        for a, b in _LTX_ORIGINAL:
            k = k.replace(a, b)
        out["model.diffusion_model." + k] = v
    return out


def test_an_all_in_one_ltx_file_is_renamed_and_read_lean_without_its_vae(ltx_dir, tmp_path):
    from diffusers import AutoencoderKLLTXVideo, LTXVideoTransformer3DModel
    from diffusers.loaders.single_file_utils import convert_ltx_transformer_checkpoint_to_diffusers
    from safetensors.torch import save_file
    state = LTXVideoTransformer3DModel.from_pretrained(ltx_dir, subfolder="transformer").state_dict()
    vae = AutoencoderKLLTXVideo.from_pretrained(ltx_dir, subfolder="vae").state_dict()
    original = ltx_original_names(state)
    assert set(convert_ltx_transformer_checkpoint_to_diffusers(dict(original))) == set(state)
    f = str(tmp_path / "ltx-video-2b-v0.9.5.safetensors")
    save_file({**{k: v.contiguous() for k, v in original.items()},
               **{f"vae.{k}": v.contiguous() for k, v in vae.items()}}, f)
    said = []
    one = load_video_model(f, base=ltx_dir, device=CPU, dtype_name="fp32", info=said.append)
    assert "in the original layout (renamed by diffusers' converter), loaded as fp32" in said[0], said
    got = one.module.transformer.state_dict()
    assert set(got) == set(state) and all(torch.equal(got[k], v) for k, v in state.items())


def test_a_converter_run_on_the_tensors_as_read_is_assigned_into_the_meta_model(tmp_path):
    """converted_load, on the wide tiny Wan in its repository's names: the converter's output
    assigned into the meta-built model gives the model the diffusers folder holds."""
    from diffusers import WanTransformer3DModel

    from nodes.video_models.files.single_file import converted_load, converted_shapes
    from nodes.video_models.files.weight_formats import read_weight_file
    torch.manual_seed(0)
    ref = WanTransformer3DModel(**tf.WIDE)
    state = {k: v.clone() for k, v in ref.state_dict().items()}
    f = tf.write_safetensors(tf.wan_original_names(state), str(tmp_path / "wan_original.safetensors"), torch.float32)
    wf = read_weight_file(f)
    assert converted_shapes(WanTransformer3DModel, dict(ref.config), wf) == {k: tuple(v.shape) for k, v in state.items()}
    model = converted_load(WanTransformer3DModel, dict(ref.config), wf, torch.bfloat16)
    got = model.state_dict()
    kept = tuple(WanTransformer3DModel._keep_in_fp32_modules)
    assert all(torch.equal(got[k], v if any(m in k.split(".") for m in kept) else v.to(torch.bfloat16))
               for k, v in state.items())
    assert {p.device.type for p in model.parameters()} == {"cpu"}
