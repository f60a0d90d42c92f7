"""Hostile ComfyUI workflows (issue 54): a model chain wired in a circle, a LoRA loader linked to
itself, nested powers in a math expression and deep nesting end promptly in words; values Studio
cannot take are said with what is used instead; names saved on Windows are found; the node types
not converted are named by `main.py convert`."""
from __future__ import annotations

import json
import os
import threading
import time

import pytest

from studio.cli import main as cli_main
from studio.convert.mapping.file import convert_file
from studio.convert.mapping.convert import convert
from studio.convert.reading.primitives import evaluate
from studio.convert.reading.workflow import WorkflowError

templates = pytest.importorskip("comfyui_workflow_templates_json")
TEMPLATES = os.path.join(os.path.dirname(templates.__file__), "templates")


def _doc(name="text_to_video_wan"):
    with open(os.path.join(TEMPLATES, name + ".json"), encoding="utf-8") as f:
        return json.load(f)


def _promptly(fn, seconds=20.0):
    """``fn()``'s value, where it ends within ``seconds`` of its own thread's CPU time (the machine's load does not
    count: the wall-clock cap, six times that and at least a minute, only ends a converter that never would)."""
    box: dict = {}

    def work():
        start = time.thread_time()
        try:
            box["value"] = fn()
        except BaseException as e:  # noqa: BLE001 - handed to the test
            box["error"] = e
        box["cpu"] = time.thread_time() - start
    t = threading.Thread(target=work, daemon=True)
    t.start()
    t.join(max(60.0, 6 * seconds))
    assert not t.is_alive(), "the converter did not end"
    assert box["cpu"] <= seconds, f"the converter took {box['cpu']:.1f} s of CPU (at most {seconds} s)"
    if "error" in box:
        raise box["error"]
    return box["value"]


def _node(doc, cls):
    return next(n for n in doc["nodes"] if n["type"] == cls)


def _relink(doc, node, input_name, src, slot=0):
    """Wire ``node``'s input ``input_name`` from ``src``'s output ``slot`` (a new link)."""
    lid = max(l[0] for l in doc["links"]) + 1
    doc["links"].append([lid, src["id"], slot, node["id"], 0, "MODEL"])
    for i in node["inputs"]:
        if i["name"] == input_name:
            if i.get("link") is not None:
                doc["links"] = [l for l in doc["links"] if l[0] != i["link"]]
            i["link"] = lid
            return
    node["inputs"].append({"name": input_name, "type": "MODEL", "link": lid})


def test_a_model_chain_wired_in_a_circle_ends(tmp_path):
    doc = _doc()
    ms, ks = _node(doc, "ModelSamplingSD3"), _node(doc, "KSampler")
    _relink(doc, ms, "model", ks)  # ModelSamplingSD3 <- KSampler <- ModelSamplingSD3
    conv = _promptly(lambda: convert(doc, "circle.json"))
    assert conv.pipelines == 1
    assert any("no model loader found" in str(n.get("text")) for n in conv.graph.ui.get("notes", []))


def test_a_lora_loader_linked_to_itself_ends():
    doc = _doc()
    ms = _node(doc, "ModelSamplingSD3")
    lora = {"id": 900, "type": "LoraLoaderModelOnly", "pos": [0, 0], "mode": 0, "inputs": [],
            "outputs": [{"name": "MODEL", "type": "MODEL", "links": []}],
            "widgets_values": ["loop.safetensors", 1.0]}
    doc["nodes"].append(lora)
    _relink(doc, lora, "model", lora)  # its own input from its own output
    _relink(doc, ms, "model", lora)
    conv = _promptly(lambda: convert(doc, "selfloop.json"))
    assert conv.pipelines == 1


def test_nested_powers_are_refused_by_the_size_of_their_result():
    e = "((((((((((((((9**8)**8)**8)**8)**8)**8)**8)**8)**8)**8)**8)**8)**8)**8)"
    assert _promptly(lambda: evaluate(e, {}), 5.0) is None
    assert _promptly(lambda: evaluate("a*b*a*b", {"a": 10 ** 150, "b": 10 ** 150}), 5.0) is None
    assert evaluate("2**8*3", {}) == 768 and evaluate("(9.0**8)**8**8", {}) is None
    assert evaluate("floor(16*5)+1", {}) == 81


def test_values_studio_cannot_take_are_said_with_what_is_used():
    doc = _doc()
    _node(doc, "EmptyHunyuanLatentVideo")["widgets_values"] = [10 ** 6, -64, 10 ** 9, 1]
    _node(doc, "KSampler")["widgets_values"] = [2 ** 200, "randomize", 10 ** 12, 1e308, "uni_pc", "simple", 1]
    next(n for n in doc["nodes"] if n["id"] == 6)["widgets_values"] = ["x" * 300_000]
    conv = convert(doc, "big.json")
    log = "\n".join(conv.log)
    for said in ("'steps' 1000000000000 not taken", "500 used instead", "'guidance' 1e+308 not taken",
                 "30.0 used instead", "'width' 1000000 not taken", "4096 used instead", "'height' -64 not taken",
                 "'frames' 1000000000 not taken", "(299,962 more characters) not taken", "is past Studio's range"):
        assert said in log, said
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video")
    assert gen.params["steps"] == 500 and gen.params["width"] == 4096 and len(gen.params["prompt"]) == 100_000
    assert "steps 500," in log and "steps 1000000000000," not in log  # the summary says what the node holds
    note = "\n".join(str(n.get("text")) for n in conv.graph.ui["notes"])
    assert "'steps' 1000000000000 not taken" in note


def test_deeply_nested_workflow_is_refused_in_one_line(tmp_path):
    p = tmp_path / "deep.json"
    p.write_text('{"nodes": ' + "[" * 200_000 + "]" * 200_000 + "}")
    with pytest.raises(WorkflowError) as e:
        _promptly(lambda: convert_file(str(p)))
    assert "deep.json" in str(e.value) and "nests" in str(e.value) and "Recursion" not in str(e.value)


def test_a_name_saved_on_windows_is_found(tmp_path, monkeypatch):
    from studio.core import models
    d = tmp_path / "models" / "diffusion_models" / "wan_video"
    d.mkdir(parents=True)
    (d / "model.safetensors").write_bytes(b"\0" * 8)
    root = str(tmp_path / "models")
    assert models.resolve("wan_video\\model.safetensors", None, [root]) == str(d / "model.safetensors")
    assert models.resolve("..\\..\\etc\\passwd", None, [root]) is None  # still kept inside the folders
    home = tmp_path / "home"
    (home / "x").mkdir(parents=True)
    (home / "x" / "m.safetensors").write_bytes(b"\0" * 8)
    monkeypatch.setenv("HOME", str(home))
    assert models.resolve("~/x/m.safetensors", None, [root])  # typed with '/', the home folder is meant
    for name in ("~\\x\\m.safetensors", "\\" + str(home / "x" / "m.safetensors").lstrip("/").replace("/", "\\")):
        assert models.resolve(name, None, [root]) is None, name  # with '\\': a relative name only


def test_an_image_named_on_windows_is_read_with_slashes():
    doc = _doc("image_to_video_wan")
    _node(doc, "LoadImage")["widgets_values"][0] = "inputs\\fox.png"
    conv = convert(doc, "i2v.json")
    load = next(n for n in conv.graph.nodes.values() if n.type_id == "io.load_image")
    assert load.params["path"] == "inputs/fox.png"
    _node(doc, "LoadImage")["widgets_values"][0] = "\\etc\\fox.png"
    load = next(n for n in convert(doc, "i2v.json").graph.nodes.values() if n.type_id == "io.load_image")
    assert load.params["path"] == "\\etc\\fox.png"  # not made absolute


def test_convert_names_the_node_types_it_did_not_convert(tmp_path, capsys):
    doc = _doc()
    doc["nodes"].append({"id": 901, "type": "SomePackNode", "pos": [0, 0], "mode": 0, "outputs": [],
                         "inputs": [{"name": "vae", "type": "VAE", "link": 901}], "widgets_values": []})
    doc["links"].append([901, 39, 0, 901, 0, "VAE"])  # given the VAE: one joined to none is passed over
    doc["nodes"].append({"id": 902, "type": "OtherPackNode", "pos": [0, 0], "mode": 4, "inputs": [], "outputs": [],
                         "widgets_values": []})  # a bypassed copy: said as one (issue 75, item 8)
    src = tmp_path / "wf.json"
    src.write_text(json.dumps(doc))
    assert cli_main(["convert", str(src), "-o", str(tmp_path / "wf.studio.json")]) in (0, 1)
    out = capsys.readouterr().out
    line = next(l for l in out.splitlines() if "not converted (listed in a note" in l)
    assert "SomePackNode" in line and "SomePackNode (" not in line
    assert "OtherPackNode (bypassed in ComfyUI)" in line


def test_loader_gguf_is_a_model_loader():
    doc = _doc()
    unet = _node(doc, "UNETLoader")
    unet["type"], unet["widgets_values"] = "LoaderGGUF", ["wan2.1-t2v-1.3b-Q8_0.gguf"]
    conv = convert(doc, "gguf.json")
    load = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.load")
    assert load.params["model"] == "wan2.1-t2v-1.3b-Q8_0.gguf"



def _math_chain(n: int, self_loop: bool = False) -> dict:
    """An API workflow whose KSampler's steps come from ``n`` math nodes, each reading the one
    before twice (2**n paths), or one math node reading itself."""
    doc = {"0": {"class_type": "PrimitiveInt", "inputs": {"value": 1}}}
    for i in range(1, n + 1):
        src = str(i) if self_loop else str(i - 1)
        doc[str(i)] = {"class_type": "ComfyMathExpression",
                       "inputs": {"expression": "a+b", "values.a": [src, 1], "values.b": [src, 1]}}
    doc["k"] = {"class_type": "KSampler", "inputs": {"seed": 1, "steps": [str(n), 1], "cfg": 5.0,
                                                      "sampler_name": "euler", "scheduler": "simple"}}
    doc["s"] = {"class_type": "SaveVideo", "inputs": {"video": ["k", 0], "filename_prefix": "x"}}
    return doc


def test_math_nodes_read_twice_in_a_chain_or_in_a_circle_end():
    conv = _promptly(lambda: convert(_math_chain(40), "dag.json"), 10.0)
    log = "\n".join(conv.log)
    assert "'steps' 1099511627776 not taken" in log and "500 used instead" in log  # 2**40, 2**40 paths
    assert _promptly(lambda: convert(_math_chain(200), "deep.json"), 10.0).pipelines == 1  # past MAX_DEPTH
    conv = _promptly(lambda: convert(_math_chain(1, self_loop=True), "self.json"), 10.0)
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video")
    assert conv.pipelines == 1 and gen.params["steps"] == 25  # no constant: the default


def test_expressions_that_cannot_be_worked_out_are_not_constants():
    assert _promptly(lambda: evaluate("round(5, -a)", {"a": 2 ** 1000}), 5.0) is None
    assert _promptly(lambda: evaluate("round(5, -(9**8)**8)", {}), 5.0) is None
    for e in ("floor(1e308*10)", "int(1e308*10)", "round(1e308*10)", "int(1e308*10-1e308*10)", "round(1.5, 2.5)"):
        assert evaluate(e, {}) is None, e
    assert evaluate("round(1234, -2)", {}) == 1200 and evaluate("floor(2.5)+ceil(2.5)", {}) == 5


def test_a_subgraph_holding_copies_of_itself_is_refused_in_words():
    sub = {"id": "S", "nodes": [{"id": i, "type": "S"} for i in range(10)], "links": [], "inputs": [], "outputs": []}
    doc = {"nodes": [{"id": 1, "type": "S"}], "links": [], "definitions": {"subgraphs": [sub]}}
    with pytest.raises(WorkflowError, match=r"'bomb.json': .*subgraph counted once per use, pass 60,000"):
        _promptly(lambda: convert(doc, "bomb.json"))


def test_an_output_fed_by_thousands_of_samplers_is_kept_as_notes_promptly():
    doc = {"0": {"class_type": "EmptyHunyuanLatentVideo", "inputs": {"width": 512, "height": 512, "length": 33}}}
    for i in range(1, 3001):
        doc[str(i)] = {"class_type": "KSampler", "inputs": {"latent_image": [str(i - 1), 0], "steps": 20}}
    doc["s"] = {"class_type": "SaveVideo", "inputs": {"video": ["3000", 0]}}
    conv = _promptly(lambda: convert(doc, "many.json"), 10.0)
    assert conv.pipelines == 0 and "is fed by 3,000 samplers" in "\n".join(conv.log)


def test_numbers_past_a_float_or_not_numbers_are_said():
    doc = _doc()
    _node(doc, "KSampler")["widgets_values"] = [float("inf"), "fixed", float("inf"), 10 ** 400, "uni_pc", "simple", 1]
    _node(doc, "ModelSamplingSD3")["widgets_values"] = [10 ** 400]
    _node(doc, "CreateVideo")["widgets_values"] = [10 ** 400]
    conv = _promptly(lambda: convert(doc, "vals.json"))
    log = "\n".join(conv.log)
    for said in ("'steps' inf not taken", "its default 25 used", "'seed' inf not taken",
                 "'guidance' 1000000000000000000000000000000000000000… (361 more characters) not taken",
                 "'fps' 1000000000000000000000000000000000000000… (361 more characters) not taken", "240.0 used instead",
                 "'shift' 1000000000000000000000000000000000000000… (361 more characters) not taken"):
        assert said in log, said


def test_file_names_in_long_settings_are_found_in_linear_time():
    """The ledger's search for file names in a node's settings (a timeline editor's JSON) reads an extension first and
    walks back to the name: a 300,000-character setting without spaces, or one of 75,000 extensions, ends promptly
    (a pattern reading names forwards had taken minutes on the hostile prompt above)."""
    from studio.convert.takes.ledger import named_files
    from studio.convert.reading.workflow import CNode
    for text in ("a" * 300_000, ".png" * 75_000, "x.png " * 50_000):
        assert len(_promptly(lambda: named_files(CNode("1", "X", widgets={"a": text})), 5.0)) <= 1
    names = named_files(CNode("2", "X", widgets={"a": '{"i": "/view?filename=shot.jpg&type=input", "s": "voice.wav"}'}))
    assert names == ["shot.jpg", "voice.wav"]
