"""The window runs Studio's own torch nodes on all cores but one, the command line on all of them
(studio/engine/device.py): a graph of those nodes gives the same values either way. On an AVX-512 CPU the
thread count can change float sums (a pretrained model's, measured); these nodes' results do not move."""
from __future__ import annotations

import hashlib
import os

import numpy as np
import pytest

from studio.core.fileformat import load_graph
from studio.engine.executor import Executor

torch = pytest.importorskip("torch")
GRAPHS = os.path.join(os.path.dirname(__file__), "..", "..", "assets", "graphs")


def _values(name: str, threads: int) -> dict:
    """Every node's array outputs (clips pulled whole; a value's arrays joined), hashed, at ``threads``."""
    old = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        g = load_graph(os.path.join(GRAPHS, name + ".json"))
        made = [nid for nid, n in g.nodes.items() if not n.spec.is_output]  # no file written
        res = Executor().run(g, targets=made, device="cpu", use_cache=False)
    finally:
        torch.set_num_threads(old)
    out = {}
    for nid, outs in res.outputs.items():
        for port, v in outs.items():
            if hasattr(v, "chunk") and hasattr(v, "__len__"):
                arrays = [np.asarray(v.chunk(0, len(v)))]
            elif isinstance(v, np.ndarray):
                arrays = [v]
            else:
                arrays = [np.asarray(a) for a in getattr(v, "__dict__", {}).values()
                          if isinstance(a, (np.ndarray, torch.Tensor))]
            if arrays:
                out[(nid, port)] = hashlib.sha256(b"".join(np.ascontiguousarray(a).tobytes() for a in arrays)).hexdigest()
    return out


@pytest.mark.parametrize("name", ["encoders_fusion", "motion_transfer"])
def test_one_thread_and_two_give_the_same_values(name):
    one, two = _values(name, 1), _values(name, 2)
    assert len(one) >= 5 and one == two
