"""Issue 11: hostile graph files and media are refused early, in one bounded line naming the limit."""
from __future__ import annotations

import json
import os
import threading

import pytest

from studio.cli import main as cli_main
from studio.core.errors import GraphFileError, MediaError, ParamError, StudioError
from studio.core.fileformat import graph_to_dict, load_graph, parse_graph_text, save_graph
from studio.core.graph import Graph
from studio.core.limits import MAX_FRAME_PIXELS, MAX_MESSAGE_CHARS

from .media_files import png_claiming

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEMO = os.path.join(ROOT, "assets", "graphs", "demo.json")


def _demo_doc() -> dict:
    with open(DEMO, encoding="utf-8") as f:
        return json.load(f)


def _write(tmp_path, doc, name="g.json") -> str:
    p = str(tmp_path / name)
    with open(p, "w", encoding="utf-8") as f:
        json.dump(doc, f)
    return p


def test_fifo_as_graph_is_refused_without_blocking(tmp_path):
    fifo = str(tmp_path / "pipe.json")
    os.mkfifo(fifo)
    box = {}
    t = threading.Thread(target=lambda: box.setdefault("e", pytest.raises(GraphFileError, load_graph, fifo)),
                         daemon=True)
    t.start()
    t.join(10)
    if t.is_alive():  # unblock the reader so the test process can end, then fail
        with open(fifo, "w"):
            pass
        pytest.fail("loading a FIFO blocked")
    assert "FIFO" in str(box["e"].value)


def test_device_file_is_refused_not_read_forever():
    with pytest.raises(GraphFileError, match="device"):
        load_graph("/dev/zero")


def test_huge_id_gives_a_short_line(tmp_path, capsys):
    doc = _demo_doc()
    doc["nodes"][0]["id"] = "x" * 5_000_000
    rc = cli_main(["validate", _write(tmp_path, doc)])
    err = capsys.readouterr().err
    assert rc != 0
    assert len(err) < MAX_MESSAGE_CHARS + 100, len(err)
    assert err.count("\n") == 1 and "invalid node id" in err


def test_lone_surrogate_title_is_refused_at_load(tmp_path):
    text = open(DEMO, encoding="utf-8").read().replace('"id": "n4",', '"id": "n4", "title": "bad \\ud800 title",', 1)
    with pytest.raises(GraphFileError, match="surrogate") as e:
        parse_graph_text(text, source="g.json")
    assert "nodes[3].title" in str(e.value)


def test_lone_surrogate_in_a_parameter_set_from_code_or_cli_is_refused():
    g = Graph()
    t = g.add_node("io.text")
    with pytest.raises(ParamError, match="surrogate"):
        g.set_param(t.id, "text", "a \udc80 b")
    with pytest.raises(StudioError, match="surrogate"):
        g.set_title(t.id, "\ud800")


def test_unknown_parameter_is_kept_warned_and_saved_back(tmp_path, capsys):
    doc = _demo_doc()
    doc["nodes"][1]["params"]["future_knob"] = {"curve": [1, 2, 3]}
    path = _write(tmp_path, doc)
    g = load_graph(path)
    assert any("future_knob" in w for w in g.warnings())
    assert "future_knob" not in g.nodes["n2"].params  # not passed to the node
    out = str(tmp_path / "saved.json")
    save_graph(g, out)
    saved = json.load(open(out, encoding="utf-8"))
    assert saved["nodes"][1]["params"]["future_knob"] == {"curve": [1, 2, 3]}
    assert graph_to_dict(g.copy())["nodes"][1]["params"]["future_knob"] == {"curve": [1, 2, 3]}
    assert cli_main(["validate", path]) == 0
    err = capsys.readouterr().err
    assert "warning:" in err and "future_knob" in err


def test_validate_counts_problems_and_lists_them_under_one_line(tmp_path, capsys):
    doc = _demo_doc()
    doc["links"] = []  # three required inputs now unconnected
    rc = cli_main(["validate", _write(tmp_path, doc)])
    lines = capsys.readouterr().err.strip().splitlines()
    assert rc != 0
    assert lines[0] == "error: 3 problems:"
    assert len(lines) == 4 and all(l.startswith("  - ") for l in lines[1:])


def test_validate_runs_the_compile_checks_render_runs(tmp_path, capsys):
    doc = _demo_doc()
    doc["nodes"][1]["device"] = "cuda" if not _has("cuda") else "mps"
    if _has(doc["nodes"][1]["device"]):
        pytest.skip("both cuda and mps are available here")
    rc = cli_main(["validate", _write(tmp_path, doc)])
    err = capsys.readouterr().err
    assert rc != 0
    assert "Colour" in err or "n2" in err  # the per-node device error names the node
    assert "not available" in err


def _has(dev: str) -> bool:
    from studio.engine.device import available_devices
    return dev in available_devices()


def test_node_count_limit_is_named(tmp_path):
    doc = {"format": "studio-graph", "version": 1,
           "nodes": [{"id": f"n{i}", "type": "io.text"} for i in range(10_001)], "links": []}
    with pytest.raises(GraphFileError, match="MAX_NODES"):
        load_graph(_write(tmp_path, doc))


@pytest.mark.parametrize("w,h,rows", [(20000, 20000, None), (60000, 60000, 4)])
def test_huge_png_is_refused_from_its_header(tmp_path, w, h, rows):
    from nodes.io import read_image
    p = str(tmp_path / "big.png")
    png_claiming(p, w, h, rows)
    with pytest.raises(MediaError) as e:
        read_image(p)
    msg = str(e.value)
    assert "MAX_FRAME" in msg and f"{MAX_FRAME_PIXELS / 1e6:.0f} Mpx" in msg or "16384" in msg
    assert "OpenCV" not in msg and "error:" not in msg


def test_image_of_a_normal_size_still_loads(tmp_path):
    from nodes.io import read_image
    p = str(tmp_path / "small.png")
    png_claiming(p, 40, 30)
    assert read_image(p).shape == (30, 40, 3)


def test_cut_faststart_mp4_warns_with_frames_found_and_declared(tmp_path):
    from studio.engine.events import NodeMessage
    from studio.engine.executor import Executor
    full, cut = str(tmp_path / "full.mp4"), str(tmp_path / "cut.mp4")
    g = Graph()
    s = g.add_node("source.shapes", {"frames": 48, "width": 64, "height": 48, "sound": False})
    o = g.add_node("io.save_video", {"path": full, "embed_graph": False})
    g.connect(s.id, "video", o.id, "video")
    Executor().run(g)
    data = open(full, "rb").read()
    open(cut, "wb").write(data[: len(data) // 2])
    g2 = Graph()
    lv = g2.add_node("io.load_video", {"path": cut})
    pv = g2.add_node("io.preview")
    g2.connect(lv.id, "video", pv.id, "value")
    events = []
    res = Executor().run(g2, on_event=events.append)
    n = len(res.value(lv.id, "video"))
    assert 0 < n < 48
    warns = [e for e in events if isinstance(e, NodeMessage) and e.level == "warning"]
    assert len(warns) == 1 and "cut.mp4" in warns[0].text and "48" in warns[0].text and str(n) in warns[0].text


def test_raft_pickle_is_one_line(tmp_path):
    import torch

    from nodes.motion.raft import load_state_dict

    class Evil:
        def __reduce__(self):
            return (print, ("never printed",))

    p = str(tmp_path / "raft-evil.pth")
    torch.save({"w": Evil()}, p)
    with pytest.raises(StudioError) as e:
        load_state_dict(p)
    msg = str(e.value)
    assert "\n" not in msg and len(msg) < 300 and "never unpickles" in msg


def test_audio_encoder_refuses_broken_samples_without_numpy_warnings():
    import warnings

    import numpy as np

    from nodes.encoders.audio import check_audio
    from studio.core.values import Audio
    for bad in (np.array([[np.inf, -np.inf]] * 64, np.float32), np.full((64, 2), 3e38, np.float32)):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(ValueError):
                check_audio(Audio(bad, 22050))


def test_png_alpha_comes_out_as_a_mask(tmp_path):
    import cv2
    import numpy as np

    from studio.core.graph import Graph
    from studio.engine.executor import Executor
    rgba = np.zeros((6, 8, 4), np.uint8)
    rgba[..., 2] = 255      # red in BGR order
    rgba[:, :4, 3] = 255    # left half opaque, right half clear
    cv2.imwrite(str(tmp_path / "a.png"), rgba)
    g = Graph()
    n = g.add_node("io.load_image", {"path": str(tmp_path / "a.png")})
    res = Executor().run(g, targets=[n.id])
    img, alpha = res.value(n.id, "image"), res.value(n.id, "alpha")
    assert img.shape == (6, 8, 3) and np.allclose(img[0, 0], [1, 0, 0])
    assert alpha.shape == (6, 8, 1) and alpha[0, 0, 0] == 1.0 and alpha[0, 7, 0] == 0.0
    cv2.imwrite(str(tmp_path / "b.png"), rgba[..., :3])
    g.set_param(n.id, "path", str(tmp_path / "b.png"))
    assert Executor().run(g, targets=[n.id]).value(n.id, "alpha").min() == 1.0  # none: opaque
