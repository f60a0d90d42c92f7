"""A graph from elsewhere writes only where the user allowed (issue 23): the path cases an outside
battery found writing where they should not, and their variants. Each is refused by validate and
by render before anything runs, with one line naming the node, the path and how to allow it, and
nothing is written outside. Runs the CLI in this process (fast); the settings, the project folder
and the allowed folders are this test's own."""
from __future__ import annotations

import json
import os

import pytest

from studio import cli
from studio.core import confine
from studio.core.fileformat import graph_to_dict
from studio.core.graph import Graph


@pytest.fixture
def place(tmp_path, monkeypatch):
    """A graph folder, an outside folder and a home, with nothing else allowed."""
    monkeypatch.delenv("STUDIO_ALLOWED_DIRS", raising=False)
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("STUDIO_PROJECT_DIR", str(tmp_path / "project"))
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    confine.forget_session()
    g = tmp_path / "shared"
    g.mkdir()
    out = tmp_path / "outside"
    out.mkdir()
    yield g, out, home
    confine.forget_session()


def shapes_graph(frames: int = 3) -> tuple[Graph, str]:
    g = Graph()
    src = g.add_node("source.shapes", {"frames": frames, "width": 32, "height": 32, "sound": False})
    return g, src.id


def write(graph: Graph, folder) -> str:
    path = os.path.join(str(folder), "graph.json")
    with open(path, "w") as f:
        json.dump(graph_to_dict(graph), f)
    return path


def save_video_graph(path_value: str) -> Graph:
    g, src = shapes_graph()
    s = g.add_node("io.save_video", {"path": path_value})
    g.connect(src, "video", s.id, "video")
    return g


def refused(capsys, *argv) -> str:
    code = cli.main(list(argv))
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0, err
    assert len(err) == 1 and err[0].startswith("error:"), err
    return err[0]


def listing(folder) -> set[str]:
    return {os.path.relpath(os.path.join(r, f), folder) for r, _, fs in os.walk(folder) for f in fs}


def test_home_dotfile_is_refused_and_untouched(place, capsys):
    g_dir, _out, home = place
    (home / ".bashrc").write_text("alias ll='ls -l'\n")
    gp = write(save_video_graph("~/.bashrc"), g_dir)
    for cmd in ("validate", "render"):
        line = refused(capsys, cmd, gp)
        assert "outside the folders a graph may write into" in line and "--allow-dir" in line
        assert "Preferences" in line and "Save Video" in line
    assert (home / ".bashrc").read_text() == "alias ll='ls -l'\n"
    assert listing(home) == {".bashrc"}


def test_a_name_without_extension_gets_one_added_never_dropped(place, capsys):
    g_dir, _out, _home = place
    (g_dir / ".bashrc").write_text("keep")
    gp = write(save_video_graph(".bashrc"), g_dir)  # inside the graph's folder: allowed
    assert cli.main(["render", gp, "-q"]) == 0
    assert (g_dir / ".bashrc").read_text() == "keep"
    assert (g_dir / ".bashrc.mp4").stat().st_size > 0
    assert ".bashrc.mp4" in capsys.readouterr().out


def test_writing_over_an_input_of_the_same_graph_is_refused(place, capsys):
    g_dir, _out, _home = place
    first = write(save_video_graph("in.mp4"), g_dir)
    assert cli.main(["render", first, "-q"]) == 0
    before = (g_dir / "in.mp4").read_bytes()
    capsys.readouterr()
    for alias in ("in.mp4", "./sub/../in.mp4", str(g_dir / "in.mp4")):
        os.makedirs(g_dir / "sub", exist_ok=True)
        g = Graph()
        load = g.add_node("io.load_video", {"path": "in.mp4"})
        s = g.add_node("io.save_video", {"path": alias})
        g.connect(load.id, "video", s.id, "video")
        gp = write(g, g_dir)
        line = refused(capsys, "render", gp)
        assert "would write over" in line and "Load Video" in line, line
    # a hard link to the input is the same file too
    os.link(g_dir / "in.mp4", g_dir / "hard.mp4")
    g = Graph()
    load = g.add_node("io.load_video", {"path": "in.mp4"})
    s = g.add_node("io.save_video", {"path": "hard.mp4"})
    g.connect(load.id, "video", s.id, "video")
    assert "would write over" in refused(capsys, "validate", write(g, g_dir))
    assert (g_dir / "in.mp4").read_bytes() == before


def test_symlinked_file_and_folder_leading_out_are_outside(place, capsys):
    g_dir, out, _home = place
    victim = out / "victim.mp4"
    victim.write_bytes(b"precious")
    (g_dir / "out").mkdir()
    os.symlink(victim, g_dir / "out" / "clip.mp4")
    os.symlink(out, g_dir / "linked")
    for value in ("out/clip.mp4", "linked/clip.mp4", "linked/deeper/new/clip.mp4"):
        gp = write(save_video_graph(value), g_dir)
        line = refused(capsys, "render", gp)
        assert "outside" in line and str(out) in line, line
    assert victim.read_bytes() == b"precious"
    assert listing(out) == {"victim.mp4"}


def test_checkpoint_with_dotdot_is_refused_with_its_json(place, capsys):
    g_dir, _out, _home = place
    g = Graph()
    ds = g.add_node("gen.dataset_synthetic", {"count": 4})
    tr = g.add_node("gen.train", {"checkpoint": "../../../x.safetensors", "steps": 1})
    g.connect(ds.id, "dataset", tr.id, "dataset")
    gp = write(g, g_dir)
    for cmd in ("validate", "render"):
        line = refused(capsys, cmd, gp)
        assert "x.safetensors" in line and "outside" in line, line
    root = os.path.dirname(os.path.dirname(os.path.dirname(str(g_dir))))
    assert not os.path.exists(os.path.join(root, "x.safetensors"))
    assert not os.path.exists(os.path.join(root, "x.json"))


@pytest.mark.parametrize("pattern,needle", [
    ("{0.__class__.__mro__}.png", "never evaluated"),
    ("{0.__class__}_####.png", "never evaluated"),
    ("../../pat_{:d}.png", None),                  # the folder leaves the graph's: outside
    ("pat_{:999999999d}.png", "MAX_PATTERN_WIDTH"),
    ("pat_{frame}_{frame}.png", "tokens"),
    ("pat_{frame}{x}.png", "never evaluated"),
])
def test_sequence_patterns_are_patterns(place, capsys, pattern, needle):
    g_dir, _out, _home = place
    g, src = shapes_graph()
    s = g.add_node("footage.save_sequence", {"path": pattern})
    g.connect(src, "video", s.id, "video")
    gp = write(g, g_dir)
    line = refused(capsys, "render", gp)
    assert (needle or "outside") in line, line
    assert len(line) < 700
    assert listing(g_dir) == {"graph.json"}


@pytest.mark.parametrize("node,port", [("io.save_images", "video"), ("motion.save_flo", "flow")])
@pytest.mark.parametrize("pattern", ["{0.__class__}", "../x_{}.png", "x_{:999999999d}.png", "x.png"])
def test_save_images_pattern_is_never_evaluated(place, capsys, pattern, node, port):
    g_dir, _out, _home = place
    g, src = shapes_graph()
    if port == "flow":
        f = g.add_node("motion.optical_flow", {})
        g.connect(src, "video", f.id, "video")
        src = f.id
    s = g.add_node(node, {"folder": "frames", "pattern": pattern})
    g.connect(src, port, s.id, port)
    line = refused(capsys, "validate", write(g, g_dir))
    assert "pattern" in line
    assert listing(g_dir) == {"graph.json"}


def test_allowing_a_folder_lets_the_graph_write_there(place, capsys):
    g_dir, out, _home = place
    target = out / "clip.mp4"
    gp = write(save_video_graph(str(target)), g_dir)
    refused(capsys, "render", gp)
    assert not target.exists()
    assert cli.main(["render", gp, "-q", "--allow-dir", str(out)]) == 0
    assert target.stat().st_size > 0
    confine.forget_session()
    # -o is the user's own choice: its folder is allowed
    other = out / "o" / "via_o.mp4"
    assert cli.main(["render", gp, "-q", "-o", str(other)]) == 0 and other.exists()
    confine.forget_session()
    # the settings' allowed folders (Preferences) are allowed too
    from studio.core.settings import save_settings
    save_settings({"allowed_dirs": [str(out)]})
    os.unlink(target)
    assert cli.main(["render", gp, "-q"]) == 0 and target.exists()


def test_model_name_with_dotdot_stays_in_the_models_folders(place, tmp_path):
    from studio.core import models
    mdir = tmp_path / "models"
    mdir.mkdir()
    secret = tmp_path / "secret.safetensors"
    secret.write_bytes(b"x")
    (mdir / "ok.safetensors").write_bytes(b"x")
    assert models.resolve("ok.safetensors", None, [str(mdir)]) == str(mdir / "ok.safetensors")
    assert models.resolve("../secret.safetensors", None, [str(mdir)]) is None
    assert models.resolve("sub/../../secret.safetensors", str(mdir), [str(mdir)]) is None


def test_sequence_only_render_exits_0_and_reports_its_frames(place, capsys):
    g_dir, _out, _home = place
    g, src = shapes_graph(frames=4)
    s = g.add_node("footage.save_sequence", {"path": "render/f.####.png", "depth": "8"})
    g.connect(src, "video", s.id, "video")
    gp = write(g, g_dir)
    assert cli.main(["render", gp]) == 0
    out = capsys.readouterr().out
    assert f"wrote {g_dir / 'render' / 'f.####.png'} (4 frames)" in out, out
    assert sorted(os.listdir(g_dir / "render")) == [f"f.{i:04d}.png" for i in range(4)]


def test_a_chunked_render_checks_its_output_before_making_a_job(place, capsys):
    from studio.distributed.render import RenderOptions, render
    g_dir, out, _home = place
    g = save_video_graph(str(out / "clip.mp4"))
    g.base_dir = str(g_dir)
    with pytest.raises(confine.OutsideAllowedError):
        render([(g, None)], RenderOptions(workers=1, chunk=8))
    assert listing(out) == set() and listing(g_dir) == set()
    gp = write(save_video_graph(str(out / "clip.mp4")), g_dir)
    assert "outside" in refused(capsys, "render", gp, "--workers", "2")
    assert listing(out) == set()


def test_a_side_branch_that_would_write_outside_is_left_out_not_run(place):
    """F5 in the window runs side branches when they can run: a Train node whose checkpoint would
    land outside is left out with the reason; the outputs still run."""
    from studio.engine.executor import Executor
    g_dir, out, _home = place
    g = save_video_graph("clip.mp4")
    g.base_dir = str(g_dir)
    ds = g.add_node("gen.dataset_synthetic", {"count": 4})
    tr = g.add_node("gen.train", {"checkpoint": str(out / "x.safetensors"), "steps": 1})
    g.connect(ds.id, "dataset", tr.id, "dataset")
    save = next(n.id for n in g.nodes.values() if n.type_id == "io.save_video")
    plan = Executor().compile(g, [save], side_targets=[tr.id])
    assert "outside" in plan.left_out[tr.id]
    assert {s.node.id for s in plan.steps} == {save, next(iter(g.nodes))}
    with pytest.raises(confine.OutsideAllowedError):
        Executor().compile(g, [save, tr.id])  # asked for by name: refused


def test_a_symlink_inside_the_folder_to_the_input_is_the_input(place, capsys):
    g_dir, _out, _home = place
    first = write(save_video_graph("in.mp4"), g_dir)
    assert cli.main(["render", first, "-q"]) == 0
    before = (g_dir / "in.mp4").read_bytes()
    (g_dir / "out").mkdir()
    os.symlink(g_dir / "in.mp4", g_dir / "out" / "alias.mp4")
    g = Graph()
    load = g.add_node("io.load_video", {"path": "in.mp4"})
    s = g.add_node("io.save_video", {"path": "out/alias.mp4"})
    g.connect(load.id, "video", s.id, "video")
    capsys.readouterr()
    assert "would write over" in refused(capsys, "render", write(g, g_dir))
    assert (g_dir / "in.mp4").read_bytes() == before


def test_overlaps_of_patterns_and_files(tmp_path):
    for n in (1, 2):
        (tmp_path / f"plate.{n:04d}.exr").write_bytes(b"x")
    (tmp_path / "in.mp4").write_bytes(b"x")
    (tmp_path / "frames").mkdir()
    reads = [("seq", str(tmp_path / "plate.####.exr")), ("clip", str(tmp_path / "in.mp4")),
             ("one", str(tmp_path / "plate.0001.exr")), ("dir", str(tmp_path / "frames"))]
    cases = {str(tmp_path / "plate.%04d.exr"): {"seq", "one"},      # the same frames, spelled otherwise
             str(tmp_path / "plate.0002.exr"): {"seq"},             # one frame of the sequence read
             str(tmp_path / "sub" / ".." / "in.mp4"): {"clip"},
             str(tmp_path / "frames" / "f.####.png"): {"dir"},      # into the folder of frames read
             str(tmp_path / "plate.{frame}.png"): set(),            # another extension: other files
             str(tmp_path / "out.mp4"): set()}
    for w, want in cases.items():
        assert {r for _, r in confine.overlaps([("w", w)], reads)} == want, w
