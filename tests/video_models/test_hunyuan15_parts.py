"""HunyuanVideo 1.5 as ComfyUI's files (issue 45, item 2): the denoiser
(``diffusion_models/hunyuanvideo1.5_*``) and the VAE (``vae/hunyuanvideo15_vae_fp16``) in
Tencent's names, the Qwen2.5-VL text encoder (``text_encoders/qwen_2.5_vl_7b``: the language model
beside a vision tower and an LM head), with a diffusers base folder for the rest (the byT5 glyph
encoder, the tokenizers, the scheduler, the guider). A tiny model written so samples the frames of
the diffusers folder holding the same weights: fp32, exactly. Parts that do not fit the denoiser
are named before anything is allocated; the Qwen tokenizer's refusal says what to give."""
from __future__ import annotations

import json
import os
import shutil

import pytest
import torch
from safetensors.torch import save_file

from nodes.video_models.base.errors import ModelError
from nodes.video_models.loading.load import load_video_model

from . import tiny_hunyuan15 as th
from .file_formats import llm_layers, scaled_fp8

pytest.importorskip("diffusers")
CPU = torch.device("cpu")
PROMPT = 'a red fox running in the snow, a sign saying "hello"'


def _parts(files, **more):
    return {c: files[c] for c in ("text_encoder", "text_encoder_2", "vae")} | more


def _frames(ref):
    return th.t2v_frames(ref, PROMPT)


@pytest.fixture(scope="module")
def folders_frames(hy15):
    """The folder's frames (``_frames``) with every part in fresh storage, made once for the tests that hold
    a file's frames against them (each made them again): read only."""
    ref = load_video_model(hy15[0], base=None, device=CPU, dtype_name="fp32")
    ref.load_text_encoder()
    for name in ("transformer", "vae", "text_encoder", "text_encoder_2"):
        for p in getattr(ref.module, name).parameters():
            p.data = p.data.clone()
    return _frames(ref)


def test_the_denoiser_vae_and_text_encoder_files_sample_the_folders_frames_exactly(hy15):
    folder, files = hy15
    said = []
    one = load_video_model(files["denoiser"], base=folder, device=CPU, dtype_name="fp32", info=said.append,
                           parts={"vae": files["vae"], "text_encoder": files["text_encoder"]})
    ref = load_video_model(folder, base=None, device=CPU, dtype_name="fp32")
    for r in (one, ref):  # the encoders that wait on disk while the prompt cache is on
        r.load_text_encoder()
    for name in ("transformer", "vae", "text_encoder"):
        got, held = getattr(one.module, name).state_dict(), getattr(ref.module, name).state_dict()
        assert set(got) == set(held) and all(torch.equal(got[k], held[k]) for k in held), name
        for p in getattr(ref.module, name).parameters():
            p.data = p.data.clone()  # fresh storage as Studio's reads make (test_comfy_parts._fresh)
    assert "in the original layout (converted by Studio's converter as read), loaded as fp32" in said[0], said
    assert any(s.startswith("VAE: hunyuanvideo15_vae_tiny.safetensors: HunyuanVideo 1.5 VAE, fp32") for s in said)
    assert any(s.startswith("text encoder: qwen_2.5_vl_tiny.safetensors: Qwen2.5") for s in said), said
    assert "VAE HunyuanVideo 1.5 VAE, fp32" in one.summary()
    assert torch.equal(_frames(one), _frames(ref))


def test_each_file_is_recognised_as_hunyuanvideo_15s(hy15):
    from nodes.video_models.base.recognise import recognise
    from nodes.video_models.files.weight_formats import read_weight_file
    _, files = hy15
    got = {n: recognise({k: v.shape for k, v in read_weight_file(f).tensors.items()}) for n, f in files.items()}
    assert (got["denoiser"].kind, got["denoiser"].family) == ("denoiser", "hunyuan15")
    assert (got["vae"].kind, got["vae"].family, got["vae"].variant) == ("vae", "hunyuan15", "HunyuanVideo 1.5 VAE")
    assert got["text_encoder"].kind == "text_encoder"


def test_a_vae_of_other_latent_channels_is_refused_before_loading(hy15, tmp_path):
    from diffusers import AutoencoderKLHunyuanVideo15
    folder, files = hy15
    vae = AutoencoderKLHunyuanVideo15(latent_channels=8, block_out_channels=(16, 32, 32), layers_per_block=1,
                                      spatial_compression_ratio=4, temporal_compression_ratio=2)
    f = str(tmp_path / "vae8.safetensors")
    save_file({k: v.contiguous() for k, v in th.vae_original_names(vae.state_dict()).items()}, f)
    with pytest.raises(ModelError, match=r"the VAE '.*vae8.safetensors' makes latents of 8 channels, but the "
                                         r"denoiser 'hunyuanvideo1.5_480p_t2v_tiny_fp32.safetensors' makes 4"):
        load_video_model(files["denoiser"], base=folder, device=CPU, dtype_name="fp32", parts={"vae": f})


def test_a_text_encoder_of_another_width_is_named(hy15, tmp_path):
    from transformers import Qwen2_5_VLTextConfig, Qwen2_5_VLTextModel

    from nodes.video_models.files.qwen_parts import QWEN_TEXT
    folder, files = hy15
    small = Qwen2_5_VLTextModel(Qwen2_5_VLTextConfig(**{**QWEN_TEXT, "vocab_size": 16, "hidden_size": 256,
                                                        "intermediate_size": 8, "num_hidden_layers": 1,
                                                        "num_attention_heads": 2, "num_key_value_heads": 1}))
    f = str(tmp_path / "qwen256.safetensors")
    save_file({k: v.contiguous() for k, v in th.qwen_comfy_names(small.state_dict(), 256).items()}, f)
    with pytest.raises(ModelError, match=r"gives text states 256 wide, but the denoiser "
                                         r"'hunyuanvideo1.5_480p_t2v_tiny_fp32.safetensors' reads 128"):
        load_video_model(files["denoiser"], base=folder, device=CPU, dtype_name="fp32", parts={"text_encoder": f})


def test_another_familys_vae_is_named(hy15, tmp_path):
    from . import layouts
    folder, files = hy15
    f = layouts.write(str(tmp_path / "wan_2.1_vae.safetensors"), layouts.wan_vae())
    with pytest.raises(ModelError, match=r"is Wan 2.1 VAE, made for Wan, but the denoiser "
                                         r"'hunyuanvideo1.5_480p_t2v_tiny_fp32.safetensors' is HunyuanVideo 1.5's"):
        load_video_model(files["denoiser"], base=folder, device=CPU, dtype_name="fp32", parts={"vae": f})


def test_the_qwen_tokenizer_comes_from_beside_the_file_else_the_refusal_says_what_to_give(hy15, tmp_path):
    from nodes.video_models.files.parts import Part, tokenizer_for
    from nodes.video_models.files.weight_formats import read_weight_file
    folder, files = hy15
    f = str(tmp_path / "qwen_2.5_vl_7b.safetensors")
    shutil.copy(files["text_encoder"], f)
    part = Part("text_encoder", read_weight_file(f), "Qwen2.5-VL 7B (HunyuanVideo 1.5)", "Qwen2_5_VLTextModel")
    with pytest.raises(ModelError) as e:
        tokenizer_for(part, None)
    said = str(e.value)
    assert f"Studio looked in the file, in '{tmp_path / 'tokenizer'}', and in 'base' (empty)" in said
    assert "Put Qwen2.5-VL-7B-Instruct's tokenizer files" in said and "HunyuanVideo 1.5 folder" in said
    assert tokenizer_for(part, folder) is None  # the base folder's tokenizer/ is used
    shutil.copytree(os.path.join(folder, "tokenizer"), tmp_path / "tokenizer")
    cfg_path = tmp_path / "tokenizer" / "tokenizer_config.json"
    cfg_path.write_text(json.dumps({**json.loads(cfg_path.read_text()), "padding_side": "left"}))
    tok = tokenizer_for(part, None)
    assert tok("a red fox").input_ids == th.load_tokenizer(folder)("a red fox").input_ids
    assert tok.padding_side == "right"  # the pipeline crops its template off the left


def test_comfyuis_four_files_alone_sample_the_folders_frames_exactly(hy15, tmp_path, folders_frames):
    """No folder: the denoiser's config from its shapes, the scheduler and guider from Studio's
    data for 480p T2V (its file name), byT5's tokenizer with no files, Qwen's from beside its file."""
    folder, files = hy15
    te = tmp_path / "text_encoders"
    te.mkdir()
    shutil.copy(files["text_encoder"], te / "qwen_2.5_vl_7b_tiny.safetensors")
    shutil.copytree(os.path.join(folder, "tokenizer"), te / "tokenizer")
    said = []
    one = load_video_model(files["denoiser"], base=None, device=CPU, dtype_name="fp32", info=said.append,
                           parts=_parts(files, text_encoder=str(te / "qwen_2.5_vl_7b_tiny.safetensors")))
    ref = load_video_model(folder, base=None, device=CPU, dtype_name="fp32")
    for r in (one, ref):  # the encoders that wait on disk while the prompt cache is on
        r.load_text_encoder()
    for name in ("transformer", "vae", "text_encoder", "text_encoder_2"):
        got, held = getattr(one.module, name).state_dict(), getattr(ref.module, name).state_dict()
        assert set(got) == set(held) and all(torch.equal(got[k], held[k]) for k in held), name
        for p in getattr(ref.module, name).parameters():
            p.data = p.data.clone()
    public = (lambda c: {k: v for k, v in dict(c).items() if not k.startswith("_")})
    assert public(one.module.scheduler.config) == public(ref.module.scheduler.config)
    assert one.module.guider.guidance_scale == ref.module.guider.guidance_scale == 6.0
    assert "480p T2V, shift 5.0, guidance 6.0" in said[0], said
    assert any(s.startswith("second text encoder: byt5_small_glyphxl_tiny.safetensors") for s in said), said
    assert torch.equal(_frames(one), folders_frames)


def test_without_a_folder_each_missing_part_and_the_tokenizer_are_asked_for(hy15):
    folder, files = hy15
    with pytest.raises(ModelError, match=r"single HunyuanVideo 1.5 denoiser: set the second text encoder file\(s\)"):
        load_video_model(files["denoiser"], base=None, device=CPU, dtype_name="fp32",
                         parts={"text_encoder": files["text_encoder"], "vae": files["vae"]})
    with pytest.raises(ModelError, match=r"Put Qwen2.5-VL-7B-Instruct's tokenizer files .* or set 'base' to a "
                                         r"diffusers HunyuanVideo 1.5 folder"):
        load_video_model(files["denoiser"], base=None, device=CPU, dtype_name="fp32", parts=_parts(files))


def test_a_byt5_of_another_width_is_named(hy15, tmp_path):
    from transformers import T5Config, T5EncoderModel
    folder, files = hy15
    wide = T5EncoderModel(T5Config(vocab_size=384, d_model=48, d_kv=8, d_ff=16, num_layers=1, num_heads=6,
                                   relative_attention_num_buckets=8, feed_forward_proj="gated-gelu"))
    f = str(tmp_path / "byt5_48.safetensors")
    save_file({k: v.contiguous() for k, v in wide.state_dict().items() if k != "encoder.embed_tokens.weight"}, f)
    with pytest.raises(ModelError, match=r"gives text states 48 wide, but the denoiser .* reads glyph states 32 wide"):
        load_video_model(files["denoiser"], base=folder, device=CPU, dtype_name="fp32", parts={"text_encoder_2": f})


def test_comfyuis_scaled_fp8_qwen_file_is_read_in_8_bits(hy15, tmp_path, folders_frames):
    """qwen_2.5_vl_7b_fp8_scaled: the layers' 2-D weights in fp8 e4m3fn with per-tensor scales,
    kept in 8 bits and computed in fp32; the frames stay within 40 dB of the fp32 folder's."""
    from safetensors.torch import load_file

    from . import tiny_formats as tf
    folder, files = hy15
    out = scaled_fp8(load_file(files["text_encoder"]), llm_layers)
    f = str(tmp_path / "qwen_2.5_vl_tiny_fp8_scaled.safetensors")
    save_file(out, f)
    said = []
    one = load_video_model(files["denoiser"], base=folder, device=CPU, dtype_name="fp32", info=said.append,
                           parts={"text_encoder": f})
    one.load_text_encoder()  # the encoders that wait on disk while the prompt cache is on
    assert any("qwen_2.5_vl_tiny_fp8_scaled.safetensors: Qwen2.5" in s and "fp8 e4m3 (scaled)" in s for s in said), said
    assert one.module.text_encoder.layers[0].self_attn.q_proj.weight.dtype == torch.float8_e4m3fn
    want, got = folders_frames, _frames(one)
    assert not torch.equal(want, got)  # the text encoder reaches the frames, and its 8 bits show
    db = tf.psnr(want, got)
    print(f"scaled fp8 Qwen2.5-VL: {db:.1f} dB against the fp32 folder's frames")
    assert db >= 40


def test_an_fp8_denoiser_in_tencents_names_is_kept_in_8_bits(hy15, tmp_path, folders_frames):
    """The double blocks' 2-D weights in fp8 e4m3fn (as ComfyUI's fp8 files): converted as read,
    stored in 8 bits, computed in fp32; within 40 dB of the fp32 folder's frames."""
    from safetensors.torch import load_file

    from . import tiny_formats as tf
    folder, files = hy15
    state = load_file(files["denoiser"])
    fp8 = {k: (v.to(torch.float8_e4m3fn) if ".double_blocks." in k and v.dim() == 2 else v).contiguous()
           for k, v in state.items()}
    f = str(tmp_path / "hunyuanvideo1.5_480p_t2v_tiny_fp8_e4m3fn.safetensors")
    save_file(fp8, f)
    said = []
    one = load_video_model(f, base=folder, device=CPU, dtype_name="fp32", info=said.append)
    assert "in the original layout (converted by Studio's converter as read), stored in 8 bits" in said[0], said
    assert one.module.transformer.transformer_blocks[0].attn.to_q.weight.dtype == torch.float8_e4m3fn
    want, got = folders_frames, _frames(one)
    db = tf.psnr(want, got)
    print(f"fp8 e4m3 HunyuanVideo 1.5 denoiser: {db:.1f} dB against the fp32 folder's frames")
    assert not torch.equal(want, got) and db >= 40


@pytest.mark.fresh_models
@pytest.mark.parametrize("given", [("text_encoder",), ("text_encoder", "text_encoder_2")])
def test_with_the_prompt_cache_on_both_text_encoders_wait_given_as_files_or_the_folders(hy15, monkeypatch, given):
    """Issue 60: a cached prompt loads no text encoder, whether Qwen and byT5 come as ComfyUI's files or
    from the base folder: both wait on disk, and load, when a prompt needs them, the weights the folder
    holds."""
    folder, files = hy15
    monkeypatch.setenv("STUDIO_PROMPT_CACHE_GB", "1")
    one = load_video_model(files["denoiser"], base=folder, device=CPU, dtype_name="fp32",
                           parts={c: files[c] for c in given})
    assert one.shared.text_loader.names == ("text_encoder", "text_encoder_2")
    assert one.module.text_encoder is None and one.module.text_encoder_2 is None
    assert one.module.tokenizer is not None and one.module.tokenizer_2 is not None
    assert one.load_text_encoder() and one.shared.text_loader is None
    monkeypatch.setenv("STUDIO_PROMPT_CACHE_GB", "0")
    ref = load_video_model(folder, base=None, device=CPU, dtype_name="fp32")
    for name in ("text_encoder", "text_encoder_2"):
        got, held = getattr(one.module, name).state_dict(), getattr(ref.module, name).state_dict()
        assert set(got) == set(held) and all(torch.equal(got[k], held[k]) for k in held), name
