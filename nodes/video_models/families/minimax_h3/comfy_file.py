"""A MiniMax H3 DiT single file in ComfyUI's layout (the templates' minimax_h3_fl2va / ref2va
_pruned_int8_convrot, fastvideo_fasth3_*_pruned_int8_convrot) read as Studio's curve-form transformer
(curve.py): its config told from the tensors' shapes, its names converted to diffusers', its int8
'convrot' layers (ComfyUI's 200 block linears, comfy_int8.py) kept int8.

Names: each tensor is renamed by diffusers 0.42.1's own converter (loaders/single_file_utils.py
``convert_minimax_h3_transformer_checkpoint_to_diffusers``, run on a shape-only stand-in one tensor at a
time, so the rename table is diffusers', not a copy), with the converter's two row operations done here
on int8 data and per-row scales alike: ``attn.qkv_proj`` split in three row blocks [q; k; v] (the
'stacked' layout of every published single file) and ``mlp.fc1`` [gate; value] swapped to [value; gate].
``adaln_t_table`` (which the converter refuses) becomes ``time_embedder.table``. ComfyUI's
``rope.inv_freq`` is the rope's (rope_freq_dim = its length, rope_theta from its values) and the VSA gate
``attn.to_gate_compress`` of FastH3's files is unused by the dense forward (ComfyUI's
comfy/ldm/minimax/model.py, Comfy-Org/ComfyUI 01a56b76bba3: "unused by the dense forward"), so dropped,
said. A file with a PDD head bank (``final_layer.video_out`` a multiple of the patch width: several
output heads blended by the sampler's step) is refused.

A full (unpruned) file (Comfy-Org's minimax_h3_fl2va / ref2va_bf16, the full ``*_int8_convrot`` and fp8 / MXFP8
files: ``time_embedder.proj_in`` / ``proj_out`` where a pruned one has ``adaln_t_table``, ComfyUI's
``TimeEmbedder``) is the model diffusers' converter was written for: it is read the same way, names and row
operations by that converter, into diffusers' own ``MiniMaxH3Transformer3DModel`` (not the curve form), its
config told from the shapes the same way (``freq_dim``, ``time_embed_hidden_dim`` and ``time_embed_dim`` from the
time embedder's two layers). ``MiniMaxH3Transformer3DModel.from_single_file`` reads such a file in bf16 / fp32
to the same weights (tests/video_models/test_minimax_h3_full_file.py); Studio reads it itself so that its int8 layers stay
in 8 bits and its fp8 ones in fp8, as it reads the pruned files."""
from __future__ import annotations

import re

from ...base.errors import ModelError

TABLE = "adaln_t_table"
FULL = "time_embedder.proj_in.weight"  # a full (unpruned) file's time embedder (ComfyUI's TimeEmbedder.proj_in)
DROPPED = (".attn.to_gate_compress.",)  # FastH3's VSA gate: not used by the dense forward


def _count(shapes: dict, pattern: str) -> int:
    found = {int(m.group(1)) for k in shapes if (m := re.match(pattern, k))}
    return max(found) + 1 if found else 0


def config_from_shapes(shapes: dict, path: str, inv_freq=None) -> dict:
    """The curve-form config (curve.MiniMaxH3CurveTransformer's arguments) of a ComfyUI MiniMax H3 file,
    from its tensors' shapes (``inv_freq``: the rope's values, for its theta); refused in words when a
    part is missing or another kind."""
    def need(name: str) -> tuple:
        if name not in shapes:
            raise ModelError(f"'{path}' is no MiniMax H3 DiT file in ComfyUI's layout: it has no '{name}'")
        return tuple(shapes[name])
    if TABLE not in shapes and FULL not in shapes:
        raise ModelError(f"'{path}' is no MiniMax H3 DiT file in ComfyUI's layout: it has neither the pruned file's "
                         f"'{TABLE}' nor the full file's '{FULL}'")
    hidden, patch_dim = need("video_patch_proj.weight")
    head_dim = need("blocks.0.attn.q_norm.weight")[0]
    out_rows = need("final_layer.video_out.weight")[0]
    if out_rows != patch_dim:
        raise ModelError(f"'{path}': its final layer holds {out_rows // patch_dim} video output heads (ComfyUI's PDD "
                         "head bank, blended by the sampler's step), which diffusers' MiniMax H3 transformer has no form "
                         "of: Studio reads MiniMax H3 files with one output head")
    rope = need("rope.inv_freq")[0] if "rope.inv_freq" in shapes else 16
    theta = 10000.0 if inv_freq is None or rope < 2 else round(float(inv_freq[1]) ** (-rope), 3)
    if TABLE in shapes:  # the curve form: its table's rows and rank
        grid, rank = need(TABLE)
        time = dict(time_embed_dim=rank, adaln_curve_grid=grid)
    else:  # the full form: its time embedder's two layers (freq -> hidden -> out)
        hidden_t, freq = need(FULL)
        time = dict(freq_dim=freq, time_embed_hidden_dim=hidden_t,
                    time_embed_dim=need("time_embedder.proj_out.weight")[0])
    return dict(num_attention_heads=need("blocks.0.attn.qkv_proj.weight")[0] // 3 // head_dim,
                attention_head_dim=head_dim, hidden_size=hidden, num_layers=_count(shapes, r"blocks\.(\d+)\."),
                num_refiner_layers=_count(shapes, r"token_refiner\.blocks\.(\d+)\."),
                ffn_dim=need("blocks.0.mlp.fc2.weight")[1], in_channels=patch_dim // 4,
                audio_in_channels=need("audio_patch_proj.weight")[1], patch_size=(1, 2, 2),
                text_dim=need("condition_proj.weight")[1], rope_freq_dim=rope, rope_theta=theta, **time)


def is_full(cfg: dict) -> bool:
    """Whether ``cfg`` (config_from_shapes') is a full (unpruned) file's: diffusers' own transformer."""
    return "adaln_curve_grid" not in cfg


def model_class(cfg: dict):
    """The class a file of ``cfg`` is read into: diffusers' MiniMaxH3Transformer3DModel for a full file, the
    curve form (curve.py) for a pruned one."""
    if is_full(cfg):
        from diffusers import MiniMaxH3Transformer3DModel
        return MiniMaxH3Transformer3DModel
    from .curve import MiniMaxH3CurveTransformer
    return MiniMaxH3CurveTransformer


def _rows(t, pieces):
    """``t`` (a tensor, or comfy_int8.Int8: its data and per-row scales alike) cut into ``pieces`` row blocks."""
    from ...files.comfy_int8 import Int8
    if isinstance(t, Int8):
        scales = t.scale.chunk(pieces) if t.scale.dim() and t.scale.shape[0] > 1 else (t.scale,) * pieces
        return [Int8(d, s, t.group) for d, s in zip(t.data.chunk(pieces), scales)]
    return list(t.chunk(pieces))


def _heads(t, heads: int):
    """``t``'s fused q/k/v rows stored per head ([head 0: q k v, head 1: q k v, ...], the MiniMaxAI shards' order:
    diffusers' converter's qkv_layout 'interleaved') cut into [q], [k], [v] (comfy_int8.Int8: data and per-row scales
    alike)."""
    from ...files.comfy_int8 import Int8

    def cut(x):
        if not x.dim() or x.shape[0] == 1:
            return (x,) * 3
        return [p.flatten(0, 1).contiguous() for p in x.unflatten(0, (heads, 3, -1)).unbind(1)]
    if isinstance(t, Int8):
        return [Int8(d, s, t.group) for d, s in zip(cut(t.data), cut(t.scale))]
    return cut(t)


def interleaved(path: str) -> bool:
    """Whether the file at ``path`` stores its fused q/k/v rows per head: a DiT file named by the RunningHub MiniMax H3
    pack's rule (``MiniMax-H3-<FL2VA|Ref2VA>-<format>.safetensors``, its own conversion of the sharded release, whose
    loader reads every DiT file's qkv rows as grouped per head: ComfyUI_RH_MinMaxH3 runtime/attention.py
    ``reorder_grouped_qkv_to_qkv``, exportAnything/ComfyUI_RH_MinMaxH3 445fccb8, Apache-2.0; read for meaning).
    The two orders cannot be told from the tensors (diffusers' converter says so): ComfyUI's own files are stacked."""
    import os
    return re.match(r"MiniMax-H3-(FL2VA|Ref2VA)-", os.path.basename(path)) is not None


def _swapped(t):
    """``t``'s two row halves swapped in place ([gate; value] -> [value; gate]; comfy_int8.Int8: its data and
    per-row scales alike), half of it copied at a time, not the whole."""
    from ...files.comfy_int8 import Int8
    for x in ((t.data, t.scale) if isinstance(t, Int8) else (t,)):
        if x.dim() and x.shape[0] > 1:
            half = x.shape[0] // 2
            first = x[:half].clone()
            x[:half] = x[half:]
            x[half:] = first
            del first
    return t


def diffusers_names(name: str, shape, cfg: dict) -> list[str]:
    """The diffusers name(s) of ComfyUI's tensor ``name``, by diffusers' converter run on a stand-in."""
    import torch
    from diffusers.loaders.single_file_utils import convert_minimax_h3_transformer_checkpoint_to_diffusers as convert
    return list(convert({name: torch.empty(tuple(shape), device="meta")}, config=cfg))


def check(shapes: dict, cfg: dict, path: str) -> None:
    """Every tensor of the file, under its converted name and shape, against the model of ``cfg`` (model_class)
    built on the meta device (nothing allocated): a tensor of no place or another shape, or a part the
    file lacks, refused naming it."""
    want = skeleton_shapes(model_class(cfg), cfg)
    got = {}
    for name, shape in shapes.items():
        if name == TABLE:
            got["time_embedder.table"] = (name, tuple(shape))
        elif name != "rope.inv_freq" and not any(d in name for d in DROPPED):
            rows = shape[0] // 3 if name.endswith(".attn.qkv_proj.weight") else shape[0]
            got.update({new: (name, (rows, *shape[1:])) for new in diffusers_names(name, shape, cfg)})
    refuse_misfits(got, want, path, "transformer")


def skeleton_shapes(cls, cfg: dict) -> dict:
    """{name: shape} of ``cls`` built from ``cfg`` on the meta device (nothing allocated)."""
    from accelerate import init_empty_weights
    with init_empty_weights(include_buffers=True):
        model = cls.from_config(cfg)
    return {k: tuple(v.shape) for k, v in model.state_dict().items()}


def refuse_misfits(got: dict, want: dict, path: str, title: str) -> None:
    """A file's tensors (``got``: diffusers name -> (the file's name, shape)) against a model's (``want``:
    diffusers name -> shape): a tensor of no place or another shape, or one the file lacks, refused naming it
    (MiniMax H3's ``title``: its transformer, video VAE, audio VAE)."""
    for new, (name, shape) in got.items():
        if new not in want:
            raise ModelError(f"'{path}': tensor '{name}' has no place in MiniMax H3's {title} (as '{new}')")
        if want[new] != shape:
            raise ModelError(f"'{path}': tensor '{name}' is {list(shape)} where MiniMax H3's {title} of this file's "
                             f"size holds {list(want[new])} ('{new}')")
    lacking = sorted(set(want) - set(got))
    if lacking:
        raise ModelError(f"'{path}' lacks {len(lacking)} of MiniMax H3's {title}'s tensors (as diffusers names "
                         f"them: {', '.join(lacking[:3])}{', …' if len(lacking) > 3 else ''})")


def convert(state: dict, cfg: dict, per_head: bool = False) -> tuple[dict, list[str]]:
    """ComfyUI's tensors under the transformer's names (data converted with its per-row scales), and the names
    dropped; ``per_head``: the fused q/k/v rows stored per head (interleaved)."""
    out, dropped = {}, []
    for name in list(state):
        t = state.pop(name)
        if name == TABLE:
            out["time_embedder.table"] = t
            continue
        if name == "rope.inv_freq" or any(d in name for d in DROPPED):
            dropped.append(name)
            continue
        shape = t.data.shape if hasattr(t, "group") else t.shape
        new = diffusers_names(name, shape, cfg)
        if name.endswith(".attn.qkv_proj.weight"):
            parts = _heads(t, cfg["num_attention_heads"]) if per_head else _rows(t, 3)
            out.update(zip(new, parts))  # diffusers' order: to_q, to_k, to_v
        elif name.endswith(".mlp.fc1.weight"):
            out[new[0]] = _swapped(t)
        else:
            out[new[0]] = t
    return out, dropped


def part_of(path: str) -> str:
    """The transformer a file is, by its name as ComfyUI's templates give it (the fl2va and ref2va files
    hold the same tensors: only their names tell them): 'transformer_ref' for a reference to video file
    (minimax_h3_ref2va_*, FastH3's fasth3_omniref_*), else 'transformer' (text and image to video:
    minimax_h3_fl2va_*, fastvideo_fasth3_8step_*)."""
    import os
    name = os.path.basename(path).lower()
    return "transformer_ref" if "ref2v" in name or "omniref" in name else "transformer"


def reader(wf, torch_dtype, device, info):
    """MiniMaxH3Modular.single_file_reader's function: (the part the file fills, the model, its weights in words)."""
    from ...files.weight_formats import describe
    model = read(wf, torch_dtype, info)
    how = f"int8 layers kept in 8 bits, dequantised per layer to {str(torch_dtype).replace('torch.', '')}" + (
        "; its fused q/k/v rows read per head, as the RunningHub MiniMax H3 pack's loader reads its own MiniMax-H3-* "
        "files" if interleaved(wf.path) else "")
    if TABLE not in wf.tensors:
        return part_of(wf.path), model, f"{describe(wf, detail=True)}, ComfyUI's full (unpruned) form read into " \
            f"diffusers' MiniMax H3 transformer by diffusers' converter ({how})"
    return part_of(wf.path), model, f"{describe(wf, detail=True)}, ComfyUI's curve form (adaln_t_table " \
        f"{list(wf.tensors[TABLE].shape)}) read into diffusers' MiniMax H3 transformer with its time path swapped " \
        f"({how})"


def load(path: str, torch_dtype, info=print):
    """The transformer of ComfyUI's file at ``path`` (read): read()'s."""
    from ...files.weight_formats import read_weight_file
    return read(read_weight_file(path), torch_dtype, info)


def read(wf, torch_dtype, info=print):
    """The transformer of ComfyUI's file ``wf`` (its header read; model_class: the curve form for a pruned file,
    diffusers' own for a full one): checked from its shapes (config) before anything is read, then read, converted
    and assigned lean (int8 layers kept int8)."""
    from ...files.single_file import lean_load
    from ...files.tensor_reads import read_tensor
    path = wf.path
    shapes = {k: tuple(v.shape) for k, v in wf.tensors.items()}
    inv_freq = None
    if "rope.inv_freq" in wf.tensors:
        with open(path, "rb", buffering=0) as f:
            inv_freq = read_tensor(f, wf, "rope.inv_freq").float()
    cfg = config_from_shapes(shapes, path, inv_freq)
    check(shapes, cfg, path)
    from ...files.weight_formats import NVFP4
    odd = next(iter(wf.scales), None) or next((k for k, v in wf.tensors.items() if v.dtype == NVFP4), None)
    if odd:
        raise ModelError(f"'{path}' holds {'NVFP4' if odd not in wf.scales else 'scaled fp8'} layers ('{odd}'): Studio "
                         "reads ComfyUI's MiniMax H3 DiT files in bf16 / fp16 / fp32 / unscaled fp8, with int8 ('convrot') or "
                         "MXFP8 layers")
    with open(path, "rb", buffering=0) as f:
        state = {name: read_tensor(f, wf, name) for name in wf.tensors}
    state, dropped = convert(state, cfg, interleaved(path))
    if dropped and any(d in n for n in dropped for d in DROPPED):
        info(f"'{path}': FastH3's attention gates (to_gate_compress, for sparse attention) are not used by the "
             "dense forward: not read")
    return lean_load(model_class(cfg), cfg, wf, torch_dtype, state=state)
