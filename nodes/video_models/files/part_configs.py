"""Configs of a model's parts read from their weights' shapes, as ComfyUI infers them
(``comfy/model_detection.py``): what a separate denoiser, text-encoder, VAE or CLIP-vision file
needs when no diffusers folder gives its config.json. Each function takes the tensors' shapes under
diffusers' or transformers' names (original layouts renamed first) and returns the config. Only
what several families share is here: the shape helpers, T5 / UMT5 text encoders, CLIP vision and
CLIP text towers. A family's own configs from shapes live in its folder (families/wan/part_configs.py,
families/hunyuan/part_configs.py, families/ltx/part_configs.py...).

Plain data and stdlib: no torch, no diffusers."""
from __future__ import annotations

from ..base.errors import ModelError

CLIP_VISION_HEADS = 16  # CLIP ViT-L/14, ViT-H/14 and ViT-bigG all have 16 heads


def shape_dim(shapes: dict, name: str, i: int, what: str, path: str) -> int:
    """Size ``i`` of tensor ``name`` in a file's shapes; refused, naming the file, when it has none."""
    s = shapes.get(name)
    if s is None or len(s) <= abs(i):
        raise ModelError(f"'{path}' has no '{name}' of the right rank: its {what} cannot be read from its shapes")
    return int(s[i])


def count(shapes: dict, prefix: str, path: str = "the file") -> int:
    """How many numbered children ``prefix`` has ('blocks.' -> 30): 0..n-1, none missing, at most
    studio.core.safetensors_header.MAX_NUMBERED (a model is built from it before a weight is read)."""
    from studio.core.safetensors_header import numbered
    return numbered(shapes, prefix, path, same=False)


def t5_encoder(shapes: dict, path: str) -> tuple[str, dict, bool]:
    """(transformers class, config, umt5) of a T5 / UMT5 encoder in transformers' names: UMT5 when
    every block has its own relative-attention bias (T5: the first only)."""
    b = "encoder.block.{}.layer.{}"
    bias = shape_dim(shapes, b.format(0, 0) + ".SelfAttention.relative_attention_bias.weight", 0, "position buckets", path)
    heads = int(shapes[b.format(0, 0) + ".SelfAttention.relative_attention_bias.weight"][1])
    inner = shape_dim(shapes, b.format(0, 0) + ".SelfAttention.q.weight", 0, "attention width", path)
    gated = b.format(0, 1) + ".DenseReluDense.wi_0.weight" in shapes
    ff = shape_dim(shapes, b.format(0, 1) + (".DenseReluDense.wi_0.weight" if gated else ".DenseReluDense.wi.weight"),
              0, "feed-forward width", path)
    umt5 = b.format(1, 0) + ".SelfAttention.relative_attention_bias.weight" in shapes
    vocab, d_model = (shape_dim(shapes, "shared.weight", i, "vocabulary", path) for i in (0, 1))
    if inner % heads:
        raise ModelError(f"'{path}': an attention width of {inner} is not a whole number of its {heads} heads")
    cfg = {"vocab_size": vocab, "d_model": d_model, "d_kv": inner // heads, "d_ff": ff,
           "num_layers": count(shapes, "encoder.block."), "num_heads": heads, "relative_attention_num_buckets": bias,
           "relative_attention_max_distance": 128, "feed_forward_proj": "gated-gelu" if gated else "relu",
           "dense_act_fn": "gelu_new" if gated else "relu", "is_gated_act": gated, "layer_norm_epsilon": 1e-6,
           "tie_word_embeddings": False, "pad_token_id": 0, "eos_token_id": 1, "decoder_start_token_id": 0}
    # UMT5 is a text encoder several families share (Wan and the families on its files, SkyReels-V2):
    # transformers' class, not one family's name
    return ("UMT5EncoderModel" if umt5 else "T5EncoderModel"), cfg, umt5


def clip_vision(shapes: dict, path: str) -> tuple[str, dict]:
    """(transformers class, config) of a CLIP vision tower in transformers' names (ComfyUI's clip_vision
    files): its sizes from the shapes, 16 heads (every released CLIP vision model)."""
    hidden = shape_dim(shapes, "vision_model.embeddings.class_embedding", 0, "width", path)
    patch = shape_dim(shapes, "vision_model.embeddings.patch_embedding.weight", 2, "patch", path)
    positions = shape_dim(shapes, "vision_model.embeddings.position_embedding.weight", 0, "positions", path)
    side = round((positions - 1) ** 0.5)
    if side * side != positions - 1 or hidden % CLIP_VISION_HEADS:
        raise ModelError(f"'{path}': {positions} positions and a width of {hidden} are not a square CLIP vision tower's")
    return "CLIPVisionModel", {
        "hidden_size": hidden, "intermediate_size": shape_dim(shapes, "vision_model.encoder.layers.0.mlp.fc1.weight", 0,
                                                          "feed-forward width", path),
        "num_hidden_layers": count(shapes, "vision_model.encoder.layers."), "num_attention_heads": CLIP_VISION_HEADS,
        "patch_size": patch, "image_size": side * patch, "hidden_act": "gelu", "layer_norm_eps": 1e-5,
        "projection_dim": int((shapes.get("visual_projection.weight") or (hidden,))[0])}


CLIP_TEXT_HEAD_DIM = 64  # CLIP ViT-L/14's text tower (768 wide, 12 heads), as ComfyUI's clip_l is read
# openai/clip-vit-large-patch14's text_config (the Kandinsky 5 diffusers folders' text_encoder_2/config.json):
# quick GELU; eos_token_id 2, its legacy value, pools at the highest token id (CLIP's end token)
CLIP_L_TEXT = {"hidden_act": "quick_gelu", "layer_norm_eps": 1e-5, "bos_token_id": 0, "eos_token_id": 2,
               "pad_token_id": 1, "projection_dim": 768}


def clip_text_names(names) -> dict[str, str]:
    """A CLIP text tower's names under transformers 5's CLIPTextModel (no 'text_model.'): ComfyUI's
    clip_l (transformers' CLIPTextModel names, a text_projection and logit_scale beside: not read)."""
    for pre in ("text_encoders.clip_l.transformer.text_model.", "clip_l.transformer.text_model.",
                "transformer.text_model.", "text_model."):
        if any(k.startswith(pre) for k in names):
            return {k: k[len(pre):] for k in names if k.startswith(pre)}
    return {k: k for k in names if k.startswith(("embeddings.", "encoder.", "final_layer_norm."))}


def clip_text(shapes: dict, path: str) -> tuple[str, dict]:
    """(transformers class, config) of a CLIP text tower in CLIPTextModel's names: its sizes from the
    shapes, heads of 64 values and CLIP-L's settings (CLIP_L_TEXT)."""
    vocab, hidden = (shape_dim(shapes, "embeddings.token_embedding.weight", i, "vocabulary", path) for i in (0, 1))
    if hidden % CLIP_TEXT_HEAD_DIM:
        raise ModelError(f"'{path}': a CLIP text tower {hidden} wide is not a whole number of "
                         f"{CLIP_TEXT_HEAD_DIM}-value heads as CLIP-L's")
    return "CLIPTextModel", {
        **CLIP_L_TEXT, "vocab_size": vocab, "hidden_size": hidden,
        "intermediate_size": shape_dim(shapes, "encoder.layers.0.mlp.fc1.weight", 0, "feed-forward width", path),
        "num_hidden_layers": count(shapes, "encoder.layers."), "num_attention_heads": hidden // CLIP_TEXT_HEAD_DIM,
        "max_position_embeddings": shape_dim(shapes, "embeddings.position_embedding.weight", 0, "positions", path)}
