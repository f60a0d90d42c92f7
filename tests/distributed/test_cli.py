"""``main.py render --workers/--sweep`` and the errors of graphs that cannot be split."""
from __future__ import annotations

import os

import cv2
import pytest

from studio.cli import main
from studio.core.fileformat import save_graph
from studio.distributed.sweep import combinations, combo_path, parse_sweeps

from .helpers import decoded, motion_graph

pytestmark = pytest.mark.timeout(240)


def test_sweep_renders_every_combination_and_a_contact_sheet(tmp_path, capsys):
    g = motion_graph("ignored.mp4", frames=6)
    path = str(tmp_path / "g.json")
    save_graph(g, path)
    out = str(tmp_path / "out" / "clip.mp4")
    rc = main(["render", path, "-o", out, "--workers", "2", "--chunk", "8", "-q",
               "--sweep", "shapes.speed=1,4", "--sweep", "flow.method=dis_ultrafast,farneback"])
    assert rc == 0, capsys.readouterr().err
    names = sorted(os.listdir(tmp_path / "out"))
    assert names == sorted(["clip_speed-1_method-dis_ultrafast.mp4", "clip_speed-1_method-farneback.mp4",
                            "clip_speed-4_method-dis_ultrafast.mp4", "clip_speed-4_method-farneback.mp4",
                            "clip_sheet.png"])  # the job folders are gone
    sheet = cv2.imread(str(tmp_path / "out" / "clip_sheet.png"))
    assert sheet.shape[1] == 2 * 320 and sheet.shape[0] > 2 * 240  # 2 x 2 tiles with labels
    hashes = {n: decoded(str(tmp_path / "out" / n))[0][5] for n in names if n.endswith(".mp4")}
    assert len(set(hashes.values())) == 4  # every combination made its own frames
    assert "contact sheet" in capsys.readouterr().out


def test_sweep_syntax_and_names():
    assert parse_sweeps(["a.b=1, 2"]) == [("a.b", ["1", "2"])]
    assert combinations([("a.x", ["1", "2"]), ("b.y", ["u"])]) == [["a.x=1", "b.y=u"], ["a.x=2", "b.y=u"]]
    assert combo_path("/o/v.mp4", ["grade.exposure=0.5"]) == "/o/v_exposure-0.5.mp4"
    for bad in ("nodot=1", "a.b=", "a.b"):
        with pytest.raises(Exception, match="--sweep expects"):
            parse_sweeps([bad])


def test_a_graph_that_cannot_be_split_says_which_node(tmp_path, capsys):
    g = motion_graph(str(tmp_path / "a.mp4"), frames=4)
    s = g.add_node("io.save_images", {"folder": str(tmp_path / "frames")}, node_id="pngs")
    g.connect("color", "video", s.id, "video")
    path = str(tmp_path / "g.json")
    save_graph(g, path)
    rc = main(["render", path, "--workers", "2"])
    err = capsys.readouterr().err
    assert rc == 1
    assert "Save Image Sequence" in err and "would not be made" in err


def test_render_flags_become_render_options():
    from studio.cli import build_parser
    from studio.distributed.cli import options_from, wants

    p = build_parser()
    args = p.parse_args(["render", "g.json", "-o", "o.mp4", "--workers", "3", "--chunk", "16", "--resume"])
    assert wants(args)
    o = options_from(args, (0, 10))
    assert (o.workers, o.chunk, o.engine, o.resume, o.frames) == (3, 16, "local", True, (0, 10))
    o = options_from(p.parse_args(["render", "g.json", "--address", "10.0.0.1:6379"]), None)
    assert o.engine == "ray" and o.address == "10.0.0.1:6379" and o.workers == 1
    assert not wants(p.parse_args(["render", "g.json", "-o", "o.mp4"]))  # the single-process path
    for bad, msg in ((["--workers", "0"], "at least 1"), (["--engine", "local", "--address", "h:1"], "--engine ray")):
        with pytest.raises(Exception, match=msg):
            options_from(p.parse_args(["render", "g.json"] + bad), None)
