"""Issue 112, heldout122's mends: each test builds its workflow from node types, values and links (written here from
the facts, no file copied) and fails without its mend.

1. LayerStyle's 'ImageScaleByAspectRatio V2' with its side 'total_pixel(kilo pixel)' (the pack's rule: width
   sqrt(ratio x length x 1000), height that over the ratio, each cut, then up to the multiple) was "not applied" twice
   in heldout122 03 (a Wan 2.2 I2V RunPod template): the picture sized to 922 kilo-pixels before WanImageToVideo, whose
   width and height are that resize's, so the take was made at the picture's own size; and the take resized to 2074
   kilo-pixels before RIFE, written at the generator's size. Now read by its declared settings as Studio's Scale
   ('area' at length x 1000 pixels, 'up' rounding; a fixed ratio worked out as the pack does), on the picture's way and
   on the take's way after the generator (finishing/declared_resize)."""
from __future__ import annotations

from types import SimpleNamespace

from studio.convert.mapping.convert import convert
from studio.convert.tracing import aspect_scale
from tests.convert.said import nodes_of, said

SCALER = "LayerUtility: ImageScaleByAspectRatio V2"


def _scaler(image, length: int, **over) -> dict:
    inputs = {"aspect_ratio": "original", "proportional_width": 1, "proportional_height": 1, "fit": "fill",
              "method": "lanczos", "round_to_multiple": "8", "scale_to_side": "total_pixel(kilo pixel)",
              "scale_to_length": length, "background_color": "#000000", "image": image}
    return {"class_type": SCALER, "inputs": {**inputs, **over}}


def _i2v_by_pixels() -> dict:
    """Wan 2.1 I2V: a picture resized to 922 kilo-pixels, WanImageToVideo's width and height that resize's outputs,
    the decoded take resized to 2074 kilo-pixels before CreateVideo / SaveVideo."""
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_i2v_480p_14B_fp16.safetensors",
                                                     "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
                                                     "type": "wan", "device": "default"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "a bottle in moss, flowers growing", "clip": ["2", 0]}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "6": {"class_type": "LoadImage", "inputs": {"image": "bottle.jpg"}},
        "7": _scaler(["6", 0], 922),
        "8": {"class_type": "WanImageToVideo", "inputs": {
            "positive": ["4", 0], "negative": ["5", 0], "vae": ["3", 0], "start_image": ["7", 0],
            "width": ["7", 3], "height": ["7", 4], "length": 81, "batch_size": 1}},
        "9": {"class_type": "KSampler", "inputs": {
            "model": ["1", 0], "positive": ["8", 0], "negative": ["8", 1], "latent_image": ["8", 2], "seed": 7,
            "steps": 20, "cfg": 5.0, "sampler_name": "euler", "scheduler": "simple", "denoise": 1.0}},
        "10": {"class_type": "VAEDecode", "inputs": {"samples": ["9", 0], "vae": ["3", 0]}},
        "11": _scaler(["10", 0], 2074),
        "12": {"class_type": "CreateVideo", "inputs": {"images": ["11", 0], "fps": 16}},
        "13": {"class_type": "SaveVideo", "inputs": {"video": ["12", 0], "filename_prefix": "video/bottle",
                                                     "format": "auto", "codec": "auto"}},
    }


def _upstream(g, node_id: str, port: str):
    link = g.input_link(node_id, port)
    return g.nodes[link.src] if link is not None else None


def test_a_resize_by_kilo_pixels_is_studios_scale_before_and_after_the_generator():
    conv = convert(_i2v_by_pixels(), "by_pixels")
    g = conv.graph
    gen = nodes_of(conv, "video_models.image_to_video")[0]
    assert (gen.params["width"], gen.params["height"]) == (0, 0)  # (the scaled picture's size when it runs)
    scales = {round(n.params["scale"] * 1024 ** 2): n for n in nodes_of(conv, "transform.scale")}
    assert sorted(scales) == [922000, 2074000]
    for n in scales.values():
        assert (n.params["width"], n.params["height"], n.params["fit"], n.params["multiple"], n.params["rounding"],
                n.params["crop"], n.params["interpolation"]) == (1024, 1024, "area", 8, "up", "disabled", "lanczos")
    way, seen = _upstream(g, gen.id, "image"), 0
    while way is not None and way is not scales[922000] and seen < 4:  # (a Hold Frame between: the picture's frame)
        way, seen = _upstream(g, way.id, "video"), seen + 1
    assert way is scales[922000]
    assert _upstream(g, scales[2074000].id, "video") is gen
    text = said(conv)
    assert "writes the take scaled to its aspect at an area of 2074000 pixels, each side cut to a whole pixel, then " \
           "up to a multiple of 8, as" in text
    assert "the generator takes that size when it runs" in text
    assert "not applied" not in text
    assert g.validate() == []


def test_the_packs_kilo_pixel_size_with_a_fixed_ratio():
    """A fixed ratio's size worked out as the pack does: width int(sqrt(ratio x length x 1000)), height int(that
    over the ratio), each up to the multiple (16:9 at 922: 1280.2 -> 1280, 720.1 -> 720; at 500 with 32: 943 ->
    960, 530 -> 544)."""
    n = SimpleNamespace(shown_cls=SCALER, links={})

    def params(**over):
        v = {"aspect_ratio": "16:9", "proportional_width": 1, "proportional_height": 1, "fit": "fill",
             "method": "lanczos", "round_to_multiple": "8", "scale_to_side": "total_pixel(kilo pixel)",
             "scale_to_length": 922, **over}
        return aspect_scale.params(v.get, n)

    assert (params()["width"], params()["height"]) == (1280, 720)
    p = params(scale_to_length=500, round_to_multiple="32")
    assert (p["width"], p["height"]) == (960, 544)
    assert params(scale_to_length=9000) is None  # (past Scale's factor of 8 x 1024x1024 pixels: not made)


def _t2v_sent(**extra) -> dict:
    """Wan 2.1 T2V whose take CreateVideo makes a VIDEO of, given to a node no pack declares (a bot's websocket
    sender) and to nothing else."""
    wf = {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors",
                                                     "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
                                                     "type": "wan", "device": "default"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "a train through fields", "clip": ["2", 0]}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "6": {"class_type": "EmptyHunyuanLatentVideo", "inputs": {"width": 832, "height": 480, "length": 33,
                                                                  "batch_size": 1}},
        "7": {"class_type": "KSampler", "inputs": {
            "model": ["1", 0], "positive": ["4", 0], "negative": ["5", 0], "latent_image": ["6", 0], "seed": 3,
            "steps": 20, "cfg": 5.0, "sampler_name": "euler", "scheduler": "simple", "denoise": 1.0}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["7", 0], "vae": ["3", 0]}},
        "9": {"class_type": "CreateVideo", "inputs": {"images": ["8", 0], "fps": 16}},
        "10": {"class_type": "SaveVideoWebsocketX", "inputs": {"video": ["9", 0], "format": "mp4", "codec": "h264"}},
    }
    wf.update(extra)
    return wf


def test_an_undeclared_node_given_the_video_with_no_output_node_is_the_workflows_output():
    """2. heldout122 01: an API template's only output an undeclared websocket sender of CreateVideo's VIDEO: nothing
    was read after the sampler and nothing made. Now read as SaveVideo of that video, its sending said not done."""
    conv = convert(_t2v_sent(), "sent")
    gen = nodes_of(conv, "video_models.text_to_video")
    assert len(gen) == 1 and (gen[0].params["width"], gen[0].params["height"], gen[0].params["frames"]) == \
        (832, 480, 33)
    saves = nodes_of(conv, "io.save_video")
    assert len(saves) == 1 and saves[0].params["path"] == "out/video/ComfyUI.mp4"
    text = said(conv)
    assert "'SaveVideoWebsocketX' (SaveVideoWebsocketX, #10), a node no pack in Studio's catalogue declares, is given " \
           "the video 'CreateVideo' (CreateVideo, #9) makes on its 'video' and nothing reads what it gives" in text
    assert "('Websocket': sends it on, to the app that queued the workflow or elsewhere) is not done" in text
    assert "its format 'mp4', codec 'h264' are not read" in text
    assert conv.graph.validate() == []


def test_such_a_node_beside_a_declared_output_node_is_not_read_as_one():
    """Where a node is an output node by a declared type (SaveVideo here), ComfyUI runs the workflow for it: the
    undeclared node given the video may be a display, and is not read as a save."""
    conv = convert(_t2v_sent(**{"11": {"class_type": "SaveVideo", "inputs": {
        "video": ["9", 0], "filename_prefix": "video/train", "format": "auto", "codec": "auto"}}}), "sent_saved")
    assert [n.params["path"] for n in nodes_of(conv, "io.save_video")] == ["out/video/train.mp4"]
    assert "is given the video" not in said(conv)
