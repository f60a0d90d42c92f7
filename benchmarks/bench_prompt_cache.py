"""The prompt-embedding cache (issue 60 item 2): peak host memory of a second render with only the
seed changed (its prompt cached: the text encoder is not loaded) against the first (the encoder
loaded and run), on a random Wan built here whose text encoder is most of its files (a T5 encoder
of --width x --layers; a real UMT5-XXL, 11 GB in bf16, is too slow for this box: the largest that
renders in under a minute). Nothing is downloaded.

Each render is its own process (Load Video Model + Text to Video on the CPU, the same cache
folder); its peak resident memory is the process's VmHWM. Runs: the reference with the cache
off (seed 2), the first with the cache on (seed 1: encodes, keeps), the second (seed 2: read from
the cache). Reports the ratio second / first (aim <= 0.5), whether the second said 'prompt
embeddings from the cache (text encoder not loaded)' and whether its frames equal the reference's.

    .venv/bin/python benchmarks/bench_prompt_cache.py [--width 1024] [--layers 40]

JSON to benchmarks/results/prompt_cache/cpu.json (or --out).
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


def child(model: str, seed: int, out: str) -> None:
    import numpy as np

    from studio.core.graph import Graph
    from studio.engine.events import NodeMessage
    from studio.engine.executor import Executor
    g = Graph()
    g.add_node("video_models.load", {"model": model}, node_id="load")
    g.add_node("video_models.text_to_video", {"frames": 5, "width": 16, "height": 16, "steps": 2, "guidance": 3.0,
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
                       env=env, timeout=600)
    if r.returncode:
        raise SystemExit(r.stderr[-3000:])
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--width", type=int, default=1024)
    ap.add_argument("--layers", type=int, default=40)
    ap.add_argument("--child", nargs=3)
    ap.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results", "prompt_cache", "cpu.json"))
    a = ap.parse_args()
    if a.child:
        child(a.child[0], int(a.child[1]), a.child[2])
        return 0
    import numpy as np
    tmp = tempfile.mkdtemp(prefix="bench-prompt-cache-")
    model = build(os.path.join(tmp, "wan"), a.width, a.layers)
    sizes = {d: sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(os.path.join(model, d)) for f in fs)
             for d in ("text_encoder", "transformer", "vae")}
    env = dict(os.environ, PYTHONPATH=ROOT, STUDIO_CACHE_DIR=os.path.join(tmp, "cache"), STUDIO_PROMPT_CACHE_GB="0")
    ref = run(model, 2, os.path.join(tmp, "ref.npy"), env)
    env["STUDIO_PROMPT_CACHE_GB"] = "1"
    first = run(model, 1, os.path.join(tmp, "first.npy"), env)
    second = run(model, 2, os.path.join(tmp, "second.npy"), env)
    same = bool(np.array_equal(np.load(os.path.join(tmp, "ref.npy")), np.load(os.path.join(tmp, "second.npy"))))
    res = {"text_encoder": f"T5 {a.width} x {a.layers} layers, fp32",
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
