"""dyncombo10 (issue 112): every V3 dynamic combo the catalogue can read has its choices recorded (ComfyUI core's
ResizeImageMaskNode, Transfer Color, KJNodes' LTXVAddGuideMulti / LTXVImgToVideoInplaceKJ, whose choices a loop
builds), so a UI file's saved values are named, not read by place or said '#0 #1'; what the names unblock is made.
Each test builds its source or workflow from facts (node types, values, links) and fails without the mend."""
from __future__ import annotations

import gzip
import json

from scripts.comfy_catalogue import refresh
from studio.convert.catalogue.mappings import extract_pack
from studio.convert.mapping.convert import convert
from studio.convert.reading.by_types import widget_names
from tests.convert.said import nodes_of, said
from tests.convert.test_comfy_fx2 import _feeds, _finished

IO = {"Image": "IMAGE", "Float": "FLOAT", "Int": "INT", "Combo": "COMBO", "DynamicCombo": "COMFY_DYNAMICCOMBO_V3"}

LOOPED = '''
from comfy_api.latest import io
def _shown(n):
    out = []
    for i in range(1, n + 1):
        out.append(io.String.Input(f"text_{i}"))
    return out
def _unread(n):
    out = [io.String.Input("a")]
    out.insert(0, io.String.Input("b"))
    return out
class Guides(io.ComfyNode):
    @classmethod
    def define_schema(cls):
        options = []
        for count in range(1, 4):
            shown = []
            for i in range(1, count + 1):
                shown.extend([io.Image.Input(f"image_{i}"), io.Int.Input(f"frame_{i}", default=0, optional=True),
                              io.Float.Input(f"strength_{i}", default=1.0)])
            options.append(io.DynamicCombo.Option(key=str(count), inputs=shown))
        return io.Schema(node_id="GuidesN", category="latent", inputs=[
            io.Latent.Input("latent"), io.DynamicCombo.Input("count", options=options)],
            outputs=[io.Latent.Output()])
class Helped(io.ComfyNode):
    @classmethod
    def define_schema(cls):
        return io.Schema(node_id="HelpedN", category="text", inputs=[
            io.DynamicCombo.Input("boards", options=[io.DynamicCombo.Option("off", []),
                                                     io.DynamicCombo.Option("two", _shown(2))]),
            io.DynamicCombo.Input("other", options=[io.DynamicCombo.Option("off", []),
                                                    io.DynamicCombo.Option("on", _unread(1))])],
            outputs=[io.String.Output()])
class Unfollowed(io.ComfyNode):
    @classmethod
    def define_schema(cls):
        pairs = [(1, 2), (3, 4)]
        grown = []
        for i in range(1, 3):
            lo, hi = pairs[i - 1]
            grown.append(io.Int.Input(f"lo_{i}", default=lo))
        return io.Schema(node_id="UnfollowedN", category="x", inputs=[
            io.DynamicCombo.Input("mode", options=[io.DynamicCombo.Option(key="ranges", inputs=grown),
                                                   io.DynamicCombo.Option(key="none", inputs=[])])],
            outputs=[io.Int.Output()])
'''


def test_choices_a_loop_builds_are_recorded_and_a_helpers_are_not_recorded_empty():
    """KJNodes' LTXVAddGuideMulti builds its 1..20 choices in a loop (Option(key=str(n), inputs=...)): recorded, each
    with its inputs; so are a module function's (Kling's _generate_storyboard_inputs(n)); a choice whose inputs a
    function or a loop the reader cannot follow builds makes the combo unrecorded (before: recorded as showing
    nothing, so a UI file's values were misnamed)."""
    found = extract_pack({"nodes.py": LOOPED}, io_types={**IO, "Latent": "LATENT", "String": "STRING"})
    count = next(i for i in found["GuidesN"]["inputs"] if i["name"] == "count")
    assert [c["key"] for c in count["dynamic"]] == ["1", "2", "3"]
    assert [i["name"] for i in count["dynamic"][1]["inputs"]] == ["image_1", "frame_1", "strength_1", "image_2",
                                                                  "frame_2", "strength_2"]
    assert count["dynamic"][0]["inputs"][1]["optional"] is True
    boards = next(i for i in found["HelpedN"]["inputs"] if i["name"] == "boards")
    assert [[i["name"] for i in c["inputs"]] for c in boards["dynamic"]] == [[], ["text_1", "text_2"]]
    for name, combo in (("HelpedN", "other"), ("UnfollowedN", "mode")):
        rec = next(i for i in found[name]["inputs"] if i["name"] == combo)
        assert "dynamic" not in rec


def test_refresh_sets_only_the_dynamic_field_on_the_types_read_at_the_sources_commit(tmp_path):
    """--refresh --only dynamic: a type another --add read from a newer commit (its own 'commit') is refreshed from a
    source at that commit, the pack's types at the pack's commit are not; the pack's lazy mark and every other field
    stay as they were."""
    (tmp_path / "nodes.py").write_text(LOOPED)
    (tmp_path / "SOURCE.json").write_text(json.dumps({"commit": "b" * 40, "date": "2026-08-22", "origin": ""}))
    core = tmp_path / "core" / "comfy_api" / "latest"
    core.mkdir(parents=True)
    (core / "_io.py").write_text("\n".join(
        f'@comfytype(io_type="{t}")\nclass {k}(ComfyTypeIO):\n    Type = int\n' for k, t in
        {**IO, "Latent": "LATENT", "String": "STRING"}.items()))
    (tmp_path / "core" / "nodes.py").write_text("MAX_RESOLUTION = 16384\n")
    bare = {"name": "count", "type": "COMFY_DYNAMICCOMBO_V3", "widget": False}
    old = {"packs": {"o/p": {"commit": "a" * 40, "date": "", "types": 2}},
           "types": {"GuidesN": {"pack": "o/p", "commit": "b" * 40, "inputs": [dict(bare)], "category": "latent"},
                     "HelpedN": {"pack": "o/p", "inputs": [dict(bare, name="boards")]}}}
    new = refresh(json.loads(json.dumps(old)), [f"o/p={tmp_path}"], str(tmp_path / "core"), ("dynamic",))
    assert new["packs"] == old["packs"]  # (no lazy mark)
    guides = new["types"]["GuidesN"]
    assert [c["key"] for c in guides["inputs"][0]["dynamic"]] == ["1", "2", "3"]
    assert {k: v for k, v in guides.items() if k != "inputs"} == {k: v for k, v in old["types"]["GuidesN"].items()
                                                                  if k != "inputs"}
    assert new["types"]["HelpedN"] == old["types"]["HelpedN"]


def test_ui_values_of_core_and_kjnodes_dynamic_combos_are_named_widgets_only_required_first():
    """The catalogue's records: ResizeImageMaskNode's ['scale dimensions', 720, 1280, 'center', 'lanczos'] (named {}
    before, read by place only by its own reader); LTXVAddGuideMulti's values skip the image sockets a choice shows;
    LTXVImgToVideoInplaceKJ saves its required strengths before its optional frame indices; a count that fits no
    reading is not named."""
    assert widget_names("ResizeImageMaskNode", ["scale dimensions", 720, 1280, "center", "lanczos"]) == {
        "resize_type": "scale dimensions", "resize_type.width": 720, "resize_type.height": 1280,
        "resize_type.crop": "center", "scale_method": "lanczos"}
    assert widget_names("LTXVAddGuideMulti", ["2", 0, 1, -1, 0.8]) == {
        "num_guides": "2", "num_guides.frame_idx_1": 0, "num_guides.strength_1": 1, "num_guides.frame_idx_2": -1,
        "num_guides.strength_2": 0.8}
    assert widget_names("LTXVImgToVideoInplaceKJ", ["2", 1, 0.8, 0, -1]) == {
        "num_images": "2", "num_images.strength_1": 1, "num_images.strength_2": 0.8, "num_images.index_1": 0,
        "num_images.index_2": -1}
    assert not any(k.startswith("num_guides.") for k in widget_names("LTXVAddGuideMulti", ["2", 0, 1, -1]))
    assert widget_names("ColorTransfer", ["reinhard_lab", "per_frame", 0.75]) == {
        "method": "reinhard_lab", "source_stats": "per_frame", "strength": 0.75}


def test_the_catalogue_records_the_core_and_pack_types_refreshed():
    """The committed data: ComfyUI core's ResizeImageMaskNode (1de83f91) and ColorTransfer (783545f6, its own commit)
    and KJNodes' loop-built LTXVAddGuideMulti carry their choices, and Kling's storyboards (a module function builds
    each choice's inputs); MiniMax H3 Reference's (its function inserts a choice: not followed) is left unrecorded
    rather than recorded empty."""
    from studio.convert.catalogue.types import DATA
    with gzip.open(DATA, "rt", encoding="utf-8") as fh:
        types = json.load(fh)["types"]

    def dyn(t, name):
        return next(i for i in types[t]["inputs"] if i["name"] == name).get("dynamic")
    assert [c["key"] for c in dyn("ResizeImageMaskNode", "resize_type")][:2] == ["scale dimensions",
                                                                                 "scale by multiplier"]
    assert [c["key"] for c in dyn("ColorTransfer", "source_stats")] == ["per_frame", "uniform", "target_frame"]
    assert len(dyn("LTXVAddGuideMulti", "num_guides")) == 20
    assert [i["name"] for i in dyn("KlingOmniProTextToVideoNode", "storyboards")[2]["inputs"]] == [
        "storyboard_1_prompt", "storyboard_1_duration", "storyboard_2_prompt", "storyboard_2_duration"]
    assert dyn("MinimaxHailuo03ReferenceNode", "model") is None


def test_comfyuis_transfer_color_per_frame_after_a_take_is_studios_colour_match():
    """ComfyUI's Transfer Color (ColorTransfer: 'reinhard_lab', its dynamic 'source_stats' per_frame) after a Wan take
    was passed unread (its dynamic combo a socket the colour match rule refused); it is Studio's Colour Match
    (reinhard: each frame's Lab mean and spread made its reference frame's), the start picture its reference."""
    conv = convert(_finished("ColorTransfer", {"image_target": ["8", 0], "image_ref": ["4", 0], "method": "reinhard_lab",
                                               "source_stats": "per_frame", "strength": 0.75}), "wan.json")
    (cm,) = nodes_of(conv, "edit.colour_match")
    assert (cm.params["method"], cm.params["strength"]) == ("reinhard", 0.75)
    assert _feeds(conv, cm.id, "reference") == "io.load_image"
    assert "'ColorTransfer' (ColorTransfer, #20)'s colour match of the take (its 'image_target') before" in said(conv)


def test_transfer_color_pooling_its_statistics_is_said_not_made():
    """'uniform' (the frames' statistics pooled, one transform for all) is not what Studio's per-frame match does:
    said, naming the setting, and not made."""
    conv = convert(_finished("ColorTransfer", {"image_target": ["8", 0], "image_ref": ["4", 0], "method": "reinhard_lab",
                                               "source_stats": "uniform", "strength": 1.0}), "wan.json")
    assert not nodes_of(conv, "edit.colour_match")
    assert "has no like of its source_stats 'uniform' (Studio matches each frame by its own colours)" in said(conv)


def test_an_in_place_image_past_the_takes_end_is_put_on_its_last_frame_and_said():
    """ckinpdx's FLF files wire KJNodes' in-place end frame's index to the frame count (249 of 249 frames), read now
    that its values are named (before: the stale saved -1 by place): KJNodes clamps it to the last latent frame, Studio
    refuses a keyframe outside the take; made 'last' and said. A frame inside the take, or another node's, stays."""
    from studio.convert.takes.keyframes import capped
    marks, lines = ["0", "249", "300"], []
    capped(marks, {1: "'KJ' (LTXVImgToVideoInplaceKJ, #1458)"}, 249, lines)
    assert marks == ["0", "last", "300"]
    assert lines == ["'KJ' (LTXVImgToVideoInplaceKJ, #1458) places its image at frame 249, past the take's last frame "
                     "(248): ComfyUI's node puts it on the last frame, and so does Studio ('last')"]
    inside = ["0", "120"]
    capped(inside, {1: "x"}, 249, lines)
    assert inside == ["0", "120"] and len(lines) == 1
