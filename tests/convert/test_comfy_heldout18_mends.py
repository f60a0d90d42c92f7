"""Mechanisms an eighteenth held-out set (benchmarks/results/heldout18_2026-11-29.md: Wan 2.1 / 2.2 workflows from
small repositories, apps and notebooks) showed, each on a small hand-written workflow: a first frame another model
draws, reached through a colour match's reference picture and a VACE node's trim length, taken for the take's first
pass; one sampling split over two passes said to be a refine; an upscaler whose model names no file made without a
word."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said
from tests.convert.ui_files import ui as _ui


def _still_then_vace() -> dict:
    """An API file: an image model draws a first frame (KSampler on an EmptyLatentImage); a Wan VACE take, split over
    two KSamplerAdvanced at step 10 of 20 on one model, is conditioned on it and colour matched to it
    (ImageColorMatch+'s reference) before the save; TrimVideoLatent takes the VACE node's trim length."""
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "z_image_turbo_bf16.safetensors",
                                                     "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "qwen_3_4b.safetensors", "type": "lumina2"}},
        "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "a neon street at night", "clip": ["2", 0]}},
        "4": {"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 512, "batch_size": 1}},
        "5": {"class_type": "KSampler", "inputs": {"seed": 0, "steps": 12, "cfg": 1.0, "sampler_name": "dpmpp_2m_sde",
                                                   "scheduler": "karras", "denoise": 1.0, "model": ["1", 0],
                                                   "positive": ["3", 0], "negative": ["3", 0],
                                                   "latent_image": ["4", 0]}},
        "6": {"class_type": "VAELoader", "inputs": {"vae_name": "ae.safetensors"}},
        "7": {"class_type": "VAEDecode", "inputs": {"samples": ["5", 0], "vae": ["6", 0]}},
        "10": {"class_type": "UNETLoader", "inputs": {"unet_name": "Wan2.1_T2V_14B_VACE.safetensors",
                                                      "weight_dtype": "default"}},
        "11": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp16.safetensors", "type": "wan"}},
        "12": {"class_type": "CLIPTextEncode", "inputs": {"text": "the street comes alive", "clip": ["11", 0]}},
        "13": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["11", 0]}},
        "14": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "15": {"class_type": "WanVaceToVideo", "inputs": {"width": 832, "height": 480, "length": 81, "batch_size": 1,
                                                          "strength": 0.7, "positive": ["12", 0],
                                                          "negative": ["13", 0], "vae": ["14", 0],
                                                          "reference_image": ["7", 0]}},
        "16": {"class_type": "ModelSamplingSD3", "inputs": {"shift": 6.0, "model": ["10", 0]}},
        "17": {"class_type": "KSamplerAdvanced", "inputs": {
            "add_noise": "enable", "noise_seed": 40, "steps": 20, "cfg": 3.5, "sampler_name": "euler",
            "scheduler": "simple", "start_at_step": 0, "end_at_step": 10, "return_with_leftover_noise": "enable",
            "model": ["16", 0], "positive": ["15", 0], "negative": ["15", 1], "latent_image": ["15", 2]}},
        "18": {"class_type": "KSamplerAdvanced", "inputs": {
            "add_noise": "disable", "noise_seed": 40, "steps": 20, "cfg": 3.5, "sampler_name": "euler",
            "scheduler": "simple", "start_at_step": 10, "end_at_step": 10000, "return_with_leftover_noise": "disable",
            "model": ["16", 0], "positive": ["15", 0], "negative": ["15", 1], "latent_image": ["17", 0]}},
        "19": {"class_type": "TrimVideoLatent", "inputs": {"samples": ["18", 0], "trim_amount": ["15", 3]}},
        "20": {"class_type": "VAEDecode", "inputs": {"samples": ["19", 0], "vae": ["14", 0]}},
        "21": {"class_type": "ImageColorMatch+", "inputs": {"color_space": "LAB", "factor": 1.0, "device": "auto",
                                                            "batch_size": 0, "image": ["20", 0],
                                                            "reference": ["7", 0]}},
        "22": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["21", 0], "frame_rate": 24, "loop_count": 0,
                                                            "filename_prefix": "vace", "format": "video/h264-mp4",
                                                            "pingpong": False, "save_output": True}},
    }


def test_a_first_frame_drawn_by_another_model_is_not_the_takes_first_pass():
    """The still's sampler reaches the save only through the colour match's reference and the VACE node's trim length
    (heldout18 05): the generator is the VACE take's (its model alone, 20 steps, cfg 3.5, seed 40), not the still's
    (its image model as a first expert, 12 steps, cfg 1), and the still's sampler is no 'sampler pass' of the output."""
    conv = convert(_still_then_vace(), "still_then_vace.json")
    load = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.load")
    assert load.params["model"] == "Wan2.1_T2V_14B_VACE.safetensors" and not load.params.get("model_2")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.wan_vace")
    assert (gen.params["steps"], gen.params["guidance"], gen.params["seed"]) == (20, 3.5, 40)
    said = _said(conv)
    assert "sampler 'KSamplerAdvanced' (#17)" in said and "more sampler pass" not in said


def test_one_sampling_split_over_two_passes_is_not_said_to_be_a_refine():
    """KSamplerAdvanced 0-10 of 20 returning its leftover noise, then 10 to the end adding none, on one model: the
    second is the rest of the take, never 'a later pass refines the take ... add a Video to Video at strength 0.5'."""
    said = _said(convert(_still_then_vace(), "still_then_vace.json"))
    assert "refines the take" not in said and "Video to Video" not in said
    line = next(x for x in said.splitlines() if "(KSamplerAdvanced, #18) samples steps 10" in x)
    assert "the rest of the one take" in line


def _t2v_upscaled() -> dict:
    """A UI file: Wan 2.1 text to video, its frames upscaled by a TensorRT upscaler whose loader names an engine."""
    return _ui([(1, "UNETLoader", [], ["MODEL"], ["wan2.1_t2v_1.3B_fp16.safetensors", "default"]),
                (2, "CLIPLoader", [], ["CLIP"], ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"]),
                (3, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["a fox in the snow"]),
                (4, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["blurry"]),
                (5, "EmptyHunyuanLatentVideo", [], ["LATENT"], [832, 480, 33, 1]),
                (6, "KSampler", [("model", "MODEL"), ("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                                 ("latent_image", "LATENT")], ["LATENT"], [7, "fixed", 30, 6, "uni_pc", "simple", 1]),
                (7, "VAELoader", [], ["VAE"], ["wan_2.1_vae.safetensors"]),
                (8, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
                (9, "LoadUpscalerTensorrtModel", [], ["UPSCALER_TRT_MODEL"], ["4x-AnimeSharp", "fp16"]),
                (10, "UpscalerTensorrt", [("images", "IMAGE"), ("upscaler_trt_model", "UPSCALER_TRT_MODEL")],
                 ["IMAGE"], ["2k", 1024, 1024]),
                (11, "VHS_VideoCombine", [("images", "IMAGE")], [],
                 {"frame_rate": 16, "loop_count": 0, "filename_prefix": "up", "format": "video/h264-mp4",
                  "pingpong": False, "save_output": True})],
               [(2, 0, 3, "clip"), (2, 0, 4, "clip"), (1, 0, 6, "model"), (3, 0, 6, "positive"), (4, 0, 6, "negative"),
                (5, 0, 6, "latent_image"), (6, 0, 8, "samples"), (7, 0, 8, "vae"), (8, 0, 10, "images"),
                (9, 0, 10, "upscaler_trt_model"), (10, 0, 11, "images")])


def test_an_upscaler_whose_model_names_no_file_is_said_with_its_loader():
    """A TensorRT upscaler after the generator whose loader names an engine ('4x-AnimeSharp', no file; heldout18 05):
    the Upscale Video is made without a model, and that is said with the loader's and the upscaler's own settings."""
    conv = convert(_t2v_upscaled(), "upscaled.json")
    up = next(n for n in conv.graph.nodes.values() if n.type_id == "finishing.upscale")
    assert up.params["model"] == ""
    line = next(x for x in _said(conv).splitlines() if "names no file Studio reads" in x)
    assert "(LoadUpscalerTensorrtModel, #9)" in line and "'4x-AnimeSharp'" in line and "'2k'" in line


def test_a_pack_nodes_json_setting_is_not_shown_as_its_pictures_file():
    """A pack's node giving pictures from nothing wired whose one text setting is a JSON keyframe list (a VACE timeline,
    heldout18 15): its pictures are not named by that JSON as if it were their file."""
    from studio.convert.reading.workflow import Workflow
    from studio.convert.takes.ledger import words
    wf = Workflow.read(_ui([(1, "InventedKeyframeTimeline", [], ["IMAGE", "MASK"], [81, 16, '{"frames":81,"keyframes":{}}']),
                            (3, "PreviewImage", [("images", "IMAGE")], [], [])],
                           [(1, 0, 3, "images")]))
    assert words(None, wf.nodes["1"]) == "image (InventedKeyframeTimeline, #1)"


def _i2v_through_prep() -> dict:
    """A UI file: Wan 2.1 image to video whose start picture is the second output of an invented media prep taking a
    pose clip and a reference picture (two picture inputs; which output it makes from which is its own)."""
    return _ui([(1, "UNETLoader", [], ["MODEL"], ["wan2.1_i2v_480p_14B_fp16.safetensors", "default"]),
                (2, "CLIPLoader", [], ["CLIP"], ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"]),
                (3, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["she dances"]),
                (4, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["blurry"]),
                (5, "VAELoader", [], ["VAE"], ["wan_2.1_vae.safetensors"]),
                (6, "VHS_LoadVideo", [], ["IMAGE", "INT", "AUDIO", "VHS_VIDEOINFO"],
                 {"video": "dance.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0, "frame_load_cap": 0,
                  "skip_first_frames": 0, "select_every_nth": 1, "format": "None"}),
                (7, "LoadImage", [], ["IMAGE", "MASK"], ["her.png", "image"]),
                (8, "InventedMediaPrep", [("pose_video", "IMAGE"), ("reference_image", "IMAGE")], ["IMAGE", "IMAGE"],
                 [640, 960, "lanczos"]),
                (9, "WanImageToVideo", [("positive", "CONDITIONING"), ("negative", "CONDITIONING"), ("vae", "VAE"),
                                        ("start_image", "IMAGE")], ["CONDITIONING", "CONDITIONING", "LATENT"],
                 [640, 960, 33, 1]),
                (10, "KSampler", [("model", "MODEL"), ("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                                  ("latent_image", "LATENT")], ["LATENT"], [7, "fixed", 20, 5, "uni_pc", "simple", 1]),
                (11, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
                (12, "VHS_VideoCombine", [("images", "IMAGE")], [],
                 {"frame_rate": 16, "loop_count": 0, "filename_prefix": "prep", "format": "video/h264-mp4",
                  "pingpong": False, "save_output": True})],
               [(2, 0, 3, "clip"), (2, 0, 4, "clip"), (6, 0, 8, "pose_video"), (7, 0, 8, "reference_image"),
                (3, 0, 9, "positive"), (4, 0, 9, "negative"), (5, 0, 9, "vae"), (8, 1, 9, "start_image"),
                (1, 0, 10, "model"), (9, 0, 10, "positive"), (9, 1, 10, "negative"), (9, 2, 10, "latent_image"),
                (10, 0, 11, "samples"), (5, 0, 11, "vae"), (11, 0, 12, "images")])


def test_an_uncatalogued_node_with_two_picture_inputs_is_not_said_to_make_its_output_from_the_first():
    """An uncatalogued media prep taking a pose clip and a reference picture gives the start picture (its second
    output, heldout18 14): the sentence names both picture inputs as what it makes it from, not 'from its
    pose_video' with the reference 'not read either'."""
    said = _said(convert(_i2v_through_prep(), "prep.json"))
    line = next(x for x in said.splitlines() if "(InventedMediaPrep, #8)" in x and "makes what it gives" in x)
    assert "from its 'pose_video', 'reference_image' (pictures)" in line and "not read either" not in line


def test_a_loop_carrying_a_takes_latent_and_frames_is_not_said_to_carry_no_takes_frames():
    """The SVI Pro loop of heldout18 04 carries the first take's latent (continued) and its decoded frames (extended):
    its sentence says no decoded frames feed the next pass's sampling, never that it carries no take's frames."""
    from tests.convert.test_comfy_loops_ways import _loop
    said = _said(convert(_loop(3, continued=False), "independent"))
    line = next(x for x in said.splitlines() if "not unrolled into segments" in x)
    assert "no frames decoded in a pass feed the next pass's sampling" in line and "not a take's frames" not in line


def test_a_continued_latent_not_taken_says_the_take_starts_from_its_start_image_only_where_made():
    """A pass's latent to continue from that is no take's (a clip encoded; a loop's carried value in heldout18 04,
    whose SVI node is then not made): the sentence says the take starts from its start image where Studio makes it."""
    from tests.convert.test_comfy_wan_frames import LAT, UI, _svi
    doc, _, _ = _svi(passes=2)
    w = UI()
    w.nodes, w.links = doc["nodes"], doc["links"]
    clip = w.add("VHS_LoadVideo", ["part1.mp4"], ["IMAGE"])
    vae = next(n["id"] for n in w.nodes if n["type"] == "VAELoader")
    enc = w.add("VAEEncode", [], [LAT], {"pixels": (clip, 0, "IMAGE"), "vae": (vae, 0, "VAE")})
    first = next(n for n in w.nodes if n["type"] == "WanAdvancedI2V")
    w.links.append([len(w.links) + 1, enc, 0, first["id"], len(first["inputs"]), LAT])
    first["inputs"].append({"name": "prev_latent", "type": LAT, "link": len(w.links)})
    line = next(x for x in _said(convert(w.doc(), "svi_clip")).splitlines() if "latent to continue from" in x)
    assert line.endswith("is not taken: where Studio makes its take, that take starts from its start image")


def test_a_text_node_whose_first_output_echoes_its_one_text_widget_is_read_as_the_prompt():
    """Comfyroll's CR Prompt Text (its 'prompt' output is its one 'prompt' widget; a help text beside it) feeding the
    prompt's encoder (heldout18 04): the generator's prompt is that text, not '' with 'write the prompt in the
    generator's prompt'."""
    wf = _still_then_vace()
    wf["50"] = {"class_type": "CR Prompt Text", "inputs": {"prompt": "the street comes alive at dawn"}}
    wf["12"]["inputs"]["text"] = ["50", 0]
    conv = convert(wf, "cr_text.json")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.wan_vace")
    assert gen.params["prompt"] == "the street comes alive at dawn"
    assert "write the prompt in the generator's prompt" not in _said(conv)


def _wan21_i2v_api(loader: dict) -> dict:
    """An API file: Wan 2.1 image to video whose start picture comes from ``loader`` (node '9')."""
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_i2v_480p_14B_fp16.safetensors",
                                                     "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
                                                     "type": "wan"}},
        "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["2", 0]}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "5": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "6": {"class_type": "WanImageToVideo", "inputs": {"width": 480, "height": 640, "length": 81, "batch_size": 1,
                                                          "positive": ["3", 0], "negative": ["4", 0], "vae": ["5", 0],
                                                          "start_image": ["9", 0]}},
        "7": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 4, "cfg": 1.0, "sampler_name": "euler",
                                                   "scheduler": "simple", "denoise": 1.0, "model": ["1", 0],
                                                   "positive": ["6", 0], "negative": ["6", 1],
                                                   "latent_image": ["6", 2]}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["7", 0], "vae": ["5", 0]}},
        "9": loader,
        "10": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["8", 0], "frame_rate": 16, "loop_count": 0,
                                                            "filename_prefix": "tool", "format": "video/h264-mp4",
                                                            "pingpong": False, "save_output": True}},
    }


def test_an_uncatalogued_loader_with_an_upload_setting_is_read_as_load_image():
    """An Open WebUI tool's 'Load Image (URL/Path)' (no pack declares it; the API file saves no types): nothing wired
    in, an 'image' setting beside an upload button's, its picture given to WanImageToVideo's start_image (heldout18
    06, 07): read as LoadImage of its 'image' (empty: set when the workflow runs), not a task held for want of it."""
    conv = convert(_wan21_i2v_api({"class_type": "InventedLoadImageByUrl", "inputs": {
        "source": "temp", "url": "", "image": "", "Choose file to upload": None}}), "tool.json")
    assert any(n.type_id == "video_models.image_to_video" for n in conv.graph.nodes.values())
    load = next(n for n in conv.graph.nodes.values() if n.type_id == "io.load_image")
    assert load.params["path"] == ""
    line = next(x for x in _said(conv).splitlines() if "(InventedLoadImageByUrl, #9) is read as" in x)
    assert "LoadImage of its 'image'" in line and "source 'temp' not applied" in line


def test_an_uncatalogued_node_without_an_upload_setting_is_not_taken_for_a_loader():
    """The same node without an upload button's setting (an image maker taking a text): not read as a loader."""
    conv = convert(_wan21_i2v_api({"class_type": "InventedImageMaker", "inputs": {"image": "", "seed": 3}}),
                   "maker.json")
    assert not any(n.type_id == "io.load_image" for n in conv.graph.nodes.values())
