"""Z-Image's configs read from its three files' shapes, with the release's values where no shape says them.

The DiT (diffusers' ZImageTransformer2DModel, its names after diffusers' single-file converter): its width from
the patch embedder, its layers and refiner layers counted, its heads' width from the query norm, its key-value
heads from the joined q/k/v, the caption width from the caption embedder's norm; the release's (Tongyi-MAI's
transformer/config.json, as ComfyUI's model config states it too): patches of 2 x 2 (one frame), norm eps 1e-5,
rotary theta 256 over axes of a quarter and three eighths twice of a head (32, 48, 48 of 128), axes lengths
1536, 512, 512, time scale 1000. The scheduler: flow-matching Euler at shift 3 (ComfyUI's sampling settings of
the model; the Turbo release's scheduler_config.json).

The text encoder: ComfyUI's Qwen3 file (text_encoders/qwen_3_4b.safetensors: the language model under 'model.')
as transformers' Qwen3Model, its sizes from the shapes (heads' width from q_norm), Qwen3's rotary theta 1e6, RMS
eps 1e-6 and its 40,960 positions (Qwen3-4B's config.json) where no shape says them.

The VAE: Black Forest Labs' Flux VAE (vae/ae.safetensors, the ldm layout without quant convs) as diffusers'
AutoencoderKL, its widths from the shapes, Flux's latent scaling 0.3611 and shift 0.1159 (the released VAE
config). Plain Python."""
from __future__ import annotations

from ...base.errors import ModelError
from ...files.part_configs import count
from ...files.qwen_parts import QWEN3_TEXT

PATCH, F_PATCH = 2, 1
DIT = {"norm_eps": 1e-5, "qk_norm": True, "rope_theta": 256.0, "t_scale": 1000.0, "axes_lens": [1536, 512, 512],
       "all_patch_size": [PATCH], "all_f_patch_size": [F_PATCH], "siglip_feat_dim": None}
SHIFT = 3.0
SCHEDULER = {"shift": SHIFT, "use_dynamic_shifting": False, "num_train_timesteps": 1000}
FLUX_VAE = {"scaling_factor": 0.3611, "shift_factor": 0.1159, "use_quant_conv": False, "use_post_quant_conv": False,
            "norm_num_groups": 32, "sample_size": 1024, "force_upcast": True, "act_fn": "silu"}
ASSUMED = ("patches of 2 x 2, rotary theta 256 over axes 1/4, 3/8, 3/8 of a head, Qwen3's rotary theta 1e6, Flux's "
           f"latent scaling 0.3611 and shift 0.1159, the flow-matching Euler scheduler at shift {SHIFT:g}")
GIVE_DIT = "give a Z-Image DiT as ComfyUI loads it (diffusion_models/z_image_*.safetensors)"
GIVE_TEXT = "give Z-Image's text encoder as ComfyUI loads it (text_encoders/qwen_3_4b.safetensors)"
GIVE_VAE = "give the Flux VAE as ComfyUI loads it (vae/ae.safetensors)"


def _need(shapes: dict, name: str, path: str, give: str) -> tuple:
    if name not in shapes:
        raise ModelError(f"'{path}' has no '{name}': {give}")
    return tuple(shapes[name])


def transformer(shapes: dict, path: str) -> dict:
    """ZImageTransformer2DModel's config from its shapes (diffusers' names)."""
    width, into = _need(shapes, "all_x_embedder.2-1.weight", path, GIVE_DIT)
    head = _need(shapes, "layers.0.attention.norm_q.weight", path, GIVE_DIT)[0]
    q = _need(shapes, "layers.0.attention.to_q.weight", path, GIVE_DIT)[0]
    k = _need(shapes, "layers.0.attention.to_k.weight", path, GIVE_DIT)[0]
    patches = PATCH * PATCH * F_PATCH
    if head % 8 or width % head or q % head or k % head or into % patches:
        raise ModelError(f"'{path}' is a Z-Image DiT {width} wide with heads of {head} values and an input of {into}: "
                         f"not in the release's patches of {PATCH} x {PATCH} and whole heads: {GIVE_DIT}")
    return {**DIT, "in_channels": into // patches, "dim": width, "n_layers": count(shapes, "layers.", path),
            "n_refiner_layers": count(shapes, "noise_refiner.", path), "n_heads": q // head, "n_kv_heads": k // head,
            "cap_feat_dim": _need(shapes, "cap_embedder.0.weight", path, GIVE_DIT)[0],
            "axes_dims": [head // 4, 3 * head // 8, 3 * head // 8]}


def qwen3(shapes: dict, path: str, tokenizer=None) -> dict:
    """Qwen3Config's values from the language model's shapes (Qwen3Model's names)."""
    vocab, hidden = _need(shapes, "embed_tokens.weight", path, GIVE_TEXT)
    head = _need(shapes, "layers.0.self_attn.q_norm.weight", path, GIVE_TEXT)[0]
    q = _need(shapes, "layers.0.self_attn.q_proj.weight", path, GIVE_TEXT)[0]
    k = _need(shapes, "layers.0.self_attn.k_proj.weight", path, GIVE_TEXT)[0]
    if q % head or k % head:
        raise ModelError(f"'{path}': its queries ({q}) and keys ({k}) are no whole number of its {head}-value heads: "
                         f"{GIVE_TEXT}")
    out = {**QWEN3_TEXT, "vocab_size": vocab, "hidden_size": hidden, "head_dim": head, "num_attention_heads": q // head,
           "num_key_value_heads": k // head, "num_hidden_layers": count(shapes, "layers.", path),
           "intermediate_size": _need(shapes, "layers.0.mlp.gate_proj.weight", path, GIVE_TEXT)[0]}
    if tokenizer is not None and tokenizer.pad_token_id is not None:
        out["pad_token_id"] = tokenizer.pad_token_id
    return out


def flux_vae(shapes: dict, path: str) -> dict:
    """AutoencoderKL's config from the Flux VAE's ldm shapes (no prefix)."""
    levels = count(shapes, "encoder.down.", path)
    if not levels or "decoder.conv_in.weight" not in shapes or "encoder.conv_in.weight" not in shapes:
        raise ModelError(f"'{path}' holds no VAE in the ldm layout of Flux's ae.safetensors (encoder.down.*, "
                         f"decoder.*): {GIVE_VAE}")
    if any(k.startswith(("quant_conv.", "post_quant_conv.")) for k in shapes):
        raise ModelError(f"'{path}' has quant convs, which Flux's VAE has not (another image model's VAE): {GIVE_VAE}")
    return {**FLUX_VAE, "in_channels": shapes["encoder.conv_in.weight"][1],
            "out_channels": _need(shapes, "decoder.conv_out.weight", path, GIVE_VAE)[0],
            "block_out_channels": tuple(_need(shapes, f"encoder.down.{i}.block.0.conv2.weight", path, GIVE_VAE)[0]
                                        for i in range(levels)),
            "layers_per_block": count(shapes, "encoder.down.0.block.", path),
            "down_block_types": ("DownEncoderBlock2D",) * levels, "up_block_types": ("UpDecoderBlock2D",) * levels,
            "latent_channels": shapes["decoder.conv_in.weight"][1]}
