"""Issue 76, build item 3: every file a graph reads goes through one checked open (studio.core.checked_open):
opened without blocking, fstat'ed (a regular file, its size bounded), placed (the opened descriptor's real path
inside the folders a graph may read) and only then read. A file swapped between the validate and the run's open
for a link leading outside, or for a FIFO, is refused at the open, naming the node and the cause; nothing of the
file outside is read or quoted."""
from __future__ import annotations

import os

import cv2
import numpy as np
import pytest

from studio.core import checked_open as C
from studio.core.errors import NodeExecutionError
from studio.core.graph import Graph
from studio.engine.executor import Executor

from .test_confinement import place  # noqa: F401 - the fixture

SECRET = b"SECRET-7f3a"


def _png(path, value=128) -> str:
    cv2.imwrite(str(path), np.full((4, 4, 3), value, np.uint8))
    return str(path)


def _loading(g_dir) -> Graph:
    """Load Image of 'clip.png' beside the graph into a Preview: the graph's one read."""
    g = Graph()
    load = g.add_node("io.load_image", {"path": "clip.png"})
    show = g.add_node("io.preview", {})
    g.connect(load.id, "image", show.id, "value")
    g.base_dir = str(g_dir)
    return g


def _swapped(place, monkeypatch, swap):  # noqa: F811
    """Validate (compile) a graph whose image lies beside it, ``swap`` the image, run the checked plan: the
    run's error, with every image decode counted (none may reach a file swapped in)."""
    g_dir, out, _home = place
    _png(g_dir / "clip.png")
    ex = Executor()
    plan = ex.compile(_loading(g_dir))  # validate passes: the image is a regular file inside the graph's folder
    decoded = []
    real_imread = cv2.imread
    monkeypatch.setattr(cv2, "imread", lambda p, *a: decoded.append(p) or real_imread(p, *a))
    os.remove(g_dir / "clip.png")
    swap(g_dir / "clip.png", out)
    with pytest.raises(NodeExecutionError) as e:
        ex.run(plan)
    return str(e.value), decoded


def test_an_image_swapped_for_a_link_outside_after_validate_is_refused_unread(place, monkeypatch):  # noqa: F811
    def link_out(path, out):
        secret = _png(out / "secret.png", 7)
        with open(secret, "ab") as f:
            f.write(SECRET)
        os.symlink(secret, path)
    text, decoded = _swapped(place, monkeypatch, link_out)
    assert "'Load Image' (n1)" in text and "outside the folders a graph may read" in text, text
    assert "nothing of it was read" in text and SECRET.decode() not in text
    assert decoded == []  # the image library never opened it


def test_an_image_swapped_for_a_fifo_after_validate_is_refused_without_blocking(place, monkeypatch):  # noqa: F811
    text, decoded = _swapped(place, monkeypatch, lambda path, out: os.mkfifo(path))
    assert "'Load Image' (n1)" in text and "named pipe (FIFO), not a regular file" in text, text
    assert decoded == []


def test_a_file_swapped_between_the_check_and_the_open_is_refused(tmp_path, monkeypatch):
    """The readers' own stat check passes, then the name becomes a FIFO, a link out, /dev/zero: the open refuses
    what it opened, in words, without blocking and before a byte."""
    inside, out = tmp_path / "in", tmp_path / "out"
    inside.mkdir()
    out.mkdir()
    (out / "secret.csv").write_bytes(SECRET)
    f = inside / "tracks.csv"
    swaps = {"fifo": lambda: os.mkfifo(f), "link out": lambda: os.symlink(out / "secret.csv", f),
             "device": lambda: os.symlink("/dev/zero", f)}
    words = {"fifo": "named pipe (FIFO)", "link out": "outside the folders a graph may read", "device": "a device"}
    for name, swap in swaps.items():
        f.write_bytes(b"frame,x,y\n")

        def checked_then_swapped(path, swap=swap):
            os.remove(f)
            swap()
            return None
        monkeypatch.setattr(C, "regular_file_problem", checked_then_swapped)
        with C.reading_within([str(inside)]), pytest.raises(ValueError) as e:
            C.read_bounded(str(f), 1 << 20, "tracks file")
        assert words[name] in str(e.value) and SECRET.decode() not in str(e.value), (name, e.value)
        os.remove(f)


def test_the_open_bounds_size_and_kind_and_hands_libraries_the_checked_file(tmp_path):
    sparse = tmp_path / "huge.csv"
    with open(sparse, "wb") as fh:
        fh.truncate(3 << 30)  # 3 GB of nothing on disk
    with pytest.raises(C.ReadRefused, match="larger than 67 MB"):
        C.read_checked(str(sparse), 64 << 20, "tracks file")
    with pytest.raises(C.ReadRefused, match="a folder, not a regular file"):
        C.open_checked(str(tmp_path))
    link = tmp_path / "link.csv"
    os.symlink(tmp_path / "a.csv", link)
    (tmp_path / "a.csv").write_bytes(b"1,2\n")
    with pytest.raises(C.ReadRefused, match="a link, where a file was expected"):
        C.open_checked(str(link), follow_links=False)
    with C.reading_within([str(tmp_path)]):
        assert C.read_checked(str(link), 100) == b"1,2\n"  # a link inside the folders: read
        with C.library_path(str(link)) as opened:
            os.remove(link)  # the name goes: the library still opens the checked file
            with open(opened, "rb") as fh:
                assert fh.read() == b"1,2\n"
    assert C.roots_in_force() is None


def test_a_wrong_typed_safetensors_header_is_refused_without_quoting_it(tmp_path):
    """Speech Features' audio encoder and a training checkpoint read their headers with Studio's own reader:
    safetensors' own error quoted the header's text ('invalid type: string "SECRET-7f3a"')."""
    import json
    import struct

    from nodes.encoders.speech_file import SpeechFileError, read_header
    from nodes.generators import checkpoint
    from studio.core.errors import StudioError
    head = json.dumps({"w": {"dtype": "F32", "shape": [2], "data_offsets": [SECRET.decode(), 8]}}).encode()
    f = tmp_path / "enc.safetensors"
    f.write_bytes(struct.pack("<Q", len(head)) + head + bytes(8))
    with pytest.raises(SpeechFileError) as e:
        read_header(str(f), "Speech Features")
    assert "not a valid safetensors file" in str(e.value) and SECRET.decode() not in str(e.value)
    with pytest.raises(StudioError) as e:
        checkpoint._header_shapes(str(f))
    assert "corrupt or not safetensors" in str(e.value) and SECRET.decode() not in str(e.value)


def test_a_fifo_opened_in_the_window_is_refused_without_blocking(tmp_path):
    """File > Open read a file's first bytes with a plain open to tell a graph from a clip: a FIFO named
    'clip.mp4' hung the window."""
    from studio.core.errors import StudioError
    from studio.ui.window.files import read_graph_file
    os.mkfifo(tmp_path / "clip.mp4")
    with pytest.raises(StudioError, match="named pipe \\(FIFO\\), not a regular file"):
        read_graph_file(str(tmp_path / "clip.mp4"))


def test_a_models_folders_links_are_followed_wherever_they_lead(tmp_path):
    """A checkpoint linked into the models folder from another disk (a common ComfyUI set-up; the Hugging Face
    cache's snapshots too) is the user's own: read during a run; the same link in the graph's folder is not."""
    graph, models, disk = tmp_path / "graph", tmp_path / "models", tmp_path / "disk"
    for d in (graph, models, disk):
        d.mkdir()
    (disk / "w.safetensors").write_bytes(b"weights")
    os.symlink(disk / "w.safetensors", models / "w.safetensors")
    os.symlink(disk / "w.safetensors", graph / "w.safetensors")
    with C.reading_within([str(graph), str(models)], links=[str(models)]):
        assert C.read_checked(str(models / "w.safetensors"), 100) == b"weights"
        with pytest.raises(C.ReadRefused, match="outside the folders a graph may read"):
            C.read_checked(str(graph / "w.safetensors"), 100)


def test_a_fifo_caption_or_captions_csv_in_a_dataset_is_refused_without_blocking(tmp_path):
    """A dataset's captions were opened plainly: a FIFO named like a clip's caption hung the training."""
    from nodes.generators.dataset import read_captions
    from studio.core.errors import MediaError
    os.mkfifo(tmp_path / "clip.txt")
    with pytest.raises(MediaError, match="caption .*named pipe \\(FIFO\\), not a regular file"):
        read_captions(str(tmp_path), ["clip.mp4"])
    os.remove(tmp_path / "clip.txt")
    os.mkfifo(tmp_path / "captions.csv")
    with pytest.raises(MediaError, match="captions file .*named pipe \\(FIFO\\)"):
        read_captions(str(tmp_path), ["clip.mp4"])
