"""studio.core.template_models: which models a graph's parameters name (video models first), their
labels, and whether the models folders hold them, as the loaders would find them."""
from __future__ import annotations

import os

from studio.core.registry import default_registry
from studio.core.template_models import Finder, model_label, needed_models


def test_labels_from_names():
    assert model_label("Wan-AI/Wan2.1-VACE-1.3B-diffusers") == "Wan 2.1 VACE 1.3B"
    assert model_label("Wan-AI/Wan2.2-Animate-14B-Diffusers") == "Wan 2.2 Animate 14B"
    assert model_label("depth-anything/Depth-Anything-V2-Small-hf") == "Depth Anything V2 Small"
    assert model_label("diffusion_models/wan2.1_t2v_1.3B_bf16.safetensors") == "wan 2.1 t2v 1.3B bf16"
    assert model_label("C:\\models\\umt5_xxl_fp8.safetensors") == "umt5 xxl fp8"


def test_video_models_first_each_name_once_groups_read_odd_entries_passed_over():
    doc = {"nodes": [
        {"id": "p", "type": "preprocess.load", "title": "SAM 2", "params": {"kind": "segment",
                                                                           "model": "facebook/sam2.1-hiera-tiny"}},
        {"id": "g", "type": "group", "params": {}, "group": {"graph": {"nodes": [
            {"id": "l", "type": "video_models.load", "params": {"model": "wan.safetensors",
                                                               "vae": "vae/wan_2.1_vae.safetensors",
                                                               "text_encoder": "  ", "base": ""}}]}}},
        {"id": "l2", "type": "video_models.load", "title": "Mine", "params": {"model": "wan.safetensors"}},
        {"id": "x", "type": "no.such.node", "params": {"model": "ghost"}},
        "not a node",
        {"id": "s", "type": "io.save_video", "params": {"path": "out/x.mp4"}},
    ]}
    needs = needed_models(doc, default_registry())
    assert [(n.name, n.label, n.node, n.param) for n in needs] == [
        ("wan.safetensors", "wan", "l", "model"),  # untitled: its name in words
        ("vae/wan_2.1_vae.safetensors", "wan 2.1 vae", "l", "vae"),  # a part: never the loader's title
        ("facebook/sam2.1-hiera-tiny", "SAM 2", "p", "model"),  # the loader's own title
    ]
    assert needs[0].title == "Load Video Model"
    assert needed_models({"nodes": "oops"}, default_registry()) == [] and needed_models([], default_registry()) == []


def test_found_as_the_loaders_find_them_looked_up_once(tmp_path):
    models = tmp_path / "models"
    (models / "Wan-AI" / "Wan2.1-T2V-1.3B-Diffusers").mkdir(parents=True)
    (models / "Wan-AI" / "Wan2.1-T2V-1.3B-Diffusers" / "model_index.json").write_text("{}")
    (models / "vae").mkdir()
    (models / "vae" / "wan_2.1_vae.safetensors").write_bytes(b"x")  # a ComfyUI kind folder
    snap = models / "models--PekingU--rtdetr_r50vd_coco_o365" / "snapshots" / "abc"
    snap.mkdir(parents=True)
    (snap / "config.json").write_text("{}")  # a preprocessor in a Hugging Face cache
    f = Finder([str(models)])
    assert f.found("Wan-AI/Wan2.1-T2V-1.3B-Diffusers") and f.found("wan_2.1_vae.safetensors")
    assert f.found("PekingU/rtdetr_r50vd_coco_o365")
    (tmp_path / "outside.safetensors").write_bytes(b"x")
    assert not f.found("facebook/sam2.1-hiera-tiny") and not f.found("../outside.safetensors")  # never outside
    os.remove(models / "vae" / "wan_2.1_vae.safetensors")
    assert f.found("wan_2.1_vae.safetensors")  # once per Finder: the browser makes one per opening
    assert not Finder([str(models)]).found("wan_2.1_vae.safetensors")
