"""Issue 112, heldout108's mends (fresh set judged on main bb316e27): each test builds its workflow from node types,
values and links (written here from the facts, no file copied) and fails without its mend.

1. A run of a clip's frames picked once (ImageFromBatch) and read both by the re-render's way and by a before-and-after
   stitch beside the take was trimmed on the generator's way only: the stitch was given the whole clip, unsaid
   (108/05). Now the file's way to a comparison makes the pick as Studio's Trim, said in the comparison's sentence."""
from __future__ import annotations

import copy

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said, source_of
from tests.convert.test_comfy_animate_extend import BASE


def _restyle_beside(pick: tuple[str, dict]) -> dict:
    """A Wan 2.1 1.3B re-render of frames of a clip at denoise 0.4, written beside the same frames (ImageStitch)."""
    cls, settings = pick
    return api({
        "1": ("UNETLoader", {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "sharp, detailed", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "", "clip": ["2", 0]}),
        "6": ("LoadVideo", {"file": "clip.mp4"}),
        "7": ("GetVideoComponents", {"video": ["6", 0]}),
        "8": (cls, {**settings, "image": ["7", 0]} if cls == "ImageFromBatch" else {**settings, "images": ["7", 0]}),
        "9": ("ImageScale", {"upscale_method": "lanczos", "width": 832, "height": 480, "crop": "center",
                             "image": ["8", 0]}),
        "10": ("VAEEncode", {"pixels": ["9", 0], "vae": ["3", 0]}),
        "11": ("KSampler", {"seed": 3, "steps": 20, "cfg": 5.0, "sampler_name": "euler", "scheduler": "simple",
                            "denoise": 0.4, "model": ["1", 0], "positive": ["4", 0], "negative": ["5", 0],
                            "latent_image": ["10", 0]}),
        "12": ("VAEDecode", {"samples": ["11", 0], "vae": ["3", 0]}),
        "13": ("ImageStitch", {"direction": "right", "match_image_size": True, "spacing_width": 0,
                               "spacing_color": "white", "image1": ["8", 0], "image2": ["12", 0]}),
        "14": ("CreateVideo", {"fps": 16, "images": ["13", 0]}),
        "15": ("SaveVideo", {"filename_prefix": "video/compare", "format": "mp4", "codec": "h264", "video": ["14", 0]}),
    })


def _stitch_left(conv):
    stitch = nodes_of(conv, "edit.stitch")
    assert len(stitch) == 1, [n.type_id for n in conv.graph.nodes.values()]
    return source_of(conv, stitch[0].id, "image1")


def test_a_picked_run_of_the_clip_beside_the_take_is_trimmed_and_said():
    conv = convert(_restyle_beside(("ImageFromBatch", {"batch_index": 4, "length": 33})), "beside_pick")
    left = _stitch_left(conv)
    assert left.type_id == "transform.trim" and (left.params["start"], left.params["end"]) == (4, 37)
    assert source_of(conv, left.id, "video").type_id == "io.load_video"
    assert ("the file's frames 4 to 36 (at most) as 'ImageFromBatch' (ImageFromBatch, #8) picks them: Studio's Trim"
            in said(conv))


def test_a_pick_with_a_count_not_fixed_leaves_the_clip_as_it_was():
    conv = convert(_restyle_beside(("ImageFromBatch", {"batch_index": 0, "length": 1})), "beside_one")
    assert _stitch_left(conv).type_id != "transform.trim"  # (one frame is a still: no run to trim)


def _segments_saved_each(joined: bool) -> dict:
    """ComfyUI's Wan 2.2 Animate extend (tests/convert/test_comfy_animate_extend.BASE: take 1 of 77 frames, an
    extension continuing it from its last 5) with the extension's frames written by a Save Video of their own before
    any joined output (108/06: each segment saved, then both joined); the joined output kept or left out."""
    wf = copy.deepcopy(BASE)
    order = {k: wf.pop(k) for k in ("23", "24", "25", "26")}
    wf["30"] = {"class_type": "CreateVideo", "inputs": {"images": ["22", 0], "fps": 16}}
    wf["31"] = {"class_type": "SaveVideo", "inputs": {"video": ["30", 0], "filename_prefix": "second"}}
    if joined:
        wf.update(order)
    return wf


def test_an_extension_saved_alone_is_the_whole_takes_last_frames_made_once():
    conv = convert(_segments_saved_each(joined=True), "segments")
    g = conv.graph
    gens = nodes_of(conv, "video_models.wan_animate")
    assert len(gens) == 1, [n.type_id for n in g.nodes.values()]
    gen = gens[0]
    assert (gen.params["frames"], gen.params["window"], gen.params["overlap"]) == (149, 77, "5")
    cut = {(t.params["start"], t.params["length"]) for t in nodes_of(conv, "edit.time")}
    assert cut == {(0, 77), (72, 77)}
    for t in nodes_of(conv, "edit.time"):
        assert g.input_link(t.id, "video").src == gen.id
    fed = sorted(g.input_link(s.id, "video").src for s in nodes_of(conv, "io.save_video"))
    assert fed.count(gen.id) == 1 and len(fed) == 3  # (the joined output: the whole take)
    text = said(conv)
    assert "writes the last 77 frames of that Wan Animate take (frames 72 to 148), cut by a Time node (trim)" in text
    assert "writes the first take alone" not in text and "a segment of its own" not in text


def test_an_extension_saved_alone_without_a_joined_output_is_still_not_a_copy_of_the_first_take():
    conv = convert(_segments_saved_each(joined=False), "segments_only")
    gens = nodes_of(conv, "video_models.wan_animate")
    assert len(gens) == 1 and gens[0].params["frames"] == 149
    assert {(t.params["start"], t.params["length"]) for t in nodes_of(conv, "edit.time")} == {(0, 77), (72, 77)}
