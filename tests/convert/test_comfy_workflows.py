"""ComfyUI's official video workflows (the comfyui-workflow-templates-json package, MIT: read where
pip installed it, nothing copied) and an API JSON become Studio graphs that validate, with the
workflow's numbers; every node not converted is a note; File > Open and main.py convert take them;
two converted graphs render on tiny models."""
from __future__ import annotations

import json
import os
import shutil

import pytest

from studio.cli import main as cli_main
from studio.convert.mapping.file import convert_file, is_comfy_file
from studio.convert.mapping.convert import convert
from studio.convert.reading.primitives import evaluate
from studio.convert.reading.workflow import Workflow, WorkflowError
from studio.core.fileformat import load_graph

templates = pytest.importorskip("comfyui_workflow_templates_json")  # a test dependency (pyproject [test])
TEMPLATES = os.path.join(os.path.dirname(templates.__file__), "templates")
DATA = os.path.join(os.path.dirname(__file__), "data")
S31 = 2 ** 31

# template -> (generator, steps, cfg, ComfyUI seed, width, height, frames, fps), read off each JSON by hand
EXPECTED = {
    "text_to_video_wan": ("text_to_video", 30, 6.0, None, 832, 480, 33, 16.0),
    "image_to_video_wan": ("image_to_video", 20, 6.0, 987948718394761, 512, 512, 33, 16.0),
    "wan2.1_flf2v_720_f16": ("image_to_video", 20, 3.0, None, 720, 1280, 33, 16.0),
    "video_wan2_2_14B_t2v": ("text_to_video", 20, 3.5, 923510416338945, 640, 640, 81, 16.0),  # length: floor(16*5)+1
    "video_wan2_2_14B_i2v": ("image_to_video", 20, 3.5, None, 640, 640, 81, 16.0),
    "video_wan2_2_14B_flf2v": ("image_to_video", 20, 4.0, 984937593540091, 640, 640, 81, 16.0),
    "video_wan2_2_5B_ti2v": ("text_to_video", 20, 5.0, None, 1280, 704, 121, 24.0),  # its LoadImage bypassed
    "video_wan_vace_14B_t2v": ("wan_vace", 4, 1.0, None, 1280, 720, 81, 16.0),
    "video_wan_vace_14B_ref2v": ("wan_vace", 4, 1.0, None, 768, 768, 81, 16.0),
    "video_wan_vace_14B_v2v": ("wan_vace", 4, 1.0, None, 720, 720, 81, 16.0),
    "video_wan_vace_flf2v": ("wan_vace", 20, 6.0, 989352111712134, 512, 512, 81, 16.0),
    "video_wan_vace_outpainting": ("wan_vace", 3, 1.0, None, 960, 960, 81, 16.0),
    "ltxv_text_to_video": ("text_to_video", 30, 3.0, None, 768, 512, 97, 24.0),
    "ltxv_image_to_video": ("image_to_video", 30, 3.0, 712395695050634, 768, 512, 97, 24.0),
    "video_ltx2_t2v": ("ltx2", 20, 4.0, 10, 640, 360, 121, 24.0),  # sampled at 640x360, then LTX-2 Latent Upscale x2
    "video_ltx2_i2v": ("ltx2", 20, 4.0, 10, 640, 360, 121, 25.0),  # the input resized to 1280x720, sampled at half
    "video_ltx2_t2v_distilled": ("ltx2", 8, 1.0, 45, 640, 360, 121, 24.0),
}
TWO_STAGES = ("video_ltx2_t2v", "video_ltx2_i2v", "video_ltx2_t2v_distilled")  # LTX-2 -> LTX-2 Latent Upscale -> Save


def _doc(name):
    with open(os.path.join(TEMPLATES, name + ".json"), encoding="utf-8") as f:
        return json.load(f)


def _all_nodes(doc):
    return list(doc["nodes"]) + [n for sg in (doc.get("definitions") or {}).get("subgraphs") or [] for n in sg["nodes"]]


def _gen(g):
    return next(n for n in g.nodes.values() if n.type_id.startswith("video_models.") and
                n.type_id not in ("video_models.load", "video_models.lora") and n.mode == "normal")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_official_workflow_converts_with_its_numbers(name):
    kind, steps, cfg, seed, w, h, frames, fps = EXPECTED[name]
    conv = convert(_doc(name), name)
    g = conv.graph
    assert g.validate() == []
    assert conv.pipelines >= 1
    gen = _gen(g)
    p = gen.params
    assert gen.type_id == f"video_models.{kind}"
    assert (p["steps"], p["guidance"], p["width"], p["height"], p["frames"], p["fps"]) == (steps, cfg, w, h, frames, fps)
    if seed is not None:
        assert p["seed"] == seed % S31
    assert p["prompt"].strip()
    load = next(n for n in g.nodes.values() if n.type_id == "video_models.load" and n.mode == "normal")
    assert load.params["model"].endswith(".safetensors")
    assert g.input_link(gen.id, "model") is not None
    save = next(n for n in g.nodes.values() if n.type_id == "io.save_video" and n.mode == "normal")
    src = g.input_link(save.id, "video").src
    if name in TWO_STAGES:  # the take upscaled x2 and refined before it is saved
        assert g.nodes[src].type_id == "video_models.ltx2_latent_upscale" and g.nodes[src].params["refine"]
        src = g.input_link(src, "video").src
    assert src == gen.id
    notes = g.ui.get("notes") or []
    assert any("nearest diffusers scheduler" in n["text"] for n in notes)


UNCONVERTED = {"Canny", "GetVideoComponents", "PreviewImage", "SolidMask", "ImagePadForOutpaint", "ManualSigmas",
               "RepeatImageBatch"}  # LTX-2's LTXVLatentUpsampler and its loader: LTX-2 Latent Upscale


@pytest.mark.parametrize("name", ["video_wan_vace_14B_v2v", "video_wan_vace_outpainting", "video_wan_vace_14B_ref2v"])
def test_every_node_not_converted_is_a_note_with_its_settings(name):
    wf = Workflow.read(_doc(name))
    g = convert(_doc(name), name).graph
    text = "\n".join(n["text"] for n in g.ui["notes"])
    kept = [n for n in wf.nodes.values() if n.cls in UNCONVERTED and f"({n.cls}, #{n.id})" in text]
    missing = [n for n in wf.nodes.values() if n.cls in UNCONVERTED and f"({n.cls}, #{n.id})" not in text
               and n.cls not in ("ManualSigmas",)]  # read as the second pass's sigmas when it is used
    assert kept and not missing
    for n in kept:  # a note lists the node's settings (a node passed over: a wired one as the value wired in)
        for k, v in list(n.settings().items())[:2]:
            if isinstance(v, (int, float)) and not isinstance(v, bool) and k not in n.links:
                assert json.dumps(v) in text
    md = [n for n in wf.nodes.values() if n.cls == "MarkdownNote"]
    assert all(str(n.widgets["text"])[:40] in text for n in md)  # ComfyUI's own notes kept as notes


def test_wan22_two_experts_and_the_lightning_switch():
    g = convert(_doc("video_wan2_2_14B_t2v")).graph
    gen, notes = _gen(g), "\n".join(n["text"] for n in g.ui["notes"])
    assert gen.params["guidance_2"] == 3.5  # the low-noise sampler's cfg
    load = next(n for n in g.nodes.values() if n.type_id == "video_models.load")
    assert (load.params["model"], load.params["model_2"]) == ("wan2.2_t2v_high_noise_14B_fp8_scaled.safetensors",
                                                              "wan2.2_t2v_low_noise_14B_fp8_scaled.safetensors")
    assert "wan2.2_t2v_low_noise_14B_fp8_scaled.safetensors" in notes and "boundary_ratio" in notes
    assert "steps 10-20" in notes and "shift 5 " in notes
    assert gen.params["sampler"] == "euler" and gen.params["shift"] == pytest.approx(5.0)
    # the switch is off: the 20-step path, and no lightning LoRA on the model
    assert not [n for n in g.nodes.values() if n.type_id == "video_models.lora"]
    doc = _doc("video_wan2_2_14B_t2v")  # the switch on, as the subgraph's 'enable_turbo_mode' would set it
    inner = doc["definitions"]["subgraphs"][0]["nodes"]
    next(n for n in inner if n["type"] == "PrimitiveBoolean")["widgets_values"] = [True]
    g = convert(doc).graph
    gen, notes = _gen(g), "\n".join(n["text"] for n in g.ui["notes"])
    assert (gen.params["steps"], gen.params["guidance"]) == (4, 1.0)
    # each lightning LoRA on its own expert (Video LoRA's 'expert'), chained high then low
    loras = [n for n in g.nodes.values() if n.type_id == "video_models.lora"]
    assert [(n.params["lora"], n.params["expert"]) for n in loras] == [
        ("wan2.2_t2v_lightx2v_4steps_lora_v1.1_high_noise.safetensors", "high noise"),
        ("wan2.2_t2v_lightx2v_4steps_lora_v1.1_low_noise.safetensors", "low noise")]
    assert "not applied" not in notes
    load = next(n for n in g.nodes.values() if n.type_id == "video_models.load")
    chain, at = [gen.id], gen.id
    while g.input_link(at, "model") is not None:
        at = g.input_link(at, "model").src
        chain.append(at)
    assert chain == [gen.id, loras[1].id, loras[0].id, load.id]


def test_hunyuan_video_15_dual_clip_loader_gives_both_text_encoders():
    g = convert(_doc("video_hunyuan_video_1.5_720p_t2v")).graph
    load = next(n for n in g.nodes.values() if n.type_id == "video_models.load")
    assert (load.params["text_encoder"], load.params["text_encoder_2"], load.params["vae"]) == (
        "qwen_2.5_vl_7b_fp8_scaled.safetensors", "byt5_small_glyphxl_fp16.safetensors",
        "hunyuanvideo15_vae_fp16.safetensors")
    notes = "\n".join(n["text"] for n in g.ui["notes"])
    assert "takes it from 'base'" not in notes  # both set on the loader, neither said to come from a folder


def test_api_json_with_a_lora_and_a_node_studio_lacks():
    conv = convert_file(os.path.join(DATA, "wan21_t2v_api.json"))
    g = conv.graph
    assert g.validate() == []
    gen = _gen(g)
    assert gen.type_id == "video_models.text_to_video"
    p = gen.params
    assert (p["prompt"], p["negative_prompt"], p["steps"], p["guidance"], p["seed"]) == \
        ("a red fox running through snow", "blurry, static", 30, 6.0, 1234)
    assert (p["width"], p["height"], p["frames"], p["fps"]) == (832, 480, 33, 16.0)
    lora = next(n for n in g.nodes.values() if n.type_id == "video_models.lora")
    assert lora.params == {"lora": "my_style.safetensors", "strength": 0.8, "expert": "auto"}
    assert g.input_link(gen.id, "model").src == lora.id
    notes = "\n".join(n["text"] for n in g.ui["notes"])
    assert "'ImageSharpen' (ImageSharpen, #11)'s sharpen of the take (its 'image') before 'SaveAnimatedWEBP' (#12) " \
        "writes it: Studio's Sharpen after the generator" in notes  # read by its declared widgets (fx2)
    assert "UniPCMultistepScheduler" in notes and "shift 8 " in notes
    assert (p["sampler"], p["shift"]) == ("unipc", 8.0)
    save = next(n for n in g.nodes.values() if n.type_id == "io.save_animation")  # (anim25: its WEBP; was an MP4)
    assert save.params["path"] == "out/fox.webp" and save.params["lossless"] is False and save.params["quality"] == 90


def test_kjnodes_diffusion_model_loader_reads_its_file_and_says_what_it_adds():
    """KJNodes' DiffusionModelLoaderKJ in place of UNETLoader: the same model file, generator and values; a state
    dict merged in and its attention patch said (the generator's own speed settings are Studio's)."""
    with open(os.path.join(DATA, "wan21_t2v_api.json"), encoding="utf-8") as f:
        doc = json.load(f)
    doc["1"] = {"class_type": "DiffusionModelLoaderKJ", "inputs": {
        "model_name": "wan2.1_t2v_1.3B_fp16.safetensors", "weight_dtype": "default", "compute_dtype": "default",
        "patch_cublaslinear": False, "sage_attention": "auto", "enable_fp16_accumulation": False,
        "extra_state_dict": ["13", 0]}}
    doc["13"] = {"class_type": "PrimitiveString", "inputs": {"value": "/models/vace_module.safetensors"}}
    conv = convert(doc, "kj_loader")
    g = conv.graph
    assert g.validate() == []
    gen = _gen(g)
    assert gen.type_id == "video_models.text_to_video" and (gen.params["steps"], gen.params["seed"]) == (30, 1234)
    load = next(n for n in g.nodes.values() if n.type_id == "video_models.load")
    assert load.params["model"] == "wan2.1_t2v_1.3B_fp16.safetensors"
    notes = "\n".join(n["text"] for n in g.ui["notes"])
    assert ("'DiffusionModelLoaderKJ' (DiffusionModelLoaderKJ, #1)'s extra_state_dict '/models/vace_module.safetensors' "
            "(from 'PrimitiveString' (PrimitiveString, #13)), a state dict it merges into its model 'wan2.1_t2v_1.3B_fp16.safetensors': not taken, Load "
            "Video Model reads the model file alone") in notes  # (merged for a Wan VACE take: test_comfy_vace_modules_two)
    assert "sage_attention: the generator's own speed settings" in notes


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8-sig", "utf-32"])
def test_a_workflow_saved_in_utf16_or_with_a_bom_is_read(tmp_path, encoding):
    """Windows tools save text as UTF-16 (PowerShell's '>' redirect: with a BOM) or UTF-8 with a BOM: the file is read
    as it was written (an artist's UTF-16 workflow had been refused with Python's codec error)."""
    with open(os.path.join(DATA, "wan21_t2v_api.json"), encoding="utf-8") as f:
        text = f.read()
    path = tmp_path / "wf.json"
    path.write_bytes(text.encode(encoding))
    assert is_comfy_file(str(path))
    p = _gen(convert_file(str(path)).graph).params
    assert (p["prompt"], p["steps"], p["seed"]) == ("a red fox running through snow", 30, 1234)
    path.write_bytes(b"\xff\xfe\x00\xd8")  # a lone surrogate: not text in any of them
    with pytest.raises(WorkflowError, match="wf.json"):
        convert_file(str(path))


@pytest.mark.parametrize("raw, words", [
    (b"\xff\xfe\x00\xd8", "it reads as UTF-16 text, but from byte 2 on it is not UTF-16"),  # a lone surrogate
    (b"\xff\xfe{\x00}\x00\x00", "it reads as UTF-16 text, but from byte 6 on it is not UTF-16"),  # cut short
    (b"\xff\xfe\x00\x00\x00\x00\x11\x00", "it reads as UTF-32 text, but from byte 4 on it is not UTF-32"),
    (b'{"a": "\xff"}', "it reads as UTF-8 text, but from byte 7 on it is not UTF-8")])
def test_a_workflow_that_is_not_the_text_it_begins_as_is_refused_in_words(tmp_path, raw, words):
    """Issue 101: said in plain words naming the file, not in Python's codec words ('illegal UTF-16 surrogate')."""
    path = tmp_path / "wf.json"
    path.write_bytes(raw)
    with pytest.raises(WorkflowError) as e:
        convert_file(str(path))
    assert str(e.value).startswith("'wf.json' is not a workflow: ") and words in str(e.value)
    assert "codec" not in str(e.value) and "surrogate" not in str(e.value)


def test_damaged_workflows_convert_or_say_why_in_one_error():
    """Values swapped for junk anywhere in real workflows: a graph that validates and saves, or a
    WorkflowError; never another exception."""
    import random

    from studio.core.fileformat import graph_to_json, parse_graph_text
    rng = random.Random(0)
    junk = [None, -1, 10 ** 30, "x", [], {}, [1, 2], 1.5, True, "\U0001f642" * 10]
    for _ in range(120):
        doc = _doc(rng.choice(["image_to_video_wan", "video_wan2_2_14B_t2v", "video_ltx2_t2v", "video_wan_vace_flf2v"]))
        slots = []

        def walk(x):
            for k, v in (x.items() if isinstance(x, dict) else enumerate(x) if isinstance(x, list) else ()):
                slots.append((x, k))
                walk(v)
        walk(doc)
        for _ in range(rng.randint(1, 5)):
            c, k = rng.choice(slots)
            c[k] = rng.choice(junk)
        try:
            g = convert(doc, "damaged").graph
        except WorkflowError:
            continue
        g.validate()
        parse_graph_text(graph_to_json(g))


def test_math_expressions_read_numbers_only():
    assert evaluate("floor(a * b) + 1", {"a": 16.0, "b": 5.0}) == 81
    assert evaluate("__import__('os').system('x')", {}) is None
    assert evaluate("a ** 100000", {"a": 10}) is None
    assert evaluate("a / 0", {"a": 1}) is None


def test_not_a_workflow_is_one_clear_error(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": [1, 2]}')
    with pytest.raises(WorkflowError, match="not a ComfyUI workflow"):
        convert_file(str(bad))
    assert not is_comfy_file(str(bad))
    assert cli_main(["convert", str(bad), "-o", str(tmp_path / "g.json")]) == 1
    assert "not a ComfyUI workflow" in capsys.readouterr().err
    assert not (tmp_path / "g.json").exists()


def test_cli_convert_writes_a_graph_that_loads(tmp_path, capsys):
    src = tmp_path / "image_to_video_wan.json"
    shutil.copy(os.path.join(TEMPLATES, "image_to_video_wan.json"), src)
    out = tmp_path / "graph.json"
    assert cli_main(["convert", str(src), "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert "video_models.image_to_video" in said and f"wrote {out}" in said
    g = load_graph(str(out))
    assert _gen(g).params["steps"] == 20 and len(g.ui["notes"]) >= 2
    assert is_comfy_file(str(src)) and not is_comfy_file(str(out))  # a Studio graph is not taken for one


def test_file_open_converts_into_an_untitled_graph(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    from studio.ui.window.main_window import MainWindow
    win = MainWindow()
    asked = []
    win.files.ask_unsaved = lambda: asked.append(win.files.not_on_disk) or "discard"
    qtbot.addWidget(win)
    src = tmp_path / "video_wan2_2_14B_i2v.json"
    shutil.copy(os.path.join(TEMPLATES, "video_wan2_2_14B_i2v.json"), src)
    assert win.files.open_path(str(src), ask=False)
    assert win.files.converting  # on its thread: the window answers meanwhile
    assert win.files.conversions.wait()
    g = win.doc.graph
    assert win.doc.path is None  # untitled: Save asks where
    assert _gen(g).params["frames"] == 81
    log = win.log_view.toPlainText()
    assert "converted the ComfyUI workflow" in log and "video_models.image_to_video" in log
    assert win.isWindowModified()  # not on disk as a graph: closing asks, naming the workflow
    assert win.close() and asked == ["converted from the ComfyUI workflow video_wan2_2_14B_i2v.json"]


def _tiny_single_file(models, base_dir, name, sub="transformer"):
    """A diffusers folder's denoiser copied under the workflow's file name in the models folder."""
    os.makedirs(models, exist_ok=True)
    shutil.copy(os.path.join(base_dir, sub, "diffusion_pytorch_model.safetensors"), os.path.join(models, name))


@pytest.mark.parametrize("name, fixture", [("text_to_video_wan", "wan_dir"), ("ltxv_text_to_video", "ltx_dir")])
def test_converted_workflow_renders_on_a_tiny_model(name, fixture, tmp_path, monkeypatch, request):
    from studio.engine.executor import Executor
    from studio.engine.media import probe
    base = request.getfixturevalue(fixture)
    models = tmp_path / "models"
    monkeypatch.setenv("STUDIO_MODELS", str(models))
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "no-hf-cache"))
    g = convert(_doc(name), name).graph
    load, gen = next(n for n in g.nodes.values() if n.type_id == "video_models.load"), _gen(g)
    _tiny_single_file(str(models), base, load.params["model"])  # the workflow's own file name, found there
    g.set_param(load.id, "base", base)  # its text encoder and VAE: a diffusers folder (the note says so)
    if "wan" in name:  # Wan's CLIPLoader and VAELoader files are set where Load Video Model takes them
        assert load.params["text_encoder"] == "umt5_xxl_fp8_e4m3fn_scaled.safetensors"
        assert load.params["vae"] == "wan_2.1_vae.safetensors"
        for k in ("text_encoder", "vae"):  # the tiny model's text encoder is a T5 (a UMT5 file: test_comfy_parts)
            g.set_param(load.id, k, "")
    else:  # LTX-Video's T5 file is set (the VAE is the checkpoint's); the tiny model's T5 comes from 'base' here
        assert load.params["text_encoder"] == "t5xxl_fp16.safetensors" and not load.params.get("vae")
        g.set_param(load.id, "text_encoder", "")
    for k, v in (("width", 32), ("height", 32), ("steps", 2), ("frames", 9 if "ltx" in name else 5),
                 ("preview_size", "off")):
        g.set_param(gen.id, k, v)
    out = tmp_path / "out.mp4"
    save = next(n for n in g.nodes.values() if n.type_id == "io.save_video")
    g.set_param(save.id, "path", str(out))
    Executor(frame_caching=False).run(g, device="cpu")
    info = probe(str(out))
    assert info["frames"] == (9 if "ltx" in name else 5) and info["width"] == 32


def test_the_official_ltx2_workflow_renders_from_comfyuis_files_with_no_folder(tmp_path, monkeypatch):
    """video_ltx2_t2v: its checkpoint and its Gemma file (LTXAVTextEncoderLoader) set on Load Video
    Model, found under the workflow's names in a ComfyUI models folder holding a tiny LTX-2's files;
    no diffusers folder: the graph renders picture and sound."""
    from studio.engine.executor import Executor
    from studio.engine.media import probe
    from tests.video_models import tiny_ltx2_parts as tl
    models = tmp_path / "ComfyUI" / "models"
    monkeypatch.setenv("STUDIO_MODELS", str(models))
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "no-hf-cache"))
    doc = _doc("video_ltx2_t2v")
    loras = [n.params["lora"] for n in convert(doc).graph.nodes.values() if n.type_id == "video_models.lora"]
    assert loras == ["ltx-2-19b-distilled-lora-384.safetensors"]  # the camera LoRA bypassed; the second stage's own
    for n in _all_nodes(doc):  # the camera LoRA switched on, as the user would
        if n["type"] == "LoraLoaderModelOnly":
            n["mode"] = 0
    g = convert(doc, "video_ltx2_t2v").graph
    load, gen = next(n for n in g.nodes.values() if n.type_id == "video_models.load"), _gen(g)
    assert (load.params["model"], load.params["text_encoder"], load.params["base"]) == (
        "ltx-2-19b-dev-fp8.safetensors", "gemma_3_12B_it_fp4_mixed.safetensors", "")
    notes = "\n".join(n["text"] for n in g.ui["notes"])
    assert "takes it from 'base'" not in notes  # the text encoder and the audio VAE (the checkpoint's) both read
    files = tl.write_files(tl.build(str(tmp_path / "ltx2-tiny")), str(tmp_path / "tiny-files"))
    os.makedirs(models / "checkpoints")
    shutil.copy(files["checkpoint"], models / "checkpoints" / load.params["model"])
    shutil.copytree(tmp_path / "tiny-files", models / "text_encoders")  # the Gemma file and tokenizer/ beside it
    os.rename(models / "text_encoders" / os.path.basename(files["text_encoder"]),
              models / "text_encoders" / load.params["text_encoder"])
    os.remove(models / "text_encoders" / os.path.basename(files["checkpoint"]))
    lora = g.nodes[g.input_link(gen.id, "model").src]
    second = g.nodes[g.input_link(up_of(g).id, "model").src]  # the second pass's own chain: camera <- distilled <- load
    distilled = g.nodes[g.input_link(second.id, "model").src]
    assert (lora.params["lora"], second.params["lora"], distilled.params["lora"]) == (
        "ltx-2-19b-lora-camera-control-dolly-left.safetensors", "ltx-2-19b-lora-camera-control-dolly-left.safetensors",
        "ltx-2-19b-distilled-lora-384.safetensors")
    assert g.input_link(distilled.id, "model").src == g.input_link(lora.id, "model").src == load.id
    from nodes.video_models.loading.node import LoRA
    assert "LoRA file 'ltx-2-19b-lora-camera-control-dolly-left.safetensors' not found" in \
        LoRA.preflight(lora.params, None)[0]  # said before the run, naming where Studio looked
    for n in (lora, distilled):  # in loras/, as ComfyUI has them
        _tiny_ltx2_lora(files["checkpoint"], str(models / "loras" / n.params["lora"]))
    for k, v in (("width", 64), ("height", 64), ("steps", 2), ("frames", 9), ("preview_size", "off")):
        g.set_param(gen.id, k, v)
    up = up_of(g)
    assert (up.params["upsampler"], up.params["sigmas"]) == ("ltx-2-spatial-upscaler-x2-1.0.safetensors",
                                                             "0.909375, 0.725, 0.421875")
    _tiny_upsampler(str(models / "latent_upscale_models" / up.params["upsampler"]))  # where ComfyUI has it
    assert up.params["refine"] is True
    # the refine pass is checked against diffusers in tests/video_models/test_ltx2_upsample.py; these tiny part
    # files' audio VAE keeps 4 latent statistics for 8 packed audio features (a real one: 128 for 128), which the
    # refine's held sound cannot normalise, so here the upsampler alone runs
    g.set_param(up.id, "refine", False)
    assert g.validate() == [] and LoRA.preflight(lora.params, None) == LoRA.preflight(distilled.params, None) == []
    out = tmp_path / "out.mp4"
    save = next(n for n in g.nodes.values() if n.type_id == "io.save_video")
    g.set_param(save.id, "path", str(out))
    Executor(frame_caching=False).run(g, device="cpu")
    info = probe(str(out))
    # the take at 64x64, upscaled x2: 128x128, with LTX-2's sound
    assert (info["frames"], info["width"], info["height"]) == (9, 128, 128) and info.get("audio_codec")


def up_of(g):
    return next(n for n in g.nodes.values() if n.type_id == "video_models.ltx2_latent_upscale")


def _tiny_upsampler(out: str) -> None:
    """A released-style latent upsampler file (its config in the metadata) for the tiny LTX-2's 8 latent channels."""
    import torch
    from diffusers.pipelines.ltx2.latent_upsampler import LTX2LatentUpsamplerModel
    from safetensors.torch import save_file
    torch.manual_seed(0)
    cfg = {"in_channels": 8, "mid_channels": 32, "num_blocks_per_stage": 1, "dims": 3, "spatial_upsample": True,
           "temporal_upsample": False}
    model = LTX2LatentUpsamplerModel(**cfg, use_rational_resampler=False)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    save_file(model.state_dict(), out, metadata={"config": json.dumps(dict(cfg, spatial_scale=2.0,
                                                                             rational_resampler=False))})


def _tiny_ltx2_lora(checkpoint: str, out: str) -> None:
    """A LoRA in Lightricks' names (``diffusion_model.transformer_blocks.N.attn1.to_q``) for the tiny LTX-2."""
    import torch
    from safetensors import safe_open
    from safetensors.torch import save_file
    sd, g = {}, torch.Generator().manual_seed(0)
    with safe_open(checkpoint, "pt") as f:
        for k in f.keys():
            if k.startswith("model.diffusion_model.transformer_blocks.") and k.endswith(".attn1.to_q.weight"):
                o, i = f.get_slice(k).get_shape()
                name = k.removeprefix("model.").removesuffix(".weight")
                sd[f"{name}.lora_A.weight"] = torch.randn(2, i, generator=g) * 0.1
                sd[f"{name}.lora_B.weight"] = torch.randn(o, 2, generator=g) * 0.1
    assert sd
    os.makedirs(os.path.dirname(out), exist_ok=True)
    save_file(sd, out)
