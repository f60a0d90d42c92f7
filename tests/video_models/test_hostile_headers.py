"""Hostile model files, headers and configs (issue 54): every refusal in Studio's words, naming the
file, before anything large is built; no hang. Each hostile file is written here (small or sparse:
a GGUF header claiming a million entries is its count fields in a sparse file)."""
from __future__ import annotations

import json
import os
import struct
import time

import numpy as np
import pytest

from nodes.video_models.catalog import listing as catalog
from nodes.video_models.catalog.headers import HeaderError, read_info
from nodes.video_models.files.tensor_reads import read_gguf_state
from nodes.video_models.files.weight_formats import read_weight_file
from nodes.video_models.base.errors import ModelError
from nodes.video_models.files.headers import read_json, read_safetensors_header
from studio.core import json_limits

gguf = pytest.importorskip("gguf")


def _gguf_head(path, tensors: int, kvs: int, size: int = 0, version: int = 3) -> str:
    with open(path, "wb") as f:
        f.write(b"GGUF" + struct.pack("<IQQ", version, tensors, kvs))
        if size:
            f.truncate(size)  # sparse: nothing written
    return str(path)


def _small_gguf(path) -> str:
    w = gguf.GGUFWriter(str(path), arch="wan")
    w.add_tensor("blocks.0.weight", np.arange(64, dtype=np.float32).reshape(8, 8))
    w.add_tensor("blocks.0.bias", np.ones(8, dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return str(path)


def _refused_fast(fn, pattern, *args):
    t = time.monotonic()
    with pytest.raises((ModelError, HeaderError), match=pattern) as e:
        fn(*args)
    assert time.monotonic() - t < 20, "the refusal took too long"
    return str(e.value)


# -- 54.1: counts beyond the caps or the file's size ----------------------------------------------------------------
@pytest.mark.parametrize("tensors,kvs", [(1_000_000, 0), (0, 1_000_000)])
def test_a_gguf_header_claiming_a_million_entries_is_refused_before_the_reader(tmp_path, tensors, kvs):
    p = _gguf_head(tmp_path / "many.gguf", tensors, kvs, size=32 << 20)
    msg = _refused_fast(read_weight_file, r"many\.gguf' is not a valid GGUF file: the file is truncated or its "
                                          rf"tensor table is damaged \(its header claims {tensors:,} tensors and "
                                          rf"{kvs:,} key/values", p)
    assert "16,384" in msg
    _refused_fast(read_info, "1,000,000", p)  # the listing's reader too


def test_gguf_counts_the_file_cannot_hold_and_a_huge_string_array_are_refused(tmp_path):
    p = _gguf_head(tmp_path / "short.gguf", 10_000, 0, size=4096)
    _refused_fast(read_weight_file, r"more than its 4,096 bytes can hold", p)
    p = str(tmp_path / "arr.gguf")  # one key/value: an array claiming 10^9 strings
    with open(p, "wb") as f:
        f.write(b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", 1) + b"k" + struct.pack("<IIQ", 9, 8, 10**9))
        f.truncate(1 << 20)
    _refused_fast(read_weight_file, r"an array claims 1,000,000,000 items", p)
    p = _gguf_head(tmp_path / "v1.gguf", 1, 1, size=4096, version=1)
    _refused_fast(read_weight_file, r"v1\.gguf' is GGUF version 1: Studio reads versions 2 and 3", p)


# -- 54.2 and 54.3: offsets outside the data section; the reader's refusals in Studio's words ------------------------
def test_a_gguf_tensor_offset_below_the_data_section_is_refused(tmp_path):
    p = _small_gguf(tmp_path / "ok.gguf")
    assert set(read_weight_file(p).tensors) == {"blocks.0.weight", "blocks.0.bias"}
    r = gguf.GGUFReader(p)
    field = r.tensors[0].field
    at = field.offset + sum(int(part.nbytes) for part in field.parts[:5])  # the tensor's offset field
    del r
    with open(p, "r+b") as f:
        f.seek(at)
        f.write(struct.pack("<q", -64))
    for fn in (read_weight_file, read_gguf_state, read_info):
        _refused_fast(fn, r"ok\.gguf' is not a valid GGUF file: the file is truncated or its tensor table is damaged "
                          r"\(tensor 'blocks\.0\.weight' lies outside", p)


def test_a_truncated_gguf_says_truncated_not_numpys_words(tmp_path):
    p = _small_gguf(tmp_path / "cut.gguf")
    with open(p, "r+b") as f:
        f.truncate(os.path.getsize(p) - 30)
    msg = _refused_fast(read_weight_file, r"cut\.gguf' is not a valid GGUF file: the file is truncated", p)
    assert "dtype" not in msg and "divisor" not in msg and "reshape" not in msg


# -- 54.4: a safetensors header of too many entries -------------------------------------------------------------------
def _safetensors(path, header_bytes: bytes) -> str:
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header_bytes)) + header_bytes)
    return str(path)


def test_a_safetensors_header_of_a_quarter_million_empty_entries_is_refused_unparsed(tmp_path):
    body = b"{" + b",".join(b'"t%d":{}' % i for i in range(250_000)) + b"}"
    p = _safetensors(tmp_path / "wide.safetensors", body)
    _refused_fast(read_safetensors_header, r"wide\.safetensors' is not a safetensors file Studio reads \(its header: "
                                           r"it holds 250,001 JSON objects, over Studio's limit of 200,002\)", p)
    _refused_fast(read_info, "250,001 JSON objects", p)


# -- 54.5: nesting -------------------------------------------------------------------------------------------------------
def test_deeply_nested_json_is_refused_naming_the_file_not_as_a_recursion(tmp_path):
    deep = b'{"a":' * 5000 + b"1" + b"}" * 5000
    p = _safetensors(tmp_path / "deep.safetensors", deep)
    _refused_fast(read_safetensors_header, r"deep\.safetensors' is not a safetensors file Studio reads \(its header: "
                                           r"its JSON nests more than 64 levels deep", p)
    cfg = tmp_path / "config.json"
    cfg.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    _refused_fast(read_json, r"config\.json' cannot be read: its JSON nests more than 64 levels deep", str(cfg))
    meta = json.dumps({"__metadata__": {"_quantization_metadata": "[" * 3000 + "]" * 3000},
                       "x.weight": {"dtype": "BF16", "shape": [1], "data_offsets": [0, 2]}}).encode()
    p = _safetensors(tmp_path / "q.safetensors", meta)
    with open(p, "ab") as f:
        f.write(b"\0\0")
    _refused_fast(read_weight_file, r"q\.safetensors': its header's _quantization_metadata is not the JSON", p)


def test_the_json_scan_ignores_brackets_inside_strings_and_accepts_real_headers():
    assert json_limits.loads(b'{"name": "[[[[[[' + b"[" * 200 + b'"}') == {"name": "[[[[[[" + "[" * 200}
    assert json_limits.loads('{"a": [[1, 2], {"b": "}}}"}]}') == {"a": [[1, 2], {"b": "}}}"}]}
    with pytest.raises(json_limits.JSONLimitError):
        json_limits.loads("[[]," * 70 + "1" + "]" * 70)  # depth without a long run of openings
    with pytest.raises(TypeError):
        json_limits.loads(10**9)  # never bytes(10**9)


# -- 54.6: one bad file is a note in the listing -------------------------------------------------------------------------
def test_one_bad_file_is_a_note_not_the_end_of_the_listing(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "models"
    root.mkdir()
    _safetensors(root / "deep.safetensors", b'{"a":' * 5000 + b"1" + b"}" * 5000)
    _gguf_head(root / "many.gguf", 1_000_000, 0, size=32 << 20)
    ok = json.dumps({"x.weight": {"dtype": "BF16", "shape": [2], "data_offsets": [0, 4]}}).encode()
    with open(_safetensors(root / "fine.safetensors", ok), "ab") as f:
        f.write(b"\0" * 4)
    entries = {os.path.basename(e.path): e for e in catalog.list_models([str(root)], m=catalog.Machine("cpu", "x", 1))}
    assert set(entries) == {"deep.safetensors", "many.gguf", "fine.safetensors"}
    assert "nests more than 64 levels" in entries["deep.safetensors"].note
    assert "1,000,000" in entries["many.gguf"].note
    assert entries["fine.safetensors"].params == 2


# -- 54.7: no byte of a non-model file in a message -----------------------------------------------------------------------
def test_a_non_safetensors_file_is_refused_without_quoting_its_bytes(tmp_path):
    secret = tmp_path / "key.safetensors"
    secret.write_bytes(b"SECRET-KEY-0123456789abcdef" * 4)
    msg = _refused_fast(read_safetensors_header, r"key\.safetensors' is truncated or not a safetensors file \(its "
                                                 r"header length is not plausible\)", str(secret))
    assert str(struct.unpack("<Q", b"SECRET-K")[0]) not in msg and "SECRET" not in msg


# -- 54.8: a link loop; a file of no tensors ------------------------------------------------------------------------------
def test_a_symlink_loop_is_called_one_and_an_empty_file_holds_no_tensors(tmp_path):
    from nodes.video_models.files.parts import read_part
    from nodes.video_models.loading.node import find_model
    loop = tmp_path / "loop.safetensors"
    os.symlink(str(loop), str(loop))
    with pytest.raises(ModelError, match=r"loop\.safetensors' is a symbolic link loop"):
        find_model(str(loop), None)
    with pytest.raises(ModelError, match=r"loop\.safetensors': it is a symbolic link loop"):
        read_safetensors_header(str(loop))
    empty = _safetensors(tmp_path / "empty.safetensors", b"{}")
    with pytest.raises(ModelError, match=r"empty\.safetensors' was given as the VAE but is not a model Studio "
                                         r"recognises: it holds no tensors$"):
        read_part("vae", empty)
