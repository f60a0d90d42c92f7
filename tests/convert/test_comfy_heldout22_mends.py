"""Mechanisms a twenty-second held-out set (benchmarks/results/heldout22_2026-11-29.md: video finishing and editing
workflows, blueprints, other families' files from small repositories) showed, each on a small hand-written workflow,
with invented pack node names where the rule is by declared types."""
from __future__ import annotations

import json

from studio.convert.mapping.convert import convert
from studio.convert.mapping.file import convert_file, is_comfy_file
from studio.convert.reading.workflow import is_workflow
from tests.convert.said import said as _said
from tests.convert.test_comfy_unread_maker import _doc


def test_an_api_file_with_an_apps_own_entry_beside_its_nodes_is_read(tmp_path):
    """{'stable-restyle': {input, mask, output}} beside the nodes (Yahweasel's restyler, 06): was refused as "not a
    ComfyUI workflow"; the entry is skipped and said, the nodes read."""
    doc = {"stable-restyle": {"input": "6", "output": "14"}, **_doc()}
    path = tmp_path / "restyle.json"
    path.write_text(json.dumps(doc))
    assert is_comfy_file(str(path))
    conv = convert_file(str(path))
    assert conv.tasks and conv.tasks[0]["generator"] == "video_models.text_to_video"
    assert "'stable-restyle'" in _said(conv) and "no node" in _said(conv)
    # more entries that are no node than nodes: not taken for a workflow (a settings file naming one node)
    assert is_workflow({"a": {"class_type": "X", "inputs": {}}, "b": {"x": 1}, "c": {"y": 2}}) is None
    assert is_workflow({"a": {"class_type": "X", "inputs": {}}, "b": {"x": 1}}) is None  # one node: not guessed


def _ui(nodes: list[tuple]) -> dict:
    """A UI workflow from (id, type, widgets, {input: (type, (src, slot))}, [output types]) rows, its links made."""
    out, links, lid = [], [], 0
    consumers: dict[tuple, list] = {}
    for nid, cls, widgets, ins, outs in nodes:
        inputs = []
        for name, (t, src) in ins.items():
            lid += 1
            links.append([lid, src[0], src[1], nid, len(inputs), t])
            consumers.setdefault(src, []).append(lid)
            inputs.append({"name": name, "type": t, "link": lid})
        out.append({"id": nid, "type": cls, "inputs": inputs, "widgets_values": widgets,
                    "outputs": [{"name": t.lower(), "type": t, "links": []} for t in outs]})
    for n in out:
        for slot, o in enumerate(n["outputs"]):
            o["links"] = consumers.get((n["id"], slot), [])
    return {"nodes": out, "links": links}


def _stabilised_vace() -> dict:
    """nomadoor's stabilise-then-outpaint (07): a pack node Studio does not know makes steadied frames and a mask of
    the borders it pads; ImageResizeKJv2 resizes both; GrowMask grows the mask for WanVaceToVideo's control_masks."""
    video = {"video": "shaky.mp4", "force_rate": 16, "custom_width": 0, "custom_height": 0, "frame_load_cap": 33,
             "skip_first_frames": 0, "select_every_nth": 1}
    return _ui([
        (1, "UNETLoader", ["wan2.1_vace_1.3B_fp16.safetensors", "default"], {}, ["MODEL"]),
        (2, "CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"], {}, ["CLIP"]),
        (3, "VAELoader", ["wan_2.1_vae.safetensors"], {}, ["VAE"]),
        (4, "CLIPTextEncode", ["a dog on a muddy road"], {"clip": ("CLIP", (2, 0))}, ["CONDITIONING"]),
        (5, "CLIPTextEncode", ["blurry"], {"clip": ("CLIP", (2, 0))}, ["CONDITIONING"]),
        (6, "VHS_LoadVideo", video, {}, ["IMAGE", "INT", "AUDIO", "VHS_VIDEOINFO"]),
        (7, "SomePackStabilizeFlow", ["crop_and_pad", 0.7], {"frames": ("IMAGE", (6, 0))}, ["IMAGE", "MASK"]),
        (8, "ImageResizeKJv2", [0, 0, "nearest-exact", "crop", "0, 0, 0", "center", 16, "cpu"],
         {"image": ("IMAGE", (7, 0)), "mask": ("MASK", (7, 1))}, ["IMAGE", "INT", "INT", "MASK"]),
        (9, "GrowMask", [5, True], {"mask": ("MASK", (8, 3))}, ["MASK"]),
        (10, "WanVaceToVideo", [480, 832, 33, 1, 1.0],
         {"positive": ("CONDITIONING", (4, 0)), "negative": ("CONDITIONING", (5, 0)), "vae": ("VAE", (3, 0)),
          "control_video": ("IMAGE", (8, 0)), "control_masks": ("MASK", (9, 0))},
         ["CONDITIONING", "CONDITIONING", "LATENT", "INT"]),
        (11, "KSampler", [7, "fixed", 12, 4.0, "uni_pc", "simple", 1.0],
         {"model": ("MODEL", (1, 0)), "positive": ("CONDITIONING", (10, 0)), "negative": ("CONDITIONING", (10, 1)),
          "latent_image": ("LATENT", (10, 2))}, ["LATENT"]),
        (12, "VAEDecode", [], {"samples": ("LATENT", (11, 0)), "vae": ("VAE", (3, 0))}, ["IMAGE"]),
        (13, "CreateVideo", [16], {"images": ("IMAGE", (12, 0))}, ["VIDEO"]),
        (14, "SaveVideo", ["steady", "auto", "auto"], {"video": ("VIDEO", (13, 0))}, []),
    ])


def test_a_step_read_at_its_mask_output_is_said_to_pass_its_mask():
    """ImageResizeKJv2 read at its MASK output (slot 3) by GrowMask: was "a step between its 'image' and 'GrowMask'
    (#161)'s 'mask'" (07) - the MASK out carries its 'mask' input, not its picture."""
    said = _said(convert(_stabilised_vace(), "steady.json"))
    line = next(x for x in said.splitlines() if "(ImageResizeKJv2, #8), a step between" in x)
    assert "between its 'mask'" in line and "between its 'image' and" not in line


def test_a_mask_a_pack_node_makes_beside_its_pictures_is_not_made_from_the_pictures():
    """The stabiliser's mask of its padded borders (07): Studio wired the loaded clip's own pixels as VACE's mask
    (through Mask Tools); the mask is left unmade, said, and the clip still wired as the control video."""
    conv = convert(_stabilised_vace(), "steady.json")
    said = _said(conv)
    assert "is the mask 'SomePackStabilizeFlow' (SomePackStabilizeFlow, #7) makes from pictures, which Studio does " \
           "not convert: connect a mask" in said
    types = {n.type_id for n in conv.graph.nodes.values()}
    assert "video_models.wan_vace" in types and "edit.mask_tools" not in types
    gen = next(i for i, n in conv.graph.nodes.items() if n.type_id == "video_models.wan_vace")
    assert conv.graph.input_link(gen, "video") is not None and conv.graph.input_link(gen, "mask") is None


def test_a_node_whose_required_clip_is_left_unwired_is_not_said_made_from_its_settings():
    """A blueprint's GetVideoComponents reading the subgraph's open input 'video_1' (03): was "makes 'ImageStitch'
    (#84:79)'s 'image2' from its settings alone"; it has no settings and is given no clip."""
    doc = {"1": {"class_type": "LoadImage", "inputs": {"image": "left.png"}},
           "2": {"class_type": "GetVideoComponents", "inputs": {}},
           "3": {"class_type": "ImageStitch", "inputs": {"image1": ["1", 0], "image2": ["2", 0], "direction": "right",
                                                          "match_image_size": True, "spacing_width": 0,
                                                          "spacing_color": "white"}},
           "4": {"class_type": "CreateVideo", "inputs": {"images": ["3", 0], "fps": 24}},
           "5": {"class_type": "SaveVideo", "inputs": {"video": ["4", 0], "filename_prefix": "stitched"}}}
    said = _said(convert(doc, "stitch.json"))
    assert "from its settings alone" not in said
    assert "'GetVideoComponents' (GetVideoComponents, #2) is given nothing at its 'video' (left unwired" in said


def _wan_template(negative: bool) -> dict:
    """12georgiadis' Wan image to video template (02): the picture wired at 'image' (WanImageToVideo declares
    'start_image'), its 'negative' perhaps not given."""
    conditioning = {"positive": ["4", 0], "vae": ["3", 0], "image": ["6", 0], "width": 480, "height": 832,
                    "length": 33, "batch_size": 1, **({"negative": ["5", 0]} if negative else {})}
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_i2v_480p_14B_fp16.safetensors",
                                                    "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp16.safetensors", "type": "wan"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "a cat swims", "clip": ["2", 0]}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "6": {"class_type": "LoadImage", "inputs": {"image": "cat.png"}},
        "8": {"class_type": "WanImageToVideo", "inputs": conditioning},
        "9": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 10, "cfg": 5, "sampler_name": "euler",
                                                   "scheduler": "simple", "denoise": 1, "model": ["1", 0],
                                                   "positive": ["8", 0], "negative": ["5", 0],
                                                   "latent_image": ["8", 2]}},
        "10": {"class_type": "VAEDecode", "inputs": {"samples": ["9", 0], "vae": ["3", 0]}},
        "11": {"class_type": "CreateVideo", "inputs": {"images": ["10", 0], "fps": 16}},
        "12": {"class_type": "SaveVideo", "inputs": {"video": ["11", 0], "filename_prefix": "cat"}},
    }


def test_an_unwired_start_image_beside_a_missing_required_input_is_not_said_to_run():
    """WanImageToVideo given 'image' (undeclared) and no 'negative' (required): was "'start_image' is connected to
    nothing (ComfyUI runs it on the prompt alone)" - ComfyUI refuses the graph as saved."""
    said = _said(convert(_wan_template(negative=False), "template.json"))
    assert "runs it on the prompt alone" not in said
    assert "its required 'negative' is not given either: ComfyUI refuses the graph as saved" in said
    assert "the file wires its 'image', which WanImageToVideo does not declare (not read)" in said
    said = _said(convert(_wan_template(negative=True), "template.json"))  # every required input given: it runs
    assert "ComfyUI runs it on the prompt alone; the file wires its 'image'" in said


def test_the_seedvr2_packs_upscale_after_picture_steps_is_made_and_the_steps_said():
    """aigeek1980's still (05): a sharpened copy composited back stands between Load Image and SeedVR2VideoUpscaler;
    was held with "Studio cannot convert 'SeedVR2VideoUpscaler'" (Studio reads the pack). The upscale is made from
    the loaded picture, each step said not applied, a seed past Studio's range said."""
    from tests.convert.test_comfy_wiring import UI
    from tests.convert.test_seedvr2_pack import UPSCALER, _loaders
    w = UI()
    img = w.add("LoadImage", ["portrait.png", "image"], ["IMAGE", "MASK"])
    inv = w.add("ImageInvert", [], ["IMAGE"], {"image": (img, 0, "IMAGE")})
    mixed = w.add("ImageBlend", [0.5, "normal"], ["IMAGE"], {"image1": (img, 0, "IMAGE"), "image2": (inv, 0, "IMAGE")})
    up = w.add("SeedVR2VideoUpscaler", [4105349923] + UPSCALER[1:], ["IMAGE"],
               {"image": (mixed, 0, "IMAGE"), **_loaders(w)})
    w.add("SaveImage", ["upscaled/portrait"], [], {"images": (up, 0, "IMAGE")})
    conv = convert(w.doc(), "still")
    said = _said(conv)
    assert "cannot convert" not in said
    assert sorted(n.type_id for n in conv.graph.nodes.values()) == ["finishing.seedvr2", "io.load_image",
                                                                     "io.save_image"]
    assert "(ImageBlend, #3), a step between its 'image1', 'image2' and 'SeedVR2VideoUpscaler'" in said
    assert "seed 4105349923 is past Studio's range: 1957866275 used" in said


def test_comfyuis_seedvr2_chain_says_a_seed_past_studios_range():
    """ComfyUI's own SeedVR2 chain (SeedVR2Conditioning upstream) reduced a seed past Studio's range unsaid too."""
    doc = {"1": {"class_type": "LoadImage", "inputs": {"image": "still.png"}},
           "2": {"class_type": "UNETLoader", "inputs": {"unet_name": "seedvr2_ema_3b_fp16.safetensors",
                                                       "weight_dtype": "default"}},
           "3": {"class_type": "VAELoader", "inputs": {"vae_name": "ema_vae_fp16.safetensors"}},
           "4": {"class_type": "SeedVR2Conditioning", "inputs": {"image": ["1", 0]}},
           "5": {"class_type": "KSampler", "inputs": {"seed": 2 ** 40, "steps": 1, "cfg": 1, "sampler_name": "euler",
                                                      "scheduler": "simple", "denoise": 1, "model": ["2", 0],
                                                      "positive": ["4", 0], "negative": ["4", 1],
                                                      "latent_image": ["4", 2]}},
           "6": {"class_type": "VAEDecode", "inputs": {"samples": ["5", 0], "vae": ["3", 0]}},
           "7": {"class_type": "SaveImage", "inputs": {"images": ["6", 0], "filename_prefix": "up"}}}
    conv = convert(doc, "seedvr2.json")
    assert any(n.type_id == "finishing.seedvr2" for n in conv.graph.nodes.values())
    assert f"seed {2 ** 40} is past Studio's range: {2 ** 40 % 2 ** 31} used" in _said(conv)


def test_a_save_rate_a_template_leaves_as_a_placeholder_is_said():
    """12georgiadis' interpolation template (01): VHS_VideoCombine's frame_rate 'PARAM_INT_FPS' was dropped unsaid
    (a number is made a Frame Rate and said)."""
    doc = {"10": {"class_type": "VHS_LoadVideo", "inputs": {"video": "clip.mp4", "force_rate": 0,
                                                            "custom_width": 0, "custom_height": 0,
                                                            "frame_load_cap": 0, "skip_first_frames": 0,
                                                            "select_every_nth": 1}},
           "20": {"class_type": "RIFE VFI", "inputs": {"ckpt_name": "rife49.pth", "clear_cache_after_n_frames": 10,
                                                       "multiplier": 2, "fast_mode": True, "ensemble": True,
                                                       "scale_factor": 1.0, "frames": ["10", 0]}},
           "30": {"class_type": "VHS_VideoCombine", "inputs": {"frame_rate": "PARAM_INT_FPS", "loop_count": 0,
                                                               "filename_prefix": "smooth", "format": "video/h264-mp4",
                                                               "save_output": True, "images": ["20", 0]}}}
    conv = convert(doc, "smooth.json")
    assert any(n.type_id == "motion.interpolate" for n in conv.graph.nodes.values())
    assert "frame_rate 'PARAM_INT_FPS' is not a rate Studio can take: not applied" in _said(conv)
    doc["30"]["inputs"]["frame_rate"] = 48
    said = _said(convert(doc, "smooth.json"))
    assert "is not a rate" not in said and "writes the frames at 48 fps" in said


def _blueprint() -> dict:
    """ComfyUI's 'Video Upscale (GAN x4)' blueprint as the frontend saves it (04): one subgraph node, its 'video' input
    wired to nothing, its VIDEO output feeding nothing; inside, GetVideoComponents -> ImageUpscaleWithModel ->
    CreateVideo with the clip's own sound and rate."""
    sid = "cf95b747-0000-4000-8000-000000000000"
    def link(i, o, os_, t, ts, typ):
        return {"id": i, "origin_id": o, "origin_slot": os_, "target_id": t, "target_slot": ts, "type": typ}
    nodes = [
        {"id": 1, "type": "UpscaleModelLoader", "widgets_values": ["RealESRGAN_x4plus.safetensors"],
         "inputs": [], "outputs": [{"name": "UPSCALE_MODEL", "type": "UPSCALE_MODEL", "links": [1]}]},
        {"id": 2, "type": "ImageUpscaleWithModel", "inputs": [
            {"name": "upscale_model", "type": "UPSCALE_MODEL", "link": 1}, {"name": "image", "type": "IMAGE", "link": 14}],
         "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [13]}]},
        {"id": 10, "type": "GetVideoComponents", "inputs": [{"name": "video", "type": "VIDEO", "link": 10}],
         "outputs": [{"name": "images", "type": "IMAGE", "links": [14]}, {"name": "audio", "type": "AUDIO", "links": [16]},
                     {"name": "fps", "type": "FLOAT", "links": [12]}]},
        {"id": 11, "type": "CreateVideo", "widgets_values": [30], "inputs": [
            {"name": "images", "type": "IMAGE", "link": 13}, {"name": "audio", "type": "AUDIO", "link": 16},
            {"name": "fps", "type": "FLOAT", "widget": {"name": "fps"}, "link": 12}],
         "outputs": [{"name": "VIDEO", "type": "VIDEO", "links": [15]}]}]
    sub = {"id": sid, "name": "Video Upscale(GAN x4)", "nodes": nodes,
           "inputs": [{"name": "video", "type": "VIDEO", "linkIds": [10]}],
           "outputs": [{"name": "VIDEO", "type": "VIDEO", "linkIds": [15]}],
           "links": [link(1, 1, 0, 2, 0, "UPSCALE_MODEL"), link(14, 10, 0, 2, 1, "IMAGE"), link(13, 2, 0, 11, 0, "IMAGE"),
                     link(16, 10, 1, 11, 1, "AUDIO"), link(12, 10, 2, 11, 2, "FLOAT"), link(10, -10, 0, 10, 0, "VIDEO"),
                     link(15, 11, 0, -20, 0, "VIDEO")]}
    top = {"id": 13, "type": sid, "inputs": [{"name": "video", "type": "VIDEO", "link": None}],
           "outputs": [{"name": "VIDEO", "type": "VIDEO", "links": []}], "widgets_values": []}
    return {"nodes": [top], "links": [], "definitions": {"subgraphs": [sub]}}


def test_a_blueprint_is_read_as_the_workflow_it_is_dropped_into_gives_it():
    """A blueprint (03, 04) made only notes ("no video output with a sampler found"); its open video input is now a
    Load Video with no file named and its output a Save Video, said - the upscale made."""
    conv = convert(_blueprint(), "Video Upscale(GAN x4).json")
    said = _said(conv)
    assert "'Video Upscale(GAN x4)' is a blueprint" in said and "no file named: set it" in said
    types = sorted(n.type_id for n in conv.graph.nodes.values())
    assert types == ["finishing.upscale", "io.load_video", "io.save_video"]
    load = next(n for n in conv.graph.nodes.values() if n.type_id == "io.load_video")
    assert load.params["path"] == ""
    wired = _blueprint()  # a subgraph whose input is wired from a loader: no blueprint, nothing made up
    wired["nodes"].insert(0, {"id": 1, "type": "LoadVideo", "widgets_values": ["clip.mp4", "image"], "inputs": [],
                              "outputs": [{"name": "VIDEO", "type": "VIDEO", "links": [99]}]})
    wired["nodes"][1]["inputs"][0]["link"] = 99
    wired["links"] = [[99, 1, 0, 13, 0, "VIDEO"]]
    assert "is a blueprint" not in _said(convert(wired, "used.json"))


def test_the_sentence_checks_know_a_blueprints_open_ends(tmp_path):
    """The loaders and saves a blueprint is read with are named by the ids the reading gives them ('13:video',
    '13:out0'): the sentence checks read them as the file's, so no sentence naming them is a violation."""
    from benchmarks.sentence_checks import check_file, raw_nodes
    raw, _ = raw_nodes(_blueprint())
    assert raw["13:video"].type == "LoadVideo" and raw["13:out0"].type == "SaveVideo"
    path = tmp_path / "Video Upscale(GAN x4).json"
    path.write_text(json.dumps(_blueprint()))
    assert check_file(str(path)) == []


def test_a_save_name_holding_comfyuis_tokens_is_said():
    """'upscaled_%date:yyyy-MM-dd%' (05): ComfyUI fills the date in as it saves; Studio's file name is made without
    the token (heldout23's reading/save_names) - said, not changed in silence."""
    doc = _doc()
    doc["14"]["inputs"]["filename_prefix"] = "lantern_%date:yyyy-MM-dd%"
    conv = convert(doc, "dated.json")
    said = _said(conv)
    assert "filename_prefix 'lantern_%date:yyyy-MM-dd%' holds '%date:yyyy-MM-dd%', a token ComfyUI fills in" in said
    assert "a token ComfyUI fills in" not in _said(convert(_doc(), "plain.json"))


def test_two_loaded_clips_stitched_side_by_side_are_studios_side_by_side():
    """ComfyUI's 'Video Stitch' (03): GetVideoComponents of each clip -> ImageStitch (right) -> CreateVideo with the
    first clip's sound and rate; was notes only. Load Video x2 -> Side by Side ('a' the first) -> Save Video, said."""
    doc = {"1": {"class_type": "LoadVideo", "inputs": {"file": "left.mp4"}},
           "2": {"class_type": "LoadVideo", "inputs": {"file": "right.mp4"}},
           "3": {"class_type": "GetVideoComponents", "inputs": {"video": ["1", 0]}},
           "4": {"class_type": "GetVideoComponents", "inputs": {"video": ["2", 0]}},
           "5": {"class_type": "ImageStitch", "inputs": {"image1": ["3", 0], "image2": ["4", 0], "direction": "right",
                                                          "match_image_size": True, "spacing_width": 0,
                                                          "spacing_color": "white"}},
           "6": {"class_type": "CreateVideo", "inputs": {"images": ["5", 0], "audio": ["3", 1], "fps": ["3", 2]}},
           "7": {"class_type": "SaveVideo", "inputs": {"video": ["6", 0], "filename_prefix": "pair"}}}
    conv = convert(doc, "pair.json")
    g = conv.graph
    side = next(i for i, n in g.nodes.items() if n.type_id == "edit.side_by_side")
    assert g.nodes[side].params["direction"] == "right"
    a, b = g.input_link(side, "a"), g.input_link(side, "b")
    assert (g.nodes[a.src].params["path"], g.nodes[b.src].params["path"]) == ("left.mp4", "right.mp4")
    assert "places the clips 'left.mp4', 'right.mp4' side by side (right): Studio's Side by Side" in _said(conv)
