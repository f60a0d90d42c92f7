"""A graph of one Generate Text node run on the CPU (its text and the words it said), shared by the Gemma 4 file and
the model-folder tests; ``box`` keeps one Executor per test module (its model cache)."""
from __future__ import annotations

from studio.core.graph import Graph
from studio.engine.executor import Executor


def run_text(box: list, model, tokens: int, **p) -> tuple[str, list[str]]:
    g = Graph()
    g.add_node("encode.generate_text", dict({"prompt": "a red fox", "max_new_tokens": tokens, "seed": 3,
                                             "model": model}, **p), node_id="t")
    said: list[str] = []
    box[:] = box or [Executor()]
    r = box[0].run(g, targets=["t"], device="cpu", use_cache=False,
                   on_event=lambda e: said.append(getattr(e, "text", "") or ""))
    return r.value("t"), said
