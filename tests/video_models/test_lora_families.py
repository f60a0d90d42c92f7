"""LoRAs in ComfyUI's layout for the families beyond Wan and LTX-Video (test_lora_formats.py):
LTX-2 (Lightricks' own names under ``diffusion_model.``, as its released LoRAs are) and HunyuanVideo
(Tencent's names, ``double_blocks.N.img_attn_qkv`` split into q, k, v by diffusers' converter, as
musubi-tuner and ComfyUI write them). Each file puts on every layer exactly the adapter weights the
same LoRA in diffusers' names puts there; HunyuanVideo 1.5, whose pipeline takes no LoRA in diffusers
0.42.1, is refused in words."""
from __future__ import annotations

import types

import pytest
import torch

from nodes.video_models.base.errors import ModelError
from nodes.video_models.base.registry import FAMILIES
from nodes.video_models.loading.load import LoRAUse
from nodes.video_models.loading.loras import loras_applied

pytest.importorskip("diffusers")
RANK = 2


def _write(tmp_path, name, sd):
    from safetensors.torch import save_file
    p = tmp_path / f"{name}.safetensors"
    save_file({k: v.contiguous() for k, v in sd.items()}, str(p))
    return str(p)


def _adapters(pipe, fam, path, modules):
    """{module: (lora_A, lora_B)} of the one adapter ``path`` puts on ``modules``, and what was said."""
    said, out = [], {}
    ref = types.SimpleNamespace(loras=(LoRAUse(path, 1.0),), fam=fam)
    den = getattr(pipe, fam.denoiser)
    with torch.no_grad(), loras_applied(ref, pipe, said.append):
        for m in modules:
            mod = den.get_submodule(m)
            (name,) = mod.lora_A.keys()
            out[m] = (mod.lora_A[name].weight.clone(), mod.lora_B[name].weight.clone())
    assert not getattr(den, "peft_config", {})  # taken off after
    return out, said


def test_ltx2_lora_in_lightricks_names(ltx2_dir, tmp_path):
    from diffusers import LTX2Pipeline
    pipe = LTX2Pipeline.from_pretrained(ltx2_dir, dtype=torch.float32)
    t, g = pipe.transformer, torch.Generator().manual_seed(0)
    theirs, ours, modules = {}, {}, []
    for i in range(len(t.transformer_blocks)):
        for a in ("attn1", "attn2", "audio_attn1"):
            for c in ("to_q", "to_k", "to_v", "to_out.0"):
                name = f"transformer_blocks.{i}.{a}.{c}"
                try:
                    m = t.get_submodule(name)
                except AttributeError:
                    continue
                A = torch.randn(RANK, m.in_features, generator=g)
                B = torch.randn(m.out_features, RANK, generator=g)
                theirs[f"diffusion_model.{name}.lora_A.weight"], theirs[f"diffusion_model.{name}.lora_B.weight"] = A, B
                ours[f"transformer.{name}.lora_A.weight"], ours[f"transformer.{name}.lora_B.weight"] = A, B
                modules.append(name)
    # a norm in Lightricks' name (q_norm), which diffusers' converter renames (norm_q): no LoRA, so none here;
    # the time embedding's linear in its original name is renamed (adaln_single -> time_embed)
    m = t.get_submodule("time_embed.linear")
    A, B = torch.randn(RANK, m.in_features, generator=g), torch.randn(m.out_features, RANK, generator=g)
    theirs["diffusion_model.adaln_single.linear.lora_A.weight"] = A
    theirs["diffusion_model.adaln_single.linear.lora_B.weight"] = B
    ours["transformer.time_embed.linear.lora_A.weight"], ours["transformer.time_embed.linear.lora_B.weight"] = A, B
    modules.append("time_embed.linear")
    fam = FAMILIES["ltx2"]
    want, _ = _adapters(pipe, fam, _write(tmp_path, "diffusers", ours), modules)
    got, said = _adapters(pipe, fam, _write(tmp_path, "ltx-2-19b-lora-style", theirs), modules)
    assert said == []  # every key applied
    assert set(got) == set(modules)
    for m in modules:
        assert torch.equal(got[m][0], want[m][0]) and torch.equal(got[m][1], want[m][1]), m


def test_hunyuan_video_lora_in_tencents_names(tmp_path):
    from diffusers import HunyuanVideoPipeline

    from .tiny_hunyuan import build_hunyuan
    pipe = HunyuanVideoPipeline.from_pretrained(build_hunyuan(str(tmp_path / "hy")), dtype=torch.float32)
    t, g = pipe.transformer, torch.Generator().manual_seed(0)
    theirs, ours, modules = {}, {}, []
    for i in range(len(t.transformer_blocks)):
        q = t.get_submodule(f"transformer_blocks.{i}.attn.to_q")
        A = torch.randn(RANK, q.in_features, generator=g)
        B = torch.randn(3 * q.out_features, RANK, generator=g)
        theirs[f"diffusion_model.double_blocks.{i}.img_attn_qkv.lora_A.weight"] = A
        theirs[f"diffusion_model.double_blocks.{i}.img_attn_qkv.lora_B.weight"] = B
        for j, c in enumerate(("to_q", "to_k", "to_v")):
            name = f"transformer_blocks.{i}.attn.{c}"
            ours[f"transformer.{name}.lora_A.weight"] = A.clone()
            ours[f"transformer.{name}.lora_B.weight"] = B[j * q.out_features:(j + 1) * q.out_features]
            modules.append(name)
    fam = FAMILIES["hunyuan"]
    want, _ = _adapters(pipe, fam, _write(tmp_path, "diffusers", ours), modules)
    got, said = _adapters(pipe, fam, _write(tmp_path, "hunyuan_video_style_lora", theirs), modules)
    assert said == []
    for m in modules:
        assert torch.equal(got[m][0], want[m][0]) and torch.equal(got[m][1], want[m][1]), m


def test_hunyuan_video_15_says_it_takes_no_lora(tmp_path):
    import diffusers

    from .tiny_hunyuan15 import build_hunyuan15
    folder = build_hunyuan15(str(tmp_path / "hy15"))
    pipe = diffusers.HunyuanVideo15Pipeline.from_pretrained(folder, dtype=torch.float32)
    ref = types.SimpleNamespace(loras=(LoRAUse(str(tmp_path / "x.safetensors"), 1.0),), fam=FAMILIES["hunyuan15"])
    with pytest.raises(ModelError, match=r"HunyuanVideo15Pipeline \(HunyuanVideo 1\.5\) does not take LoRAs"):
        with loras_applied(ref, pipe):
            pass
