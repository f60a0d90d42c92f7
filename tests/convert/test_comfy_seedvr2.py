"""ComfyUI's three SeedVR2 utility templates (a subgraph of UNETLoader, VAELoader, ResizeImageMaskNode,
SeedVR2Preprocess / Conditioning / PostProcessing, VAEEncodeTiled, KSampler, SeedVR2TemporalChunk /
Merge, VAEDecodeTiled) become Load Video / Load Image -> SeedVR2 Upscale -> Save, with the files,
the multiplier, the seed and the colour correction carried over, and the int8 DiT read as it is."""
from __future__ import annotations

import json
import os

import pytest

from studio.convert.mapping.convert import convert

templates = pytest.importorskip("comfyui_workflow_templates_json")
TEMPLATES = os.path.join(os.path.dirname(templates.__file__), "templates")


@pytest.mark.parametrize("name, load, save, scale, dit", [
    ("utility_seedvr2_3b_int8_upscale_video", "io.load_video", "io.save_video", 2.0, "seedvr2_3b_int8_convrot"),
    ("utility_seedvr2_3b_int8_upscale_image", "io.load_image", "io.save_images", 4.0, "seedvr2_3b_int8_convrot"),
    ("utility_seedvr2_7b_int8_upscale_image", "io.load_image", "io.save_images", 4.0, "seedvr2_7b_int8_convrot")])
def test_seedvr2_template_becomes_load_seedvr2_save(name, load, save, scale, dit):
    with open(os.path.join(TEMPLATES, name + ".json"), encoding="utf-8") as f:
        conv = convert(json.load(f), name)
    g = conv.graph
    assert g.validate() == []
    types = {nid: n.type_id for nid, n in g.nodes.items()}
    assert sorted(types.values()) == sorted([load, "finishing.seedvr2", save])
    wires = {(types[l.src], types[l.dst]) for l in g.links}
    assert wires == {(load, "finishing.seedvr2"), ("finishing.seedvr2", save)}
    up = next(n for n in g.nodes.values() if n.type_id == "finishing.seedvr2")
    assert up.params["model"] == dit + ".safetensors"
    assert up.params["vae"] == "seedvr2_ema_vae_fp16.safetensors"
    assert (up.params["scale"], up.params["color_fix"], up.params["seed"]) == (scale, "none", 959948902156062 % 2**31)
    assert (up.params["vae_tile"], up.params["vae_overlap"]) == (512, 128)  # VAEEncodeTiled's
    assert conv.tasks[0]["generator"] == "finishing.seedvr2"
    note = "\n".join(n["text"] for n in g.ui["notes"])
    assert "which Studio does not read" not in note  # ComfyUI's int8 'convrot' DiT is read as it is
    assert not any("Studio cannot" in line for line in conv.log), conv.log
