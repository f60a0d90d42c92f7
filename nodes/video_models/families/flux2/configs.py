"""FLUX.2 [klein]'s configs read from its three files' shapes, with the release's values where no shape says them.

The transformer (diffusers' Flux2Transformer2DModel; the file in Black Forest Labs' names, ComfyUI's
diffusion_models/flux-2-klein-*.safetensors): its width and latent input from 'img_in', its heads' width from a
query norm, its joint and single blocks counted, its feed-forward ratio from the joint blocks' SwiGLU input (two
halves), the text width from 'txt_in', the timestep channels from 'time_in', its guidance embedder where the file
has one ('guidance_in': FLUX.2 [dev]'s, which klein has not). The release's (black-forest-labs' transformer
config.json, as diffusers 0.42.1's Flux2Transformer2DModel defaults state it): patches of 1 (the pipeline packs 2 x 2
latent pixels itself), rotary theta 2000 over four equal axes of a head (32 each of 128), norm eps 1e-6.

The text encoder: ComfyUI's Qwen3 file (text_encoders/qwen_3_4b or qwen_3_8b: the language model under 'model.') as
transformers' Qwen3Model, its sizes from the shapes, Qwen3's rotary theta 1e6, RMS eps 1e-6 and 40,960 positions
where no shape says them (as families/zimage/configs.py reads the same file). klein reads the states after its
layers 9, 18 and 27, side by side (diffusers' Flux2KleinPipeline's text_encoder_out_layers; ComfyUI's
comfy/text_encoders/flux.py takes the same three): the transformer's text width is three times the encoder's.

The VAE: FLUX.2's (ComfyUI's vae/flux2-vae.safetensors: the ldm layout of an image VAE, with quant convs, and a
batch norm of its 2 x 2-patched latents, 'bn.running_mean' / 'bn.running_var') as diffusers' AutoencoderKLFlux2,
its widths from the shapes, the norm's eps 1e-4 and momentum 0.1 (AutoencoderKLFlux2's defaults).

The scheduler: flow-matching Euler with the resolution- and step-dependent shift diffusers' Flux2KleinPipeline
computes (compute_empirical_mu, an exponential time shift): the schedule ComfyUI's Flux2Scheduler node makes
(comfy_extras/nodes_flux.py, get_schedule). ComfyUI's other schedulers ('simple' on a KSampler) sample klein at its
model config's fixed shift 2.02 on Flux's exponential scale (ModelSamplingFlux: exp(mu) / (exp(mu) + 1 / t - 1)),
which is diffusers' fixed shift e^2.02 (shift * t / (1 + (shift - 1) * t)). Plain stdlib."""
from __future__ import annotations

from ...base.errors import ModelError
from ...files import part_configs as pc
from ...files.qwen_parts import QWEN3_TEXT

PATCH_AXES = 4  # four rotary axes, a quarter of a head each (32 of 128)
ROPE_THETA, EPS = 2000, 1e-6
TEXT_LAYERS = (9, 18, 27)  # the Qwen3 states klein reads, side by side
BN_EPS, BN_MOMENTUM = 1e-4, 0.1
# flow-matching Euler shifting by a fixed 'shift' (1: none), not dynamically: the family's pipeline hands it the
# dynamic schedule as sigmas on its own scheduler (pipeline._schedule: no sampler or shift set), so that the
# generator's 'shift' can set
# ComfyUI's fixed one (its KSampler on klein: e^2.02)
OWN = "FLUX.2's schedule worked out from the size and the steps (ComfyUI's Flux2Scheduler's)"
SCHEDULER = {"num_train_timesteps": 1000, "shift": 1.0, "use_dynamic_shifting": False, "base_shift": 0.5,
             "max_shift": 1.15, "base_image_seq_len": 256, "max_image_seq_len": 4096, "time_shift_type": "exponential",
             "_studio_schedule": OWN}  # (a hidden config key: kept by a swap to another shift or sampler, read by
# pipeline._schedule at shift 1 and said by base/schedulers.py's 'sampling with' line)
DYNAMIC_SCHEDULER = {**{k: v for k, v in SCHEDULER.items() if not k.startswith("_")}, "use_dynamic_shifting": True}  # (diffusers' pipeline shifting itself: the tests')
COMFY_SHIFT = 2.02  # ComfyUI's Flux2 model config's sampling shift (supported_models.py), on Flux's exponential scale
ASSUMED = ("patches of 1, rotary theta 2000 over four equal axes of a head, Qwen3's states after layers 9, 18 and 27, "
           "the flow-matching Euler schedule Flux2Scheduler makes")
GIVE_DIT = "give a FLUX.2 [klein] diffusion model as ComfyUI loads it (diffusion_models/flux-2-klein-*.safetensors)"
GIVE_TEXT = ("give klein's Qwen3 text encoder as ComfyUI loads it (text_encoders/qwen_3_4b.safetensors for klein 4B, "
             "qwen_3_8b for klein 9B)")
GIVE_VAE = "give FLUX.2's VAE as ComfyUI loads it (vae/flux2-vae.safetensors)"


def transformer(s: dict, path: str) -> dict:
    """Flux2Transformer2DModel's config from the shapes of a FLUX.2 model in Black Forest Labs' names (no prefix)."""
    def dim(name, i, what):
        return pc.shape_dim(s, name, i, what, path)
    inner, latent_in = dim("img_in.weight", 0, "width"), dim("img_in.weight", 1, "input channels")
    head = dim("double_blocks.0.img_attn.norm.query_norm.scale", 0, "head size")
    swiglu = dim("double_blocks.0.img_mlp.0.weight", 0, "feed-forward width")
    if inner % head or head % (2 * PATCH_AXES) or swiglu % 2:
        raise ModelError(f"'{path}': a width of {inner} with heads of {head} values is not FLUX.2's (whole heads, each "
                         f"split into {PATCH_AXES} even rotary axes): {GIVE_DIT}")
    out = dim("final_layer.linear.weight", 0, "output channels")
    return {"patch_size": 1, "in_channels": latent_in, "out_channels": None if out == latent_in else out,
            "num_layers": pc.count(s, "double_blocks.", path), "num_single_layers": pc.count(s, "single_blocks.", path),
            "attention_head_dim": head, "num_attention_heads": inner // head,
            "joint_attention_dim": dim("txt_in.weight", 1, "text width"),
            "timestep_guidance_channels": dim("time_in.in_layer.weight", 1, "timestep channels"),
            "mlp_ratio": swiglu / (2 * inner), "axes_dims_rope": (head // PATCH_AXES,) * PATCH_AXES,
            "rope_theta": ROPE_THETA, "eps": EPS, "guidance_embeds": "guidance_in.in_layer.weight" in s}


def qwen3(shapes: dict, path: str) -> dict:
    """Qwen3Config's values from the language model's shapes (Qwen3Model's names)."""
    def dim(name, i, what):
        return pc.shape_dim(shapes, name, i, what, path)
    vocab, hidden = dim("embed_tokens.weight", 0, "vocabulary"), dim("embed_tokens.weight", 1, "width")
    head = dim("layers.0.self_attn.q_norm.weight", 0, "head size")
    q, k = dim("layers.0.self_attn.q_proj.weight", 0, "queries"), dim("layers.0.self_attn.k_proj.weight", 0, "keys")
    if q % head or k % head:
        raise ModelError(f"'{path}': its queries ({q}) and keys ({k}) are no whole number of its {head}-value heads: "
                         f"{GIVE_TEXT}")
    return {**QWEN3_TEXT, "vocab_size": vocab, "hidden_size": hidden, "head_dim": head, "num_attention_heads": q // head,
            "num_key_value_heads": k // head, "num_hidden_layers": pc.count(shapes, "layers.", path),
            "intermediate_size": dim("layers.0.mlp.gate_proj.weight", 0, "feed-forward width")}


def vae(v: dict, path: str) -> dict:
    """AutoencoderKLFlux2's config from FLUX.2's VAE's ldm shapes (no prefix)."""
    levels = pc.count(v, "encoder.down.", path)
    if not levels or "decoder.conv_in.weight" not in v or "encoder.conv_in.weight" not in v:
        raise ModelError(f"'{path}' holds no VAE in the ldm layout of FLUX.2's flux2-vae.safetensors (encoder.down.*, "
                         f"decoder.*): {GIVE_VAE}")
    if "bn.running_mean" not in v:
        raise ModelError(f"'{path}' has no batch norm of its latents ('bn.running_mean'), which FLUX.2's VAE has (a "
                         f"FLUX.1 or other image model's VAE): {GIVE_VAE}")

    def dim(name, i, what):
        return pc.shape_dim(v, name, i, what, path)
    latent = dim("decoder.conv_in.weight", 1, "latent channels")
    patched = dim("bn.running_mean", 0, "normed channels")
    side = round((patched // latent) ** 0.5) if latent and patched % latent == 0 else 0
    if side * side * latent != patched:
        raise ModelError(f"'{path}': its batch norm of {patched} channels is no square patch of its {latent} latent "
                         f"channels: {GIVE_VAE}")
    enc = tuple(dim(f"encoder.down.{i}.block.0.conv2.weight", 0, "width") for i in range(levels))
    dec_top = dim("decoder.conv_in.weight", 0, "decoder width")
    return {"in_channels": dim("encoder.conv_in.weight", 1, "input channels"),
            "out_channels": dim("decoder.conv_out.weight", 0, "output channels"),
            "down_block_types": ("DownEncoderBlock2D",) * levels, "up_block_types": ("UpDecoderBlock2D",) * levels,
            "block_out_channels": enc,
            "decoder_block_out_channels": None if dec_top == enc[-1] else tuple(dec_top * c // enc[-1] for c in enc),
            "layers_per_block": pc.count(v, "encoder.down.0.block.", path), "act_fn": "silu",
            "latent_channels": latent, "norm_num_groups": 32, "sample_size": 1024,
            "use_quant_conv": "quant_conv.weight" in v, "use_post_quant_conv": "post_quant_conv.weight" in v,
            "mid_block_add_attention": "encoder.mid.attn_1.q.weight" in v, "batch_norm_eps": BN_EPS,
            "batch_norm_momentum": BN_MOMENTUM, "patch_size": (side, side)}
