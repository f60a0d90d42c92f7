"""Peak host memory of loading a single-file denoiser, against the file's size (issue 45, item 4).

Writes a Wan 2.1 T2V 1.3B denoiser file with the real config (Wan-AI/Wan2.1-T2V-1.3B-Diffusers,
transformer/config.json: 12 heads of 128, 30 layers, ffn 8960, text_dim 4096) and random bf16
weights, about 2.84 GB, streamed tensor by tensor (the writer never holds the model). Then, in a
fresh subprocess per case, loads it and reports the peak resident memory during the load (Linux's
VmHWM, reset after the imports through /proc/self/clear_refs; else ru_maxrss) minus the resident
memory before it (the load's own peak), and its ratio to the file's size:

* ``lean``: Studio's loader (nodes/video_models/files/single_file.py): config checked against the
  header, the model built on the meta device, the tensors read into it with plain reads.
* ``old`` (--old): what Studio did before: the base config's model built in fp32 on the CPU to
  list its keys, the file read with safetensors' load_file, loaded into it and cast to bf16.

    .venv/bin/python -m benchmarks.lean_load [--dir DIR] [--old] [--gguf Q8_0|Q4_0|Q5_0] [--wan14b] [--small]
                                             [--parts TE_LAYERS] [--nvfp4] [--int8]

--gguf also writes the model as GGUF (the blocks' weights quantised, the rest F32) and measures its
lean load (the tensors read as diffusers' GGUF loader makes them, without touching a memory map).
--small writes a 2-layer model of the same widths (a quick check of the script). The aim: lean
<= 1.15x the file's size.

Measured (this machine, CPU, 24 GB, 2 shared cores): the 2.84 GB bf16 file: lean 2.86 GB = 1.01x
(18-23 s); old 8.52 GB = 3.00x (125 s); the 1.59 GB GGUF Q8_0 file: lean 1.66 GB = 1.04x (8.4 s);
a Wan 2.1 14B GGUF Q4_0 file (--wan14b --gguf Q4_0, 8.85 GB; Q4_0 because gguf-py cannot
quantise Q4_K): 9.31 GB = 1.05x (39 s), well inside 24 GB. ComfyUI's three files with no folder
(--parts 4: the 1.3B denoiser, a UMT5-XXL-wide text encoder of 4 blocks, Wan 2.1's VAE; 6.74 GB):
7.11 GB = 1.06x (15.4 s; T5's 'wo' layers are kept in fp32, as transformers keeps them: 0.34 GB
of the 0.37 GB over). ComfyUI's NVFP4 mixed file of the 1.3B (--nvfp4: the blocks' matrices
packed, 0.84 GB): 0.87 GB = 1.04x (3.6 s; kept packed, dequantised per layer as it runs). ComfyUI's
int8 convrot file of the 1.3B (--int8: the blocks' matrices int8 with a scale per row, 1.45 GB; the
same run's bf16 file 2.86 GB = 1.01x, 15.0 s): 1.47 GB = 1.01x (12.2 s; kept in int8)."""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

WAN_13B = {"_class_name": "WanTransformer3DModel", "_diffusers_version": "0.33.0", "added_kv_proj_dim": None,
           "attention_head_dim": 128, "cross_attn_norm": True, "eps": 1e-06, "ffn_dim": 8960, "freq_dim": 256,
           "image_dim": None, "in_channels": 16, "num_attention_heads": 12, "num_layers": 30, "out_channels": 16,
           "patch_size": [1, 2, 2], "qk_norm": "rms_norm_across_heads", "rope_max_seq_len": 1024, "text_dim": 4096}


def write_file(cfg: dict, path: str) -> int:
    """A bf16 safetensors file of the model ``cfg`` describes, random weights (std 0.02), written
    one tensor at a time; returns its size."""
    import torch
    from diffusers import WanTransformer3DModel
    with torch.device("meta"):
        shapes = {k: tuple(v.shape) for k, v in WanTransformer3DModel.from_config(cfg).state_dict().items()}
    header, off = {}, 0
    for k, s in shapes.items():
        n = 2
        for d in s:
            n *= d
        header[k] = {"dtype": "BF16", "shape": list(s), "data_offsets": [off, off + n]}
        off += n
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    g = torch.Generator().manual_seed(0)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)) + raw)
        for k, s in shapes.items():
            t = (torch.randn(s, generator=g) * 0.02).to(torch.bfloat16)
            f.write(t.reshape(-1).view(torch.uint8).numpy().tobytes())
    return os.path.getsize(path)


def write_gguf(cfg: dict, path: str, qtype_name: str = "Q8_0") -> int:
    """The same model as a GGUF file: the blocks' 2-D weights quantised (``qtype_name``), the rest in
    F32 (as city96's GGUF files of video models are laid out), random weights, streamed (the tensor
    infos first, then each tensor made, quantised and written); returns its size."""
    import torch
    from diffusers import WanTransformer3DModel
    with torch.device("meta"):
        shapes = {k: tuple(v.shape) for k, v in WanTransformer3DModel.from_config(cfg).state_dict().items()}
    return write_gguf_shapes(shapes, path, qtype_name, lambda k, s: len(s) == 2 and k.startswith("blocks."))


def write_gguf_shapes(shapes: dict, path: str, qtype_name: str, pick, arch: str = "wan") -> int:
    """A GGUF file of ``shapes``: those ``pick(name, shape)`` says quantised (``qtype_name``) where
    their rows are whole blocks, the rest F32; random weights (std 0.02), streamed; returns its size."""
    import gguf
    import numpy as np
    import torch
    qtype = gguf.GGMLQuantizationType[qtype_name]
    block, _ = gguf.GGML_QUANT_SIZES[qtype]

    def quantised(k, s):
        return pick(k, s) and s[-1] % block == 0
    w = gguf.GGUFWriter(path, arch=arch)
    for k, s in shapes.items():
        if quantised(k, s):
            b = gguf.quants.quant_shape_to_byte_shape(s, qtype)
            w.add_tensor_info(k, b, np.dtype(np.uint8), int(np.prod(b)), raw_dtype=qtype)
        else:
            w.add_tensor_info(k, s, np.dtype(np.float32), int(np.prod(s)) * 4)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_ti_data_to_file()
    g = torch.Generator().manual_seed(0)
    for k, s in shapes.items():
        a = (torch.randn(s, generator=g) * 0.02).numpy()
        w.write_tensor_data(gguf.quants.quantize(a, qtype) if quantised(k, s) else np.ascontiguousarray(a))
    w.close()
    return os.path.getsize(path)


def write_nvfp4(cfg: dict, path: str) -> int:
    """The same model as ComfyUI's NVFP4 mixed file: the blocks' 2-D weights as packed uint8 (two
    values a byte; random codes) with their swizzled fp8 block scales, a per-tensor scale and a
    ``comfy_quant`` marker each, the rest bf16; streamed; returns its size."""
    import torch
    from diffusers import WanTransformer3DModel
    with torch.device("meta"):
        shapes = {k: tuple(v.shape) for k, v in WanTransformer3DModel.from_config(cfg).state_dict().items()}
    mark = json.dumps({"format": "nvfp4"}).encode()
    g = torch.Generator().manual_seed(0)
    tensors = []  # (name, dtype, shape, a maker of its bytes)
    for k, s in shapes.items():
        if len(s) == 2 and k.startswith("blocks.") and s[0] % 16 == 0 and s[1] % 16 == 0:
            r, c = s
            layer = k[: -len(".weight")]
            tensors += [(k, "U8", [r, c // 2], lambda r=r, c=c: torch.randint(0, 256, (r, c // 2), generator=g,
                                                                              dtype=torch.uint8)),
                        (layer + ".weight_scale", "F8_E4M3", [-(-r // 128) * 128, -(-(c // 16) // 4) * 4],
                         lambda r=r, c=c: torch.ones(-(-r // 128) * 128, -(-(c // 16) // 4) * 4).to(
                             torch.float8_e4m3fn).view(torch.uint8)),
                        (layer + ".weight_scale_2", "F32", [], lambda: torch.tensor([0.02 / 6])),
                        (layer + ".comfy_quant", "U8", [len(mark)], lambda: torch.tensor(list(mark), dtype=torch.uint8))]
        else:
            tensors.append((k, "BF16", list(s), lambda s=s: (torch.randn(s, generator=g) * 0.02).to(torch.bfloat16)))
    header, off = {}, 0
    for k, dt, s, _ in tensors:
        n = {"U8": 1, "F8_E4M3": 1, "F32": 4, "BF16": 2}[dt]
        for d in s:
            n *= d
        header[k] = {"dtype": dt, "shape": s, "data_offsets": [off, off + n]}
        off += n
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)) + raw)
        for _, _, _, make in tensors:
            f.write(make().reshape(-1).view(torch.uint8).numpy().tobytes())
    return os.path.getsize(path)


def write_int8(cfg: dict, path: str) -> int:
    """The same model as ComfyUI's int8 convrot file: the blocks' 2-D weights int8 (random values)
    with a float32 scale per row and a ``comfy_quant`` marker each (convrot, group 256), the rest
    bf16; streamed; returns its size."""
    import torch
    from diffusers import WanTransformer3DModel
    with torch.device("meta"):
        shapes = {k: tuple(v.shape) for k, v in WanTransformer3DModel.from_config(cfg).state_dict().items()}
    int8 = lambda k, s: len(s) == 2 and k.startswith("blocks.") and s[1] % 256 == 0  # noqa: E731
    return _write_tensors(comfy_int8_tensors(shapes, int8), path)


def comfy_int8_tensors(shapes: dict, int8, fp32=lambda k: False) -> list:
    """(name, safetensors dtype, shape, a maker of its tensor) of ComfyUI's int8 convrot layout for a model of
    ``shapes``: each 2-D weight ``int8(name, shape)`` picks int8 (random values) with a float32 scale per row
    and a ``comfy_quant`` marker (convrot, group 256), those ``fp32(name)`` picks float32, the rest bf16
    (random, small); one seeded generator."""
    import torch

    from nodes.video_models.files.comfy_int8 import marker
    mark = marker(256)
    g = torch.Generator().manual_seed(0)
    tensors = []
    for k, s in shapes.items():
        if int8(k, s):
            r, c = s
            layer = k[: -len(".weight")]
            tensors += [(k, "I8", [r, c], lambda r=r, c=c: torch.randint(-127, 128, (r, c), generator=g,
                                                                         dtype=torch.int8)),
                        (layer + ".weight_scale", "F32", [r, 1], lambda r=r: torch.full((r, 1), 0.02 / 127)),
                        (layer + ".comfy_quant", "U8", [len(mark)], lambda: mark)]
        elif fp32(k):
            tensors.append((k, "F32", list(s), lambda s=s: torch.randn(s, generator=g) * 0.02))
        else:
            tensors.append((k, "BF16", list(s), lambda s=s: (torch.randn(s, generator=g) * 0.02).to(torch.bfloat16)))
    return tensors


def _write_tensors(tensors: list, path: str) -> int:
    """(name, safetensors dtype, shape, a maker of its tensor) written as a safetensors file, streamed."""
    import torch
    header, off = {}, 0
    for k, dt, s, _ in tensors:
        n = {"U8": 1, "I8": 1, "F8_E4M3": 1, "F32": 4, "BF16": 2}[dt]
        for d in s:
            n *= d
        header[k] = {"dtype": dt, "shape": s, "data_offsets": [off, off + n]}
        off += n
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)) + raw)
        for _, _, _, make in tensors:
            f.write(make().reshape(-1).view(torch.uint8).numpy().tobytes())
    return os.path.getsize(path)


WAN_14B = dict(WAN_13B, num_attention_heads=40, ffn_dim=13824, num_layers=40)  # Wan 2.1 T2V 14B
UMT5_XXL = dict(vocab_size=256384, d_model=4096, d_kv=64, d_ff=10240, num_layers=24, num_heads=64,
                relative_attention_num_buckets=32, feed_forward_proj="gated-gelu")  # Wan's text encoder


def write_shapes(shapes: dict, path: str, extra: dict | None = None, metadata: dict | None = None) -> int:
    """A bf16 safetensors file of ``shapes``, random weights (std 0.02), streamed; ``extra``: name ->
    bytes written as a U8 tensor (ComfyUI's spiece_model); ``metadata``: the header's strings."""
    import torch
    header, off = ({"__metadata__": metadata} if metadata else {}), 0
    for k, s in shapes.items():
        n = 2
        for d in s:
            n *= d
        header[k] = {"dtype": "BF16", "shape": list(s), "data_offsets": [off, off + n]}
        off += n
    for k, b in (extra or {}).items():
        header[k] = {"dtype": "U8", "shape": [len(b)], "data_offsets": [off, off + len(b)]}
        off += len(b)
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    g = torch.Generator().manual_seed(0)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)) + raw)
        for k, s in shapes.items():
            f.write((torch.randn(s, generator=g) * 0.02).to(torch.bfloat16).reshape(-1).view(torch.uint8).numpy().tobytes())
        for b in (extra or {}).values():
            f.write(b)
    return os.path.getsize(path)


def write_parts(d: str, te_layers: int) -> dict:
    """ComfyUI's text-encoder file (UMT5-XXL's widths, ``te_layers`` blocks, a sentencepiece model
    inside) and Wan 2.1's VAE (its real config, diffusers' names), bf16: component -> path."""
    import torch
    from diffusers import AutoencoderKLWan
    from transformers import UMT5Config, UMT5EncoderModel
    from transformers.convert_slow_tokenizer import import_protobuf
    m = import_protobuf().ModelProto()
    for piece, kind in (("<pad>", 3), ("</s>", 3), ("<unk>", 2), ("\u2581a", 1)):
        p = m.pieces.add()
        p.piece, p.score, p.type = piece, 0.0, kind
    with torch.device("meta"):
        te = UMT5EncoderModel(UMT5Config(**dict(UMT5_XXL, num_layers=te_layers)))
        te = {k: tuple(v.shape) for k, v in te.state_dict().items() if k != "encoder.embed_tokens.weight"}
        vae = {k: tuple(v.shape) for k, v in AutoencoderKLWan().state_dict().items()}
    out = {"text_encoder": os.path.join(d, "umt5_xxl_bf16.safetensors"), "vae": os.path.join(d, "wan_2.1_vae.safetensors")}
    write_shapes(te, out["text_encoder"], {"spiece_model": m.SerializeToString()})
    write_shapes(vae, out["vae"])
    return out


CHILD = r"""
import json, sys, time
import torch, diffusers
from diffusers import WanTransformer3DModel
from nodes.video_models.files.headers import read_json
from nodes.video_models.files.single_file import load_denoiser
from nodes.video_models.files.weight_formats import check_single_file
from safetensors.torch import load_file
case, file, base = sys.argv[1:4]
base_rss = reset_peak()
t = time.perf_counter()
if case == "parts":  # ComfyUI's three files, no folder: the whole pipeline
    from nodes.video_models.loading.load import load_video_model
    ref = load_video_model(file, base=None, device=torch.device("cpu"), dtype_name="bf16", parts=json.loads(base))
    model, how = ref.module.transformer, ref.weights
    class All:
        def parameters(self):
            return [p for c in ("transformer", "text_encoder", "vae") for p in getattr(ref.module, c).parameters()]
    model = All()
elif case == "lean":
    fam, wf = check_single_file(file)
    index = read_json(base + "/model_index.json")
    model, fmt, how = load_denoiser(diffusers, index, base, fam, wf, torch.bfloat16)
else:  # the loader before issue 45: an fp32 build to list the keys, load_file, cast
    model = WanTransformer3DModel.from_config(read_json(base + "/transformer/config.json"))
    model.load_state_dict(load_file(file), strict=True)
    model = model.to(torch.bfloat16)
    how = "fp32 build + load_file + cast"
secs = time.perf_counter() - t
peak = peak_rss()
from nodes.video_models.loading.load import weight_count
n = sum(weight_count(p) for p in model.parameters())
print(json.dumps({"case": case, "baseline": base_rss, "peak": peak, "seconds": secs, "params": n, "how": how}))
"""


def measure(case: str, file: str, base: str) -> dict:
    return run_child(CHILD, case, file, base, what=case)


# what every child measures with, put before its text: reset_peak() after its imports (the peak resident memory,
# VmHWM, reset to the current: the imports' own peak does not hide the load's; returns the baseline), then
# peak_rss() after the load; where /proc/self/clear_refs cannot be written, the process's peak (ru_maxrss)
MEASURE = r"""
import resource as _resource
_HWM = []
def status(key):
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) * 1024 for l in f if l.startswith(key + ":"))
def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        _HWM.append(True)
        return status("VmRSS")
    except OSError:
        return _resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss * 1024
def peak_rss():
    return status("VmHWM") if _HWM else _resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss * 1024
"""


@contextlib.contextmanager
def work_folder(given: str | None, prefix: str):
    """Where a benchmark writes its files: ``given`` (--dir, kept), else a temporary folder removed after."""
    d = given or tempfile.mkdtemp(prefix=prefix)
    try:
        yield d
    finally:
        if not given:
            shutil.rmtree(d, ignore_errors=True)


def peak(r: dict, size: int, of: str = "the file") -> str:
    """A child's load peak (its peak less its baseline) in words, against ``size`` bytes of ``of``."""
    used = r["peak"] - r["baseline"]
    return f"peak {used / 1e9:.2f} GB = {used / size:.2f}x {of} ({r['seconds']:.1f} s)"


def run_child(child: str, *args: str, timeout: int = 1200, what: str = "") -> dict:
    """``child`` (a Python script's text: the load measured alone, its imports before the memory baseline,
    with MEASURE's functions) run in a fresh interpreter from the repository root, offline, with ``args``; the
    JSON of its last line."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-c", MEASURE + child, *args], capture_output=True, text=True, cwd=root,
                         env=dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH=root), timeout=timeout)
    if out.returncode:
        raise SystemExit((f"{what} failed:\n" if what else "") + out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", help="where to write the file (default: a temporary folder, removed after)")
    ap.add_argument("--old", action="store_true", help="also measure the loader before issue 45")
    ap.add_argument("--small", action="store_true", help="2 layers instead of 30 (a quick check)")
    ap.add_argument("--keep", action="store_true", help="keep the written file")
    ap.add_argument("--gguf", choices=("Q8_0", "Q4_0", "Q5_0"), help="also a GGUF file of the same model")
    ap.add_argument("--nvfp4", action="store_true", help="also ComfyUI's NVFP4 mixed file of the same model")
    ap.add_argument("--int8", action="store_true", help="also ComfyUI's int8 convrot file of the same model")
    ap.add_argument("--parts", type=int, metavar="TE_LAYERS", help="also ComfyUI's three files (the denoiser, a "
                    "UMT5-XXL-wide text encoder of TE_LAYERS blocks, Wan 2.1's VAE), loaded with no folder")
    ap.add_argument("--wan14b", action="store_true", help="the Wan 2.1 14B config (with --gguf Q4_0: about 8 GB; "
                                                        "no bf16 file is written then)")
    a = ap.parse_args(argv)
    d = a.dir or tempfile.mkdtemp(prefix="studio-lean-load-")
    cfg = WAN_14B if a.wan14b else WAN_13B
    cfg = dict(cfg, num_layers=2) if a.small else cfg
    what = ("Wan 2.1 14B" if a.wan14b else "Wan 2.1 1.3B") + (" widths, 2 layers" if a.small else " config")
    base = os.path.join(d, "base")
    os.makedirs(os.path.join(base, "transformer"), exist_ok=True)
    with open(os.path.join(base, "transformer", "config.json"), "w", encoding="utf-8") as f:
        json.dump(cfg, f)
    with open(os.path.join(base, "model_index.json"), "w", encoding="utf-8") as f:
        json.dump({"_class_name": "WanPipeline", "transformer": ["diffusers", "WanTransformer3DModel"]}, f)
    name = "wan2.1_t2v_14B" if a.wan14b else "wan2.1_t2v_1.3B"
    file = os.path.join(d, f"{name}_bf16.safetensors")
    cases = [] if a.wan14b else [("lean", file, write_file)] + ([("old", file, write_file)] if a.old else [])
    if a.gguf:
        cases.append(("lean", os.path.join(d, f"{name}_{a.gguf}.gguf"), lambda c, p: write_gguf(c, p, a.gguf)))
    if a.nvfp4:
        cases.append(("lean", os.path.join(d, f"{name}_nvfp4_mixed.safetensors"), write_nvfp4))
    if a.int8:
        cases.append(("lean", os.path.join(d, f"{name}_int8_convrot.safetensors"), write_int8))
    try:
        if a.parts is not None:
            parts = write_parts(d, a.parts)
            size = sum(os.path.getsize(p) for p in parts.values()) + (
                os.path.getsize(file) if os.path.exists(file) else write_file(cfg, file))
            r = measure("parts", file, json.dumps(parts))
            grown = r["peak"] - r["baseline"]
            print(f"parts {', '.join(os.path.basename(p) for p in [file, *parts.values()])} ({size / 1e9:.2f} GB; "
                  f"{what}, text encoder {a.parts} blocks): peak host memory of the load {grown / 1e9:.2f} GB = "
                  f"{grown / size:.2f}x the files ({r['params']:,} parameters, {r['seconds']:.1f} s; {r['how']})")
        for case, path, writer in cases:
            size = os.path.getsize(path) if os.path.exists(path) else writer(cfg, path)
            r = measure(case, path, base)
            grown = r["peak"] - r["baseline"]
            print(f"{case:5s} {os.path.basename(path)} ({size / 1e9:.2f} GB, {what}): peak host memory of the load "
                  f"{grown / 1e9:.2f} GB = {grown / size:.2f}x the file ({r['params']:,} parameters, "
                  f"{r['seconds']:.1f} s; {r['how']})")
    finally:
        if not a.keep and not a.dir:
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
