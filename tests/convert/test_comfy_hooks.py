"""Issue 98, item 4: ComfyMapping holds what several families declare; what one family alone reads is its
own hooks, each under a hook point of studio/convert/comfy_hooks.py, so that a family's special reading
costs files in its own folder only."""
from __future__ import annotations

import dataclasses
import json
import os

import pytest

from studio.convert import api
from studio.convert.families import hooks as comfy_hooks
from studio.convert.families import registry as comfy_registry
from studio.convert.mapping.convert import convert


def _set(m, f: dataclasses.Field) -> bool:
    default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
    return getattr(m, f.name) != default


def test_every_field_of_a_mapping_is_declared_by_several_families():
    """A field only one family sets belongs in that family's hooks (its reading costs no shared field)."""
    ms = comfy_registry.mappings()
    lonely = {f.name: [m.key for m in ms if _set(m, f)] for f in dataclasses.fields(api.ComfyMapping)
              if f.name != "key"}
    assert {name: keys for name, keys in lonely.items() if len(keys) < 2} == {}


def test_a_hook_that_is_no_hook_point_is_refused_when_registered():
    with pytest.raises(ValueError, match=r"planted's ComfyUI mapping names hooks that are no hook point: "
                                         r"fps_node \(studio/convert/families/hooks.py"):
        comfy_registry.register(api.ComfyMapping(key="planted", hooks={"fps_node": ("PlantedFps",)}))
    assert "planted" not in {m.key for m in comfy_registry.mappings()}


def test_a_new_familys_node_readers_are_its_own_and_read_with_no_converter_change():
    """A planted family's readers of its own node types: declared as its (another family naming one is
    refused), gathered after the others', its per-family values asked of it by its title."""
    def step(b, node, gen, inputs, said):
        return gen
    task = api.Task("text to video", api.T2V, (), "Planted")
    planted = api.ComfyMapping(key="planted", title="Planted", tasks={"PlantedToVideo": task},
                               hooks={"fps_nodes": ("PlantedFps",), "latent_steps": {"PlantedStep": step},
                                      "experts": "Planted A14B"})
    comfy_registry.mappings()  # the shipped families loaded first: run first in a process (the random order puts it
    # there as test modules are added), the planted family was registered before them and gathered first
    try:
        comfy_registry.register(planted)
        assert {"PlantedFps", "PlantedStep"} <= comfy_registry.declared()
        assert comfy_registry.lookup("fps_nodes")[-1] == "PlantedFps"
        assert comfy_registry.lookup("latent_steps")["PlantedStep"] is step
        assert comfy_registry.family_hook("Planted", "experts") == "Planted A14B"
        assert comfy_registry.family_hook("Planted", "load_files") is None  # a point it does not declare
        with pytest.raises(ValueError, match="two families"):
            comfy_registry.register(api.ComfyMapping(key="other", hooks={"steps": {"PlantedFps": "pose"}}))
    finally:
        comfy_registry.reset()
    assert "PlantedFps" not in comfy_registry.declared()


def test_a_hook_point_reads_as_the_mappings_attribute():
    wan = next(m for m in comfy_registry.mappings() if m.key == "wan")
    assert wan.experts == "Wan 2.2 A14B" and wan.hooks["experts"] == "Wan 2.2 A14B"
    assert next(m for m in comfy_registry.mappings() if m.key == "helios").experts == ""  # the point's default
    with pytest.raises(AttributeError):
        wan.not_a_hook_point
    assert set(comfy_hooks.HOOKS) >= {"latent_steps", "whole", "folder_files", "params"}


def test_minimax_h3s_shortest_clip_is_comfyuis():
    """Its r2v template at 2 seconds (56 frames by its ComfyMathExpression): 56 frames, as ComfyUI makes them
    (left25: its 17k + 5 grid from 5 frames; once made as 124, said); at 5 s, 124."""
    templates = pytest.importorskip("comfyui_workflow_templates_json")
    with open(os.path.join(os.path.dirname(templates.__file__), "templates", "video_minimax_h3_r2v.json"),
              encoding="utf-8") as f:
        doc = json.load(f)
    for seconds, frames in ((2, 56), (5, 124)):
        next(n for n in doc["nodes"] if n["type"] == "PrimitiveFloat")["widgets_values"][0] = seconds
        g = convert(doc, "r2v").graph
        gen = next(n for n in g.nodes.values() if n.type_id == "video_models.minimax_h3_reference")
        notes = "\n".join(n["text"] for n in g.ui["notes"])
        assert gen.params["frames"] == frames
        assert "frames are made as 124" not in notes and "5 to 15 seconds" not in notes
