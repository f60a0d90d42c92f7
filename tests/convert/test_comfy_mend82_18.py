"""Issue 112, mend82_18 (heldout82 10, heldout81 09's loose size sentence): each test builds its workflow from node
types, values and links and fails without its mend.

1. LayerStyle's 'ImageScaleByAspectRatio V2' on a clip's way (aspect 'original', its longest side to a length, each
   side up to a multiple) was "not applied", and Wan Animate, whose ComfyUI width and height come from that resize, was
   made at the saved 832x480 (82/10). Now read by its declared settings as Studio's Scale (its 'up' rounding), and the
   generator's width and height 0 take its 'pose''s size (the scaled clip's), said so; the letterbox's padding of a
   side rounded up said (Scale stretches over it). Its fixed ratios are worked out as the pack does.
2. Wan Animate declares that its 'width' and 'height' 0 always take its 'pose''s size (a 'like' port): a size not
   worked out is said taken from the pose when it runs, the length wording kept (81/09 said "the generator's own size
   is used" where its width 0 takes the pose clip's size).
3. A value node (an 'Int' whose value is wired) between a resize's width and the wrapper's Wan Animate embeds is read
   through (82/10: "the value saved in the file (832) is used").
4. A pose drawn (DrawViTPose) from a detection (PoseAndFaceDetection) Studio's pose nodes make keeps the clip's frame
   count: Wan Animate's length counted of the clip is said taken from its 'pose' (82/10: "the generator's own is
   used")."""
from __future__ import annotations

import copy
from types import SimpleNamespace

from studio.convert.mapping.convert import convert
from studio.convert.reading.workflow import CNode
from tests.convert.said import nodes_of, said
from tests.convert.test_comfy_mask_and_aux_steps import ANIMATE

SCALER = "LayerUtility: ImageScaleByAspectRatio V2"


def _scaler(image, **over) -> dict:
    inputs = {"aspect_ratio": "original", "proportional_width": 1, "proportional_height": 1, "fit": "letterbox",
              "method": "lanczos", "round_to_multiple": "16", "scale_to_side": "longest", "scale_to_length": 1280,
              "background_color": "#000000", "image": image}
    return {"class_type": SCALER, "inputs": {**inputs, **over}}


def _animate_scaled() -> dict:
    """ANIMATE (animate mode: no background, no mask) whose clip LayerStyle's resize scales for the poses and the face
    crops, WanAnimateToVideo's width and height that resize's."""
    wf = copy.deepcopy(ANIMATE)
    for k in ("22", "23", "24", "25"):
        del wf[k]
    for k in ("background_video", "character_mask"):
        del wf["7"]["inputs"][k]
    wf["30"] = _scaler(["5", 0])
    wf["20"]["inputs"].update(images=["30", 0], width=["30", 3], height=["30", 4])
    wf["21"]["inputs"].update(width=["30", 3], height=["30", 4])
    wf["7"]["inputs"].update(width=["30", 3], height=["30", 4])
    return wf


def _src(g, node_id: str, port: str):
    link = g.input_link(node_id, port)
    return (g.nodes[link.src], link.src_port) if link is not None else (None, None)


def test_an_aspect_ratio_resize_of_the_clip_is_studios_scale_and_wan_animate_takes_the_poses_size():
    conv = convert(_animate_scaled(), "aspect_scaled")
    g = conv.graph
    gen = nodes_of(conv, "video_models.wan_animate")[0]
    assert (gen.params["width"], gen.params["height"]) == (0, 0)
    scales = nodes_of(conv, "transform.scale")
    assert len(scales) == 1
    p = scales[0].params
    assert (p["width"], p["height"], p["fit"], p["multiple"], p["rounding"], p["interpolation"]) == \
        (1280, 1280, "within", 16, "up", "lanczos")
    assert _src(g, scales[0].id, "video")[0].type_id in ("io.load_video", "edit.frame_rate")
    draw = _src(g, gen.id, "pose")[0]
    assert draw.type_id == "preprocess.draw_pose" and _src(g, draw.id, "like")[0] is scales[0]
    text = said(conv)
    assert "not applied" not in text.split(SCALER)[1][:200]
    assert "the generator takes that size when it runs (its 'width' and 'height' 0: its 'pose''s size)" in text
    assert "scaled to fit within 1280x1280 keeping its aspect, each side rounded up to a multiple of 16" in text
    assert "ComfyUI's letterbox pads it with its background colour '#000000' (at most 15 pixels), where Studio's " \
           "Scale stretches the frame over it" in text
    assert g.validate() == []


def test_scales_up_rounding_and_the_packs_fixed_ratios():
    """Scale's 'up' rounding cuts the exact size to a whole pixel, then rounds up to the multiple (the pack's rule:
    1920x1080, longest side 1000 -> 1000 x int(562.5) -> 1008 x 576); a fixed ratio's size worked out as the pack
    does ('16:9' at the width 1000: 1000 x 562 -> 1008 x 576), 'crop' cut about the middle; a letterbox to another
    aspect and a 'hamming' filter not made (a kilo-pixel side past Scale's factor neither; one within it is read since
    heldout122: tests/convert/test_comfy_heldout122_mends.py)."""
    from nodes.images import scaled_size
    from studio.convert.tracing import aspect_scale
    p = SimpleNamespace(width=1000, height=1000, fit="within", multiple=16, rounding="up", scale=1.0,
                        condition="always")
    assert scaled_size(1920, 1080, p) == (1008, 576)
    assert scaled_size(1080, 1920, p) == (576, 1008)
    assert scaled_size(1920, 1080, SimpleNamespace(**{**vars(p), "multiple": 1})) == (1000, 562)

    def params(**over):
        n = CNode("1", SCALER, widgets={**_scaler(["2", 0], **over)["inputs"]}, links={"image": ("2", 0)})
        del n.widgets["image"]
        return aspect_scale.params(n.widgets.get, n)
    assert params(aspect_ratio="16:9", scale_to_side="width", scale_to_length=1000, fit="crop") == \
        {"width": 1008, "height": 576, "crop": "center", "interpolation": "lanczos"}
    assert params(aspect_ratio="custom", proportional_width=9, proportional_height=16, fit="fill",
                  scale_to_length=1280) == {"width": 720, "height": 1280, "crop": "disabled", "interpolation": "lanczos"}
    assert params(aspect_ratio="16:9", fit="letterbox") is None
    assert params(method="hamming") is None
    assert params(scale_to_side="total_pixel(kilo pixel)", scale_to_length=9000) is None
    assert params(scale_to_side="shortest", fit="crop")["fit"] == "cover"


def test_wan_animates_unread_size_is_said_taken_from_its_pose_with_the_length_wording_kept():
    """Width, height and length from a clip's VHS_VideoInfo (not worked out when converting): Wan Animate's 0 width
    and height take its 'pose''s size, said so, beside its length taken from the pose."""
    wf = copy.deepcopy(ANIMATE)
    wf["30"] = {"class_type": "VHS_VideoInfo", "inputs": {"video_info": ["5", 3]}}
    wf["31"] = {"class_type": "SomeOtherPack_IntMath", "inputs": {"a": ["30", 8]}}
    wf["32"] = {"class_type": "SomeOtherPack_IntMath", "inputs": {"a": ["30", 9]}}
    wf["33"] = {"class_type": "SomeOtherPack_IntMath", "inputs": {"a": ["30", 6]}}
    wf["7"]["inputs"].update(width=["31", 0], height=["32", 0], length=["33", 0])
    conv = convert(wf, "animate_sized")
    gen = nodes_of(conv, "video_models.wan_animate")[0]
    assert (gen.params["width"], gen.params["height"]) == (0, 0)
    text = said(conv)
    assert "the generator's own size is used" not in text and "the generator's own are used" not in text
    assert "not read, the generator takes its 'pose''s size when it runs (its 'width' and 'height' 0), and its " \
           "'pose''s length (its 'frames' 0) (set its 'width', 'height', 'frames' to the workflow's)" in text


def test_a_value_node_between_a_resizes_width_and_the_wrappers_embeds_is_read_through():
    """The wrapper's WanVideoAnimateEmbeds given its width and height by 'Int' nodes whose value is the resize's
    (a UI file): read through them, its 0 width and height the pose's (82/10 used the saved 832x480)."""
    from studio.convert.reading.value_relay import relayed
    from studio.convert.reading.workflow import Workflow
    relay = CNode("2", "Int", widgets={}, links={"value": ("1", 3)}, in_types={"value": "INT"}, out_types=["INT"])
    other = CNode("3", "Int", widgets={"value": 5}, links={}, in_types={"value": "INT"}, out_types=["INT"])
    wf = Workflow({"1": CNode("1", SCALER), "2": relay, "3": other}, "ui")
    assert relayed(wf, ("2", 0)) == ("1", 3)
    assert relayed(wf, ("3", 0)) == ("3", 0)
    from studio.convert.packs.measures_carried import kind
    from studio.convert.packs.translation import measured
    embeds = CNode("4", "WanVideoAnimateEmbeds", widgets={"width": 832}, links={"width": ("2", 0), "height": ("3", 0)})
    assert measured(wf, embeds, "width") and not measured(wf, embeds, "height")  # (the saved 832 not what runs)
    assert kind(wf, relayed(wf, embeds.links["width"])) == "width"


def test_the_length_counted_of_the_clip_is_the_drawn_poses_through_a_pose_detection_and_its_drawing():
    """Wan Animate's length the clip loader's frame count, its pose drawn (DrawViTPose) from a detection
    (PoseAndFaceDetection) Studio's pose nodes make, one a frame: its 'frames' 0 said to take its 'pose''s length
    (82/10 said "not read, the generator's own is used")."""
    wf = _animate_scaled()
    wf["7"]["inputs"]["length"] = ["5", 1]
    conv = convert(wf, "aspect_counted")
    gen = nodes_of(conv, "video_models.wan_animate")[0]
    assert gen.params["frames"] == 0
    text = said(conv)
    assert "the generator's own is used" not in text
    assert "its 'pose''s length" in text
