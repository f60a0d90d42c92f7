"""Florence-2 folders in Microsoft's original layout (made for remote code: config.json with 'auto_map',
modeling_florence2.py, a BART tokenizer, preprocessor_config.json naming the remote processor; ComfyUI's Florence-2
pack keeps them in models/LLM/), read as transformers' native Florence2ForConditionalGeneration and Florence2Processor.
No remote code runs and nothing is unpickled: the weights are read from model.safetensors only.

The names follow transformers' own conversion, src/transformers/models/florence2/
convert_florence2_original_pytorch_to_hf.py (huggingface/transformers @ 186d3ed6659db3fab1ed66f55fe11a8966374734,
Apache-2.0): the config's 'dim_embed' is 'embed_dim', the two embeddings' sizes come from 'visual_temporal_embedding'
and 'image_pos_embed'; the DaViT blocks lose their 'fn'/'dw' wrappers, 'image_projection' is transposed, the
language model moves under 'model.'; the tokenizer gets the remote processor's 1,024 task and location tokens and
an '<image>' token, the embeddings a row for it (the mean row, as the script's resize does, padded to 64 rows)."""
from __future__ import annotations

import json
import os
import re

WEIGHTS = "model.safetensors"
PICKLE = "pytorch_model.bin"
# the remote processor's tokens, in its order (processing_florence2.py of microsoft/Florence-2-*)
TASK_TOKENS = (["<od>", "</od>", "<ocr>", "</ocr>"] + [f"<loc_{i}>" for i in range(1000)] +
               ["<cap>", "</cap>", "<ncap>", "</ncap>", "<dcap>", "</dcap>", "<grounding>", "</grounding>", "<seg>",
                "</seg>", "<sep>", "<region_cap>", "</region_cap>", "<region_to_desciption>",
                "</region_to_desciption>", "<proposal>", "</proposal>", "<poly>", "</poly>", "<and>"])
IMAGE_TOKEN = "<image>"
# original keys the native model has no place for: DaViT's classifier head and its norm, never on the caption path;
# BART's final_logits_bias (zeros in Florence-2; the native model has none, checked zero when read)
UNUSED = re.compile(r"vision_tower\.(norms|head)\.(weight|bias)|language_model\.final_logits_bias")
_BLOCK = (("conv1.fn.dw.", "conv1."), ("{attn}.norm.", "norm1."), ("{attn}.fn.qkv.", "{attn}.qkv."),
          ("{attn}.fn.proj.", "{attn}.proj."), ("conv2.fn.dw.", "conv2."), ("ffn.norm.", "norm2."),
          ("ffn.fn.net.fc1.", "ffn.fc1."), ("ffn.fn.net.fc2.", "ffn.fc2."))
# (original, native): a name ending in '.' renames a prefix, any other the whole name; {n} a number
RULES = ([("vision_tower.convs.{n}.proj.", "model.vision_tower.convs.{n}.conv."),
          ("vision_tower.convs.{n}.norm.", "model.vision_tower.convs.{n}.norm.")] +
         [(f"vision_tower.blocks.{{n}}.{{n}}.{kind}_block.{a.format(attn=attn)}",
           f"model.vision_tower.blocks.{{n}}.{{n}}.{kind}_block.{b.format(attn=attn)}")
          for kind, attn in (("spatial", "window_attn"), ("channel", "channel_attn")) for a, b in _BLOCK] +
         [("image_projection", "model.multi_modal_projector.image_projection.weight"),
          ("image_proj_norm.", "model.multi_modal_projector.image_proj_norm."),
          ("image_pos_embed.", "model.multi_modal_projector.image_position_embed."),
          ("visual_temporal_embed.", "model.multi_modal_projector.visual_temporal_embed."),
          ("language_model.lm_head.", "lm_head."),
          ("language_model.model.", "model.language_model.")])
TRANSPOSED = "model.multi_modal_projector.image_projection.weight"
# the remote configuration_florence2.py's vision defaults where they differ from transformers' (its text defaults
# are BART's but the vocabulary, 51,289), for a config.json that leaves them out
REMOTE_VISION = {"dim_embed": [256, 512, 1024, 2048], "num_heads": [8, 16, 32, 64], "num_groups": [8, 16, 32, 64],
                 "projection_dim": 1024}
# what transformers' Florence-2 computes (an original config saying otherwise is refused, not run otherwise)
NATIVE_VISION = (("image_feature_source", None, ["spatial_avg_pool", "temporal_avg_pool"]),
                 ("visual_temporal_embedding", "type", "COSINE"), ("image_pos_embed", "type", "learned_abs_2d"))
# how the remote model generates: its language model's generation settings come from text_config (the node passes
# its own beams and new tokens over them)
GENERATION = ("bos_token_id", "eos_token_id", "pad_token_id", "decoder_start_token_id", "forced_bos_token_id",
              "forced_eos_token_id", "no_repeat_ngram_size", "num_beams", "early_stopping", "length_penalty")


class LayoutError(ValueError):
    """An original-layout Florence-2 folder that cannot be read as the native model."""


def _pattern(text: str) -> re.Pattern:
    body = re.escape(text).replace(r"\{n\}", r"(\d+)")
    return re.compile(body if text.endswith(".") else body + "$")


_FORWARD = [(_pattern(a), b) for a, b in RULES]
_BACKWARD = [(_pattern(b), a) for a, b in RULES]


def _renamed(key: str, rules) -> str | None:
    for pattern, target in rules:
        m = pattern.match(key)
        if m:
            head = target
            for number in m.groups():
                head = head.replace("{n}", number, 1)
            return head + key[m.end():]
    return None


def native_name(key: str) -> str | None:
    """The native name of an original key (None: no rule for it)."""
    return _renamed(key, _FORWARD)


def original_name(key: str) -> str | None:
    """The original name of a native key (the inverse of native_name, for tests and checks)."""
    return _renamed(key, _BACKWARD)


def is_original(folder: str, cfg: dict) -> bool:
    """Whether ``folder`` is a Florence-2 made for remote code (its config's auto_map, or its modeling file)."""
    return bool(cfg.get("auto_map")) or os.path.isfile(os.path.join(folder, "modeling_florence2.py"))


def weights_file(folder: str) -> str:
    """The folder's model.safetensors; LayoutError in one sentence when there is only a pickle."""
    path = os.path.join(folder, WEIGHTS)
    if os.path.isfile(path):
        return path
    if os.path.isfile(os.path.join(folder, PICKLE)):
        raise LayoutError(f"'{os.path.join(folder, PICKLE)}' is a pickle, which Studio never opens: this Florence-2 "
                          f"needs its weights as {WEIGHTS} beside it (ComfyUI's Florence-2 loader writes one with "
                          "'convert_to_safetensors' on)")
    raise LayoutError(f"'{folder}' holds no {WEIGHTS}: the Florence-2's weights are needed as {WEIGHTS}")


def _rows(vocab: int, tokens: int) -> int:
    """Embedding rows: the checkpoint's, or the tokenizer's with '<image>' padded to 64 as transformers' script does."""
    return vocab if tokens <= vocab else -(-tokens // 64) * 64


def native_config(cfg: dict, n_tokens: int, image_token_id: int):
    """transformers' Florence2Config of an original config.json (``n_tokens``: the tokenizer's length, '<image>' in)."""
    from transformers import BartConfig, Florence2Config  # noqa: PLC0415
    vis, text = {**REMOTE_VISION, **(cfg.get("vision_config") or {})}, dict(cfg.get("text_config") or {})
    for key, part, native in NATIVE_VISION:
        value = (vis.get(key) or {}).get(part) if part else vis.get(key)
        if value is not None and value != native:
            raise LayoutError(f"its vision_config's {key}{'.' + part if part else ''} is {value!r}, where "
                              f"transformers' Florence-2 computes {native!r}")
    vision = {"embed_dim": vis["dim_embed"],
              "max_temporal_embeddings": (vis.get("visual_temporal_embedding") or {}).get("max_temporal_embeddings",
                                                                                          100),
              "max_position_embeddings": (vis.get("image_pos_embed") or {}).get("max_pos_embeddings", 50),
              "projection_dim": vis["projection_dim"]}
    vision.update({k: vis[k] for k in ("depths", "patch_size", "patch_stride", "patch_padding", "patch_prenorm",
                                       "num_heads", "num_groups", "window_size", "drop_path_rate") if k in vis})
    known = set(BartConfig.__dataclass_fields__) - {"model_type", "transformers_version", "architectures", "dtype"}
    text = {k: v for k, v in text.items() if k in known}
    text["vocab_size"] = _rows(int(text.get("vocab_size", cfg.get("vocab_size", 51289))), n_tokens)
    return Florence2Config(text_config={"model_type": "bart", **text}, vision_config=vision,
                           image_token_id=image_token_id)


def generation(cfg: dict) -> dict:
    """The generation settings the remote model's language model takes from its text_config."""
    text = cfg.get("text_config") or {}
    return {k: text[k] for k in GENERATION if text.get(k) is not None}


def processor(folder: str):
    """transformers' Florence2Processor from the folder's BART tokenizer and preprocessor_config.json, the remote
    processor's tokens and '<image>' added."""
    from tokenizers import AddedToken  # noqa: PLC0415
    from transformers import BartTokenizer, CLIPImageProcessorPil, Florence2Processor  # noqa: PLC0415
    if not any(os.path.isfile(os.path.join(folder, f)) for f in ("tokenizer.json", "vocab.json")):
        raise LayoutError(f"'{folder}' holds no tokenizer.json or vocab.json: its BART tokenizer is needed")
    tok = BartTokenizer.from_pretrained(folder, local_files_only=True)
    tok.add_special_tokens({"additional_special_tokens": TASK_TOKENS}, replace_extra_special_tokens=False)
    tok.add_tokens([AddedToken(IMAGE_TOKEN, special=True, normalized=False)], special_tokens=True)
    tok.image_token = IMAGE_TOKEN
    tok.image_token_id = tok.convert_tokens_to_ids(IMAGE_TOKEN)
    try:
        with open(os.path.join(folder, "preprocessor_config.json"), encoding="utf-8") as f:
            pre = json.load(f)
    except (OSError, ValueError):
        raise LayoutError(f"'{os.path.join(folder, 'preprocessor_config.json')}' is missing or not JSON: the "
                          "Florence-2's picture size and normalisation are read from it") from None
    keys = ("size", "crop_size", "do_resize", "do_center_crop", "do_rescale", "rescale_factor", "do_normalize",
            "image_mean", "image_std", "resample", "do_convert_rgb", "image_seq_length")
    images = CLIPImageProcessorPil(**{k: pre[k] for k in keys if pre.get(k) is not None})
    return Florence2Processor(image_processor=images, tokenizer=tok)


def _expected(model) -> tuple[set, dict]:
    """The native model's names (persistent) and, for each tied one, the names sharing its tensor."""
    groups: dict[int, list] = {}
    for name, tensor in model.state_dict(keep_vars=True).items():
        groups.setdefault(id(tensor), []).append(name)
    return {n for g in groups.values() for n in g}, {n: set(g) for g in groups.values() for n in g}


def load(folder: str, cfg: dict, dtype):
    """(processor, model) of an original-layout folder, every key checked mapped and every native tensor given
    before a weight is read; LayoutError in one sentence otherwise."""
    import torch  # noqa: PLC0415
    from safetensors import safe_open  # noqa: PLC0415
    from transformers import Florence2ForConditionalGeneration  # noqa: PLC0415
    path = weights_file(folder)
    proc = processor(folder)
    try:
        config = native_config(cfg, len(proc.tokenizer), proc.tokenizer.image_token_id)
    except LayoutError as e:
        raise LayoutError(f"'{os.path.join(folder, 'config.json')}' is not read: {e}") from None
    with torch.device("meta"):
        model = Florence2ForConditionalGeneration(config)
    wanted, tied = _expected(model)
    with safe_open(path, "pt") as f:
        stored = list(f.keys())
        names = {k: native_name(k) for k in stored if not UNUSED.fullmatch(k)}
        unmapped = sorted(k for k, v in names.items() if v is None)
        unknown = sorted(k for k, v in names.items() if v is not None and v not in wanted)
        given = {n for v in names.values() if v for n in tied.get(v, {v})}
        missing = sorted(original_name(n) or n for n in wanted - given)
        if unmapped or unknown or missing:
            raise LayoutError(f"'{path}' is not a Florence-2 Studio can read: " + "; ".join(
                f"{what} {', '.join(keys[:3])}{' and %d more' % (len(keys) - 3) if len(keys) > 3 else ''}"
                for what, keys in (("no rule for", unmapped), ("no native place for", unknown),
                                   ("not given:", missing)) if keys))
        if "language_model.final_logits_bias" in stored and f.get_tensor("language_model.final_logits_bias").any():
            raise LayoutError(f"'{path}' has a final_logits_bias that is not zero, which the native Florence-2 has no "
                              "place for")
        embeddings = {k for k in stored if names.get(k) in tied.get("lm_head.weight", ())}
        for k in embeddings:  # one a token, '<image>' the first new row
            if f.get_slice(k).get_shape()[0] != len(proc.tokenizer) - 1:
                raise LayoutError(f"'{path}' has {f.get_slice(k).get_shape()[0]} token embeddings, its tokenizer (with "
                                  f"the remote processor's {len(TASK_TOKENS)} tokens) {len(proc.tokenizer) - 1}: they "
                                  "must match")
        state = {names[k]: f.get_tensor(k) for k in stored if names.get(k)}
    state[TRANSPOSED] = state[TRANSPOSED].t().contiguous()
    rows = config.text_config.vocab_size
    for name in {names[k] for k in embeddings}:
        tensor = state[name]
        pad = tensor.float().mean(0, keepdim=True).to(tensor.dtype).expand(rows - tensor.shape[0], -1)
        state[name] = torch.cat([tensor, pad])
    try:
        model.load_state_dict({k: v.to(dtype) for k, v in state.items()}, strict=False, assign=True)
    except RuntimeError as e:
        raise LayoutError(f"'{path}' does not fit its config.json: {str(e).splitlines()[-1].strip()}") from None
    model.tie_weights()
    model.generation_config.update(**generation(cfg))
    left = [n for n, t in list(model.named_parameters()) + list(model.named_buffers()) if t.is_meta]
    if left:
        raise LayoutError(f"'{path}' left {', '.join(left[:3])} unset")
    return proc, model.eval()
