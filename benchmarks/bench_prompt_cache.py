"""The prompt-embedding cache (issue 60 item 2): peak host memory of a second render with only the
seed changed (its prompt cached: the text encoder is not loaded) against the first (the encoder
loaded and run). Two models, each written here (nothing is downloaded):

- default: a random Wan folder whose text encoder is most of its files (a T5 encoder of --width x
  --layers, fp32);
- ``--umt5-xxl``: Wan as ComfyUI's files, its text encoder **UMT5-XXL in its real configuration**
  (24 layers of width 4096, 64 heads, ffn 10240, a 256,384-token vocabulary: 5.7 billion weights)
  written as ComfyUI's ``umt5_xxl_fp8_e4m3fn_scaled.safetensors`` (the blocks' weights in fp8 e4m3
  with their scales, the embedding in bf16: 6.7 GB, the file Wan's templates load), streamed to disk
  a tensor at a time; a small random Wan denoiser reading 4096-wide text and a small Wan VAE beside
  it. Guidance 1 (one prompt encoded: UMT5-XXL's 512 tokens take minutes on this CPU).

Each render is its own process (Load Video Model + Text to Video on the CPU, the same cache
folder); its peak resident memory is the process's VmHWM. Runs: the reference with the cache
off (seed 2), the first with the cache on (seed 1: encodes, keeps), the second (seed 2: read from
the cache). Reports the ratio second / first (aim <= 0.5), whether the second said 'prompt
embeddings from the cache (text encoder not loaded)' and whether its frames equal the reference's.

    .venv/bin/python benchmarks/bench_prompt_cache.py [--width 1024] [--layers 40]
    .venv/bin/python benchmarks/bench_prompt_cache.py --umt5-xxl   # 7 GB of disk, about 10 GB of memory

JSON to benchmarks/results/prompt_cache/cpu.json (cpu_umt5_xxl.json with --umt5-xxl; or --out).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.host_memory import peak_mb  # noqa: E402  (VmHWM: this process's own, not the parent's)
os.environ.setdefault("HF_HUB_OFFLINE", "1")
SAID = "prompt embeddings from the cache (text encoder not loaded)"


def build(path: str, width: int, layers: int) -> str:
    """A tiny Wan 2.1 (tests/video_models/tiny.py's) with a T5 encoder of ``width`` x ``layers``."""
    import torch
    from diffusers import AutoencoderKLWan, FlowMatchEulerDiscreteScheduler, WanPipeline, WanTransformer3DModel
    from transformers import T5Config, T5EncoderModel

    from tests.video_models.tiny import build_tokenizer
    torch.manual_seed(0)
    vae = AutoencoderKLWan(base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                           temperal_downsample=[False, True, True])
    tok = build_tokenizer(os.path.join(path, "_tok"))
    te = T5EncoderModel(T5Config(vocab_size=len(tok), d_model=width, d_kv=64, d_ff=4 * width, num_layers=layers,
                                 num_heads=width // 64, relative_attention_num_buckets=32, pad_token_id=0,
                                 eos_token_id=1, decoder_start_token_id=0))
    transformer = WanTransformer3DModel(patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12,
                                        in_channels=16, out_channels=16, text_dim=width, freq_dim=256, ffn_dim=32,
                                        num_layers=2, cross_attn_norm=True, qk_norm="rms_norm_across_heads",
                                        rope_max_seq_len=32)
    WanPipeline(tokenizer=tok, text_encoder=te, vae=vae, transformer=transformer,
                scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0)).save_pretrained(path, safe_serialization=True)
    return path


UMT5_XXL = dict(vocab_size=256384, d_model=4096, d_kv=64, d_ff=10240, num_layers=24, num_heads=64,
                feed_forward_proj="gated-gelu", relative_attention_num_buckets=32,
                relative_attention_max_distance=128)  # google/umt5-xxl's config.json, as Wan ships it


def _write_streamed(path: str, shapes: dict, make) -> int:
    """A .safetensors file of ``shapes`` ({name: (dtype, shape)}) whose tensors ``make(name)`` gives one
    at a time (the file's layout: an 8-byte header length, the JSON header, the data): a 6.7 GB file in
    the memory of its largest tensor. Returns its size."""
    import json as js
    import math

    import torch
    code = {torch.float8_e4m3fn: ("F8_E4M3", 1), torch.bfloat16: ("BF16", 2), torch.float32: ("F32", 4),
            torch.uint8: ("U8", 1)}
    header, at = {}, 0
    for name, (dtype, shape) in shapes.items():
        n = math.prod(shape) * code[dtype][1]
        header[name] = {"dtype": code[dtype][0], "shape": list(shape), "data_offsets": [at, at + n]}
        at += n
    head = js.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)
    with open(path, "wb") as f:
        f.write(len(head).to_bytes(8, "little") + head)
        for name, (dtype, shape) in shapes.items():
            t = make(name)
            assert t.dtype == dtype and tuple(t.shape) == tuple(shape), name
            f.write(t.contiguous().reshape(-1).view(torch.uint8).numpy().tobytes())
    return os.path.getsize(path)


def umt5_xxl_file(path: str) -> int:
    """ComfyUI's umt5_xxl_fp8_e4m3fn_scaled.safetensors layout with random weights (N(0, 0.02)) in
    UMT5-XXL's real configuration: the blocks' 2-D weights fp8 e4m3 with a per-tensor scale_weight, the
    rest bf16, 'shared' (not encoder.embed_tokens), a scaled_fp8 marker and the tokenizer's
    spiece_model (the tests' small SentencePiece model: its ids are a subset of UMT5's)."""
    import numpy as np
    import torch
    from accelerate import init_empty_weights
    from transformers import UMT5Config, UMT5EncoderModel

    from tests.video_models.tiny_parts import spiece_bytes
    with init_empty_weights():
        meta = UMT5EncoderModel(UMT5Config(**UMT5_XXL))
    spiece = torch.from_numpy(np.frombuffer(spiece_bytes(), dtype=np.uint8).copy())
    shapes, fp8 = {}, set()
    for k, v in meta.state_dict().items():
        if k == "encoder.embed_tokens.weight":
            continue
        if k.startswith("encoder.block.") and v.dim() == 2 and "relative_attention_bias" not in k:
            shapes[k] = (torch.float8_e4m3fn, tuple(v.shape))
            shapes[k[: -len(".weight")] + ".scale_weight"] = (torch.float32, ())
            fp8.add(k)
        else:
            shapes[k] = (torch.bfloat16, tuple(v.shape))
    shapes["scaled_fp8"] = (torch.float8_e4m3fn, (0,))
    shapes["spiece_model"] = (torch.uint8, tuple(spiece.shape))
    top = torch.finfo(torch.float8_e4m3fn).max
    gen = torch.Generator().manual_seed(0)
    made: dict = {}

    def make(name: str):
        if name in made:
            return made.pop(name)
        if name == "scaled_fp8":
            return torch.empty(0, dtype=torch.float8_e4m3fn)
        if name == "spiece_model":
            return spiece
        dtype, shape = shapes[name]
        if "layer_norm" in name:
            return torch.ones(shape, dtype=dtype)
        w = torch.randn(shape, generator=gen) * 0.02
        if name in fp8:
            s = (w.abs().max() / top).clamp(min=1e-12)
            made[name[: -len(".weight")] + ".scale_weight"] = s.reshape(()).float()
            return (w / s).to(torch.float8_e4m3fn)
        return w.to(dtype)
    return _write_streamed(path, shapes, make)


def build_umt5_xxl(path: str) -> dict:
    """ComfyUI's three files for Wan: the real-config UMT5-XXL above, a small random Wan 2.1 denoiser
    that reads 4096-wide text and a small Wan VAE (both fp32, the original names). name -> path."""
    import torch
    from diffusers import AutoencoderKLWan, WanTransformer3DModel
    from safetensors.torch import save_file

    from tests.video_models.tiny_formats import wan_original_names
    from tests.video_models.tiny_parts import wan_vae_original_names
    os.makedirs(path, exist_ok=True)
    torch.manual_seed(0)
    den = WanTransformer3DModel(patch_size=(1, 2, 2), num_attention_heads=1, attention_head_dim=128, in_channels=16,
                                out_channels=16, text_dim=UMT5_XXL["d_model"], freq_dim=256, ffn_dim=32, num_layers=2,
                                cross_attn_norm=True, qk_norm="rms_norm_across_heads", rope_max_seq_len=32)
    vae = AutoencoderKLWan(base_dim=4, z_dim=16, dim_mult=[1, 2, 4, 4], num_res_blocks=2,
                           temperal_downsample=[False, True, True])  # the tests' (tiny_parts.py): a Wan 2.1 VAE's
    files = {"model": os.path.join(path, "wan2.1_t2v_small_fp32.safetensors"),
             "vae": os.path.join(path, "wan_2.1_vae_small.safetensors"),
             "text_encoder": os.path.join(path, "umt5_xxl_fp8_e4m3fn_scaled.safetensors")}
    save_file({k: v.contiguous() for k, v in wan_original_names(den.state_dict()).items()}, files["model"])
    save_file({k: v.contiguous() for k, v in wan_vae_original_names(vae.state_dict()).items()}, files["vae"])
    umt5_xxl_file(files["text_encoder"])
    return files


def child(model: str, seed: int, out: str) -> None:
    import numpy as np

    from studio.core.graph import Graph
    from studio.engine.events import NodeMessage
    from studio.engine.executor import Executor
    g = Graph()
    load = json.loads(model) if model.startswith("{") else {"model": model}  # ComfyUI's files: the load's paths
    g.add_node("video_models.load", load, node_id="load")
    guidance = 1.0 if model.startswith("{") else 3.0
    g.add_node("video_models.text_to_video", {"frames": 5, "width": 16, "height": 16, "steps": 2, "guidance": guidance,
                                              "prompt": "a red fox running in snow", "negative_prompt": "blurry",
                                              "seed": seed, "previews": False, "preview_size": "off"}, node_id="gen")
    g.connect("load", "model", "gen", "model")
    g.settings["device"] = "cpu"
    msgs: list[str] = []
    t = time.perf_counter()
    r = Executor().run(g, targets=["gen"], on_event=lambda e: msgs.append(e.text) if isinstance(e, NodeMessage) else None)
    clip = r.value("gen")
    np.save(out, np.asarray(clip.chunk(0, clip.n_frames)))
    print(json.dumps({"peak_rss_mb": peak_mb(),
                      "seconds": round(time.perf_counter() - t, 2), "said": SAID in msgs}))


def run(model: str, seed: int, out: str, env: dict) -> dict:
    r = subprocess.run([sys.executable, __file__, "--child", model, str(seed), out], capture_output=True, text=True,
                       env=env, timeout=3600)
    if r.returncode:
        raise SystemExit(r.stderr[-3000:])
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--width", type=int, default=1024)
    ap.add_argument("--layers", type=int, default=40)
    ap.add_argument("--umt5-xxl", action="store_true", help="ComfyUI's files, UMT5-XXL in its real configuration")
    ap.add_argument("--child", nargs=3)
    ap.add_argument("--out", default="")
    a = ap.parse_args()
    if a.child:
        child(a.child[0], int(a.child[1]), a.child[2])
        return 0
    import numpy as np
    a.out = a.out or os.path.join(ROOT, "benchmarks", "results", "prompt_cache",
                                  "cpu_umt5_xxl.json" if a.umt5_xxl else "cpu.json")
    tmp = tempfile.mkdtemp(prefix="bench-prompt-cache-", dir=os.environ.get("STUDIO_BENCH_TMP"))
    if a.umt5_xxl:
        t = time.perf_counter()
        files = build_umt5_xxl(os.path.join(tmp, "comfy"))
        print(f"files written in {time.perf_counter() - t:.0f} s", flush=True)
        model = json.dumps(files)
        sizes = {"text_encoder": os.path.getsize(files["text_encoder"]), "transformer": os.path.getsize(files["model"]),
                 "vae": os.path.getsize(files["vae"])}
    else:
        model = build(os.path.join(tmp, "wan"), a.width, a.layers)
        sizes = {d: sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(os.path.join(model, d))
                        for f in fs) for d in ("text_encoder", "transformer", "vae")}
    env = dict(os.environ, PYTHONPATH=ROOT, STUDIO_CACHE_DIR=os.path.join(tmp, "cache"), STUDIO_PROMPT_CACHE_GB="0")
    ref = run(model, 2, os.path.join(tmp, "ref.npy"), env)
    env["STUDIO_PROMPT_CACHE_GB"] = "1"
    first = run(model, 1, os.path.join(tmp, "first.npy"), env)
    second = run(model, 2, os.path.join(tmp, "second.npy"), env)
    same = bool(np.array_equal(np.load(os.path.join(tmp, "ref.npy")), np.load(os.path.join(tmp, "second.npy"))))
    res = {"text_encoder": ("UMT5-XXL (real configuration, 5.7e9 weights) as umt5_xxl_fp8_e4m3fn_scaled.safetensors"
                            if a.umt5_xxl else f"T5 {a.width} x {a.layers} layers, fp32"),
           "files_mb": {k: round(v / 1e6, 1) for k, v in sizes.items()},
           "text_encoder_share": round(sizes["text_encoder"] / sum(sizes.values()), 3),
           "cache_off": ref, "first": first, "second": second,
           "peak_ratio_second_over_first": round(second["peak_rss_mb"] / first["peak_rss_mb"], 3),
           "aim": "<= 0.5", "second_frames_equal_cache_off": same}
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(res, f, indent=2)
    print(json.dumps(res, indent=2))
    import shutil
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
