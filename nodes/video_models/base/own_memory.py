"""A folder's weights moved into memory of their own, as Studio's own readers hold theirs.

safetensors 0.8 (which diffusers 0.42.1 and transformers 5.23 require) hands a folder's weights out as
zero-copy views of the memory-mapped file, each at its byte offset in the file: 12 bytes past a 64-byte
line, say. On a CPU with AVX-512 the matrix kernels sum a row that does not start on a 64-byte line in
another order, so the same weights gave other frames: measured on an AMD EPYC with AVX-512, a tiny
Kandinsky 5 T2V's frames 2.3e-6 apart between its folder and the same weights as one file, a tiny LTX-2.3's
sound 4e-3 apart (its random vocoder amplifies the difference). Studio's readers of single files allocate
(torch's CPU allocator: 64-byte aligned), so a folder's CPU-held weights are copied into such memory once,
at the load: a model makes the same frames whichever layout it came in, and a render does not depend on
where a tensor happened to start in its file. Weights on a GPU are not touched (a copy to the card is
aligned); quantised tensor subclasses (GGUF) are left as they are. Importing this module costs nothing.

A copied tensor's pages of the mapped file are handed back as soon as it is copied (Linux: madvise
MADV_DONTNEED on the whole pages inside the tensor's bytes, in a .safetensors file's mapping only): the
mapping stays until the file's last tensor is gone, so otherwise every page read to make the copies stayed
resident beside them, and a folder's load peaked at twice its files (a Wan folder of 108 MB: 219 MB; issue
72's lean loads, benchmarks/lean_load_families.py). The pages are the file's, unwritten: a later read of them
(none is made: the tensor now lives in its copy) would read the file again."""
from __future__ import annotations

import functools

ALIGN = 64  # bytes: the line AVX-512 loads


def owned(t):
    """``t`` (a tensor read from a safetensors file: a run's kept latents or steps) in memory of its own when it
    does not start on a 64-byte line: a resumed run computes on it as the run that kept it did."""
    return t.clone() if t.data_ptr() % ALIGN else t


def own_memory(modules) -> int:
    """Every CPU parameter and buffer of ``modules`` that does not start on a 64-byte line copied into
    memory of its own (in place: ``tensor.data``, so a module or a pipeline holding it sees the copy);
    tensors sharing one memory (tied weights) get one copy between them. Returns how many were copied."""
    import torch
    copies: dict = {}
    n = 0
    maps = None  # this process's file mappings, read at the first copy
    for module in modules:
        if not isinstance(module, torch.nn.Module):
            continue
        for m in module.modules():
            for _, t in list(m.named_parameters(recurse=False)) + list(m.named_buffers(recurse=False)):
                if t is None or t.device.type != "cpu" or type(t.data) is not torch.Tensor \
                        or t.data_ptr() % ALIGN == 0:
                    continue
                key = (t.data_ptr(), tuple(t.shape), t.stride(), t.dtype)
                if key not in copies:
                    copies[key] = t.data.clone()
                    n += 1
                    if t.is_contiguous():
                        maps = _file_maps() if maps is None else maps
                        _hand_back(t.data_ptr(), t.numel() * t.element_size(), maps)
                t.data = copies[key]
    return n


MADV_DONTNEED = 4  # Linux's: the pages leave this process; a file's are read again if touched


def _file_maps() -> list[tuple[int, int]]:
    """(start, end) of each of this process's mappings of a .safetensors file (Linux's /proc/self/maps),
    neighbours joined; none where there is no such table."""
    out: list[list[int]] = []
    try:
        with open("/proc/self/maps") as f:
            text = f.read()
    except OSError:
        return []
    if ".safetensors" in text:  # a process with torch, Qt and numba loaded maps thousands of other files
        for line in text.splitlines():
            if ".safetensors" not in line:
                continue
            parts = line.split(maxsplit=5)
            if len(parts) < 6 or parts[4] == "0" or \
                    not parts[5].strip().removesuffix(" (deleted)").endswith(".safetensors"):
                continue
            a, b = (int(x, 16) for x in parts[0].split("-"))
            if out and out[-1][1] == a:
                out[-1][1] = b
            else:
                out.append([a, b])
    return [(a, b) for a, b in out]


def _hand_back(ptr: int, nbytes: int, maps: list) -> bool:
    """The whole pages inside ``nbytes`` from ``ptr`` handed back to the system when they lie in a file
    mapping (``maps``); a page shared with a neighbouring tensor is kept. Whether any were."""
    import mmap
    page = mmap.PAGESIZE
    a, b = -(-ptr // page) * page, (ptr + nbytes) // page * page
    if b <= a or not any(s <= a and b <= e for s, e in maps):
        return False
    return _madvise()(a, b - a, MADV_DONTNEED) == 0


@functools.cache
def _madvise():
    """libc's madvise, looked up once."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    libc.madvise.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int)
    return libc.madvise
