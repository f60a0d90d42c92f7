"""The model picker's listing (issue 45; aim: 100 models in <= 200 ms, headers only, cached by
(path, size, mtime)).

Builds a ComfyUI folder of 100 models with the real key names of each layout (tests/video_models/
layouts.py: every name real, tiny zero tensors, the few shapes that tell a variant apart real) plus
diffusers folders (model_index.json, config.json and a transformer and a sharded text encoder with
Wan's diffusers key names), then times ``catalog.list_models``:

* cold: no catalog cache (every header read and parsed; the files themselves are in the OS page
  cache after the first round: a disk's seek time is not measured);
* warm: the catalog cache of the previous listing (a stat per file, nothing read).

The memory plan is made for a fixed machine (an 80 GB card) so torch is not imported; the GGUF
case is timed apart (``--gguf``: the gguf package's import, ~0.4 s, is paid once per process).

    .venv/bin/python benchmarks/bench_model_catalog.py [--models 100] [--rounds 7] [--gguf]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import benchmarks  # noqa: E402,F401  (allows the temporary folder it works in: benchmarks/__init__.py)

from tests.video_models import layouts as L  # noqa: E402

KINDS = [  # (folder, file stem, shapes, dtype), cycled until --models files are made
    ("diffusion_models", "wan2.1_t2v_1.3B", lambda: L.wan(1536, 16, 30), "BF16"),
    ("diffusion_models", "wan2.1_i2v_480p_14B_fp8", lambda: L.wan(5120, 36, 40, i2v=True), "F8_E4M3"),
    ("diffusion_models", "wan2.2_t2v_high_noise_14B", lambda: L.wan(5120, 16, 40), "F16"),
    ("diffusion_models", "wan2.1_vace_14B", lambda: L.wan(5120, 16, 40, vace_layers=8), "BF16"),
    ("unet", "ltx-video-13b", lambda: L.ltx(48), "BF16"),
    ("checkpoints", "ltx-2-19b", lambda: L.ltx2(), "BF16"),
    ("diffusion_models", "hunyuanvideo1.5", lambda: L.hunyuan15(), "BF16"),
    ("text_encoders", "umt5_xxl", lambda: L.t5(umt5=True), "BF16"),
    ("text_encoders", "gemma_3_12B", lambda: L.gemma3(), "BF16"),
    ("vae", "wan_2.1_vae", lambda: L.wan_vae(), "BF16"),
    ("clip_vision", "clip_vision_h", lambda: L.clip_vision_h(), "F16"),
    ("loras", "wan_lora", lambda: L.wan_lora(), "BF16"),
]


def diffusers_folder(path: str) -> None:
    """A Wan diffusers folder: the transformer with diffusers' key names, a text encoder in 2 shards."""
    os.makedirs(path)
    json.dump({"_class_name": "WanPipeline", "transformer": ["diffusers", "WanTransformer3DModel"],
               "text_encoder": ["transformers", "UMT5EncoderModel"], "vae": ["diffusers", "AutoencoderKLWan"],
               "scheduler": ["diffusers", "UniPCMultistepScheduler"]}, open(os.path.join(path, "model_index.json"), "w"))
    t: dict = {"scale_shift_table": (1, 2, 1536), "condition_embedder.time_proj.weight": (2, 2),
               "patch_embedding.weight": (1536, 16, 1, 2, 2)}
    for i in range(30):
        for a in ("attn1", "attn2"):
            for p in ("to_q", "to_k", "to_v", "to_out.0"):
                t[f"blocks.{i}.{a}.{p}.weight"] = (2, 2)
                t[f"blocks.{i}.{a}.{p}.bias"] = (2,)
        t[f"blocks.{i}.ffn.net.0.proj.weight"] = (2, 2)
        t[f"blocks.{i}.scale_shift_table"] = (1, 6, 2)
    L.write(os.path.join(path, "transformer", "diffusion_pytorch_model.safetensors"), t)
    json.dump({"num_attention_heads": 12, "attention_head_dim": 128}, open(os.path.join(path, "transformer",
                                                                                   "config.json"), "w"))
    te = L.t5(umt5=True, tokenizer=False)
    names = list(te)
    for k, part in enumerate((names[: len(names) // 2], names[len(names) // 2:])):
        L.write(os.path.join(path, "text_encoder", f"model-0000{k + 1}-of-00002.safetensors"), {n: te[n] for n in part})
    json.dump({}, open(os.path.join(path, "text_encoder", "config.json"), "w"))
    L.write(os.path.join(path, "vae", "diffusion_pytorch_model.safetensors"), L.wan_vae())
    json.dump({}, open(os.path.join(path, "vae", "config.json"), "w"))


def build(root: str, n: int, folders: int) -> None:
    models = os.path.join(root, "models")
    for i in range(n - folders):
        folder, stem, shapes, dtype = KINDS[i % len(KINDS)]
        L.write(os.path.join(models, folder, f"{stem}_{i:03d}.safetensors"), shapes(), dtype)
    for i in range(folders):
        diffusers_folder(os.path.join(models, "diffusers", f"Wan2.1-T2V-1.3B-{i:02d}"))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", type=int, default=100)
    ap.add_argument("--folders", type=int, default=10, help="how many of them are diffusers folders")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--gguf", action="store_true", help="also time one GGUF file's header (cold, gguf imported)")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-catalog-")
    os.environ["STUDIO_CACHE_DIR"] = os.path.join(tmp, "cache")
    try:
        t0 = time.perf_counter()
        build(os.path.join(tmp, "ComfyUI"), a.models, a.folders)
        made = time.perf_counter() - t0
        from nodes.video_models.catalog import listing as catalog
        from studio.core.models import Root
        roots = [Root(os.path.join(tmp, "ComfyUI", "models"), "", "comfyui")]
        m = catalog.Machine("cuda", "80 GB card", 80 * 1024 ** 3)
        disk = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(tmp) for f in fs)
        cold, warm, cold_cpu, warm_cpu, n = [], [], [], [], 0
        for _ in range(a.rounds):
            shutil.rmtree(os.environ["STUDIO_CACHE_DIR"], ignore_errors=True)
            t, c = time.perf_counter(), time.process_time()
            n = len(catalog.list_models(roots, m=m))
            cold.append(time.perf_counter() - t)
            cold_cpu.append(time.process_time() - c)
            t, c = time.perf_counter(), time.process_time()
            assert len(catalog.list_models(roots, m=m)) == n
            warm.append(time.perf_counter() - t)
            warm_cpu.append(time.process_time() - c)
        header_bytes = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(tmp) for f in fs
                           if f.endswith(".safetensors"))
        print(f"{n} models listed ({a.folders} diffusers folders), built in {made:.1f} s, {disk / 1e6:.1f} MB on disk "
              f"({header_bytes / 1e6:.1f} MB in .safetensors files, headers and zero data)")
        for what, wall, cpu in (("cold (no catalog cache)", cold, cold_cpu), ("warm (cached)", warm, warm_cpu)):
            print(f"{what:24s} wall: median {statistics.median(wall) * 1e3:6.1f} ms  min {min(wall) * 1e3:6.1f} ms  "
                  f"max {max(wall) * 1e3:6.1f} ms;  CPU time: median {statistics.median(cpu) * 1e3:6.1f} ms")
        print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall time on a busy "
              "machine includes waiting for a CPU; CPU time does not)")
        print(f"aim: <= 200 ms for 100 models: cold {'met' if statistics.median(cold) <= 0.2 else 'NOT met'}, "
              f"warm {'met' if statistics.median(warm) <= 0.2 else 'NOT met'}")
        if a.gguf:
            gguf_header(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def gguf_header(tmp: str) -> None:
    import numpy as np
    t = time.perf_counter()
    import gguf
    imp = time.perf_counter() - t
    path = os.path.join(tmp, "wan14b-Q8_0.gguf")
    w = gguf.GGUFWriter(path, "wan")
    for k, s in L.wan(5120, 16, 40).items():
        w.add_tensor(k, np.zeros(s if k == "head.modulation" else (2,) * len(s), np.float16))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    from nodes.video_models.catalog import headers
    times = []
    for _ in range(5):
        t = time.perf_counter()
        headers.read_info(path)
        times.append(time.perf_counter() - t)
    print(f"GGUF (Wan 14B names, {len(L.wan(5120, 16, 40))} tensors): header {statistics.median(times) * 1e3:.1f} ms; "
          f"importing gguf once {imp * 1e3:.0f} ms")


if __name__ == "__main__":
    sys.exit(main())
