"""Mends found by the held-out set heldout83 (benchmarks/results/heldout83_2026-12-01.md): a workflow carried in a
PNG's tEXt chunk as UTF-8 text (as ComfyUI's page exports and reads one) keeps its non-Latin prompt's words. The PNG
is made here: a tiny picture, its chunks written by hand as that export writes them."""
from __future__ import annotations

import json
import struct
import zlib

from studio.convert.mapping.file import convert_file

PROMPT = "女生双手带上太阳镜，镜头拉远"


def _ui(text: str) -> dict:
    return {"last_node_id": 2, "last_link_id": 1, "version": 0.4, "links": [[1, 1, 0, 2, 0, "CONDITIONING"]],
            "nodes": [{"id": 1, "type": "CLIPTextEncode", "mode": 0, "widgets_values": [text],
                       "inputs": [{"name": "clip", "type": "CLIP", "link": None}],
                       "outputs": [{"name": "CONDITIONING", "type": "CONDITIONING", "links": [1]}]},
                      {"id": 2, "type": "ConditioningZeroOut", "mode": 0, "widgets_values": [],
                       "inputs": [{"name": "conditioning", "type": "CONDITIONING", "link": 1}],
                       "outputs": [{"name": "CONDITIONING", "type": "CONDITIONING", "links": []}]}]}


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _png(path, text: bytes, kind: bytes = b"tEXt") -> str:
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1x1, 8-bit grey
    body = b"workflow\0" + (text if kind == b"tEXt" else b"\0" + zlib.compress(text))
    raw = (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(kind, body)
           + _chunk(b"IDAT", zlib.compress(b"\0\0")) + _chunk(b"IEND", b""))
    with open(path, "wb") as f:
        f.write(raw)
    return str(path)


def _said(conv) -> str:
    """The Log and the canvas notes (where the prompt of a node not converted is given, as the workflow saved it)."""
    return "\n".join(list(conv.log) + [n.get("text", "") for n in conv.graph.ui.get("notes", [])])


def test_a_utf8_text_chunk_keeps_a_chinese_prompt_as_comfyui_s_page_reads_it(tmp_path):
    for kind in (b"tEXt", b"zTXt"):
        path = _png(tmp_path / f"w_{kind.decode()}.png", json.dumps(_ui(PROMPT), ensure_ascii=False).encode(), kind)
        conv = convert_file(path)
        said = _said(conv)
        assert json.dumps({"text": PROMPT}, ensure_ascii=False) in said, said
        assert "å" not in said  # (the mojibake Latin-1 made of it: 'å¥³ç...')


def test_latin1_text_that_is_not_utf8_is_still_read_as_latin1(tmp_path):
    words = "café crème"
    path = _png(tmp_path / "latin.png", json.dumps(_ui(words), ensure_ascii=False).encode("latin-1"))
    assert json.dumps({"text": words}, ensure_ascii=False) in _said(convert_file(path))


def test_the_sentence_checks_read_a_workflow_a_png_carries_as_convert_file_does(tmp_path):
    from benchmarks.sentence_checks import check_file
    path = _png(tmp_path / "carried.png", json.dumps(_ui(PROMPT), ensure_ascii=False).encode())
    assert check_file(path) == []  # checked (a list of violations), not passed over as no workflow (None)
