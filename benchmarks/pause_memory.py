"""Issue 60's Pause aim: after Run > Pause the host memory goes back to within 5 % of what the process
held before the model was loaded (ModelCache.unload_all: every model released, then glibc's
malloc_trim through studio.engine.memory.give_back).

One process: a Wan with real-width blocks (12 heads of 128, ffn 8960) but 8 layers (about 0.7 GB in
bf16, written by the benchmark) and a narrow text encoder; Load Video Model -> Text to Video (2 steps,
5 frames at 16x16) run on the CPU. VmRSS before the run (torch and diffusers imported, the engine
made), after it (the model in the model cache), and after unload_all.

    .venv/bin/python benchmarks/pause_memory.py [--layers 8] [--no-warm]

A first run leaves state in any process that no Pause can give back (the pipeline's imported modules,
the thread pools, the allocator's arenas): it is measured first on the same model with one layer
(a warm-up), then the cycles on the 8-layer model (``--no-warm``: the first cycle in a fresh process).

Measured (CPU, 2 cores shared, 746 MB model folder in bf16), 2026-11-25:
    warm-up: VmRSS 474 MB before, 526 MB after its Pause (52 MB: what a first run leaves in a process)
    cycle 1: before 526 MB, loaded 1308 MB, after Pause 539 MB: 1.025 of before (98.3 % of the rise given back)
    cycle 2: before 539 MB, loaded 1312 MB, after Pause 527 MB: 0.978 (101.5 %)
    cycle 3: before 527 MB, loaded 1304 MB, after Pause 527 MB: 1.001 (99.9 %)
Before the warm-up (2026-11-24, --no-warm): cycle 1 1.127 (the same 57 MB of first-run state), then 1.002.
"""
from __future__ import annotations

import argparse
import gc
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks.host_memory import rss  # noqa: E402


def build(path: str, layers: int) -> None:
    import diffusers
    import torch
    from benchmarks.real_video_models import _text_encoder
    torch.manual_seed(0)
    tok, te, width = _text_encoder(True, path + "_tok")
    tr = diffusers.WanTransformer3DModel(patch_size=(1, 2, 2), in_channels=16, out_channels=16, freq_dim=256,
                                         cross_attn_norm=True, qk_norm="rms_norm_across_heads", eps=1e-6,
                                         rope_max_seq_len=1024, num_attention_heads=12, attention_head_dim=128,
                                         text_dim=width, ffn_dim=8960, num_layers=layers)
    vae = diffusers.AutoencoderKLWan(base_dim=8, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                                     temperal_downsample=[False, True, True])
    sched = diffusers.UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=3.0)
    pipe = diffusers.WanPipeline(tokenizer=tok, text_encoder=te, vae=vae, transformer=tr, scheduler=sched)
    pipe.to(torch.bfloat16).save_pretrained(path, safe_serialization=True)
    shutil.rmtree(path + "_tok", ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--layers", type=int, default=8)
    ap.add_argument("--no-warm", action="store_true", help="measure the first cycle in a fresh process")
    args = ap.parse_args()
    os.environ.setdefault("STUDIO_DISK_CACHE_GB", "0")
    work = tempfile.mkdtemp(prefix="pause-bench-")
    try:
        path = os.path.join(work, "wan")
        build(path, args.layers)
        size = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(path) for f in fs)
        from studio.core.graph import Graph
        from studio.engine.executor import Executor
        from studio.engine.memory import give_back

        def graph(model: str):
            g = Graph()
            g.add_node("video_models.load", {"model": model, "dtype": "bf16"}, node_id="load")
            g.add_node("video_models.text_to_video", {"frames": 5, "width": 16, "height": 16, "steps": 2,
                                                      "previews": False, "preview_size": "off"}, node_id="gen")
            g.connect("load", "model", "gen", "model")
            return g
        g = graph(path)
        ex = Executor()
        mb = 1 / 2 ** 20
        print(f"model folder {size * mb:.0f} MB")
        if not args.no_warm:  # what any first run leaves in a process, measured on a one-layer twin
            small = os.path.join(work, "wan-1")
            build(small, 1)
            gc.collect()
            give_back()
            before = rss()
            ex.run(graph(small), targets=["gen"], device="cpu", use_cache=False)
            ex.models.unload_all()
            gc.collect()
            print(f"warm-up (the same blocks, one layer): VmRSS {before * mb:.0f} MB before, {rss() * mb:.0f} MB "
                  "after its Pause: what a first run leaves in any process (imported modules, thread pools, "
                  "allocator arenas), not the model's")
        for cycle in (1, 2, 3):
            gc.collect()
            give_back()
            before = rss()
            ex.run(g, targets=["gen"], device="cpu", use_cache=False)
            loaded = rss()
            n, nbytes = ex.models.unload_all()
            gc.collect()
            after = rss()
            print(f"cycle {cycle}: VmRSS before the load {before * mb:.0f} MB, loaded {loaded * mb:.0f} MB, "
                  f"after Pause {after * mb:.0f} MB ({n} model(s), {nbytes * mb:.0f} MB unloaded): "
                  f"after / before = {after / before:.3f} (aim <= 1.05), "
                  f"{(loaded - after) / max(1, loaded - before):.1%} of what the run added given back")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
