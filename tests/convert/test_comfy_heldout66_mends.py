"""heldout66's mends (apps' workflows: a web front-end's LTX-2.3 and InfiniteTalk templates, Replicate cogs, an API
server's tests), each on a minimal workflow built here from node types, values and links:
- LTXVAddGuideMulti with a guide's frame wired to a value Studio cannot work out: said placed at frame 0, and the
  strengths' sentence names that frame (was "0.5 at frame None", the middle picture held at frame 0 unsaid);
- the wrapper's InfiniteTalk video to video: a step on the clip's way names the encode's own input the file wires
  (was "... (#N)'s 'clip'", an input WanVideoImageToVideoMultiTalk does not have);
- an API file's LTXVImgToVideo naming the LTX-Video 0.9 / 0.9.1 setting image_noise_scale: said not taken (was
  dropped unsaid; a UI file's fifth saved value was already said);
- a UI file's fofr 'ideal resolution' size node, its two settings saved by place: read as its API file's are (the
  picture scaled by area, the generator taking that size; was "cannot work out")."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

from .said import api, nodes_of, said, ui
from .test_comfy_ltx2_guide_strengths import _guided
from .test_comfy_wrapper_embeds import _talk
from .test_comfy_wrappers import UI


def test_a_multi_guides_frame_not_worked_out_is_said_placed_at_frame_0():
    doc = _guided(1.0, 1.0)
    doc["23"] = {"class_type": "LoadImage", "inputs": {"image": "noon.png"}}
    doc["24"] = {"class_type": "GetImageSize", "inputs": {"image": ["23", 0]}}
    doc["25"] = {"class_type": "SimpleCalculatorKJ", "inputs": {"expression": "ceil(a/2)", "a": ["24", 0]}}
    g = doc["22"]["inputs"]
    g.update({"num_guides": "3", "num_guides.frame_idx_2": ["25", 1], "num_guides.strength_2": 0.5,
              "num_guides.image_2": ["23", 0], "num_guides.frame_idx_3": -1, "num_guides.strength_3": 1.0,
              "num_guides.image_3": ["21", 0]})
    conv = convert(doc, "mid")
    text = said(conv)
    assert nodes_of(conv, "video_models.ltx2")[0].params["keyframes"] == "0, 0, last"
    assert ("the frame of 'LTXVAddGuideMulti' (LTXVAddGuideMulti, #22) ('num_guides.frame_idx_2') comes from "
            "'SimpleCalculatorKJ' (SimpleCalculatorKJ, #25), whose value Studio cannot work out: its image is placed "
            "at frame 0; set the generator's 'keyframes'") in text
    assert "frame None" not in text
    assert "0.5 at frame 0 (where Studio places it) of 'LTXVAddGuideMulti' (LTXVAddGuideMulti, #22)" in text


def test_a_step_on_a_dubbed_clips_way_names_the_encodes_own_input():
    w = UI()
    _talk(w)
    clip = w.add("VHS_LoadVideo", {"video": "source.mp4", "force_rate": 0, "frame_load_cap": 0,
                                   "skip_first_frames": 0, "select_every_nth": 1})
    wide = w.add("INTConstant", ["{{WIDTH}}"])
    resize = w.add("ImageResizeKJv2", [512, 512, "lanczos", "crop", "0, 0, 0", "center", 16, "cpu"],
                   image=(clip, 0), width=(wide, 0), height=(wide, 0))
    vae = next(n["id"] for n in w.nodes if n["type"] == "WanVideoVAELoader")
    enc = w.add("WanVideoEncode", [False, 272, 272, 144, 128, 0.0, 1.0], vae=(vae, 0), image=(resize, 0))
    s = next(n for n in w.nodes if n["type"] == "WanVideoSampler")
    s["widgets_values"] = [4, 1.0, 11.0, 7, "fixed", True, "unipc", 2, 1.0]
    w.links.append([len(w.links) + 1, enc, 0, s["id"], len(s["inputs"]), "LATENT"])
    s["inputs"].append({"name": "samples", "type": "LATENT", "link": len(w.links)})
    conv = convert(w.doc(), "dub")
    text = said(conv)
    assert [t["generator"] for t in conv.tasks] == ["video_models.infinitetalk"]
    i2v = next(n["id"] for n in w.nodes if n["type"] == "WanVideoImageToVideoMultiTalk")
    assert f"(#{i2v})'s 'clip'" not in text and "of 'WanVideoImageToVideoMultiTalk' is" not in text
    assert f"'ImageResizeKJv2' (ImageResizeKJv2, #{resize}), a step between its 'image' and 'WanVideoEncode' " \
           f"(#{enc})'s 'image'" in text


def _ltxv_i2v(**more) -> dict:
    return api({
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "ltx-video-2b-v0.9.1.safetensors"}),
        "2": ("CLIPLoader", {"clip_name": "t5xxl_fp16.safetensors", "type": "ltxv"}),
        "3": ("CLIPTextEncode", {"text": "waves breaking on a beach", "clip": ["2", 0]}),
        "4": ("CLIPTextEncode", {"text": "low quality", "clip": ["2", 0]}),
        "5": ("LoadImage", {"image": "beach.jpg"}),
        "6": ("LTXVImgToVideo", {"width": 768, "height": 512, "length": 25, "batch_size": 1, "positive": ["3", 0],
                                 "negative": ["4", 0], "vae": ["1", 2], "image": ["5", 0], **more}),
        "7": ("LTXVConditioning", {"frame_rate": 25, "positive": ["6", 0], "negative": ["6", 1]}),
        "8": ("KSamplerSelect", {"sampler_name": "euler"}),
        "9": ("LTXVScheduler", {"steps": 30, "max_shift": 2.05, "base_shift": 0.95, "stretch": True,
                                "terminal": 0.1, "latent": ["6", 2]}),
        "10": ("SamplerCustom", {"add_noise": True, "noise_seed": 5, "cfg": 3, "model": ["1", 0],
                                 "positive": ["7", 0], "negative": ["7", 1], "sampler": ["8", 0],
                                 "sigmas": ["9", 0], "latent_image": ["6", 2]}),
        "11": ("VAEDecode", {"samples": ["10", 0], "vae": ["1", 2]}),
        "12": ("SaveAnimatedWEBP", {"filename_prefix": "beach", "fps": 24, "lossless": False, "quality": 90,
                                    "method": "default", "images": ["11", 0]})})


def test_an_api_files_image_noise_scale_is_said_not_taken():
    conv = convert(_ltxv_i2v(image_noise_scale=0.15), "ltxv")
    assert [t["generator"] for t in conv.tasks] == ["video_models.image_to_video"]
    assert ("LTXVImgToVideo's image_noise_scale 0.15 (noise put on the start image's latent, a setting of LTX-Video "
            "0.9 / 0.9.1's LTXVImgToVideo; Studio's Image to Video holds the start image whole, with no noise put on "
            "it) is not taken") in said(conv)
    assert "image_noise_scale" not in said(convert(_ltxv_i2v(image_noise_scale=0.0), "none"))  # (nothing lost)
    assert "image_noise_scale" not in said(convert(_ltxv_i2v(strength=1.0), "today"))


def test_a_ui_files_ideal_resolution_node_is_read_by_its_saved_places():
    size = "Width and height for scaling image to ideal resolution 🪴"
    nodes = [
        (1, "UNETLoader", [], ["MODEL"], ["wan2.1_i2v_480p_14B_bf16.safetensors", "default"]),
        (2, "CLIPLoader", [], ["CLIP"], ["umt5_xxl_fp16.safetensors", "wan", "default"]),
        (3, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["a woman smiles"]),
        (4, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["blurry"]),
        (5, "VAELoader", [], ["VAE"], ["wan_2.1_vae.safetensors"]),
        (6, "LoadImage", [], ["IMAGE", "MASK"], ["face.jpg", "image"]),
        (7, size, [("image", "IMAGE")], ["INT", "INT"], [644, 28]),
        (8, "ImageResize+", [("image", "IMAGE"), ("width", "INT"), ("height", "INT")], ["IMAGE", "INT", "INT"],
         [512, 512, "lanczos", "stretch", "always", 0]),
        (9, "CLIPVisionLoader", [], ["CLIP_VISION"], ["clip_vision_h.safetensors"]),
        (10, "CLIPVisionEncode", [("clip_vision", "CLIP_VISION"), ("image", "IMAGE")], ["CLIP_VISION_OUTPUT"],
         ["none"]),
        (11, "WanImageToVideo", [("positive", "CONDITIONING"), ("negative", "CONDITIONING"), ("vae", "VAE"),
                                 ("clip_vision_output", "CLIP_VISION_OUTPUT"), ("start_image", "IMAGE"),
                                 ("width", "INT"), ("height", "INT")],
         ["CONDITIONING", "CONDITIONING", "LATENT"], [832, 480, 33, 1]),
        (12, "KSampler", [("model", "MODEL"), ("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                          ("latent_image", "LATENT")], ["LATENT"], [7, "fixed", 30, 5, "uni_pc", "simple", 1]),
        (13, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
        (14, "VHS_VideoCombine", [("images", "IMAGE")], [],
         {"frame_rate": 16, "loop_count": 0, "filename_prefix": "wan", "format": "video/h264-mp4"}),
    ]
    links = [(2, 0, 3, "clip"), (2, 0, 4, "clip"), (6, 0, 7, "image"), (6, 0, 8, "image"), (7, 0, 8, "width"),
             (7, 1, 8, "height"), (9, 0, 10, "clip_vision"), (8, 0, 10, "image"), (3, 0, 11, "positive"),
             (4, 0, 11, "negative"), (5, 0, 11, "vae"), (10, 0, 11, "clip_vision_output"), (8, 0, 11, "start_image"),
             (7, 0, 11, "width"), (7, 1, 11, "height"), (1, 0, 12, "model"), (11, 0, 12, "positive"),
             (11, 1, 12, "negative"), (11, 2, 12, "latent_image"), (12, 0, 13, "samples"), (5, 0, 13, "vae"),
             (13, 0, 14, "images")]
    conv = convert(ui(nodes, links), "ideal_ui")
    assert conv.graph.validate() == []
    gen = nodes_of(conv, "video_models.image_to_video")[0]
    scale = nodes_of(conv, "transform.scale")[0]
    assert (gen.params["width"], gen.params["height"], gen.params["frames"]) == (0, 0, 33)
    assert {k: scale.params[k] for k in ("width", "height", "fit", "multiple", "rounding")} == \
        {"width": 644, "height": 644, "fit": "area", "multiple": 28, "rounding": "nearest, even"}
    assert "cannot work out" not in said(conv)
