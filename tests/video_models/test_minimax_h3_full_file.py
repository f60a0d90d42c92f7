"""MiniMax H3's full (unpruned) DiT single file in ComfyUI's layout (Comfy-Org's minimax_h3_fl2va / ref2va_bf16,
the full *_int8_convrot files; comfy_file.py): its config told from the shapes (the time embedder's two layers
where a pruned file has adaln_t_table), read into diffusers' own MiniMaxH3Transformer3DModel by diffusers'
converter's names, to the same weights diffusers' ``from_single_file`` reads from it; its int8 convrot and fp8
variants kept in 8 bits; with a MiniMax H3 folder as 'base', or ComfyUI's VAE and Qwen3-VL files and no folder,
Load Video Model reads it and Text to Video runs on it; the other partition's full file beside it read when its task
runs; a DiT file named by the RunningHub MiniMax H3 pack's rule read with its q/k/v rows per head. Tiny random models built from configs (test_minimax_h3_curve.DIT); ComfyUI's names written by hand from
comfy/ldm/minimax/model.py (test_minimax_h3_curve.comfy_layout)."""
from __future__ import annotations

import json
import os

import pytest
import torch

from .test_minimax_h3_curve import DIT, _inputs, comfy_layout
from .test_minimax_h3_vae_files import vaes  # noqa: F401  (tiny VAEs and ComfyUI's files of them)

pytest.importorskip("diffusers")


@pytest.fixture(scope="module")
def full():
    """A tiny full MiniMax H3 with visible modulation (the random init leaves AdaLN weights tiny)."""
    from diffusers import MiniMaxH3Transformer3DModel
    torch.manual_seed(5)
    model = MiniMaxH3Transformer3DModel(**DIT).eval()
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.05 * torch.randn_like(p))
    return model


def _save(model, path: str, dtype=None) -> str:
    from safetensors.torch import save_file
    layout = comfy_layout(model)
    assert "time_embedder.proj_in.weight" in layout and "adaln_t_table" not in layout
    save_file({k: v.to(dtype) if dtype is not None and v.is_floating_point() else v for k, v in layout.items()}, path)
    return path


def test_a_full_file_reads_as_diffusers_own_transformer_as_from_single_file_reads_it(full, tmp_path):
    """Config from the shapes (freq_dim, time_embed_hidden_dim, time_embed_dim from the time embedder); every
    weight back in place, the same outputs; diffusers' own MiniMaxH3Transformer3DModel.from_single_file on the
    same file (its config beside it) gives the same weights."""
    from diffusers import MiniMaxH3Transformer3DModel

    from nodes.video_models.families.minimax_h3 import comfy_file
    from nodes.video_models.families.minimax_h3.curve import MiniMaxH3CurveTransformer
    path = _save(full, str(tmp_path / "minimax_h3_fl2va_bf16.safetensors"))
    got = comfy_file.load(path, torch.float32).eval()
    assert type(got) is MiniMaxH3Transformer3DModel and not isinstance(got, MiniMaxH3CurveTransformer)
    assert (got.config.freq_dim, got.config.time_embed_hidden_dim, got.config.time_embed_dim) == (32, 32, 16)
    assert got.config.num_layers == 2 and got.config.num_refiner_layers == 1 and got.config.rope_freq_dim == 2
    want, have = full.state_dict(), got.state_dict()
    assert set(have) == set(want) and all(torch.equal(have[k], want[k]) for k in want)
    x = _inputs(0.3, 0.71)
    with torch.no_grad():
        assert all(torch.allclose(a, b, atol=1e-5) for a, b in zip(full(**x), got(**x)))
    os.makedirs(tmp_path / "cfg" / "transformer")
    with open(tmp_path / "cfg" / "transformer" / "config.json", "w") as f:
        json.dump({"_class_name": "MiniMaxH3Transformer3DModel", **dict(got.config)}, f)
    theirs = MiniMaxH3Transformer3DModel.from_single_file(path, config=str(tmp_path / "cfg"), subfolder="transformer",
                                                          torch_dtype=torch.float32, local_files_only=True)
    ref = theirs.state_dict()
    assert set(ref) == set(have) and all(torch.equal(ref[k], have[k]) for k in have)


def test_the_full_files_reader_says_its_form_and_a_bf16_file_reads(full, tmp_path):
    """The reader's words name the full form and diffusers' converter; a bf16 file reads within bf16 rounding,
    its time embedder kept in fp32 (diffusers' _keep_in_fp32_modules)."""
    from nodes.video_models.families.minimax_h3 import comfy_file
    from nodes.video_models.families.minimax_h3.family import MiniMaxH3Modular
    from nodes.video_models.files.weight_formats import read_weight_file
    path = _save(full, str(tmp_path / "minimax_h3_ref2va_bf16.safetensors"), torch.bfloat16)
    wf = read_weight_file(path)
    reader = MiniMaxH3Modular().single_file_reader(wf)
    assert reader is comfy_file.reader
    part, model, words = reader(wf, torch.bfloat16, "cpu", print)
    assert part == "transformer_ref"
    assert "ComfyUI's full (unpruned) form read into diffusers' MiniMax H3 transformer by diffusers' converter" in words
    assert model.time_embedder.linear_1.weight.dtype == torch.float32
    assert model.transformer_blocks[0].attn.to_q.weight.dtype == torch.bfloat16
    assert torch.allclose(model.transformer_blocks[1].ff.net[0].proj.weight.float(),
                          full.transformer_blocks[1].ff.net[0].proj.weight, atol=2e-2)


def test_a_full_int8_convrot_file_keeps_its_block_linears_int8(full, tmp_path):
    """ComfyUI's full int8 convrot file at tiny size: each block's qkv_proj, out_proj, fc1, fc2 int8 (groups of 16):
    kept int8 after the [q; k; v] split and the [gate; value] swap, output within int8 rounding."""
    from safetensors.torch import save_file

    from nodes.video_models.families.minimax_h3 import comfy_file
    from nodes.video_models.files.comfy_int8 import Int8Linear, marker, quantise
    layout = comfy_layout(full)
    for k in [k for k in layout if k.startswith("blocks.") and k.endswith(
            ("qkv_proj.weight", "out_proj.weight", "fc1.weight", "fc2.weight"))]:
        q = quantise(layout[k], 16)
        layout.update({k: q.data, k[:-7] + ".weight_scale": q.scale.float(), k[:-7] + ".comfy_quant": marker(16)})
    path = str(tmp_path / "minimax_h3_fl2va_int8_convrot.safetensors")
    save_file(layout, path)
    got = comfy_file.load(path, torch.float32).eval()
    assert sum(isinstance(m, Int8Linear) for m in got.modules()) == 12
    x = _inputs(0.3, 0.71)
    with torch.no_grad():
        a, b = full(**x)[0], got(**x)[0]
    assert not torch.equal(a, b) and float((a - b).abs().max()) < 0.05 * float(a.abs().max())


def test_a_full_fp8_file_keeps_its_linears_in_fp8(full, tmp_path):
    """An unscaled fp8 e4m3fn full file (the community's minimax_h3_fl2va_fp8_e4m3fn): the [gate; value] swap made on
    the fp8 rows, the block linears stored in fp8, computed in fp32, within fp8 rounding."""
    from nodes.video_models.families.minimax_h3 import comfy_file
    path = _save(full, str(tmp_path / "minimax_h3_fl2va_fp8_e4m3fn.safetensors"), torch.float8_e4m3fn)
    got = comfy_file.load(path, torch.float32).eval()
    w = got.transformer_blocks[0].ff.net[0].proj.weight
    assert w.dtype == torch.float8_e4m3fn
    assert torch.allclose(w.float(), full.transformer_blocks[0].ff.net[0].proj.weight, rtol=0.07, atol=2e-3)
    x = _inputs(0.3, 0.71)
    with torch.no_grad():
        a, b = full(**x)[0], got(**x)[0]
    assert float((a - b).abs().max()) < 0.1 * float(a.abs().max())


def test_the_released_full_files_shapes_pass_every_check_with_nothing_allocated():
    """Comfy-Org's full minimax_h3_fl2va_bf16 at the released size (diffusers' default config), made on the meta
    device: its config is diffusers' default (freq 256, time embedder 5376 -> 2688), every tensor fits."""
    from accelerate import init_empty_weights
    from diffusers import MiniMaxH3Transformer3DModel

    from nodes.video_models.families.minimax_h3 import comfy_file
    with init_empty_weights(include_buffers=True):
        released = MiniMaxH3Transformer3DModel()
    shapes = {k: tuple(v.shape) for k, v in comfy_layout(released).items()}
    cfg = comfy_file.config_from_shapes(shapes, "minimax_h3_fl2va_bf16.safetensors")
    assert comfy_file.is_full(cfg)
    assert (cfg["freq_dim"], cfg["time_embed_hidden_dim"], cfg["time_embed_dim"], cfg["num_layers"]) == \
        (256, 5376, 2688, 50)
    comfy_file.check(shapes, cfg, "minimax_h3_fl2va_bf16.safetensors")


@pytest.fixture(scope="module")
def full_and_base(tmp_path_factory, tiny, full):
    """The session's tiny MiniMax H3 folder, and ComfyUI's full fl2va file of its size beside nothing else."""
    root = tmp_path_factory.mktemp("minimax_full")
    os.makedirs(root / "diffusion_models")
    return tiny("minimax-h3"), _save(full, str(root / "diffusion_models" / "minimax_h3_fl2va_bf16.safetensors"))


def test_text_to_video_on_comfyuis_full_file_equals_the_pipeline_called_directly(full_and_base, full):
    """Load Video Model with the full file as 'model' and the folder as 'base' (its VAEs and Qwen3-VL), then Text
    to Video: the pipeline's transformer is diffusers' own, read from the file (said), and the frames equal
    diffusers' modular pipeline called directly with the model the file was made from."""
    import numpy as np
    from diffusers import MiniMaxH3Transformer3DModel

    from nodes.video_models.loading.load import load_video_model
    from .tiny_minimax_h3 import direct_t2v, run_t2v
    folder, path = full_and_base
    said = []
    ref = load_video_model(path, base=folder, device="cpu", dtype_name="fp32", info=said.append)
    assert type(ref.module.transformer) is MiniMaxH3Transformer3DModel
    assert any(m.startswith("transformer: ") and "full (unpruned) form" in m for m in said), said
    clip, seed = run_t2v({"model": path, "base": folder})
    assert (clip.n_frames, clip.width, clip.height) == (124, 32, 32)
    want = direct_t2v(folder, seed, transformer=full)
    assert clip.frames.std() > 0.01
    assert np.allclose(clip.frames, np.clip(np.asarray(want, np.float32), 0, 1), atol=1e-4)



def _per_head(layout: dict, heads: int) -> dict:
    """ComfyUI's layout with every fused q/k/v weight's rows stored per head ([head: q k v] ...), the MiniMaxAI shards'
    order the RunningHub pack's converted files keep."""
    out = dict(layout)
    for k, v in layout.items():
        if k.endswith(".attn.qkv_proj.weight"):
            q, kk, vv = (x.unflatten(0, (heads, -1)) for x in v.chunk(3))
            out[k] = torch.stack([q, kk, vv], dim=1).flatten(0, 2).contiguous()
    return out


def test_the_runninghub_packs_dit_file_is_read_with_its_qkv_rows_per_head(full, tmp_path):
    """A DiT file named by the RunningHub MiniMax H3 pack's rule (MiniMax-H3-FL2VA-int8_convrot) keeps the release's
    per-head q/k/v rows (the pack's loader reorders every DiT file's rows so): read per head it is the model exactly
    (plain and int8 alike, its rows' scales following them); the same rows under ComfyUI's own name are read stacked,
    another model (the order cannot be told from the tensors: diffusers' converter says so)."""
    from safetensors.torch import save_file

    from nodes.video_models.families.minimax_h3 import comfy_file
    from nodes.video_models.files.comfy_int8 import Int8Linear, dequantise, marker, quantise
    layout = _per_head(comfy_layout(full), DIT["num_attention_heads"])
    rh = str(tmp_path / "MiniMax-H3-FL2VA-bf16.safetensors")
    save_file(layout, rh)
    assert comfy_file.interleaved(rh) and not comfy_file.interleaved("/m/minimax_h3_fl2va_bf16.safetensors")
    got = comfy_file.load(rh, torch.float32).state_dict()
    assert all(torch.equal(got[k], v) for k, v in full.state_dict().items())
    comfy = str(tmp_path / "minimax_h3_fl2va_bf16.safetensors")
    save_file(layout, comfy)
    other = comfy_file.load(comfy, torch.float32).state_dict()
    assert not torch.equal(other["transformer_blocks.0.attn.to_q.weight"], full.transformer_blocks[0].attn.to_q.weight)
    for k in [k for k in layout if k.startswith("blocks.") and k.endswith("qkv_proj.weight")]:
        q = quantise(layout[k], 16)
        layout.update({k: q.data, k[:-7] + ".weight_scale": q.scale.float(), k[:-7] + ".comfy_quant": marker(16)})
    int8 = str(tmp_path / "MiniMax-H3-FL2VA-int8_convrot.safetensors")
    save_file(layout, int8)
    model = comfy_file.load(int8, torch.float32)
    to_k = model.transformer_blocks[1].attn.to_k
    assert isinstance(to_k, Int8Linear)
    err = (dequantise(to_k.int8(), torch.float32) - full.transformer_blocks[1].attn.to_k.weight).abs()
    assert bool((err <= to_k.int8().scale * 0.51 * 4 + 1e-6).all())  # each row with its own scale


def test_a_full_file_with_comfyuis_vae_and_qwen3vl_files_and_no_base_runs(full, vaes, tmp_path):  # noqa: F811
    """No folder at all: the full DiT file with ComfyUI's video VAE file (its audio VAE beside) and Qwen3-VL file
    (NVFP4, tokenizer beside) as Load Video Model's parts: the pipeline's transformer is diffusers' own read from the
    file, and Text to Video makes its clip."""
    from diffusers import MiniMaxH3Transformer3DModel

    from nodes.video_models.loading.load import load_video_model
    from .tiny_minimax_h3 import run_t2v
    from .tiny_minimax_h3_text import tiny_conditioner, tokenizer_and_processor, write_text_encoder
    tok, _ = tokenizer_and_processor(str(tmp_path / "t"))
    te = write_text_encoder(str(tmp_path / "te"), tiny_conditioner(tok), tok, nvfp4=True, vision=False)
    vae_files = vaes[2]
    dit = _save(full, str(tmp_path / "minimax_h3_fl2va_bf16.safetensors"))
    said = []
    ref = load_video_model(dit, base="", device="cpu", dtype_name="fp32", info=said.append,
                           parts={"vae": vae_files["video"], "text_encoder": te})
    assert type(ref.module.transformer) is MiniMaxH3Transformer3DModel
    assert any(m.startswith("transformer: ") and "full (unpruned) form" in m for m in said), said
    clip, _ = run_t2v({"model": dit, "base": "", "vae": vae_files["video"], "text_encoder": te})
    assert (clip.n_frames, clip.width, clip.height) == (124, 32, 32) and clip.frames.std() > 0.01


def test_the_other_partitions_full_file_beside_it_is_read_when_its_task_runs(full, full_and_base):
    """Readied for reference to video, the full fl2va file's ref2va file beside it (full too) is read as
    transformer_ref (diffusers' own class), said."""
    import os
    import types

    from diffusers import MiniMaxH3Transformer3DModel

    from nodes.video_models.families.minimax_h3.partitions import use_partition
    from nodes.video_models.loading.load import load_video_model
    folder, path = full_and_base
    ref2va = _save(full, os.path.join(os.path.dirname(path), "minimax_h3_ref2va_bf16.safetensors"))
    ref = load_video_model(path, base=folder, device="cpu", dtype_name="fp32")
    said = []
    use_partition(types.SimpleNamespace(info=said.append), ref, "r2v")
    assert said[-1] == f"MiniMax H3's transformer_ref (reference to video) read from ComfyUI's file '{ref2va}'"
    assert type(ref.module.transformer_ref) is MiniMaxH3Transformer3DModel
