"""Wan 2.2 A14B's two experts with their two VACE modules (ComfyUI's Wan2_2_Fun_VACE_module_A14B_HIGH / _LOW beside
the T2V high- and low-noise files): Load Video Model's 'vace_module' merged beside 'model' and 'vace_module_2'
beside 'model_2' (files/module_merge.py). Two tiny random A14B-like VACE experts, each written whole and split as
the released files are, load to the same weights both ways, expert by expert; a module for one expert alone, or
a second module without a second expert, refused before anything is read."""
from __future__ import annotations

import pytest
import torch

from nodes.video_models.base.errors import ModelError
from nodes.video_models.loading.load import load_video_model

pytest.importorskip("diffusers")
CPU = torch.device("cpu")
PREFIX = "model.diffusion_model."


@pytest.fixture(scope="module")
def experts(tiny, tmp_path_factory):
    """{'parts': the text encoder and VAE files, 'high' / 'low': {'whole', 'base', 'module'} paths}: two tiny
    VACE transformers of one config and different weights, under the Wan repository's names."""
    from diffusers import WanVACETransformer3DModel
    from safetensors.torch import save_file

    from . import tiny_parts as tp
    from .test_wan_vace_module import _original
    out = tmp_path_factory.mktemp("a14b-vace")
    parts = tp.write_parts(tiny("wan-parts"), str(out))
    got = {"parts": {"text_encoder": parts["text_encoder"], "vae": parts["vae"]}}
    for seed, role in ((1, "high"), (2, "low")):
        torch.manual_seed(seed)  # one 128-wide head, as released Wan models' (the config read from shapes)
        state = _original(WanVACETransformer3DModel(
            patch_size=(1, 2, 2), num_attention_heads=1, attention_head_dim=128, in_channels=16, out_channels=16,
            text_dim=32, freq_dim=256, ffn_dim=32, num_layers=2, cross_attn_norm=True,
            qk_norm="rms_norm_across_heads", vace_layers=[0], vace_in_channels=96).state_dict())
        paths = {k: str(out / f"wan2.2_{k}_{role}_noise.safetensors") for k in ("whole", "base", "module")}
        save_file({PREFIX + k: v for k, v in state.items()}, paths["whole"])
        save_file({PREFIX + k: v for k, v in state.items() if not k.startswith("vace_")}, paths["base"])
        save_file({k: v for k, v in state.items() if k.startswith("vace_")}, paths["module"])
        got[role] = paths
    return got


def _weights(module) -> dict:
    return {k: v.clone() for k, v in module.state_dict().items()}


def test_each_expert_with_its_module_loads_the_whole_vace_expert(experts):
    hi, lo = experts["high"], experts["low"]
    whole = load_video_model(hi["whole"], base=None, device=CPU, dtype_name="fp32",
                             parts={**experts["parts"], "transformer_2": lo["whole"]})
    said: list[str] = []
    split = load_video_model(hi["base"], base=None, device=CPU, dtype_name="fp32", info=said.append,
                             parts={**experts["parts"], "transformer_2": lo["base"], "vace_module": hi["module"],
                                    "vace_module_2": lo["module"]})
    assert type(split.module).__name__ == "WanVACEPipeline"
    for comp in ("transformer", "transformer_2"):
        den = getattr(split.module, comp)
        assert type(den).__name__ == "WanVACETransformer3DModel", comp
        a, b = _weights(getattr(whole.module, comp)), _weights(den)
        assert set(a) == set(b) and any(k.startswith("vace_blocks.") for k in b), comp
        assert all(torch.equal(a[k], b[k]) for k in a), comp
    hi_w, lo_w = _weights(split.module.transformer), _weights(split.module.transformer_2)
    assert not torch.equal(hi_w["vace_blocks.0.proj_out.weight"], lo_w["vace_blocks.0.proj_out.weight"])  # own modules
    assert sum("merged beside" in s for s in said) == 2 and any("module_low_noise" in s for s in said)


def test_a_module_for_one_expert_alone_is_refused_before_reading(experts, tmp_path):
    hi, lo = experts["high"], experts["low"]
    base = {**experts["parts"], "transformer_2": lo["base"]}
    with pytest.raises(ModelError, match="given for 'model' alone"):
        load_video_model(hi["base"], base=None, device=CPU, dtype_name="fp32", parts={**base, "vace_module": hi["module"]})
    with pytest.raises(ModelError, match="given for 'model_2' alone"):
        load_video_model(hi["base"], base=None, device=CPU, dtype_name="fp32",
                         parts={**base, "vace_module_2": lo["module"]})
    with pytest.raises(ModelError, match="beside the second expert \\('model_2'\\), which is empty"):
        load_video_model(hi["base"], base=None, device=CPU, dtype_name="fp32",
                         parts={**experts["parts"], "vace_module": hi["module"], "vace_module_2": lo["module"]})
