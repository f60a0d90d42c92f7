"""ComfyUI's NVFP4 layers read and computed: each stays packed in memory (4 bits a weight, its fp8
block scales, one fp32 scale) and is dequantised in the compute dtype each time its layer runs.

The layout, as ComfyUI writes it (comfy/ops.py mixed_precision_ops at commit 003124c1f6ca; the
numerics in comfy-kitchen's tensor/nvfp4.py, backends/eager/quantization.py ``dequantize_nvfp4``
and float_utils.py ``to_blocked`` / ``from_blocked`` at commit 7d86acf):

- ``weight``: uint8 [R, C/2], two e2m1 codes a byte, the even column in the HIGH nibble
  (comfy-kitchen's ``hi_first=True``, its default and what ComfyUI writes); R and C padded to
  multiples of 16 with zeros. A code is sign (bit 3) and magnitude (bits 0-2), the magnitudes
  0, 0.5, 1, 1.5, 2, 3, 4, 6 (``E2M1``).
- ``weight_scale``: fp8 e4m3 block scales, one per 16 weights of a row, in cuBLAS's swizzled
  tiles: [roundup(R, 128), roundup(C/16, 4)], each 128x4 tile stored as [32][4][4] (row
  ``i*32 + j`` of the tile at [j][i]).
- ``weight_scale_2``: the fp32 per-tensor scale. A weight is ``E2M1[code] * (scale_2 * block)``,
  the product taken in the compute dtype as comfy-kitchen does.
- ``input_scale`` (beside some fp8 and NVFP4 layers) is the activations' scale for fp8 / fp4
  matrix products on recent GPUs: a correct result does not need it, and Studio does not use it.

diffusers 0.42's BFL quantizer (quantizers/bfl/utils.py ``dequantize_nvfp4``) reads NVIDIA
ModelOpt's NVFP4, a different layout (even column in the LOW nibble, block scales unswizzled and
unpadded), so it cannot read these files as they are; torchao and comfy-kitchen are not in the
environment. This module is the small vectorised torch that reads ComfyUI's."""
from __future__ import annotations

from typing import NamedTuple

import torch

from ..base.errors import ModelError

BLOCK = 16  # weights per block scale
E2M1 = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, -0.0, -0.5, -1.0, -1.5, -2.0, -3.0, -4.0, -6.0)


class Packed(NamedTuple):
    """One NVFP4 weight as read: ``data`` uint8 [R, C/2], ``block`` fp8 e4m3 [R, C/16] (unswizzled),
    ``glob`` fp32 scalar."""
    data: torch.Tensor
    block: torch.Tensor
    glob: torch.Tensor


def unswizzle(blocked: torch.Tensor, rows: int, cols: int) -> torch.Tensor:
    """cuBLAS's tiled block scales (comfy-kitchen's ``to_blocked``) back to [rows, cols]: each tile of
    128 rows x 4 columns is stored as [32][4][4], row ``i*32 + j`` at [j][i]."""
    n_r, n_c = -(-rows // 128), -(-cols // 4)
    tiles = blocked.reshape(n_r, n_c, 32, 4, 4)  # [tile row, tile col, j, i, col]
    return tiles.permute(0, 3, 2, 1, 4).reshape(n_r * 128, n_c * 4)[:rows, :cols]


def swizzle(block: torch.Tensor) -> torch.Tensor:
    """[rows, cols] block scales in cuBLAS's tiles, zero-padded to [roundup(rows, 128), roundup(cols, 4)]
    (what ComfyUI's files hold; the inverse of ``unswizzle``)."""
    rows, cols = block.shape
    n_r, n_c = -(-rows // 128), -(-cols // 4)
    padded = torch.zeros((n_r * 128, n_c * 4), dtype=block.dtype)
    padded[:rows, :cols] = block
    tiles = padded.reshape(n_r, 4, 32, n_c, 4).permute(0, 3, 2, 1, 4)  # [tile row, tile col, j, i, col]
    return tiles.reshape(n_r * 128, n_c * 4)


def dequantise(p: Packed, dtype) -> torch.Tensor:
    """The weight [R, C] in ``dtype``: the codes unpacked (high nibble first), looked up in E2M1 and
    multiplied by their block's scale times the per-tensor scale."""
    rows = p.data.shape[0]
    codes = torch.stack((p.data >> 4, p.data & 0x0F), dim=-1).reshape(rows, -1)
    values = torch.tensor(E2M1, dtype=dtype, device=p.data.device)[codes.long()]
    scale = p.glob.to(device=p.block.device, dtype=dtype) * p.block.to(dtype)
    return (values.view(rows, -1, BLOCK) * scale.unsqueeze(-1)).view(rows, -1)


def read_packed(read, info, name: str) -> Packed:
    """One NVFP4 weight of a file: ``read(info, name)`` gives a stored tensor (single_file.read_tensor's
    reads); the block scales are unswizzled here, once."""
    data = read(info, name)
    rows, cols = data.shape[0], data.shape[1] * 2
    block = unswizzle(read(info.block, name + "_scale"), rows, cols // BLOCK).contiguous()
    return Packed(data, block, read(info.glob, name + "_scale_2").float().reshape(()))


class NVFP4Linear(torch.nn.Linear):
    """A Linear whose weight stays packed and is dequantised in the input's dtype at each call.
    ``weight`` is the packed codes (a uint8 parameter marked ``nvfp4``: counted as two weights a
    byte, loading.load.weight_count), ``weight_scale`` a buffer of the fp8 block scales' bytes (as
    uint8: a model-wide ``.to(dtype)`` casts floating tensors, and would widen them); the names
    stay the model's; the per-tensor scale is a Python float (moved with nothing, cast by nothing).
    ``pre_quant_scale`` (AWQ, fp32 [in] kept as its bytes, or None) multiplies the input first
    (comfy_nvfp4.py). A torch.nn.Linear to other code (nn.Linear's own float weight never made), so
    peft wraps it with LoRA layers as any Linear."""

    def __init__(self, in_features: int, out_features: int, packed: Packed, bias, pre=None):
        torch.nn.Module.__init__(self)  # not nn.Linear's: it would allocate a float weight
        self.in_features, self.out_features = in_features, out_features
        self.weight = torch.nn.Parameter(packed.data, requires_grad=False)
        self.weight.nvfp4 = True
        self.register_buffer("weight_scale", packed.block.contiguous().view(torch.uint8))
        self.scale_2 = float(packed.glob)
        self.register_buffer("pre_quant_scale", None)
        self.bias = bias
        if pre is not None:
            self.awq(pre)

    def awq(self, pre: torch.Tensor) -> None:
        """The AWQ input scale [in] (fp32, kept as its bytes: no model-wide cast changes it)."""
        self.pre_quant_scale = pre.float().reshape(-1).contiguous().view(torch.int32)

    def packed(self) -> Packed:
        return Packed(self.weight, self.weight_scale.view(torch.float8_e4m3fn), torch.tensor(self.scale_2))

    def forward(self, x):
        w = dequantise(self.packed(), x.dtype)[: self.out_features, : self.in_features]  # R, C padded to 16
        if self.pre_quant_scale is not None:
            x = x * self.pre_quant_scale.view(torch.float32).to(x.dtype)
        return torch.nn.functional.linear(x, w, None if self.bias is None else self.bias.to(x.dtype))

    def extra_repr(self) -> str:
        awq = ", AWQ" if self.pre_quant_scale is not None else ""
        return f"in_features={self.in_features}, out_features={self.out_features}, NVFP4{awq}"


def install(model, name: str, packed: Packed, path: str, pre: torch.Tensor | None = None) -> None:
    """The Linear whose weight is ``name`` replaced by an NVFP4Linear holding ``packed`` (and the AWQ
    scale ``pre``), its bias kept; a weight of another kind of layer, or one it does not fit, refused by name."""
    layer = name[: -len(".weight")]
    parent, _, child = layer.rpartition(".")
    old = model.get_submodule(layer)
    if not isinstance(old, torch.nn.Linear):
        raise ModelError(f"'{path}': '{name}' is NVFP4, but it is the weight of a {type(old).__name__}: Studio "
                         "computes NVFP4 for Linear layers only")
    rows, cols = packed.data.shape[0], packed.data.shape[1] * 2
    if rows < old.out_features or cols < old.in_features:
        raise ModelError(f"'{path}': '{name}' holds {rows}x{cols} NVFP4 weights, but the layer is "
                         f"{old.out_features}x{old.in_features}")
    if pre is not None and pre.numel() != old.in_features:
        raise ModelError(f"'{path}': '{layer}.pre_quant_scale' holds {pre.numel()} values, but the layer has "
                         f"{old.in_features} input channels")
    setattr(model.get_submodule(parent) if parent else model, child,
            NVFP4Linear(old.in_features, old.out_features, packed, old.bias, pre))
