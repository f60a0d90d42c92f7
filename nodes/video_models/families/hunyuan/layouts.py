"""HunyuanVideo's original layouts (Tencent's names, as its repositories and ComfyUI's files hold
them) made readable by diffusers' classes: the 13B transformer's, before diffusers' own converter
runs, and HunyuanVideo 1.5's transformer and VAE, which Studio converts itself.

**HunyuanVideo (13B).** diffusers' ``convert_hunyuan_video_transformer_to_diffusers`` (diffusers
0.42.1, loaders/single_file_utils.py) renames most tensors and chunks the double blocks' fused qkv
in three (width-free), but splits each single block's fused ``linear1`` (q, k, v and the MLP's
input, stacked) with ``hidden_size = 3072`` written into ``remap_single_transformer_blocks_``: only
the released 13B's width. A file of another width (a tiny test model, a pruned or distilled one)
makes ``torch.split`` fail. The converter cannot be told the width (it takes no config), so Studio
splits ``single_blocks.N.linear1`` itself by the file's own shapes (the width is the weight's input
size) into the diffusers names the converter would give, which it then passes through untouched,
and leaves every other renaming, the qkv chunks and the final layer's scale / shift swap to the
library (``prepare``; a GGUF file's quantised rows split the same way, each block of a row kept whole).

**HunyuanVideo 1.5.** diffusers 0.42.1 has no single-file converter for
``HunyuanVideo15Transformer3DModel`` nor ``AutoencoderKLHunyuanVideo15`` (neither is in
``SINGLE_FILE_LOADABLE_CLASSES``); its conversion lives in ``scripts/convert_hunyuan_video1_5_to_
diffusers.py``, outside the installed package, written for the 480p model's 54 blocks and 2
refiner blocks. The mapping below is that script's, made by pattern so any block count and width
converts (``CONVERTERS``). It is a renaming but for two tensor operations, both independent of the
width: the token refiner's fused ``self_attn_qkv`` chunked in three, and the final layer's
modulation reordered from (shift, scale) to diffusers' (scale, shift). The VAE is a pure renaming.

Everything works on meta tensors (shapes only: nothing is read) and on real ones (splits and
chunks are views); converters have the signature of diffusers' ``checkpoint_mapping_fn``. torch is
imported only to join the final layer's halves."""
from __future__ import annotations

import re

from ...files.weight_formats import SCALE_SUFFIXES  # ComfyUI's scaled fp8: a per-tensor scale beside a weight

CLASS = "HunyuanVideoTransformer3DModel"  # the 13B's class (prepare)
_LINEAR1 = re.compile(r"^(.*)single_blocks\.(\d+)\.linear1\.(weight|bias)$")


def prepare(state: dict) -> dict:
    """An original-layout HunyuanVideo state made ready for diffusers' converter: ComfyUI's prefix
    removed (when every name has it: the converter expects bare names) and the single blocks split
    by the file's width."""
    return split_single_blocks(_bare(state))


def split_single_blocks(state: dict) -> dict:
    """``state`` (original names) with each ``single_blocks.N.linear1`` split into diffusers'
    ``single_transformer_blocks.N.attn.to_q / to_k / to_v`` and ``proj_mlp`` by its own width:
    rows [0, w), [w, 2w), [2w, 3w) and the rest, w the weight's input size. The other tensors as
    they are; a file without single blocks (or already split) is returned unchanged."""
    widths = {}
    for k, v in state.items():
        m = _LINEAR1.match(k)
        if m and m[3] == "weight":  # (a GGUF row's width: its quant_shape's, not its bytes')
            widths[(m[1], m[2])] = int(getattr(v, "quant_shape", v.shape)[1])
    if not widths:
        return state
    out = {}
    for k, v in state.items():
        m = _LINEAR1.match(k)
        w = widths.get((m[1], m[2])) if m else None
        if w is None or v.shape[0] <= 3 * w:
            out[k] = v  # no weight to read a width from, or too few rows: left to the converter (it says why)
            continue
        q, kk, vv, mlp = v.split([w, w, w, v.shape[0] - 3 * w], dim=0)
        new = f"{m[1]}single_transformer_blocks.{m[2]}"
        for part, t in (("attn.to_q", q), ("attn.to_k", kk), ("attn.to_v", vv), ("proj_mlp", mlp)):
            out[f"{new}.{part}.{m[3]}"] = t
    return out


PREFIXES = ("model.diffusion_model.", "diffusion_model.", "vae.", "first_stage_model.")  # ComfyUI's

_TRANSFORMER = tuple((re.compile(a), b) for a, b in (
    (r"^time_in\.mlp\.0\.", "time_embed.timestep_embedder.linear_1."),
    (r"^time_in\.mlp\.2\.", "time_embed.timestep_embedder.linear_2."),
    (r"^txt_in\.t_embedder\.mlp\.0\.", "context_embedder.time_text_embed.timestep_embedder.linear_1."),
    (r"^txt_in\.t_embedder\.mlp\.2\.", "context_embedder.time_text_embed.timestep_embedder.linear_2."),
    (r"^txt_in\.c_embedder\.", "context_embedder.time_text_embed.text_embedder."),
    (r"^txt_in\.input_embedder\.", "context_embedder.proj_in."),
    (r"^txt_in\.individual_token_refiner\.blocks\.(\d+)\.self_attn_proj\.",
     r"context_embedder.token_refiner.refiner_blocks.\1.attn.to_out.0."),
    (r"^txt_in\.individual_token_refiner\.blocks\.(\d+)\.mlp\.fc1\.",
     r"context_embedder.token_refiner.refiner_blocks.\1.ff.net.0.proj."),
    (r"^txt_in\.individual_token_refiner\.blocks\.(\d+)\.mlp\.fc2\.",
     r"context_embedder.token_refiner.refiner_blocks.\1.ff.net.2."),
    (r"^txt_in\.individual_token_refiner\.blocks\.(\d+)\.adaLN_modulation\.1\.",
     r"context_embedder.token_refiner.refiner_blocks.\1.norm_out.linear."),
    (r"^txt_in\.individual_token_refiner\.blocks\.(\d+)\.(norm1|norm2)\.",
     r"context_embedder.token_refiner.refiner_blocks.\1.\2."),
    (r"^byt5_in\.layernorm\.", "context_embedder_2.norm."),
    (r"^byt5_in\.fc(\d)\.", r"context_embedder_2.linear_\1."),
    (r"^vision_in\.proj\.0\.", "image_embedder.norm_in."),
    (r"^vision_in\.proj\.1\.", "image_embedder.linear_1."),
    (r"^vision_in\.proj\.3\.", "image_embedder.linear_2."),
    (r"^vision_in\.proj\.4\.", "image_embedder.norm_out."),
    (r"^img_in\.", "x_embedder."),
    (r"^cond_type_embedding\.", "cond_type_embed."),
    (r"^final_layer\.linear\.", "proj_out."),
))
_DOUBLE = {"img_mod.linear": "norm1.linear", "txt_mod.linear": "norm1_context.linear",
           "img_attn_q": "attn.to_q", "img_attn_k": "attn.to_k", "img_attn_v": "attn.to_v",
           "img_attn_q_norm": "attn.norm_q", "img_attn_k_norm": "attn.norm_k", "img_attn_proj": "attn.to_out.0",
           "txt_attn_q": "attn.add_q_proj", "txt_attn_k": "attn.add_k_proj", "txt_attn_v": "attn.add_v_proj",
           "txt_attn_q_norm": "attn.norm_added_q", "txt_attn_k_norm": "attn.norm_added_k",
           "txt_attn_proj": "attn.to_add_out", "img_mlp.fc1": "ff.net.0.proj", "img_mlp.fc2": "ff.net.2",
           "txt_mlp.fc1": "ff_context.net.0.proj", "txt_mlp.fc2": "ff_context.net.2"}
_DOUBLE_RE = re.compile(r"^double_blocks\.(\d+)\.(.+)\.(weight|bias)$")
_REFINER_QKV = re.compile(r"^txt_in\.individual_token_refiner\.blocks\.(\d+)\.self_attn_qkv\.(weight|bias)$")
_FINAL_MOD = re.compile(r"^final_layer\.adaLN_modulation\.1\.(weight|bias)$")

_VAE = tuple((re.compile(a), b) for a, b in (
    (r"^encoder\.down\.(\d+)\.block\.(\d+)\.", r"encoder.down_blocks.\1.resnets.\2."),
    (r"^encoder\.down\.(\d+)\.downsample\.", r"encoder.down_blocks.\1.downsamplers.0."),
    (r"^decoder\.up\.(\d+)\.block\.(\d+)\.", r"decoder.up_blocks.\1.resnets.\2."),
    (r"^decoder\.up\.(\d+)\.upsample\.", r"decoder.up_blocks.\1.upsamplers.0."),
    (r"^(encoder|decoder)\.mid\.block_1\.", r"\1.mid_block.resnets.0."),
    (r"^(encoder|decoder)\.mid\.block_2\.", r"\1.mid_block.resnets.1."),
    (r"^(encoder|decoder)\.mid\.attn_1\.(q|k|v)\.", r"\1.mid_block.attentions.0.to_\2."),
    (r"^(encoder|decoder)\.mid\.attn_1\.", r"\1.mid_block.attentions.0."),
    (r"\.nin_shortcut\.", ".conv_shortcut."),
))


def _prefix(names) -> str:
    """ComfyUI's prefix when every name has it, else ''."""
    names = list(names)
    return next((p for p in PREFIXES if names and all(k.startswith(p) for k in names)), "")


def _bare(state: dict) -> dict:
    n = len(_prefix(state))
    return {k[n:]: v for k, v in state.items()} if n else state


def _renamed(name: str, rules) -> str:
    """The first anchored rule that matches, then every unanchored one."""
    for pattern, repl in rules:
        if pattern.pattern.startswith("^"):
            new = pattern.sub(repl, name, count=1)
            if new != name:
                name = new
                break
    for pattern, repl in rules:
        if not pattern.pattern.startswith("^"):
            name = pattern.sub(repl, name)
    return name


def is_original_transformer(names) -> bool:
    return any(k.startswith(("double_blocks.", "model.diffusion_model.double_blocks.")) for k in names)


def _names(k: str) -> list[str]:
    """The diffusers name(s) of the tensor ``k`` (Tencent's name, bare): three for the refiner's
    fused qkv, else one."""
    if m := _REFINER_QKV.match(k):
        return [f"context_embedder.token_refiner.refiner_blocks.{m[1]}.attn.{p}.{m[2]}" for p in ("to_q", "to_k", "to_v")]
    if m := _FINAL_MOD.match(k):
        return [f"norm_out.linear.{m[1]}"]
    if (m := _DOUBLE_RE.match(k)) and m[2] in _DOUBLE:
        return [f"transformer_blocks.{m[1]}.{_DOUBLE[m[2]]}.{m[3]}"]
    return [_renamed(k, _TRANSFORMER)]


def convert_transformer(checkpoint: dict, **kwargs) -> dict:
    """A HunyuanVideo 1.5 transformer's state from Tencent's names to diffusers' (a state already
    in diffusers' names comes back as it is). ComfyUI's per-tensor fp8 scales (``X.scale_weight``,
    ``X.scale_input``) go with their weight's name(s): a tensor made of some of a weight's rows (the
    qkv thirds) or of all of them reordered (the final layer's halves) keeps the weight's one scale.
    Row splits and joins are as valid on GGUF's quantised rows (diffusers' GGUFParameter: blocks
    run along a row) as on plain tensors."""
    state = _bare(checkpoint)
    if not is_original_transformer(state):
        return state
    out = {}
    for k, v in state.items():
        suffix = next((s for s in SCALE_SUFFIXES if k.endswith(s)), None)
        if suffix:
            for name in _names(k[: -len(suffix)] + ".weight"):
                out[name[: -len(".weight")] + suffix] = v
        elif _REFINER_QKV.match(k):
            out.update(zip(_names(k), v.chunk(3, dim=0)))
        elif _FINAL_MOD.match(k):
            shift, scale = v.chunk(2, dim=0)
            out[_names(k)[0]] = _cat(scale, shift)
        else:
            out[_names(k)[0]] = v
    return out


def _cat(a, b):
    import torch  # the one operation that is not a view; torch is there when tensors are
    return torch.cat([a, b], dim=0)


def is_original_vae(names) -> bool:
    return any(".mid.attn_1." in k or ".down.0.block." in k for k in names)


def convert_vae(checkpoint: dict, **kwargs) -> dict:
    """A HunyuanVideo 1.5 VAE's state from Tencent's names to diffusers' (a pure renaming)."""
    state = _bare(checkpoint)
    return {_renamed(k, _VAE): v for k, v in state.items()} if is_original_vae(state) else state


def vae_names(names) -> dict[str, str]:
    """Each of a VAE file's names -> its diffusers name (nothing read)."""
    n = len(_prefix(names))
    original = is_original_vae(names)
    return {k: _renamed(k[n:], _VAE) if original else k[n:] for k in names}


CONVERTERS = {"HunyuanVideo15Transformer3DModel": convert_transformer,
              "AutoencoderKLHunyuanVideo15": convert_vae}
