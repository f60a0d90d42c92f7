"""A torch .pth read without unpickling (studio.engine.torch_zip): the state dict torch.load makes, from
Studio's own walk of data.pkl; code, depth, circles, counts and damage refused in words, in well under a
second, with nothing run (issue 76 item 5)."""
from __future__ import annotations

import collections
import os
import struct
import zipfile

import pytest

torch = pytest.importorskip("torch")

from studio.engine.torch_zip import MAX_ENTRIES, TorchFileError, read_torch_file  # noqa: E402

RAN = []


class _Payload:
    def __reduce__(self):
        return (RAN.append, ("ran",))


def _same(a, b):
    if isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            _same(a[k], b[k])
    elif isinstance(a, torch.Tensor):
        assert a.dtype == b.dtype and a.shape == b.shape and a.stride() == b.stride() and torch.equal(a, b)
    else:
        assert a == b


def test_the_state_dict_is_torch_loads(tmp_path):
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    sd = collections.OrderedDict(w=base, view=base[:, 1:3], bf=torch.ones(3, dtype=torch.bfloat16),
                                 half=torch.randn(5).half(), empty=torch.zeros(0, 3), n=torch.tensor(7),
                                 p=torch.nn.Parameter(torch.randn(2, 2)), flags=torch.tensor([True, False]))
    p = str(tmp_path / "ok.pth")
    torch.save({"params_ema": sd, "epoch": 3, "meta": [1, 2.5, "s", None]}, p)
    _same(read_torch_file(p), torch.load(p, weights_only=True))


def _archive(path, pkl: bytes, extra: dict | None = None) -> str:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", pkl)
        for k, v in (extra or {}).items():
            z.writestr(k, v)
    return str(path)


@pytest.mark.parametrize("make, words", [
    (lambda p: torch.save({"w": torch.ones(2), "x": _Payload()}, p), "names a global Studio does not allow"),
    (lambda p: _archive(p, b"\x80\x02" + b"]" * 100_000 + b"a" * 99_999 + b"."), "nest deeper than 16 levels"),
    (lambda p: _archive(p, b"\x80\x02}q\x00X\x01\x00\x00\x00kh\x00s."), r"hold themselves \(a circle\)"),
    (lambda p: _archive(p, b"\x80\x02cos\nsystem\nX\x02\x00\x00\x00idR."), "names a global Studio does not allow"),
    (lambda p: _archive(p, b"\x80\x02}X\x01\x00\x00\x00k"), "cut short or damaged"),
    (lambda p: torch.save({"w": torch.ones(2)}, p, _use_new_zipfile_serialization=False), r"old \(non-zip\) format"),
    (lambda p: torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), p), "TorchScript"),
])
def test_a_hostile_pth_is_refused_in_words_and_nothing_runs(tmp_path, make, words):
    p = str(tmp_path / "bad.pth")
    make(p)
    with pytest.raises(TorchFileError, match=words) as e:
        read_torch_file(p, "upscaler")
    assert str(e.value).startswith(f"upscaler '{p}': ") and RAN == []


def test_a_storage_the_archive_does_not_hold_and_a_view_past_it_are_refused(tmp_path):
    p = str(tmp_path / "w.pth")
    torch.save({"w": torch.ones(4)}, p)
    with zipfile.ZipFile(p) as z:
        items = {i.filename: z.read(i) for i in z.infolist()}
    pkl = next(k for k in items if k.endswith("data.pkl"))
    for old, new, words in ((b"K\x04\x85", b"K\x09\x85", "reaches past its storage"),  # a size of 9 over 4 floats
                            (b"K\x04tq", b"J\x00\x00\x00\x10tq", "not of the size")):  # numel 2^28 claimed
        assert old in items[pkl]
        bad = dict(items, **{pkl: items[pkl].replace(old, new, 1)})
        q = str(tmp_path / "bad.pth")
        with zipfile.ZipFile(q, "w", zipfile.ZIP_STORED) as z:
            for k, v in bad.items():
                z.writestr(k, v)
        with pytest.raises(TorchFileError, match=words):
            read_torch_file(q)


def test_an_archive_claiming_more_records_than_the_limit_is_refused_before_reading_them(tmp_path):
    p = tmp_path / "many.pth"
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, 0xFFFF, 0xFFFF, 0, 0, 0)
    z64 = b"PK\x06\x06" + struct.pack("<QHHIIQQQQ", 44, 45, 45, 0, 0, 900_000, 900_000, 0, 0)
    p.write_bytes(b"PK\x03\x04" + b"\0" * 60 + z64 + end)
    with pytest.raises(TorchFileError, match=f"claims 900,000 records, over Studio's limit of {MAX_ENTRIES:,}"):
        read_torch_file(str(p))


def test_a_fifo_and_a_device_are_refused_before_opening(tmp_path):
    fifo = tmp_path / "f.pth"
    os.mkfifo(fifo)
    link = tmp_path / "z.pth"
    os.symlink("/dev/zero", link)
    for p in (fifo, link):
        with pytest.raises(TorchFileError, match="not a regular file"):
            read_torch_file(str(p))


def test_one_bare_tensor_read_only_when_asked(tmp_path):
    # FlashVSR's posi_prompt.pth is torch.save(tensor): refused as a state dict, read with one_tensor
    t = torch.arange(12, dtype=torch.float32).reshape(1, 3, 4)
    p = tmp_path / "prompt.pth"
    torch.save(t, p)
    with pytest.raises(TorchFileError, match="holds a Tensor, not a table of tensors"):
        read_torch_file(str(p))
    assert torch.equal(read_torch_file(str(p), one_tensor=True), t)
    torch.save([t], tmp_path / "list.pth")
    with pytest.raises(TorchFileError, match="holds a list"):
        read_torch_file(str(tmp_path / "list.pth"), one_tensor=True)
