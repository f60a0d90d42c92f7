"""Issue 99 item 5: Wan Animate's mode follows ComfyUI's wiring. WanAnimateToVideo with its background_video and
character_mask wired replaces the person in that clip: Studio's Wan Animate in mode 'replace', the clip and the mask
wired; neither wired: mode 'animate'; one alone (ComfyUI's half-replace, no mode of Studio's) is said, never a
silent 'animate'."""
from __future__ import annotations

import copy

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said

ANIMATE = {
    "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "Wan2_2-Animate-14B.safetensors", "weight_dtype": "default"}},
    "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "a dancer", "clip": ["12", 0]}},
    "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["12", 0]}},
    "4": {"class_type": "LoadImage", "inputs": {"image": "me.png"}},
    "5": {"class_type": "VHS_LoadVideo", "inputs": {"video": "pose.mp4"}},
    "6": {"class_type": "VHS_LoadVideo", "inputs": {"video": "face.mp4"}},
    "7": {"class_type": "WanAnimateToVideo", "inputs": {
        "positive": ["2", 0], "negative": ["3", 0], "reference_image": ["4", 0], "pose_video": ["5", 0],
        "face_video": ["6", 0], "width": 640, "height": 640, "length": 77, "batch_size": 1}},
    "8": {"class_type": "KSampler", "inputs": {"model": ["1", 0], "positive": ["7", 0], "negative": ["7", 1],
                                               "latent_image": ["7", 2], "seed": 3, "steps": 6, "cfg": 1.0,
                                               "sampler_name": "euler", "scheduler": "simple", "denoise": 1.0}},
    "9": {"class_type": "VAEDecode", "inputs": {"samples": ["8", 0], "vae": ["13", 0]}},
    "10": {"class_type": "CreateVideo", "inputs": {"images": ["9", 0], "fps": 16}},
    "11": {"class_type": "SaveVideo", "inputs": {"video": ["10", 0], "filename_prefix": "animate"}},
    "12": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5.safetensors", "type": "wan"}},
    "13": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_vae.safetensors"}},
    "14": {"class_type": "VHS_LoadVideo", "inputs": {"video": "street.mp4"}},
    "15": {"class_type": "LoadImage", "inputs": {"image": "person_mask.png"}},
}


def _wired(background: bool, mask: bool) -> dict:
    wf = copy.deepcopy(ANIMATE)
    if background:
        wf["7"]["inputs"]["background_video"] = ["14", 0]
    if mask:
        wf["7"]["inputs"]["character_mask"] = ["15", 1]
    return wf


def _gen(conv):
    return next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.wan_animate")


def test_background_and_mask_wired_make_wan_animate_replace_with_both_wired():
    conv = convert(_wired(True, True), "replace")
    g, gen = conv.graph, _gen(conv)
    assert gen.params["mode"] == "replace"
    assert g.nodes[g.input_link(gen.id, "background").src].params["path"].endswith("street.mp4")
    inv = g.nodes[g.input_link(gen.id, "mask").src]  # ComfyUI's Load Image MASK: 1 - its alpha (heldout61)
    assert inv.type_id == "edit.mask_tools" and inv.params["invert"] is True
    assert g.nodes[g.input_link(inv.id, "mask").src].params["path"].endswith("person_mask.png")
    assert conv.tasks[0]["task"] == "character replacement"
    assert g.validate() == []


def test_neither_wired_stays_animate_and_says_nothing_of_replacing():
    conv = convert(_wired(False, False), "animate")
    gen = _gen(conv)
    assert gen.params["mode"] == "animate" and conv.tasks[0]["task"] == "character animation"
    assert "replace" not in _said(conv)


def test_one_of_the_two_alone_is_said_naming_the_node_never_silently_animate():
    for background, mask, wired, missing in ((True, False, "background_video", "character_mask"),
                                             (False, True, "character_mask", "background_video")):
        conv = convert(_wired(background, mask), "half")
        assert _gen(conv).params["mode"] == "animate"
        said = _said(conv)
        assert f"(#7) has its {wired} wired but no {missing}" in said and "set mode 'replace'" in said
