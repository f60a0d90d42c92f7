"""Image sequences: patterns, gaps, sizes, alpha, laziness, and lossless round trips."""
import os

import cv2
import numpy as np
import pytest

from nodes.footage.sequence import LoadImageSequence, SaveImageSequence
from studio.core.errors import MediaError
from studio.core.graph import Graph
from studio.engine import sequence as S
from studio.engine.clip import ArrayClip
from studio.engine.executor import Executor
from tests.node_run import Recorder, ramp_clip, run_node


def _write_pngs(folder, names, w=8, h=6):
    os.makedirs(folder, exist_ok=True)
    for k, n in enumerate(names):
        cv2.imwrite(os.path.join(folder, n), np.full((h, w, 3), k * 10, np.uint8))


@pytest.mark.parametrize("ext,depth,tol", [("png", "16", 0.51 / 65535), ("tif", "16", 0.51 / 65535),
                                           ("exr", "float", 0.0), ("exr", "half", 1e-3), ("png", "8", 0.51 / 255)])
def test_round_trip_file_studio_file_studio(tmp_path, ext, depth, tol):
    src = ramp_clip(2, 641, 361, seed=4)
    alpha = ArrayClip(np.linspace(0, 1, 641 * 361 * 2, dtype=np.float32).reshape(2, 361, 641, 1))
    # a first file written by Studio is the "file" that comes in
    run_node(SaveImageSequence, {"path": str(tmp_path / f"a/plate.####.{ext}"), "depth": depth},
             video=src, alpha=alpha)
    first = run_node(LoadImageSequence, {"path": str(tmp_path / f"a/plate.####.{ext}")})
    run_node(SaveImageSequence, {"path": str(tmp_path / f"b/plate.%04d.{ext}"), "depth": depth},
             video=first["video"], alpha=first["alpha"])
    again = run_node(LoadImageSequence, {"path": str(tmp_path / f"b/plate.{{frame}}.{ext}")})
    for i in range(2):
        assert np.array_equal(again["video"].frame(i), first["video"].frame(i))  # lossless: exact
        assert np.array_equal(again["alpha"].frame(i), first["alpha"].frame(i))
        assert np.abs(first["video"].frame(i) - src.frame(i)).max() <= tol
        assert np.abs(first["alpha"].frame(i) - alpha.frame(i)).max() <= tol
    assert again["alpha"].channels == 1


def test_exr_keeps_values_above_one_and_16bit_keeps_precision(tmp_path):
    hdr = ArrayClip(np.array([[[[4.5, -0.25, 1e-4]]]], np.float32))
    run_node(SaveImageSequence, {"path": str(tmp_path / "h.####.exr"), "depth": "float"}, video=hdr)
    out = run_node(LoadImageSequence, {"path": str(tmp_path / "h.0000.exr")})["video"]
    assert np.array_equal(out.frame(0), hdr.frame(0))
    ramp = ArrayClip((np.arange(4096, dtype=np.float32) / 4095).reshape(1, 64, 64, 1).repeat(3, 3))
    run_node(SaveImageSequence, {"path": str(tmp_path / "r.####.png")}, video=ramp)  # auto: 16-bit
    back = run_node(LoadImageSequence, {"path": str(tmp_path / "r.####.png")})["video"].frame(0)
    assert len(np.unique(back)) == 4096  # 8 bits would collapse it to 256 levels


def test_patterns_numbered_file_and_folder_find_the_same_frames(tmp_path):
    _write_pngs(tmp_path / "s", [f"shot_v1.{n:04d}.png" for n in (1001, 1002, 1003)])
    (tmp_path / "s" / "notes_2.txt").write_text("not a frame")
    for path in ("s/shot_v1.####.png", "s/shot_v1.%04d.png", "s/shot_v1.{frame}.png",
                 "s/shot_v1.{frame:04d}.png", "s/shot_v1.1002.png", "s"):
        seq = S.find_sequence(str(tmp_path / path))
        assert seq.numbers == [1001, 1002, 1003], path
    with pytest.raises(MediaError, match="no frames match"):
        S.find_sequence(str(tmp_path / "s/other.####.png"))
    with pytest.raises(MediaError, match="not found"):
        S.find_sequence(str(tmp_path / "nope/x.####.png"))


def test_gaps_are_reported_by_name_and_held_or_closed(tmp_path):
    _write_pngs(tmp_path, [f"f.{n:03d}.png" for n in (1, 2, 5, 6)])
    rec = Recorder()
    out = run_node(LoadImageSequence, {"path": str(tmp_path / "f.###.png")}, rec)["video"]
    warn = rec.messages("warning")[0]
    assert "f.003.png" in warn and "f.004.png" in warn and "3-4" in warn
    assert len(out) == 6 and np.array_equal(out.frame(3), out.frame(1))  # held
    rec = Recorder()
    closed = run_node(LoadImageSequence, {"path": str(tmp_path / "f.###.png"), "gaps": "close"}, rec)["video"]
    assert len(closed) == 4 and "closed up" in rec.messages("warning")[0]
    with pytest.raises(MediaError, match="f.003.png"):
        run_node(LoadImageSequence, {"path": str(tmp_path / "f.###.png"), "gaps": "error"})
    part = run_node(LoadImageSequence, {"path": str(tmp_path / "f.###.png"), "first": 5})["video"]
    assert len(part) == 2


def test_mixed_sizes_are_reported_by_name(tmp_path):
    _write_pngs(tmp_path, ["m.01.png", "m.02.png"])
    cv2.imwrite(str(tmp_path / "m.03.png"), np.zeros((7, 9, 3), np.uint8))
    with pytest.raises(MediaError, match=r"m\.01\.png is 8x6 but m\.03\.png \(9x7\)"):
        run_node(LoadImageSequence, {"path": str(tmp_path / "m.##.png")})


def test_loading_is_lazy_per_frame(tmp_path, monkeypatch):
    _write_pngs(tmp_path, [f"l.{n:04d}.png" for n in range(20)])
    out = run_node(LoadImageSequence, {"path": str(tmp_path)})["video"]
    reads = []
    real = S.read_frame
    monkeypatch.setattr(S, "read_frame", lambda p: reads.append(p) or real(p))
    assert out.frame(13)[0, 0, 0] == pytest.approx(130 / 255)
    assert [os.path.basename(p) for p in reads] == ["l.0013.png"]


def test_jpeg_refuses_alpha_and_a_plain_name_gets_a_frame_number(tmp_path):
    v = ramp_clip(1, 8, 8)
    with pytest.raises(MediaError, match="JPEG has no alpha"):
        run_node(SaveImageSequence, {"path": str(tmp_path / "j.####.jpg")}, video=v,
                 alpha=ArrayClip(np.ones((1, 8, 8, 1), np.float32)))
    rec = Recorder()
    run_node(SaveImageSequence, {"path": str(tmp_path / "plain.png")}, rec, video=v)  # as the CLI's -o names it
    assert os.path.exists(tmp_path / "plain.0000.png") and "plain.####.png" in rec.messages("info")[0]
    with pytest.raises(MediaError, match="cannot hold"):
        run_node(SaveImageSequence, {"path": str(tmp_path / "j.####.jpg"), "depth": "16"}, video=v)


def test_sequence_nodes_in_a_graph(tmp_path):
    g = Graph()
    src = g.add_node("source.shapes", {"frames": 3, "width": 64, "height": 48, "sound": False})
    save = g.add_node("footage.save_sequence", {"path": str(tmp_path / "out/f.####.exr"), "depth": "float"})
    g.connect(src.id, "video", save.id, "video")
    res = Executor().run(g, targets=[save.id])
    assert sorted(os.listdir(tmp_path / "out")) == ["f.0000.exr", "f.0001.exr", "f.0002.exr"]
    back = run_node(LoadImageSequence, {"path": str(tmp_path / "out")})["video"]
    assert np.array_equal(back.frame(2), res.value(src.id, "video").frame(2))


def test_a_re_rendered_pattern_re_runs_the_loader(tmp_path):
    _write_pngs(tmp_path, ["p.0001.png", "p.0002.png"])
    g = Graph()
    load = g.add_node("footage.load_sequence", {"path": str(tmp_path / "p.####.png")})
    ex = Executor()
    first = ex.run(g, targets=[load.id])
    assert ex.run(g, targets=[load.id]).cached == [load.id]  # nothing changed: cached
    _write_pngs(tmp_path, ["p.0003.png"])  # a frame added to the sequence
    again = ex.run(g, targets=[load.id])
    assert again.executed == [load.id] and len(again.value(load.id, "video")) == 3
    assert first.signatures[load.id] != again.signatures[load.id]


def test_layered_and_luminance_exr_files(tmp_path):
    import OpenEXR
    r = np.full((4, 5), 0.1, np.float32)
    header = {"compression": OpenEXR.ZIP_COMPRESSION, "type": OpenEXR.scanlineimage}
    with OpenEXR.File(header, {"diffuse.R": r, "diffuse.G": r * 2, "diffuse.B": r * 3, "diffuse.A": r * 9,
                               "depth.Z": r * 5}) as f:
        f.write(str(tmp_path / "layer.0001.exr"))
    rgb, alpha, depth = S.read_frame(str(tmp_path / "layer.0001.exr"))
    assert rgb[0, 0] == pytest.approx([0.1, 0.2, 0.3]) and alpha[0, 0, 0] == pytest.approx(0.9)
    with OpenEXR.File(header, {"Y": r}) as f:
        f.write(str(tmp_path / "y.0001.exr"))
    rgb, alpha, _ = S.read_frame(str(tmp_path / "y.0001.exr"))
    assert rgb[0, 0] == pytest.approx([0.1] * 3) and alpha is None
