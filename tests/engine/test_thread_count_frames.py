"""The window runs Studio's own torch nodes on all cores but one, the command line on all of them
(studio/engine/device.py). What torch promises, and what is tested here: the same device and the same
thread count give the same values bit for bit (run twice at two threads). Across thread counts torch
promises nothing bit for bit: a matrix product or a sum splits its work by the threads, and on some CPUs
(AVX-512, measured on another machine: text pooled, fusion features and audio mel) the float sums differ
in their last bits between one thread and two. So the window and the command line agree to float32
rounding, stated here as a tolerance: |a - b| <= 1e-4 * max(1, max |a|) for every value."""
from __future__ import annotations

import hashlib
import os

import numpy as np
import pytest

from studio.core.fileformat import load_graph
from studio.engine.executor import Executor

torch = pytest.importorskip("torch")
GRAPHS = os.path.join(os.path.dirname(__file__), "..", "..", "assets", "graphs")
ACROSS_THREADS_TOLERANCE = 1e-4  # relative to the value's largest magnitude (at least 1)


def _values(name: str, threads: int) -> dict:
    """Every node's array outputs (clips pulled whole; a value's arrays joined, as float64), at ``threads``."""
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
                out[(nid, port)] = arrays
    return out


def _digest(values: dict) -> dict:
    return {k: hashlib.sha256(b"".join(np.ascontiguousarray(a).tobytes() for a in arrays)).hexdigest()
            for k, arrays in values.items()}


@pytest.mark.parametrize("name", ["encoders_fusion", "motion_transfer"])
def test_the_same_thread_count_gives_the_same_values_and_one_and_two_agree(name):
    one, two, two_again = _values(name, 1), _values(name, 2), _values(name, 2)
    assert len(one) >= 5 and _digest(two) == _digest(two_again)  # the library's promise: bit for bit
    assert one.keys() == two.keys()
    for key in one:
        for a, b in zip(one[key], two[key]):
            a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
            assert a.shape == b.shape, key
            scale = max(1.0, float(np.abs(a).max())) if a.size else 1.0
            assert np.all(np.abs(a - b) <= ACROSS_THREADS_TOLERANCE * scale), (key, float(np.abs(a - b).max()))
