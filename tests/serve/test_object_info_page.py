"""/object_info as ComfyUI's web page reads it (issue 105): each ComfyUI type listed declares its
widgets in the order of a saved node's values (so the page keeps them), its sockets and outputs;
none is listed bare; the declarations are those of ComfyUI's own templates (comfy_nodes.json made
again from the installed package is the same); a loader lists this machine's files."""
from __future__ import annotations

import asyncio
import json

import pytest

from studio.serve.api import comfy_declared, comfy_templates
from studio.serve.api.object_info import core, read_node

from .test_web_page import served

NOTES = ("Note", "MarkdownNote", "Reroute")  # the page's own: nothing to run
needs_templates = pytest.mark.skipif(comfy_declared.templates_folder() is None,
                                     reason="comfyui-workflow-templates-json is not installed")


@pytest.fixture(autouse=True)
def _own_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_PROJECT_DIR", str(tmp_path / "project"))
    monkeypatch.setenv("STUDIO_MODELS", str(tmp_path / "models"))


def _info(tmp_path) -> dict:
    async def go():
        async with served(tmp_path) as (c, _):
            return await (await c.get("/object_info")).json()
    return asyncio.run(go())


@needs_templates
def test_the_table_is_what_comfyuis_templates_declare():
    assert comfy_templates.build(comfy_declared.templates_folder()) == comfy_declared.table()


def _widget_slots(d: dict) -> int:
    """How many values a saved node of this declaration holds: one a widget, one more for a seed's
    control and for a loader's upload button (the page adds both)."""
    n = 0
    for spec in d["input"]["required"].values():
        if isinstance(spec[0], list) or spec[0] in comfy_declared.SCALARS:
            opts = spec[1] if len(spec) > 1 else {}
            n += 1 + bool(opts.get("control_after_generate")) + bool(opts.get("image_upload") or
                                                                       opts.get("video_upload"))
    return n


@needs_templates
def test_every_comfyui_type_listed_holds_a_saved_nodes_values_in_order(tmp_path):
    info = _info(tmp_path)
    comfy = {cls: d for cls, d in info.items() if d["python_module"] == "comfy"}
    assert len(comfy) > 80
    for cls, d in comfy.items():
        assert cls in NOTES or d["input"]["required"] or d["input"]["optional"] or d["output"], cls  # none bare
    saved = comfy_templates.instances(comfy_declared.templates_folder(), set(comfy) - set(core()))
    checked = 0
    for cls, nodes in saved.items():
        for n in nodes:
            assert len(n.get("widgets_values") or []) == _widget_slots(comfy[cls]), (cls, n.get("widgets_values"))
            outs = [o["type"] for o in n.get("outputs") or []]
            assert all(t in (o, "*") for t, o in zip(comfy[cls]["output"], outs)), cls
            checked += 1
    assert checked > 500


def test_a_sampler_is_listed_as_the_page_saves_it_and_validation_keeps_its_own_declaration(tmp_path):
    ks = _info(tmp_path)["KSampler"]
    req = ks["input"]["required"]
    assert req["seed"][1]["control_after_generate"]  # the page's 'randomize' value follows the seed
    assert "uni_pc" in req["sampler_name"][0] and "simple" in req["scheduler"][0]  # lists, not sockets
    assert _widget_slots(ks) == 7  # [seed, control, steps, cfg, sampler, scheduler, denoise]
    assert read_node("KSampler")["input"]["required"]["sampler_name"] == ["*"]  # /prompt takes any name


def test_a_loader_lists_this_machines_files(tmp_path):
    (tmp_path / "models" / "diffusion_models").mkdir(parents=True)
    (tmp_path / "models" / "diffusion_models" / "mine.safetensors").write_bytes(
        (8).to_bytes(8, "little") + b"{}      ")
    (tmp_path / "serve" / "input").mkdir(parents=True)
    (tmp_path / "serve" / "input" / "still.png").write_bytes(b"png")
    (tmp_path / "serve" / "input" / "notes.txt").write_text("x")
    info = _info(tmp_path)
    image = info["LoadImage"]["input"]["required"]["image"]
    assert image[0] == ["still.png"] and image[1]["image_upload"] is True
    unet = info["UNETLoader"]["input"]["required"]["unet_name"]
    assert unet[0] == ["mine.safetensors"], unet
    assert "pixal3d" not in json.dumps(info["UNETLoader"])  # no template's file names
