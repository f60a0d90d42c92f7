"""Same graph, seed and device: the same file, byte for byte, the video stream included
(issue 28: libx264's AVX-512 routines and the thread policy changed the H.264 stream)."""
from __future__ import annotations

import os

import pytest

from studio.cli import main as cli_main
from studio.engine import video_formats as vf

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _render_twice(tmp_path, name: str, frames: str) -> tuple[bytes, bytes]:
    out = str(tmp_path / f"{name}.mp4")  # one path: the graph embedded in the file names it
    got = []
    for _ in range(2):
        assert cli_main(["render", os.path.join(ROOT, "assets", "graphs", f"{name}.json"), "-o", out,
                         "--frames", frames, "-q"]) == 0
        with open(out, "rb") as f:
            got.append(f.read())
        os.unlink(out)
    return got[0], got[1]


@pytest.mark.parametrize("name,frames", [("music_visualiser", "0-35"), ("demo", "0-23")])
def test_rendering_a_template_twice_gives_the_same_bytes(tmp_path, name, frames):
    a, b = _render_twice(tmp_path, name, frames)
    assert len(a) > 1000 and a == b


def test_the_window_and_the_command_line_encode_with_the_same_threads(monkeypatch):
    from studio.engine import device
    before = device.encoder_threads()
    device.configure_threads(interactive=True)
    try:
        assert device.encoder_threads() == before  # not the window's all-cores-but-one
    finally:
        device.configure_threads(interactive=False)


def test_x264_is_held_to_avx2_only_where_avx512_is(monkeypatch):
    monkeypatch.setattr(vf, "cpu_has_avx512", lambda: True)
    assert vf.encoder_options("libx264", {"crf": "18"}) == {"crf": "18", "x264-params": "asm=AVX2,Cache64"}
    assert vf.encoder_options("libx264", {"x264-params": "log-level=error"})["x264-params"] == \
        "log-level=error:asm=AVX2,Cache64"
    assert vf.encoder_options("libx265", {"crf": "18"}) == {"crf": "18"}
    monkeypatch.setattr(vf, "cpu_has_avx512", lambda: False)
    assert vf.encoder_options("libx264", {"crf": "18"}) == {"crf": "18"}
