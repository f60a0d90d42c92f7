"""A video family's take of one frame saved by SaveImage (Wan's text to image: EmptyHunyuanLatentVideo of length 1,
as ComfyUI-MultiGPU's 'wan2_2 t2i' workflow makes it): converted as the take (frames 1) into Studio's Save Image,
one picture named as ComfyUI names it (takes/frames.py, tracing/take_length.py); a take of more frames saved as
pictures still goes to Save Image Sequence."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wiring import UI


def _doc(length: int) -> dict:
    w = UI()
    unet = w.add("UNETLoader", ["wan2.1_t2v_14B_fp16.safetensors", "default"], ["MODEL"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"], ["CLIP"])
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"], ["VAE"])
    pos = w.add("CLIPTextEncode", ["a lighthouse at dusk"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    neg = w.add("CLIPTextEncode", ["blurry"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    lat = w.add("EmptyHunyuanLatentVideo", [1280, 720, length, 1], ["LATENT"])
    ks = w.add("KSampler", [7, "fixed", 20, 5.0, "uni_pc", "simple", 1.0], ["LATENT"],
               {"model": (unet, 0, "MODEL"), "positive": (pos, 0, "CONDITIONING"),
                "negative": (neg, 0, "CONDITIONING"), "latent_image": (lat, 0, "LATENT")})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks, 0, "LATENT"), "vae": (vae, 0, "VAE")})
    w.add("SaveImage", ["wan/still"], [], {"images": (dec, 0, "IMAGE")})
    return w.doc()


def test_a_one_frame_take_is_saved_as_one_picture():
    conv = convert(_doc(1), "t2i")
    g = conv.graph
    assert g.validate() == []
    gen = next(n for n in g.nodes.values() if n.type_id == "video_models.text_to_video")
    assert gen.params["frames"] == 1
    save = next(n for n in g.nodes.values() if n.type_id.startswith("io.save"))
    assert (save.type_id, save.params["path"]) == ("io.save_image", "out/wan/still_00001_.png")
    assert any(l.src == gen.id and l.dst == save.id for l in g.links)
    assert conv.dropped == [] and conv.tasks[0]["task"] == "text to video"


def test_a_take_of_frames_saved_as_pictures_is_an_image_sequence():
    conv = convert(_doc(33), "t2v")
    saves = [n for n in conv.graph.nodes.values() if n.type_id.startswith("io.save")]
    assert [(n.type_id, n.params["folder"]) for n in saves] == [("io.save_images", "out/wan/still")]
