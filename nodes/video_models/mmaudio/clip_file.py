"""MMAudio's CLIP (Apple's DFN5B-CLIP-ViT-H-14-384) from kijai's apple_DFN5B-CLIP-ViT-H-14-384_fp16.safetensors, read
into transformers' CLIPModel. The file is open_clip's layout (``visual.conv1``, ``visual.transformer.resblocks.N.
attn.in_proj_weight``, ``visual.proj``, ``token_embedding``, ``ln_final``, ``text_projection``...); open_clip's CLIP
of quick-GELU is the same network as transformers' CLIP of hidden_act 'quick_gelu' (pre-LN blocks, a LayerNorm
before the vision blocks, the class token's output projected; the text causal, 77 tokens), so the file is renamed
(each block's joint q/k/v split into three, the projections transposed), nothing else computed.

As MMAudio uses it (mmaudio/model/utils/features_utils.py @974010a): a frame's feature is its projected image
embedding, L2-normalised; the prompt's are the text transformer's last hidden states after its final LayerNorm
(77 x 1024, not projected), L2-normalised; the tokens are open_clip's (start 49406, end 49407, 0 after, 77 in
all) made with CLIP's BPE vocabulary (transformers' CLIPTokenizer on ComfyUI's comfy/sd1_tokenizer, the same
vocabulary)."""
from __future__ import annotations

MEAN = (0.48145466, 0.4578275, 0.40821073)  # features_utils.py's Normalize
STD = (0.26862954, 0.26130258, 0.27577711)
SIZE = 384  # the frames are squashed to 384 x 384 (MMAudio's _CLIP_SIZE)
CONTEXT = 77  # open_clip rows (start 49406 and end 49407 in CLIP's vocabulary, read from the tokenizer)


def config(shapes: dict):
    """transformers' CLIPConfig from the file's shapes (open_clip's names); KeyError for a name not there."""
    from transformers import CLIPConfig
    width = shapes["visual.conv1.weight"][0]
    patch = shapes["visual.conv1.weight"][2]
    places = shapes["visual.positional_embedding"][0] - 1
    side = int(round(places ** 0.5))
    tw = shapes["token_embedding.weight"][1]
    layers = lambda p: 1 + max(int(k.split(".")[3 if p else 2]) for k in shapes  # noqa: E731
                               if k.startswith(("visual." if p else "") + "transformer.resblocks."))
    vision = dict(hidden_size=width, intermediate_size=shapes["visual.transformer.resblocks.0.mlp.c_fc.weight"][0],
                  num_hidden_layers=layers(True), num_attention_heads=width // 80 if width % 80 == 0 else width // 64,
                  image_size=SIZE if SIZE // patch == side else side * patch,  # 384 px: 27 x 27 patches of 14
                  patch_size=patch, hidden_act="quick_gelu", layer_norm_eps=1e-5)
    text = dict(vocab_size=shapes["token_embedding.weight"][0], hidden_size=tw,
                intermediate_size=shapes["transformer.resblocks.0.mlp.c_fc.weight"][0], num_hidden_layers=layers(False),
                num_attention_heads=tw // 64, max_position_embeddings=shapes["positional_embedding"][0],
                hidden_act="quick_gelu", layer_norm_eps=1e-5)
    return CLIPConfig(text_config=text, vision_config=vision, projection_dim=shapes["visual.proj"][1])


def _block(prefix: str, dst: str, sd: dict, out: dict) -> None:
    w, b = sd[prefix + "attn.in_proj_weight"], sd[prefix + "attn.in_proj_bias"]
    for name, wi, bi in zip(("q_proj", "k_proj", "v_proj"), w.chunk(3, 0), b.chunk(3, 0)):
        out[f"{dst}self_attn.{name}.weight"], out[f"{dst}self_attn.{name}.bias"] = wi, bi
    for src, to in (("attn.out_proj", "self_attn.out_proj"), ("ln_1", "layer_norm1"), ("ln_2", "layer_norm2"),
                    ("mlp.c_fc", "mlp.fc1"), ("mlp.c_proj", "mlp.fc2")):
        out[f"{dst}{to}.weight"], out[f"{dst}{to}.bias"] = sd[f"{prefix}{src}.weight"], sd[f"{prefix}{src}.bias"]


def renamed(sd: dict, cfg) -> dict:
    """open_clip's tensors under CLIPModel's names."""
    out = {"vision_model.embeddings.class_embedding": sd["visual.class_embedding"],
           "vision_model.embeddings.position_embedding.weight": sd["visual.positional_embedding"],
           "vision_model.embeddings.patch_embedding.weight": sd["visual.conv1.weight"],
           "visual_projection.weight": sd["visual.proj"].t().contiguous(),
           "text_model.embeddings.token_embedding.weight": sd["token_embedding.weight"],
           "text_model.embeddings.position_embedding.weight": sd["positional_embedding"],
           "text_projection.weight": sd["text_projection"].t().contiguous()}
    for src, dst in (("visual.ln_pre", "vision_model.pre_layrnorm"), ("visual.ln_post", "vision_model.post_layernorm"),
                     ("ln_final", "text_model.final_layer_norm")):
        out[dst + ".weight"], out[dst + ".bias"] = sd[src + ".weight"], sd[src + ".bias"]
    if "logit_scale" in sd:
        out["logit_scale"] = sd["logit_scale"].reshape(())
    for i in range(cfg.vision_config.num_hidden_layers):
        _block(f"visual.transformer.resblocks.{i}.", f"vision_model.encoder.layers.{i}.", sd, out)
    for i in range(cfg.text_config.num_hidden_layers):
        _block(f"transformer.resblocks.{i}.", f"text_model.encoder.layers.{i}.", sd, out)
    return out


def tokens(tokenizer, texts: list[str]):
    """open_clip's token rows: start, the text's BPE tokens, end (cut to 77 with the end kept), zeros after."""
    import torch
    rows = torch.zeros(len(texts), CONTEXT, dtype=torch.long)
    start = tokenizer.convert_tokens_to_ids("<|startoftext|>")
    end = tokenizer.convert_tokens_to_ids("<|endoftext|>")
    for i, text in enumerate(texts):
        ids = tokenizer(text, add_special_tokens=False)["input_ids"][:CONTEXT - 2]
        row = [start, *ids, end]
        rows[i, :len(row)] = torch.tensor(row)
    return rows


def image_features(clip, frames):
    """(N, 3, 384, 384) frames in [0, 1] -> (N, D) normalised image embeddings."""
    import torch
    import torch.nn.functional as F
    mean = torch.tensor(MEAN, device=frames.device, dtype=frames.dtype).view(1, 3, 1, 1)
    std = torch.tensor(STD, device=frames.device, dtype=frames.dtype).view(1, 3, 1, 1)
    out = clip.get_image_features(pixel_values=(frames - mean) / std)
    out = getattr(out, "pooler_output", out)
    return F.normalize(out, dim=-1)


def text_features(clip, ids):
    """(N, 77) token rows -> (N, 77, D) normalised last hidden states (not projected)."""
    import torch.nn.functional as F
    return F.normalize(clip.text_model(input_ids=ids).last_hidden_state, dim=-1)
