"""SeedVR2's VAE config: the released one, and one read from a file's tensor names and shapes,
checked against the shapes the config builds before anything is allocated. No torch here.

The released config is ByteDance-Seed/SeedVR (Apache-2.0) at commit 673b563,
``models/video_vae_v3/s8_c16_t4_inflation_sd3.yaml`` with VideoAutoencoderKL's defaults
(``attn_video_vae.py``: time_receptive_field 'full', attention on) and ``configs_3b/main.yaml``'s
``vae`` section (scaling_factor 0.9152, slicing split_size 4); the 7B model uses the same VAE.
Key names are the reference's; ComfyUI's ``seedvr2_ema_vae_fp16.safetensors`` uses the same
layout (read in comfyanonymous/ComfyUI ``comfy/ldm/seedvr/vae.py`` at 768c9ce for the names only:
``encoder.*`` / ``decoder.*``, attention as ``mid_block.attentions.0.to_q`` ..., 3D kernels).
"""
from __future__ import annotations

import math

from studio.core.errors import ModelError

WHAT = "SeedVR2 VAE"
FULL_CONFIG = {
    "in_channels": 3, "out_channels": 3, "latent_channels": 16,
    "block_out_channels": [128, 256, 512, 512], "layers_per_block": 2, "norm_num_groups": 32,
    "temporal_scale_num": 2, "attention": True, "time_receptive_field": "full",
    "use_quant_conv": False, "use_post_quant_conv": False, "inflation_mode": "pad",
    "scaling_factor": 0.9152, "shifting_factor": 0.0, "slicing_sample_min_size": 4,
}
ANCHORS = ("encoder.conv_in.weight", "encoder.conv_out.weight", "decoder.conv_in.weight",
           "decoder.conv_out.weight", "encoder.down_blocks.0.resnets.0.conv1.weight")
PREFIXES = ("vae.", "first_stage_model.")
PARTS = ("encoder.", "decoder.", "quant_conv.", "post_quant_conv.")
DEPRECATED_ATTENTION = {"query": "to_q", "key": "to_k", "value": "to_v", "proj_attn": "to_out.0"}
FLOAT_DTYPES = ("F16", "BF16", "F32", "F64")


def rename(name: str) -> str:
    """A file's tensor name in the module's names: a ``vae.`` / ``first_stage_model.`` prefix
    dropped, the old diffusers attention names (query, key, value, proj_attn) made new, as the
    reference's load_state_dict does (_convert_deprecated_attention_blocks)."""
    for p in PREFIXES:
        if name.startswith(p) and name[len(p):].startswith(PARTS):
            name = name[len(p):]
            break
    parts = name.split(".")
    if "attentions" in parts[:-1] and len(parts) >= 2 and parts[-2] in DEPRECATED_ATTENTION:
        name = ".".join(parts[:-2] + [DEPRECATED_ATTENTION[parts[-2]], parts[-1]])
    return name


def shapes_of(sd_or_header_shapes: dict) -> dict[str, tuple[int, ...]]:
    """{name: shape} in the module's names, from a state dict, a header's shapes, or a header."""
    out = {}
    for k, v in sd_or_header_shapes.items():
        if k == "__metadata__":
            continue
        shape = v.get("shape") if isinstance(v, dict) else getattr(v, "shape", v)
        out[rename(k)] = tuple(int(d) for d in shape)
    return out


def _looks(shapes: dict, n: int = 4) -> str:
    items = ", ".join(f"{k} {list(v)}" for k, v in list(shapes.items())[:n])
    return f"{len(shapes)} tensors ({items}{', …' if len(shapes) > n else ''})" if shapes else "no tensors"


def _count(shapes: dict, pattern: str) -> int:
    n = 0
    while pattern.format(n) in shapes:
        n += 1
    return n


def config_from_state_dict(sd_or_header_shapes: dict, where: str = "") -> dict:
    """The VAE's config read from tensor shapes (a state dict, or a safetensors header's
    {name: {"shape": ...}} / {name: shape}): widths, depth, latent channels, which up-samplers are
    temporal, the first resnet's temporal kernel, attention and quant convs; norm groups (32),
    scaling and slicing are the released config's. A file that is not this VAE is one ModelError."""
    shapes = shapes_of(sd_or_header_shapes)
    missing = [k for k in ANCHORS if k not in shapes]
    if missing:
        raise ModelError(f"{where or 'this file'} is not a {WHAT}: it holds {_looks(shapes)} but not "
                         f"{', '.join(missing)} (the VAE's encoder and decoder convolutions)")
    n = _count(shapes, "encoder.down_blocks.{}.resnets.0.conv1.weight")
    widths = [shapes[f"encoder.down_blocks.{i}.resnets.0.conv1.weight"][0] for i in range(n)]
    rev = widths[::-1]
    temporal = sum(1 for i in range(n - 1)
                   if shapes.get(f"decoder.up_blocks.{i}.upsamplers.0.upscale_conv.weight", (0,))[0] == 8 * rev[i])
    conv1 = shapes["encoder.down_blocks.0.resnets.0.conv1.weight"]
    cfg = dict(FULL_CONFIG)
    cfg.update(
        in_channels=shapes["encoder.conv_in.weight"][1], out_channels=shapes["decoder.conv_out.weight"][0],
        latent_channels=shapes["decoder.conv_in.weight"][1], block_out_channels=widths,
        layers_per_block=_count(shapes, "encoder.down_blocks.0.resnets.{}.conv1.weight"),
        temporal_scale_num=temporal, attention="encoder.mid_block.attentions.0.to_q.weight" in shapes,
        time_receptive_field="half" if len(conv1) == 5 and conv1[2] == 1 else "full",
        use_quant_conv="quant_conv.weight" in shapes, use_post_quant_conv="post_quant_conv.weight" in shapes)
    odd = [w for w in widths if w % cfg["norm_num_groups"]]
    if odd:
        raise ModelError(f"{where or 'this file'} is not a {WHAT} Studio builds: block widths {widths} "
                         f"are not all multiples of its {cfg['norm_num_groups']} norm groups")
    return cfg


def check_shapes(expected: dict, seen: dict, where: str = "") -> None:
    """One ModelError when the file's tensors (``seen``, module names) are not the config's
    (``expected``): what is missing, what is extra, and the first shape that differs."""
    what = f"{where or 'this file'} is not the {WHAT} its own shapes describe"
    missing = [k for k in expected if k not in seen]
    if missing:
        raise ModelError(f"{what}: it lacks {len(missing)} of its {len(expected)} tensors "
                         f"({', '.join(missing[:3])}{', …' if len(missing) > 3 else ''})")
    extra = [k for k in seen if k not in expected]
    if extra:
        raise ModelError(f"{what}: it holds {len(extra)} tensors the VAE has no place for "
                         f"({', '.join(f'{k} {list(seen[k])}' for k in extra[:3])}{', …' if len(extra) > 3 else ''})")
    for k, shape in expected.items():
        if tuple(seen[k]) != tuple(shape):
            kind = " (a 2D kernel where the VAE's are 3D)" if len(seen[k]) == 4 and len(shape) == 5 else ""
            raise ModelError(f"{what}: {k} is {list(seen[k])} where the VAE needs {list(shape)}{kind}")


def factors(cfg: dict) -> tuple[int, int]:
    """(temporal, spatial) down-sampling factors of a config: 4 and 8 for the released VAE."""
    return 2 ** cfg["temporal_scale_num"], 2 ** (len(cfg["block_out_channels"]) - 1)


def numel(expected: dict) -> int:
    return sum(math.prod(s) for s in expected.values())
