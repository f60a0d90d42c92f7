"""ComfyUI's MXFP8 layers (the 'mxfp8' comfy_quant format; files named '..._mxfp8', as MiniMax H3's
'minimax_h3_fl2va_mxfp8.safetensors'): checked from the header before anything is read, and each
weight dequantised when it is read (exactly: an fp8 value times a power of two), so everything after
the read (a converter's renames, splits and joins; the load in the compute dtype) sees a plain weight.

The layout of one layer ``L`` (ComfyUI's comfy/quant_ops.py ``QUANT_ALGOS["mxfp8"]`` and comfy/ops.py
``_load_quantized_module``, commit 0271a469fe29, read for the names and types only; the numerics are
comfy-kitchen's, Apache-2.0, commit 7d86acf60c88: tensor/mxfp8.py ``TensorCoreMXFP8Layout``,
backends/eager/quantization.py ``quantize_mxfp8`` / ``dequantize_mxfp8``, float_utils.py
``e8m0_to_f32`` and ``to_blocked`` / ``from_blocked``):

- ``L.comfy_quant`` (or the header's ``_quantization_metadata``): ``{"format": "mxfp8"}``.
- ``L.weight``: float8_e4m3fn [R, C], not packed; ComfyUI pads R and C to multiples of 32 with zeros
  when the layer's are not (the layer's own shape is the model's, not the file's), so C is a
  multiple of 32.
- ``L.weight_scale``: E8M0 block scales, one per 32 weights of a row (a byte ``e``: 2^(e - 127);
  ``e = 0`` is 0, as comfy-kitchen decodes it; ``e = 255`` is not a number), stored as F8_E8M0 or
  as its bytes (U8: ComfyUI views either as float8_e8m0fnu), in cuBLAS's swizzled tiles
  [roundup(R, 128), roundup(C/32, 4)]: each 128x4 tile stored as [32][4][4], the same tiles as
  NVFP4's block scales (comfy_quant.unswizzle). There is no per-tensor scale: w = fp8 * 2^(e - 127).
- ``L.input_scale`` (perhaps): the activations' scale for MXFP8 tensor-core products (Blackwell);
  a correct result does not need it and Studio does not use it.

Studio computes no MXFP8 matrix products (no GPU it runs on needs them to be right): a weight read
is a bf16 tensor holding exactly what the file stores (fp8's 4 significant bits times a power of
two fit bf16's 8; only values under 2^-126, bf16's smallest normal and far below any weight, could be
rounded) and is then cast to the compute dtype like any bf16 weight (rounded once to fp16; exact in fp32).

API: ``check(path, layer, weight, scale)`` (each a (safetensors dtype name, shape) pair or None)
refuses a misfit in one sentence naming the layer, before any read; ``dequantise(data, scale,
dtype)``; ``read(read_fn, info, name)`` one weight of a file (weight_formats' TensorInfo of storage
'MXFP8', its ``block`` the scales' place); ``e8m0(exponents)``. Nothing here imports torch at
module level (weight_formats.py, which reads headers only, calls ``check``)."""
from __future__ import annotations

from ..base.errors import ModelError

FORMAT = "mxfp8"
MXFP8 = "MXFP8"  # the storage Studio names a ComfyUI MXFP8 weight (its F8_E4M3 bytes, with block scales)
BLOCK = 32  # weights per E8M0 block scale
SCALE_DTYPES = ("F8_E8M0", "U8")  # the block scales as ComfyUI's files hold them (native, or their bytes)


def scale_shape(rows: int, cols: int) -> tuple[int, int]:
    """The swizzled block scales' shape of an [rows, cols] MXFP8 weight."""
    return -(-rows // 128) * 128, -(-(cols // BLOCK) // 4) * 4


def check(path: str, layer: str, weight, scale) -> tuple[int, int]:
    """One MXFP8 layer's storage checked from its header entries; its weight's [rows, cols] returned.
    Refused in words: no weight, a weight not 2-D F8_E4M3 or not whole blocks of 32 wide, block scales
    missing or of another type or shape."""
    def no(why: str):
        raise ModelError(f"'{path}': MXFP8 layer '{layer}': {why}")
    if weight is None:
        no(f"it is marked mxfp8 but has no '{layer}.weight'")
    if weight[0] != "F8_E4M3" or len(weight[1]) != 2:
        no(f"'{layer}.weight' is {weight[0]} {list(weight[1])}, but ComfyUI's MXFP8 weights are 2-D F8_E4M3")
    rows, cols = (int(d) for d in weight[1])
    if cols % BLOCK:
        no(f"its {cols} input columns are not a multiple of the {BLOCK}-weight blocks (ComfyUI pads them to one)")
    want = scale_shape(rows, cols)
    if scale is None or scale[0] not in SCALE_DTYPES or tuple(scale[1]) != want:
        no(f"'{layer}.weight_scale' " + ("is missing" if scale is None else f"is {scale[0]} {list(scale[1])}")
           + f": the block scales of a {rows}x{cols} MXFP8 weight are E8M0 (F8_E8M0 or U8) {list(want)}, one per "
           f"{BLOCK} weights of a row in cuBLAS's swizzled tiles")
    return rows, cols


def e8m0(exponents):
    """E8M0 bytes (uint8) as float32 powers of two, 2^(e - 127), with 0 for e = 0 (comfy-kitchen's
    ``e8m0_to_f32``): the byte moved into a float32's exponent field."""
    import torch
    e = exponents.to(torch.int32)
    return torch.where(e == 0, torch.zeros_like(e), e << 23).view(torch.float32)


def dequantise(data, scale, dtype, path: str = "the weights", name: str = "weight"):
    """The weight [R, C] in ``dtype``: each fp8 value times its block's power of two (``scale``: the
    swizzled block scales as stored, F8_E8M0 or uint8). A scale byte 255 (not a number) refused by name."""
    import torch

    from .comfy_quant import unswizzle
    rows, cols = data.shape
    e = scale.view(torch.uint8) if scale.dtype != torch.uint8 else scale
    e = unswizzle(e, rows, cols // BLOCK)
    if bool((e == 255).any()):
        raise ModelError(f"'{path}': '{name}_scale' holds the E8M0 byte 255 (not a number): the file is damaged")
    values = data.to(torch.float32).view(rows, cols // BLOCK, BLOCK) * e8m0(e).unsqueeze(-1)
    return values.view(rows, cols).to(dtype)


def read(read_fn, info, name: str, path: str = "the weights"):
    """One MXFP8 weight of a file as an exact bf16 tensor: ``read_fn(info, name)`` gives a stored tensor
    (tensor_reads' reads), ``info.block`` is its block scales' place."""
    import torch
    return dequantise(read_fn(info, name), read_fn(info.block, name + "_scale"), torch.bfloat16, path, name)
