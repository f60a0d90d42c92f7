"""Kandinsky 6's audio VAE and its vocoder in one file, read into diffusers' MMAudioVAE and MMAudioVocoder.

The file: ComfyUI loads it with its stock VAELoader (comfy/ldm/kandinsky6/audio_vae.py: MMAudio's
mel-spectrogram VAE under ``vae.`` and its BigVGAN-v2 vocoder under ``vocoder.``, the VAE's encoder left
out, the vocoder's settings in the header's ``bigvgan_config``); the release's own
``audio_vae/diffusion_pytorch_model.safetensors`` holds the same two under the same names (a copy of the
vocoder bundled, the encoder and ``mel_converter.`` kept). The names below each prefix are diffusers':
MMAudio's ``Encoder1D`` / ``Decoder1D`` (``down.N.block.M.conv1``, ``mid.attn_1.qkv``, ``learnable_gain``,
``data_mean`` / ``data_std``) are MMAudioVAE's ``vae.``, BigVGAN's (``conv_pre``, ``ups.N.0``,
``resblocks.N.convs1.M``, ``activations.N.act.alpha`` / ``beta``, the anti-alias ``filter`` buffers) are
MMAudioVocoder's. Both store their convolutions' final weights (MMAudio's weight norm and BigVGAN's
removed before saving), so reading is a split of the file by prefix, nothing computed.

The config comes from the shapes; what they do not hold is said: the vocoder's up-sampling rates and
dilations from ``bigvgan_config`` when the header has one, else BigVGAN's (each rate half its kernel,
dilations 1, 3, 5); the VAE's sample rate, FFT size, hop and latent scale from a Kandinsky 6 folder's
audio_vae/config.json when one is given, else Kandinsky 6's release values (ComfyUI's core_contract
AUDIO_DEFAULTS: 44.1 kHz, hop 512, scale 0.5302; FFT 2048; the distilled models' workflows decode at 0.417,
but a distilled DiT whose output holds several grids is read with its folder only: parts.py). A file without the VAE's encoder makes an
MMAudioVAE without one (Kandinsky6TI2VAPipeline only decodes sound). Safetensors only; loaded lean (meta
skeleton, the file's tensors assigned; the filters and mel bank the file lacks computed by the classes)."""
from __future__ import annotations

import os

from ...base.errors import ModelError
from ...files import part_configs as pc
from ...files.qwen_parts import renamed
from ...files.weight_formats import WeightFile

VAE, VOCODER, MEL = "vae.", "vocoder.", "mel_converter."
# Kandinsky 6's release (ComfyUI's comfy/ldm/kandinsky6/core_contract.py AUDIO_DEFAULTS, the release's
# audio_vae/config.json): what the audio VAE's shapes do not hold
RELEASE = {"sample_rate": 44_100, "n_fft": 2048, "hop_length": 512, "scaling_factor": 0.5302}
KEPT = tuple(RELEASE)  # the VAE's settings a folder's config gives instead
ASSUMED = "the vocoder's rates half its kernels and dilations 1, 3, 5 (BigVGAN's)"
FILES = "kandinsky6_audio_vae.safetensors (the release's audio_vae file, ComfyUI's vae folder)"


def is_audio_file(keys) -> bool:
    """Whether a file's tensor names are Kandinsky 6's audio VAE with its vocoder (MMAudio's VAE, BigVGAN)."""
    keys = set(keys)
    return "vae.decoder.conv_in.weight" in keys and "vocoder.conv_pre.weight" in keys and \
        any(k.startswith("vocoder.resblocks.") for k in keys)


def _header_config(path: str) -> dict:
    """ComfyUI's ``bigvgan_config`` from the file's header ({} when it has none)."""
    from studio.core import json_limits

    from ...files.headers import safetensors_header
    meta = (safetensors_header(path).get("__metadata__") or {}).get("bigvgan_config")
    if not meta:
        return {}
    try:
        got = json_limits.loads(meta)
    except ValueError:
        raise ModelError(f"'{path}': its header's bigvgan_config is not JSON") from None
    return got if isinstance(got, dict) else {}


def vae_config(shapes: dict, path: str, known: dict | None = None) -> dict:
    """MMAudioVAE's config from the audio VAE's shapes (diffusers' names, ``vae.`` kept); its sample rate,
    FFT size, hop and scale from ``known`` (a folder's audio_vae config), else the release's (RELEASE)."""
    dec = "vae.decoder."
    latent = pc.shape_dim(shapes, dec + "conv_in.weight", 1, "latent channels", path)
    mels = pc.shape_dim(shapes, dec + "conv_out.weight", 0, "mel bins", path)
    levels = pc.count(shapes, dec + "up.", path)
    blocks = pc.count(shapes, dec + "up.0.block.", path)
    encoder = "vae.encoder.conv_in.weight" in shapes
    hidden = pc.shape_dim(shapes, "vae.encoder.conv_in.weight" if encoder else dec + "conv_out.weight",
                          0 if encoder else 1, "width", path)
    widths = [pc.shape_dim(shapes, f"{dec}up.{i}.block.0.conv2.weight", 0, "level width", path) for i in range(levels)]
    if levels < 2 or blocks < 2 or any(w % hidden for w in widths):
        raise ModelError(f"'{path}' is an audio VAE of {levels} levels, {blocks} blocks a level and widths {widths}: "
                         "not MMAudio's (two levels or more, the widths multiples of the first); give "
                         f"{FILES}")
    settings = {k: (known or {}).get(k, v) for k, v in RELEASE.items()}
    mel_basis = shapes.get(MEL + "mel_basis")
    if mel_basis and len(mel_basis) == 2 and not (known or {}).get("n_fft"):
        settings["n_fft"] = (int(mel_basis[1]) - 1) * 2  # the file's mel bank: n_fft / 2 + 1 frequencies
    return {"mel_bins": mels, "latent_channels": latent, "hidden_channels": hidden,
            "channel_multipliers": [w // hidden for w in widths], "layers_per_block": blocks - 1, **settings}


def vocoder_config(shapes: dict, header: dict, path: str) -> dict:
    """MMAudioVocoder's config from the vocoder's shapes (the prefix removed), its rates and dilations from
    ComfyUI's ``header`` (bigvgan_config) where the shapes do not hold them, else BigVGAN's (ASSUMED)."""
    if "conv_post.bias" in shapes:
        raise ModelError(f"'{path}': its vocoder has a bias on its last layer, which diffusers' MMAudioVocoder "
                         "(Kandinsky 6's BigVGAN-v2) has not")
    if not any(k.endswith(".act.beta") for k in shapes):
        raise ModelError(f"'{path}': its vocoder's activations are Snake, not Snake-beta (no '.act.beta'): not "
                         "Kandinsky 6's BigVGAN-v2")
    if any(k.endswith((".weight_g", ".weight_v")) for k in shapes):
        raise ModelError(f"'{path}': its vocoder keeps weight norm (weight_g / weight_v): Studio reads the "
                         "final weights ComfyUI and the release save")
    for k, want in (("resblock", "1"), ("activation", "snakebeta"), ("snake_logscale", True),
                    ("use_tanh_at_final", False), ("use_bias_at_final", False)):
        if k in header and header[k] != want:
            raise ModelError(f"'{path}': its bigvgan_config sets {k} {header[k]!r}; diffusers' MMAudioVocoder "
                             f"(Kandinsky 6's BigVGAN-v2) is {want!r}")
    ups = pc.count(shapes, "ups.", path)
    blocks = pc.count(shapes, "resblocks.", path)
    if not ups or blocks % ups:
        raise ModelError(f"'{path}': its vocoder has {ups} up-sampling layers and {blocks} residual blocks, not "
                         "the same blocks at each layer")
    kernels = [pc.shape_dim(shapes, f"ups.{i}.0.weight", 2, "up-sampling kernel", path) for i in range(ups)]
    each = blocks // ups
    block_kernels = [pc.shape_dim(shapes, f"resblocks.{j}.convs1.0.weight", 2, "block kernel", path)
                     for j in range(each)]
    convs = [pc.count(shapes, f"resblocks.{j}.convs1.", path) for j in range(each)]
    rates = header.get("upsample_rates") or [k // 2 for k in kernels]
    dilations = header.get("resblock_dilation_sizes") or [[1, 3, 5][:n] for n in convs]
    if len(rates) != ups or [len(d) for d in dilations] != convs or any(n > 3 for n in convs) and \
            not header.get("resblock_dilation_sizes"):
        raise ModelError(f"'{path}': its vocoder's rates {rates} or dilations {dilations} do not fit its {ups} "
                         f"up-sampling layers and blocks of {convs} convolutions")
    return {"num_mels": pc.shape_dim(shapes, "conv_pre.weight", 1, "mel bins", path),
            "upsample_initial_channel": pc.shape_dim(shapes, "conv_pre.weight", 0, "width", path),
            "upsample_rates": [int(r) for r in rates], "upsample_kernel_sizes": kernels,
            "resblock_kernel_sizes": block_kernels, "resblock_dilation_sizes": [[int(d) for d in ds] for ds in dilations]}


def read(wf: WeightFile, known: dict | None = None) -> dict:
    """{'audio_vae': (file under MMAudioVAE's names, config, with its encoder), 'vocoder': (file, config)}
    of the one file, checked against each other; headers only."""
    if wf.kind != "safetensors" or not is_audio_file(wf.tensors):
        raise ModelError(f"'{wf.path}' is not Kandinsky 6's audio VAE with its vocoder (vae.* and vocoder.*): give "
                         f"{FILES}")
    from ...files.parts import shapes_of  # parts.py reads the recognisers, this module among them: not at import
    # MMAudioVAE's names are the file's (its mel bank too); the vocoder's without their prefix (a scaled fp8
    # file's scales follow their weights: files/qwen_parts.renamed)
    vae = renamed(wf, {k: k for k in wf.tensors if k.startswith((VAE, MEL))})
    voc = renamed(wf, {k: k[len(VOCODER):] for k in wf.tensors if k.startswith(VOCODER)})
    shapes = shapes_of(vae)
    vcfg = vae_config(shapes, wf.path, known)
    ocfg = vocoder_config(shapes_of(voc), _header_config(wf.path), wf.path)
    if ocfg["num_mels"] != vcfg["mel_bins"]:
        raise ModelError(f"'{wf.path}': its vocoder reads {ocfg['num_mels']} mel bins, its VAE makes "
                         f"{vcfg['mel_bins']}: the two are not one model's")
    return {"audio_vae": (vae, vcfg, "vae.encoder.conv_in.weight" in shapes), "vocoder": (voc, ocfg)}


class _DecoderOnly:
    """MMAudioVAE built without its encoder (a file that holds none): lean_load's ``cls``."""
    _keep_in_fp32_modules = None

    @staticmethod
    def from_config(cfg):
        from diffusers import MMAudioVAE
        model = MMAudioVAE.from_config(cfg)
        model.vae.encoder = None  # Kandinsky6TI2VAPipeline never encodes sound
        return model


def load(read_parts: dict, torch_dtype) -> dict:
    """{'audio_vae': MMAudioVAE, 'vocoder': MMAudioVocoder} from ``read``'s answer, lean."""
    from diffusers import MMAudioVAE, MMAudioVocoder

    from ...files.single_file import lean_load
    vae, vcfg, encoder = read_parts["audio_vae"]
    voc, ocfg = read_parts["vocoder"]
    return {"audio_vae": lean_load(MMAudioVAE if encoder else _DecoderOnly, vcfg, vae, torch_dtype),
            "vocoder": lean_load(MMAudioVocoder, ocfg, voc, torch_dtype)}


def words(read_parts: dict) -> str:
    """What was read, for the log: the file, its parts, what was assumed."""
    vae, vcfg, encoder = read_parts["audio_vae"]
    return (f"{os.path.basename(vae.path)}: Kandinsky 6 audio VAE{'' if encoder else ' (decoder only)'} and vocoder, "
            f"{vcfg['sample_rate']} Hz")
