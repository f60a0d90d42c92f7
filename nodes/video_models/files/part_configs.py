"""Configs of a model's parts read from their weights' shapes, as ComfyUI infers them
(``comfy/model_detection.py``): what a separate denoiser, text-encoder, VAE or CLIP-vision file
needs when no diffusers folder gives its config.json. Each function takes the tensors' shapes under
diffusers' or transformers' names (original layouts renamed first) and returns the config; what
shapes cannot tell (the heads of a Wan block, the scheduler) is Studio's data for the released
models, said in ``ASSUMED``.

Plain data and stdlib: no torch, no diffusers."""
from __future__ import annotations

from ..loading.checks import ModelError

WAN_HEAD_DIM = 128  # every released Wan model (1.3B: 12 heads, 5B: 24, 14B: 40), as ComfyUI assumes
CLIP_VISION_HEADS = 16  # CLIP ViT-L/14, ViT-H/14 and ViT-bigG all have 16 heads

# The scheduler of the Wan 2.1 diffusers repositories (480p's flow shift; the generators' 'shift' changes it)
WAN_SCHEDULER = {
    "_class_name": "UniPCMultistepScheduler", "beta_end": 0.02, "beta_schedule": "linear", "beta_start": 0.0001,
    "disable_corrector": [], "dynamic_thresholding_ratio": 0.995, "final_sigmas_type": "zero", "flow_shift": 3.0,
    "lower_order_final": True, "num_train_timesteps": 1000, "predict_x0": True, "prediction_type": "flow_prediction",
    "rescale_betas_zero_snr": False, "sample_max_value": 1.0, "solver_order": 2, "solver_p": None,
    "solver_type": "bh2", "steps_offset": 0, "thresholding": False, "timestep_spacing": "linspace",
    "trained_betas": None, "use_beta_sigmas": False, "use_exponential_sigmas": False, "use_flow_sigmas": True,
    "use_karras_sigmas": False}

# Wan I2V / FLF2V's image processor (the diffusers repositories' image_processor/preprocessor_config.json)
CLIP_IMAGE_PROCESSOR = {
    "crop_size": {"height": 224, "width": 224}, "do_center_crop": True, "do_convert_rgb": True, "do_normalize": True,
    "do_rescale": True, "do_resize": True, "image_mean": [0.48145466, 0.4578275, 0.40821073],
    "image_std": [0.26862954, 0.26130258, 0.27577711], "resample": 3, "rescale_factor": 0.00392156862745098,
    "size": {"shortest_edge": 224}}

ASSUMED = {"wan": f"attention heads of {WAN_HEAD_DIM} values each, and Wan 2.1's UniPC scheduler "
                  f"(flow shift {WAN_SCHEDULER['flow_shift']})"}


def _dim(shapes: dict, name: str, i: int, what: str, path: str) -> int:
    s = shapes.get(name)
    if s is None or len(s) <= abs(i):
        raise ModelError(f"'{path}' has no '{name}' of the right rank: its {what} cannot be read from its shapes")
    return int(s[i])


def count(shapes: dict, prefix: str) -> int:
    """How many numbered children ``prefix`` has ('blocks.' -> 30)."""
    idx = {k[len(prefix):].partition(".")[0] for k in shapes if k.startswith(prefix)}
    return max((int(i) + 1 for i in idx if i.isdigit()), default=0)


def wan_transformer(shapes: dict, path: str) -> tuple[str, dict]:
    """(diffusers class name, config) of a Wan denoiser in diffusers' names."""
    dim, in_ch, pt, ph, pw = (_dim(shapes, "patch_embedding.weight", i, "width", path) for i in range(5))
    if dim % WAN_HEAD_DIM:
        raise ModelError(f"'{path}' is a Wan denoiser {dim} wide, which is not a whole number of "
                         f"{WAN_HEAD_DIM}-value heads as in every released Wan model: give its diffusers folder as 'base'")
    layers = count(shapes, "blocks.")
    cfg = {"patch_size": [pt, ph, pw], "num_attention_heads": dim // WAN_HEAD_DIM, "attention_head_dim": WAN_HEAD_DIM,
           "in_channels": in_ch, "out_channels": _dim(shapes, "proj_out.weight", 0, "output", path) // (pt * ph * pw),
           "text_dim": _dim(shapes, "condition_embedder.text_embedder.linear_1.weight", 1, "text width", path),
           "freq_dim": _dim(shapes, "condition_embedder.time_embedder.linear_1.weight", 1, "time width", path),
           "ffn_dim": _dim(shapes, "blocks.0.ffn.net.0.proj.weight", 0, "feed-forward width", path),
           "num_layers": layers, "cross_attn_norm": "blocks.0.norm2.weight" in shapes,
           "qk_norm": "rms_norm_across_heads" if "blocks.0.attn1.norm_q.weight" in shapes else None,
           "eps": 1e-6, "rope_max_seq_len": 1024}
    if "condition_embedder.image_embedder.norm1.weight" in shapes:  # Wan 2.1 I2V / FLF2V: CLIP image tokens
        cfg["image_dim"] = _dim(shapes, "condition_embedder.image_embedder.norm1.weight", 0, "image width", path)
        cfg["added_kv_proj_dim"] = _dim(shapes, "blocks.0.attn2.add_k_proj.weight", 1, "image key width", path)
    if "condition_embedder.image_embedder.pos_embed" in shapes:  # FLF2V: two images' tokens
        cfg["pos_embed_seq_len"] = _dim(shapes, "condition_embedder.image_embedder.pos_embed", 1, "image tokens", path)
    n = count(shapes, "vace_blocks.")
    if n:
        step = max(1, layers // n)
        cfg["vace_layers"] = list(range(0, step * n, step))
        cfg["vace_in_channels"] = _dim(shapes, "vace_patch_embedding.weight", 1, "control channels", path)
        return "WanVACETransformer3DModel", cfg
    return "WanTransformer3DModel", cfg


def wan_vae(shapes: dict, path: str) -> tuple[str, dict]:
    """(class, config) of a Wan 2.1 VAE in diffusers' names (``AutoencoderKLWan``); its latents'
    mean and std are the class's own defaults (Wan 2.1's)."""
    z = _dim(shapes, "post_quant_conv.weight", 0, "latent channels", path)
    if z != 16:
        raise ModelError(f"'{path}' is a Wan VAE with {z} latent channels (Wan 2.2's): as a single file Studio reads "
                         "Wan 2.1's VAE (16 channels) so far; give the Wan 2.2 diffusers folder as 'base'")
    base = _dim(shapes, "encoder.conv_in.weight", 0, "width", path)
    resnets = count(shapes, "decoder.up_blocks.0.resnets.") - 1
    if resnets < 1:
        raise ModelError(f"'{path}': the VAE's decoder blocks are not Wan's (no decoder.up_blocks.0.resnets)")
    chans, temporal, i = [], [], 0
    while f"encoder.down_blocks.{i}.conv1.weight" in shapes or f"encoder.down_blocks.{i}.resample.1.weight" in shapes:
        if f"encoder.down_blocks.{i}.conv1.weight" in shapes:
            chans.append(int(shapes[f"encoder.down_blocks.{i}.conv1.weight"][0]))
        else:
            temporal.append(f"encoder.down_blocks.{i}.time_conv.weight" in shapes)
        i += 1
    levels = len(chans) // resnets
    if not levels or levels * resnets != len(chans):
        raise ModelError(f"'{path}': the VAE's encoder holds {len(chans)} residual blocks, not {resnets} per level")
    return "AutoencoderKLWan", {"base_dim": base, "z_dim": z, "dim_mult": [chans[lv * resnets] // base for lv in range(levels)],
                                "num_res_blocks": resnets, "attn_scales": [], "temperal_downsample": temporal,
                                "dropout": 0.0}


def t5_encoder(shapes: dict, path: str) -> tuple[str, dict, bool]:
    """(transformers class, config, umt5) of a T5 / UMT5 encoder in transformers' names: UMT5 when
    every block has its own relative-attention bias (T5: the first only)."""
    b = "encoder.block.{}.layer.{}"
    bias = _dim(shapes, b.format(0, 0) + ".SelfAttention.relative_attention_bias.weight", 0, "position buckets", path)
    heads = int(shapes[b.format(0, 0) + ".SelfAttention.relative_attention_bias.weight"][1])
    inner = _dim(shapes, b.format(0, 0) + ".SelfAttention.q.weight", 0, "attention width", path)
    gated = b.format(0, 1) + ".DenseReluDense.wi_0.weight" in shapes
    ff = _dim(shapes, b.format(0, 1) + (".DenseReluDense.wi_0.weight" if gated else ".DenseReluDense.wi.weight"),
              0, "feed-forward width", path)
    umt5 = b.format(1, 0) + ".SelfAttention.relative_attention_bias.weight" in shapes
    vocab, d_model = (_dim(shapes, "shared.weight", i, "vocabulary", path) for i in (0, 1))
    if inner % heads:
        raise ModelError(f"'{path}': an attention width of {inner} is not a whole number of its {heads} heads")
    cfg = {"vocab_size": vocab, "d_model": d_model, "d_kv": inner // heads, "d_ff": ff,
           "num_layers": count(shapes, "encoder.block."), "num_heads": heads, "relative_attention_num_buckets": bias,
           "relative_attention_max_distance": 128, "feed_forward_proj": "gated-gelu" if gated else "relu",
           "dense_act_fn": "gelu_new" if gated else "relu", "is_gated_act": gated, "layer_norm_epsilon": 1e-6,
           "tie_word_embeddings": False, "pad_token_id": 0, "eos_token_id": 1, "decoder_start_token_id": 0}
    return ("UMT5EncoderModel" if umt5 else "T5EncoderModel"), cfg, umt5


def clip_vision(shapes: dict, path: str) -> tuple[str, dict]:
    """(transformers class, config) of a CLIP vision tower in transformers' names (ComfyUI's clip_vision
    files): its sizes from the shapes, 16 heads (every released CLIP vision model)."""
    hidden = _dim(shapes, "vision_model.embeddings.class_embedding", 0, "width", path)
    patch = _dim(shapes, "vision_model.embeddings.patch_embedding.weight", 2, "patch", path)
    positions = _dim(shapes, "vision_model.embeddings.position_embedding.weight", 0, "positions", path)
    side = round((positions - 1) ** 0.5)
    if side * side != positions - 1 or hidden % CLIP_VISION_HEADS:
        raise ModelError(f"'{path}': {positions} positions and a width of {hidden} are not a square CLIP vision tower's")
    return "CLIPVisionModel", {
        "hidden_size": hidden, "intermediate_size": _dim(shapes, "vision_model.encoder.layers.0.mlp.fc1.weight", 0,
                                                          "feed-forward width", path),
        "num_hidden_layers": count(shapes, "vision_model.encoder.layers."), "num_attention_heads": CLIP_VISION_HEADS,
        "patch_size": patch, "image_size": side * patch, "hidden_act": "gelu", "layer_norm_eps": 1e-5,
        "projection_dim": int((shapes.get("visual_projection.weight") or (hidden,))[0])}
