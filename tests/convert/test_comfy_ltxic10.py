"""LTX-2 IC-LoRA takes sized and timed by their control clip (ltxic10: Lightricks' LTX-2.3 V2V IC-LoRA example, whose
first-stage latent is GetImageSize of the resize on the control frames' way, with no start picture, and whose rate
is GetVideoComponents' fps of that clip): small hand-written workflows of ComfyUI's node types."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said
from tests.convert.test_comfy_heldout55_mends import _two_stages


def _v2v(picture: bool = False, measured: str = "rz") -> dict:
    """An LTX-2 take in two stages whose IC-LoRA guide is a loaded clip's frames scaled (ImageScaleBy), its latent's
    width, height and length GetImageSize of ``measured``, its rate (LTXVConditioning's, CreateVideo's) the clip's
    (GetVideoComponents' fps); ``picture``: a start picture put in place on the latent."""
    d = _two_stages(picture)
    del d["sz"]
    d.update(api({
        "lv": ("LoadVideo", {"file": "shave.mp4"}),
        "gc": ("GetVideoComponents", {"video": ["lv", 0]}),
        "rz": ("ImageScaleBy", {"image": ["gc", 0], "upscale_method": "lanczos", "scale_by": 0.5}),
        "mg": ("AcmeFrameMangler", {"images": ["gc", 0], "amount": 3}),
        "gs": ("GetImageSize", {"image": [measured, 0]}),
        "ag": ("LTXAddVideoICLoRAGuide", {"positive": ["c", 0], "negative": ["c", 1], "vae": ["ck", 2],
                                          "latent": ["ip" if picture else "v", 0], "image": ["rz", 0],
                                          "frame_idx": 0, "strength": 1.0})}))
    d["v"]["inputs"].update(width=["gs", 0], height=["gs", 1], length=["gs", 2])
    d["a"]["inputs"]["frames_number"] = ["gs", 2]
    d["av"]["inputs"]["video_latent"] = ["ag", 2]
    d["g"]["inputs"].update(positive=["ag", 0], negative=["ag", 1])
    d["c"]["inputs"]["frame_rate"] = ["gc", 2]
    d["cv"]["inputs"]["fps"] = ["gc", 2]
    return d


def test_a_first_stage_sized_by_the_resize_on_the_controls_way_takes_the_control_clips_size_and_rate():
    """Lightricks' V2V IC-LoRA example: "not read, the generator's own are used" (LTX-2's default size) and "the
    video's rate is not taken from it" (the family's 24). LTX-2 now takes its control clip's size and rate at 0."""
    conv = convert(_v2v(), "v2v.json")
    g = conv.graph
    gen = nodes_of(conv, "video_models.ltx2")[0]
    assert (gen.params["width"], gen.params["height"], gen.params["frames"], gen.params["fps"]) == (0, 0, 0, 0.0)
    scale = g.nodes[g.input_link(gen.id, "control").src]
    assert scale.type_id == "transform.scale" and scale.params["scale"] == 0.5
    text = said(conv)
    assert "the size of the picture it measures of what 'ImageScaleBy' (ImageScaleBy, #rz) makes, which Studio's Scale " \
           "makes on the way to the generator's 'control': the generator takes that size when it runs (its 'width' " \
           "and 'height' 0: its 'control''s size)" in text
    assert "LTX-2 makes the take at the size of its 'control', as ComfyUI's first stage is sized" in text
    assert "'CreateVideo' (#cv)'s fps is the rate of the clip 'LoadVideo' (LoadVideo, #lv) loads" in text
    assert "LTX-2 Video + Sound's 'fps' 0 takes the rate of its 'control', that clip, when it runs" in text
    assert "not read" not in text and "the video's rate is not taken" not in text


def test_with_a_start_picture_the_take_is_not_said_sized_by_the_control():
    """LTX-2 takes its start picture's size first: no claim through 'control' where a picture is given."""
    text = said(convert(_v2v(picture=True), "pictured.json"))
    assert "'control''s size" not in text and "the size of its 'control'" not in text
    assert "not read, the generator takes its 'image''s size when it runs" in text


def test_a_size_not_read_beside_a_control_clip_says_the_control_clips_size_and_length():
    """A size measured of a pack's step of unknown effect on the clip: still not read, but LTX-2 at 0 takes its
    control clip's size and length (it was "the generator's own are used", false once a control clip is wired)."""
    text = said(convert(_v2v(measured="mg"), "mangled.json"))
    assert "not read, the generator takes its 'control''s size when it runs (its 'width' and 'height' 0), and its " \
           "'control''s length (its 'frames' 0)" in text
    assert "LTX-2 makes the take at its 'control''s size (the workflow's first-stage size is not read" in text
    assert "the generator's own" not in text


def test_ltx2_declares_its_control_a_size_and_rate_port():
    from studio.core.registry import default_registry
    spec = default_registry().get("video_models.ltx2")
    assert spec.ports("size") == spec.ports("rate") == ("control",)
