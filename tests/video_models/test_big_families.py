"""The big families: Wan 2.1 14B, Wan 2.2 A14B (two experts) and TI2V-5B, HunyuanVideo 1.5,
LTX-Video 13B, told apart from their configs; tiny models of their classes detected from
diffusers folders and single files; a tiny two-expert Wan 2.2 runs with guidance_2 and both
experts in the memory modes."""
from __future__ import annotations

import json

import numpy as np
import pytest

from studio.core.graph import Graph
from studio.engine.executor import Executor

from nodes.video_models.base.registry import FAMILIES, family_from_index, variant_title
from nodes.video_models.base.recognise import family_from_keys

pytest.importorskip("diffusers")

# the denoisers' config.json of the real models (the fields the variants are told by)
WAN21_14B = {"num_attention_heads": 40, "attention_head_dim": 128, "num_layers": 40, "ffn_dim": 13824,
             "in_channels": 16}
WAN21_13B = {"num_attention_heads": 12, "attention_head_dim": 128, "num_layers": 30, "ffn_dim": 8960}
WAN22_5B = {"num_attention_heads": 24, "attention_head_dim": 128, "num_layers": 30, "ffn_dim": 14336,
            "in_channels": 48}
LTX_13B = {"num_attention_heads": 32, "attention_head_dim": 128, "num_layers": 48}
LTX_2B = {"num_attention_heads": 32, "attention_head_dim": 64, "num_layers": 28}


@pytest.mark.parametrize("index,cfg,family,title", [
    ({"_class_name": "WanPipeline", "transformer_2": [None, None]}, WAN21_14B, "wan", "Wan 2.1 14B"),
    ({"_class_name": "WanImageToVideoPipeline"}, WAN21_14B, "wan", "Wan 2.1 14B"),
    ({"_class_name": "WanPipeline"}, WAN21_13B, "wan", "Wan 2.1 1.3B"),
    ({"_class_name": "WanImageToVideoPipeline", "transformer_2": ["diffusers", "WanTransformer3DModel"],
      "boundary_ratio": 0.9}, WAN21_14B, "wan", "Wan 2.2 A14B (two experts)"),
    ({"_class_name": "WanPipeline", "expand_timesteps": True}, WAN22_5B, "wan", "Wan 2.2 TI2V-5B"),
    ({"_class_name": "LTXConditionPipeline"}, LTX_13B, "ltx", "LTX-Video 13B"),
    ({"_class_name": "LTXPipeline"}, LTX_2B, "ltx", "LTX-Video 2B"),
    ({"_class_name": "HunyuanVideo15Pipeline"}, {}, "hunyuan15", "HunyuanVideo 1.5"),
    ({"_class_name": "HunyuanVideo15ImageToVideoPipeline"}, {}, "hunyuan15", "HunyuanVideo 1.5"),
])
def test_variants_from_configs(index, cfg, family, title):
    fam = family_from_index(index)
    assert fam is not None and fam.key == family
    assert variant_title(fam, index, cfg) == title


def _save_keys(model, path):
    from safetensors.torch import save_file
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, path)
    return path


def _tiny_denoiser(kind):
    import torch
    import diffusers
    torch.manual_seed(0)
    if kind == "hunyuan15":
        return diffusers.HunyuanVideo15Transformer3DModel(
            in_channels=4, out_channels=4, num_attention_heads=2, attention_head_dim=8, num_layers=1,
            num_refiner_layers=1, text_embed_dim=16, text_embed_2_dim=16, image_embed_dim=16, rope_axes_dim=(2, 2, 4))
    if kind == "ltx":
        return diffusers.LTXVideoTransformer3DModel(in_channels=8, out_channels=8, num_attention_heads=2,
                                                    attention_head_dim=8, cross_attention_dim=16, num_layers=1,
                                                    caption_channels=16)
    return diffusers.WanTransformer3DModel(patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12,
                                           in_channels=48 if kind == "wan5b" else 16, out_channels=16, text_dim=32,
                                           freq_dim=256, ffn_dim=32, num_layers=2)


@pytest.mark.parametrize("kind,family", [("hunyuan15", "hunyuan15"), ("ltx", "ltx"), ("wan5b", "wan")])
def test_single_files_and_folders_of_tiny_models(tmp_path, kind, family):
    """A tiny denoiser of each class: its single file's keys say the family; its diffusers folder
    (config.json as diffusers writes it) gives the variant's class of config."""
    from nodes.video_models.files.headers import safetensors_keys
    model = _tiny_denoiser(kind)
    f = _save_keys(model, str(tmp_path / f"{kind}.safetensors"))
    fam = family_from_keys(safetensors_keys(f))
    assert fam is not None and fam.key == family
    model.save_pretrained(str(tmp_path / "transformer"), safe_serialization=True)
    with open(tmp_path / "transformer" / "config.json", encoding="utf-8") as fh:
        cfg = json.load(fh)
    assert variant_title(fam, {}, cfg) == (FAMILIES[family].title if family != "hunyuan15" else "HunyuanVideo 1.5")


@pytest.fixture(scope="module")
def wan22_dir(tmp_path_factory):
    from .tiny import build_wan22
    return build_wan22(str(tmp_path_factory.mktemp("models") / "tiny-wan22"))


def test_wan22_two_experts_load_run_and_offload(wan22_dir):
    from nodes.video_models.memory.modes import hooks_of, pipeline_sizes
    g = Graph()
    load = g.add_node("video_models.load", {"model": wan22_dir, "memory": "fp8+block_offload", "dtype": "bf16"})
    gen = g.add_node("video_models.text_to_video", {"frames": 5, "width": 16, "height": 16, "steps": 4,
                                                    "guidance": 3.0, "guidance_2": 1.5, "previews": False,
                                                    "preview_size": "off"}, node_id="gen")
    g.connect(load.id, "model", gen.id, "model")
    ex = Executor()
    ref = ex.run(g, targets=[load.id], device="cpu").value(load.id)
    assert ref.variant == "Wan 2.2 A14B (two experts)"
    assert ref.module.config.get("boundary_ratio") == 0.875
    for name in ("transformer", "transformer_2"):  # both experts in the mode
        assert {"layerwise_casting", "group_offloading"} <= hooks_of(getattr(ref.module, name))
    sizes = pipeline_sizes(ref.module, "transformer")
    one = sum(p.numel() for p in ref.module.transformer.parameters())
    assert sizes.denoiser >= 2 * one  # both experts counted as the denoiser
    clip = ex.run(g, targets=[gen.id], device="cpu").value(gen.id)
    assert clip.n_frames == 5 and np.isfinite(clip.frames).all()
