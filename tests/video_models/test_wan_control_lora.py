"""Wan control LoRAs (issue 112, families/wan/ctrl_lora): diffusers' Wan 2.1 T2V forward with Studio's low-rank terms
against the wrapper's widened, patched model written out here (the patch embedding widened to 32 channels, the new
half zero, every LoRA delta merged, the control latents beside the noise); outside start .. end the model's own
output; the control changing the output; a LoRA without patch-embedding weights and one for another width refused
in words from the header; the node end to end on the session's tiny Wan. Tiny random models and files built here."""
from __future__ import annotations

import copy
import functools
from types import SimpleNamespace

import pytest

from studio.core.errors import NodeExecutionError
from studio.engine.executor import Executor

from .wan_control import control_graph, follows_the_control, tiny_wan

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")

from nodes.video_models.families.wan.ctrl_lora.ctrl_lora import (ControlLoraError, control_lora_applied,  # noqa: E402
                                                                 read_file)

HEADS, HEAD_DIM, LAYERS, RANK = 2, 12, 2, 4
DIM = HEADS * HEAD_DIM
STEPS = torch.tensor([999.0, 750.0, 500.0, 250.0])  # the scheduler's timesteps: step i of 4


def _state(seed=1, dim=DIM, layers=LAYERS, rank=RANK, embed=True, prefix="diffusion_model.", alpha=None):
    """A control LoRA in ComfyUI's layout (Wan's own names under diffusion_model., the patch embedding's
    reshape_weight), on every block's attention and feed-forward and the patch embedding."""
    g = torch.Generator().manual_seed(seed)
    st = {}

    def pair(mod, a, b):
        st[f"{prefix}{mod}.lora_A.weight"] = torch.randn(*a, generator=g) * 0.3
        st[f"{prefix}{mod}.lora_B.weight"] = torch.randn(*b, generator=g) * 0.3
        if alpha is not None:
            st[f"{prefix}{mod}.alpha"] = torch.tensor([float(alpha)])
    for i in range(layers):
        for att in ("self_attn", "cross_attn"):
            for p in "qkvo":
                pair(f"blocks.{i}.{att}.{p}", (rank, dim), (dim, rank))
        pair(f"blocks.{i}.ffn.0", (rank, dim), (32, rank))
        pair(f"blocks.{i}.ffn.2", (rank, 32), (dim, rank))
    if embed:
        pair("patch_embedding", (rank, 32, 1, 2, 2), (dim, rank, 1, 1, 1))
        st[f"{prefix}patch_embedding.reshape_weight"] = torch.tensor([dim, 32, 1, 2, 2])
    return st


def _file(tmp_path, name="control.safetensors", **kw):
    from safetensors.torch import save_file
    path = str(tmp_path / name)
    save_file(_state(**kw), path)
    return path


def _inputs(seed=2, frames=2, h=4, w=6):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(1, 16, frames, h, w, generator=g), torch.randn(1, 7, 32, generator=g),
            torch.randn(1, 16, frames, h, w, generator=g))


def _pipe(tr):
    return SimpleNamespace(transformer=tr, scheduler=SimpleNamespace(timesteps=STEPS))


def _patched(tr, st, strength=1.0):
    """The wrapper's patched model, written out: the patch embedding widened to 32 input channels (its own weight
    on the first 16, zeros on the rest), then every pair's B @ A (times strength x alpha / rank) added to its weight."""
    names = {"self_attn": "attn1", "cross_attn": "attn2"}
    projs = {"q": "to_q", "k": "to_k", "v": "to_v", "o": "to_out.0"}
    m = copy.deepcopy(tr)
    old = m.patch_embedding
    new = torch.nn.Conv3d(32, old.out_channels, old.kernel_size, old.stride)
    with torch.no_grad():
        new.weight.zero_()
        new.weight[:, :16] = old.weight
        new.bias.copy_(old.bias)
    m.patch_embedding = new
    with torch.no_grad():
        for k in st:
            if not k.endswith("lora_A.weight"):
                continue
            mod = k[len("diffusion_model."):-len(".lora_A.weight")]
            a, b = st[k], st[k.replace("lora_A", "lora_B")]
            scale = strength * (float(st[k.replace("lora_A.weight", "alpha")]) / a.shape[0]
                                if k.replace("lora_A.weight", "alpha") in st else 1.0)
            parts = mod.split(".")
            if mod == "patch_embedding":
                target = m.patch_embedding
                delta = (b.flatten(1) @ a.flatten(1)).view_as(target.weight)
            else:
                i = parts[1]
                if parts[2] == "ffn":
                    target = m.get_submodule(f"blocks.{i}.ffn.{'net.0.proj' if parts[3] == '0' else 'net.2'}")
                else:
                    target = m.get_submodule(f"blocks.{i}.{names[parts[2]]}.{projs[parts[3]]}")
                delta = b @ a
            target.weight += scale * delta
    return m


def _call(tr, x, text, t):
    with torch.no_grad():
        return tr(x, torch.tensor([t]), text, return_dict=False)[0]


def test_inside_start_end_it_is_the_widened_patched_model_and_outside_the_models_own(tmp_path):
    tr = tiny_wan(layers=LAYERS)
    st = _state(alpha=2.0)
    pairs = read_file(_file(tmp_path, alpha=2.0), tr)
    assert "patch_embedding" in pairs and "blocks.1.ffn.net.2" in pairs and "blocks.0.attn2.to_out.0" in pairs
    assert len(pairs) == LAYERS * 10 + 1  # every pair read (the reshape_weight is a shape, not a pair)
    x, text, c = _inputs()
    plain = _call(tr, x, text, 999.0)
    want = _call(_patched(tr, st, strength=0.8), torch.cat([x, c], 1), text, 999.0)
    with control_lora_applied(_pipe(tr), pairs, c, strength=0.8, start=0.0, end=0.5) as state:
        inside = _call(tr, x, text, 999.0)  # step 0 of 4: 0 <= 0.5
        at_end = _call(tr, x, text, 500.0)  # step 2: 0.5, the end itself (the wrapper's <=)
        outside = _call(tr, x, text, 250.0)  # step 3: 0.75 > 0.5, the model as it is
    assert torch.allclose(inside, want, atol=1e-5) and not torch.allclose(inside, plain, atol=1e-3)
    assert torch.allclose(_call(tr, x, text, 500.0), _call(tr, x, text, 500.0))
    assert not torch.allclose(at_end, _call(tr, x, text, 500.0), atol=1e-3)
    assert torch.equal(outside, _call(tr, x, text, 250.0))
    assert state.steps_on == {0, 2} and state.steps_off == {3}
    assert torch.equal(_call(tr, x, text, 999.0), plain)  # every hook gone after


def test_the_control_latents_change_the_output_and_the_same_ones_give_the_same(tmp_path):
    tr = tiny_wan(layers=LAYERS)
    pairs = read_file(_file(tmp_path), tr)
    x, text, c = _inputs()
    other = torch.randn_like(c)
    outs = []
    for ctrl in (c, other, c):
        with control_lora_applied(_pipe(tr), pairs, ctrl):
            outs.append(_call(tr, x, text, 750.0))
    assert not torch.allclose(outs[0], outs[1], atol=1e-3) and torch.equal(outs[0], outs[2])


def test_a_lora_without_patch_embedding_weights_or_for_another_width_is_refused_in_words(tmp_path):
    tr = tiny_wan(layers=LAYERS)
    with pytest.raises(ControlLoraError, match=r"Wan Control LoRA: 'plain.safetensors' has no patch-embedding LoRA "
                                               r"weights .*it is not a control LoRA"):
        read_file(_file(tmp_path, "plain.safetensors", embed=False), tr)
    with pytest.raises(ControlLoraError, match=r"'wide.safetensors': its patch-embedding pair is \[4, 32, 1, 2, 2\] "
                                               r"/ \[48, 4, 1, 1, 1\]; this model's widened embedding needs"):
        read_file(_file(tmp_path, "wide.safetensors", dim=48), tr)
    with pytest.raises(ControlLoraError, match=r"'deep.safetensors': 'blocks.2.cross_attn.k' names a module this Wan "
                                               r"model has not"):
        read_file(_file(tmp_path, "deep.safetensors", layers=3), tr)


# -- the node, end to end on the session's tiny Wan T2V ----------------------------------------------------------
def _graph(model_dir, lora, flip=0, **p):
    return control_graph(model_dir, "video_models.wan_control_lora", {"control_lora": lora, **p}, flip)


def _tiny_lora(tmp_path, tr, name="tiny_control.safetensors", embed=True):
    cfg = tr.config
    dim = int(cfg.num_attention_heads) * int(cfg.attention_head_dim)
    return _file(tmp_path, name, dim=dim, layers=int(cfg.num_layers), embed=embed) if int(cfg.ffn_dim) == 32 else \
        _embed_only(tmp_path, name, dim, embed)


def _embed_only(tmp_path, name, dim, embed):
    from safetensors.torch import save_file
    g = torch.Generator().manual_seed(5)
    st = {"diffusion_model.blocks.0.self_attn.q.lora_A.weight": torch.randn(RANK, dim, generator=g) * 0.3,
          "diffusion_model.blocks.0.self_attn.q.lora_B.weight": torch.randn(dim, RANK, generator=g) * 0.3}
    if embed:
        st["diffusion_model.patch_embedding.lora_A.weight"] = torch.randn(RANK, 32, 1, 2, 2, generator=g) * 0.5
        st["diffusion_model.patch_embedding.lora_B.weight"] = torch.randn(dim, RANK, 1, 1, 1, generator=g) * 0.5
    path = str(tmp_path / name)
    save_file(st, path)
    return path


def test_the_node_follows_the_control_clip_deterministically_and_refuses_a_plain_lora(wan_dir, tmp_path):
    ex = Executor()
    tr = ex.run(_graph(wan_dir, "x"), targets=["load"], device="cpu").value("load").pipeline("t2v").transformer
    lora = _tiny_lora(tmp_path, tr)
    said = follows_the_control(ex, functools.partial(_graph, wan_dir, lora), {"start": 0.9})
    assert any("Wan Control LoRA: 9 frames at 32x32 following the control clip, LoRA strength 1, the control from 0 "
               "to 1 of the steps" in s for s in said)
    bad = _tiny_lora(tmp_path, tr, "plain_lora.safetensors", embed=False)
    with pytest.raises(NodeExecutionError, match="'plain_lora.safetensors' has no patch-embedding LoRA weights"):
        Executor().run(_graph(wan_dir, bad), targets=["gen"], device="cpu")


def test_layers_wrapped_by_peft_for_an_ordinary_lora_take_the_control_lora_too(tmp_path):
    pytest.importorskip("peft")
    from peft import LoraConfig
    tr = tiny_wan(layers=LAYERS)
    tr.add_adapter(LoraConfig(r=2, lora_alpha=2, target_modules=["to_q", "to_k"], init_lora_weights="gaussian"))
    assert hasattr(tr.blocks[0].attn1.to_q, "base_layer")  # peft's wrapper, its Linear the base_layer
    pairs = read_file(_file(tmp_path), tr)  # not refused: the wrapped layers fit
    x, text, c = _inputs()
    base = _call(tr, x, text, 999.0)
    with control_lora_applied(_pipe(tr), pairs, c):
        on = _call(tr, x, text, 999.0)
    assert not torch.allclose(on, base, atol=1e-3) and torch.equal(_call(tr, x, text, 999.0), base)
