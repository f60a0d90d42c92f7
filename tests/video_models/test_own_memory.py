"""base/own_memory.py: a folder's zero-copy weights (safetensors 0.8 hands them out at the file's byte
offsets) copied into 64-byte aligned memory at the load, ties kept, values unchanged; a model loaded from a
folder holds none that is not aligned."""
from __future__ import annotations

import os

import pytest
import torch

from nodes.video_models.base.own_memory import ALIGN, own_memory

pytest.importorskip("diffusers")


def _unaligned(t: torch.Tensor) -> torch.Tensor:
    """``t``'s values in a view that starts 4 bytes past a 64-byte line."""
    flat = torch.empty(t.numel() + 16, dtype=t.dtype)
    skip = next(i for i in range(1, 16) if (flat.data_ptr() + i * t.element_size()) % ALIGN)
    view = flat[skip:skip + t.numel()].view(t.shape)
    view.copy_(t)
    return view


def test_unaligned_weights_are_copied_once_each_ties_kept_values_unchanged():
    torch.manual_seed(0)
    m = torch.nn.Sequential(torch.nn.Linear(8, 8), torch.nn.Linear(8, 8))
    m.register_buffer("table", torch.randn(5))
    shared = torch.nn.Parameter(_unaligned(torch.randn(8, 8)))
    m[0].weight, m[1].weight = shared, shared  # tied: one Parameter in two layers
    m[0].bias.data = _unaligned(m[0].bias.detach())
    m.table = _unaligned(m.table)
    want = {k: v.clone() for k, v in m.state_dict().items()}
    assert m[0].weight.data_ptr() % ALIGN and m.table.data_ptr() % ALIGN
    assert own_memory([m, "not a module"]) == 3  # the tied weight once, the bias, the buffer
    assert all(t.data_ptr() % ALIGN == 0 for t in [*m.parameters(), *m.buffers()])
    assert m[0].weight is m[1].weight and m[0].weight.data_ptr() == m[1].weight.data_ptr()
    for k, v in m.state_dict().items():
        assert torch.equal(v, want[k]), k
    assert own_memory([m]) == 0  # nothing left to copy


def test_a_folder_model_holds_its_weights_aligned(wan_dir, monkeypatch):
    """Load Video Model from a diffusers folder (safetensors' own zero-copy load_file, not the tests' aligned
    one): every CPU weight of every component starts on a 64-byte line."""
    import safetensors.torch as st

    from nodes.video_models.loading.load import load_video_model
    monkeypatch.setattr(st, "load_file", getattr(st.load_file, "plain", st.load_file))
    assert any(t.data_ptr() % ALIGN for t in st.load_file(
        f"{wan_dir}/transformer/diffusion_pytorch_model.safetensors").values())  # what diffusers is handed
    ref = load_video_model(wan_dir, base=None, device="cpu")
    for name, comp in ref.module.components.items():
        if isinstance(comp, torch.nn.Module):
            bad = [n for n, t in [*comp.named_parameters(), *comp.named_buffers()] if t.data_ptr() % ALIGN]
            assert not bad, (name, bad[:3])


def _resident(path: str) -> int | None:
    """Bytes of ``path``'s pages resident in this process (Linux's smaps), None where it cannot be read."""
    try:
        with open("/proc/self/smaps") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    total, inside = 0, False
    for line in lines:
        head = line.split()
        if head and "-" in head[0] and len(head) >= 5:  # a mapping's first line
            inside = len(head) >= 6 and head[5] == path
        elif inside and line.startswith("Rss:"):
            total += int(head[1]) * 1024
    return total


def test_the_copied_weights_pages_of_the_mapped_file_are_handed_back(tmp_path):
    """A copy made from a memory-mapped file's weights hands that weight's pages back (issue 72's lean loads: else
    a folder's load peaked at twice its files, benchmarks/lean_load_families.py): once copied, the file's pages
    left resident are those of the weights kept in place and the pages two weights share."""
    import mmap

    import safetensors.torch as st
    path = str(tmp_path / "w.safetensors")
    sizes = [40_000 + 3 * i for i in range(6)]  # fp32 tensors of ~39 pages each, at assorted offsets
    st.save_file({f"w{i}": torch.randn(n) for i, n in enumerate(sizes)}, path)
    state = getattr(st.load_file, "plain", st.load_file)(path)  # safetensors' own: views of the mapped file
    m = torch.nn.Module()
    for k, v in state.items():
        m.register_buffer(k, v)
    want = {k: v.clone() for k, v in state.items()}
    sum(float(v.sum()) for v in state.values())  # every page read
    before = _resident(os.path.realpath(path))
    if not before:
        pytest.skip("no memory-mapped file seen in /proc/self/smaps here")
    kept = sum(v.numel() * 4 for v in state.values() if v.data_ptr() % ALIGN == 0)
    del state
    assert own_memory([m]) >= 1
    after = _resident(os.path.realpath(path))
    assert before >= 0.9 * os.path.getsize(path)
    assert after <= kept + (2 * len(sizes) + 1) * mmap.PAGESIZE, (before, after, kept)
    for k, v in m.state_dict().items():
        assert torch.equal(v, want[k]) and v.data_ptr() % ALIGN == 0, k
