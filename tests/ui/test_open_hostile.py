"""File > Open of a hostile .json (issue 54): refused in the Log naming the file, never a traceback."""
import pytest


@pytest.mark.parametrize("doc", ["workflow", "graph"])
def test_file_open_of_a_deeply_nested_json_says_so_in_the_log(qtbot, open_window, tmp_path, doc):
    """File > Open of a nested .json (one that looks like a ComfyUI workflow, or like a Studio graph)
    is refused in the Log naming the file: no traceback out of the window's handler, the graph kept."""
    win = open_window()
    before = dict(win.doc.graph.nodes)
    p = tmp_path / "deep.json"
    head = '{"nodes": ' if doc == "workflow" else '{"format": "studio-graph", "version": 1, "nodes": '
    p.write_text(head + "[" * 100_000 + "]" * 100_000 + "}")
    assert win.files.open_path(str(p), ask=False) is False
    log = win.log_view.toPlainText()
    assert "deep.json" in log and "Traceback" not in log
    assert win.doc.graph.nodes.keys() == before.keys()


@pytest.mark.timeout(60)
def test_file_open_of_a_workflow_with_a_lora_loader_linked_to_itself_converts(qtbot, open_window, tmp_path):
    """File > Open of a ComfyUI workflow whose LoRA loader takes its own output as its model (a
    small file that once froze the window, growing without end): converted, said in the Log."""
    import json
    import os
    templates = pytest.importorskip("comfyui_workflow_templates_json")
    with open(os.path.join(os.path.dirname(templates.__file__), "templates", "text_to_video_wan.json"),
              encoding="utf-8") as f:
        doc = json.load(f)
    ms = next(n for n in doc["nodes"] if n["type"] == "ModelSamplingSD3")
    lid = max(l[0] for l in doc["links"]) + 1
    doc["nodes"].append({"id": 900, "type": "LoraLoaderModelOnly", "pos": [0, 0], "mode": 0,
                         "inputs": [{"name": "model", "type": "MODEL", "link": lid}],
                         "outputs": [{"name": "MODEL", "type": "MODEL", "links": [lid, lid + 1]}],
                         "widgets_values": ["loop.safetensors", 1.0]})
    old = next(i for i in ms["inputs"] if i["name"] == "model")["link"]
    doc["links"] = [l for l in doc["links"] if l[0] != old] + [[lid, 900, 0, 900, 0, "MODEL"],
                                                               [lid + 1, 900, 0, ms["id"], 0, "MODEL"]]
    next(i for i in ms["inputs"] if i["name"] == "model")["link"] = lid + 1
    p = tmp_path / "selfloop.json"
    p.write_text(json.dumps(doc))
    win = open_window()
    assert win.files.open_path(str(p), ask=False) is True
    assert win.files.conversions.wait()  # converted on its thread
    log = win.log_view.toPlainText()
    assert "converted the ComfyUI workflow" in log and "selfloop.json" in log and "Traceback" not in log
    assert any(n.type_id == "video_models.lora" and n.params["lora"] == "loop.safetensors"
               for n in win.doc.graph.nodes.values())


def test_file_open_of_a_graph_named_otherwise_opens_it(qtbot, open_window, tmp_path):
    """A graph written under another name ('main.py convert wf.json -o wf.studio', seen under Xvfb: "carries no
    Studio graph") opens as the graph it is; a media file still goes to the rendered-clip reader."""
    from studio.core.fileformat import save_graph
    from studio.core.graph import Graph
    g = Graph()
    g.add_node("io.load_video", {"path": "clip.mp4"}, node_id="src")
    p = tmp_path / "wf.studio"
    save_graph(g, str(p))
    win = open_window()
    assert win.files.open_path(str(p), ask=False) is True
    assert list(win.doc.graph.nodes) == ["src"]
    media = tmp_path / "clip.mp4"
    media.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64)
    assert win.files.open_path(str(media), ask=False) is False
    assert "clip.mp4" in win.log_view.toPlainText()
