"""left20's mends (last stop's leftovers that are mechanisms): a prompt schedule's text written by hinablue's Prompt
Schedule Helper from its settings, a latent maker's batch given out and wired into a schedule's length, AnimateDiff's
frames read from a pack's latent maker by its types (heldout88 04, 05). Fixtures written here from the nodes'
declared settings (facts, the helper's rule read from hinablue/comfyUI-workflows@93a9310, MIT), no file copied."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.reading import schedule_helper
from tests.convert.said import nodes_of, notes, said, source_of, ui

SPRING = "(looking away:1.1), cherry blossom,\nspring season"
FALL = 'orange leaves, "fall" season,,'


def _travel(seconds_wired: bool = True, helper_values: list | None = None, max_frames_from: str = "batch") -> dict:
    """AnimateDiff text to video: CR SD1.5 Aspect Ratio's latent, its batch_size a MathExpression a*b of two
    integers (16 s x 8 fps) and given out to BatchPromptSchedule's max_frames; the schedule's text from
    PromptScheduleHelper (a UI file's values: four frames, four texts, the optional text)."""
    values = helper_values or [0, 24, 96, 128, SPRING, FALL, "", "winter", ""]
    links = [(1, 0, 3, "model"), (1, 1, 10, "clip"), (1, 1, 5, "clip"), (11, 0, 10, "text"),
             (3, 0, 7, "model"), (10, 0, 7, "positive"), (5, 0, 7, "negative"), (9, 4, 7, "latent_image"),
             (7, 0, 8, "samples"), (1, 2, 8, "vae"), (8, 0, 12, "images")]
    if seconds_wired:
        links += [(13, 0, 15, "a"), (14, 0, 15, "b"), (15, 0, 9, "batch_size")]
    if max_frames_from == "batch":
        links.append((9, 3, 10, "max_frames"))
    elif max_frames_from == "unknown":
        links.append((16, 0, 10, "max_frames"))
    wf = ui([
        (1, "CheckpointLoaderSimple", [], ["MODEL", "CLIP", "VAE"], ["dreamshaper_8.safetensors"]),
        (3, "ADE_AnimateDiffLoaderWithContext", [("model", "MODEL")], ["MODEL"],
         ["mm_sd_v15_v2.safetensors", "autoselect", 1, False]),
        (5, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["blurry"]),
        (9, "CR SD1.5 Aspect Ratio", [("batch_size", "INT")], ["INT", "INT", "FLOAT", "INT", "LATENT", "STRING"],
         [512, 512, "2:3 portrait 512x768", "Off", 1, 1]),
        (10, "BatchPromptSchedule", [("clip", "CLIP"), ("text", "STRING"), ("max_frames", "INT")],
         ["CONDITIONING", "CONDITIONING"],
         ['"0": "a saved prompt",\n"60": "another saved prompt"', 120, False, "1girl, white kimono, ",
          "outdoors", 0, 0, 0, 0, 0]),
        (11, "PromptScheduleHelper", [("text_in_opt", "STRING")], ["STRING"], values),
        (13, "DF_Integer", [], ["INT"], [16]),
        (14, "DF_Integer", [], ["INT"], [8]),
        (15, "MathExpression|pysssss", [("a", "INT,FLOAT,IMAGE,LATENT"), ("b", "INT,FLOAT,IMAGE,LATENT")],
         ["INT", "FLOAT"], ["a*b"]),
        (16, "VHS_VideoInfo", [("video_info", "VHS_VIDEOINFO")], ["FLOAT", "INT"], []),
        (7, "KSampler", [("model", "MODEL"), ("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                         ("latent_image", "LATENT")], ["LATENT"], [5, "fixed", 20, 7, "euler", "normal", 1]),
        (8, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
        (12, "VHS_VideoCombine", [("images", "IMAGE")], [],
         {"frame_rate": 8, "loop_count": 0, "filename_prefix": "out", "format": "video/h264-mp4",
          "pingpong": False, "save_output": True}),
    ], links)
    for n in wf["nodes"]:  # (the output names a UI file saves: the batch is read out by its name)
        if n["id"] == 9:
            for o, name in zip(n["outputs"], ["width", "height", "upscale_factor", "batch_size", "empty_latent",
                                              "show_help"]):
                o["name"] = name
        if n["id"] == 11:
            n["inputs"][0]["widget"] = {"name": "text_in_opt"}
    return wf


def _generator(conv):
    return nodes_of(conv, "video_models.text_to_video")[0]


def test_the_helpers_keyframes_and_the_worked_out_batch_are_the_takes_travel_and_frames():
    """heldout88 04: the helper's four keyframes (0 / 24 / 96 / 128) and the batch 16 x 8 = 128 wired through CR SD1.5
    Aspect Ratio into the schedule's max_frames; Studio read the schedule's saved text and 120 frames."""
    conv = convert(_travel(), "travel")
    gen, sched = _generator(conv), nodes_of(conv, "video_models.prompt_schedule")[0]
    assert gen.params["frames"] == 128 and (gen.params["width"], gen.params["height"]) == (512, 768)
    assert sched.params["frames"] == 128
    lines = sched.params["prompts"].splitlines()
    assert [line.split(":", 1)[0] for line in lines] == ["0", "24", "128"]  # (text_3 empty: no keyframe)
    assert lines[0] == "0: 1girl, white kimono, (looking away:1.1), cherry blossom, spring season outdoors"
    assert lines[1] == '24: 1girl, white kimono, orange leaves, "fall" season, outdoors'
    text = said(conv) + notes(conv)
    assert "saved prompt" not in sched.params["prompts"] and "cannot work out" not in text
    assert "which Studio does not read there" not in text  # (the integers, the math and the batch: all read)


def test_a_batch_worked_out_makes_the_frames_where_the_schedules_own_length_is_saved():
    """heldout88 05: the schedule's max_frames 120 is its own (not wired); the latent's batch 16 x 8 is the take's."""
    conv = convert(_travel(max_frames_from="own"), "travel")
    assert _generator(conv).params["frames"] == 128
    assert nodes_of(conv, "video_models.prompt_schedule")[0].params["frames"] == 120


def test_a_schedule_length_wired_from_a_number_not_known_is_the_saved_one_said():
    conv = convert(_travel(max_frames_from="unknown"), "travel")
    assert nodes_of(conv, "video_models.prompt_schedule")[0].params["frames"] == 120
    assert "its 'max_frames' is given by another node whose number Studio cannot work out when converting: the " \
           "number the file saved for it (120) is read in its place" in said(conv) + notes(conv)


class _Node:
    def __init__(self, widgets=None, raw=None, links=None):
        self.widgets, self.raw, self.links = widgets or {}, raw, links or {}
        self.cls, self.origin = schedule_helper.TYPE, ""


def test_the_helpers_text_by_its_rule_given_text_first_one_frames_prompts_joined_frames_sorted():
    named = {"frame_1": 30, "text_1": "b", "frame_2": 10, "text_2": 'say "hi"\nwave', "frame_3": 30, "text_3": "c",
             "frame_4": -1, "text_4": "skipped", "text_in_opt": '"0": "given",\n"10": "also given"'}
    node = _Node(named)
    assert schedule_helper.text(node, 0, named.get) == \
        '"0": "given",\n"10": "also given, say \\"hi\\", wave",\n"30": "b, c"'
    assert schedule_helper.text(node, 1, named.get) is None
    raw = _Node(raw=[0, 12, 24, 36, "a", "b", "", "", ""])
    assert schedule_helper.text(raw, 0, lambda k: None) == '"0": "a",\n"12": "b"'
    wired = _Node(raw=[0, 12, 24, 36, "a", "b", "", "", ""], links={"text_in_opt": ("5", 0)})
    assert schedule_helper.text(wired, 0, lambda k: None) is None  # (the text it is given not known: not written)


def _upscale_to_height(model: str = "RealESRGAN_x4plus.pth", operation: str = "multiply") -> dict:
    """heldout87 04's upscaler worker, as an API file: Load Video -> a model upscaler -> ImageScaleBy whose factor is
    target / (VHS_VideoInfo's source_height x multiplier), worked out by easy mathFloat nodes -> Video Combine."""
    return {
        "1": {"class_type": "VHS_LoadVideo", "inputs": {"video": "clip.mp4", "force_rate": 0, "custom_width": 0,
                                                        "custom_height": 0, "frame_load_cap": 0,
                                                        "skip_first_frames": 0, "select_every_nth": 1,
                                                        "format": "None"}},
        "3": {"class_type": "UpscaleModelLoader", "inputs": {"model_name": model}},
        "2": {"class_type": "ImageUpscaleWithModel", "inputs": {"upscale_model": ["3", 0], "image": ["1", 0]}},
        "5": {"class_type": "VHS_VideoInfo", "inputs": {"video_info": ["1", 3]}},
        "25": {"class_type": "IntToFloat", "inputs": {"int_value": ["5", 4]}},
        "26": {"class_type": "easy mathFloat", "inputs": {"a": ["25", 0], "b": 4.0, "operation": operation}},
        "27": {"class_type": "easy mathFloat", "inputs": {"a": 1080.0, "b": ["26", 0], "operation": "divide"}},
        "16": {"class_type": "ImageScaleBy", "inputs": {"upscale_method": "lanczos", "scale_by": ["27", 0],
                                                        "image": ["2", 0]}},
        "8": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["16", 0], "frame_rate": 24, "loop_count": 0,
                                                           "filename_prefix": "up", "format": "video/h264-mp4",
                                                           "pingpong": False, "save_output": True}},
    }


def test_a_factor_worked_out_to_bring_the_upscaled_clip_to_a_height_is_a_scale_to_that_height():
    """heldout87 04: 1080 / (the clip's height x 4) after a x4 upscaler: the frames come out 1080 lines high; Studio
    passed the resize over and wrote the frames x4."""
    conv = convert(_upscale_to_height(), "up")
    scale = [n for n in nodes_of(conv, "transform.scale") if n.params["height"]]
    assert len(scale) == 1 and (scale[0].params["width"], scale[0].params["height"]) == (0, 1080)
    assert scale[0].params["interpolation"] == "lanczos"
    text = said(conv) + notes(conv)
    assert "'ImageScaleBy' (ImageScaleBy, #16)'s scale_by is worked out when the workflow runs from 'VHS_VideoInfo' " \
           "(VHS_VideoInfo, #5) (its output 'source_height" in text
    assert "so the frames come out 1080 lines high whatever the clip" in text
    assert "cannot work out" not in text and "not applied" not in text


def test_a_factor_that_does_not_bring_the_frames_to_one_height_is_not_made_as_one():
    """1080 / (the height + 4): the frames' height follows the clip's, not one height; a model whose name gives no
    factor: the frames' height not known. No Scale to a height (the resize said not applied, as before)."""
    for wf in (_upscale_to_height(operation="add"), _upscale_to_height(model="RealESRGAN_plus.pth")):
        conv = convert(wf, "up")
        assert not [n for n in nodes_of(conv, "transform.scale") if n.params["height"]]
        assert "'ImageScaleBy' (ImageScaleBy, #16), a step on the way" in said(conv) + notes(conv)


def _remake(unet: str = "hunyuanvideo_Q3_K_M.gguf", denoise: float = 0.85) -> dict:
    """heldout89 03: a picture VAE-encoded and re-made by a video model's KSampler part way, saved by Video Combine."""
    return {
        "1": {"class_type": "LoadImage", "inputs": {"image": "still.png"}},
        "2": {"class_type": "UNETLoader", "inputs": {"unet_name": unet, "weight_dtype": "default"}},
        "4": {"class_type": "CLIPLoader", "inputs": {"clip_name": "llava_llama3_fp8_scaled.safetensors",
                                                     "type": "hunyuan_video"}},
        "5": {"class_type": "VAELoader", "inputs": {"vae_name": "hunyuan_video_vae_bf16.safetensors"}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "gentle motion", "clip": ["4", 0]}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["4", 0]}},
        "12": {"class_type": "VAEEncode", "inputs": {"pixels": ["1", 0], "vae": ["5", 0]}},
        "3": {"class_type": "KSampler", "inputs": {"seed": 7, "steps": 20, "cfg": 6.0, "sampler_name": "euler",
                                                   "scheduler": "normal", "denoise": denoise, "model": ["2", 0],
                                                   "positive": ["6", 0], "negative": ["7", 0],
                                                   "latent_image": ["12", 0]}},
        "10": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["5", 0]}},
        "9": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["10", 0], "frame_rate": 24, "loop_count": 0,
                                                           "filename_prefix": "remake", "format": "video/h264-mp4",
                                                           "pingpong": False, "save_output": True}},
    }


def test_a_picture_remade_part_way_by_hunyuanvideo_is_a_one_frame_video_to_video_of_it():
    conv = convert(_remake(), "remake")
    v2v = nodes_of(conv, "video_models.video_to_video")
    assert conv.pipelines == 1 and len(v2v) == 1 and v2v[0].params["strength"] == 0.85
    assert source_of(conv, v2v[0].id, "video").params["path"] == "still.png"
    text = said(conv) + notes(conv)
    assert "'KSampler' (KSampler, #3) re-makes the picture 'LoadImage' (LoadImage, #1) loads, which 'VAEEncode' " \
           "(VAEEncode, #12) encodes as a latent of one frame, at denoise 0.85: Studio's Video to Video restyles it " \
           "with HunyuanVideo as a clip of one frame at strength 0.85" in text
    assert "cannot restyle" not in text


def test_a_picture_remade_by_a_family_whose_video_to_video_takes_no_one_frame_clip_stays_held():
    for wf in (_remake("wan2.1_t2v_14B_fp16.safetensors"), _remake(denoise=1.0)):
        conv = convert(wf, "remake")
        assert not nodes_of(conv, "video_models.video_to_video")
        assert "re-makes the picture" not in said(conv) + notes(conv)


def _picker(auto_detect: bool, pictured: bool) -> dict:
    """Azornes' ResolutionMaster (Manual 720 x 1280; its settings as the pack declares them), optionally given a
    picture to detect its size from."""
    inputs = {"mode": "Manual", "latent_type": "latent_128x16", "width": 720, "height": 1280, "batch_size": 1,
              "auto_detect": auto_detect, "auto_detect_source": "backend", "auto_detect_width": 0,
              "auto_detect_height": 0, "auto_fit_on_change": False, "auto_resize_on_change": False,
              "auto_snap_on_change": False, "smart_fit": False, "use_custom_calc": False,
              "preserve_scaling_ratio": False, "selected_category": "", "snap_value": 64, "upscale_value": 1,
              "target_resolution": 720, "target_megapixels": 2, "auto_detect_presets_json": "{}",
              "rescale_mode": "resolution", "rescale_value": 1}
    wf = {"9": {"class_type": "LoadImage", "inputs": {"image": "p.png"}},
          "166": {"class_type": "ResolutionMaster", "inputs": inputs}}
    if pictured:
        inputs["input_image"] = ["9", 0]
    return wf


def test_a_size_pickers_width_and_height_are_its_settings_where_it_detects_no_pictures():
    """heldout85 11: ResolutionMaster Manual 720 x 1280 (auto_detect off) was said "cannot work out"; its size fed
    the closing resize to the first stage's size."""
    from studio.convert.reading.workflow import Workflow
    for auto, pictured, size in ((False, False, (720, 1280)), (False, True, (720, 1280)), (True, False, (720, 1280)),
                                 (True, True, (None, None))):
        wf = Workflow.read(_picker(auto, pictured))
        node = wf.nodes["166"]
        assert (wf.output(node, 0), wf.output(node, 1)) == size
