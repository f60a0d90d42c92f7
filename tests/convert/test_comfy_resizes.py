"""A resize between a file and a generator's input made by Studio's Scale (tracing/resizes.py) where its settings fix
the size it gives (ImageScale, ImageScaleBy, ResizeImageMaskNode by dimensions, ImageResizeKJ stretched), said naming
it; ResizeImagesByLongerEdge as Scale within a square; a resize by the picture's own area (KJ's total_pixels) named in the sentence saying the file is wired
without it, and a factor after it not made (it would scale another size)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wiring import UI


def _wan_i2v(resizes) -> dict:
    """Wan 2.1 image to video whose start image goes through ``resizes`` ((type, widgets, outputs), file first)."""
    w = UI()
    unet = w.add("UNETLoader", ["wan2.1_i2v_480p_14B_fp16.safetensors", "default"], ["MODEL"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"], ["CLIP"])
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"], ["VAE"])
    src = w.add("LoadImage", ["start.png", "image"], ["IMAGE", "MASK"])
    for cls, widgets, outs in resizes:
        src = w.add(cls, widgets, outs, {"image": (src, 0, "IMAGE")})
    pos = w.add("CLIPTextEncode", ["a cat"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    neg = w.add("CLIPTextEncode", ["blurry"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    i2v = w.add("WanImageToVideo", [832, 480, 81, 1], ["CONDITIONING", "CONDITIONING", "LATENT"],
                {"positive": (pos, 0, "CONDITIONING"), "negative": (neg, 0, "CONDITIONING"), "vae": (vae, 0, "VAE"),
                 "start_image": (src, 0, "IMAGE")})
    ks = w.add("KSampler", [1, "fixed", 20, 5.0, "uni_pc", "simple", 1.0], ["LATENT"],
               {"model": (unet, 0, "MODEL"), "positive": (i2v, 0, "CONDITIONING"),
                "negative": (i2v, 1, "CONDITIONING"), "latent_image": (i2v, 2, "LATENT")})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks, 0, "LATENT"), "vae": (vae, 0, "VAE")})
    cv = w.add("CreateVideo", [16], ["VIDEO"], {"images": (dec, 0, "IMAGE")})
    w.add("SaveVideo", ["out", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    return w.doc()


def _chain(g):
    """The nodes from the generator's 'image' back to its file, generator side first."""
    gen = next(n for n in g.nodes.values() if n.type_id == "video_models.image_to_video")
    out, link = [], g.input_link(gen.id, "image")
    while link:
        n = g.nodes[link.src]
        out.append(n)
        link = g.input_link(n.id, "video")
    return out


def test_a_fixed_resize_of_the_start_image_is_studios_scale_said():
    conv = convert(_wan_i2v([("ImageScale", ["lanczos", 832, 480, "center"], ["IMAGE"]),
                             ("ImageScaleBy", ["bicubic", 0.5], ["IMAGE"])]), "scaled")
    chain = _chain(conv.graph)
    assert [n.type_id for n in chain] == ["edit.frame_hold", "transform.scale", "transform.scale", "io.load_image"]
    assert chain[1].params["scale"] == 0.5 and chain[1].params["interpolation"] == "cubic"
    assert (chain[2].params["width"], chain[2].params["height"], chain[2].params["crop"]) == (832, 480, "center")
    notes = "\n".join(n["text"] for n in conv.graph.ui["notes"])
    assert ("'start_image' of 'WanImageToVideo' is scaled to 832x480 (cut to that aspect, its middle kept) by Studio's "
            "Scale, as 'ImageScale' (ImageScale, #5) scales it") in notes
    assert "'start_image' of 'WanImageToVideo' is scaled by 0.5 by Studio's Scale, as 'ImageScaleBy' (ImageScaleBy, #6)" \
        in notes
    assert "5" not in conv.dropped and "6" not in conv.dropped and "a frame of the clip" not in notes


def test_a_resize_by_the_pictures_own_size_is_named_and_a_factor_after_it_not_made():
    conv = convert(_wan_i2v([("ImageResizeKJv2", [1024, 1024, "lanczos", "total_pixels", "0, 0, 0", "center", 2, "cpu"],
                              ["IMAGE", "INT", "INT", "MASK"]),
                             ("ImageScaleBy", ["bicubic", 0.5], ["IMAGE"]),
                             ("ImageResizeKJ", [640, 480, "lanczos", False, 16, "disabled"], ["IMAGE", "INT", "INT"])]),
                   "longer")
    chain = _chain(conv.graph)
    assert [n.type_id for n in chain] == ["edit.frame_hold", "transform.scale", "io.load_image"]
    assert (chain[1].params["width"], chain[1].params["height"], chain[1].params["crop"]) == (640, 480, "disabled")
    notes = "\n".join(n["text"] for n in conv.graph.ui["notes"])
    assert ("'start_image' of 'WanImageToVideo' is LoadImage's file through ComfyUI's 'ImageResizeKJv2' "
            "(ImageResizeKJv2, #5), 'ImageScaleBy' (ImageScaleBy, #6): the file is wired without those steps") in notes


def test_a_resize_by_the_longer_edge_is_scale_within_a_square_rounded_down():
    conv = convert(_wan_i2v([("ResizeImagesByLongerEdge", [1024], ["IMAGE"])]), "longer_edge")
    scale = _chain(conv.graph)[1]
    assert {k: scale.params[k] for k in ("width", "height", "fit", "interpolation")} == \
        {"width": 1024, "height": 1024, "fit": "within, down", "interpolation": "lanczos"}
    assert ("is scaled to fit within 1024x1024 keeping its aspect by Studio's Scale, as 'ResizeImagesByLongerEdge' "
            "(ResizeImagesByLongerEdge, #5) scales it") in "\n".join(n["text"] for n in conv.graph.ui["notes"])


def test_a_resize_whose_size_is_wired_is_not_made_from_its_stale_saved_size():
    """ComfyUI's Wan Animate 2 template sizes a ResizeImageMaskNode by a GetImageSize wired into its
    'resize_type.width'/'height': the numbers saved in its widgets (481x854) are stale, so no Scale is made of them."""
    doc = _wan_i2v([("ResizeImageMaskNode", ["scale dimensions", 481, 854, "center", "area"], ["IMAGE"])])
    nodes = {n["id"]: n for n in doc["nodes"]}
    size = max(nodes) + 1
    doc["nodes"].append({"id": size, "type": "GetImageSize", "mode": 0, "pos": [0, 0], "size": [200, 100],
                         "inputs": [{"name": "image", "type": "IMAGE", "link": None}], "properties": {},
                         "outputs": [{"name": "width", "type": "INT"}, {"name": "height", "type": "INT"}],
                         "widgets_values": []})
    resize = next(n for n in doc["nodes"] if n["type"] == "ResizeImageMaskNode")
    for slot, name in enumerate(("resize_type.width", "resize_type.height")):
        lid = len(doc["links"]) + 1
        doc["links"].append([lid, size, slot, resize["id"], len(resize["inputs"]), "INT"])
        resize["inputs"].append({"name": name, "type": "INT", "link": lid})
    g = convert(doc, "wired").graph
    assert not [n for n in g.nodes.values() if n.type_id == "transform.scale"]
    assert _chain(g)[-1].type_id == "io.load_image"
