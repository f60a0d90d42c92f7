"""MiniMax H3's ComfyUI VAE files (families/minimax_h3/comfy_vae.py): tiny random diffusers MiniMax H3 VAEs
written out in ComfyUI's names (the video VAE's decoder linears also as int8 'convrot', as ComfyUI's
minimax_h3_video_vae_int8_convrot holds them) read back into diffusers' classes; another layout refused in
words before anything is read; the released sizes pass every header check on the meta device."""
from __future__ import annotations

import copy
import os

import pytest
import torch

VIDEO_CFG = dict(latent_channels=4, block_out_channels=(32,) * 6, layers_per_block=1, decoder_num_layers=1,
                 decoder_num_attention_heads=2, decoder_attention_head_dim=64, decoder_ffn_mult=2,
                 latents_mean=(0.1, -0.2, 0.3, 0.0), latents_std=(1.5, 0.5, 1.0, 2.0))
AUDIO_CFG = dict(encoder_dim=4, encoder_rates=(2, 2), latent_dim=16, latent_channels=4, decoder_dim=8,
                 decoder_rates=(2, 2), decoder_kernel_sizes=(4, 4), resblock_kernel_sizes=(3,),
                 resblock_dilation_sizes=((1, 3, 5),), latents_mean=[0.1, 0.2, 0.3, 0.4],
                 latents_std=[1.0, 2.0, 0.5, 1.5])
INT8 = (".attn.to_qkv.weight", ".attn.to_out.weight", ".ff.w1.weight", ".ff.w2.weight")


def _comfy_name(name: str) -> str:
    """diffusers' video VAE name -> ComfyUI's (the test's own inverse of the reader's renaming)."""
    import re
    for pat, rep in ((r"encoder\.down_blocks\.(\d+)\.resnets\.(\d+)\.conv_shortcut\.", r"encoder.down.\1.block.\2.nin_shortcut."),
                     (r"encoder\.down_blocks\.(\d+)\.resnets\.(\d+)\.", r"encoder.down.\1.block.\2."),
                     (r"encoder\.down_blocks\.(\d+)\.downsamplers\.0\.", r"encoder.down.\1.downsample."),
                     (r"decoder\.proj_in\.", "decoder.x_embedder."), (r"\.attn\.to_out\.0\.", ".attn.to_out."),
                     (r"\.ff\.net\.0\.proj\.", ".ff.w1."), (r"\.ff\.net\.2\.", ".ff.w2.")):
        name = re.sub(pat, rep, name)
    return name


def video_layout(vae) -> dict:
    """A diffusers AutoencoderKLMiniMaxH3's weights as ComfyUI's file holds them: to_qkv fused per head
    ([q; k; v] of each head), w1 as [gate; value], mask_token and the latents' statistics beside."""
    heads = vae.config.decoder_num_attention_heads
    sd = {k: v.detach().clone() for k, v in vae.state_dict().items()}
    out = {}
    for k in [k for k in sd if ".attn.to_q." in k]:
        q, kk, v = (sd.pop(k.replace(".to_q.", f".to_{p}.")) for p in "qkv")
        fused = torch.stack([t.reshape(heads, t.shape[0] // heads, *t.shape[1:]) for t in (q, kk, v)], 1)
        out[_comfy_name(k).replace(".to_q.", ".to_qkv.")] = fused.reshape(3 * q.shape[0], *q.shape[1:]).contiguous()
    for k, v in sd.items():
        if ".ff.net.0.proj." in k:
            v = torch.cat(v.chunk(2)[::-1]).contiguous()
        out[_comfy_name(k)] = v
    dim = vae.config.decoder_num_attention_heads * vae.config.decoder_attention_head_dim
    out.update({"decoder.mask_token": torch.zeros(1, 1, dim),
                "latents_mean": torch.tensor(vae.config.latents_mean), "latents_std": torch.tensor(vae.config.latents_std)})
    return out


def audio_layout(vae) -> dict:
    """A diffusers AutoencoderKLMiniMaxH3Audio's weights as ComfyUI's file holds them: each weight norm
    folded into its weight, the latents' statistics beside."""
    out = {k: v.detach().clone().contiguous() for k, v in vae.state_dict().items() if not k.endswith(("_g", "_v"))}
    for name, m in vae.named_modules():  # the product weight_norm computed (nothing changed the weights since)
        if isinstance(getattr(m, "weight_g", None), torch.nn.Parameter):
            out[f"{name}.weight"] = m.weight.detach().clone().contiguous()
    out.update({"latents_mean": torch.tensor(vae.config.latents_mean), "latents_std": torch.tensor(vae.config.latents_std)})
    return out


def int8_layout(layout: dict, group: int = 16) -> dict:
    """``layout`` with the decoder's block linears in ComfyUI's int8 convrot form (weight, weight_scale, comfy_quant)."""
    from nodes.video_models.files.comfy_int8 import marker, quantise
    out = dict(layout)
    for k in [k for k in layout if k.endswith(INT8)]:
        q = quantise(layout[k], group)
        out.update({k: q.data, k[:-7] + ".weight_scale": q.scale.float(), k[:-7] + ".comfy_quant": marker(group)})
    return out


@pytest.fixture(scope="module")
def vaes(tmp_path_factory):
    """The two tiny diffusers VAEs and ComfyUI's files of them in one vae folder (the video one also int8)."""
    from diffusers import AutoencoderKLMiniMaxH3, AutoencoderKLMiniMaxH3Audio
    from safetensors.torch import save_file
    torch.manual_seed(0)
    video = AutoencoderKLMiniMaxH3(**VIDEO_CFG).eval()
    for name, p in video.named_parameters():  # diffusers starts the residual scales and registers at zero
        if name.endswith(("scale1", "scale2", "register_tokens")):
            p.data.normal_()
    audio = AutoencoderKLMiniMaxH3Audio(**AUDIO_CFG).eval()
    with torch.no_grad():  # a waveform inside [-1, 1] (not all clamped); the decode refreshes weight_norm's products
        audio.decoder.conv_post.weight_g.mul_(0.02)
        audio.decode(torch.zeros(1, 4, 1))
    root = tmp_path_factory.mktemp("minimax_vae")
    files = {}
    for sub, name, layout in (("vae", "minimax_h3_video_vae_fp16", video_layout(video)),
                              ("int8", "minimax_h3_video_vae_int8_convrot", int8_layout(video_layout(video)))):
        (root / sub).mkdir()
        files["video" if sub == "vae" else sub] = str(root / sub / f"{name}.safetensors")
        save_file(layout, files["video" if sub == "vae" else sub])
        save_file(audio_layout(audio), str(root / sub / "minimax_h3_audio_vae_fp32.safetensors"))
    files["audio"] = str(root / "vae" / "minimax_h3_audio_vae_fp32.safetensors")
    return video, audio, files


def _clip():
    g = torch.Generator().manual_seed(1)
    return torch.randn(1, 3, 17, 32, 32, generator=g), torch.randn(1, 4, 7, 2, 2, generator=g)


def test_the_video_vae_file_reads_as_diffusers_video_vae(vaes):
    """ComfyUI's video VAE file (fp32 here) read back: its config from the shapes and the released values
    (its latents' statistics from the file), and encode and decode equal the diffusers model's in fp32."""
    from nodes.video_models.families.minimax_h3 import comfy_vae
    video, _, files = vaes
    got = comfy_vae.load(files["video"], "video")
    assert type(got).__name__ == "AutoencoderKLMiniMaxH3"
    assert list(got.config.latents_std) == pytest.approx(VIDEO_CFG["latents_std"])  # the file's (float32)
    for k in ("block_out_channels", "latent_channels", "decoder_num_attention_heads", "decoder_ffn_mult",
              "layers_per_block", "decoder_num_layers"):
        assert tuple(got.config[k]) == tuple(video.config[k]) if isinstance(video.config[k], (list, tuple)) \
            else got.config[k] == video.config[k], k
    x, z = _clip()
    with torch.no_grad():
        want_m, got_m = video.encode(x).latent_dist.mode(), got.encode(x).latent_dist.mode()
        want_d, got_d = video.decode(z).sample, got.decode(z).sample
    assert want_m.shape == (1, 4, 2, 2, 2) and want_d.shape[2] > 1
    torch.testing.assert_close(got_m, want_m, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(got_d, want_d, rtol=1e-5, atol=1e-5)


def test_the_int8_convrot_video_vae_keeps_its_decoder_linears_int8(vaes):
    """ComfyUI's int8 convrot video VAE: the decoder's to_q / to_k / to_v / to_out / ff layers stay int8
    (Int8Linear: to_qkv's rows split per head with their scales, w1's halves swapped with theirs), the
    encoder plain; decode equals diffusers' model holding the dequantised weights in fp32, and the
    original's within int8 rounding."""
    from nodes.video_models.families.minimax_h3 import comfy_vae
    from nodes.video_models.files.comfy_int8 import Int8Linear, dequantise
    video, _, files = vaes
    got = comfy_vae.load(files["int8"], "video")
    int8 = {n for n, m in got.named_modules() if isinstance(m, Int8Linear)}
    assert int8 == {f"decoder.transformer_blocks.0.{n}" for n in ("attn.to_q", "attn.to_k", "attn.to_v", "attn.to_out.0",
                                                                  "ff.net.0.proj", "ff.net.2")}
    assert got.encoder.conv_in.weight.dtype == torch.float32
    plain = copy.deepcopy(video)
    with torch.no_grad():
        for n in int8:
            plain.get_submodule(n).weight.copy_(dequantise(got.get_submodule(n).int8(), torch.float32))
        x, z = _clip()
        want, out, exact = plain.decode(z).sample, got.decode(z).sample, video.decode(z).sample
        torch.testing.assert_close(got.encode(x).latent_dist.mode(), video.encode(x).latent_dist.mode(),
                                   rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(out, want, rtol=1e-4, atol=1e-4)
    assert not torch.equal(out, exact)
    assert float((out - exact).abs().max()) < 0.05 * float(exact.abs().max())


def test_a_16_bit_files_encoder_stays_in_16_bits_with_the_same_outputs(vaes, tmp_path):
    """ComfyUI's video VAE in fp16 (as it ships): diffusers keeps the encoder in fp32, so it would hold twice the
    file's bytes; Studio keeps its convolutions in the file's 16 bits, cast up to fp32 as each runs. Encode and
    decode are exactly those of diffusers' model holding the same (fp16) values in fp32."""
    from safetensors.torch import save_file

    from nodes.video_models.families.minimax_h3 import comfy_vae
    video, _, _ = vaes
    layout = {k: (v.half() if k not in ("latents_mean", "latents_std") else v) for k, v in video_layout(video).items()}
    path = str(tmp_path / "minimax_h3_video_vae_fp16.safetensors")
    save_file(layout, path)
    got = comfy_vae.load(path, "video")
    assert got.encoder.conv_in.weight.dtype == torch.float16 and got.quant_conv.weight.dtype == torch.float16
    same = copy.deepcopy(video)
    with torch.no_grad():
        for p in same.parameters():
            p.copy_(p.half().float())  # the file's values, held in fp32 as diffusers holds them
        x, z = _clip()
        assert torch.equal(got.encode(x).latent_dist.mode(), same.encode(x).latent_dist.mode())
        assert torch.equal(got.decode(z).sample, same.decode(z).sample)
    held = sum(p.numel() * p.element_size() for p in got.encoder.parameters())
    assert held < 0.6 * sum(p.numel() * 4 for p in got.encoder.parameters())  # its convolutions in 2 bytes, not 4
    assert got.encoder.conv_in.weight.dtype == torch.float16  # back in 16 bits after the call


def test_the_audio_vae_file_reads_as_diffusers_audio_vae(vaes):
    """ComfyUI's audio VAE file (weight norms folded) read as diffusers' class with its weight norms removed:
    config from the shapes (rates from the kernels), latents' statistics from the file; encode and decode
    equal the diffusers model's in fp32."""
    from nodes.video_models.families.minimax_h3 import comfy_vae
    _, audio, files = vaes
    got = comfy_vae.load(files["audio"], "audio")
    assert isinstance(got, comfy_vae.FoldedAudioVAE) and not hasattr(got.decoder.conv_pre, "weight_g")
    for k in ("encoder_rates", "decoder_rates", "decoder_kernel_sizes", "latent_dim", "resblock_kernel_sizes"):
        assert tuple(got.config[k]) == tuple(audio.config[k]) if isinstance(audio.config[k], (list, tuple)) \
            else got.config[k] == audio.config[k], k
    assert list(got.config.latents_std) == pytest.approx(AUDIO_CFG["latents_std"])
    g = torch.Generator().manual_seed(2)
    wave, lat = torch.rand(2, 1, 64, generator=g) * 2 - 1, torch.randn(2, 4, 6, generator=g)
    with torch.no_grad():
        torch.testing.assert_close(got.encode(wave).latent_dist.mode(), audio.encode(wave).latent_dist.mode(),
                                   rtol=1e-5, atol=1e-5)
        want = audio.decode(lat).sample
        torch.testing.assert_close(got.decode(lat).sample, want, rtol=1e-5, atol=1e-5)
    assert want.std() > 0


def test_a_file_of_another_layout_is_refused_in_words(vaes, tmp_path):
    """Another VAE, the audio VAE where the video one goes, and a video VAE with a tensor of another shape:
    each refused naming the file and the cause, before anything is read."""
    from safetensors.torch import load_file, save_file

    from nodes.video_models.base.errors import ModelError
    from nodes.video_models.families.minimax_h3 import comfy_vae
    _, _, files = vaes
    other = str(tmp_path / "wan_2.1_vae.safetensors")
    save_file({"decoder.conv1.weight": torch.zeros(4, 4, 3, 3, 3)}, other)
    with pytest.raises(ModelError, match=r"was given as MiniMax H3's VAE but is neither of its ComfyUI VAE files .*"
                                         r"it holds decoder.conv1.weight \[4, 4, 3, 3, 3\]"):
        comfy_vae.checked(other, "video")
    with pytest.raises(ModelError, match=r"is MiniMax H3's audio VAE, given where its video VAE goes: set 'vae' to "
                                         r"the video VAE"):
        comfy_vae.checked(files["audio"], "video")
    bad = load_file(files["video"])
    bad["decoder.transformer_blocks.0.attn.to_out.weight"] = torch.zeros(128, 127)
    path = str(tmp_path / "bad_video_vae.safetensors")
    save_file(bad, path)
    with pytest.raises(ModelError, match=r"tensor 'decoder.transformer_blocks.0.attn.to_out.weight' is \[128, 127\] "
                                         r"where MiniMax H3's video VAE of this file's size holds \[128, 128\]"):
        comfy_vae.checked(path, "video")
    del bad["encoder.down.4.block.0.conv1.weight"]
    save_file(bad, path)
    with pytest.raises(ModelError, match=r"is no MiniMax H3 video VAE in ComfyUI's layout: it has no 'encoder.down.4.block.0.conv1.weight'"):
        comfy_vae.checked(path, "video")


def test_the_released_shapes_pass_every_check_with_nothing_allocated():
    """The released VAEs (diffusers' default configs) laid out as ComfyUI's files on the meta device: their
    configs read back from the shapes equal the defaults, and every tensor passes the checks."""
    from accelerate import init_empty_weights
    from diffusers import AutoencoderKLMiniMaxH3, AutoencoderKLMiniMaxH3Audio

    from nodes.video_models.families.minimax_h3 import comfy_vae
    with init_empty_weights(include_buffers=True):
        video = AutoencoderKLMiniMaxH3(latents_mean=comfy_vae.LATENTS_MEAN, latents_std=comfy_vae.LATENTS_STD)
        audio = AutoencoderKLMiniMaxH3Audio()
    vshapes = {k: tuple(v.shape) for k, v in video_layout(video).items() if k not in ("latents_mean", "latents_std")}
    assert vshapes["decoder.transformer_blocks.35.attn.to_qkv.weight"] == (6144, 2048)
    assert comfy_vae.kind_of(vshapes) == "video"
    cfg = comfy_vae.video_config(vshapes, "video.safetensors")
    assert {k: tuple(v) if isinstance(v, (list, tuple)) else v for k, v in cfg.items()} == \
        {k: tuple(v) if isinstance(v, (list, tuple)) else v for k, v in video.config.items() if not k.startswith("_")}
    comfy_vae.check(AutoencoderKLMiniMaxH3, comfy_vae.video_shapes(vshapes), cfg, "video.safetensors", "video VAE")
    folded = {k.replace(".weight_v", ".weight"): tuple(v.shape) for k, v in audio.state_dict().items()
              if not k.endswith(".weight_g")}
    assert comfy_vae.kind_of(folded) == "audio"
    acfg = comfy_vae.audio_config(folded, "audio.safetensors", {"latents_mean": [0.0] * 32, "latents_std": [1.0] * 32})
    for k in ("encoder_rates", "decoder_rates", "decoder_kernel_sizes", "resblock_kernel_sizes", "latent_dim",
              "decoder_dim", "encoder_dim", "latent_channels"):
        assert tuple(acfg[k]) == tuple(audio.config[k]) if isinstance(acfg[k], (list, tuple)) else acfg[k] == audio.config[k]
    comfy_vae.check(comfy_vae.FoldedAudioVAE, {k: (k, s) for k, s in folded.items()}, acfg, "audio.safetensors",
                    "audio VAE")


@pytest.fixture(scope="module")
def dit_and_base(tmp_path_factory):
    """A tiny MiniMax H3 folder without its vae/ and audio_vae/ folders, and ComfyUI's pruned fl2va DiT file
    of its size (its latents 4 video and 4 audio channels, as the tiny VAEs')."""
    import shutil

    from safetensors.torch import save_file

    from nodes.video_models.families.minimax_h3.curve import MiniMaxH3CurveTransformer
    from .test_minimax_h3_curve import DIT, GRID, comfy_layout
    from .tiny_minimax_h3 import build_minimax_h3
    root = tmp_path_factory.mktemp("minimax_base")
    folder = build_minimax_h3(str(root / "tiny-minimax-h3"), with_ref=False)
    for sub in ("vae", "audio_vae"):
        shutil.rmtree(os.path.join(folder, sub))
    torch.manual_seed(3)
    model = MiniMaxH3CurveTransformer(**dict(DIT, time_embed_dim=8), adaln_curve_grid=GRID)
    dit = str(root / "minimax_h3_fl2va_pruned_int8_convrot.safetensors")
    save_file(comfy_layout(model), dit)
    return dit, folder


def test_load_video_model_reads_the_vae_files_in_place_of_the_bases(vaes, dit_and_base):
    """Load Video Model with the DiT file, the int8 video VAE file as 'vae' (the audio VAE beside it) and a base
    folder holding no VAEs: the pipeline's vae and audio_vae are the files' (int8 decoder linears kept),
    each said; the folder's text encoder is used."""
    from nodes.video_models.families.minimax_h3 import comfy_vae
    from nodes.video_models.files.comfy_int8 import Int8Linear
    from nodes.video_models.loading.load import load_video_model
    _, _, files = vaes
    dit, folder = dit_and_base
    said = []
    ref = load_video_model(dit, base=folder, device="cpu", dtype_name="fp32", info=said.append,
                           parts={"vae": files["int8"]})
    pipe = ref.module
    assert type(pipe.vae).__name__ == "AutoencoderKLMiniMaxH3"
    assert sum(isinstance(m, Int8Linear) for m in pipe.vae.modules()) == 6
    assert isinstance(pipe.audio_vae, comfy_vae.FoldedAudioVAE) and pipe.text_encoder is not None
    assert any(m.startswith("vae: minimax_h3_video_vae_int8_convrot.safetensors: ComfyUI's MiniMax H3 video VAE, int8")
               and m.endswith("(its int8 decoder linears kept in 8 bits)") for m in said), said
    assert any(m.startswith("audio_vae: minimax_h3_audio_vae_fp32.safetensors: ComfyUI's MiniMax H3 audio VAE") and
               "(found beside the VAE)" in m for m in said), said
    assert "vae minimax_h3_video_vae_int8_convrot.safetensors" in ref.weights and \
        "audio_vae minimax_h3_audio_vae_fp32.safetensors" in ref.weights  # the node's note names the files


def test_what_is_missing_is_named(vaes, dit_and_base, tmp_path):
    """No base: the DiT and VAE files alone are refused naming the text encoder (ComfyUI's Qwen3-VL file, its
    tokenizer beside it) as what to set; a file that is no Qwen3-VL given as the text encoder refused naming why; a
    DiT file of other latents refused naming both; no audio VAE beside the video VAE and none in the base: refused
    naming where Studio looked."""
    import shutil

    from safetensors.torch import load_file, save_file

    from nodes.video_models.base.errors import ModelError
    from nodes.video_models.loading.load import load_video_model
    _, _, files = vaes
    dit, folder = dit_and_base
    with pytest.raises(ModelError, match=r"a MiniMax H3 DiT file \(ComfyUI's\) is read with its Qwen3-VL text encoder "
                                         r"\('text_encoder': qwen3vl_32b_minimax_h3_nvfp4_awq, with Qwen3-VL's tokenizer "
                                         r"in a tokenizer/ folder beside it\) set on Load Video Model.* or with a MiniMax "
                                         r"H3 diffusers folder as 'base'"):
        load_video_model(dit, base=None, device="cpu", dtype_name="fp32", parts={"vae": files["video"]})
    with pytest.raises(ModelError, match=r"not a Qwen3-VL language model as MiniMax H3's text encoder is"):
        load_video_model(dit, base=folder, device="cpu", dtype_name="fp32", parts={"vae": files["video"],
                                                                                   "text_encoder": files["audio"]})
    wide = load_file(dit)
    wide["video_patch_proj.weight"] = torch.zeros(wide["video_patch_proj.weight"].shape[0], 32)
    other = str(tmp_path / "minimax_h3_fl2va_pruned_8ch.safetensors")
    save_file(wide, other)
    with pytest.raises(ModelError, match=r"the video VAE '.*minimax_h3_video_vae_fp16.safetensors' makes 4-channel "
                                         r"latents, but the DiT file '.*' takes 8-channel video latents"):
        load_video_model(other, base=folder, device="cpu", dtype_name="fp32", parts={"vae": files["video"]})
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(files["video"], alone / "minimax_h3_video_vae_fp16.safetensors")
    with pytest.raises(ModelError, match=r"MiniMax H3 makes its sound with an audio VAE \(minimax_h3_audio_vae_fp32"
                                         r".* and found neither: put it beside the VAE"):
        load_video_model(dit, base=folder, device="cpu", dtype_name="fp32",
                         parts={"vae": str(alone / "minimax_h3_video_vae_fp16.safetensors")})


def test_text_to_video_on_the_dit_and_vae_files_equals_the_pipeline_with_diffusers_vaes(vaes, dit_and_base):
    """Load Video Model with the DiT file, the video VAE file (its audio VAE beside) and a base without VAEs,
    then Text to Video: the frames equal diffusers' modular pipeline called directly with the tiny diffusers
    VAEs the files were written from (fp32)."""
    import numpy as np

    from nodes.video_models.families.minimax_h3 import comfy_file
    from .tiny_minimax_h3 import direct_t2v, run_t2v
    video, audio, files = vaes
    dit, folder = dit_and_base
    clip, seed = run_t2v({"model": dit, "base": folder, "vae": files["video"]})
    assert (clip.n_frames, clip.width, clip.height) == (124, 32, 32)
    want = direct_t2v(folder, seed, transformer=comfy_file.load(dit, torch.float32).eval(), vae=video, audio_vae=audio)
    assert clip.frames.std() > 0.01
    np.testing.assert_allclose(clip.frames, np.clip(np.asarray(want, np.float32), 0, 1), atol=1e-4)
