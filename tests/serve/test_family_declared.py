"""Issue 112 house-keeping (house8): what ComfyUI declares of a model family's own nodes (the ranges /object_info
serves and /prompt checks, a whole declaration, VideoHelperSuite's load format named for it, a context-window node,
a pack whose prompt schedules blend) lives in that family's folder, under its hooks (studio/convert/families/
hooks.py), and the generic code reads the families' merged declarations: a planted family's are read with no
change to the server or the converter, and the generic tables name no family's node."""
from __future__ import annotations

import pytest

from studio.convert import api
from studio.convert.families import registry as comfy_registry
from studio.convert.mapping import prompt_schedules
from studio.convert.reading import loader_size
from studio.convert.takes import refine_said
from studio.serve.api import comfy_ranges, core_declared
from studio.serve.api.object_info import read_node

WIDE = {"min": 8, "max": 512, "step": 8}
PLANTED = api.ComfyMapping(key="planted", title="Planted", hooks={
    "comfy_ranges": {"PlantedToVideo": {"width": WIDE}},
    "comfy_declared": {"EmptyPlantedLatent": ({"width": ["INT", {"default": 64, **WIDE}], "start": ["IMAGE"]},
                                              ["LATENT"], "latent/video", ("start",))},
    "load_formats": {"Planted": (24, 5)}, "context_windows": {"PlantedContextWindows": "frames"},
    "blending_packs": ("someone/ComfyUI-Planted",)})


@pytest.fixture
def planted():
    comfy_registry.mappings()  # the shipped families first
    try:
        comfy_registry.register(PLANTED)
        yield
    finally:
        comfy_registry.reset()


def test_a_planted_familys_declarations_are_read_by_the_server_and_the_converter(planted):
    assert comfy_ranges.declared_range("PlantedToVideo", "width") == WIDE
    assert core_declared.CORE["EmptyPlantedLatent"] == PLANTED.hooks["comfy_declared"]["EmptyPlantedLatent"][:3]
    assert "EmptyPlantedLatent" in set(core_declared.CORE) and ("EmptyPlantedLatent", "start") in core_declared.OPTIONAL
    assert loader_size.formats()["Planted"] == (24, 5) and loader_size.ui_format() == "AnimateDiff"
    assert "PlantedContextWindows" in comfy_registry.lookup("context_windows")
    assert "someone/ComfyUI-Planted" in comfy_registry.lookup("blending_packs")
    assert "PlantedToVideo" not in comfy_registry.declared()  # declaring a node's numbers does not make it read


def test_the_generic_tables_name_no_familys_node_and_serve_the_families_declarations():
    fam = comfy_registry.lookup("comfy_ranges")
    assert {"WanVaceToVideo", "LTXVImgToVideo", "MiniMaxH3AddGuide", "WanSCAILToVideo"} <= set(fam)
    assert not set(fam) & set(comfy_ranges.RANGES)
    assert comfy_ranges.declared_range("WanVaceToVideo", "strength") == {"min": 0.0, "max": 1000.0, "step": 0.01}
    whole = comfy_registry.lookup("comfy_declared")
    assert {"EmptyHunyuanLatentVideo", "EmptyLTXVLatentVideo", "Wan22ImageToVideoLatent"} <= set(whole)
    assert not set(whole) & set(core_declared.OWN)
    wan = read_node("Wan22ImageToVideoLatent")["input"]
    assert list(wan["optional"]) == ["start_image"] and wan["required"]["width"][1]["step"] == 32
    assert not {"AnimateDiff", "Wan", "LTXV"} & set(loader_size.OWN_FORMATS)
    assert loader_size.formats()["Wan"] == (8, 4) and loader_size.ui_format() == "AnimateDiff"
    assert "WanContextWindowsManual" not in refine_said.WINDOWS
    assert comfy_registry.lookup("context_windows")["WanContextWindowsManual"] == "frames"
    assert not any("AnimateDiff" in p for p in prompt_schedules.BLENDING)
