"""MiniMax H3 LoRAs in ComfyUI's names (families/minimax_h3/lora.py) on a tiny curve-form transformer: a
synthetic LoRA with pairs on the fused qkv_proj, on mlp.fc1 ([gate; value]) and on a plain layer, a diff_b,
and a pruned LoRA's full values (adaln_t_table, one block's adaln_proj weight and another's bias) gives the
outputs of the same changes merged by hand into a copy of the weights, at strength 1 and 0.5 (set values as
ComfyUI's pruned_lora.merge_adaln_patches: base + strength * (new - base); the model's table kept); the
model's state dict is the original's after the run; int8 layers take their pairs; the legacy DoRA form,
keys of no layer and shapes that do not fit are refused in words naming the file, before anything changes."""
from __future__ import annotations

import copy

import pytest
import torch

from nodes.video_models.base.capabilities import Modular

from .test_minimax_h3_curve import DIT, GRID, _inputs, comfy_files, comfy_layout  # noqa: F401 (a fixture)

R = 4  # the LoRA's rank
ALPHA = 2.0


def _model():
    from nodes.video_models.families.minimax_h3.curve import MiniMaxH3CurveTransformer
    torch.manual_seed(0)
    model = MiniMaxH3CurveTransformer(**dict(DIT, time_embed_dim=8), adaln_curve_grid=GRID).eval()
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.05 * torch.randn_like(p))
        model.time_embedder.table.normal_()
    return model


def _lora(model) -> dict:
    """A LoRA in ComfyUI's names for ``model`` (seeded)."""
    g = torch.Generator().manual_seed(5)

    def rnd(*shape, k=0.2):
        return k * torch.randn(*shape, generator=g)
    blk = model.transformer_blocks
    return {
        "diffusion_model.blocks.0.attn.qkv_proj.lora_A.weight": rnd(R, 32),
        "diffusion_model.blocks.0.attn.qkv_proj.lora_B.weight": rnd(96, R),
        "diffusion_model.blocks.0.attn.qkv_proj.alpha": torch.tensor(ALPHA),
        "diffusion_model.blocks.1.mlp.fc1.lora_down.weight": rnd(R, 32),
        "diffusion_model.blocks.1.mlp.fc1.lora_up.weight": rnd(128, R),
        "diffusion_model.blocks.1.attn.out_proj.lora_A.weight": rnd(R, 32),
        "diffusion_model.blocks.1.attn.out_proj.lora_B.weight": rnd(32, R),
        "diffusion_model.final_layer.video_out.diff_b": rnd(16),
        "diffusion_model.adaln_t_table": model.time_embedder.table.detach() + 0.5,  # another table: the model's kept
        "diffusion_model.blocks.0.adaln_proj.linear.weight": blk[0].adaln_proj.linear.weight.detach() + rnd(576, 8),
        "diffusion_model.blocks.1.adaln_proj.linear.bias.set_weight": blk[1].adaln_proj.linear.bias.detach() + rnd(576),
    }


def _merged(model, lora: dict, s: float):
    """A copy of ``model`` with ``lora``'s changes at strength ``s`` written into its weights by hand."""
    m = copy.deepcopy(model)
    d = "diffusion_model."
    with torch.no_grad():
        b0, b1 = m.transformer_blocks
        a = lora[d + "blocks.0.attn.qkv_proj.lora_A.weight"]
        bq, bk, bv = lora[d + "blocks.0.attn.qkv_proj.lora_B.weight"].chunk(3)
        for lin, b in ((b0.attn.to_q, bq), (b0.attn.to_k, bk), (b0.attn.to_v, bv)):
            lin.weight += s * ALPHA / R * (b @ a)
        gate, value = (lora[d + "blocks.1.mlp.fc1.lora_up.weight"] @ lora[d + "blocks.1.mlp.fc1.lora_down.weight"]).chunk(2)
        b1.ff.net[0].proj.weight += s * torch.cat([value, gate])  # diffusers' fc1 is [value; gate]
        b1.attn.to_out[0].weight += s * lora[d + "blocks.1.attn.out_proj.lora_B.weight"] @ \
            lora[d + "blocks.1.attn.out_proj.lora_A.weight"]
        m.proj_out.bias += s * lora[d + "final_layer.video_out.diff_b"]
        w = b0.adaln_proj.linear.weight
        w.copy_(w + s * (lora[d + "blocks.0.adaln_proj.linear.weight"] - w))
        bias = b1.adaln_proj.linear.bias
        bias.copy_(bias + s * (lora[d + "blocks.1.adaln_proj.linear.bias.set_weight"] - bias))
    return m


def _save(tmp_path, sd: dict, name: str = "minimax_h3_fl2v_turbo_8step_test.safetensors") -> str:
    from safetensors.torch import save_file
    path = str(tmp_path / name)
    save_file({k: v.contiguous() for k, v in sd.items()}, path)
    return path


@pytest.mark.parametrize("strength", [1.0, 0.5])
def test_a_comfyui_lora_equals_its_changes_merged_by_hand_and_leaves_the_model_as_it_was(tmp_path, strength):
    from nodes.video_models.families.minimax_h3.lora import minimax_loras
    from nodes.video_models.loading.load import LoRAUse
    model = _model()
    lora = _lora(model)
    path = _save(tmp_path, lora)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    x = _inputs(0.3, 0.71)
    with torch.no_grad():
        plain = model(**x)[0]
        want = _merged(model, lora, strength)(**x)[0]
        said, told = [], []
        with minimax_loras((LoRAUse(path, strength),), model, said.append, told.append):
            got = model(**x)[0]
            assert torch.equal(model.time_embedder.table, before["time_embedder.table"])  # the model's table kept
        after = model(**x)[0]
    assert float((want - plain).abs().max()) > 0.05  # the LoRA changes the output
    assert torch.allclose(got, want, atol=1e-5), float((got - want).abs().max())
    assert torch.equal(after, plain)
    state = model.state_dict()
    assert state.keys() == before.keys() and all(torch.equal(state[k], before[k]) for k in before)
    assert len(said) == 1 and "adaln_t_table differs from the model's; the model's table is kept" in said[0]
    assert told == [f"LoRA 'minimax_h3_fl2v_turbo_8step_test.safetensors' on MiniMax H3's transformer at strength "
                    f"{strength:g}: 3 low-rank layers, 2 set values, 1 offsets (its adaln_t_table not applied: the "
                    "model's is kept, as ComfyUI does)"]


def test_two_stacked_loras_add_their_changes(tmp_path):
    """Two pruned LoRAs: each set value's change from the base added (ComfyUI's stacking rule)."""
    from nodes.video_models.families.minimax_h3.lora import minimax_loras
    from nodes.video_models.loading.load import LoRAUse
    model = _model()
    w0 = model.transformer_blocks[0].adaln_proj.linear.weight.detach().clone()
    d1, d2 = torch.full_like(w0, 0.1), torch.full_like(w0, -0.3)
    key = "blocks.0.adaln_proj.linear.weight"
    p1 = _save(tmp_path, {key: w0 + d1}, "a.safetensors")
    p2 = _save(tmp_path, {"diffusion_model." + key: w0 + d2}, "b.safetensors")
    with minimax_loras((LoRAUse(p1, 1.0), LoRAUse(p2, 0.5)), model):
        assert torch.allclose(model.transformer_blocks[0].adaln_proj.linear.weight, w0 + d1 + 0.5 * d2, atol=1e-6)
    assert torch.equal(model.transformer_blocks[0].adaln_proj.linear.weight, w0)


def test_int8_layers_take_the_lora(tmp_path):
    """ComfyUI's int8 convrot file read by comfy_file: the pair on qkv_proj goes on the Int8Linear to_q / to_k /
    to_v (their weights stay int8) and a diff on the int8 fc2 is added to its output; equal to a float copy
    with the int8 weights dequantised and the changes merged by hand; the int8 weights unchanged after."""
    from safetensors.torch import save_file

    from nodes.video_models.families.minimax_h3 import comfy_file
    from nodes.video_models.families.minimax_h3.lora import minimax_loras
    from nodes.video_models.files.comfy_int8 import Int8Linear, dequantise, marker, quantise
    from nodes.video_models.loading.load import LoRAUse
    layout = comfy_layout(_model())
    for k in [k for k in layout if k.startswith("blocks.") and k.endswith(("qkv_proj.weight", "fc2.weight"))]:
        q = quantise(layout[k], 16)
        layout.update({k: q.data, k[:-7] + ".weight_scale": q.scale.float(), k[:-7] + ".comfy_quant": marker(16)})
    file = str(tmp_path / "minimax_h3_fl2va_pruned_int8_convrot.safetensors")
    save_file(layout, file)
    model = comfy_file.load(file, torch.float32).eval()
    b0 = model.transformer_blocks[0]
    assert isinstance(b0.attn.to_q, Int8Linear) and isinstance(b0.ff.net[2], Int8Linear)
    g = torch.Generator().manual_seed(9)
    a, b, diff = 0.2 * torch.randn(R, 32, generator=g), 0.2 * torch.randn(96, R, generator=g), \
        0.1 * torch.randn(32, 64, generator=g)
    path = _save(tmp_path, {"blocks.0.attn.qkv_proj.lora_A.weight": a, "blocks.0.attn.qkv_proj.lora_B.weight": b,
                            "blocks.0.mlp.fc2.diff": diff})
    ref = copy.deepcopy(model)
    with torch.no_grad():
        for name, m in list(ref.named_modules()):
            if isinstance(m, Int8Linear):
                lin = torch.nn.Linear(m.in_features, m.out_features, bias=False)
                lin.weight.copy_(dequantise(m.int8(), torch.float32))
                ref.set_submodule(name, lin)
        rb = ref.transformer_blocks[0]
        for lin, piece in zip((rb.attn.to_q, rb.attn.to_k, rb.attn.to_v), b.chunk(3)):
            lin.weight += piece @ a
        rb.ff.net[2].weight += diff
    kept = b0.attn.to_q.weight.clone()
    x = _inputs(0.3, 0.71)
    with torch.no_grad():
        want = ref(**x)[0]
        with minimax_loras((LoRAUse(path, 1.0),), model):
            got = model(**x)[0]
            assert model.transformer_blocks[0].attn.to_q.base_layer.weight.dtype == torch.int8
    assert torch.allclose(got, want, atol=1e-4), float((got - want).abs().max())
    assert isinstance(model.transformer_blocks[0].attn.to_q, Int8Linear)
    assert torch.equal(model.transformer_blocks[0].attn.to_q.weight, kept)
    assert not model.transformer_blocks[0].ff.net[2]._forward_hooks


def test_the_legacy_dora_form_is_refused_naming_the_file(tmp_path):
    from nodes.video_models.base.errors import ModelError
    from nodes.video_models.families.minimax_h3.lora import minimax_loras
    from nodes.video_models.loading.load import LoRAUse
    model = _model()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    for sd in ({"blocks.0.attn.qkv_proj.lora_A.weight": torch.zeros(R, 32),
                "blocks.0.attn.qkv_proj.lora_B.weight": torch.zeros(96, R),
                "blocks.0.attn.qkv_proj.diff_b": torch.zeros(96)},
               {"blocks.0.attn.qkv_proj.diff_b": torch.zeros(96, 1)}):
        path = _save(tmp_path, dict(sd, **{"blocks.0.adaln_proj.linear.weight": torch.ones(576, 8)}),
                     "old_dora.safetensors")
        with pytest.raises(ModelError, match=r"'old_dora\.safetensors' is in the legacy DoRA form"):
            with minimax_loras((LoRAUse(path, 1.0),), model):
                pass
    assert all(torch.equal(model.state_dict()[k], before[k]) for k in before)


def test_keys_of_no_layer_and_shapes_that_do_not_fit_are_refused_in_words(tmp_path):
    from nodes.video_models.base.errors import ModelError
    from nodes.video_models.families.minimax_h3.lora import minimax_loras
    from nodes.video_models.loading.load import LoRAUse
    model = _model()
    kept = model.transformer_blocks[1].adaln_proj.linear.bias.detach().clone()
    good = _save(tmp_path, {"blocks.1.adaln_proj.linear.bias": torch.ones(576)}, "good.safetensors")
    wan = _save(tmp_path, {f"diffusion_model.blocks.{i}.self_attn.q.lora_A.weight": torch.zeros(R, 32)
                           for i in range(6)}, "wan.safetensors")
    with pytest.raises(ModelError, match=r"'wan\.safetensors'.*6 of its 6 keys are no LoRA key .* of a layer of "
                                         r"MiniMax H3's transformer \(diffusion_model\.blocks\.0\.self_attn\.q.* and 2 more\)"):
        with minimax_loras((LoRAUse(good, 1.0), LoRAUse(wan, 1.0)), model):
            pass
    assert torch.equal(model.transformer_blocks[1].adaln_proj.linear.bias, kept)  # the good one not applied either
    wide = _save(tmp_path, {"blocks.0.attn.qkv_proj.lora_A.weight": torch.zeros(R, 48),
                            "blocks.0.attn.qkv_proj.lora_B.weight": torch.zeros(144, R)}, "wide.safetensors")
    with pytest.raises(ModelError, match=r"'wide\.safetensors' does not fit.*'blocks\.0\.attn\.qkv_proj' is 144x48 "
                                         r"in the LoRA .* where the layer is 96x32"):
        with minimax_loras((LoRAUse(wide, 1.0),), model):
            pass
    bias = _save(tmp_path, {"blocks.0.adaln_proj.linear.bias": torch.ones(100)}, "bias.safetensors")
    with pytest.raises(ModelError, match=r"'blocks\.0\.adaln_proj\.linear\.bias' is \[100\] where the model holds "
                                         r"\[576\]"):
        with minimax_loras((LoRAUse(bias, 1.0),), model):
            pass
    assert not getattr(model, "peft_config", None)


def test_text_to_video_with_a_video_lora_on_comfyuis_file(comfy_files, tmp_path):
    """Load Video Model (ComfyUI's int8 fl2va file, the folder as base) -> Video LoRA -> Text to Video: the
    frames equal diffusers' modular pipeline called directly with the LoRA put on the same transformer,
    differ from the run without it, what the LoRA does is said, and the cached transformer is the file's
    again after the run."""
    import functools

    import numpy as np
    from diffusers.modular_pipelines import MiniMaxH3ModularPipeline

    from nodes.video_models.families.minimax_h3.lora import minimax_loras
    from nodes.video_models.loading.load import LoRAUse
    from studio.core.graph import Graph
    from studio.engine.executor import Executor
    folder, files = comfy_files
    g = torch.Generator().manual_seed(3)
    block = {k: v for k, v in __import__("safetensors.torch", fromlist=["load_file"]).load_file(files["fl2va"]).items()
             if k == "blocks.1.adaln_proj.linear.weight"}
    lora = _save(tmp_path, {"diffusion_model.blocks.0.attn.qkv_proj.lora_A.weight": 0.3 * torch.randn(R, 32, generator=g),
                            "diffusion_model.blocks.0.attn.qkv_proj.lora_B.weight": 0.3 * torch.randn(96, R, generator=g),
                            "diffusion_model.blocks.1.adaln_proj.linear.weight":
                                block["blocks.1.adaln_proj.linear.weight"].float() + 0.3})

    def run(with_lora: bool):
        gr = Graph()
        gr.add_node("video_models.load", {"model": files["fl2va"], "base": folder}, node_id="load")
        gr.add_node("video_models.text_to_video", {"width": 32, "height": 32, "frames": 124, "steps": 2, "seed": 3,
                                                   "prompt": "a robot dancing", "previews": False,
                                                   "preview_size": "off"}, node_id="gen")
        if with_lora:
            gr.add_node("video_models.lora", {"lora": lora, "strength": 0.8}, node_id="lora")
            gr.connect("load", "model", "lora", "model")
            gr.connect("lora", "model", "gen", "model")
        else:
            gr.connect("load", "model", "gen", "model")
        said = []
        clip = Executor().run(gr, targets=["gen"], device="cpu", use_cache=False, on_event=said.append).value("gen")
        return clip, [str(getattr(e, "text", "")) for e in said]
    seen, orig = {}, MiniMaxH3ModularPipeline.__call__

    @functools.wraps(orig)
    def spy(self, *a, **kw):
        seen.update(pipe=self, transformer=self.transformer, kw=dict(kw))
        return orig(self, *a, **kw)
    MiniMaxH3ModularPipeline.__call__ = spy
    try:
        clip, said = run(True)
        pipe, den, kw = seen["pipe"], seen["transformer"], seen["kw"]
        before = {k: v.clone() for k, v in den.state_dict().items()}
        with minimax_loras((LoRAUse(lora, 0.8),), den):
            want = orig(pipe, **dict(kw, generator=torch.Generator().manual_seed(kw["generator"].initial_seed())))
        plain = run(False)[0]
    finally:
        MiniMaxH3ModularPipeline.__call__ = orig
    assert "LoRA 'minimax_h3_fl2v_turbo_8step_test.safetensors' on MiniMax H3's transformer at strength 0.8: 1 " \
        "low-rank layers, 1 set values, 0 offsets" in said, said
    frames = np.clip(np.asarray(want.get("videos")[0], np.float32), 0, 1)
    assert np.array_equal(clip.frames, frames)
    assert not np.array_equal(clip.frames, plain.frames)
    state = den.state_dict()
    assert state.keys() == before.keys() and all(torch.equal(state[k], before[k]) for k in before)


def test_a_released_size_lora_header_is_checked_with_nothing_allocated():
    """The released transformer's sizes (curve form, hidden 5376, 56 heads of 128, 50 blocks) on the meta device,
    and a turbo-like LoRA header (rank 64 pairs on every block's qkv_proj, out_proj, fc1, fc2 and the pruned
    AdaLN values): every key placed (qkv on to_q / to_k / to_v), nothing read; a header of the wrong width is
    refused naming the layer."""
    from accelerate import init_empty_weights

    from nodes.video_models.base.errors import ModelError
    from nodes.video_models.families.minimax_h3.curve import MiniMaxH3CurveTransformer
    from nodes.video_models.families.minimax_h3.lora import plan
    with init_empty_weights(include_buffers=True):
        model = MiniMaxH3CurveTransformer()
    c = dict(model.config)
    h, d, f = c["hidden_size"], c["num_attention_heads"] * c["attention_head_dim"], c["ffn_dim"]
    shapes = {"diffusion_model.adaln_t_table": (1025, 8)}
    for i in range(c["num_layers"]):
        p = f"diffusion_model.blocks.{i}."
        for layer, out, inn in (("attn.qkv_proj", 3 * d, h), ("attn.out_proj", h, d), ("mlp.fc1", 2 * f, h),
                                ("mlp.fc2", h, f)):
            shapes.update({p + layer + ".lora_A.weight": (64, inn), p + layer + ".lora_B.weight": (out, 64),
                           p + layer + ".alpha": ()})
        shapes.update({p + "adaln_proj.linear.weight": (18 * h, 8), p + "adaln_proj.linear.bias": (18 * h,)})
    got = plan(shapes, model, "turbo.safetensors")
    assert len(got.pairs) == 200 and len(got.patches) == 100 and got.table == "diffusion_model.adaln_t_table"
    assert got.pairs["blocks.7.attn.qkv_proj"] == ([f"transformer_blocks.7.attn.to_{x}" for x in "qkv"], "split")
    assert got.pairs["blocks.7.mlp.fc1"] == (["transformer_blocks.7.ff.net.0.proj"], "swap")
    assert all(p.device.type == "meta" for p in model.parameters())
    shapes["diffusion_model.blocks.3.mlp.fc2.lora_A.weight"] = (64, 5120)
    with pytest.raises(ModelError, match=r"'blocks\.3\.mlp\.fc2' is 5376x5120 in the LoRA .* where the layer is "
                                         r"5376x14336"):
        plan(shapes, model, "turbo.safetensors")


def test_reference_to_video_puts_the_loras_on_its_own_transformer(comfy_files, tmp_path):
    """MiniMax H3's family hook: a reference-to-video call's LoRAs go on transformer_ref (read from ComfyUI's ref2va
    file), checked first from the header against the transformer in memory."""
    import types

    from nodes.video_models.families.minimax_h3.partitions import use_partition
    from nodes.video_models.loading.load import load_video_model
    folder, files = comfy_files
    ref = load_video_model(files["fl2va"], base=folder, device="cpu", dtype_name="fp32")
    den = ref.module.transformer
    w = den.transformer_blocks[0].adaln_proj.linear.weight.detach().clone()
    path = _save(tmp_path, {"blocks.0.adaln_proj.linear.weight": w + 1.0}, "ref_turbo.safetensors")
    ref = ref.with_lora(path, 0.5)
    assert ref.fam.capability(Modular).check_loras(ref)
    use_partition(types.SimpleNamespace(info=lambda _m: None), ref, "r2v")
    target = ref.module.transformer_ref
    base = target.transformer_blocks[0].adaln_proj.linear.weight.detach().clone()
    with ref.fam.capability(Modular).loras(ref, "r2v"):
        assert torch.allclose(target.transformer_blocks[0].adaln_proj.linear.weight, base + 0.5 * (w + 1.0 - base))
    assert torch.equal(target.transformer_blocks[0].adaln_proj.linear.weight, base)


def test_draft_runs_the_templates_turbo_lora_found_in_the_loras_folder(comfy_files, loras):
    """Text to Video at quality 'draft' on a MiniMax H3 folder, ComfyUI's 8-step turbo LoRA in the models folder's
    loras: the LoRA goes on the transformer for the call (said) at the template's 8 steps; the transformer is as
    it was after."""
    import functools

    from diffusers.modular_pipelines import MiniMaxH3ModularPipeline

    from studio.core.graph import Graph
    from studio.engine.events import NodeMessage
    from studio.engine.executor import Executor
    folder, _ = comfy_files
    g = torch.Generator().manual_seed(4)
    name = "minimax_h3_fl2v_turbo_8step_v1.0_comfyui_bf16.safetensors"
    _save(loras, {"diffusion_model.blocks.1.attn.qkv_proj.lora_A.weight": torch.randn(R, 32, generator=g),
                             "diffusion_model.blocks.1.attn.qkv_proj.lora_B.weight": torch.randn(96, R, generator=g)},
          name)
    gr = Graph()
    gr.add_node("video_models.load", {"model": folder}, node_id="load")
    gr.add_node("video_models.text_to_video", {"width": 32, "height": 32, "frames": 124, "steps": 2, "seed": 3,
                                               "prompt": "a robot dancing", "previews": False, "preview_size": "off",
                                               "quality": "draft"}, node_id="gen")
    gr.connect("load", "model", "gen", "model")
    seen, orig = {}, MiniMaxH3ModularPipeline.__call__

    @functools.wraps(orig)
    def spy(self, *a, **kw):
        q = self.transformer.transformer_blocks[1].attn.to_q
        seen.update(steps=kw["num_inference_steps"], lora=hasattr(q, "lora_A"), den=self.transformer)
        return orig(self, *a, **kw)
    MiniMaxH3ModularPipeline.__call__ = spy
    msgs = []
    try:
        Executor().run(gr, targets=["gen"], device="cpu", use_cache=False,
                       on_event=lambda e: msgs.append(e.text) if isinstance(e, NodeMessage) else None)
    finally:
        MiniMaxH3ModularPipeline.__call__ = orig
    assert seen["steps"] == 8 and seen["lora"]
    assert f"draft: MiniMax H3 turbo 8-step LoRA ('{name}', strength 1): 8 steps, cfg 1.0 (ComfyUI template " \
           "video_minimax_h3_t2v.json)" in msgs, msgs
    assert f"LoRA '{name}' on MiniMax H3's transformer at strength 1: 1 low-rank layers, 0 set values, 0 offsets" in msgs
    assert not hasattr(seen["den"].transformer_blocks[1].attn.to_q, "lora_A")  # taken off after the call


def test_a_comfyui_minimax_lora_is_recognised_as_minimax_h3s(tmp_path):
    """The model picker's recognition: a LoRA in ComfyUI's MiniMax H3 names is told as MiniMax H3's, with its
    rank; a Wan LoRA stays Wan's."""
    from nodes.video_models.base.recognise import recognise
    shapes = {k: tuple(v.shape) for k, v in _lora(_model()).items()}
    got = recognise(shapes, "lora", "minimax_h3_fl2v_turbo_8step_v1.0_comfyui_bf16.safetensors")
    assert (got.kind, got.family, got.variant) == ("lora", "minimax_h3", "LoRA for MiniMax H3, rank 4")
    wan = recognise({"diffusion_model.blocks.0.self_attn.q.lora_A.weight": (4, 32),
                     "diffusion_model.blocks.0.self_attn.q.lora_B.weight": (32, 4)}, "lora", "wan.safetensors")
    assert wan.family == "wan"


def test_a_pruned_lora_on_the_full_model_is_refused_in_words(tmp_path):
    """A pruned LoRA (its adaln_t_table, rank-8 AdaLN values) on the full transformer (a diffusers folder's): told
    to load ComfyUI's pruned file with the folder as base, before anything changes."""
    from diffusers import MiniMaxH3Transformer3DModel

    from nodes.video_models.base.errors import ModelError
    from nodes.video_models.families.minimax_h3.lora import minimax_loras
    from nodes.video_models.loading.load import LoRAUse
    full = MiniMaxH3Transformer3DModel(**DIT)
    path = _save(tmp_path, {"adaln_t_table": torch.zeros(GRID, 8), "blocks.0.adaln_proj.linear.weight": torch.zeros(576, 8)},
                 "pruned_turbo.safetensors")
    with pytest.raises(ModelError, match=r"'pruned_turbo\.safetensors' is for ComfyUI's pruned MiniMax H3 \(its "
                                         r"adaln_t_table and rank-8 AdaLN values\), but this model is the full one"):
        with minimax_loras((LoRAUse(path, 1.0),), full):
            pass
