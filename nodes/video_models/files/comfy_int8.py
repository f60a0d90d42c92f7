"""ComfyUI's int8 layers ('int8_tensorwise', plain or 'convrot') read and computed: each weight stays
int8 in memory with its scales and is dequantised in the compute dtype each time its layer runs, as
comfy_quant.NVFP4Linear does for NVFP4; or a whole state dict dequantised for callers that want plain
weights. Vectorised torch only.

The layout (ComfyUI's comfy/ops.py ``mixed_precision_ops`` reads it, commit 003124c1f6ca and later;
the numerics are comfy-kitchen's, Apache-2.0, commit 7d86acf: tensor/int8.py ``TensorWiseINT8Layout``,
tensor/int8_utils.py ``_build_hadamard`` / ``_rotate_weight``, backends/eager/quantization.py
``quantize_int8_rowwise``, ``quantize_int8_convrot_weight``, ``dequantize_int8_convrot_weight``):

- ``<layer>.comfy_quant``: uint8 bytes of JSON, ``{"format": "int8_tensorwise"}`` and, on a rotated
  layer, ``"convrot": true, "convrot_groupsize": 256`` (also read from a nested ``"params"`` object, as
  ComfyUI's loader does; absent ``convrot`` means not rotated). The same per layer may sit in the
  header's ``_quantization_metadata`` ({"layers": {layer: {...}}}).
- ``<layer>.weight``: int8 [out, in] (not packed).
- ``<layer>.weight_scale``: float32 [out, 1], one scale per output row (``per_channel``: what
  ComfyUI's int8 convrot files hold); a single value (shape [] or [1]) is the tensor-wise variant.
- The bias, if any, stays in the file's float dtype.
- 'convrot' (ConvRot): before quantising, each run of ``g`` input channels of every row is rotated
  by the normalised *regular* Hadamard matrix H (g a power of 4; H = H4 ⊗ H4 ⊗ …, H4 =
  [[1,1,1,-1],[1,1,-1,1],[1,-1,1,1],[-1,1,1,1]], divided by sqrt(g); symmetric and orthogonal, so
  H·H = I): W_rot = W·Hᵀ per group, then q = round(W_rot / s) clamped to [-128, 127] with
  s = max|row| / 127 (min 1e-30). ComfyUI runs the layer on int8 tensor cores by rotating the
  activations (x·H) at run time; rotating the weight back is the same product, so Studio
  dequantises W = (q·s)·Hᵀ per group and runs a plain linear. Nothing else is rotated: layers
  whose input width is not a multiple of g are stored unrotated (their marker says no convrot).

API:
- ``Int8(data, scale, group)``: one weight as read (int8 [R, C], float32 scale [R, 1] or [], the
  Hadamard group or 0).
- ``hadamard(n, dtype, device)``: the normalised regular Hadamard matrix.
- ``dequantise(w, dtype)``: the weight [R, C] in ``dtype``.
- ``quantise(weight, group=256)``: comfy-kitchen's formula (row-wise scales; ``group`` 0: no
  rotation), for writers of such files (tests).
- ``layer_conf(raw)`` / ``group_of(conf)``: a ``comfy_quant`` marker's JSON and its rotation group.
- ``check(path, layer, weight_shape, weight_dtype, scale_shape, scale_dtype, conf)``: the shapes and
  storage of one layer checked from a header, refused in words (ModelError) before any read.
- ``Int8Linear`` / ``install(model, name, w, path)``: a Linear kept in int8.
- ``layer_confs(state, metadata, path)``: layer -> its comfy_quant conf (markers and header metadata).
- ``dequantise_state_dict(state, dtype, metadata=None, path=...)``: a state dict with ComfyUI's
  int8 (and fp8 / NVFP4) layers made plain weights in ``dtype``, markers and scales dropped.
- ``load_dequantised(path, dtype)``: a whole .safetensors file read and dequantised so."""
from __future__ import annotations

import json
import math
from typing import NamedTuple

import torch

from ..base.errors import ModelError
from .weight_formats import check_int8 as check, int8_group as group_of

FORMAT = "int8_tensorwise"
H4 = ((1, 1, 1, -1), (1, 1, -1, 1), (1, -1, 1, 1), (-1, 1, 1, 1))
_HADAMARD: dict = {}


class Int8(NamedTuple):
    """One int8 weight: ``data`` int8 [R, C], ``scale`` float32 [R, 1] (per row) or [] (per tensor),
    ``group`` the convrot Hadamard group size (0: not rotated)."""
    data: torch.Tensor
    scale: torch.Tensor
    group: int = 0


def hadamard(n: int, dtype=torch.float32, device=None) -> torch.Tensor:
    """The normalised regular Hadamard matrix of size ``n`` (a power of 4): H4's Kronecker powers
    over sqrt(n). Its entries are ±1/2^k, exact in every float dtype. Cached per size, dtype, device."""
    key = (n, dtype, str(device))
    if key not in _HADAMARD:
        if n < 4 or n & (n - 1) or int(math.log2(n)) % 2:
            raise ValueError(f"a convrot group is a power of 4 (4, 16, 64, 256, ...), not {n}")
        h4 = torch.tensor(H4, dtype=torch.float64)
        h = h4
        while h.shape[0] < n:
            h = torch.kron(h, h4)
        _HADAMARD[key] = (h / math.sqrt(n)).to(dtype=dtype, device=device)
    return _HADAMARD[key]


def _rotate(w: torch.Tensor, group: int) -> torch.Tensor:
    """Each run of ``group`` columns of ``w`` [R, C] times Hᵀ (comfy-kitchen's ``_rotate_weight``)."""
    rows, cols = w.shape
    h = hadamard(group, w.dtype, w.device)
    return (w.reshape(rows, cols // group, group) @ h.T).reshape(rows, cols)


def _values(w: Int8, dtype) -> torch.Tensor:
    """The int8 values in ``dtype``, rotated back (exact: int8 and H's entries are exact in any float
    dtype; the product rounded once), not yet scaled."""
    q = w.data.to(dtype)
    return _rotate(q, w.group) if w.group else q


def _row_scales(w: Int8, dtype, device) -> torch.Tensor:
    return w.scale.to(device=device, dtype=dtype).reshape(-1)


def dequantise(w: Int8, dtype) -> torch.Tensor:
    """The weight [R, C] in ``dtype``: the int8 values rotated back and multiplied by their row's scale."""
    q = _values(w, dtype)
    return q * _row_scales(w, dtype, q.device).reshape(-1, 1)


def quantise(weight: torch.Tensor, group: int = 256) -> Int8:
    """``weight`` [R, C] in ComfyUI's int8 layout as comfy-kitchen makes it: rotated by groups of
    ``group`` columns (0: not rotated), then row-wise: s = max|row| / 127, q = round(w / s)."""
    w = weight.float()
    if group:
        if w.shape[1] % group:
            raise ValueError(f"{w.shape[1]} input channels are not a multiple of the convrot group {group}")
        w = _rotate(w, group)
    scale = (w.abs().amax(dim=-1, keepdim=True) / 127.0).clamp(min=1e-30)
    return Int8(torch.round(w / scale).clamp(-128, 127).to(torch.int8), scale, group)


def marker(group: int = 256) -> torch.Tensor:
    """The ``comfy_quant`` tensor ComfyUI writes beside an int8 layer (``group`` 0: not rotated)."""
    conf = {"format": FORMAT, **({"convrot": True, "convrot_groupsize": group} if group else {})}
    return torch.tensor(list(json.dumps(conf).encode()), dtype=torch.uint8)


def layer_conf(raw) -> dict:
    """A ``comfy_quant`` marker (its uint8 tensor, bytes or str) as the JSON dict it holds."""
    if isinstance(raw, torch.Tensor):
        raw = bytes(raw.to(torch.uint8).reshape(-1).tolist())
    conf = json.loads(raw.decode("utf-8") if isinstance(raw, (bytes, bytearray)) else raw)
    if not isinstance(conf, dict):
        raise ValueError("a comfy_quant marker holds a JSON object")
    return conf


class Int8Linear(torch.nn.Linear):
    """A Linear whose weight stays int8 and is dequantised in the input's dtype at each call (rotated
    back, or, when the call has fewer rows than the weight, its input rotated instead). ``weight``
    is the int8 parameter (a model-wide ``.to(dtype)`` leaves integers alone, and so does diffusers'
    layerwise casting), ``weight_scale`` a buffer of the float32 scales' bytes seen as int32 (so such
    a cast cannot narrow them); the names stay the model's; ``group`` the convrot group (0: none).
    A torch.nn.Linear to other code (nn.Linear's own weights never made): peft puts its LoRA layers
    around it as around any Linear, the adapter beside the int8 weight (LoRAs on an int8 model)."""

    def __init__(self, in_features: int, out_features: int, w: Int8, bias):
        torch.nn.Module.__init__(self)  # not nn.Linear's: it would allocate a float weight
        self.in_features, self.out_features, self.group = in_features, out_features, int(w.group)
        self.weight = torch.nn.Parameter(w.data, requires_grad=False)
        scale = w.scale.float().reshape(-1, 1) if w.scale.numel() > 1 else w.scale.float().reshape(1, 1)
        self.register_buffer("weight_scale", scale.contiguous().view(torch.int32))
        self.bias = bias

    def int8(self) -> Int8:
        return Int8(self.weight, self.weight_scale.view(torch.float32), self.group)

    def forward(self, x):
        w, rows = self.int8(), x.numel() // x.shape[-1]
        bias = None if self.bias is None else self.bias.to(x.dtype)
        if w.group and rows < self.out_features:  # fewer rows of x than of the weight: rotating the
            # activations costs less (x·Wᵀ = (x·H)·W_rotᵀ per group, as ComfyUI computes it)
            shape = x.shape
            x = _rotate(x.reshape(-1, shape[-1]), w.group).reshape(shape)  # H is symmetric: ·Hᵀ = ·H
            w = Int8(w.data, w.scale, 0)
        if rows < self.in_features:  # scaling the output's columns costs less than scaling the weight
            y = torch.nn.functional.linear(x, _values(w, x.dtype)) * _row_scales(w, x.dtype, x.device)
            return y if bias is None else y + bias
        return torch.nn.functional.linear(x, dequantise(w, x.dtype), bias)

    def extra_repr(self) -> str:
        rot = f", convrot {self.group}" if self.group else ""
        return f"in_features={self.in_features}, out_features={self.out_features}, int8{rot}"


def install(model, name: str, w: Int8, path: str) -> None:
    """The Linear whose weight is ``name`` replaced by an Int8Linear holding ``w`` (its bias kept); a
    weight of another kind of layer or size is refused by name."""
    layer = name[: -len(".weight")]
    parent, _, child = layer.rpartition(".")
    old = model.get_submodule(layer)
    if not isinstance(old, torch.nn.Linear):
        raise ModelError(f"'{path}': '{name}' is int8, but it is the weight of a {type(old).__name__}: Studio "
                         "computes int8 for Linear layers only")
    if tuple(w.data.shape) != (old.out_features, old.in_features):
        raise ModelError(f"'{path}': '{name}' holds {list(w.data.shape)} int8 weights, but the layer is "
                         f"{old.out_features}x{old.in_features}")
    setattr(model.get_submodule(parent) if parent else model, child,
            Int8Linear(old.in_features, old.out_features, w, old.bias))


def layer_confs(state: dict, metadata: dict | None, path: str) -> dict:
    """layer -> its conf, from the ``comfy_quant`` tensors and the header's ``_quantization_metadata``."""
    out = {}
    meta = (metadata or {}).get("_quantization_metadata")
    try:
        if meta:
            for k, v in json.loads(meta).get("layers", {}).items():
                out[k] = {"format": v} if isinstance(v, str) else dict(v)
        for k in [k for k in state if k.endswith(".comfy_quant")]:
            out[k[: -len(".comfy_quant")]] = layer_conf(state[k])
    except (ValueError, AttributeError, TypeError, UnicodeDecodeError):
        raise ModelError(f"'{path}': a comfy_quant marker or the header's _quantization_metadata is not the JSON "
                         "ComfyUI writes") from None
    return out


_DTYPES = {torch.int8: "I8", torch.uint8: "U8", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
           torch.float8_e4m3fn: "F8_E4M3", torch.float8_e5m2: "F8_E5M2"}


def _plain(state: dict, layer: str, conf: dict, dtype, path: str) -> torch.Tensor:
    """One quantised layer's weight made plain (int8, fp8 with its per-tensor scale, NVFP4)."""
    fmt = conf.get("format")
    w, s = state.get(layer + ".weight"), state.get(layer + ".weight_scale")
    if w is None:
        raise ModelError(f"'{path}': layer '{layer}' is marked {fmt} but has no '{layer}.weight'")
    if fmt == FORMAT:
        group = check(path, layer, tuple(w.shape), _DTYPES.get(w.dtype, str(w.dtype)),
                      None if s is None else tuple(s.shape), None if s is None else _DTYPES.get(s.dtype), conf)
        return dequantise(Int8(w, s.float(), group), dtype)
    if fmt in ("float8_e4m3fn", "float8_e5m2") and w.dtype in (torch.float8_e4m3fn, torch.float8_e5m2):
        if s is None or s.numel() != 1:
            raise ModelError(f"'{path}': '{layer}.weight_scale' must be one value for a {fmt} layer")
        return (w.float() * s.float().reshape(())).to(dtype)
    if fmt == "nvfp4" and w.dtype == torch.uint8 and s is not None and layer + ".weight_scale_2" in state:
        from .comfy_quant import Packed, dequantise as nvfp4, unswizzle
        rows, cols = w.shape[0], w.shape[1] * 2
        return nvfp4(Packed(w, unswizzle(s, rows, cols // 16), state[layer + ".weight_scale_2"].float()), dtype)
    raise ModelError(f"'{path}': layer '{layer}' is quantised as '{fmt}' ({w.dtype}), which Studio cannot make plain "
                     "(it reads int8_tensorwise, float8_e4m3fn, float8_e5m2 and nvfp4)")


def dequantise_state_dict(state: dict, dtype=torch.bfloat16, metadata: dict | None = None,
                          path: str = "the weights") -> dict:
    """``state`` (tensors as read from a ComfyUI file; ``metadata`` its header's) with every quantised
    layer's weight made plain in ``dtype`` and its markers and scales dropped; the other tensors as
    they are. A scale with no marker, or a marker of a format Studio cannot read, is refused by name."""
    confs = layer_confs(state, metadata, path)
    aside = (".comfy_quant", ".weight_scale", ".weight_scale_2", ".input_scale")
    for k in [k for k in state if k.endswith(".weight_scale")]:
        layer = k[: -len(".weight_scale")]
        if layer not in confs:
            raise ModelError(f"'{path}': '{k}' scales a weight the file does not mark (no comfy_quant): Studio "
                             "cannot tell how to apply it")
    out = {k: v for k, v in state.items() if not k.endswith(aside)}
    for layer, conf in confs.items():
        out[layer + ".weight"] = _plain(state, layer, conf, dtype, path)
    return out


def load_dequantised(path: str, dtype=torch.bfloat16) -> dict:
    """A whole .safetensors file of ComfyUI's read and made plain (``dequantise_state_dict``)."""
    from safetensors import safe_open
    with safe_open(path, framework="pt") as f:
        metadata = f.metadata() or {}
        state = {k: f.get_tensor(k) for k in f.keys()}
    return dequantise_state_dict(state, dtype, metadata, path)
