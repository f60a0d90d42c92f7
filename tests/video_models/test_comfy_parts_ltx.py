"""ComfyUI's LTX-Video files (issue 45, item 2) with no diffusers folder: an all-in-one checkpoint
(Lightricks' names, the transformer under ``model.diffusion_model.`` and the VAE under ``vae.``),
or a transformer file and a VAE file, with ComfyUI's T5 file. A tiny LTX-Video written so samples
the frames of the diffusers folder holding the same weights: fp32, exactly. Each part is
recognised from its tensors and checked against the transformer before anything is allocated; a
part that does not fit is named."""
from __future__ import annotations

import os

import pytest
import torch

from nodes.video_models.loading.load import load_video_model

from . import layouts
from . import tiny_ltx as tl
from . import tiny_parts as tp
from .file_formats import scaled_fp8, t5_blocks
from .refusals import configs_read, refuse_loads, refused, single_file_loads

pytest.importorskip("diffusers")
CPU = torch.device("cpu")
PROMPT = "a red fox running in the snow, cinematic"


@pytest.fixture(scope="module")
def ltx(tmp_path_factory):
    """(the diffusers folder, its parts as ComfyUI's files: an all-in-one checkpoint; a transformer + VAE file)."""
    root = tmp_path_factory.mktemp("ltx")
    folder = tl.build(str(root / "ltx-tiny"))
    return folder, tl.write_parts(folder, str(root / "models")), tl.write_parts(folder, str(root / "split"),
                                                                               checkpoint=False, spiece=True,
                                                                               tokenizer_beside=False)


def _frames(ref):
    torch.manual_seed(0)  # 0.9.1's decoder injects noise from the global generator
    return ref.pipeline("t2v")(prompt=PROMPT, negative_prompt="blue sky", height=32, width=32, num_frames=9,
                               num_inference_steps=2, guidance_scale=2.0, generator=torch.Generator().manual_seed(0),
                               output_type="pt", max_sequence_length=32).frames


@pytest.fixture(scope="module")
def want(ltx):
    return _frames(tp.fresh(load_video_model(ltx[0], base=None, device=CPU, dtype_name="fp32")))


def _same_weights(one, folder):
    ref = load_video_model(folder, base=None, device=CPU, dtype_name="fp32")
    for name in ("transformer", "text_encoder", "vae"):
        got, held = getattr(one.module, name).state_dict(), getattr(ref.module, name).state_dict()
        assert set(got) == set(held) and all(torch.equal(got[k], held[k]) for k in held), name


def test_a_checkpoint_and_a_t5_file_sample_the_folders_frames_exactly(ltx, want):
    folder, files, _ = ltx
    said = []
    one = load_video_model(files["denoiser"], base=None, device=CPU, dtype_name="fp32", info=said.append,
                           parts={"text_encoder": files["text_encoder"]})
    _same_weights(one, folder)
    assert torch.equal(_frames(one), want)
    assert "config from the file's shapes (32 attention heads" in said[0] and "Lightricks' licence" in said[0]
    beside = os.path.join(os.path.dirname(files["text_encoder"]), "tokenizer")
    assert f"text encoder: t5xxl_tiny_fp32.safetensors: T5 (width 32, 2 blocks), fp32, tokenizer from '{beside}'" \
        in said
    assert "VAE: ltx-video-tiny-v0.9.1.safetensors: LTX-Video VAE (in the checkpoint), fp32" in said
    assert type(one.module).__name__ == "LTXPipeline" and one.family == "ltx"
    sched = dict(one.module.scheduler.config)
    assert type(one.module.scheduler).__name__ == "FlowMatchEulerDiscreteScheduler"
    assert (sched["use_dynamic_shifting"], sched["base_shift"], sched["max_shift"], sched["shift_terminal"]) == \
        (True, 0.95, 2.05, 0.1)


def test_a_transformer_file_a_vae_file_and_a_t5_with_its_tokenizer_inside(ltx, want):
    folder, _, files = ltx
    said = []
    one = load_video_model(files["denoiser"], base=None, device=CPU, dtype_name="fp32", info=said.append,
                           parts={"text_encoder": files["text_encoder"], "vae": files["vae"]})
    _same_weights(one, folder)
    assert torch.equal(_frames(one), want)
    assert "text encoder: t5xxl_tiny_fp32.safetensors: T5 (width 32, 2 blocks), fp32, tokenizer from the file" in said
    assert "VAE: ltx_video_vae_tiny.safetensors: LTX-Video VAE, fp32" in said


def test_each_part_is_built_on_the_meta_device(ltx, monkeypatch):
    import diffusers
    import transformers
    seen = {}

    recording = tp.meta_recorder(seen)
    for mod, name in ((transformers, "T5EncoderModel"), (diffusers, "AutoencoderKLLTXVideo"),
                      (diffusers, "LTXVideoTransformer3DModel")):
        monkeypatch.setattr(mod, name, recording(getattr(mod, name)))
    _, files, _ = ltx
    one = load_video_model(files["denoiser"], base=None, device=CPU, dtype_name="bf16",
                           parts={"text_encoder": files["text_encoder"]})
    assert seen == {"T5EncoderModel": {"meta"}, "AutoencoderKLLTXVideo": {"meta"}, "LTXVideoTransformer3DModel": {"meta"}}
    assert {p.dtype for p in one.module.vae.parameters()} == {torch.bfloat16}


def test_a_checkpoint_whose_vae_holds_half_its_names_is_recognised_as_a_checkpoint(ltx):
    from nodes.video_models.base.recognise import recognise
    from nodes.video_models.files.weight_formats import read_weight_file
    _, files, split = ltx
    shapes = {k: v.shape for k, v in read_weight_file(files["denoiser"]).tensors.items()}
    assert recognise(shapes).kind == "checkpoint" and recognise(shapes).family == "ltx"
    shapes = {k: v.shape for k, v in read_weight_file(split["vae"]).tensors.items()}
    assert recognise(shapes).kind == "vae" and recognise(shapes).variant == "LTX-Video VAE"


def test_a_t5_file_overrides_the_base_folders_text_encoder(ltx, want):
    folder, files, split = ltx
    said = []
    one = load_video_model(split["denoiser"], base=folder, device=CPU, dtype_name="fp32", info=said.append,
                           parts={"text_encoder": split["text_encoder"]})
    assert "text encoder: t5xxl_tiny_fp32.safetensors: T5 (width 32, 2 blocks), fp32 (instead of the base folder's)" \
        in said
    assert torch.equal(_frames(tp.fresh(one)), want)


def test_through_the_graph_the_checkpoint_and_t5_render_as_the_folder_does(ltx):
    from studio.engine.executor import Executor
    folder, files, _ = ltx

    def graph(**load):
        return tp.t2v_graph(PROMPT, frames=9, size=32, **load)
    ex = Executor()
    a = ex.run(graph(model=files["denoiser"], text_encoder=files["text_encoder"]), targets=["gen"], device="cpu",
               use_cache=False).value("gen").frames
    b = ex.run(graph(model=folder), targets=["gen"], device="cpu", use_cache=False).value("gen").frames
    assert a.shape == b.shape and abs(a.astype("float64") - b.astype("float64")).max() < 1e-5  # the folder's tensors memory-mapped


@pytest.fixture
def no_loads(monkeypatch):
    """Any weight load fails: a message raised with it in place came before anything was allocated."""
    from nodes.video_models.families.ltx import parts as parts_ltx
    refuse_loads(monkeypatch, "a model was built before the parts were checked", *single_file_loads(),
                 (parts_ltx, "load_with_config"))


def test_a_umt5_or_a_t5_of_the_wrong_width_is_named_before_allocation(ltx, tmp_path, no_loads):
    _, files, split = ltx
    wan = tp.write_parts(tp.build(str(tmp_path / "wan")), str(tmp_path / "wan-files"))
    refused(files["denoiser"], r"the text encoder '.*umt5_tiny_fp32\.safetensors' is UMT5 \(width 32\) \(UMT5: every "
                                r"block has its own position bias\), but LTX-Video's transformer reads T5 v1\.1 XXL's "
                                r"text states: give t5xxl_fp16 or t5xxl_fp8_e4m3fn", text_encoder=wan["text_encoder"])
    umt5 = layouts.write(str(tmp_path / "umt5_xxl_fp8_e4m3fn_scaled.safetensors"), layouts.t5(umt5=True), "F8_E4M3")
    refused(files["denoiser"], r"'.*umt5_xxl_fp8_e4m3fn_scaled\.safetensors' is UMT5-XXL \(Wan\) \(UMT5", text_encoder=umt5)
    xxl = layouts.write(str(tmp_path / "t5xxl_fp16.safetensors"), layouts.t5(), "F16")
    refused(files["denoiser"], r"the text encoder '.*t5xxl_fp16\.safetensors' \(T5-XXL \(LTX-Video, CogVideoX\)\) gives "
                                r"text states 4096 wide, but the transformer 'ltx-video-tiny-v0\.9\.1\.safetensors' reads "
                                r"32 \(its caption_projection\)", text_encoder=xxl)
    gemma = layouts.write(str(tmp_path / "gemma_3_12B_it.safetensors"), layouts.gemma3(2))
    refused(files["denoiser"], r"is Gemma 3 12B \(LTX-2\), but LTX-Video's transformer reads T5 v1\.1 XXL's",
             text_encoder=gemma)
    refused(split["denoiser"], r"the VAE '.*wan_2\.1_vae_tiny\.safetensors' is Wan 2\.1 VAE, made for Wan, but the "
                                r"transformer 'ltx-video-tiny-transformer\.safetensors' is LTX-Video's",
             text_encoder=split["text_encoder"], vae=wan["vae"])


def test_a_vae_of_other_latent_channels_is_named_before_allocation(ltx, tmp_path, no_loads):
    from safetensors.torch import load_file, save_file
    _, _, split = ltx
    state = load_file(split["vae"])
    bad = {k: v for k, v in state.items()}
    w = bad["decoder.conv_in.conv.weight"]
    bad["decoder.conv_in.conv.weight"] = torch.zeros(w.shape[0], 16, *w.shape[2:])
    path = str(tmp_path / "ltx_vae_16ch.safetensors")
    save_file(bad, path)
    refused(split["denoiser"], r"the VAE '.*ltx_vae_16ch\.safetensors' \(LTX-Video VAE\) makes latents of 16 channels, "
                                r"but the transformer 'ltx-video-tiny-transformer\.safetensors' takes 8 \(its proj_in\)",
             text_encoder=split["text_encoder"], vae=path)
    bad = dict(state)
    bad["decoder.up_blocks.2.res_blocks.0.conv2.conv.weight"] = torch.zeros(3, 32, 3, 3, 3)
    save_file(bad, path)
    refused(split["denoiser"], r"does not make one AutoencoderKLLTXVideo: 'decoder\.up_blocks\.0\.resnets\.0\.conv2\.conv"
                                r"\.weight' is \[3, 32, 3, 3, 3\] there", text_encoder=split["text_encoder"], vae=path)


def test_unknown_files_show_their_first_keys_and_missing_parts_are_said(ltx, tmp_path, no_loads):
    _, files, split = ltx
    odd = layouts.write(str(tmp_path / "odd.safetensors"), {"foo.bar.weight": (3, 5), "zed": (7,)})
    refused(files["denoiser"], r"'.*odd\.safetensors' was given as the text encoder but is not a model Studio "
                                r"recognises: it holds foo\.bar\.weight \[3, 5\], zed \[7\]", text_encoder=odd)
    refused(split["denoiser"], r"'.*odd\.safetensors' was given as the VAE but is not a model Studio recognises: it "
                                r"holds foo\.bar\.weight", text_encoder=split["text_encoder"], vae=odd)
    refused(split["denoiser"], r"is a single LTX-Video transformer \(it holds no VAE\): set the text encoder and the "
                                r"VAE files \(as ComfyUI's loaders take them\), or 'base' to a diffusers LTX-Video folder")
    refused(files["denoiser"], r"is a single LTX-Video checkpoint \(a transformer and its VAE\): set the "
                                r"text encoder file \(")
    refused(files["denoiser"], r"'.*ltx-video-tiny-v0\.9\.1\.safetensors' was given as the text encoder but is an? "
                                r"all-in-one checkpoint \(LTX-Video", text_encoder=files["denoiser"])  # (no T5 in it)
    clip = layouts.write(str(tmp_path / "clip_vision_h.safetensors"), layouts.clip_vision_h(), "F16")
    refused(files["denoiser"], r"a CLIP vision file '.*clip_vision_h\.safetensors' was given, but LTX-Video takes none",
             text_encoder=files["text_encoder"], image_encoder=clip)
    refused(files["denoiser"], r"a second text encoder file '.*' was given, but LTX-Video takes none \(it reads one "
                                r"text encoder, T5-XXL\)", text_encoder=files["text_encoder"],
             text_encoder_2=files["text_encoder"])


def test_a_t5_with_no_tokenizer_anywhere_says_where_studio_looked(ltx, tmp_path, no_loads):
    import shutil
    _, files, _ = ltx
    bare = str(tmp_path / "t5xxl_fp16.safetensors")
    shutil.copy(files["text_encoder"], bare)
    refused(files["denoiser"], r"carries no tokenizer \(ComfyUI's t5xxl files have none: ComfyUI ships T5's itself\) and "
                                r"none was found: Studio looked in the file \(no 'spiece_model' tensor\), in "
                                rf"'{tmp_path}/tokenizer', and in 'base' \(empty\)", text_encoder=bare)


def test_a_tokenizer_larger_than_the_encoders_vocabulary_is_named(ltx, tmp_path, no_loads):
    import shutil

    from safetensors.torch import load_file, save_file
    _, files, _ = ltx
    state = load_file(files["text_encoder"])
    state["shared.weight"] = state["shared.weight"][:10].contiguous()
    save_file(state, str(tmp_path / "t5xxl_small_vocab.safetensors"))
    shutil.copytree(os.path.join(os.path.dirname(files["text_encoder"]), "tokenizer"), str(tmp_path / "tokenizer"))
    refused(files["denoiser"], r"the tokenizer of the text encoder '.*t5xxl_small_vocab\.safetensors' holds \d+ tokens, "
                                r"but the encoder's embedding has 10 rows", text_encoder=str(tmp_path /
                                                                                          "t5xxl_small_vocab.safetensors"))


def test_vae_configs_of_the_other_releases_are_read_from_their_shapes():
    """0.9.0's (no timestep conditioning, 4 up blocks) and 0.9.5's (LTXVideo095DownBlock3D: spatial,
    temporal, spatio-temporal down-samplers) structures, at tiny widths, read back from their
    shapes: the configs build the same tensors."""
    from accelerate import init_empty_weights
    from diffusers import AutoencoderKLLTXVideo

    from nodes.video_models.families.ltx.part_configs import ltx_vae
    v090 = dict(block_out_channels=(8, 16, 32, 32), decoder_block_out_channels=(8, 16, 32, 32),
                layers_per_block=(1, 2, 1, 1, 2), decoder_layers_per_block=(2, 1, 1, 1, 1))
    v095 = dict(block_out_channels=(4, 8, 16, 32, 64), down_block_types=("LTXVideo095DownBlock3D",) * 4,
                decoder_block_out_channels=(8, 16, 32), layers_per_block=(1, 1, 2, 1, 1),
                decoder_layers_per_block=(1, 1, 1, 1), spatio_temporal_scaling=(True,) * 4,
                decoder_spatio_temporal_scaling=(True,) * 3, decoder_inject_noise=(False,) * 4,
                downsample_type=("spatial", "temporal", "spatiotemporal", "spatiotemporal"),
                upsample_residual=(True,) * 3, upsample_factor=(2,) * 3, timestep_conditioning=True)
    for kw, ratios in ((v090, (32, 8)), (v095, (32, 8))):
        with init_empty_weights():
            want = {k: tuple(v.shape) for k, v in AutoencoderKLLTXVideo(latent_channels=8, **kw).state_dict().items()}
        _, cfg = ltx_vae(want, "vae.safetensors")
        with init_empty_weights():
            got = {k: tuple(v.shape) for k, v in AutoencoderKLLTXVideo.from_config(cfg).state_dict().items()}
        assert got == want
        assert (cfg["spatial_compression_ratio"], cfg["temporal_compression_ratio"]) == ratios


def test_a_scaled_fp8_t5_and_an_fp8_checkpoint(ltx, want, tmp_path):
    """ComfyUI's t5xxl_fp8_e4m3fn_scaled layout (the blocks' weights in fp8, each with its
    ``scale_weight``, a ``scaled_fp8`` marker) beside a checkpoint whose transformer blocks are fp8
    e4m3fn: stored in 8 bits, computed in fp32."""
    import shutil

    from safetensors.torch import load_file, save_file

    from . import tiny_formats as tf
    _, files, _ = ltx
    te = scaled_fp8(load_file(files["text_encoder"]), t5_blocks)
    (tmp_path / "text_encoders").mkdir()
    t5 = str(tmp_path / "text_encoders" / "t5xxl_fp8_e4m3fn_scaled.safetensors")
    save_file(te, t5)
    shutil.copytree(os.path.join(os.path.dirname(files["text_encoder"]), "tokenizer"),
                    str(tmp_path / "text_encoders" / "tokenizer"))
    ckpt = {k: (v.to(torch.float8_e4m3fn) if ".transformer_blocks." in k and v.dim() == 2 else v)
            for k, v in load_file(files["denoiser"]).items()}
    den = str(tmp_path / "ltx-video-tiny-fp8_e4m3fn.safetensors")
    save_file(ckpt, den)
    said = []
    one = load_video_model(den, base=None, device=CPU, dtype_name="fp32", info=said.append, parts={"text_encoder": t5})
    assert "text encoder: t5xxl_fp8_e4m3fn_scaled.safetensors: T5 (width 32, 2 blocks), fp8 e4m3 (scaled)" in said[1]
    assert said[0].startswith("weights: fp8 e4m3")
    q = one.module.text_encoder.encoder.block[0].layer[0].SelfAttention.q.weight
    assert q.dtype == torch.float8_e4m3fn
    assert one.module.transformer.transformer_blocks[0].attn1.to_q.weight.dtype == torch.float8_e4m3fn
    db = tf.psnr(want, _frames(one))
    print(f"LTX-Video: fp8 checkpoint + scaled fp8 T5: {db:.1f} dB against the fp32 folder's frames")
    assert db >= 40


def test_a_gguf_transformer_and_a_vae_file_over_a_checkpoints_own(ltx, want, tmp_path):
    """city96's GGUF layout (the blocks' 2-D weights in Q8_0, diffusers' names) with a VAE file and
    a T5 file; and a VAE file given beside a checkpoint that holds one: the file's is used, and said."""
    from diffusers import LTXVideoTransformer3DModel

    from . import tiny_formats as tf
    folder, files, split = ltx
    state = LTXVideoTransformer3DModel.from_pretrained(folder, subfolder="transformer").state_dict()
    den = tf.write_gguf(state, str(tmp_path / "ltx-video-tiny-Q8_0.gguf"), "Q8_0")
    said = []
    one = load_video_model(den, base=None, device=CPU, dtype_name="fp32", info=said.append,
                           parts={"text_encoder": split["text_encoder"], "vae": split["vae"]})
    assert said[0].startswith("weights: GGUF Q8_0, dequantised on the fly to fp32; config from the file's shapes")
    db = tf.psnr(want, _frames(one))
    print(f"LTX-Video: GGUF Q8_0 transformer: {db:.1f} dB against the fp32 folder's frames")
    assert db >= 40
    said = []
    one = load_video_model(files["denoiser"], base=None, device=CPU, dtype_name="fp32", info=said.append,
                           parts={"text_encoder": files["text_encoder"], "vae": split["vae"]})
    assert "VAE: ltx_video_vae_tiny.safetensors: LTX-Video VAE, fp32 (instead of the checkpoint's own)" in said
    assert torch.equal(_frames(one), want)


def test_a_gguf_transformer_in_lightricks_names(ltx, want, tmp_path):
    """city96's LTX-Video GGUF files keep Lightricks' names (``patchify_proj``, ``adaln_single``,
    ``q_norm``; no prefix): the config is read and checked from the names renamed by diffusers'
    converter, and diffusers' GGUF loader converts the data."""
    from diffusers import LTXVideoTransformer3DModel

    from . import tiny_formats as tf
    folder, _, split = ltx
    state = tl.transformer_original_names(
        LTXVideoTransformer3DModel.from_pretrained(folder, subfolder="transformer").state_dict())
    state = {k.removeprefix("model.diffusion_model."): v for k, v in state.items()}
    assert "patchify_proj.weight" in state and "adaln_single.linear.weight" in state
    den = tf.write_gguf(state, str(tmp_path / "ltx-video-2b-v0.9.5-Q8_0.gguf"), "Q8_0")
    said = []
    one = load_video_model(den, base=None, device=CPU, dtype_name="fp32", info=said.append,
                           parts={"text_encoder": split["text_encoder"], "vae": split["vae"]})
    assert said[0].startswith("weights: GGUF Q8_0, dequantised on the fly to fp32; config from the file's shapes")
    assert getattr(one.module.transformer.transformer_blocks[0].attn1.to_q.weight, "quant_type", None) is not None
    db = tf.psnr(want, _frames(one))
    print(f"LTX-Video: GGUF Q8_0 in Lightricks' names: {db:.1f} dB against the fp32 folder's frames")
    assert db >= 40

V095 = dict(block_out_channels=(128, 256, 512, 1024, 2048), down_block_types=("LTXVideo095DownBlock3D",) * 4,
            decoder_block_out_channels=(256, 512, 1024), layers_per_block=(4, 6, 6, 2, 2),
            decoder_layers_per_block=(5, 5, 5, 5), spatio_temporal_scaling=(True,) * 4,
            decoder_spatio_temporal_scaling=(True,) * 3, decoder_inject_noise=(False,) * 4,
            downsample_type=("spatial", "temporal", "spatiotemporal", "spatiotemporal"), upsample_residual=(True,) * 3,
            upsample_factor=(2,) * 3, timestep_conditioning=True, spatial_compression_ratio=32,
            temporal_compression_ratio=8)  # diffusers' LTX-Video 0.9.5 / 0.9.7 VAE preset


@pytest.mark.parametrize("name,size", [("ltx-video-2b-v0.9.5", {}),
                                       ("ltxv-13b-0.9.7-dev", dict(attention_head_dim=128, cross_attention_dim=4096,
                                                                   num_layers=48))])
def test_real_sized_checkpoints_and_t5xxl_pass_every_check_from_their_headers(ltx, tmp_path, monkeypatch, name, size):
    """ComfyUI's LTX-Video 2B 0.9.5 and 13B 0.9.7 checkpoints and t5xxl_fp16 at their real sizes
    (headers over zeros): diffusers' converters rename them, the configs read from the shapes are
    the releases' (diffusers' presets), and every check passes before the first load (stopped there)."""
    from accelerate import init_empty_weights
    from diffusers import AutoencoderKLLTXVideo, LTXVideoTransformer3DModel
    from transformers import T5Config, T5EncoderModel

    from nodes.video_models.families.ltx import parts as parts_ltx
    folder = ltx[0]
    with init_empty_weights():
        den = LTXVideoTransformer3DModel(**size).state_dict()  # diffusers' defaults: the 2B
        vae = AutoencoderKLLTXVideo(**V095).state_dict()
        t5 = T5EncoderModel(T5Config(vocab_size=32128, d_model=4096, d_kv=64, d_ff=10240, num_layers=24, num_heads=64,
                                     feed_forward_proj="gated-gelu")).state_dict()
    ckpt = layouts.write(str(tmp_path / "checkpoints" / f"{name}.safetensors"),
                         {k: tuple(v.shape) for k, v in {**tl.transformer_original_names(den),
                                                          **tl.vae_original_names(vae, tl.ENCODER_095)}.items()})
    te = layouts.write(str(tmp_path / "text_encoders" / "t5xxl_fp16.safetensors"),
                       {k: tuple(v.shape) for k, v in t5.items() if k != "encoder.embed_tokens.weight"}, "F16")
    from transformers import AutoTokenizer
    AutoTokenizer.from_pretrained(folder, subfolder="tokenizer").save_pretrained(str(tmp_path / "text_encoders" /
                                                                                     "tokenizer"))
    seen = configs_read(monkeypatch, parts_ltx, ckpt, te)
    assert {k: (list(v) if isinstance(v, tuple) else v) for k, v in V095.items()} == \
        {k: seen["vae"][k] for k in V095}
    with init_empty_weights():
        default = dict(LTXVideoTransformer3DModel(**size).config)
    assert {k: seen["transformer"][k] for k in default if not k.startswith("_")} == \
        {k: v for k, v in default.items() if not k.startswith("_")}
    assert (seen["text_encoder"]["d_model"], seen["text_encoder"]["num_layers"], seen["text_encoder"]["d_kv"]) == \
        (4096, 24, 64)


def test_one_step_under_the_schedulers_terminal_stretch_makes_frames_not_nan(ltx):
    """LTX-Video's scheduler stretches its sigmas to 0.1 (shift_terminal): diffusers' stretch of a single
    sigma divides 0 by 0, and a one-step run's frames were NaN. That run steps without it, said."""
    import numpy as np

    from studio.engine.executor import Executor
    _folder, files, _split = ltx
    g = tp.t2v_graph(PROMPT, frames=9, size=32, model=files["denoiser"], text_encoder=files["text_encoder"])
    g.set_param("gen", "steps", 1)
    said = []
    clip = Executor().run(g, targets=["gen"], device="cpu", use_cache=False, on_event=said.append).value("gen")
    frames = np.asarray(clip.chunk(0, clip.n_frames))
    assert np.isfinite(frames).all() and frames.std() > 0
    assert any(str(getattr(e, "text", "")).startswith("one step: the schedule's stretch to its last sigma (0.1)")
               for e in said)
