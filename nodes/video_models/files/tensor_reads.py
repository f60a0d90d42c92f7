"""Plain reads of a weight file's tensors, each into its own storage (no memory map: a mapped
file's touched pages count in the process's memory beside the copies): a safetensors tensor by
its header's byte range, every tensor of a GGUF file as diffusers' GGUF loader makes them."""
from __future__ import annotations

from ..base.errors import ModelError
from .weight_formats import INT8, MXFP8, NVFP4, WeightFile

_CHUNK = 1 << 30  # bytes per read (one read of a multi-GB tensor can come back short)


def torch_dtype_of(name: str):
    import torch
    return {"BF16": torch.bfloat16, "F16": torch.float16, "F32": torch.float32, "F64": torch.float64,
            "F8_E4M3": torch.float8_e4m3fn, "F8_E5M2": torch.float8_e5m2, "I64": torch.int64, "I32": torch.int32,
            "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8, "BOOL": torch.bool, NVFP4: torch.uint8,
            INT8: torch.int8, MXFP8: torch.float8_e4m3fn, "F8_E8M0": torch.uint8}[name]  # (E8M0: its bytes)


def read_tensor(f, wf: WeightFile, name: str):
    """One tensor (a weight or one set aside: a scale) of a safetensors file; a ComfyUI NVFP4 weight
    as comfy_quant.Packed (its codes and both scales), an int8 one as comfy_int8.Int8, an MXFP8 one
    dequantised (comfy_mxfp8.read: the bf16 values it stores, exactly)."""
    info = wf.tensors[name] if name in wf.tensors else (wf.aside or {})[name]
    if info.dtype == INT8:
        from .comfy_int8 import Int8
        return Int8(_read_info(f, wf, info, name), _read_info(f, wf, info.block, name + "_scale").float(), info.group)
    if info.dtype == MXFP8:
        from .comfy_mxfp8 import read
        return read(lambda i, n: _read_info(f, wf, i, n), info, name, info.source[0] if info.source else wf.path)
    if info.dtype == NVFP4:
        from .comfy_quant import read_packed
        return read_packed(lambda i, n: _read_info(f, wf, i, n), info, name)
    return _read_info(f, wf, info, name)


def _read_info(f, wf: WeightFile, info, name: str):
    import torch
    shape = (info.shape[0], info.shape[1] // 2) if info.dtype == NVFP4 else info.shape  # NVFP4: two a byte
    t = torch.empty(shape, dtype=torch_dtype_of(info.dtype))
    if info.end - info.start != t.numel() * t.element_size():
        raise ModelError(f"'{info.source[0] if info.source else wf.path}': tensor '{name}' has {info.end - info.start} bytes for shape "
                         f"{list(info.shape)} {info.dtype}")
    if info.source is not None:  # a merged module file's tensor (module_merge.py): read from its own file
        from studio.core.checked_open import checked_file
        with checked_file(info.source[0], "model file", buffering=0) as g:
            return read_into(g, t, info.source[1] + info.start, info.source[0], name)
    return read_into(f, t, wf.data_start + info.start, wf.path, name)


def read_into(f, t, offset: int, path: str, name: str):
    """The bytes of ``t`` read from ``offset`` of the open file ``f``, in reads of at most 1 GiB."""
    if t.numel():
        buf = memoryview(t.reshape(-1).view(__import__("torch").uint8).numpy())
        f.seek(offset)
        done = 0
        while done < len(buf):
            got = f.readinto(buf[done:done + _CHUNK])
            if not got:
                raise ModelError(f"'{path}' ended inside tensor '{name}'")
            done += got
    return t


def read_gguf_state(path: str) -> dict:
    """A GGUF file's tensors as diffusers' GGUF loader makes them (GGUFParameter for the quantised
    ones, plain tensors for F32 / F16), each read with plain reads into its own storage: the
    reader's memory map is used for the layout only, none of its data pages are touched."""
    import gguf
    import numpy as np
    import torch
    from diffusers.quantizers.gguf.utils import GGUFParameter
    from studio.core.checked_open import checked_file

    from .gguf_header import open_reader
    reader = open_reader(path)
    plain = (gguf.GGMLQuantizationType.F32, gguf.GGMLQuantizationType.F16)
    out = {}
    with checked_file(path, "model file", buffering=0) as f:  # studio.core.checked_open: the file checked is the file read
        for t in reader.tensors:
            w = torch.empty(tuple(t.data.shape), dtype=torch.from_numpy(np.empty(0, t.data.dtype)).dtype)
            if w.numel() * w.element_size() != int(t.n_bytes):
                raise ModelError(f"'{path}': tensor '{t.name}' has {t.n_bytes} bytes for its shape")
            read_into(f, w, int(t.data_offset), path, t.name)
            out[t.name] = w if t.tensor_type in plain else GGUFParameter(w, quant_type=t.tensor_type)
    del reader
    return out


def all_read(model, path: str):
    """``model`` in eval mode once every parameter and buffer has been read into it (none left on the
    meta device), else refused naming the first ones the file lacked."""
    left = [n for n, p in list(model.named_parameters()) + list(model.named_buffers()) if p.device.type == "meta"]
    if left:
        raise ModelError(f"'{path}': {len(left)} tensors of the {type(model).__name__} were not in the file "
                         f"(e.g. {', '.join(left[:3])})")
    return model.eval()
