"""ComfyUI's own template library on `main.py serve` (issue 105): the page's template browser reads
its index and opens ComfyUI's Wan 2.1 text-to-video template, whose model files this machine does
not have; its prompt, as the page makes it, is refused naming each missing file on its own loader
(ComfyUI's ``value_not_in_list`` with the widget's name, which the page shows on that widget), and
a loader whose file is in the models folders passes; where this machine has files of the template's
names (the tiny Wan written as ComfyUI's files) it runs as it is. In this process, aiohttp's test
client (tests/serve/test_web_page_browser.py opens and runs the template in the page)."""
from __future__ import annotations

import asyncio
import json
import os

import pytest

from studio.serve.api import missing_models
from studio.serve.api.comfy_declared import templates_folder

from .test_web_page import run, served

WAN = "text_to_video_wan"
CONTROLS = ("fixed", "increment", "decrement", "randomize")


def api_prompt(doc: dict, info: dict) -> dict:
    """The API prompt of a saved workflow (no subgraphs) as the page's graphToPrompt makes it: each
    node's widget values by the names /object_info gives them, in its order (a seed's control value
    is the page's own), and each linked input as [source node, output index]."""
    links = {ln[0]: ln for ln in doc["links"]}
    prompt = {}
    for n in doc["nodes"]:
        if n.get("mode", 0) != 0 or n["type"] not in info:
            continue
        req = info[n["type"]]["input"]["required"]
        names = [k for k, v in req.items() if isinstance(v[0], list) or v[0] in ("INT", "FLOAT", "STRING", "BOOLEAN")]
        values = [v for k, v in enumerate(n.get("widgets_values") or [])
                  if not (v in CONTROLS and k > 0)]
        inputs = dict(zip(names, values))
        for i in n.get("inputs") or []:
            if i.get("link") is not None:
                ln = links[i["link"]]
                inputs[i["name"]] = [str(ln[1]), ln[2]]
        prompt[str(n["id"])] = {"class_type": n["type"], "inputs": inputs}
    return prompt


@pytest.fixture(autouse=True)
def _own_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_PROJECT_DIR", str(tmp_path / "project"))
    monkeypatch.setenv("STUDIO_MODELS", str(tmp_path / "models"))


@pytest.mark.skipif(templates_folder() is None, reason="comfyui-workflow-templates-json is not installed")
def test_comfyuis_wan_template_is_listed_opened_and_its_missing_files_named_on_their_loaders(tmp_path):
    async def go():
        async with served(tmp_path) as (c, _):
            index = await (await c.get("/templates/index.json")).json()
            listed = {t["name"]: t["title"] for m in index for t in m["templates"]}
            assert listed[WAN] == "Wan 2.1 Text to Video"
            doc = await (await c.get(f"/templates/{WAN}.json")).json()
            info = await (await c.get("/object_info")).json()
            assert {n["type"] for n in doc["nodes"]} <= set(info)  # the page places every node of it
            prompt = api_prompt(doc, info)
            answer = await c.post("/prompt", json={"prompt": prompt})
            assert answer.status == 400
            return await answer.json(), prompt
    body, prompt = run(go())
    assert body["error"]["type"] == "prompt_outputs_failed_validation"
    assert "never downloads" in body["error"]["message"]
    named = {prompt[nid]["class_type"]: entry["errors"][0] for nid, entry in body["node_errors"].items()}
    assert set(named) == {"UNETLoader", "CLIPLoader", "VAELoader"}  # each on its own loader, all at once
    for cls, widget, file in (("UNETLoader", "unet_name", "wan2.1_t2v_1.3B_fp16.safetensors"),
                              ("CLIPLoader", "clip_name", "umt5_xxl_fp8_e4m3fn_scaled.safetensors"),
                              ("VAELoader", "vae_name", "wan_2.1_vae.safetensors")):
        e = named[cls]
        assert e["type"] == "value_not_in_list" and e["extra_info"]["input_name"] == widget
        assert file in e["details"] and "this machine has none" in e["details"]
        words = next(e for e in body["node_errors"][next(n for n in prompt if prompt[n]["class_type"] == cls)]["errors"]
                     if e["type"] == "custom_validation_failed")  # the page shows these details by the widget
        assert words["extra_info"]["input_name"] == widget and "Studio never downloads" in words["details"]


def test_a_loaders_file_in_the_models_folders_passes_and_the_others_are_named(tmp_path):
    wan = tmp_path / "models" / "diffusion_models" / "wan.safetensors"
    wan.parent.mkdir(parents=True)
    wan.write_bytes(b"x")
    prompt = {"1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan.safetensors"}},
              "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "", "type": "wan"}},
              "3": {"class_type": "VAELoader", "inputs": {"vae_name": "gone.safetensors"}},
              "4": {"class_type": "io.load_model", "inputs": {"vae_name": "not a ComfyUI loader's"}},
              "5": {"class_type": "VAELoader", "inputs": {"vae_name": "unused.safetensors"}},  # no output needs it
              "6": {"class_type": "SaveVideo", "inputs": {"video": ["9", 0]}},
              "7": {"class_type": "CLIPVisionLoader", "inputs": {"clip_name": "clip_vision_h.safetensors"}},
              "9": {"class_type": "Anything", "inputs": {"a": ["1", 0], "b": ["2", 0], "c": ["3", 0], "d": ["4", 0],
                                                         "e": ["7", 0]}}}
    listed = {"diffusion_models": {"wan.safetensors": str(wan)}, "diffusers": {"tiny-wan": "x"}}
    assert missing_models.missing(prompt, {"UNETLoader", "CLIPLoader"}, lambda f: listed.get(f, {})) == {}
    prompt["1"]["inputs"]["unet_name"] = "other.safetensors"  # above: found; empty; 4 is Studio's
    errors = missing_models.missing(prompt, {"UNETLoader", "CLIPLoader", "VAELoader", "CLIPVisionLoader"},
                                    lambda f: listed.get(f, {}))
    assert "models folders' clip_vision/" in errors.pop("7")["errors"][0]["details"]  # its own folder (issue 113)
    assert set(errors) == {"1", "3"}  # an empty file name is the run's to judge (a diffusers folder's own)
    assert errors["3"]["dependent_outputs"] == ["6"]
    said = json.dumps(errors)
    assert "this machine has: wan.safetensors, tiny-wan" in said  # the model's list: files and diffusers folders
    said_of_vae = errors["3"]["errors"][0]["details"]
    assert "leave it empty: a diffusers folder chosen as the model brings its own" in said_of_vae
    assert str(tmp_path) not in said and os.sep + "models" + os.sep not in said


def _urls(doc) -> list:
    if isinstance(doc, dict):
        return ([doc["url"]] if "url" in doc else []) + [u for v in doc.values() for u in _urls(v)]
    return [u for v in doc for u in _urls(v)] if isinstance(doc, list) else []


@pytest.mark.skipif(templates_folder() is None, reason="comfyui-workflow-templates-json is not installed")
def test_a_library_template_is_served_without_download_addresses_and_the_models_folders_by_name(tmp_path):
    """The page asks a missing file's download address for its size (a request off the machine): the
    templates are served without them, the rest as the library has it."""
    with open(os.path.join(templates_folder(), f"{WAN}.json"), encoding="utf-8") as f:
        kept = json.load(f)
    assert len(_urls(kept)) == 3  # the library's own: one per loader

    async def go():
        async with served(tmp_path) as (c, _):
            doc = await (await c.get(f"/templates/{WAN}.json")).json()
            paths = await (await c.get("/internal/folder_paths")).json()
            return doc, paths
    doc, paths = run(go())
    assert _urls(doc) == []
    assert [n["widgets_values"] for n in doc["nodes"]] == [n["widgets_values"] for n in kept["nodes"]]
    assert doc["links"] == kept["links"]
    assert paths["diffusion_models"] == ["models/diffusion_models"] and str(tmp_path) not in json.dumps(paths)


@pytest.mark.slow
@pytest.mark.skipif(templates_folder() is None, reason="comfyui-workflow-templates-json is not installed")
def test_comfyuis_wan_template_runs_as_it_is_where_its_files_are_here(tmp_path, tiny):
    """The template with its own file names, where this machine has files of those names (the tiny
    Wan written as ComfyUI's single files: denoiser, UMT5 text encoder, VAE), runs unchanged but for
    its size and steps (the tiny model's): no setting to move from what ComfyUI's library saves."""
    from tests.video_models.tiny_parts import write_parts
    made = write_parts(tiny("wan-parts"), str(tmp_path / "parts"))
    models = tmp_path / "models"
    for key, folder, name in (("denoiser", "diffusion_models", "wan2.1_t2v_1.3B_fp16.safetensors"),
                              ("text_encoder", "text_encoders", "umt5_xxl_fp8_e4m3fn_scaled.safetensors"),
                              ("vae", "vae", "wan_2.1_vae.safetensors")):
        (models / folder).mkdir(parents=True)
        os.replace(made[key], models / folder / name)

    async def go():
        async with served(tmp_path, run=True) as (c, server):
            doc = await (await c.get(f"/templates/{WAN}.json")).json()
            prompt = api_prompt(doc, await (await c.get("/object_info")).json())
            for node in prompt.values():
                if node["class_type"] == "EmptyHunyuanLatentVideo":
                    node["inputs"].update(width=32, height=32, length=5)
                if node["class_type"] == "KSampler":
                    node["inputs"]["steps"] = 2
            r = await c.post("/prompt", json={"prompt": prompt})
            body = await r.json()
            assert r.status == 200, body
            for _ in range(3000):
                h = (await (await c.get(f"/history/{body['prompt_id']}")).json()).get(body["prompt_id"])
                if h:
                    return h, server.folders.output
                await asyncio.sleep(0.05)
            raise AssertionError("the job did not end")
    h, out = run(go())
    assert h["status"]["completed"], h["status"]
    (item,) = h["outputs"]["50"]["images"]  # the template's SaveVideo
    assert item["subfolder"] == "video" and os.path.getsize(os.path.join(out, "video", item["filename"])) > 0


@pytest.mark.skipif(templates_folder() is None, reason="comfyui-workflow-templates-json is not installed")
def test_the_template_browser_leads_with_what_studio_runs_and_puts_the_paid_services_apart(tmp_path):
    from studio.serve.page import library_templates

    async def go():
        async with served(tmp_path) as (c, _):
            return await (await c.get("/templates/index.json")).json()
    index = run(go())
    first, last = index[0], index[-1]
    assert first["category"] == "Studio" and WAN in {t["name"] for t in first["templates"]}
    assert last["category"] == "Paid API services" and all(library_templates.paid(t) for t in last["templates"])
    assert all(t["description"].startswith(library_templates.PAID_SAID) for t in last["templates"])
    for m in index[1:-1]:
        assert not any(library_templates.paid(t) for t in m["templates"])  # none among the others
        names = [t["name"] in {x["name"] for x in first["templates"]} for t in m["templates"]]
        assert names == sorted(names, reverse=True)  # in each category, what Studio runs first
    assert len(last["templates"]) > 100
