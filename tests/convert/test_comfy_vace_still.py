"""A 360 turnaround from one still (issue 112): WanVaceToVideo given a LoadImage as its control video (one picture
ComfyUI pads to the take with grey frames, keeping it as the first frame) and that loader's own mask: Studio's Wan
VACE takes the still as a keyframe at frame 0, never the still fed as both its control clip and its mask; a mask made
from the picture another way is said, naming the still."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wiring import UI
from tests.convert.said import said as _said


def _turnaround(mask: str) -> dict:
    w = UI()
    unet = w.add("UNETLoader", ["wan2.1_vace_14B_fp16.safetensors", "default"], ["MODEL"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"], ["CLIP"])
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"], ["VAE"])
    img = w.add("LoadImage", ["character.png", "image"], ["IMAGE", "MASK"])
    pos = w.add("CLIPTextEncode", ["a 360 degree turnaround"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    neg = w.add("CLIPTextEncode", ["blurry"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    m = (img, 1, "MASK") if mask == "own" else \
        (w.add("ImageToMask", ["red"], ["MASK"], {"image": (img, 0, "IMAGE")}), 0, "MASK")
    vace = w.add("WanVaceToVideo", [832, 480, 81, 1, 1.0], ["CONDITIONING", "CONDITIONING", "LATENT", "INT"],
                 {"positive": (pos, 0, "CONDITIONING"), "negative": (neg, 0, "CONDITIONING"), "vae": (vae, 0, "VAE"),
                  "control_video": (img, 0, "IMAGE"), "control_masks": m, "reference_image": (img, 0, "IMAGE")})
    ks = w.add("KSampler", [1, "fixed", 20, 5.0, "uni_pc", "simple", 1.0], ["LATENT"],
               {"model": (unet, 0, "MODEL"), "positive": (vace, 0, "CONDITIONING"),
                "negative": (vace, 1, "CONDITIONING"), "latent_image": (vace, 2, "LATENT")})
    trim = w.add("TrimVideoLatent", [], ["LATENT"], {"samples": (ks, 0, "LATENT"), "trim_amount": (vace, 3, "INT")})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (trim, 0, "LATENT"), "vae": (vae, 0, "VAE")})
    cv = w.add("CreateVideo", [16], ["VIDEO"], {"images": (dec, 0, "IMAGE")})
    w.add("SaveVideo", ["turn", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    return w.doc()


def _vace(conv):
    return next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.wan_vace")


def test_a_still_as_control_with_its_own_mask_is_a_keyframe_at_frame_0():
    conv = convert(_turnaround("own"), "turn")
    g, gen = conv.graph, _vace(conv)
    assert g.validate() == []
    assert g.input_link(gen.id, "video") is None and g.input_link(gen.id, "mask") is None
    assert g.nodes[g.input_link(gen.id, "keyframe_1").src].params["path"] == "character.png"
    assert gen.params["keyframes"] == "0"
    assert "Studio's Wan VACE takes it as a keyframe at frame 0" in _said(conv)


def test_a_still_as_control_and_as_a_mask_made_from_it_is_said():
    conv = convert(_turnaround("made"), "turn_mask")
    assert "Wan VACE's control video is the still 'character.png' (LoadImage, #4), one picture ComfyUI pads to the " \
           "take with grey frames, its mask made from the same picture" in _said(conv)
