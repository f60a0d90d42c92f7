"""HunyuanVideo's original layout (Tencent's ``HYVideoDiffusionTransformer`` key names, as the
13B's ``mp_rank_00_model_states`` and ComfyUI's ``hunyuan_video_*`` files hold them) made readable
at any width, before diffusers' single-file converter runs.

diffusers' ``convert_hunyuan_video_transformer_to_diffusers`` (diffusers 0.42.1,
loaders/single_file_utils.py) renames most tensors and chunks the double blocks' fused qkv in
three (width-free), but splits each single block's fused ``linear1`` (q, k, v and the MLP's input,
stacked) with ``hidden_size = 3072`` written into ``remap_single_transformer_blocks_``: only the
released 13B's width. A file of another width (a tiny test model, a pruned or distilled one) makes
``torch.split`` fail. The converter cannot be told the width (it takes no config), so Studio
splits ``single_blocks.N.linear1`` itself by the file's own shapes (the width is the weight's
input size) into the diffusers names the converter would give, which it then passes through
untouched, and leaves every other renaming, the qkv chunks and the final layer's scale / shift
swap to the library. Works on meta tensors (shapes only) and on real ones (the splits are views).

torch is not imported: the tensors' own methods are used."""
from __future__ import annotations

import re

CLASS = "HunyuanVideoTransformer3DModel"
PREFIXES = ("model.diffusion_model.", "diffusion_model.")  # ComfyUI's; the converter expects bare names
_LINEAR1 = re.compile(r"^(.*)single_blocks\.(\d+)\.linear1\.(weight|bias)$")


def prepare(state: dict) -> dict:
    """An original-layout HunyuanVideo state made ready for diffusers' converter: ComfyUI's prefix
    removed (when every name has it) and the single blocks split by the file's width."""
    for p in PREFIXES:
        if state and all(k.startswith(p) for k in state):
            state = {k[len(p):]: v for k, v in state.items()}
            break
    return split_single_blocks(state)


def split_single_blocks(state: dict) -> dict:
    """``state`` (original names) with each ``single_blocks.N.linear1`` split into diffusers'
    ``single_transformer_blocks.N.attn.to_q / to_k / to_v`` and ``proj_mlp`` by its own width:
    rows [0, w), [w, 2w), [2w, 3w) and the rest, w the weight's input size. The other tensors as
    they are; a file without single blocks (or already split) is returned unchanged."""
    widths = {}
    for k, v in state.items():
        m = _LINEAR1.match(k)
        if m and m[3] == "weight":
            widths[(m[1], m[2])] = int(v.shape[1])
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
