"""Stable Diffusion XL's configs read from its checkpoint's shapes (Stability's sgm names), with SDXL's own values
where no shape says them: 64-value attention heads, 32 norm groups, the VAE's scaling factor 0.13025 (and its fp32
upcast), the 'text_time' embedding of six size numbers beside the pooled prompt, CLIP ViT-L's quick GELU and
OpenCLIP bigG's GELU; the scheduler is SDXL's released Euler (scaled linear betas 0.00085-0.012, 'leading'
spacing). The VAE's config is AnimateDiff's reader of the same ldm layout (families/animatediff/parts.py)."""
from __future__ import annotations

from ...base.errors import ModelError
from ..animatediff.parts import block_levels, clip_config, name_numbers, vae_config
from .recognise import CLIP_G, CLIP_L, UNET, VAE

HEAD, GROUPS, SIZE_NUMBERS = 64, 32, 6  # (original height, width, crop top, left, target height, width)
SCALING = 0.13025  # SDXL VAE's latent scaling factor
SCHEDULER = dict(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", num_train_timesteps=1000,
                 prediction_type="epsilon", timestep_spacing="leading", steps_offset=1, interpolation_type="linear",
                 use_karras_sigmas=False)
GIVE = "give a Stable Diffusion XL base checkpoint as ComfyUI loads it (checkpoints/*.safetensors, Stability's layout)"


def shapes_under(wf, prefix: str) -> dict:
    """The shapes of ``wf``'s tensors under ``prefix``, the prefix removed."""
    return {k[len(prefix):]: tuple(v.shape) for k, v in wf.tensors.items() if k.startswith(prefix)}


def pooled_width(wf) -> int:
    """The width of OpenCLIP bigG's pooled, projected prompt (its text_projection's second axis)."""
    return int(wf.tensors[CLIP_G + "text_projection"].shape[1])


def unet(u: dict, pooled: int, path: str) -> dict:
    """UNet2DConditionModel's config from an sgm SDXL UNet's shapes (names without ``model.diffusion_model.``)."""
    if "input_blocks.0.0.weight" not in u or "label_emb.0.0.weight" not in u:
        raise ModelError(f"'{path}' holds no Stable Diffusion XL UNet ({UNET}input_blocks.*, label_emb.*): {GIVE}")
    per, first = block_levels(u)
    levels = len(first)
    attn = [f"input_blocks.{i}.1.proj_in.weight" in u for i in first]
    up = [f"output_blocks.{b * (per + 1)}.1.proj_in.weight" in u for b in range(levels)]
    widths = tuple(u[f"input_blocks.{i}.0.out_layers.3.weight"][0] for i in first)
    key = next((v for k, v in u.items() if k.endswith("attn2.to_k.weight")), None)
    proj = next((v for k, v in u.items() if k.endswith(".proj_in.weight")), None)
    if key is None or proj is None:
        raise ModelError(f"'{path}': its UNet has no cross attention on the prompt where SDXL's has: {GIVE}")
    time_numbers = u["label_emb.0.0.weight"][1] - pooled
    if time_numbers <= 0 or time_numbers % SIZE_NUMBERS:
        raise ModelError(f"'{path}': its UNet's size embedding takes {u['label_emb.0.0.weight'][1]} values, which is "
                         f"not the {pooled}-value pooled prompt and six size numbers of SDXL's: {GIVE}")
    layers = tuple(len(name_numbers(u, f"input_blocks.{i}.1.transformer_blocks.", 4)) or 1 for i in first)
    return {"in_channels": u["input_blocks.0.0.weight"][1], "out_channels": u["out.2.weight"][0],
            "block_out_channels": widths, "layers_per_block": per,
            "down_block_types": tuple("CrossAttnDownBlock2D" if a else "DownBlock2D" for a in attn),
            "up_block_types": tuple("CrossAttnUpBlock2D" if a else "UpBlock2D" for a in up),
            "cross_attention_dim": key[1], "use_linear_projection": len(proj) == 2,
            "transformer_layers_per_block": layers,
            # diffusers names the heads' count attention_head_dim (SDXL's released config: 5, 10, 20)
            "attention_head_dim": tuple(max(1, w // HEAD) for w in widths), "norm_num_groups": GROUPS,
            "addition_embed_type": "text_time", "addition_time_embed_dim": time_numbers // SIZE_NUMBERS,
            "projection_class_embeddings_input_dim": u["label_emb.0.0.weight"][1], "sample_size": 128}


def vae(v: dict, path: str) -> dict:
    """AutoencoderKL's config from the checkpoint's VAE (names without ``first_stage_model.``): SDXL's scaling."""
    if not v:
        raise ModelError(f"'{path}' holds no VAE ({VAE}*): {GIVE} (with its VAE)")
    return {**vae_config(v, path), "scaling_factor": SCALING, "sample_size": 1024, "force_upcast": True}


def text(c: dict, path: str, tokenizer, act: str, projection: int = 0) -> dict:
    """CLIPTextConfig's values from a text encoder's shapes (names after ``text_model.``) and its tokenizer's: SD 1.5's
    CLIP reading (animatediff/parts.clip_config, heads of 64) with this encoder's activation and projection."""
    if c.get("embeddings.token_embedding.weight") is None:
        raise ModelError(f"'{path}' holds no text encoder where SDXL has one ({CLIP_L}, {CLIP_G}): {GIVE}")
    out = {**clip_config(c, path, tokenizer), "hidden_act": act}
    return {**out, "projection_dim": projection} if projection else out
