"""MiniMax H3 in ComfyUI's curve form (families/minimax_h3/curve.py, comfy_file.py): the table lerp and the
AdaLN without SiLU against hand transcriptions of ComfyUI's comfy/ldm/minimax/model.py (Comfy-Org/ComfyUI
01a56b76bba3); a tiny curve model made exactly from a full one (full-rank basis) gives the full model's
outputs on the table's grid; a tiny file in ComfyUI's pruned layout (names, [q; k; v], [gate; value],
adaln_t_table) reads back to the same weights and outputs, and its int8 convrot variant keeps its block
linears int8 within int8 rounding."""
from __future__ import annotations

import os

import pytest
import torch

DIT = dict(num_attention_heads=2, attention_head_dim=16, hidden_size=32, num_layers=2, num_refiner_layers=1,
           ffn_dim=64, in_channels=4, audio_in_channels=4, text_dim=16, freq_dim=32, time_embed_hidden_dim=32,
           time_embed_dim=16, rope_freq_dim=2)
GRID = 33


def _inputs(t0: float, t1: float):
    """A packed sequence of 3 text, 2 audio and 4 video rows at two noise levels (text and video at
    ``t0``, audio at ``t1``)."""
    g = torch.Generator().manual_seed(1)
    tags = torch.tensor([1, 1, 1, 2, 2, 0, 0, 0, 0])
    return dict(hidden_states=torch.randn(1, 4, 16, generator=g), audio_hidden_states=torch.randn(1, 2, 4, generator=g),
                encoder_hidden_states=torch.randn(1, 3, 16, generator=g), timestep=torch.tensor([t0, t1]),
                timestep_indices=torch.tensor([0, 0, 0, 1, 1, 0, 0, 0, 0]), token_tags=tags,
                position_ids=torch.stack([torch.arange(9.0), torch.zeros(9), torch.arange(9.0) % 2], dim=1),
                video_indices=torch.arange(5, 9), audio_indices=torch.tensor([3, 4]), text_indices=torch.arange(3),
                return_dict=False)


@pytest.fixture(scope="module")
def pair():
    """(a tiny full MiniMax H3, the curve model made from it exactly): the table is silu(e(t)) on GRID points
    times its right singular vectors V (all 16: no truncation), each AdaLN weight W times V."""
    from diffusers import MiniMaxH3Transformer3DModel

    from nodes.video_models.families.minimax_h3.curve import MiniMaxH3CurveTransformer
    torch.manual_seed(0)
    full = MiniMaxH3Transformer3DModel(**DIT).eval()
    with torch.no_grad():
        for p in full.parameters():  # visible modulation: the random init leaves AdaLN weights tiny
            p.add_(0.05 * torch.randn_like(p))
        grid = torch.linspace(0, 1, GRID)
        g = torch.nn.functional.silu(full.time_embedder(full.time_proj(grid)))
        v = torch.linalg.svd(g.double(), full_matrices=False).Vh.T.float()
        curve = MiniMaxH3CurveTransformer(**DIT, adaln_curve_grid=GRID).eval()
        state = {k: t for k, t in full.state_dict().items() if not k.startswith("time_embedder.")}
        for k in [k for k in state if k.endswith("adaln_proj.linear.weight") or k == "norm_out.linear.weight"]:
            state[k] = state[k] @ v
        state["time_embedder.table"] = g @ v
        missing, unexpected = curve.load_state_dict(state, strict=False)
        assert not unexpected and missing == []
    return full, curve


def test_the_table_is_read_by_linear_interpolation_clamped_to_its_ends():
    """pos = clamp(t) * (grid - 1), i0 = min(floor(pos), grid - 2), lerp by pos - i0: hand-computed rows."""
    from nodes.video_models.families.minimax_h3.curve import curve_embedding
    table = torch.tensor([[0.0, 10.0], [4.0, 2.0], [8.0, -6.0]])
    got = curve_embedding(table, torch.tensor([0.0, 0.25, 0.5, 0.875, 1.0, 1.5, -0.5]))
    want = torch.tensor([[0.0, 10.0], [2.0, 6.0], [4.0, 2.0], [7.0, -4.0], [8.0, -6.0], [8.0, -6.0], [0.0, 10.0]])
    assert torch.allclose(got, want)


def test_the_adaln_projections_take_the_curve_without_silu(pair):
    """A block's six modulations and the final shift / scale are W c(t) + b of the lerped row, by hand."""
    _, curve = pair
    t = torch.tensor([0.3, 0.71])  # off the grid: between rows
    pos = t * (GRID - 1)
    i0 = pos.floor().long()
    c = curve.time_embedder.table[i0] * (1 - (pos - i0))[:, None] + curve.time_embedder.table[i0 + 1] * (pos - i0)[:, None]
    assert torch.allclose(curve.time_embedder(curve.time_proj(t)), c, atol=1e-6)
    lin = curve.transformer_blocks[1].adaln_proj.linear
    want = (c @ lin.weight.T + lin.bias).view(-1, 6 * 32).chunk(6, dim=-1)
    got = curve.transformer_blocks[1].adaln_proj(c)
    assert all(torch.allclose(a, b, atol=1e-6) for a, b in zip(got, want))
    silu = lin(torch.nn.functional.silu(c)).view(-1, 6 * 32).chunk(6, dim=-1)
    assert not torch.allclose(got[0], silu[0], atol=1e-3)  # the SiLU would change it


def test_the_curve_model_equals_the_full_one_on_the_tables_grid(pair):
    """Full-rank basis: on grid timesteps the curve form is the full model's function exactly."""
    full, curve = pair
    grid = torch.linspace(0, 1, GRID)
    x = _inputs(float(grid[5]), float(grid[20]))
    with torch.no_grad():
        want, got = full(**x), curve(**x)
    assert want[0].abs().max() > 0.1
    for a, b in zip(want, got):
        assert torch.allclose(a, b, atol=1e-4), float((a - b).abs().max())
    off = _inputs(0.3, 0.71)  # between grid rows the lerp differs from the full embedder (not its function)
    with torch.no_grad():
        assert not torch.allclose(full(**off)[0], curve(**off)[0], atol=1e-6)


def comfy_layout(curve) -> dict:
    """The curve model's weights in ComfyUI's pruned file layout (a full model's in its full layout), written by hand from ComfyUI's module names
    (comfy/ldm/minimax/model.py): blocks / token_refiner.blocks, attn.qkv_proj [q; k; v], q_norm / k_norm,
    out_proj, mlp.fc1 [gate; value] / fc2, adaln_proj.linear, video_patch_proj / audio_patch_proj /
    condition_proj, final_layer.{norm, adaln_proj.linear, video_out, audio_out}, adaln_t_table (a full model:
    time_embedder.proj_in / proj_out), rope.inv_freq."""
    names = [("transformer_blocks.", "blocks."), ("token_refiner.refiner_blocks.", "token_refiner.blocks."),
             ("audio_proj_in.", "audio_patch_proj."), ("audio_proj_out.", "final_layer.audio_out."),
             ("proj_in.", "video_patch_proj."), ("proj_out.", "final_layer.video_out."),
             ("context_embedder.", "condition_proj."), ("norm_out.norm.", "final_layer.norm."),
             ("norm_out.linear.", "final_layer.adaln_proj.linear."), ("attn.norm_q.", "attn.q_norm."),
             ("attn.norm_k.", "attn.k_norm."), ("attn.to_out.0.", "attn.out_proj."), ("ff.net.0.proj.", "mlp.fc1."),
             ("ff.net.2.", "mlp.fc2."), ("time_embedder.table", "adaln_t_table"),
             ("time_embedder.linear_1.", "time_embedder.proj_in."),  # a full model's (ComfyUI's TimeEmbedder)
             ("time_embedder.linear_2.", "time_embedder.proj_out.")]
    sd = {k: v.clone().contiguous() for k, v in curve.state_dict().items()}
    out = {}
    for k, v in sd.items():
        if ".attn.to_k." in k or ".attn.to_v." in k:
            continue
        if ".attn.to_q." in k:
            v = torch.cat([v, sd[k.replace("to_q", "to_k")], sd[k.replace("to_q", "to_v")]])
            k = k.replace("to_q", "qkv_proj")
        if "ff.net.0.proj." in k:
            value, gate = v.chunk(2)
            v = torch.cat([gate, value])
        for a, b in names:
            if k.startswith(a) or (a.startswith(("attn", "ff")) and a in k):
                k = k.replace(a, b, 1)
        out[k] = v.contiguous()
    out["rope.inv_freq"] = curve.rope.inv_freq.clone()
    return out


def test_comfyuis_pruned_file_reads_as_the_curve_model(pair, tmp_path):
    """A tiny file in ComfyUI's layout: config from its shapes, every weight back in place, same outputs."""
    from safetensors.torch import save_file

    from nodes.video_models.families.minimax_h3 import comfy_file
    _, curve = pair
    path = str(tmp_path / "minimax_h3_fl2va_pruned.safetensors")
    save_file(comfy_layout(curve), path)
    got = comfy_file.load(path, torch.float32).eval()
    assert got.config.adaln_curve_grid == GRID and got.config.time_embed_dim == 16
    assert got.config.num_attention_heads == 2 and got.config.num_layers == 2 and got.config.rope_theta == 10000.0
    want = curve.state_dict()
    have = got.state_dict()
    assert set(have) == set(want) and all(torch.equal(have[k], want[k]) for k in want)
    x = _inputs(0.3, 0.71)
    with torch.no_grad():
        assert all(torch.allclose(a, b, atol=1e-5) for a, b in zip(curve(**x), got(**x)))


def test_a_file_with_neither_time_path_or_a_head_bank_is_refused_in_words(pair, tmp_path):
    """No adaln_t_table and no time embedder: no MiniMax H3 file of either form; a PDD head bank: refused (a full
    file itself is read: test_minimax_h3_full_file.py)."""
    from safetensors.torch import save_file

    from nodes.video_models.base.errors import ModelError
    from nodes.video_models.families.minimax_h3 import comfy_file
    _, curve = pair
    layout = comfy_layout(curve)
    shapes = {k: tuple(v.shape) for k, v in layout.items()}
    with pytest.raises(ModelError, match="neither the pruned file's 'adaln_t_table' nor the full file's"):
        comfy_file.config_from_shapes({k: v for k, v in shapes.items() if k != "adaln_t_table"}, "f.safetensors")
    layout["final_layer.video_out.weight"] = layout["final_layer.video_out.weight"].repeat(4, 1)
    path = str(tmp_path / "fasth3_pdd.safetensors")
    save_file(layout, path)
    with pytest.raises(ModelError, match="4 video output heads"):
        comfy_file.load(path, torch.float32)


def test_the_int8_convrot_file_keeps_its_block_linears_int8(pair, tmp_path):
    """ComfyUI's 200-layer policy at tiny size: each block's qkv_proj, out_proj, fc1, fc2 int8 convrot (groups
    of 16). After the [q; k; v] split and the [gate; value] swap, every layer is still int8 with its own rows'
    scales (each dequantised weight within half a step of its row's scale of the true one), and the output
    is within int8 rounding of the plain model's."""
    from safetensors.torch import save_file

    from nodes.video_models.families.minimax_h3 import comfy_file
    from nodes.video_models.files.comfy_int8 import Int8Linear, dequantise, marker, quantise
    _, curve = pair
    layout = comfy_layout(curve)
    layers = [k[: -len(".weight")] for k in layout
              if k.startswith("blocks.") and k.endswith(("qkv_proj.weight", "out_proj.weight", "fc1.weight", "fc2.weight"))]
    assert len(layers) == 8
    for layer in layers:
        q = quantise(layout[layer + ".weight"], 16)
        layout.update({layer + ".weight": q.data, layer + ".weight_scale": q.scale.float(),
                       layer + ".comfy_quant": marker(16)})
    path = str(tmp_path / "minimax_h3_fl2va_pruned_int8_convrot.safetensors")
    save_file(layout, path)
    got = comfy_file.load(path, torch.float32).eval()
    int8s = {n: m for n, m in got.named_modules() if isinstance(m, Int8Linear)}
    assert len(int8s) == 12  # per block: to_q, to_k, to_v, to_out.0, ff.net.0.proj, ff.net.2
    want = dict(curve.named_modules())
    for n, m in int8s.items():
        w = m.int8()
        assert w.data.dtype == torch.int8 and w.scale.shape == (want[n].weight.shape[0], 1)
        err = (dequantise(w, torch.float32) - want[n].weight).abs()
        assert err.max() > 0 and bool((err <= w.scale * 0.51 * 4 + 1e-6).all())  # rows matched with their scales
    x = _inputs(0.3, 0.71)
    with torch.no_grad():
        a, b = curve(**x)[0], got(**x)[0]
    assert not torch.equal(a, b)
    assert float((a - b).abs().max()) < 0.05 * float(a.abs().max())


@pytest.fixture(scope="module")
def comfy_files(tmp_path_factory, tiny):
    """The session's tiny MiniMax H3 folder, and a diffusion_models folder with ComfyUI's two pruned int8 files of
    its size (fl2va and ref2va: different weights, same tensors), as the templates name them."""
    from safetensors.torch import save_file

    from nodes.video_models.families.minimax_h3.curve import MiniMaxH3CurveTransformer
    from nodes.video_models.files.comfy_int8 import marker, quantise
    root = tmp_path_factory.mktemp("minimax_comfy")
    folder = tiny("minimax-h3")  # the session's tiny MiniMax H3 (read only; test_minimax_h3.py's too)
    os.makedirs(root / "diffusion_models")
    out = {}
    for seed, part in ((1, "fl2va"), (2, "ref2va")):
        torch.manual_seed(seed)
        model = MiniMaxH3CurveTransformer(**dict(DIT, time_embed_dim=8), adaln_curve_grid=GRID)
        model.time_embedder.table.data.normal_()  # made zero: the file's to fill
        layout = comfy_layout(model)
        for k in [k for k in layout if k.startswith("blocks.") and k.endswith(("qkv_proj.weight", "fc2.weight"))]:
            q = quantise(layout[k], 16)
            layout.update({k: q.data, k[:-7] + ".weight_scale": q.scale.float(), k[:-7] + ".comfy_quant": marker(16)})
        out[part] = str(root / "diffusion_models" / f"minimax_h3_{part}_pruned_int8_convrot.safetensors")
        save_file(layout, out[part])
    return folder, out


def test_comfyuis_files_are_the_familys_two_transformers(comfy_files):
    """The fl2va file with the MiniMax H3 folder as its base is the pipeline's transformer (curve form, int8
    layers kept), the folder's transformer/ not read; readied for reference to video, the ref2va file beside
    it is read as transformer_ref (the fl2va one set aside), both said; a ref2va file loaded first fills
    transformer_ref."""
    import types

    from nodes.video_models.families.minimax_h3.curve import MiniMaxH3CurveTransformer
    from nodes.video_models.families.minimax_h3.partitions import use_partition
    from nodes.video_models.files.comfy_int8 import Int8Linear
    from nodes.video_models.loading.load import load_video_model
    folder, files = comfy_files
    said = []
    ref = load_video_model(files["fl2va"], base=folder, device="cpu", dtype_name="fp32", info=said.append)
    den = ref.module.transformer
    assert isinstance(den, MiniMaxH3CurveTransformer) and den.config.time_embed_dim == 8
    assert sum(isinstance(m, Int8Linear) for m in den.modules()) == 2 * 4  # to_q, to_k, to_v, ff.net.2 per block
    assert any(m.startswith("transformer: ") and "curve form (adaln_t_table [33, 8])" in m for m in said), said
    assert getattr(ref.module, "transformer_ref", None) is None
    said.clear()
    use_partition(types.SimpleNamespace(info=said.append), ref, "r2v")
    assert said[0].startswith("MiniMax H3's transformer/ (text and image to video) set aside")
    assert said[-1] == f"MiniMax H3's transformer_ref (reference to video) read from ComfyUI's file '{files['ref2va']}'"
    assert ref.module.transformer is None and isinstance(ref.module.transformer_ref, MiniMaxH3CurveTransformer)
    table = ref.module.transformer_ref.time_embedder.table
    assert not torch.equal(table, den.time_embedder.table)  # the ref2va file's own weights
    ref2 = load_video_model(files["ref2va"], base=folder, device="cpu", dtype_name="fp32")
    assert ref2.module.transformer is None and torch.equal(ref2.module.transformer_ref.time_embedder.table, table)


def test_text_to_video_on_comfyuis_fl2va_file_equals_the_pipeline_called_directly(comfy_files):
    """Load Video Model with the fl2va file as 'model' and the folder as 'base', then Text to Video: the frames
    equal diffusers' modular pipeline called directly with the curve transformer read from the same file."""
    import numpy as np

    from nodes.video_models.families.minimax_h3 import comfy_file
    from .tiny_minimax_h3 import direct_t2v, run_t2v
    folder, files = comfy_files
    clip, seed = run_t2v({"model": files["fl2va"], "base": folder})
    assert (clip.n_frames, clip.width, clip.height) == (124, 32, 32)
    want = direct_t2v(folder, seed, transformer=comfy_file.load(files["fl2va"], torch.float32).eval())
    assert clip.frames.std() > 0.01
    assert np.array_equal(clip.frames, np.clip(np.asarray(want, np.float32), 0, 1))


def test_the_released_files_shapes_pass_every_check_with_nothing_allocated():
    """ComfyUI's minimax_h3_fl2va_pruned_int8_convrot at the released size (diffusers' default MiniMax H3
    config, 8-wide curve on 1025 rows), its layout made on the meta device: 532 tensors, 932 with the 200 int8
    layers' scales and markers (the count public audits of the file give); its config is read from the shapes
    and every converted tensor fits the curve model; a tensor of another shape is refused naming it."""
    from accelerate import init_empty_weights

    from nodes.video_models.base.errors import ModelError
    from nodes.video_models.families.minimax_h3 import comfy_file
    from nodes.video_models.families.minimax_h3.curve import MiniMaxH3CurveTransformer
    with init_empty_weights(include_buffers=True):
        released = MiniMaxH3CurveTransformer()
    shapes = {k: tuple(v.shape) for k, v in comfy_layout(released).items()}
    int8 = [k for k in shapes if k.startswith("blocks.") and k.endswith(
        ("qkv_proj.weight", "out_proj.weight", "fc1.weight", "fc2.weight"))]
    assert (len(shapes), len(int8), len(shapes) + 2 * len(int8)) == (532, 200, 932)
    assert shapes["adaln_t_table"] == (1025, 8) and shapes["blocks.0.adaln_proj.linear.weight"] == (96768, 8)
    cfg = comfy_file.config_from_shapes(shapes, "released.safetensors")
    assert (cfg["num_layers"], cfg["num_attention_heads"], cfg["hidden_size"], cfg["ffn_dim"], cfg["text_dim"]) == \
        (50, 56, 5376, 14336, 5120)
    comfy_file.check(shapes, cfg, "released.safetensors")
    shapes["blocks.7.mlp.fc2.weight"] = (5376, 14335)
    with pytest.raises(ModelError, match=r"tensor 'blocks.7.mlp.fc2.weight' is \[5376, 14335\] where"):
        comfy_file.check(shapes, cfg, "released.safetensors")


def test_the_files_name_says_which_transformer_it_is():
    """The templates' names (the fl2va and ref2va files hold the same tensors)."""
    from nodes.video_models.families.minimax_h3.comfy_file import part_of
    assert [part_of(f"/m/{n}_pruned_int8_convrot.safetensors") for n in (
        "minimax_h3_fl2va", "fastvideo_fasth3_8step_v2", "minimax_h3_ref2va", "fasth3_omniref_8step")] == \
        ["transformer", "transformer", "transformer_ref", "transformer_ref"]


def test_comfyuis_part_files_beside_the_dit_file_are_refused_naming_what(comfy_files, tmp_path):
    """A file that is not MiniMax H3's VAE given as 'vae' with the DiT file and its base: refused before any
    load, naming what it holds (ComfyUI's VAE files themselves are read: test_minimax_h3_vae_files.py)."""
    from safetensors.torch import save_file

    from nodes.video_models.base.errors import ModelError
    from nodes.video_models.loading.load import load_video_model
    folder, files = comfy_files
    vae = str(tmp_path / "wan_2.1_vae.safetensors")
    save_file({"decoder.conv1.weight": torch.zeros(2, 2, 1, 1, 1)}, vae)
    with pytest.raises(ModelError, match=r"was given as MiniMax H3's VAE but is neither of its ComfyUI VAE files"):
        load_video_model(files["fl2va"], base=folder, device="cpu", dtype_name="fp32", parts={"vae": vae})
