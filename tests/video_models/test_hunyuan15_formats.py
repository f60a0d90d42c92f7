"""HunyuanVideo 1.5 denoisers in Tencent's names as ComfyUI users have them quantised (issue 45,
items 2-3): GGUF (city96's layout: the 2-D weights quantised, the rest F32) and ComfyUI's scaled
fp8 (per-tensor ``scale_weight``). Studio's converter splits the token refiner's fused qkv in
three and reorders the final layer's modulation halves: both are row operations, carried on
GGUF's quantised rows and with each weight's fp8 scale. Every 2-D weight is quantised here,
those two included. Loaded lean with a base folder and with none, they render Text to Video
within 40 dB of the diffusers folder's fp32 frames (the figure printed; Q4_K's stated)."""
from __future__ import annotations

import os
import shutil

import pytest
import torch
from safetensors.torch import load_file

from nodes.video_models.base.errors import ModelError
from nodes.video_models.loading.load import load_video_model

from . import tiny_formats as tf
from . import tiny_hunyuan15 as th
from .file_formats import gguf_with_tq2

pytest.importorskip("diffusers")
pytest.importorskip("gguf")
CPU = torch.device("cpu")
PROMPT = 'a red fox running in the snow, a sign saying "hello"'
SPLIT = ("txt_in.individual_token_refiner.blocks.0.self_attn_qkv.weight", "final_layer.adaLN_modulation.1.weight")


def _every_matrix(name, t) -> bool:
    return t.dim() == 2 and name.endswith(".weight")


def _every_row(name, t) -> bool:
    """Biases, norms and the embedding table too (city96's files keep those in F32; another converter
    might not): Studio dequantises those diffusers would not run quantised, the split biases first."""
    return t.dim() in (1, 2)


def _tencent_state(files) -> dict:
    """The fp32 denoiser file's tensors, ComfyUI's prefix removed (as city96's converter writes them)."""
    pre = "model.diffusion_model."
    return {k[len(pre):]: v for k, v in load_file(files["denoiser"]).items()}


@pytest.fixture(scope="module")
def reference(hy15):
    folder, _ = hy15
    return th.t2v_frames(load_video_model(folder, base=None, device=CPU, dtype_name="fp32"), PROMPT)


def _no_folder(files, den, tmp_path, said):
    te = tmp_path / "text_encoders"
    te.mkdir(exist_ok=True)
    qwen = str(te / "qwen_2.5_vl_7b_tiny.safetensors")
    shutil.copy(files["text_encoder"], qwen)
    if not os.path.isdir(te / "tokenizer"):
        shutil.copytree(os.path.join(os.path.dirname(os.path.dirname(files["denoiser"])), "hunyuanvideo15-tiny",
                                     "tokenizer"), te / "tokenizer")
    parts = {"text_encoder": qwen, "text_encoder_2": files["text_encoder_2"], "vae": files["vae"]}
    return load_video_model(den, base=None, device=CPU, dtype_name="fp32", info=said.append, parts=parts)


@pytest.mark.parametrize("qtype,floor", [("Q8_0", 40.0), ("Q4_K", 40.0)])
def test_a_gguf_denoiser_in_tencents_names_renders_near_the_folders_frames(hy15, reference, tmp_path, qtype, floor):
    from diffusers.quantizers.gguf.utils import GGUFLinear, GGUFParameter
    folder, files = hy15
    f = tf.write_gguf(_tencent_state(files), str(tmp_path / f"hunyuanvideo1.5_480p_t2v_tiny-{qtype}.gguf"), qtype,
                      pick=_every_row if qtype == "Q8_0" else _every_matrix)
    said = []
    one = load_video_model(f, base=folder, device=CPU, dtype_name="fp32", info=said.append)
    assert f"GGUF {qtype} in the original layout (converted by Studio's converter as read), dequantised on the fly " \
           "to fp32" in said[0], said
    den = one.module.transformer
    block = den.transformer_blocks[0]
    q = block.attn.to_q if qtype == "Q8_0" else block.ff.net[2]  # Q4_K: the rows of 256 values (blocks of 256)
    assert isinstance(q, GGUFLinear) and isinstance(q.weight, GGUFParameter) and q.weight.quant_type.name == qtype
    if qtype == "Q8_0":  # the two split tensors kept quantised, their rows cut at block boundaries
        from nodes.video_models.files.weight_formats import read_weight_file
        refiner = den.context_embedder.token_refiner.refiner_blocks[0].attn
        assert all(isinstance(getattr(refiner, n).weight, GGUFParameter) for n in ("to_q", "to_k", "to_v"))
        assert isinstance(den.norm_out.linear.weight, GGUFParameter)
        held = read_weight_file(f).tensors  # quantised in the file: a split bias and the embedding table, which
        assert held[SPLIT[0].replace("weight", "bias")].dtype == held["cond_type_embedding.weight"].dtype == "Q8_0"
        bias = _tencent_state(files)[SPLIT[0].replace("weight", "bias")].chunk(3)[2]  # run dequantised
        assert type(refiner.to_v.bias) is torch.nn.Parameter and (refiner.to_v.bias - bias).abs().max() < 2e-3
        assert type(den.cond_type_embed.weight) is torch.nn.Parameter
    assert f"GGUF {qtype}" in one.summary()
    got = th.t2v_frames(one, PROMPT)
    db = tf.psnr(reference, got)
    print(f"GGUF {qtype} HunyuanVideo 1.5 denoiser (Tencent's names): {db:.1f} dB against the fp32 folder's frames")
    assert not torch.equal(reference, got) and db >= floor
    if qtype == "Q8_0":  # and with no folder at all: the config from the GGUF's shapes
        said = []
        alone = _no_folder(files, f, tmp_path, said)
        assert "GGUF Q8_0 in the original layout" in said[0] and "480p T2V, shift 5.0" in said[0], said
        assert torch.equal(th.t2v_frames(alone, PROMPT), got)


def test_a_scaled_fp8_denoiser_in_tencents_names_carries_its_scales_through_the_splits(hy15, reference, tmp_path):
    folder, files = hy15
    f = tf.write_fp8(_tencent_state(files), str(tmp_path / "hunyuanvideo1.5_480p_t2v_tiny_fp8_scaled.safetensors"),
                     torch.float8_e4m3fn, scaled=True, pick=_every_matrix)
    said = []
    one = load_video_model(f, base=folder, device=CPU, dtype_name="fp32", info=said.append)
    assert "fp8 e4m3 (scaled)" in said[0] and "converted by Studio's converter as read), stored in 8 bits" in said[0]
    den = one.module.transformer
    refiner = den.context_embedder.token_refiner.refiner_blocks[0].attn
    assert refiner.to_k.weight.dtype == den.norm_out.linear.weight.dtype == torch.float8_e4m3fn
    # each third of the fused qkv computes with the fused weight's scale: the true layer comes back (to fp8's
    # precision; without the scale its outputs would be about 1/scale = hundreds of times too large)
    state = _tencent_state(files)
    w, b = (state[SPLIT[0]].chunk(3)[1], state[SPLIT[0].replace(".weight", ".bias")].chunk(3)[1])
    x = torch.randn(1, w.shape[1], generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        want = x @ w.T + b
        assert (refiner.to_k(x) - want).abs().max() < 0.1 * want.abs().max()
    got = th.t2v_frames(one, PROMPT)
    db = tf.psnr(reference, got)
    print(f"scaled fp8 e4m3 HunyuanVideo 1.5 denoiser (Tencent's names): {db:.1f} dB against the fp32 folder's frames")
    assert not torch.equal(reference, got) and db >= 40
    said = []
    alone = _no_folder(files, f, tmp_path, said)
    assert "fp8 e4m3 (scaled)" in said[0] and "480p T2V" in said[0], said
    assert torch.equal(th.t2v_frames(alone, PROMPT), got)


def test_a_gguf_of_a_quantisation_diffusers_cannot_read_is_named_before_loading(hy15, tmp_path):
    folder, files = hy15
    f = gguf_with_tq2(str(tmp_path / "hunyuanvideo1.5_480p_t2v_tq2.gguf"), "hyvid", _tencent_state(files),
                      "double_blocks.0.img_mlp.fc2.weight")
    for base in (folder, None):
        with pytest.raises(ModelError, match=r"is quantised as GGUF TQ2_0 \(e.g. 'double_blocks.0.img_mlp.fc2.weight'\)"
                                             r", which diffusers .* cannot read"):
            load_video_model(f, base=base, device=CPU, dtype_name="fp32",
                             parts=None if base else {c: files[c] for c in ("text_encoder", "text_encoder_2", "vae")})


def test_load_video_model_says_the_gguf_format(hy15, tmp_path):
    """The Load Video Model node (the GGUF denoiser, Qwen2.5-VL with its tokenizer beside it, byT5,
    VAE; no folder): its note says the denoiser's format and each part's. (Text to Video through the
    graph is not run: diffusers' HunyuanVideo 1.5 pipelines take no callback_on_step_end, which
    Studio's sampler passes for progress, previews and Stop, whatever the model's files.)"""
    from studio.core.graph import Graph
    from studio.engine.events import NodeNote
    from studio.engine.executor import Executor
    folder, files = hy15
    f = tf.write_gguf(_tencent_state(files), str(tmp_path / "hunyuanvideo1.5_480p_t2v_tiny-Q8_0.gguf"), "Q8_0",
                      pick=_every_matrix)
    te = tmp_path / "text_encoders"
    te.mkdir()
    shutil.copy(files["text_encoder"], te / "qwen_2.5_vl_7b_tiny.safetensors")
    shutil.copytree(os.path.join(folder, "tokenizer"), te / "tokenizer")
    g = Graph()
    g.add_node("video_models.load", {"model": f, "text_encoder": str(te / "qwen_2.5_vl_7b_tiny.safetensors"),
                                     "text_encoder_2": files["text_encoder_2"], "vae": files["vae"], "dtype": "fp32"},
               node_id="load")
    said = []
    ref = Executor().run(g, targets=["load"], device="cpu", use_cache=False, on_event=said.append).value("load")
    assert ref.family == "hunyuan15" and type(ref.module.transformer).__name__ == "HunyuanVideo15Transformer3DModel"
    notes = [e.text for e in said if isinstance(e, NodeNote) and e.node_id == "load"]
    assert any("files: GGUF Q8_0; text encoder Qwen2.5, fp32; second text encoder T5 (width 32, 2 blocks), fp32; "
               "VAE HunyuanVideo 1.5 VAE, fp32" in n for n in notes), notes
