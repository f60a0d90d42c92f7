"""A Wan VACE module file beside its base T2V file (kijai's WanVideoWrapper 'vace_model', KJNodes' extra state
dict): Load Video Model's 'vace_module' merges the module's tensors with the model file's before diffusers'
converter (files/module_merge.py). A tiny Wan VACE written as one file in the original layout, and split as the
released module files are (the 'vace_' tensors, unprefixed, in the module; the rest under ComfyUI's
'model.diffusion_model.' in the base file), loads to the same weights both ways, as a WanVACEPipeline; a module
that is GGUF, or one the model file holds already, is refused before anything is read."""
from __future__ import annotations

import os

import pytest
import torch

from nodes.video_models.base.errors import ModelError
from nodes.video_models.loading.load import load_video_model

pytest.importorskip("diffusers")
CPU = torch.device("cpu")
PREFIX = "model.diffusion_model."


def _original(state: dict) -> dict:
    """A WanVACETransformer3DModel's state under the Wan repository's names (VACE blocks' proj_in / proj_out are
    its before_proj / after_proj)."""
    from .tiny_formats import wan_original_names
    out = {}
    for k, v in wan_original_names(state).items():
        if k.startswith("vace_blocks."):
            k = k.replace(".proj_in.", ".before_proj.").replace(".proj_out.", ".after_proj.")
        out[k] = v.contiguous()
    return out


@pytest.fixture(scope="module")
def files(vace_dir, tmp_path_factory):
    from diffusers import WanVACETransformer3DModel
    from safetensors.torch import save_file
    out = tmp_path_factory.mktemp("vace-module")
    state = _original(WanVACETransformer3DModel.from_pretrained(vace_dir, subfolder="transformer").state_dict())
    paths = {k: str(out / f"{k}.safetensors") for k in ("whole", "base", "module")}
    save_file({PREFIX + k: v for k, v in state.items()}, paths["whole"])
    save_file({PREFIX + k: v for k, v in state.items() if not k.startswith("vace_")}, paths["base"])
    save_file({k: v for k, v in state.items() if k.startswith("vace_")}, paths["module"])
    return paths


def _weights(ref) -> dict:
    return {k: v.clone() for k, v in ref.module.transformer.state_dict().items()}


def test_module_beside_its_base_loads_the_whole_vace_model(files, vace_dir):
    whole = load_video_model(files["whole"], base=vace_dir, device=CPU, dtype_name="fp32")
    said: list[str] = []
    split = load_video_model(files["base"], base=vace_dir, device=CPU, dtype_name="fp32", info=said.append,
                             parts={"vace_module": files["module"]})
    assert type(split.module).__name__ == "WanVACEPipeline"
    assert type(split.module.transformer).__name__ == "WanVACETransformer3DModel"
    a, b = _weights(whole), _weights(split)
    assert set(a) == set(b) and any(k.startswith("vace_blocks.") for k in b)
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert any("VACE module 'module.safetensors' merged" in s for s in said)


def test_base_alone_is_no_vace_model_and_the_module_is_needed(files, vace_dir):
    with pytest.raises(ModelError):  # the VACE base's config wants the blocks the T2V file lacks
        load_video_model(files["base"], base=vace_dir, device=CPU, dtype_name="fp32")


def test_refusals_before_reading(files, vace_dir, tmp_path):
    gguf = tmp_path / "Wan2_1-VACE_module_14B_Q8_0.gguf"
    gguf.write_bytes(b"GGUF")
    with pytest.raises(ModelError, match="is GGUF, but .* is SAFETENSORS"):
        load_video_model(files["base"], base=vace_dir, device=CPU, dtype_name="fp32", parts={"vace_module": str(gguf)})
    with pytest.raises(ModelError, match="holds its tensors already"):
        load_video_model(files["whole"], base=vace_dir, device=CPU, dtype_name="fp32",
                         parts={"vace_module": files["module"]})
    with pytest.raises(ModelError, match="given for .model. alone"):  # one module for two experts: not half-read
        load_video_model(files["base"], base=None, device=CPU, dtype_name="fp32",
                         parts={"vace_module": files["module"], "transformer_2": files["base"]})
    assert os.path.isfile(files["module"])


def test_comfy_files_without_a_folder(tiny, tmp_path):
    """As ComfyUI's workflows give them: the T2V file, the module, the text-encoder and VAE files (the config read
    from the shapes of both files: VACE blocks make it a WanVACETransformer3DModel)."""
    from diffusers import WanVACETransformer3DModel
    from safetensors.torch import save_file

    from . import tiny_parts as tp
    parts = tp.write_parts(tiny("wan-parts"), str(tmp_path))  # UMT5 and the Wan VAE as ComfyUI's files
    given = {"text_encoder": parts["text_encoder"], "vae": parts["vae"]}
    torch.manual_seed(1)  # one 128-wide head, as released Wan models' heads are (the config read from shapes)
    state = _original(WanVACETransformer3DModel(
        patch_size=(1, 2, 2), num_attention_heads=1, attention_head_dim=128, in_channels=16, out_channels=16,
        text_dim=32, freq_dim=256, ffn_dim=32, num_layers=2, cross_attn_norm=True, qk_norm="rms_norm_across_heads",
        vace_layers=[0], vace_in_channels=96).state_dict())
    own = {k: str(tmp_path / f"{k}_128.safetensors") for k in ("whole", "base", "module")}
    save_file({PREFIX + k: v for k, v in state.items()}, own["whole"])
    save_file({PREFIX + k: v for k, v in state.items() if not k.startswith("vace_")}, own["base"])
    save_file({k: v for k, v in state.items() if k.startswith("vace_")}, own["module"])
    whole = load_video_model(own["whole"], base=None, device=CPU, dtype_name="fp32", parts=given)
    split = load_video_model(own["base"], base=None, device=CPU, dtype_name="fp32",
                             parts={**given, "vace_module": own["module"]})
    assert type(split.module).__name__ == "WanVACEPipeline"
    a, b = _weights(whole), _weights(split)
    assert set(a) == set(b) and all(torch.equal(a[k], b[k]) for k in a)
