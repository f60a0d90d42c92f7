"""Mechanisms a sixty-fourth held-out set (benchmarks/results/heldout64_2026-11-30.md: ComfyUI's own blueprints in
forks of ComfyUI, SteadyDancer's example) showed, each on a small hand-written workflow, with invented pack node names
where the rule is by declared types."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said
from tests.convert.test_comfy_heldout55_mends import _two_stages


def _pose_sized(halver: str = "ImageScaleBy") -> dict:
    """06's shape (ComfyUI's Pose to Video (LTX 2.0) blueprint): LTX-2 in two stages whose first stage's width, height
    and length are GetImageSize of the pose frames halved, the pose frames guided at frame 0 (an IC-LoRA's control),
    a start picture put in place on that latent."""
    d = _two_stages(True)
    del d["sz"]
    d.update(api({
        "pv": ("VHS_LoadVideo", {"video": "pose.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0,
                                 "frame_load_cap": 0, "skip_first_frames": 0, "select_every_nth": 1,
                                 "format": "AnimateDiff"}),
        "hs": (halver, {"image": ["pv", 0], "upscale_method": "lanczos", "scale_by": 0.5}),
        "gs": ("GetImageSize", {"image": ["hs", 0]}),
        "ag": ("LTXVAddGuide", {"positive": ["c", 0], "negative": ["c", 1], "vae": ["ck", 2], "latent": ["ip", 0],
                                "image": ["pv", 0], "frame_idx": 0, "strength": 1.0})}))
    d["v"]["inputs"].update(width=["gs", 0], height=["gs", 1], length=["gs", 2])
    d["a"]["inputs"]["frames_number"] = ["gs", 2]
    d["av"]["inputs"]["video_latent"] = ["ag", 2]
    d["g"]["inputs"].update(positive=["ag", 0], negative=["ag", 1])
    return d


def test_a_first_stage_sized_by_half_the_control_frames_is_kept_through_the_start_picture():
    """06: the take's size, half the pose frames' (GetImageSize of ImageScaleBy 0.5 of the clip Studio gives LTX-2's
    'control'), was "not read, the generator takes its 'image''s size", so the x2 refine ended at twice the start
    picture's size. Now a Scale x0.5 of the control clip sizes the start picture (Scale's 'like'), which LTX-2 takes
    at width and height 0, said; and the length, the count of those frames, is the control clip's (LTX-2 declares
    'control' a source port: its frames 0 take that clip's length)."""
    conv = convert(_pose_sized(), "pose.json")
    g = conv.graph
    gen = nodes_of(conv, "video_models.ltx2")[0]
    assert (gen.params["width"], gen.params["height"], gen.params["frames"]) == (0, 0, 0)
    control = g.input_link(gen.id, "control")
    assert control is not None  # (the clip as VHS's loader gives it: Studio's Scale rounding it to multiples of 8)
    assert g.nodes[g.input_link(control.src, "video").src].type_id == "io.load_video"
    held = g.nodes[g.input_link(gen.id, "image").src]
    assert held.type_id == "edit.frame_hold"
    fitted = g.nodes[g.input_link(held.id, "video").src]
    assert fitted.type_id == "transform.scale" and fitted.params["crop"] == "center"
    assert g.nodes[g.input_link(fitted.id, "video").src].type_id == "io.load_image"
    measure = g.nodes[g.input_link(fitted.id, "like").src]
    assert measure.type_id == "transform.scale" and measure.params["scale"] == 0.5
    assert g.input_link(measure.id, "video").src == control.src  # the control clip halved: the take's size
    text = said(conv)
    assert "0.5 times the size of the frames 'VHS_LoadVideo' (VHS_LoadVideo, #pv) loads, which Studio gives the generator's " \
           "'control': Studio's Scale x0.5 of them sizes the picture given its 'image'" in text
    assert "the count of the frames 'VHS_LoadVideo' (VHS_LoadVideo, #pv) gives, as Studio makes them for the generator's " \
           "'control'" in text
    assert "not read" not in text.split("two stages:")[1].split(";")[0]
    assert "LTX-2 makes the take at the size of its 'image', scaled to 0.5 times the size of what its 'control' is " \
           "given" in text
    # a pack's step of unknown effect on the control frames measured instead: no Scale made, said not read, as before
    conv = convert(_pose_sized("AcmeFrameMangler"), "mangled.json")
    assert not [n for n in nodes_of(conv, "transform.scale") if conv.graph.input_link(n.id, "like") is not None]
    assert "whose value Studio cannot work out when converting: not read" in said(conv)


def test_a_first_stage_sized_by_the_control_frames_themselves_takes_their_size_with_no_scale_of_them():
    """The Canny / Depth to Video blueprints' shape: GetImageSize of the control frames as they are (factor 1): the
    start picture is scaled to the control clip's own size (Scale's 'like' given that clip), no Scale x1 of it."""
    d = _pose_sized()
    d["gs"]["inputs"]["image"] = ["pv", 0]
    del d["hs"]
    conv = convert(d, "canny.json")
    g = conv.graph
    gen = nodes_of(conv, "video_models.ltx2")[0]
    fitted = g.nodes[g.input_link(g.input_link(gen.id, "image").src, "video").src]
    assert fitted.type_id == "transform.scale"
    assert g.input_link(fitted.id, "like").src == g.input_link(gen.id, "control").src
    assert len(nodes_of(conv, "transform.scale")) == 2  # (VHS's rounding Scale and the picture's: none x1)
    assert "the size of the frames 'VHS_LoadVideo' (VHS_LoadVideo, #pv) loads, which Studio gives the generator's " \
           "'control': their size sizes the picture given its 'image'" in said(conv)


def test_ltx2_declares_its_control_a_source_port():
    """The length foreseen (take_length) and the converter's count (folded_sizes._counted) read the control clip's
    frames as the take's where 'frames' is 0, as ic_control.take_frames makes it."""
    from nodes.video_models.families.ltx2.node import LTX2Video
    from nodes.video_models.sampling.take_length import frames_made
    assert LTX2Video.source_ports == ("control",)
    assert frames_made(None, {"frames": 0}, {"control": {"frames": 57}}, LTX2Video.source_ports) == 57


def test_a_loader_naming_no_file_carries_the_workflows_title():
    """04: the LTX-2.3 first/last-frame blueprint's two open picture inputs became two Load Image nodes with no file and
    no title, told apart only by the Log's '#228:input' / '#228:input_1'. A loader naming no file (a file to set by
    hand) now carries the workflow's own title for it."""
    from tests.convert.test_comfy_heldout39_mends import _picture_blueprint
    conv = convert(_picture_blueprint("IMAGE"), "Picture Clip.json")
    assert [n.title for n in nodes_of(conv, "io.load_image")] == ["Picture Clip: input"]
