"""Enhance Prompt against transformers' generate() called directly (issue 56: LTX-2.3's prompt enhancer).

    .venv/bin/python benchmarks/bench_ltx2_enhance.py [--tokens 128] [--repeats 5]

A tiny random LTX-2.3 written as ComfyUI's files (tests/video_models/tiny_ltx2_parts.py: the Gemma 3
file read as Gemma3TextModel) is built here. The node's own time (the executor's NodeFinished seconds,
run again on the model Load Video Model loaded once, a new seed each time) against Gemma3ForCausalLM
holding the same language model, its generate() called with the same turns, settings and seed, in turn,
``--repeats`` times; the least of each, the median of the back-to-back pairs' node / direct (aim <= 1.02;
each pair makes the same tokens: the same seed, the same text) and whether the texts are the same.
Prints figures, asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
import benchmarks  # noqa: E402,F401  (allows the temporary folder it works in: benchmarks/__init__.py)
os.environ.setdefault("STUDIO_DISK_CACHE_GB", "0")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tokens", type=int, default=128)
    ap.add_argument("--repeats", type=int, default=15)
    a = ap.parse_args()
    import torch
    from transformers import AutoTokenizer, Gemma3ForCausalLM, Gemma3ForConditionalGeneration

    import nodes.video_models  # noqa: F401  the registry
    from nodes.video_models.families.ltx2.enhance import T2V_SYSTEM, chat
    from studio.core.graph import Graph
    from studio.engine.events import NodeFinished
    from studio.engine.executor import Executor
    from tests.video_models import tiny_ltx2_parts as tl

    tmp = tempfile.mkdtemp(prefix="bench-ltx2-enhance-")
    folder = tl.build(os.path.join(tmp, "ltx23"), "LTX-2.3")
    files = tl.write_files(folder, os.path.join(tmp, "models"))
    g = Graph()
    g.add_node("video_models.load", {"model": files["checkpoint"], "text_encoder": files["text_encoder"]},
               node_id="load")
    g.add_node("video_models.ltx2_enhance_prompt", {"prompt": "a red fox", "max_new_tokens": a.tokens,
                                                     "repetition_penalty": 1.0, "min_p": 0.0}, node_id="en")
    g.connect("load", "model", "en", "model")

    full = Gemma3ForConditionalGeneration.from_pretrained(os.path.join(folder, "text_encoder"))
    lm = Gemma3ForCausalLM(full.config.text_config).eval()
    lm.model.load_state_dict(full.model.language_model.state_dict())
    lm.lm_head.weight = lm.model.embed_tokens.weight
    tok = AutoTokenizer.from_pretrained(os.path.join(folder, "tokenizer"))
    enc = tok(chat(T2V_SYSTEM, "a red fox"), return_tensors="pt")
    ex = Executor()

    def node(seed: int) -> tuple[float, str]:
        g.nodes["en"].params["seed"] = seed
        seen = []
        r = ex.run(g, targets=["en"], device="cpu", use_cache=False,
                   on_event=lambda e: seen.append(e.seconds) if isinstance(e, NodeFinished) and e.node_id == "en"
                   else None)
        return seen[0], r.value("en")

    def direct(seed: int) -> tuple[float, str, int]:
        t = time.perf_counter()
        with torch.random.fork_rng(devices=[]), torch.no_grad():
            torch.manual_seed(seed)
            out = lm.generate(**enc, max_new_tokens=a.tokens, do_sample=True, temperature=0.7, top_k=64, top_p=0.95,
                              repetition_penalty=1.0, eos_token_id=[tok.eos_token_id], pad_token_id=tok.pad_token_id)
        new = out[0, enc["input_ids"].shape[1]:]
        return time.perf_counter() - t, tok.decode(new, skip_special_tokens=True).strip(), len(new)
    node(1000)  # warm: imports, the load
    direct(1000)
    ns, ds, same, lengths = [], [], 0, []
    for k in range(a.repeats):
        t, got = node(k)
        ns.append(t)
        t, want, n = direct(k)
        ds.append(t)
        same += got == want
        lengths.append(n)
    print(f"tiny LTX-2.3 (ComfyUI's files; Gemma 3 of {lm.config.num_hidden_layers} layers, width "
          f"{lm.config.hidden_size}), CPU, torch threads {torch.get_num_threads()}; up to {a.tokens} new tokens "
          f"(made: {lengths})")
    import statistics
    pairs = statistics.median(n / d for n, d in zip(ns, ds))
    print(f"node {min(ns):.4f} s, direct {min(ds):.4f} s (least of {a.repeats}); node / direct, median of the "
          f"pairs {pairs:.3f} (aim <= 1.02); texts the same {same} of {a.repeats}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
