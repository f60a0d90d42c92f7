"""LTX-2's configs read from its weights' shapes (diffusers' names: the original layouts renamed
first), for a checkpoint with no diffusers folder: the transformer (``LTX2VideoTransformer3DModel``),
the text connectors (``LTX2TextConnectors``), the video VAE (``AutoencoderKLLTX2Video``), the audio VAE
(``AutoencoderKLLTX2Audio``), the vocoder (``LTX2Vocoder``) and the Gemma 3 text model
(``Gemma3TextModel``); and the scheduler of the LTX-2 releases as Studio ships it. What shapes cannot
tell (heads, rotary settings, sample rates, the vocoder's strides) is Studio's data for LTX-2 19B,
said in ``ASSUMED``; every config is checked against every tensor's shape before anything is loaded.

Plain data and stdlib: no torch, no diffusers."""
from __future__ import annotations

from ...base.errors import ModelError
from ...files.part_configs import count, shape_dim as _dim

VIDEO_HEAD_DIM, AUDIO_HEAD_DIM, CONNECTOR_HEAD_DIM = 128, 64, 128  # LTX-2 19B: 32 x 128, 32 x 64, 30 x 128
GEMMA_WIDTH = 3840  # Gemma 3 12B's text states: what LTX-2's connectors read
MEL_COMPRESSION = 4  # AutoencoderKLLTX2Audio's LATENT_DOWNSAMPLE_FACTOR (mel bins per latent bin)
SAMPLE_RATE, HOP = 16000, 160  # the audio VAE's mel spectrogram (LTX-2 19B)
OUTPUT_RATE = 24000  # LTX-2 19B's vocoder
# upsampling kernels -> strides: LTX-2 19B's HiFi-GAN, LTX-2.3's and its bandwidth extender's (diffusers'
# scripts/convert_ltx2_to_diffusers.py, 2.3 presets)
VOCODER_STRIDES = {(16, 15, 8, 4, 4): [6, 5, 2, 2, 2], (11, 4, 4, 4, 4, 4): [5, 2, 2, 2, 2, 2],
                   (12, 11, 4, 4, 4): [6, 5, 2, 2, 2]}
BWE_HOP, BWE_RATE = 80, 48000  # LTX-2.3's bandwidth extender: the mel hop it reads, the rate it makes
ROPE = {"rope_type": "split", "rope_double_precision": True, "rope_theta": 10000.0}

# The scheduler of the LTX-2 releases (diffusers' conversion script): dynamic shifting, sigmas
# stretched to end at 0.1; the distilled checkpoints use their sigmas as they are
LTX2_SCHEDULER = {
    "_class_name": "FlowMatchEulerDiscreteScheduler", "num_train_timesteps": 1000, "shift": 1.0,
    "use_dynamic_shifting": True, "base_shift": 0.95, "max_shift": 2.05, "base_image_seq_len": 1024,
    "max_image_seq_len": 4096, "invert_sigmas": False, "shift_terminal": 0.1, "use_karras_sigmas": False,
    "use_exponential_sigmas": False, "use_beta_sigmas": False, "time_shift_type": "exponential"}
LTX2_DISTILLED_SCHEDULER = {**LTX2_SCHEDULER, "use_dynamic_shifting": False, "shift_terminal": None}

# Gemma 3 12B's text model (google/gemma-3-12b-it) beyond what its shapes say
GEMMA3_TEXT = {"max_position_embeddings": 131072, "sliding_window": 1024, "rms_norm_eps": 1e-6,
               "hidden_activation": "gelu_pytorch_tanh", "attn_logit_softcapping": None,
               "final_logit_softcapping": None, "pad_token_id": 0, "eos_token_id": 1, "bos_token_id": 2,
               "rope_parameters": {"full_attention": {"rope_type": "linear", "factor": 8.0, "rope_theta": 1000000.0},
                                   "sliding_attention": {"rope_type": "default", "rope_theta": 10000.0}}}
SLIDING_PATTERN = 6  # every sixth layer attends globally

ASSUMED = (f"LTX-2 19B's heads ({VIDEO_HEAD_DIM} values for the picture, {AUDIO_HEAD_DIM} for the sound, "
           f"{CONNECTOR_HEAD_DIM} in the text connectors), split rotary embeddings, sound at {SAMPLE_RATE} Hz mel "
           f"(hop {HOP}) and {OUTPUT_RATE} Hz out, and the releases' flow-match Euler scheduler")
# LTX-2.3's gates say its heads; what its shapes do not say is diffusers' 2.3 presets'
ASSUMED_23 = (f"LTX-2.3's heads as its attention gates count them, split rotary embeddings, sound at {SAMPLE_RATE} Hz "
              f"mel (hop {HOP}) and {BWE_RATE} Hz out through its bandwidth extender (hop {BWE_HOP}), its VAE's "
              "zero padding and plain up-sampling, and the LTX-2 releases' flow-match Euler scheduler")

LICENCE = ("LTX-2's weights come under the LTX-2 Community License (Lightricks', not Studio's): its terms are on "
           "the model card")



def _heads(width: int, head: int, what: str, path: str) -> int:
    if width % head:
        raise ModelError(f"'{path}': the {what} is {width} wide, which is not whole heads of {head} values as in "
                         "LTX-2 19B: give its diffusers folder as 'base'")
    return width // head


def _attention(shapes: dict, gate: str, width: int, head: int, what: str, path: str) -> tuple[int, int]:
    """(heads, head width) of a stream: gated attention says its heads (a gate a head); else heads of
    ``head`` values are assumed (LTX-2 19B's)."""
    if gate not in shapes:
        return _heads(width, head, what, path), head
    heads = _dim(shapes, gate, 0, f"{what} gates", path)
    if width % heads:
        raise ModelError(f"'{path}': the {what} is {width} wide with {heads} attention gates, which is not whole heads")
    return heads, width // heads


def generation(names) -> str:
    """'LTX-2', 'LTX-2.3' or 'LTX-2.5' from a transformer's tensor names (diffusers' or Lightricks'):
    LTX-2.3 gates its attention (``to_gate_logits``) and modulates the prompt's cross-attention (a
    per-block ``prompt_scale_shift_table`` and a global ``prompt_adaln``); LTX-2.5 drops the
    feed-forward biases (and the global prompt AdaLN: KV-cacheable) and may add
    ``keyframes_abs_pos_embedding`` (Lightricks' ltx_core/model/transformer/model_configurator.py,
    400fd31). A file with LTX-2.3's biases but no prompt AdaLN is LTX-2.3's with tensors missing."""
    b = "transformer_blocks.0."
    table = b + "prompt_scale_shift_table" in names
    adaln = "prompt_adaln.linear.weight" in names or "prompt_adaln_single.linear.weight" in names
    no_ff_bias = b + "ff.net.0.proj.weight" in names and b + "ff.net.0.proj.bias" not in names
    if "keyframes_abs_pos_embedding" in names or no_ff_bias:
        return "LTX-2.5"
    if table or adaln or b + "attn1.to_gate_logits.weight" in names:
        return "LTX-2.3"
    return "LTX-2"


def generation_of_config(cfg: dict) -> str:
    """The generation a diffusers transformer config says (its folder's, or one read from a file's
    shapes): LTX-2.5's cross-attention without the prompt AdaLN (KV-cacheable), its keyframe embedding
    or its feed-forward without biases; LTX-2.3's gated attention and prompt modulation; else LTX-2."""
    if cfg.get("use_prompt_adaln_single") is False or cfg.get("use_keyframes_abs_pos_embedding") \
            or cfg.get("ff_bias") is False:
        return "LTX-2.5"
    return "LTX-2.3" if cfg.get("gated_attn") or cfg.get("cross_attn_mod") else "LTX-2"


def transformer(shapes: dict, path: str) -> tuple[str, dict]:
    """(class name, config) of an LTX-2, LTX-2.3 or LTX-2.5 transformer in diffusers' names (the
    generation's structure read from its tensors: gated attention, prompt modulation, the caption
    projection LTX-2.3 moved into the connectors, the feed-forward biases)."""
    inner, audio = (_dim(shapes, n, 0, "width", path) for n in ("proj_in.weight", "audio_proj_in.weight"))
    b = "transformer_blocks.0."
    caption = "caption_projection.linear_1.weight" in shapes
    mod, audio_mod = (_dim(shapes, b + n, 0, "modulation rows", path) == 9
                      for n in ("scale_shift_table", "audio_scale_shift_table"))
    (vh, vd), (ah, ad) = (_attention(shapes, b + g, w, d, what, path) for g, w, d, what in (
        ("attn1.to_gate_logits.weight", inner, VIDEO_HEAD_DIM, "picture stream"),
        ("audio_attn1.to_gate_logits.weight", audio, AUDIO_HEAD_DIM, "sound stream")))
    return "LTX2VideoTransformer3DModel", {
        "in_channels": _dim(shapes, "proj_in.weight", 1, "latent channels", path),
        "out_channels": _dim(shapes, "proj_out.weight", 0, "output channels", path), "patch_size": 1,
        "patch_size_t": 1, "num_attention_heads": vh, "attention_head_dim": vd,
        "cross_attention_dim": _dim(shapes, b + "attn2.to_k.weight", 1, "cross-attention width", path),
        "audio_in_channels": _dim(shapes, "audio_proj_in.weight", 1, "audio latent channels", path),
        "audio_out_channels": _dim(shapes, "audio_proj_out.weight", 0, "audio output channels", path),
        "audio_num_attention_heads": ah, "audio_attention_head_dim": ad,
        "audio_cross_attention_dim": _dim(shapes, b + "audio_attn2.to_k.weight", 1, "audio cross-attention width",
                                          path),
        "audio_sampling_rate": SAMPLE_RATE, "audio_hop_length": HOP,
        "num_layers": count(shapes, "transformer_blocks."), "activation_fn": "gelu-approximate",
        "qk_norm": "rms_norm_across_heads", "norm_elementwise_affine": False, "norm_eps": 1e-6,
        # LTX-2.3 and later project the text in the connectors: the transformer reads no caption width
        "caption_channels": _dim(shapes, "caption_projection.linear_1.weight", 1, "text width", path) if caption
        else GEMMA_WIDTH,
        "attention_bias": b + "attn1.to_q.bias" in shapes, "attention_out_bias": b + "attn1.to_out.0.bias" in shapes,
        "ff_bias": b + "ff.net.0.proj.bias" in shapes, "audio_ff_bias": b + "audio_ff.net.0.proj.bias" in shapes,
        "gated_attn": b + "attn1.to_gate_logits.weight" in shapes,
        "audio_gated_attn": b + "audio_attn1.to_gate_logits.weight" in shapes,
        "cross_attn_mod": mod, "audio_cross_attn_mod": audio_mod, "use_prompt_embeddings": caption,
        # LTX-2.3's prompt AdaLN is its structure (a file without it is named by the tensors' check)
        "use_prompt_adaln_single": not (mod or audio_mod) or generation(shapes) != "LTX-2.5",
        "use_keyframes_abs_pos_embedding": "keyframes_abs_pos_embedding" in shapes, **ROPE}


def _stream(shapes: dict, name: str, path: str, head: int) -> tuple[int, int, int, int | None, bool]:
    """(heads, head width, layers, learnable registers, gated) of one text connector: a gated one
    says its heads (a gate a head); else heads of ``head`` values are assumed."""
    b = f"{name}.transformer_blocks.0.attn1."
    width = _dim(shapes, b + "to_q.weight", 0, "connector width", path)
    gated = b + "to_gate_logits.weight" in shapes
    heads = _dim(shapes, b + "to_gate_logits.weight", 0, "connector gates", path) if gated else \
        _heads(width, head, "text connector", path)
    if width % heads:
        raise ModelError(f"'{path}': the {name} is {width} wide with {heads} gates, which is not whole heads")
    regs = shapes.get(f"{name}.learnable_registers")
    return heads, width // heads, count(shapes, f"{name}.transformer_blocks."), int(regs[0]) if regs else None, gated


def connectors(shapes: dict, path: str, text_width: int = 0) -> tuple[str, dict]:
    """(class name, config) of LTX-2's text connectors (the text projection and the picture's and
    the sound's connector transformers) in diffusers' names. LTX-2.3's projects the stacked text
    states once a stream (``video_text_proj_in`` / ``audio_text_proj_in``), which says the stacked
    width but not the text model's: ``text_width`` (the text encoder's hidden size) then tells it."""
    per = "video_text_proj_in.weight" in shapes
    proj = "video_text_proj_in" if per else "text_proj_in"
    folded = _dim(shapes, proj + ".weight", 1, "stacked text width", path)
    width = (text_width or GEMMA_WIDTH) if per else _dim(shapes, "text_proj_in.weight", 0, "text width", path)
    if folded % width:
        raise ModelError(f"'{path}': the text projection reads {folded} values, which is not whole layers of "
                         f"{width}-wide text states")
    (vh, vd, vl, vr, vg), (ah, ad, al, ar, ag) = (_stream(shapes, f"{m}_connector", path, CONNECTOR_HEAD_DIM)
                                                  for m in ("video", "audio"))
    more = {"per_modality_projections": True,
            "video_hidden_dim": _dim(shapes, "video_text_proj_in.weight", 0, "picture text width", path),
            "audio_hidden_dim": _dim(shapes, "audio_text_proj_in.weight", 0, "sound text width", path)} if per else {}
    return "LTX2TextConnectors", {
        "caption_channels": width, "text_proj_in_factor": folded // width,
        "video_connector_num_attention_heads": vh, "video_connector_attention_head_dim": vd,
        "video_connector_num_layers": vl, "video_connector_num_learnable_registers": vr, "video_gated_attn": vg,
        "audio_connector_num_attention_heads": ah, "audio_connector_attention_head_dim": ad,
        "audio_connector_num_layers": al, "audio_connector_num_learnable_registers": ar, "audio_gated_attn": ag,
        "connector_rope_base_seq_len": 4096, "causal_temporal_positioning": False,
        "proj_bias": proj + ".bias" in shapes, **more, **ROPE}


def _folds(out: int, into: int, what: str, path: str) -> str:
    kind = {8: "spatiotemporal", 4: "spatial", 2: "temporal"}.get(into // max(1, out) if into % max(1, out) == 0 else 0)
    if kind is None:
        raise ModelError(f"'{path}': the VAE's {what} folds {out} channels into {into}, which is not LTX-2's (2, 4 or 8)")
    return kind


def video_vae(shapes: dict, path: str) -> tuple[str, dict]:
    """(class name, config) of LTX-2's video VAE in diffusers' names: four down blocks and three up
    blocks (LTX-2.3's: four), their widths, depths and foldings read; what shapes cannot say (the
    residual up-sampling, the decoder's padding) is the generation's, told by the up blocks' count."""
    n, m = count(shapes, "encoder.down_blocks."), count(shapes, "decoder.up_blocks.")
    if not n or not m:
        raise ModelError(f"'{path}': the LTX-2 video VAE holds no encoder.down_blocks or decoder.up_blocks")
    widths = [_dim(shapes, f"encoder.down_blocks.{i}.resnets.0.conv1.conv.weight", 0, "encoder width", path)
              for i in range(n)] + [_dim(shapes, "encoder.mid_block.resnets.0.conv1.conv.weight", 0, "width", path)]
    down = [f"encoder.down_blocks.{i}.downsamplers.0.conv.conv.weight" in shapes for i in range(n)]
    types = [_folds(int(shapes[f"encoder.down_blocks.{i}.downsamplers.0.conv.conv.weight"][0]), widths[i + 1],
                    f"down-sampler {i}", path) if down[i] else "spatiotemporal" for i in range(n)]
    dec, factors, ups, up_types = [], [], [], []
    for i in range(m):
        p = f"decoder.up_blocks.{i}."
        w = _dim(shapes, p + "resnets.0.conv1.conv.weight", 0, "decoder width", path)
        has = p + "upsamplers.0.conv.conv.weight" in shapes
        w_in = int(shapes[p + "upsamplers.0.conv.conv.weight"][1]) if has else w
        f = w_in // w if has else 1
        dec.append(w * f)
        factors.append(f)
        ups.append(has)
        up_types.append(_folds(w_in, int(shapes[p + "upsamplers.0.conv.conv.weight"][0]) * f, f"up-sampler {i}", path)
                        if has else "spatiotemporal")
    latent = _dim(shapes, "decoder.conv_in.conv.weight", 1, "latent channels", path)
    patch = round((_dim(shapes, "encoder.conv_in.conv.weight", 1, "input channels", path) / 3) ** 0.5)
    fold = {"spatiotemporal": (2, 2), "spatial": (2, 1), "temporal": (1, 2)}
    spatial = temporal = 1
    for t, on in zip(types, down):
        spatial, temporal = spatial * fold[t][0] ** on, temporal * fold[t][1] ** on
    newer = m > 3  # LTX-2.3's VAE: a fourth up block, no residual up-sampling, zero padding (diffusers' 2.3 preset)
    layers = [count(shapes, "decoder.mid_block.resnets.")] + [count(shapes, f"decoder.up_blocks.{i}.resnets.")
                                                               for i in range(m)]
    return "AutoencoderKLLTX2Video", {
        "in_channels": 3, "out_channels": 3, "latent_channels": latent, "block_out_channels": widths[1:],
        "down_block_types": ["LTX2VideoDownBlock3D"] * n, "decoder_block_out_channels": dec[::-1],
        "layers_per_block": [count(shapes, f"encoder.down_blocks.{i}.resnets.") for i in range(n)]
        + [count(shapes, "encoder.mid_block.resnets.")], "decoder_layers_per_block": layers[::-1],
        "spatio_temporal_scaling": down, "decoder_spatio_temporal_scaling": ups[::-1],
        "decoder_inject_noise": [f"decoder.{b}.resnets.0.per_channel_scale1" in shapes
                                 for b in ["mid_block"] + [f"up_blocks.{i}" for i in range(m)]][::-1],
        "downsample_type": types, "upsample_type": up_types,  # the decoder's order (diffusers reverses the others)
        "upsample_residual": [f > 1 and not newer for f in factors[::-1]],
        "upsample_factor": factors[::-1], "patch_size": patch, "patch_size_t": 1, "resnet_norm_eps": 1e-6,
        "timestep_conditioning": "decoder.time_embedder.timestep_embedder.linear_1.weight" in shapes,
        "decoder_spatial_padding_mode": "zeros" if newer else "reflect",
        "encoder_causal": True, "decoder_causal": False, "spatial_compression_ratio": patch * spatial,
        "temporal_compression_ratio": temporal}


def audio_vae(shapes: dict, mel_bins: int, path: str) -> tuple[str, dict]:
    """(class name, config) of LTX-2's audio VAE in diffusers' names (``mel_bins``: the vocoder's)."""
    base = _dim(shapes, "encoder.conv_in.conv.weight", 0, "width", path)
    levels = count(shapes, "encoder.down.")
    if any(".attn" in k for k in shapes if k.startswith(("encoder.down.", "decoder.up."))):
        raise ModelError(f"'{path}': the audio VAE attends inside its blocks, which LTX-2's does not")
    mult = [_dim(shapes, f"encoder.down.{i}.block.0.conv1.conv.weight", 0, "width", path) // base
            for i in range(levels)]
    latent = _dim(shapes, "decoder.conv_in.conv.weight", 1, "latent channels", path)
    return "AutoencoderKLLTX2Audio", {
        "base_channels": base, "output_channels": _dim(shapes, "decoder.conv_out.conv.weight", 0, "channels", path),
        "ch_mult": mult, "num_res_blocks": count(shapes, "encoder.down.0.block."), "attn_resolutions": None,
        "in_channels": _dim(shapes, "encoder.conv_in.conv.weight", 1, "input channels", path), "resolution": 256,
        "latent_channels": latent, "norm_type": "group" if "encoder.norm_out.weight" in shapes else "pixel",
        "causality_axis": "height", "dropout": 0.0, "mid_block_add_attention": "encoder.mid.attn_1.q.conv.weight"
        in shapes or "encoder.mid.attn_1.q.weight" in shapes, "sample_rate": SAMPLE_RATE, "mel_hop_length": HOP,
        "is_causal": True, "mel_bins": mel_bins,
        "double_z": _dim(shapes, "encoder.conv_out.conv.weight", 0, "latent width", path) == 2 * latent}


def _generator(shapes: dict, p: str, path: str) -> dict:
    """One HiFi-GAN generator's settings (under the prefix ``p``) in LTX2Vocoder's names: LTX-2's
    leaky-ReLU one, or LTX-2.3's anti-aliased SnakeBeta one (its filters' length says the ratio:
    diffusers' UpSample1d makes them 6 x ratio long)."""
    n = count(shapes, p + "upsamplers.")
    kernels = [_dim(shapes, f"{p}upsamplers.{i}.weight", 2, "upsampling kernel", path) for i in range(n)]
    strides = VOCODER_STRIDES.get(tuple(kernels))
    if strides is None:
        raise ModelError(f"'{path}': a vocoder upsampling with kernels {kernels}, not LTX-2's or LTX-2.3's "
                         f"({' or '.join(str(list(k)) for k in VOCODER_STRIDES)}): its strides cannot be read from its "
                         "shapes; give its diffusers folder as 'model'")
    per = count(shapes, p + "resnets.") // max(1, n)
    snake = f"{p}resnets.0.acts1.0.act.beta" in shapes
    filt = _dim(shapes, f"{p}resnets.0.acts1.0.upsample.filter", 2, "anti-aliasing filter", path) \
        if f"{p}resnets.0.acts1.0.upsample.filter" in shapes else 0
    return {"in_channels": _dim(shapes, p + "conv_in.weight", 1, "mel channels", path),
            "hidden_channels": _dim(shapes, p + "conv_in.weight", 0, "width", path),
            "out_channels": _dim(shapes, p + "conv_out.weight", 0, "audio channels", path),
            "upsample_kernel_sizes": kernels, "upsample_factors": strides,
            "resnet_kernel_sizes": [_dim(shapes, f"{p}resnets.{j}.convs1.0.weight", 2, "kernel", path)
                                    for j in range(per)],
            "resnet_dilations": [[1, 3, 5]] * per, "act_fn": "snakebeta" if snake else "leaky_relu",
            "leaky_relu_negative_slope": 0.1, "antialias": bool(filt),
            **({"antialias_ratio": filt // 6, "antialias_kernel_size": filt} if filt else {}),
            "final_act_fn": None if snake else "tanh", "final_bias": p + "conv_out.bias" in shapes}


def vocoder(shapes: dict, path: str) -> tuple[str, dict]:
    """(class name, config) of LTX-2's vocoder (HiFi-GAN) in diffusers' names; LTX-2.3's with its
    bandwidth extension (``LTX2VocoderWithBWE``: a second generator on the first's mel spectrogram,
    16 kHz to 48 kHz; its mel transform's sizes read from its buffers, its hop LTX-2.3's)."""
    if "bwe_generator.conv_in.weight" not in shapes:
        return "LTX2Vocoder", {**_generator(shapes, "", path), "output_sampling_rate": OUTPUT_RATE}
    first, bwe = _generator(shapes, "vocoder.", path), _generator(shapes, "bwe_generator.", path)
    return "LTX2VocoderWithBWE", {
        **first, **{"bwe_" + k: v for k, v in bwe.items()},
        "filter_length": _dim(shapes, "mel_stft.stft_fn.forward_basis", 2, "STFT length", path),
        "window_length": _dim(shapes, "mel_stft.stft_fn.forward_basis", 2, "STFT length", path),
        "hop_length": BWE_HOP, "num_mel_channels": _dim(shapes, "mel_stft.mel_basis", 0, "mel bins", path),
        "input_sampling_rate": SAMPLE_RATE, "output_sampling_rate": BWE_RATE}


def gemma3_text(shapes: dict, path: str) -> tuple[str, dict]:
    """(transformers class name, config) of a Gemma 3 text model in ``Gemma3TextModel``'s names: its
    sizes from the shapes (the heads from the q/k norms' width), the rest Gemma 3 12B's."""
    vocab, hidden = (_dim(shapes, "embed_tokens.weight", i, "vocabulary", path) for i in (0, 1))
    head = _dim(shapes, "layers.0.self_attn.q_norm.weight", 0, "head width", path)
    layers = count(shapes, "layers.")
    return "Gemma3TextModel", {
        **GEMMA3_TEXT, "vocab_size": vocab, "hidden_size": hidden, "head_dim": head, "query_pre_attn_scalar": head,
        "intermediate_size": _dim(shapes, "layers.0.mlp.gate_proj.weight", 0, "feed-forward width", path),
        "num_hidden_layers": layers,
        "num_attention_heads": _dim(shapes, "layers.0.self_attn.q_proj.weight", 0, "attention width", path) // head,
        "num_key_value_heads": _dim(shapes, "layers.0.self_attn.k_proj.weight", 0, "key width", path) // head,
        "layer_types": ["full_attention" if (i + 1) % SLIDING_PATTERN == 0 else "sliding_attention"
                        for i in range(layers)]}


def scheduler(path: str) -> dict:
    """The releases' scheduler: the distilled checkpoints' (by their file name) use their sigmas as they are."""
    import os
    return LTX2_DISTILLED_SCHEDULER if "distill" in os.path.basename(path).lower() else LTX2_SCHEDULER
