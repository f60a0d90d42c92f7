"""HunyuanVideo 1.5's separate part files, as ComfyUI's folders hold them: the VAE
(``vae/hunyuanvideo15_vae_fp16.safetensors``, Tencent's names), the Qwen2.5-VL text encoder
(``text_encoders/qwen_2.5_vl_7b(_fp8_scaled).safetensors``: the whole vision-language model, of
which the pipeline uses the language model), the byT5 glyph encoder
(``text_encoders/byt5_small_glyphxl_fp16.safetensors``, the second text encoder) and, for image to
video, the SigLIP image encoder (``clip_vision/sigclip_vision_patch14_384.safetensors``:
transformers' SiglipVisionModel names). Each is recognised (parts.read_part), put under diffusers' /
transformers' names, given a config from its shapes (the VAE's found by building the candidates
on the meta device; the Qwen2.5-VL's heads of 128 values each and its rotary settings, SigLIP's 16
heads and its image processor are Studio's data for the released models) and checked against the
denoiser's config, headers only.

The Qwen2.5-VL tokenizer is in none of ComfyUI's files (ComfyUI ships it in its code); it comes
from a ``tokenizer/`` folder beside the file, else the base folder's (tokenizer_for). diffusers
and transformers are imported inside functions."""
from __future__ import annotations

import os

from studio.core.safetensors_header import numbered

from ...base.errors import ModelError
from ...base.registry import FAMILIES
from ..hunyuan.layouts import vae_names
from ...files.qwen_parts import qwen_part
from ...files.qwen_parts import renamed as _renamed
from ...files.weight_formats import WeightFile

HY15_HEAD_DIM = 128  # every released HunyuanVideo 1.5 transformer (16 heads of 128)
HY15_ROPE = {"rope_theta": 256.0, "rope_axes_dim": [16, 56, 56]}  # its rotary split of the 128 values
# The diffusers conversion script's scheduler shift and guidance per released variant (480p / 720p, T2V / I2V)
HY15_SHIFT = {("480p", "t2v"): 5.0, ("480p", "i2v"): 5.0, ("720p", "t2v"): 9.0, ("720p", "i2v"): 7.0}
HY15_STEP_DISTILLED_SHIFT = 7.0  # the script's 480p_i2v_step_distilled (its only step-distilled variant)
SIGLIP_HEADS = 16  # SigLIP so400m/14 (1152 wide): HunyuanVideo 1.5 I2V's image encoder, FLUX.1 Redux's
# google/siglip-so400m-patch14-384's preprocessor_config.json (the FLUX.1-Redux-dev feature_extractor the diffusers
# conversion script gives HunyuanVideo 1.5 I2V); 'size' becomes the tower's own image size (its shapes tell it)
SIGLIP_IMAGE_PROCESSOR = {"do_convert_rgb": None, "do_normalize": True, "do_rescale": True, "do_resize": True,
                          "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5], "resample": 3,
                          "rescale_factor": 0.00392156862745098, "size": {"height": 384, "width": 384}}
# (patch, patches a side) -> the image size of a released SigLIP whose size is not a whole number of patches
# (so400m/14 at 384 pixels: its convolution drops the last 6; the processor resizes to 384)
SIGLIP_SIZES = {(14, 27): 384}
HY15_ASSUMED = (f"attention heads of {HY15_HEAD_DIM} values each, rotary axes 16, 56, 56, the 480p or 720p "
                "variant's scheduler shift and guidance from the file's name")


def _vae_config(shapes: dict, path: str) -> dict:
    """AutoencoderKLHunyuanVideo15's config that builds exactly ``shapes`` (diffusers' names): the
    widths and blocks read from them, the time compression and the channel matching found by
    building each candidate on the meta device."""
    import diffusers
    from accelerate import init_empty_weights
    widths, i = [], 0
    while f"encoder.down_blocks.{i}.resnets.0.conv1.conv.weight" in shapes:
        widths.append(int(shapes[f"encoder.down_blocks.{i}.resnets.0.conv1.conv.weight"][0]))
        i += 1
    layers = sum(1 for k in shapes if k.startswith("encoder.down_blocks.0.resnets.") and k.endswith("conv1.conv.weight"))
    downs = sum(1 for k in shapes if k.startswith("encoder.down_blocks.") and k.endswith("downsamplers.0.conv.conv.weight"))
    if not widths or "decoder.conv_in.conv.weight" not in shapes:
        raise ModelError(f"'{path}': no encoder.down_blocks / decoder.conv_in: not a HunyuanVideo 1.5 VAE's layout")
    if len(widths) > 8 or layers > 8:  # the released VAE: 5 levels of 2 blocks; nothing is built beyond this
        raise ModelError(f"'{path}': a VAE of {len(widths)} levels of {layers} blocks is not a HunyuanVideo 1.5 VAE")
    base = {"in_channels": int(shapes["encoder.conv_in.conv.weight"][1]),
            "out_channels": int(shapes["decoder.conv_out.conv.weight"][0]),
            "latent_channels": int(shapes["decoder.conv_in.conv.weight"][1]), "block_out_channels": widths,
            "layers_per_block": layers, "spatial_compression_ratio": 2 ** downs}
    for t in range(downs + 1):
        for match in (True, False):
            cfg = {**base, "temporal_compression_ratio": 2 ** t, "downsample_match_channel": match,
                   "upsample_match_channel": match}
            try:
                with init_empty_weights():
                    model = diffusers.AutoencoderKLHunyuanVideo15.from_config(cfg)
            except Exception:  # noqa: BLE001 - a candidate the class cannot build (its channels do not divide)
                continue
            if {k: tuple(v.shape) for k, v in model.state_dict().items()} == shapes:
                return cfg
    raise ModelError(f"'{path}': its tensors make no HunyuanVideo 1.5 VAE ({len(widths)} levels {widths} wide, "
                     f"{layers} residual blocks a level, {downs} downsamplings): none of the time compressions "
                     f"1 … {2 ** downs} builds its shapes")


def _siglip_names(names) -> dict[str, str]:
    """A SigLIP vision tower's names under SiglipVisionModel's (transformers 5: no 'vision_model.');
    a text tower beside it is left out."""
    if any(k.startswith("vision_model.") for k in names):
        return {k: k[len("vision_model."):] for k in names if k.startswith("vision_model.")}
    return {k: k for k in names}


def siglip_config(shapes: dict, path: str) -> dict:
    """A SiglipVisionConfig's fields from its shapes (SiglipVisionModel's names); the heads and the
    activation are the released so400m's."""
    def dim(name, i):
        s = shapes.get(name)
        if s is None or len(s) <= i:
            raise ModelError(f"the CLIP vision '{path}' has no '{name}': not a SigLIP vision tower Studio can read")
        return int(s[i])
    hidden, patch, positions = dim("embeddings.patch_embedding.weight", 0), dim("embeddings.patch_embedding.weight", 2), \
        dim("embeddings.position_embedding.weight", 0)
    side = round(positions ** 0.5)
    if side * side != positions or hidden % SIGLIP_HEADS:
        raise ModelError(f"the CLIP vision '{path}': {positions} positions and a width of {hidden} are not a square "
                         f"SigLIP tower of {SIGLIP_HEADS} heads (as the released so400m)")
    return {"hidden_size": hidden, "intermediate_size": dim("encoder.layers.0.mlp.fc1.weight", 0),
            "num_hidden_layers": numbered(shapes, "encoder.layers.", path),
            "num_attention_heads": SIGLIP_HEADS, "num_channels": dim("embeddings.patch_embedding.weight", 1),
            "image_size": SIGLIP_SIZES.get((patch, side), side * patch), "patch_size": patch, "hidden_act": "gelu_pytorch_tanh", "layer_norm_eps": 1e-6,
            "vision_use_head": "head.probe" in shapes}


def _t5_names(names) -> dict[str, str]:
    """A byT5 encoder's names under T5EncoderModel's (ComfyUI's prefixes removed; a decoder dropped)."""
    pre = next((p for p in ("text_encoders.byt5_small.transformer.", "byt5_small.transformer.", "transformer.")
                if names and all(k.startswith(p) for k in names)), "")
    return {k: k[len(pre):] for k in names if k[len(pre):].startswith(("shared.", "encoder."))}


def variant_of(path: str) -> tuple[str, str, bool]:
    """(resolution, task, distilled) from a HunyuanVideo 1.5 file's name (ComfyUI's are named
    ``hunyuanvideo1.5_720p_t2v_cfg_distilled_fp16``); 480p and T2V when it does not say."""
    name = os.path.basename(path).lower()
    return ("720p" if "720" in name else "480p", "i2v" if "i2v" in name else "t2v", "distill" in name)


def shift_of(path: str) -> float:
    """The scheduler shift of the released variant a file's name says (HY15_SHIFT; step-distilled: 7.0)."""
    res, task, _ = variant_of(path)
    step = "step_distill" in os.path.basename(path).lower()
    return HY15_STEP_DISTILLED_SHIFT if step else HY15_SHIFT[(res, task)]


def refuse_other_inputs(inputs: int, latent: int, path: str) -> None:
    """The text- and image-to-video denoisers take their latents, the start image's and a mask (2 x latent + 1
    channels: 65 released); the 1080p super-resolution denoiser also the 720p take's latents and a mask (3 x latent +
    2: 98), fed by a pass Studio does not make (benchmarks/results/hvsr10_2026-11-30.md): refused, from the header,
    before anything is allocated (its name reads '1080p_sr', which variant_of would take for 480p text to video)."""
    if inputs == 2 * latent + 1:
        return
    what = ("HunyuanVideo 1.5's 1080p super-resolution denoiser, which refines a 720p take's latents in a pass of "
            "its own that Studio does not make yet" if inputs == 3 * latent + 2 else "not one of the released layouts")
    raise ModelError(f"'{os.path.basename(path)}' takes {inputs} input channels where HunyuanVideo 1.5's text and "
                     f"image to video denoisers take {2 * latent + 1} (its latents, the start image's and a mask): "
                     f"{what}; give a 480p or 720p t2v / i2v file as the model")


def transformer_config(shapes: dict, path: str) -> dict:
    """A HunyuanVideo15Transformer3DModel's config from its shapes (diffusers' names); the heads,
    the rotary split and the target size are Studio's data for the released models (HY15_ASSUMED)."""
    def dim(name, i, what):
        s = shapes.get(name)
        if s is None or len(s) <= i:
            raise ModelError(f"'{path}' has no '{name}': its {what} cannot be read from its shapes")
        return int(s[i])
    width = dim("x_embedder.proj.weight", 0, "width")
    if width % HY15_HEAD_DIM:
        raise ModelError(f"'{path}' is a HunyuanVideo 1.5 denoiser {width} wide, not a whole number of "
                         f"{HY15_HEAD_DIM}-value heads as in the released models: give its diffusers folder as 'base'")
    pt, ph = dim("x_embedder.proj.weight", 2, "patch"), dim("x_embedder.proj.weight", 3, "patch")
    refuse_other_inputs(dim("x_embedder.proj.weight", 1, "input channels"),
                        dim("proj_out.weight", 0, "output channels") // (pt * ph * ph), path)
    res, task, _ = variant_of(path)
    count = (lambda pre: 1 + max((int(k[len(pre):].split(".")[0]) for k in shapes if k.startswith(pre)), default=-1))
    return {"in_channels": dim("x_embedder.proj.weight", 1, "input channels"),
            "out_channels": dim("proj_out.weight", 0, "output channels") // (pt * ph * ph),
            "num_attention_heads": width // HY15_HEAD_DIM, "attention_head_dim": HY15_HEAD_DIM,
            "num_layers": count("transformer_blocks."),
            "num_refiner_layers": count("context_embedder.token_refiner.refiner_blocks."),
            "mlp_ratio": dim("transformer_blocks.0.ff.net.0.proj.weight", 0, "feed-forward width") / width,
            "patch_size": ph, "patch_size_t": pt, "qk_norm": "rms_norm",
            "text_embed_dim": dim("context_embedder.proj_in.weight", 1, "text width"),
            "text_embed_2_dim": dim("context_embedder_2.norm.weight", 0, "glyph text width"),
            "image_embed_dim": dim("image_embedder.norm_in.weight", 0, "image width"), **HY15_ROPE,
            "use_meanflow": any(k.startswith("time_embed.timestep_embedder_r.") for k in shapes),
            "target_size": 960 if res == "720p" else 640, "task_type": task}


def part_spec(component: str, wf: WeightFile, r, den_cfg: dict, den_path: str) -> tuple:
    """(the file under the diffusers / transformers names, what it is, class name, config) of a
    HunyuanVideo 1.5 part, checked against the denoiser's config ``den_cfg``; headers only."""
    den = os.path.basename(den_path)
    if r.family and r.family != "hunyuan15":
        title = {"vae": "VAE", "text_encoder": "text encoder", "text_encoder_2": "second text encoder"}.get(
            component, "CLIP vision")
        raise ModelError(f"the {title} '{wf.path}' is {r.variant}, made for {FAMILIES[r.family].title}, but the "
                         f"denoiser '{den}' is HunyuanVideo 1.5's")
    if component == "vae":
        named = _renamed(wf, vae_names(list(wf.tensors)))
        cfg = _vae_config({k: tuple(v.shape) for k, v in named.tensors.items()}, wf.path)
        if cfg["latent_channels"] != den_cfg.get("out_channels"):
            raise ModelError(f"the VAE '{wf.path}' makes latents of {cfg['latent_channels']} channels, but the "
                             f"denoiser '{den}' makes {den_cfg.get('out_channels')}")
        return named, r.variant, "AutoencoderKLHunyuanVideo15", cfg
    if component == "text_encoder":
        return qwen_part(wf, r.variant, den_cfg.get("text_embed_dim"), den_path, "HunyuanVideo 1.5")
    if component == "text_encoder_2":
        from ...files import part_configs as pc
        named = _renamed(wf, _t5_names(list(wf.tensors)))
        cls_name, cfg, umt5 = pc.t5_encoder({k: tuple(v.shape) for k, v in named.tensors.items()}, wf.path)
        if umt5 or cfg["d_model"] != den_cfg.get("text_embed_2_dim"):
            raise ModelError(f"the second text encoder '{wf.path}' ({r.variant}) gives text states {cfg['d_model']} "
                             f"wide, but the denoiser '{den}' reads glyph states {den_cfg.get('text_embed_2_dim')} wide "
                             "(byT5's): give byt5_small_glyphxl")
        return named, r.variant, cls_name, cfg
    if den_cfg.get("task_type", "i2v") != "i2v":
        raise ModelError(f"a CLIP-vision file '{wf.path}' was given, but the denoiser '{den}' is HunyuanVideo 1.5 "
                         "text to video (its file's name does not say i2v; ComfyUI's say 'i2v'), which reads no image: "
                         "leave CLIP vision empty, or give the image-to-video denoiser")
    if "vision_model.embeddings.class_embedding" in wf.tensors or not r.variant.startswith("SigLIP"):
        raise ModelError(f"the CLIP vision '{wf.path}' is {r.variant}, but HunyuanVideo 1.5 reads SigLIP image states: "
                         "give sigclip_vision_patch14_384")
    named = _renamed(wf, _siglip_names(list(wf.tensors)))
    cfg = siglip_config({k: tuple(v.shape) for k, v in named.tensors.items()}, wf.path)
    if cfg["hidden_size"] != den_cfg.get("image_embed_dim"):
        raise ModelError(f"the CLIP vision '{wf.path}' ({r.variant}) gives image states {cfg['hidden_size']} wide, but "
                         f"the denoiser '{den}' reads {den_cfg.get('image_embed_dim')}: they do not fit")
    return named, r.variant, "SiglipVisionModel", cfg
