"""Where files go (issue 48, item 12): a graph shipped in the install (assets/graphs) rendered in
place writes its relative outputs (renders and checkpoints) into the project folder, as the window
does when it opens a template, and `main.py render` says each file's absolute path; a user's graph
keeps "relative paths mean next to the graph file"."""
import os
import shutil
import subprocess
import sys
import time

from studio.core.assets import TEMPLATES_DIR
from studio.core.fileformat import load_graph
from studio.core.graph import Graph
from studio.engine.executor import written_files
from studio.engine.plan import compile_plan

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _params(graph) -> dict[str, dict]:
    return {s.node.id: s.params for s in compile_plan(graph, check_only=True).steps}


def test_shipped_template_writes_into_the_project_folder_and_reads_its_media(tmp_path, monkeypatch):
    proj = tmp_path / "proj"
    monkeypatch.setenv("STUDIO_PROJECT_DIR", str(proj))
    p = _params(load_graph(str(TEMPLATES_DIR / "text_to_video_gpu.json")))
    assert p["train"]["checkpoint"] == str(proj / "out" / "text_to_video_gpu.safetensors")
    assert p["save"]["path"] == str(proj / "out" / "text_to_video_gpu.mp4")
    m = _params(load_graph(str(TEMPLATES_DIR / "motion_transfer.json")))
    reads = [v for ps in m.values() for k, v in ps.items() if isinstance(v, str) and v.endswith((".png", ".mp4"))]
    assert os.path.normpath(str(TEMPLATES_DIR / ".." / "media" / "still.png")) in reads  # its media: the install's
    assert str(proj / "out" / "motion_transfer.mp4") in reads


def test_user_graph_writes_next_to_its_file(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_PROJECT_DIR", str(tmp_path / "proj"))
    mine = tmp_path / "mine"
    mine.mkdir()
    shutil.copy(TEMPLATES_DIR / "text_to_video_gpu.json", mine / "t.json")
    p = _params(load_graph(str(mine / "t.json")))
    assert p["train"]["checkpoint"] == str(mine / "out" / "text_to_video_gpu.safetensors")


def test_render_of_the_demo_in_place_says_where_the_file_went(tmp_path):
    proj = tmp_path / "proj"
    shipped = TEMPLATES_DIR / "out" / "demo.mp4"
    before = os.path.getmtime(shipped) if shipped.exists() else None
    env = dict(os.environ, PYTHONPATH=ROOT, STUDIO_PROJECT_DIR=str(proj))
    r = subprocess.run([sys.executable, os.path.join(ROOT, "main.py"), "render", str(TEMPLATES_DIR / "demo.json"),
                        "--set", "n1.frames=3"], capture_output=True, text=True, cwd=str(tmp_path), env=env,
                       timeout=240)
    assert r.returncode == 0, r.stderr
    out = proj / "out" / "demo.mp4"
    assert out.is_file() and f"wrote {out}" in r.stdout
    assert f"its outputs go to {proj}" in r.stderr
    assert (os.path.getmtime(shipped) if shipped.exists() else None) == before  # nothing written in the install


def test_a_checkpoint_written_is_reported_with_its_absolute_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    g = Graph()
    d = g.add_node("gen.dataset_synthetic", {})
    t = g.add_node("gen.train", {"checkpoint": "c.safetensors"})
    g.connect(d.id, "dataset", t.id, "dataset")
    g.base_dir = str(tmp_path)
    st = next(s for s in compile_plan(g, check_only=True).steps if s.node.id == t.id)
    since = time.time()
    assert written_files(st, since) == []  # not written: not reported
    (tmp_path / "c.safetensors").write_bytes(b"x")
    assert written_files(st, since) == [str(tmp_path / "c.safetensors")]
    assert written_files(st, since + 60) == []  # an old file the run did not touch
