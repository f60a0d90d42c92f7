"""Mechanisms an eighth held-out set (benchmarks/results/heldout8_2026-11-29.md, Wan 2.1 / 2.2) showed, each on a small
hand-written workflow: a family reading a later sampler into the same take while the take's note still said
"another take ... add a generator for it"; a pack node's setting wired to a constant read as its unused saved value;
a held image-to-video whose start image is not wired at all; a pack sampler's pack named after a node giving only
sound, and a zeroed conditioning called the positive prompt whichever input it feeds; a passed-over step whose
picture input was passed on as the mask it gives."""
from __future__ import annotations

import copy

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_animate_extend import BASE as ANIMATE_EXTEND
from tests.convert.said import said as _said


def test_an_extension_made_in_the_same_take_is_not_said_as_another_take_to_add():
    conv = convert(copy.deepcopy(ANIMATE_EXTEND), "extend")
    gens = [n for n in conv.graph.nodes.values() if n.type_id == "video_models.wan_animate"]
    assert len(gens) == 1 and gens[0].params["frames"] == 149  # the extension made by the one generator
    said = _said(conv)
    assert "continues the first take from its last 5 frames" in said
    assert "another take" not in said and "add a generator for it" not in said


def test_another_packs_setting_wired_to_a_constant_is_that_constant_never_its_saved_value():
    """MultiTalkWav2VecEmbeds (not a WanVideoWrapper node by its name) read by the wrapper's translation: its
    num_frames wired to a constant (KJNodes' INTConstant 50) is 50, not the widget value 400 the file still saves."""
    from tests.convert.test_comfy_heldout6_mends import _talk
    doc = _talk({"strength_1": 1.0, "strength_2": 1.0})
    doc["8"]["inputs"]["num_frames"] = ["30", 0]
    doc["30"] = {"class_type": "INTConstant", "inputs": {"value": 50}}
    conv = convert(doc, "talk")
    gen = [n for n in conv.graph.nodes.values() if n.type_id == "video_models.infinitetalk"][0]
    assert gen.params["most_frames"] == 50 and "400" not in _said(conv)  # the cap made (heldout69)
    doc["30"] = {"class_type": "GetImageSizeAndCount", "inputs": {"image": ["7", 0]}}  # wired to no constant: that node
    doc["8"]["inputs"]["num_frames"] = ["30", 3]
    said = _said(convert(doc, "talk"))
    assert "makes at most the frames 'GetImageSizeAndCount' (#30) works out" in said and "400" not in said


def _wan_i2v(start: bool) -> dict:
    doc = {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.2_i2v_high_noise_14B_fp8_scaled.safetensors",
                                                     "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5.safetensors", "type": "wan"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "giant legs step forward", "clip": ["2", 0]}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["2", 0]}},
        "6": {"class_type": "LoadImage", "inputs": {"image": "start.png"}},
        "7": {"class_type": "WanImageToVideo", "inputs": {"positive": ["4", 0], "negative": ["5", 0], "vae": ["3", 0],
                                                          "width": 1280, "height": 720, "length": 25, "batch_size": 1}},
        "8": {"class_type": "KSampler", "inputs": {"model": ["1", 0], "positive": ["7", 0], "negative": ["7", 1],
                                                   "latent_image": ["7", 2], "seed": 1, "steps": 4, "cfg": 1.0,
                                                   "sampler_name": "euler", "scheduler": "simple", "denoise": 1.0}},
        "9": {"class_type": "VAEDecode", "inputs": {"samples": ["8", 0], "vae": ["3", 0]}},
        "10": {"class_type": "CreateVideo", "inputs": {"images": ["9", 0], "fps": 30}},
        "11": {"class_type": "SaveVideo", "inputs": {"video": ["10", 0], "filename_prefix": "x"}},
    }
    if start:
        doc["7"]["inputs"]["start_image"] = ["6", 0]
    return doc


def test_an_image_to_video_given_no_start_image_says_so_never_that_nodes_make_it_first():
    said = _said(convert(_wan_i2v(False), "loose"))
    assert "'WanImageToVideo' (WanImageToVideo, #7)'s 'start_image' is connected to nothing" in said
    assert "generates first" not in said
    made = convert(_wan_i2v(True), "wired")
    assert "connected to nothing" not in _said(made)
    assert any(n.type_id == "video_models.image_to_video" for n in made.graph.nodes.values())


def _node(nid, cls, ins=(), outs=(), widgets=()):
    return {"id": nid, "type": cls, "mode": 0, "widgets_values": list(widgets),
            "inputs": [{"name": n, "type": t, "link": l} for n, t, l in ins],
            "outputs": [{"name": n, "type": t, "links": ls} for n, t, ls in outs]}


def _acme_talk() -> dict:
    """An uncatalogued pack's talking sampler (its model socket typed 'AcmeMODEL') given a picture, a prompt, a zeroed
    negative and a sound another uncatalogued pack's separator ('AcmeSPLITTER' model in, AUDIO out) makes."""
    nodes = [
        _node(1, "AcmeLoader", outs=[("model", "AcmeMODEL", [1])], widgets=["acme.safetensors"]),
        _node(2, "CLIPLoader", outs=[("CLIP", "CLIP", [2])], widgets=["umt5.safetensors", "wan", "default"]),
        _node(3, "CLIPTextEncode", ins=[("clip", "CLIP", 2)], outs=[("CONDITIONING", "CONDITIONING", [3, 4])],
              widgets=["a woman talking"]),
        _node(4, "ConditioningZeroOut", ins=[("conditioning", "CONDITIONING", 3)],
              outs=[("CONDITIONING", "CONDITIONING", [5])]),
        _node(5, "LoadImage", outs=[("IMAGE", "IMAGE", [6]), ("MASK", "MASK", [])], widgets=["face.png", "image"]),
        _node(6, "LoadAudio", outs=[("AUDIO", "AUDIO", [7, 11])], widgets=["voice.mp3"]),
        _node(7, "AcmeSplitterLoader", outs=[("model", "AcmeSPLITTER", [8])], widgets=["split.safetensors"]),
        _node(8, "AcmeVocalSplit", ins=[("model", "AcmeSPLITTER", 8), ("audio", "AUDIO", 7)],
              outs=[("vocals", "AUDIO", [9]), ("rest", "AUDIO", [])]),
        _node(9, "AcmeTalkSampler", ins=[("model", "AcmeMODEL", 1), ("positive", "CONDITIONING", 4),
                                         ("negative", "CONDITIONING", 5), ("start_image", "IMAGE", 6),
                                         ("audio", "AUDIO", 9)],
              outs=[("IMAGE", "IMAGE", [10])], widgets=[832, 480, 81, 42, "fixed", 4, 1.0]),
        _node(10, "CreateVideo", ins=[("images", "IMAGE", 10), ("audio", "AUDIO", 11)],
              outs=[("VIDEO", "VIDEO", [12])], widgets=[25]),
        _node(11, "SaveVideo", ins=[("video", "VIDEO", 12)], widgets=["video/talk", "auto", "auto"]),
    ]
    links = [[1, 1, 0, 9, 0, "AcmeMODEL"], [2, 2, 0, 3, 0, "CLIP"], [3, 3, 0, 4, 0, "CONDITIONING"],
             [4, 3, 0, 9, 1, "CONDITIONING"], [5, 4, 0, 9, 2, "CONDITIONING"], [6, 5, 0, 9, 3, "IMAGE"],
             [7, 6, 0, 8, 1, "AUDIO"], [8, 7, 0, 8, 0, "AcmeSPLITTER"], [9, 8, 0, 9, 4, "AUDIO"],
             [10, 9, 0, 10, 0, "IMAGE"], [11, 6, 0, 10, 1, "AUDIO"], [12, 10, 0, 11, 0, "VIDEO"]]
    return {"nodes": nodes, "links": links}


def test_a_sound_made_for_a_pack_sampler_is_what_it_is_made_with_and_a_zeroed_negative_is_the_negative():
    conv = convert(_acme_talk(), "acme talk")
    first = conv.log[0]
    assert "Studio cannot convert 'AcmeTalkSampler' (AcmeTalkSampler, #9), which makes it;" in first
    assert "'AcmeVocalSplit' (AcmeVocalSplit, #8)" in first.split("which makes it;")[1]  # made with, not a maker
    assert "'AcmeVocalSplit' (AcmeVocalSplit, #8): makes" not in _said(conv)
    assert "an empty negative prompt ('ConditioningZeroOut' (ConditioningZeroOut, #4))" in first
    assert "empty positive" not in first and "prompt 'a woman talking'" in first


def _vace_masked_by(grounding: bool) -> dict:
    """Wan VACE given a clip (LoadVideo -> GetVideoComponents) and, on 'control_masks', a mask an uncatalogued pack's
    node makes from the clip's pictures with its own model ('AcmeGROUNDER'), grown by ComfyUI's GrowMask;
    ``grounding`` False: the mask a plain ImageToMask takes of the pictures instead (no model)."""
    n, links = [], []

    def add(nid, cls, ins=(), outs=(), widgets=()):
        for name, typ, (src, slot) in ins:
            links.append([len(links) + 1, src, slot, nid, len([x for x in links if x[3] == nid]), typ])
        n.append({"id": nid, "type": cls, "mode": 0, "widgets_values": list(widgets),
                  "inputs": [{"name": name, "type": typ, "link": next(l[0] for l in links if l[3] == nid and
                                                                     l[1] == src and l[2] == slot)}
                             for name, typ, (src, slot) in ins],
                  "outputs": [{"name": o, "type": o, "links": []} for o in outs]})

    add(1, "UNETLoader", outs=["MODEL"], widgets=["wan2.1_vace_1.3B_fp16.safetensors", "default"])
    add(2, "CLIPLoader", outs=["CLIP"], widgets=["umt5.safetensors", "wan", "default"])
    add(3, "VAELoader", outs=["VAE"], widgets=["wan_2.1_vae.safetensors"])
    add(4, "CLIPTextEncode", [("clip", "CLIP", (2, 0))], ["CONDITIONING"], ["a wall"])
    add(5, "CLIPTextEncode", [("clip", "CLIP", (2, 0))], ["CONDITIONING"], [""])
    add(6, "LoadVideo", outs=["VIDEO"], widgets=["street.mp4", "image"])
    add(7, "GetVideoComponents", [("video", "VIDEO", (6, 0))], ["IMAGE", "AUDIO", "FLOAT"])
    if grounding:
        add(8, "AcmeGrounderLoader", outs=["AcmeGROUNDER"], widgets=["grounder.safetensors"])
        add(9, "AcmeGrounding", [("image", "IMAGE", (7, 0)), ("grounder", "AcmeGROUNDER", (8, 0))],
            ["IMAGE", "MASK"], ["car"])
        add(10, "GrowMask", [("mask", "MASK", (9, 1))], ["MASK"], [10, True])
    else:
        add(9, "ImageToMask", [("image", "IMAGE", (7, 0))], ["MASK"], ["red"])
        add(10, "GrowMask", [("mask", "MASK", (9, 0))], ["MASK"], [10, True])
    add(11, "WanVaceToVideo", [("positive", "CONDITIONING", (4, 0)), ("negative", "CONDITIONING", (5, 0)),
                               ("vae", "VAE", (3, 0)), ("control_video", "IMAGE", (7, 0)),
                               ("control_masks", "MASK", (10, 0))],
        ["CONDITIONING", "CONDITIONING", "LATENT", "INT"], [832, 480, 81, 1, 1.0])
    add(12, "KSampler", [("model", "MODEL", (1, 0)), ("positive", "CONDITIONING", (11, 0)),
                         ("negative", "CONDITIONING", (11, 1)), ("latent_image", "LATENT", (11, 2))],
        ["LATENT"], [1, "fixed", 20, 5.0, "uni_pc", "simple", 1.0])
    add(13, "TrimVideoLatent", [("samples", "LATENT", (12, 0)), ("trim_amount", "INT", (11, 3))], ["LATENT"], [0])
    add(14, "VAEDecode", [("samples", "LATENT", (13, 0)), ("vae", "VAE", (3, 0))], ["IMAGE"])
    add(15, "CreateVideo", [("images", "IMAGE", (14, 0))], ["VIDEO"], [16])
    add(16, "SaveVideo", [("video", "VIDEO", (15, 0))], widgets=["video/x", "auto", "auto"])
    return {"nodes": n, "links": links}


def test_a_mask_a_node_makes_from_pictures_with_its_model_is_never_the_pictures_themselves():
    conv = convert(_vace_masked_by(True), "grounded")
    g = conv.graph
    gen = next(x for x in g.nodes.values() if x.type_id == "video_models.wan_vace")
    assert g.input_link(gen.id, "mask") is None  # not the clip's pictures through Mask Tools
    assert ("is the mask 'AcmeGrounding' (AcmeGrounding, #9) makes from pictures with its model ('grounder'), "
            "which Studio does not convert") in _said(conv)
    plain = convert(_vace_masked_by(False), "channel")  # a mask taken of the pictures without a model: wired as before
    gen = next(x for x in plain.graph.nodes.values() if x.type_id == "video_models.wan_vace")
    assert plain.graph.input_link(gen.id, "mask") is not None and "makes from pictures" not in _said(plain)


def _take_beside_a_still() -> dict:
    """A Wan 2.1 T2V take saved alone and again side by side (KJNodes' ImageConcanate) with a still an inpainting pass
    makes of one loaded picture (InpaintModelConditioning -> KSampler), repeated: the still is no segment of the take."""
    doc = {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors",
                                                     "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5.safetensors", "type": "wan"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "a street", "clip": ["2", 0]}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["2", 0]}},
        "6": {"class_type": "EmptyHunyuanLatentVideo", "inputs": {"width": 832, "height": 480, "length": 33,
                                                                  "batch_size": 1}},
        "7": {"class_type": "KSampler", "inputs": {"model": ["1", 0], "positive": ["4", 0], "negative": ["5", 0],
                                                   "latent_image": ["6", 0], "seed": 1, "steps": 20, "cfg": 5.0,
                                                   "sampler_name": "euler", "scheduler": "simple", "denoise": 1.0}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["7", 0], "vae": ["3", 0]}},
        "9": {"class_type": "CreateVideo", "inputs": {"images": ["8", 0], "fps": 16}},
        "10": {"class_type": "SaveVideo", "inputs": {"video": ["9", 0], "filename_prefix": "take"}},
        "20": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "inpaint_still.safetensors"}},
        "21": {"class_type": "LoadImage", "inputs": {"image": "first_frame.png"}},
        "22": {"class_type": "InpaintModelConditioning", "inputs": {
            "positive": ["4", 0], "negative": ["5", 0], "vae": ["20", 2], "pixels": ["21", 0], "mask": ["21", 1],
            "noise_mask": True}},
        "23": {"class_type": "KSampler", "inputs": {"model": ["20", 0], "positive": ["22", 0], "negative": ["22", 1],
                                                    "latent_image": ["22", 2], "seed": 2, "steps": 30, "cfg": 1.0,
                                                    "sampler_name": "euler", "scheduler": "beta", "denoise": 1.0}},
        "24": {"class_type": "VAEDecode", "inputs": {"samples": ["23", 0], "vae": ["20", 2]}},
        "25": {"class_type": "RepeatImageBatch", "inputs": {"image": ["24", 0], "amount": 33}},
        "26": {"class_type": "ImageConcanate", "inputs": {"image1": ["8", 0], "image2": ["25", 0],
                                                          "direction": "right", "match_image_size": True}},
        "27": {"class_type": "CreateVideo", "inputs": {"images": ["26", 0], "fps": 16}},
        "28": {"class_type": "SaveVideo", "inputs": {"video": ["27", 0], "filename_prefix": "side_by_side"}},
    }
    return doc


def test_a_still_made_beside_a_take_is_not_said_as_a_segment_to_join():
    said = _said(convert(_take_beside_a_still(), "still"))
    assert "writes this take with the still picture 'KSampler' (KSampler, #23) makes" in said
    assert "each a segment of its own" not in said and "Concatenate" not in said


def _two_experts(leftover: str, add: str) -> dict:
    adv = lambda model, latent, start, end, add_noise, rest: {"class_type": "KSamplerAdvanced", "inputs": {  # noqa
        "model": model, "positive": ["4", 0], "negative": ["5", 0], "latent_image": latent, "add_noise": add_noise,
        "noise_seed": 7, "steps": 8, "cfg": 1.0, "sampler_name": "euler", "scheduler": "simple",
        "start_at_step": start, "end_at_step": end, "return_with_leftover_noise": rest}}
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.2_t2v_high_noise_14B_fp8_scaled.safetensors",
                                                     "weight_dtype": "default"}},
        "2": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.2_t2v_low_noise_14B_fp8_scaled.safetensors",
                                                     "weight_dtype": "default"}},
        "3": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5.safetensors", "type": "wan"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "a smile", "clip": ["3", 0]}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["3", 0]}},
        "6": {"class_type": "EmptyHunyuanLatentVideo", "inputs": {"width": 1280, "height": 720, "length": 41,
                                                                  "batch_size": 1}},
        "7": adv(["1", 0], ["6", 0], 0, 3, "enable", leftover),
        "8": adv(["2", 0], ["7", 0], 3, 999, add, "disable"),
        "9": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "10": {"class_type": "VAEDecode", "inputs": {"samples": ["8", 0], "vae": ["9", 0]}},
        "11": {"class_type": "CreateVideo", "inputs": {"images": ["10", 0], "fps": 16}},
        "12": {"class_type": "SaveVideo", "inputs": {"video": ["11", 0], "filename_prefix": "x"}},
    }


def test_a_first_expert_ending_denoised_and_a_second_adding_noise_again_is_said():
    said = _said(convert(_two_experts("disable", "enable"), "renoised"))
    assert ("'KSamplerAdvanced' (KSamplerAdvanced, #7) ends at step 3 of 8 returning no leftover noise (denoised "
            "there) and 'KSamplerAdvanced' (KSamplerAdvanced, #8) adds noise again") in said
    assert "re-noises" not in _said(convert(_two_experts("enable", "disable"), "usual"))


def test_a_rectangle_cut_of_the_start_image_is_studios_crop_and_gives_its_size():
    """ComfyUI's ImageCrop (declared: one picture, x, y, width, height) between the file and the start image is made as
    Studio's Crop, and a GetImageSize of it gives the cut's size."""
    doc = _wan_i2v(True)
    doc["30"] = {"class_type": "ImageCrop", "inputs": {"image": ["6", 0], "width": 464, "height": 528, "x": 432,
                                                       "y": 196}}
    doc["31"] = {"class_type": "GetImageSize", "inputs": {"image": ["30", 0]}}
    doc["7"]["inputs"].update(start_image=["30", 0], width=["31", 0], height=["31", 1])
    conv = convert(doc, "crop")
    g = conv.graph
    gen = next(n for n in g.nodes.values() if n.type_id == "video_models.image_to_video")
    assert (gen.params["width"], gen.params["height"]) == (464, 528)
    crop = next(n for n in g.nodes.values() if n.type_id == "edit.crop")
    assert crop.params == {"x": 432, "y": 196, "width": 464, "height": 528}
    way, seen = gen.id, set()
    while (link := g.input_link(way, "image" if way == gen.id else "video")) is not None and way not in seen:
        seen.add(way)
        way = link.src
    assert crop.id in seen  # the cut lies on the start image's way
    assert "is cut to 464x528 at (432, 196) by Studio's Crop" in _said(conv)


def test_a_frame_cap_wired_to_a_value_not_worked_out_names_that_node_never_the_saved_number():
    from tests.convert.test_comfy_heldout6_mends import _talk
    doc = _talk({"strength_1": 1.0, "strength_2": 1.0})
    doc["30"] = {"class_type": "AcmeFrameMath", "inputs": {"seconds": ["6", 0]}}  # (a pack's value from the sound)
    doc["8"]["inputs"]["num_frames"] = ["30", 0]
    said = _said(convert(doc, "talk"))
    assert "makes at most the frames 'AcmeFrameMath' (#30) works out (num_frames)" in said


def test_a_text_box_with_a_flag_gives_its_text_where_it_is_on_one_line():
    """A pack's text constant (declared by a UI file: nothing in, a STRING out; its text and a flag, as KJNodes'
    StringConstantMultiline saves ['car', true]) gives its text; on several lines, or a number with a flag: not read."""
    from studio.convert.reading.primitives import constant
    from studio.convert.reading.workflow import CNode
    assert constant(CNode("1", "AcmeTextBox", raw=["car", True], out_types=["STRING"]), 0) == "car"
    assert constant(CNode("1", "AcmeTextBox", raw=["a car\non a road", True], out_types=["STRING"]), 0) is None
    assert constant(CNode("1", "AcmeNumber", raw=[5, True], out_types=["INT"]), 0) is None
