"""A save writing its take beside other pictures (KJNodes' ImageConcanate / ImageConcatMulti, told by a 'direction'
setting and two pictures wired in: finishing/beside.py) made as Studio's Side by Side: the take beside the file it
was made from (with its fixed resize as Scale), or two takes side by side (takes/segments.py), said naming the node;
and the Side by Side node itself run on tiny clips."""
from __future__ import annotations

import numpy as np

from studio.convert.mapping.convert import convert
from studio.engine.clip import Clip
from tests.convert.test_comfy_wiring import UI


class _Solid(Clip):
    def __init__(self, n, w, h, value):
        super().__init__(n, 16.0, w, h, 3)
        self.value = value

    def _frame(self, i):
        return np.full((self.height, self.width, 3), self.value + i / 100, np.float32)


def _wan(w, clip, vae, unet, seed, image=None):
    """One Wan 2.1 take (image to video from ``image``, else text to video): its VAEDecode's id."""
    pos = w.add("CLIPTextEncode", [f"take {seed}"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    neg = w.add("CLIPTextEncode", ["blurry"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    if image is not None:
        lat = w.add("WanImageToVideo", [832, 480, 81, 1], ["CONDITIONING", "CONDITIONING", "LATENT"],
                    {"positive": (pos, 0, "CONDITIONING"), "negative": (neg, 0, "CONDITIONING"),
                     "vae": (vae, 0, "VAE"), "start_image": (image, 0, "IMAGE")})
        conds = {"positive": (lat, 0, "CONDITIONING"), "negative": (lat, 1, "CONDITIONING"), "latent_image": (lat, 2, "LATENT")}
    else:
        lat = w.add("EmptyHunyuanLatentVideo", [832, 480, 81, 1], ["LATENT"])
        conds = {"positive": (pos, 0, "CONDITIONING"), "negative": (neg, 0, "CONDITIONING"),
                 "latent_image": (lat, 0, "LATENT")}
    ks = w.add("KSampler", [seed, "fixed", 20, 5.0, "uni_pc", "simple", 1.0], ["LATENT"],
               {"model": (unet, 0, "MODEL"), **conds})
    return w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks, 0, "LATENT"), "vae": (vae, 0, "VAE")})


def _doc(two_takes: bool) -> dict:
    w = UI()
    unet = w.add("UNETLoader", ["wan2.1_i2v_480p_14B_fp16.safetensors", "default"], ["MODEL"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"], ["CLIP"])
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"], ["VAE"])
    if two_takes:
        first, second = _wan(w, clip, vae, unet, 1), _wan(w, clip, vae, unet, 2)
    else:
        img = w.add("LoadImage", ["start.png", "image"], ["IMAGE", "MASK"])
        sized = w.add("ImageScale", ["lanczos", 832, 480, "center"], ["IMAGE"], {"image": (img, 0, "IMAGE")})
        first, second = sized, _wan(w, clip, vae, unet, 1, sized)
    cat = w.add("ImageConcanate", ["down", True], ["IMAGE"], {"image1": (first, 0, "IMAGE"),
                                                              "image2": (second, 0, "IMAGE")})
    cv = w.add("CreateVideo", [16], ["VIDEO"], {"images": (cat, 0, "IMAGE")})
    w.add("SaveVideo", ["out", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    return w.doc()


def test_the_take_beside_the_picture_it_was_made_from_is_side_by_side():
    conv = convert(_doc(False), "beside")
    g = conv.graph
    sv = next(n for n in g.nodes.values() if n.type_id == "io.save_video")
    side = g.nodes[g.input_link(sv.id, "video").src]
    assert side.type_id == "edit.side_by_side" and side.params["direction"] == "down"
    a, b = (g.nodes[g.input_link(side.id, k).src] for k in ("a", "b"))
    assert a.type_id == "transform.scale" and (a.params["width"], a.params["height"]) == (832, 480)
    assert g.nodes[g.input_link(a.id, "video").src].type_id == "io.load_image"
    assert b.type_id == "video_models.image_to_video"
    notes = "\n".join(n["text"] for n in g.ui["notes"])
    assert ("'SaveVideo' (#13) writes the take beside 'start.png' (down), as 'ImageConcanate' (ImageConcanate, #11) "
            "places them: Studio's Side by Side") in notes
    assert "11" not in conv.dropped and "5" not in conv.dropped


def test_two_takes_side_by_side_are_two_pipelines_placed_by_side_by_side():
    conv = convert(_doc(True), "two")
    g = conv.graph
    side = next(n for n in g.nodes.values() if n.type_id == "edit.side_by_side")
    assert {g.nodes[g.input_link(side.id, k).src].type_id for k in ("a", "b")} == {"video_models.text_to_video"}
    assert not any(n.type_id == "edit.concatenate" for n in g.nodes.values())
    said = "\n".join(conv.log)
    assert ("places 2 takes, each sampled on its own, side by side in one frame, each down of the one before "
            "('ImageConcanate' (ImageConcanate, #14))") in said and "Concatenate" not in said


def test_side_by_side_places_b_beside_a_at_its_height_holding_the_shorter():
    from nodes.edit.side_by_side import _SideClip
    a, b = _Solid(3, 8, 4, 0.1), _Solid(1, 4, 2, 0.5)  # b: half a's height, one frame
    right = _SideClip(a, b, "right")
    assert (right.width, right.height, right.n_frames) == (16, 4, 3)
    f = right.frame(2)
    assert np.allclose(f[:, :8], 0.12) and np.allclose(f[:, 8:], 0.5)  # b's one frame held, scaled to 8x4
    up = _SideClip(a, b, "up")
    assert (up.width, up.height) == (8, 8) and np.allclose(up.frame(0)[:4], 0.5) and np.allclose(up.frame(0)[4:], 0.1)
