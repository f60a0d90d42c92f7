"""MiniMax H3's two ComfyUI VAE files (the templates' VAELoaders: ``minimax_h3_video_vae_int8_convrot`` or
``_fp16``, and ``minimax_h3_audio_vae_fp32``) read into diffusers 0.42.1's ``AutoencoderKLMiniMaxH3`` and
``AutoencoderKLMiniMaxH3Audio``: each told by the key ComfyUI's loader tells it by, its config read from the
tensors' shapes (what shapes do not tell: the released values, ``VIDEO`` / ``AUDIO`` below), every tensor
checked against the class built on the meta device before anything is read, then read lean.

The layouts are those of ComfyUI's modules (Comfy-Org/ComfyUI comfy/ldm/minimax/vae.py at 2266077b597c and
audio_vae.py at 877b5b886214, and comfy/sd.py's detection, read for names and meaning only):

- video: told by ``decoder.transformer_blocks.0.scale1`` beside ``encoder.down.5.block.0.conv1.weight``.
  The causal CNN encoder is ``encoder.down.N.block.M`` (diffusers: ``down_blocks.N.resnets.M``; its 1x1
  ``nin_shortcut`` diffusers' ``conv_shortcut``), ``encoder.down.N.downsample.conv`` (``downsamplers.0.conv``).
  The ViT decoder's ``x_embedder`` is ``proj_in``; ``attn.to_qkv`` is fused per head (rows [q; k; v] of
  head 0, then head 1 ...: ComfyUI views its output as [heads, 3 * head_dim] and chunks it), split here
  into ``to_q`` / ``to_k`` / ``to_v``; ``attn.to_out`` is ``to_out.0``; ``ff.w1`` is [gate; value] (ComfyUI's
  swiglu gates the first half) where diffusers' SwiGLU takes [value; gate]: its halves swapped; ``ff.w2``
  is ``ff.net.2``. ``decoder.mask_token`` (unused at inference) is dropped; the buffers ``latents_mean`` /
  ``latents_std`` are the config's (the released values when a file lacks them).
  The int8 'convrot' file quantises the decoder's block linears only (ComfyUI builds only those with the
  quantising operations: ``to_qkv``, ``to_out``, ``w1``, ``w2``): all Linear layers, so they stay int8 in
  comfy_int8.Int8Linear (their rows split and swapped with their per-row scales); the encoder's
  convolutions are plain (bf16 / fp16 / fp32) in every such file, read as diffusers keeps them (fp32).
- audio: told by ``pre_block.attn.zero_k_bias``. ComfyUI's module names are diffusers' (both follow the
  original checkpoint) except that ComfyUI folds each weight-normed convolution into one ``weight``
  where diffusers keeps ``weight_g`` / ``weight_v``: Studio reads the audio VAE as diffusers' class with its
  weight norms removed (``FoldedAudioVAE``: the same function, the file's weights as they are).
  ``latents_mean`` / ``latents_std`` (32 each) are the config's."""
from __future__ import annotations

import functools
import math
import os
import re

from ...base.errors import ModelError

VIDEO_KEYS = ("decoder.transformer_blocks.0.scale1", "encoder.down.5.block.0.conv1.weight")
AUDIO_KEY = "pre_block.attn.zero_k_bias"
VIDEO_FILES = "minimax_h3_video_vae_int8_convrot or minimax_h3_video_vae_fp16 (ComfyUI's vae folder)"
AUDIO_FILES = "minimax_h3_audio_vae_fp32"
# what the video VAE's shapes do not tell: the released config (diffusers' AutoencoderKLMiniMaxH3 defaults; the
# latents' statistics as its vae/config.json holds them, float32)
VIDEO = dict(spatial_downsample_factors=(2, 2, 2, 2, 1, 1), temporal_downsample_factors=(1, 2, 2, 1, 1, 1),
             norm_num_groups=32, norm_eps=1e-6, spatial_padding_mode="reflect", decoder_attention_head_dim=64,
             decoder_rope_theta=100.0, decoder_rope_dim_ratio=0.75, decoder_norm_eps=1e-5, clip_length=17,
             token_drop=3)
LATENTS_MEAN = (0.858090341091156, -0.9606591463088989, 1.0661640167236328, -0.5090325474739075,
                -0.2727581858634949, -1.3675414323806763, -0.2553254961967468, -0.26907554268836975,
                -0.5376840829849243, -0.0464097298681736, 0.6657370328903198, 0.19690127670764923,
                -0.5460608005523682, -0.4035342037677765, -0.23683024942874908, 0.25928452610969543,
                -0.30133944749832153, 0.211341992020607, -1.1206848621368408, 0.3581933379173279,
                -0.04225143790245056, 0.2604829967021942, 0.22864092886447906, 0.7056031823158264)
LATENTS_STD = (1.2223774194717407, 1.2767263650894165, 1.6831774711608887, 1.7549455165863037,
               1.5636216402053833, 2.194143533706665, 0.9653137922286987, 1.0569885969161987,
               0.841948926448822, 0.7729952931404114, 1.8955937623977661, 0.946841835975647,
               0.7996809482574463, 0.44988900423049927, 0.7197399735450745, 0.6936293244361877,
               2.961095094680786, 2.7694199085235596, 3.0496184825897217, 2.1088054180145264,
               3.276226282119751, 3.1627357006073, 2.2816812992095947, 2.6127843856811523)
# what the audio VAE's shapes do not tell (diffusers' AutoencoderKLMiniMaxH3Audio defaults = the release)
AUDIO = dict(num_attention_heads=8, resblock_dilation=(1, 3, 5), sampling_rate=32000)
DROPPED = ("decoder.mask_token", "latents_mean", "latents_std")

_RENAMES = ((r"^encoder\.down\.(\d+)\.block\.(\d+)\.nin_shortcut\.", r"encoder.down_blocks.\1.resnets.\2.conv_shortcut."),
            (r"^encoder\.down\.(\d+)\.block\.(\d+)\.", r"encoder.down_blocks.\1.resnets.\2."),
            (r"^encoder\.down\.(\d+)\.downsample\.", r"encoder.down_blocks.\1.downsamplers.0."),
            (r"^decoder\.x_embedder\.", "decoder.proj_in."),
            (r"\.attn\.to_out\.", ".attn.to_out.0."),
            (r"\.ff\.w1\.", ".ff.net.0.proj."),
            (r"\.ff\.w2\.", ".ff.net.2."))


def __getattr__(name: str):
    """``FoldedAudioVAE``, made on first use: it subclasses diffusers' (whose import takes seconds), and
    listing Studio's nodes imports every module of ``nodes`` without needing it."""
    if name == "FoldedAudioVAE":
        return _folded_audio_vae()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.cache
def _folded_audio_vae():
    import torch
    from diffusers import AutoencoderKLMiniMaxH3Audio

    class FoldedAudioVAE(AutoencoderKLMiniMaxH3Audio):
        """diffusers' MiniMax H3 audio VAE with its weight norms removed (each convolution's ``weight`` the
        product diffusers computes from ``weight_g`` and ``weight_v`` at every call): ComfyUI's file holds
        those products."""

        @classmethod
        def from_config(cls, config=None, **kwargs):
            model = super().from_config(config, **kwargs)
            for m in model.modules():
                if isinstance(getattr(m, "weight_g", None), torch.nn.Parameter):
                    torch.nn.utils.remove_weight_norm(m)
            return model
    return FoldedAudioVAE


def kind_of(names) -> str:
    """'video', 'audio' or '' (neither) for a file's tensor names, as ComfyUI's loader tells them."""
    if all(k in names for k in VIDEO_KEYS):
        return "video"
    return "audio" if AUDIO_KEY in names else ""


def video_name(name: str) -> str:
    """The diffusers name of one of ComfyUI's video VAE tensors (``to_qkv``: its to_q's, the stem of three)."""
    for pat, rep in _RENAMES:
        name = re.sub(pat, rep, name)
    return name.replace(".attn.to_qkv.", ".attn.to_q.")


def _count(shapes: dict, pattern: str) -> int:
    found = {int(m.group(1)) for k in shapes if (m := re.match(pattern, k))}
    return max(found) + 1 if found else 0


def _need(shapes: dict, path: str, what: str):
    def need(name: str) -> tuple:
        if name not in shapes:
            raise ModelError(f"'{path}' is no MiniMax H3 {what} in ComfyUI's layout: it has no '{name}'")
        return tuple(shapes[name])
    return need


def video_config(shapes: dict, path: str, values: dict | None = None) -> dict:
    """AutoencoderKLMiniMaxH3's config of a ComfyUI video VAE file from its tensors' shapes (``values``: its
    latents_mean / latents_std when it holds them); refused in words where the file is laid out otherwise."""
    need = _need(shapes, path, "video VAE")
    levels = _count(shapes, r"encoder\.down\.(\d+)\.")
    space, time = VIDEO["spatial_downsample_factors"], VIDEO["temporal_downsample_factors"]
    down = [f"encoder.down.{i}.downsample.conv.weight" in shapes for i in range(levels)]
    if down != [s * t > 1 for s, t in zip(space, time)]:
        raise ModelError(f"'{path}': its encoder has {levels} levels, downsampling at {[i for i, d in enumerate(down) if d]}"
                         f", where MiniMax H3's video VAE has 6, downsampling at 0 to 3 (x{space} in space, x{time} "
                         "in time): another VAE")
    blocks = [_count(shapes, rf"encoder\.down\.{i}\.block\.(\d+)\.") for i in range(levels)]
    if len(set(blocks)) != 1:
        raise ModelError(f"'{path}': its encoder levels hold {blocks} blocks: diffusers' MiniMax H3 VAE has the same "
                         "number at every level")
    latent = need("post_quant_conv.weight")[1]
    dim = need("decoder.x_embedder.weight")[0]
    head = VIDEO["decoder_attention_head_dim"]
    if dim % head:
        raise ModelError(f"'{path}': its decoder is {dim} wide, not a whole number of MiniMax H3's {head}-wide heads")
    patch = 16 * 16 * 4  # the released spatial x temporal compression (the factors above)
    mean = values.get("latents_mean") if values else None
    std = values.get("latents_std") if values else None
    if mean is None and latent != len(LATENTS_MEAN):
        raise ModelError(f"'{path}': its latents are {latent} channels and it holds no latents_mean / latents_std: "
                         f"Studio knows the released VAE's ({len(LATENTS_MEAN)} channels) only")
    return dict(VIDEO, in_channels=need("encoder.conv_in.weight")[1], out_channels=need("decoder.proj_out.weight")[0] // patch,
                latent_channels=latent, layers_per_block=blocks[0],
                block_out_channels=tuple(need(f"encoder.down.{i}.block.0.conv1.weight")[0] for i in range(levels)),
                decoder_num_layers=_count(shapes, r"decoder\.transformer_blocks\.(\d+)\."),
                decoder_num_attention_heads=dim // head,
                decoder_num_register_tokens=need("decoder.register_tokens")[1],
                decoder_ffn_mult=need("decoder.transformer_blocks.0.ff.w1.weight")[0] // 2 // dim,
                latents_mean=tuple(mean if mean is not None else LATENTS_MEAN),
                latents_std=tuple(std if std is not None else LATENTS_STD))


def audio_config(shapes: dict, path: str, values: dict) -> dict:
    """AutoencoderKLMiniMaxH3Audio's config of a ComfyUI audio VAE file from its tensors' shapes and its
    ``values`` (latents_mean / latents_std)."""
    need = _need(shapes, path, "audio VAE")
    rates = tuple(need(f"encoder.block.{i}.block.4.weight")[-1] // 2
                  for i in range(1, _count(shapes, r"encoder\.block\.(\d+)\.block\.4\.weight")))
    kernels = tuple(need(f"decoder.ups.{i}.0.weight")[-1] for i in range(_count(shapes, r"decoder\.ups\.(\d+)\.")))
    ups = tuple((k + 1) // 2 for k in kernels)  # the release's: kernel 2 x rate (x 2 - 1 for odd rates)
    per = _count(shapes, r"decoder\.resblocks\.(\d+)\.") // max(1, len(kernels))
    dilations = _count(shapes, r"decoder\.resblocks\.0\.convs1\.(\d+)\.")
    if math.prod(ups) != math.prod(rates) or len(AUDIO["resblock_dilation"]) != dilations:
        raise ModelError(f"'{path}': its decoder upsamples by {'x'.join(map(str, ups))} and its encoder downsamples "
                         f"by {'x'.join(map(str, rates))} ({dilations} dilations a residual block): not one MiniMax H3 "
                         "audio VAE")
    if "latents_mean" not in values or "latents_std" not in values:
        raise ModelError(f"'{path}' holds no latents_mean / latents_std: ComfyUI's MiniMax H3 audio VAE file keeps its "
                         "latents' statistics beside its weights")
    return dict(encoder_dim=need("encoder.block.0.weight")[0], encoder_rates=rates,
                latent_dim=need("pre_block.attn.zero_k_bias")[0], latent_channels=need("mean_proj.weight")[0],
                num_attention_heads=AUDIO["num_attention_heads"], decoder_dim=need("decoder.conv_pre.weight")[0],
                decoder_rates=ups, decoder_kernel_sizes=kernels,
                resblock_kernel_sizes=tuple(need(f"decoder.resblocks.{j}.convs1.0.weight")[-1] for j in range(per)),
                resblock_dilation_sizes=(AUDIO["resblock_dilation"],) * per, sampling_rate=AUDIO["sampling_rate"],
                latents_mean=list(values["latents_mean"]), latents_std=list(values["latents_std"]))


def video_shapes(shapes: dict) -> dict:
    """{diffusers name: (ComfyUI's name, shape)} of a video VAE file's tensors (to_qkv as its three)."""
    got = {}
    for name, shape in shapes.items():
        if name in DROPPED:
            continue
        new = video_name(name)
        if ".attn.to_qkv." in name:
            third = (shape[0] // 3, *shape[1:])
            got.update({new.replace(".to_q.", f".to_{p}."): (name, third) for p in "qkv"})
        else:
            got[new] = (name, tuple(shape))
    return got


def check(cls, got: dict, cfg: dict, path: str, title: str) -> None:
    """Every tensor of the file (``got``: diffusers name -> (file's name, shape)) against ``cls`` of ``cfg``
    built on the meta device (nothing allocated): a tensor of no place or another shape, or one the file
    lacks, refused naming it."""
    from .comfy_file import refuse_misfits, skeleton_shapes
    refuse_misfits(got, skeleton_shapes(cls, cfg), path, title)


def _rows(t, index):
    """Rows ``index`` of ``t`` (comfy_int8.Int8: its data and per-row scales alike)."""
    from ...files.comfy_int8 import Int8
    if isinstance(t, Int8):
        scale = t.scale[index] if t.scale.dim() and t.scale.shape[0] > 1 else t.scale
        return Int8(t.data[index].contiguous(), scale.contiguous(), t.group)
    return t[index].contiguous()


def convert_video(state: dict, heads: int) -> dict:
    """ComfyUI's video VAE tensors (``state``, emptied) under diffusers' names: to_qkv split per head,
    w1's halves swapped (int8 data with their per-row scales)."""
    import torch
    out = {}
    for name in list(state):
        t = state.pop(name)
        if name in DROPPED:
            continue
        new = video_name(name)
        rows = (t.data if hasattr(t, "group") else t).shape[0]
        if ".attn.to_qkv." in name:
            idx = torch.arange(rows).view(heads, 3, rows // 3 // heads)
            for i, p in enumerate("qkv"):
                out[new.replace(".to_q.", f".to_{p}.")] = _rows(t, idx[:, i].reshape(-1))
        elif ".ff.w1." in name:
            out[new] = _rows(t, torch.cat([torch.arange(rows // 2, rows), torch.arange(rows // 2)]))
        else:
            out[new] = t
    return out


def _values(f, wf) -> dict:
    from ...files.tensor_reads import read_tensor
    return {k: read_tensor(f, wf, k).float().reshape(-1).tolist() for k in ("latents_mean", "latents_std")
            if k in wf.tensors}


def header(path: str):
    """(header, kind) of a MiniMax H3 VAE file given as a part: a .safetensors file of ComfyUI's video or
    audio VAE layout, refused in words otherwise (before anything is read)."""
    from ...files.headers import refuse_pickle
    from ...files.parts import looks
    from ...files.weight_formats import NVFP4, is_weight_file, read_weight_file
    refuse_pickle(path)
    if not is_weight_file(path) or not path.endswith(".safetensors"):
        raise ModelError(f"the VAE '{path}' is not a .safetensors file: MiniMax H3's VAEs are ComfyUI's "
                         f"{VIDEO_FILES} and {AUDIO_FILES}")
    wf = read_weight_file(path)
    kind = kind_of(wf.tensors)
    if not kind:
        raise ModelError(f"'{path}' was given as MiniMax H3's VAE but is neither of its ComfyUI VAE files "
                         f"({VIDEO_FILES}: decoder.transformer_blocks.*, encoder.down.5.*; {AUDIO_FILES}: "
                         f"pre_block.attn.zero_k_bias): it holds {looks(wf)}")
    odd = next(iter(wf.scales), None) or next((k for k, v in wf.tensors.items() if v.dtype == NVFP4), None)
    if odd:
        raise ModelError(f"'{path}' holds {'NVFP4' if odd not in wf.scales else 'scaled fp8'} layers ('{odd}'): Studio "
                         "reads ComfyUI's MiniMax H3 VAEs in bf16 / fp16 / fp32 with int8 ('convrot') layers")
    return wf, kind


def checked(path: str, want: str):
    """(header, config) of the MiniMax H3 ``want`` ('video' or 'audio') VAE file at ``path``: its config read
    from its shapes and every tensor checked against diffusers' class, nothing of its weights read (only its
    latents' statistics)."""
    wf, kind = header(path)
    if kind != want:
        raise ModelError(f"'{path}' is MiniMax H3's {kind} VAE, given where its {want} VAE goes" + (
            f": set 'vae' to the video VAE ({VIDEO_FILES}); the audio VAE is read from beside it" if kind == "audio"
            else ""))
    shapes = {k: tuple(v.shape) for k, v in wf.tensors.items()}
    with open(path, "rb", buffering=0) as f:
        values = _values(f, wf)
    if want == "video":
        from diffusers import AutoencoderKLMiniMaxH3
        cfg = video_config(shapes, path, values)
        check(AutoencoderKLMiniMaxH3, video_shapes(shapes), cfg, path, "video VAE")
    else:
        cfg = audio_config(shapes, path, values)
        check(_folded_audio_vae(), {k: (k, s) for k, s in shapes.items() if k not in DROPPED}, cfg, path, "audio VAE")
    return wf, cfg


def read(wf, cfg: dict, want: str, torch_dtype):
    """The VAE of ``checked``'s (header, config), read lean: the video one's int8 layers kept int8."""
    from ...files.single_file import lean_load
    from ...files.tensor_reads import read_tensor
    with open(wf.path, "rb", buffering=0) as f:
        state = {name: read_tensor(f, wf, name) for name in wf.tensors if name not in DROPPED}
    if want == "video":
        from diffusers import AutoencoderKLMiniMaxH3
        state = convert_video(state, cfg["decoder_num_attention_heads"])
        # the encoder (fp32 in diffusers) held in the file's 16 bits, cast up as each layer runs: the same
        # outputs, 0.37 GB instead of 0.74 at the released size (benchmarks/lean_load_minimax_h3_vae.py)
        return lean_load(AutoencoderKLMiniMaxH3, cfg, wf, torch_dtype, state=state, hold_16bit=True)
    return lean_load(_folded_audio_vae(), cfg, wf, torch_dtype, state=state)


def load(path: str, want: str, torch_dtype=None):
    """MiniMax H3's ``want`` ('video' / 'audio') VAE from ComfyUI's file at ``path`` (checked, then read;
    ``torch_dtype`` None: float32)."""
    if torch_dtype is None:
        import torch
        torch_dtype = torch.float32
    wf, cfg = checked(path, want)
    return read(wf, cfg, want, torch_dtype)


def audio_beside(vae: str) -> str | None:
    """The one ``*audio*vae*.safetensors`` beside the video VAE file (ComfyUI keeps both in its vae folder);
    None when there is none; refused when several could be it."""
    from ...files.parts import one_audio_vae_beside
    return one_audio_vae_beside((vae,), "MiniMax H3")


TEXT_FILE = "qwen3vl_32b_minimax_h3_nvfp4_awq"


def fits_dit(single: str | None, which: str, path: str, latent: int) -> None:
    """A VAE file's latent channels against the DiT file's (its video_patch_proj takes 2x2 patches of the
    video latents, its audio_patch_proj the audio latents), from the headers; refused naming both."""
    if not single:
        return
    from ...files.weight_formats import read_weight_file
    t = read_weight_file(single).tensors
    key = "video_patch_proj.weight" if which == "video" else "audio_patch_proj.weight"
    if key not in t:
        return  # not ComfyUI's layout: the DiT file's own checks say so
    want = t[key].shape[1] // (4 if which == "video" else 1)
    if want != latent:
        raise ModelError(f"the {which} VAE '{path}' makes {latent}-channel latents, but the DiT file '{single}' takes "
                         f"{want}-channel {which} latents: they are not one MiniMax H3's")


def part_files(given: dict, base: str | None, single: str | None = None) -> dict:
    """The video VAE file 'vae' and the audio VAE beside it, checked from their headers (their latents against
    the DiT file ``single``'s), as {component: (words, load(torch_dtype))}; the audio VAE is the base's
    audio_vae/ when no file is beside (``base`` None: no folder, refused). parts.modular_files asks it."""
    from ...files.weight_formats import describe
    vae = given["vae"]
    wf, cfg = checked(vae, "video")
    fits_dit(single, "video", vae, cfg["latent_channels"])
    out = {"vae": (f"{os.path.basename(vae)}: ComfyUI's MiniMax H3 video VAE, {describe(wf)}, read into diffusers' "
                   "AutoencoderKLMiniMaxH3" + (" (its int8 decoder linears kept in 8 bits)"
                                               if describe(wf).startswith("int8") else ""),
                   lambda dtype: read(wf, cfg, "video", dtype))}
    audio = audio_beside(vae)
    if audio is None:
        if not base or not os.path.isdir(os.path.join(base, "audio_vae")):
            raise ModelError(f"MiniMax H3 makes its sound with an audio VAE ({AUDIO_FILES}, the templates' second "
                             f"VAELoader), which Studio looks for beside the VAE '{vae}' (a file named *audio*vae*."
                             f"safetensors)" + (f" and in the base '{base}' (audio_vae/)" if base else " ('base' is empty)") + ", and found neither: put it beside "
                             "the VAE")
        return out
    awf, acfg = checked(audio, "audio")
    fits_dit(single, "audio", audio, acfg["latent_channels"])
    out["audio_vae"] = (f"{os.path.basename(audio)}: ComfyUI's MiniMax H3 audio VAE, {describe(awf)} (found beside the "
                        "VAE), read into diffusers' AutoencoderKLMiniMaxH3Audio", lambda dtype: read(awf, acfg, "audio", dtype))
    return out


def refusal_with(given: dict) -> str:
    """SingleFile.refused_with for MiniMax H3: what a DiT file still needs with the part files given
    and no base ('' : nothing, parts.build_modular reads them)."""
    if "vae" in given and "text_encoder" in given:
        return ""
    missing = [w for c, w in (("text_encoder", f"its Qwen3-VL text encoder ('text_encoder': {TEXT_FILE}, with "
                                               "Qwen3-VL's tokenizer in a tokenizer/ folder beside it)"),
                              ("vae", f"its VAEs ('vae': {VIDEO_FILES}, {AUDIO_FILES} beside it)")) if c not in given]
    return (f"a MiniMax H3 DiT file (ComfyUI's) is read with {' and '.join(missing)} set on Load Video Model, as "
            "ComfyUI's templates load them, or with a MiniMax H3 diffusers folder as 'base' (modular_model_index.json)")
