"""``render -o OUT`` with several outputs: OUT is the video, the others beside it named by their
titles; a folder OUT names every output by its title; an OUT no output (or several) would write is
refused with a message that lists the outputs and how to choose (issue 25, point 15)."""
import os
import sys

import pytest

from studio.core.errors import StudioError
from studio.core.fileformat import load_graph
from studio.core.targets import plan_output_paths, point_outputs_at, slug, suffix_of

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLATE = os.path.join(ROOT, "assets", "graphs", "plate_cleanup.json")
DEMO = os.path.join(ROOT, "assets", "graphs", "demo.json")


def test_names_from_titles():
    assert slug("H.264 review") == "h_264_review"
    assert slug("EXR comp") == "exr_comp"
    assert slug("***") == "output"
    assert suffix_of("out/comp.####.exr") == ".####.exr"
    assert suffix_of("a/frame.%04d.png") == ".%04d.png"
    assert suffix_of("clip.final.mp4") == ".mp4"


def test_file_out_is_the_video_and_the_others_sit_beside_it(tmp_path):
    g = load_graph(PLATE)
    out = str(tmp_path / "plate.mp4")
    plan = plan_output_paths(g, out)
    assert plan["n9"] == ("path", out)  # H.264 review: the one output that writes .mp4
    assert plan["n7"] == ("path", str(tmp_path / "plate_exr_comp.####.exr"))
    assert sorted(point_outputs_at(g, out)) == ["n7", "n9"]
    assert g.nodes["n9"].params["path"] == out


def test_folder_out_names_each_output_by_its_title(tmp_path):
    g = load_graph(PLATE)
    plan = plan_output_paths(g, str(tmp_path) + os.sep)
    assert plan["n9"][1] == str(tmp_path / "h_264_review.mp4")
    assert plan["n7"][1] == str(tmp_path / "exr_comp.####.exr")
    assert not any("n7" in p or "n9" in p for _, p in plan.values())


def test_shared_titles_stay_apart(tmp_path):
    g = load_graph(PLATE)
    g.nodes["n7"].title = "Out"
    g.nodes["n9"].title = "Out"
    plan = plan_output_paths(g, str(tmp_path / "renders"))
    assert plan["n7"][1].endswith("out_n7.####.exr") and plan["n9"][1].endswith("out_n9.mp4")


def test_out_no_output_writes_is_refused_with_the_list(tmp_path):
    g = load_graph(PLATE)
    with pytest.raises(StudioError) as e:
        plan_output_paths(g, str(tmp_path / "plate.mov"))
    msg = str(e.value)
    assert "no output of this graph writes .mov" in msg
    assert "'EXR comp' (n7" in msg and "'H.264 review' (n9" in msg
    assert "-o plate/" in msg and "--set" in msg


def test_two_video_outputs_are_refused(tmp_path):
    g = load_graph(PLATE)
    s = g.add_node("io.save_video", {"path": "second.mp4"})
    g.connect("n8", "video", s.id, "video")
    with pytest.raises(StudioError, match="2 outputs write .mp4"):
        plan_output_paths(g, str(tmp_path / "plate.mp4"))


def test_one_output_writes_out_as_given(tmp_path):
    g = load_graph(DEMO)
    plan = plan_output_paths(g, str(tmp_path / "clip.mp4"))
    assert list(plan.values()) == [("path", str(tmp_path / "clip.mp4"))]
    plan = plan_output_paths(g, str(tmp_path) + os.sep)  # a folder: a file in it, named by the title
    (pname, path), = plan.values()
    assert os.path.dirname(path) == str(tmp_path) and path.endswith(".mp4")


def test_cli_render_plate_mp4_is_the_video(tmp_path, monkeypatch, capsys):
    """``main.py render``'s own entry (studio.cli.main, which main.py calls) run in this process
    from the graph's user's folder: a second Python with torch cost 2-3 s of the test's 2.5
    (test_cli.py starts main.py itself)."""
    import av

    from studio.cli import main as cli_main
    monkeypatch.chdir(tmp_path)
    rc = cli_main(["render", PLATE, "-o", "plate.mp4", "--frames", "0-1", "-q"])
    out, err = capsys.readouterr()
    assert rc == 0, err
    assert os.path.isfile(tmp_path / "plate.mp4")
    with av.open(str(tmp_path / "plate.mp4")) as c:
        assert c.streams.video
    exrs = sorted(f for f in os.listdir(tmp_path) if f.endswith(".exr"))
    assert exrs and all(f.startswith("plate_exr_comp.") for f in exrs), exrs
    # both outputs are named in the summary, the sequence by its pattern
    assert "EXR comp wrote" in out and "plate_exr_comp.####.exr" in out, out
