"""LTX-2's later passes as ComfyUI makes them (task ltx2x22): the x2 refine's start picture (LTXVImgToVideoInplace
after the upsampler) wired to LTX-2 Latent Upscale's 'image' where it is the picture the take is made from (a strength
other than 1 said; another picture said not taken), and the take's latents handed on (LTX-2 Video + Sound's 'latent'
into each pass's 'latent', each refined pass's on to the next), so no pass samples frames encoded again."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

from .test_comfy_ltxmid21 import _in_place, _workflow

UPSCALE = "video_models.ltx2_latent_upscale"


def _made(d: dict, name: str):
    conv = convert(d, name)
    g = conv.graph
    ups = [n for n in g.nodes.values() if n.type_id == UPSCALE]
    text = "\n".join(n["text"] for n in g.ui.get("notes", []))
    return conv, g, ups, text


def _two_stage(strength: float = 1.0, other: bool = False) -> dict:
    """ltxmid21's workflow without its middle pass: the take, LTXVLatentUpsampler, the picture put in place again
    (``strength``; ``other``: a picture the take is not made from), the refine pass."""
    d = _workflow(upscale=True)
    for k in ("ip2", "mc", "s2n", "s2m", "s2", "s2s"):
        d.pop(k)
    d["up"]["inputs"]["samples"] = ["s1s", 0]
    d["uc"]["inputs"]["audio_latent"] = ["s1s", 1]
    nodes = {}
    _in_place(nodes, "ip3", ["up", 0], strength)
    d["ip3"] = {"class_type": "LTXVImgToVideoInplace", "inputs": nodes["ip3"][1]}
    if other:
        d["img2"] = {"class_type": "LoadImage", "inputs": {"image": "another.png"}}
        d["ip3"]["inputs"]["image"] = ["img2", 0]
    return d


def test_the_refines_start_picture_is_wired_and_said_in_the_stages_line():
    conv, g, ups, text = _made(_two_stage(), "two_stage.json")
    (up,) = ups
    gen = g.nodes[g.input_link(up.id, "video").src]
    assert gen.type_id == "video_models.ltx2" and up.params["scale"] == "x2" and up.params["refine"]
    pic, wired = g.input_link(gen.id, "image"), g.input_link(up.id, "image")
    assert wired is not None and (wired.src, wired.src_port) == (pic.src, pic.src_port)
    assert "as ComfyUI's LTXVLatentUpsampler and second sampler pass do, the generator's start picture put in place " \
           "again first at that size, as 'LTXVImgToVideoInplace' (LTXVImgToVideoInplace, #ip3) does" in text
    assert "refine starts from the upsampled take only" not in text
    assert not any("#ip3" in line and "not applied" in line for line in conv.log)


def test_a_strength_below_1_is_said_and_another_picture_is_not_wired():
    _conv, g, ups, text = _made(_two_stage(strength=0.6), "weak.json")
    assert g.input_link(ups[0].id, "image") is not None
    assert "'LTXVImgToVideoInplace' (LTXVImgToVideoInplace, #ip3) puts the start picture in place at strength 0.6 for " \
           "the second pass: LTX-2 Latent Upscale's refine holds the picture's latent frame clean (strength 1)" in text
    _conv, g, ups, text = _made(_two_stage(other=True), "other.json")
    assert g.input_link(ups[0].id, "image") is None
    assert "the second pass puts a start image in place again ('LTXVImgToVideoInplace' (LTXVImgToVideoInplace, #ip3), " \
           "strength 1.0) that the take is not made from: LTX-2 Latent Upscale's refine starts from the upsampled take " \
           "only (connect that picture to its 'image')" in text
    assert "the generator's start picture put in place again" not in text


def test_the_takes_latents_are_handed_on_pass_to_pass():
    _conv, g, ups, text = _made(_workflow(), "three_pass.json")
    mid, final = ups
    gen = g.input_link(mid.id, "video").src
    assert (g.input_link(mid.id, "latent").src, g.input_link(mid.id, "latent").src_port) == (gen, "latent")
    assert (g.input_link(final.id, "latent").src, g.input_link(final.id, "latent").src_port) == (mid.id, "latent")
    assert "LTX-2 Latent Upscale at 'scale' x1 samples the take's latents again at that size" in text
    assert "encoded anew" not in text
    _conv, g, ups, _text = _made(_two_stage(), "two_stage.json")
    assert g.input_link(ups[0].id, "latent").src == g.input_link(ups[0].id, "video").src


def _half_of_picture(d: dict) -> dict:
    """The first stage sized at half the loaded picture (EmptyImage of its size, ImageScaleBy 0.5, GetImageSize), the
    picture going on to the take through ResizeImagesByLongerEdge (axces2000's LTX2_I2V shape)."""
    d["rz"] = {"class_type": "ResizeImagesByLongerEdge", "inputs": {"images": ["img", 0], "longer_edge": 1536}}
    d["pre"]["inputs"]["image"] = ["rz", 0]
    d["gs0"] = {"class_type": "GetImageSize", "inputs": {"image": ["img", 0]}}
    d["ei"] = {"class_type": "EmptyImage", "inputs": {"width": ["gs0", 0], "height": ["gs0", 1], "batch_size": 1,
                                                      "color": 0}}
    d["sb"] = {"class_type": "ImageScaleBy", "inputs": {"image": ["ei", 0], "upscale_method": "area", "scale_by": 0.5}}
    d["gs"] = {"class_type": "GetImageSize", "inputs": {"image": ["sb", 0]}}
    d["v"]["inputs"].update(width=["gs", 0], height=["gs", 1])
    return d


def test_a_first_stage_at_half_the_loaded_picture_is_made_at_that_size():
    conv, g, ups, text = _made(_half_of_picture(_two_stage()), "half.json")
    gen = g.nodes[g.input_link(ups[0].id, "video").src]
    assert (gen.params["width"], gen.params["height"]) == (0, 0)  # (its picture's size)
    way, node = [], gen.id
    while (link := g.input_link(node, "image" if node == gen.id else "video")) is not None:
        way.append(g.nodes[link.src])
        node = link.src
    scale = next(n for n in way if n.type_id == "transform.scale")
    assert (scale.params["scale"], scale.params["width"], scale.params["height"]) == (0.5, 0, 0)
    assert way[-1].type_id == "io.load_image"
    pic = g.input_link(ups[0].id, "image")  # the refine's picture: the one loaded, not the half-size one
    assert g.nodes[pic.src].type_id == "io.load_image"
    assert "0.5 times the size of the picture 'LoadImage' (LoadImage, #img) loads" in text
    assert "through Studio's Scale x0.5 (made of 'ResizeImagesByLongerEdge' (ResizeImagesByLongerEdge, #rz)'s " \
           "resize, which keeps the picture's aspect: the picture is brought to the take's size either way)" in text
    assert "LTX-2 makes the take at the size of its 'image' scaled x0.5, as ComfyUI's first stage is sized" in text
    assert "first-stage size is not read" not in text


def test_a_first_and_last_frame_takes_picture_at_frame_0_is_the_refines():
    """The take's pictures given as guides (LTXVAddGuide at the last frame and at frame 0): the keyframe at frame 0
    is what the refine puts in place again."""
    d = _two_stage()
    d["img2"] = {"class_type": "LoadImage", "inputs": {"image": "last.png"}}
    d["g1"] = {"class_type": "LTXVAddGuide", "inputs": {"positive": ["c", 0], "negative": ["c", 1], "vae": ["ck", 2],
                                                        "latent": ["v", 0], "image": ["pre", 0], "frame_idx": 0,
                                                        "strength": 1.0}}
    d["g2"] = {"class_type": "LTXVAddGuide", "inputs": {"positive": ["g1", 0], "negative": ["g1", 1], "vae": ["ck", 2],
                                                        "latent": ["g1", 2], "image": ["img2", 0], "frame_idx": -1,
                                                        "strength": 1.0}}
    d.pop("ip1")
    d["av"]["inputs"]["video_latent"] = ["g2", 2]
    d["g"]["inputs"].update(positive=["g2", 0], negative=["g2", 1])
    _conv, g, ups, text = _made(d, "flf.json")
    gen = next(n for n in g.nodes.values() if n.type_id == "video_models.ltx2")
    at = [x.strip() for x in gen.params["keyframes"].split(",")].index("0")
    key = g.input_link(gen.id, f"keyframe_{at + 1}")
    assert g.input_link(gen.id, "image") is None and key is not None
    assert (g.input_link(ups[0].id, "image").src, g.input_link(ups[0].id, "image").src_port) == (key.src, key.src_port)
    assert "is given none and puts none in place" not in text
