"""A Wan LoRA in each common layout (diffusers', with and without its prefix; ComfyUI's original
names with lora_down/up and alpha, or lora_A/B without the prefix; kohya / musubi-tuner's) gives
the denoiser exactly the output of the diffusers-layout file; keys that name no module are said,
a file none of whose keys apply is refused naming them."""
from __future__ import annotations

import types

import pytest
import torch

from nodes.video_models.base.errors import ModelError
from nodes.video_models.base.registry import FAMILIES
from nodes.video_models.files.lora_formats import lora_for
from nodes.video_models.loading.load import LoRAUse
from nodes.video_models.loading.loras import loras_applied

RANK = 4
ATTN = (("q", "to_q"), ("k", "to_k"), ("v", "to_v"), ("o", "to_out.0"))
FFN = (("0", "net.0.proj"), ("2", "net.2"))


@pytest.fixture(scope="module")
def pipe(wan_dir):
    from diffusers import WanPipeline
    return WanPipeline.from_pretrained(wan_dir, dtype=torch.float32)


def _modules(pipe):
    """(original name, diffusers name, module) of every attention and feed-forward layer."""
    t = pipe.transformer
    for i in range(len(t.blocks)):
        for attn, orig in (("attn1", "self_attn"), ("attn2", "cross_attn")):
            for o, c in ATTN:
                yield f"blocks.{i}.{orig}.{o}", f"blocks.{i}.{attn}.{c}", t.get_submodule(f"blocks.{i}.{attn}.{c}")
        for o, c in FFN:
            yield f"blocks.{i}.ffn.{o}", f"blocks.{i}.ffn.{c}", t.get_submodule(f"blocks.{i}.ffn.{c}")


def _weights(pipe):
    g = torch.Generator().manual_seed(0)
    out = {}
    for orig, diff, m in _modules(pipe):
        out[orig, diff] = (torch.randn(RANK, m.in_features, generator=g) * 0.3,
                           torch.randn(m.out_features, RANK, generator=g) * 0.3)
    return out


def _layout(pipe, kind):
    """The same LoRA written in one layout (alpha = rank: a scale of 1 where the layout has one)."""
    sd = {}
    for (orig, diff), (a, b) in _weights(pipe).items():
        alpha = torch.tensor(float(RANK))
        if kind == "diffusers":
            sd[f"transformer.{diff}.lora_A.weight"], sd[f"transformer.{diff}.lora_B.weight"] = a, b
        elif kind == "diffusers_no_prefix":
            sd[f"{diff}.lora_A.weight"], sd[f"{diff}.lora_B.weight"] = a, b
        elif kind == "comfyui":
            k = f"diffusion_model.{orig}"
            sd[f"{k}.lora_down.weight"], sd[f"{k}.lora_up.weight"], sd[f"{k}.alpha"] = a, b, alpha
        elif kind == "comfyui_no_prefix":
            sd[f"{orig}.lora_A.weight"], sd[f"{orig}.lora_B.weight"] = a, b
        elif kind in ("kohya", "musubi"):  # musubi-tuner writes kohya's names for Wan
            k = "lora_unet_" + orig.replace(".", "_")
            sd[f"{k}.lora_down.weight"], sd[f"{k}.lora_up.weight"], sd[f"{k}.alpha"] = a, b, alpha
    return {k: v.contiguous() for k, v in sd.items()}


def _output(pipe, lora_path=None, say=None):
    g = torch.Generator().manual_seed(1)
    x = torch.randn(1, 16, 2, 8, 8, generator=g)
    text = torch.randn(1, 6, 32, generator=g)
    ref = types.SimpleNamespace(loras=(LoRAUse(lora_path, 1.0),) if lora_path else (), fam=FAMILIES["wan"])
    with torch.no_grad(), loras_applied(ref, pipe, say):
        return pipe.transformer(hidden_states=x, timestep=torch.tensor([500]), encoder_hidden_states=text,
                                return_dict=False)[0]


def _write(tmp_path, name, sd):
    from safetensors.torch import save_file
    p = tmp_path / f"{name}.safetensors"
    save_file(sd, str(p))
    return str(p)


@pytest.mark.parametrize("kind", ["diffusers_no_prefix", "comfyui", "comfyui_no_prefix", "kohya"])
def test_each_layout_gives_the_diffusers_layout_output(pipe, tmp_path, kind):
    plain = _output(pipe)
    want = _output(pipe, _write(tmp_path, "diffusers", _layout(pipe, "diffusers")))
    assert (want - plain).abs().max() > 1e-3  # the LoRA does something
    said = []
    got = _output(pipe, _write(tmp_path, kind, _layout(pipe, kind)), said.append)
    torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-5)
    assert said == []  # every key applied
    torch.testing.assert_close(_output(pipe), plain)  # and taken off after


def test_keys_that_name_no_module_are_said(pipe, tmp_path):
    sd = _layout(pipe, "diffusers")
    sd["transformer.blocks.9.attn1.to_q.lora_A.weight"] = torch.zeros(RANK, 24)
    sd["transformer.blocks.9.attn1.to_q.lora_B.weight"] = torch.zeros(24, RANK)
    said = []
    _output(pipe, _write(tmp_path, "extra", sd), said.append)
    assert len(said) == 1 and "2 of" in said[0] and "transformer.blocks.9.attn1.to_q.lora_A.weight" in said[0]


def test_a_lora_of_another_model_is_refused_naming_its_keys(pipe, tmp_path):
    sd = {"transformer.single_blocks.0.linear.lora_A.weight": torch.zeros(RANK, 8),
          "transformer.single_blocks.0.linear.lora_B.weight": torch.zeros(8, RANK)}
    with pytest.raises(ModelError, match="no key of the LoRA 'flux.safetensors' applies.*single_blocks.0.linear"):
        lora_for(pipe, FAMILIES["wan"], sd, "flux.safetensors")
    with pytest.raises(ModelError, match="applies"):
        _output(pipe, _write(tmp_path, "flux", sd))


@pytest.mark.parametrize("kind", ["comfyui", "no_prefix"])
def test_ltx_video_lora_in_comfyui_names_and_without_a_prefix(ltx_dir, tmp_path, kind):
    """LTX-Video: ComfyUI writes diffusers' names under 'diffusion_model.'; diffusers' converter takes it."""
    from diffusers import LTXPipeline
    pipe = LTXPipeline.from_pretrained(ltx_dir, dtype=torch.float32)
    t = pipe.transformer
    g = torch.Generator().manual_seed(0)
    sd = {}
    for i in range(len(t.transformer_blocks)):
        for a in ("attn1", "attn2"):
            for c in ("to_q", "to_k", "to_v", "to_out.0"):
                m = t.get_submodule(f"transformer_blocks.{i}.{a}.{c}")
                sd[f"transformer_blocks.{i}.{a}.{c}.lora_A.weight"] = torch.randn(RANK, m.in_features, generator=g) * 0.3
                sd[f"transformer_blocks.{i}.{a}.{c}.lora_B.weight"] = torch.randn(m.out_features, RANK, generator=g) * 0.3
    fam = FAMILIES["ltx"]

    def out(path=None):
        gen = torch.Generator().manual_seed(1)
        x, text = torch.randn(1, 2 * 4 * 4, 8, generator=gen), torch.randn(1, 6, 32, generator=gen)
        ref = types.SimpleNamespace(loras=(LoRAUse(path, 1.0),) if path else (), fam=fam)
        with torch.no_grad(), loras_applied(ref, pipe):
            return t(hidden_states=x, encoder_hidden_states=text, timestep=torch.tensor([500]),
                     encoder_attention_mask=torch.ones(1, 6), num_frames=2, height=4, width=4, return_dict=False)[0]
    plain = out()
    want = out(_write(tmp_path, "diffusers", {f"transformer.{k}": v for k, v in sd.items()}))
    assert (want - plain).abs().max() > 1e-3
    other = {f"diffusion_model.{k}": v for k, v in sd.items()} if kind == "comfyui" else dict(sd)
    torch.testing.assert_close(out(_write(tmp_path, kind, other)), want, rtol=1e-5, atol=1e-5)
