"""Issue 112, held-out 78/10: numz's ComfyUI-SeedVR2_VideoUpscaler's first node, 'SeedVR2' (June-August 2025, before
SeedVR2VideoUpscaler). Its three types are catalogued from the pack's source at 0dd38315 (names, types, defaults), and
a UI file an earlier version of the node saved (preserve_vram, cache_model, enable_debug and the VAE's tiles on the
node itself; a cfg_scale at first) is named by that version's order: each value read or said, none silently dropped
(before, such a file's values were cut to the last layout's five and its tiles replaced by the defaults)."""
from __future__ import annotations

from studio.convert.api import node_type
from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said
from tests.convert.test_comfy_wrappers import UI


def _upscale(values: list, extra: list | None = None):
    w = UI()
    load = w.add("LoadVideo", ["dance.mp4", "image"])
    comps = w.add("GetVideoComponents", [], video=(load, 0))
    links = {"images": (comps, 0)}
    if extra is not None:
        links["extra_args"] = (w.add("SeedVR2ExtraArgs", extra), 0)
    up = w.add("SeedVR2", values, **links)
    make = w.add("CreateVideo", [24], images=(up, 0), fps=(comps, 2))
    w.add("SaveVideo", ["video/up", "mp4", "auto"], video=(make, 0))
    conv = convert(w.doc(), "seedvr2_first")
    made = nodes_of(conv, "finishing.seedvr2")
    return (made[0].params if made else None), said(conv), up


def test_the_first_layouts_types_are_catalogued_from_the_packs_source():
    t = node_type("SeedVR2")
    assert t is not None and [(i.name, i.default) for i in t.widgets] == [
        ("model", "seedvr2_ema_3b_fp8_e4m3fn.safetensors"), ("seed", 100), ("new_resolution", 1072),
        ("batch_size", 5)]
    assert [i.name for i in node_type("SeedVR2ExtraArgs").widgets][:4] == [
        "tiled_vae", "vae_tile_size", "vae_tile_overlap", "preserve_vram"]
    assert [i.name for i in node_type("SeedVR2BlockSwap").widgets] == [
        "blocks_to_swap", "use_non_blocking", "offload_io_components"]


def test_the_august_12_layout_reads_its_own_tiles_and_says_its_machine_settings():
    gen, text, up = _upscale(["seedvr2_ema_7b_fp16.safetensors", 42, "fixed", 960, 9, True, False, True,
                              True, 1024, 128])
    assert (gen["model"], gen["seed"], gen["short_edge"], gen["window"]) == (
        "seedvr2_ema_7b_fp16.safetensors", 42, 960, 9)
    assert (gen["vae_tile"], gen["vae_overlap"]) == (1024, 128)
    assert f"#{up} preserve_vram True" in text and f"#{up} enable_debug True" in text


def test_the_june_layout_with_cfg_scale_says_it_and_reads_the_batch():
    gen, text, up = _upscale(["seedvr2_ema_3b_fp16.safetensors", 5, "randomize", 720, 2.5, 13, False])
    assert (gen["short_edge"], gen["window"], gen["seed"]) == (720, 13, 5)
    assert f"'SeedVR2' (#{up})'s cfg_scale 2.5 is not applied" in text
    assert f"#{up} preserve_vram False" in text


def test_the_july_layout_without_its_control_value():
    gen, text, up = _upscale(["seedvr2_ema_3b_fp16.safetensors", 5, 640, 21, True], extra=None)
    assert (gen["short_edge"], gen["window"]) == (640, 21)
    assert f"#{up} preserve_vram True" in text


def test_values_no_layout_names_are_not_taken_as_read():
    gen, text, up = _upscale(["seedvr2_ema_3b_fp16.safetensors", 5, "fixed", 640, 21, True, 1, 2, 3])
    assert gen is None and "SeedVR2 Upscale" not in text and f"#{up}" in text
