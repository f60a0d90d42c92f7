import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEMO = os.path.join(ROOT, "assets", "graphs", "demo.json")


def run(*args, cwd=None):
    env = dict(os.environ, PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, os.path.join(ROOT, "main.py"), *args], capture_output=True,
                          text=True, cwd=cwd or ROOT, env=env, timeout=240)


def test_render_demo_with_sets_and_frames(tmp_path):
    import av

    from studio.engine.media import read_graph_json
    out = tmp_path / "clip.mp4"
    r = run("render", DEMO, "-o", str(out), "--set", "n1.frames=40", "--set", "Resize.width=200",
            "--frames", "0-19", "--seed", "3", "--device", "cpu")
    assert r.returncode == 0, r.stderr
    assert "rendered" in r.stdout
    with av.open(str(out)) as c:
        assert c.streams.audio, "the render has no sound"
        v = c.streams.video[0]
        assert v.codec_context.width == 200
        assert sum(1 for _ in c.decode(v)) == 20
    g = json.loads(read_graph_json(str(out)))
    assert g["settings"]["seed"] == 3
    assert next(n for n in g["nodes"] if n["id"] == "n1")["params"]["frames"] == 40


@pytest.mark.parametrize("args,needle", [
    (["render", "missing.json", "-o", "x.mp4"], "No such file"),
    (["render", DEMO, "-o", "x.mp4", "--set", "n1.frames=lots"], "expected an integer"),
    (["render", DEMO, "-o", "x.mp4", "--set", "n1.bogus=1"], "no such parameter"),
    (["render", DEMO, "-o", "x.mp4", "--set", "nope"], "NODE.PARAM=VALUE"),
    (["render", DEMO, "-o", "x.mp4", "--set", "zz.frames=2"], "no node 'zz'"),
    (["render", DEMO, "-o", "x.mp4", "--frames", "9-3"], "empty"),
])
def test_bad_input_prints_one_line_and_fails(tmp_path, args, needle):
    r = run(*args, cwd=str(tmp_path))
    assert r.returncode != 0
    lines = [l for l in r.stderr.strip().splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and needle in lines[0], r.stderr
    assert "Traceback" not in r.stderr


def test_debug_shows_traceback(tmp_path):
    r = run("--debug", "render", "missing.json", cwd=str(tmp_path))
    assert r.returncode != 0 and "Traceback" in r.stderr


def test_validate_good_and_bad(tmp_path):
    r = run("validate", DEMO)
    assert r.returncode == 0 and "ok" in r.stdout
    doc = json.load(open(DEMO))
    doc["links"] = [l for l in doc["links"] if l["to"][0] != "n3"]  # resize loses its input
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    r = run("validate", str(bad))
    assert r.returncode != 0 and "required input 'video'" in r.stderr


def test_nodes_lists_every_node_with_ports_and_params():
    r = run("nodes", "--json")
    assert r.returncode == 0
    nodes = {n["id"]: n for n in json.loads(r.stdout)}
    assert "io.save_video" in nodes and "source.shapes" in nodes
    rs = nodes["transform.resize"]
    assert rs["inputs"][0]["type"] == "Video"
    assert any(p["name"] == "width" and p["min"] == 8 for p in rs["params"])
    text = run("nodes").stdout
    assert "transform.resize" in text and "width: int" in text
