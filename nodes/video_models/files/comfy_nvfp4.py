"""ComfyUI's NVFP4 layers with AWQ pre-scales (the 'nvfp4' comfy_quant format, as in MiniMax H3's
``qwen3vl_32b_minimax_h3_nvfp4_awq.safetensors``): each weight stays packed (4 bits a weight) and is
dequantised in the compute dtype at each call, its input first multiplied by the AWQ scale; or a
whole state dict made plain. comfy_quant.py reads the packing and holds the layer (NVFP4Linear, a
Linear peft can wrap, its AWQ scale optional); this module adds reading the AWQ per-input-channel
scale and the checks that refuse a malformed layer.

The layout of one layer ``L`` (numerics: comfy-kitchen, Apache-2.0, commit 7d86acf60c88:
tensor/nvfp4.py, backends/eager/quantization.py ``dequantize_nvfp4``, float_utils.py
``to_blocked``; the tensor names of the H3 file: NVIDIA's H3 text-checkpoint adapter, which lists
``.comfy_quant``, ``.weight_scale``, ``.weight_scale_2`` and ``.pre_quant_scale`` beside each
packed weight; ComfyUI's comfy/ops.py ``mixed_precision_ops`` reads the same names):

- ``L.comfy_quant`` (or the header's ``_quantization_metadata``): ``{"format": "nvfp4"}``.
- ``L.weight``: uint8 [R, C/2]: two e2m1 codes a byte, the even column in the HIGH nibble. A code is
  sign (bit 3) and magnitude (bits 0-2): 0, 0.5, 1, 1.5, 2, 3, 4, 6 (code 8 is -0).
- ``L.weight_scale``: fp8 e4m3 block scales, one per 16 weights of a row, in cuBLAS's swizzled tiles
  [roundup(R, 128), roundup(C/16, 4)] (comfy_quant.unswizzle).
- ``L.weight_scale_2``: the fp32 per-tensor (global) scale: w = E2M1[code] * (scale_2 * block).
- ``L.pre_quant_scale`` (AWQ, optional): [C] floats, one per input channel. AWQ quantised W·diag(1/s)
  after multiplying each input channel's weights by s; the file stores p = 1/s and the layer computes
  y = (x * p) @ Wqᵀ + b (NVIDIA ModelOpt's NVFP4_AWQ convention: the activation is MULTIPLIED by
  ``pre_quant_scale`` before the matmul). Folded into a plain weight: W = Wq * p[None, :].
- ``L.input_scale``: the activations' scale for fp4 tensor-core products; a correct result does not
  need it and Studio does not use it.

API: ``check(path, layer, weight, block, glob, pre)`` (each a (dtype name, shape) pair or None: from a
header or from tensors) refuses a malformed layer in words (ModelError) before anything is read;
``NVFP4Linear`` (comfy_quant's) / ``install``; ``dequantise(packed, dtype, pre)``; ``dequantise_state_dict``;
``awq_scales(wf)`` the AWQ scales of a read_weight_file result, checked against their layers."""
from __future__ import annotations

import torch

from ..base.errors import ModelError
from .comfy_quant import BLOCK, NVFP4Linear, Packed, dequantise as _dequantise, install as _install, unswizzle  # noqa: F401

PRE = ".pre_quant_scale"
FLOATS = ("F32", "BF16", "F16")
_NAMES = {torch.uint8: "U8", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
          torch.float8_e4m3fn: "F8_E4M3", torch.int8: "I8"}


def spec(t: torch.Tensor | None):
    """A tensor's (safetensors dtype name, shape), as ``check`` takes them (None stays None)."""
    return None if t is None else (_NAMES.get(t.dtype, str(t.dtype)), tuple(t.shape))


def block_shape(rows: int, cols: int) -> tuple[int, int]:
    """The swizzled block scales' shape of an [rows, cols] NVFP4 weight."""
    return -(-rows // 128) * 128, -(-(cols // BLOCK) // 4) * 4


def check(path: str, layer: str, weight, block, glob, pre=None) -> tuple[int, int]:
    """One NVFP4 layer's storage checked (each argument a (dtype name, shape) pair or None); its
    weight's [rows, cols] returned. Refused in words: a weight not 2-D uint8, block scales missing or
    of another dtype or shape, a missing or non-scalar global scale, an AWQ scale not one float per
    input channel."""
    def no(why: str):
        raise ModelError(f"'{path}': NVFP4 layer '{layer}': {why}")
    if weight is None:
        no(f"it is marked nvfp4 but has no '{layer}.weight'")
    if weight[0] != "U8" or len(weight[1]) != 2:
        no(f"'{layer}.weight' is {weight[0]} {list(weight[1])}, but NVFP4 weights are 2-D uint8, two values a byte")
    rows, cols = weight[1][0], weight[1][1] * 2
    if cols % BLOCK:
        no(f"its {cols} input columns are not a multiple of the {BLOCK}-weight blocks")
    want = block_shape(rows, cols)
    if block is None or block[0] != "F8_E4M3" or tuple(block[1]) != want:
        no(f"'{layer}.weight_scale' " + ("is missing" if block is None else f"is {block[0]} {list(block[1])}")
           + f": the block scales of a {rows}x{cols} NVFP4 weight are F8_E4M3 {list(want)} (swizzled tiles)")
    if glob is None or glob[0] not in FLOATS or _numel(glob[1]) != 1:
        no(f"'{layer}.weight_scale_2' " + ("is missing" if glob is None else f"is {glob[0]} {list(glob[1])}")
           + ": an NVFP4 layer needs its one float per-tensor (global) scale")
    if pre is not None and (pre[0] not in FLOATS or tuple(pre[1]) != (cols,)):
        no(f"'{layer}{PRE}' is {pre[0]} {list(pre[1])}: an AWQ pre-quant scale is {cols} floats, one per "
           "input channel")
    return rows, cols


def _numel(shape) -> int:
    n = 1
    for d in shape:
        n *= int(d)
    return n


def dequantise(p: Packed, dtype, pre: torch.Tensor | None = None) -> torch.Tensor:
    """The weight [R, C] in ``dtype`` (codes times block scale times global scale), the AWQ scale
    ``pre`` [C] folded in (each input column multiplied by it) when given."""
    w = _dequantise(p, dtype)
    return w if pre is None else w * pre.to(device=w.device, dtype=dtype).reshape(1, -1)


def install(model, name: str, packed: Packed, path: str, pre: torch.Tensor | None = None) -> None:
    """comfy_quant.install (an NVFP4Linear with the AWQ scale ``pre`` in place of the Linear of ``name``),
    with weights padded past the layer by a whole block or more refused too (ComfyUI pads to 16)."""
    rows, cols = packed.data.shape[0], packed.data.shape[1] * 2
    old = model.get_submodule(name[: -len(".weight")])
    if isinstance(old, torch.nn.Linear) and (rows - old.out_features >= 16 or cols - old.in_features >= 16):
        raise ModelError(f"'{path}': '{name}' holds {rows}x{cols} NVFP4 weights, but the layer is "
                         f"{old.out_features}x{old.in_features}")
    _install(model, name, packed, path, pre)


def packed_of(state: dict, layer: str, path: str) -> tuple[Packed, torch.Tensor | None]:
    """One NVFP4 layer of a state dict, checked, with its block scales unswizzled, and its AWQ scale."""
    w, s, g, pre = (state.get(layer + k) for k in (".weight", ".weight_scale", ".weight_scale_2", PRE))
    rows, cols = check(path, layer, spec(w), spec(s), spec(g), spec(pre))
    return Packed(w, unswizzle(s, rows, cols // BLOCK), g.float().reshape(())), pre


def dequantise_state_dict(state: dict, dtype=torch.bfloat16, metadata: dict | None = None,
                          path: str = "the weights") -> dict:
    """``state`` with every NVFP4 layer (AWQ scale folded in) and every other ComfyUI-quantised layer
    (comfy_int8.dequantise_state_dict: int8, fp8) made plain in ``dtype``, markers and scales dropped.
    An AWQ scale beside a layer that is not NVFP4 is refused by name."""
    from .comfy_int8 import layer_confs, dequantise_state_dict as plain
    confs = layer_confs(state, metadata, path)
    nv = {layer for layer, conf in confs.items() if conf.get("format") == "nvfp4"}
    for k in [k for k in state if k.endswith(PRE)]:
        if k[: -len(PRE)] not in nv:
            raise ModelError(f"'{path}': '{k}' is an AWQ pre-quant scale, but '{k[: -len(PRE)]}' is not an NVFP4 "
                             "layer: Studio applies AWQ scales to NVFP4 layers only")
    done = {}
    for layer in sorted(nv):
        packed, pre = packed_of(state, layer, path)
        done[layer + ".weight"] = dequantise(packed, dtype, pre)
    aside = (".weight", ".comfy_quant", ".weight_scale", ".weight_scale_2", ".input_scale", PRE)
    rest = {k: v for k, v in state.items() if not (k.endswith(aside) and k.rsplit(".", 1)[0] in nv)}
    meta = dict(metadata or {})
    if meta.get("_quantization_metadata"):
        import json
        q = json.loads(meta["_quantization_metadata"])
        q["layers"] = {k: v for k, v in q.get("layers", {}).items() if k not in nv}
        meta["_quantization_metadata"] = json.dumps(q)
    return {**plain(rest, dtype, meta, path), **done}


def awq_scales(wf) -> dict:
    """layer -> the TensorInfo of its AWQ scale, for a read_weight_file result (whose NVFP4 weights
    are one TensorInfo of storage 'NVFP4'); a scale beside a layer that is not NVFP4, or not one
    float per input channel, refused by name."""
    out = {}
    for k, info in wf.tensors.items():
        if not k.endswith(PRE):
            continue
        layer = k[: -len(PRE)]
        w = wf.tensors.get(layer + ".weight")
        if w is None or w.dtype != "NVFP4":
            raise ModelError(f"'{wf.path}': '{k}' is an AWQ pre-quant scale, but '{layer}.weight' is "
                             f"{'missing' if w is None else w.dtype}: Studio applies AWQ scales to NVFP4 layers only")
        if info.dtype not in FLOATS or tuple(info.shape) != (w.shape[1],):
            raise ModelError(f"'{wf.path}': '{k}' is {info.dtype} {list(info.shape)}: an AWQ pre-quant scale is "
                             f"{w.shape[1]} floats, one per input channel")
        out[layer] = info
    return out
