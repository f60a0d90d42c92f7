"""Mechanisms a tenth held-out set (benchmarks/results/heldout10_2026-11-29.md) showed, each on a small hand-written
workflow with invented pack names where the rule is by types: nodes reaching no output in a file that links to nodes
it does not hold."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api as _api, notes as _notes, said as _said


def test_unrun_nodes_of_a_file_linking_to_nodes_it_lacks_are_not_said_lost():
    """An API export of a subgraph leaves out the subgraph's node '90': what reached the sampler through it reaches
    no output in what the file holds, and is not said to be 'nothing lost' (ComfyUI refuses the file)."""
    wf = _api({
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "model.safetensors"}),
        "2": ("LoraLoaderModelOnly", {"lora_name": "camera.safetensors", "strength_model": 1, "model": ["1", 0]}),
        "3": ("KSampler", {"seed": 1, "steps": 8, "cfg": 1, "sampler_name": "euler", "scheduler": "simple",
                           "denoise": 1, "model": ["90", 0], "positive": ["90", 1], "negative": ["90", 2],
                           "latent_image": ["90", 3]}),
        "4": ("VAEDecode", {"samples": ["3", 0], "vae": ["90", 4]}),
        "5": ("SaveImage", {"filename_prefix": "x", "images": ["4", 0]}),
    })
    said = _said(convert(wf, "sub.json"))
    assert "wired to node 90, which the file does not hold" in said
    lora = next(x for x in said.splitlines() if "(LoraLoaderModelOnly, #2)" in x and "reaches no output" in x)
    assert "nothing of it is lost" not in lora
    assert "it may have fed node 90, which the file links to but does not hold" in lora


def test_unrun_nodes_of_a_whole_file_are_still_nothing_lost():
    """The same words as before where the file holds every node it links to."""
    wf = _api({
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "model.safetensors"}),
        "2": ("LoraLoaderModelOnly", {"lora_name": "camera.safetensors", "strength_model": 1, "model": ["1", 0]}),
        "6": ("LoadImage", {"image": "a.png"}),
        "5": ("SaveImage", {"filename_prefix": "x", "images": ["6", 0]}),
    })
    said = _said(convert(wf, "whole.json"))
    lora = next(x for x in said.splitlines() if "(LoraLoaderModelOnly, #2)" in x and "reaches no output" in x)
    assert "ComfyUI does not run it, so nothing of it is lost" in lora


def _wrapper_i2v(extra: dict | None = None, cfg=None) -> dict:
    """A Wan 2.2 I2V through WanVideoWrapper (the tenth set's Modal app, trimmed): one sampler whose cfg comes from
    ``cfg`` (a link) where given."""
    n = {
        "11": ("LoadWanVideoT5TextEncoder", {"model_name": "umt5.safetensors", "precision": "bf16"}),
        "16": ("WanVideoTextEncode", {"positive_prompt": "a cat", "negative_prompt": "", "t5": ["11", 0]}),
        "22": ("WanVideoModelLoader", {"model": "wan2.2_i2v_high.safetensors", "base_precision": "bf16",
                                       "quantization": "disabled", "load_device": "offload_device"}),
        "38": ("WanVideoVAELoader", {"model_name": "wan_vae.safetensors", "precision": "bf16"}),
        "7": ("LoadImage", {"image": "a.png"}),
        "89": ("WanVideoImageToVideoEncode", {"width": 480, "height": 832, "num_frames": 33, "noise_aug_strength": 0,
                                              "start_latent_strength": 1, "end_latent_strength": 1,
                                              "force_offload": True, "vae": ["38", 0], "start_image": ["7", 0]}),
        "27": ("WanVideoSampler", {"steps": 6, "cfg": cfg if cfg is not None else 1, "shift": 8, "seed": 3,
                                   "scheduler": "unipc", "denoise_strength": 1, "model": ["22", 0],
                                   "image_embeds": ["89", 0], "text_embeds": ["16", 0]}),
        "28": ("WanVideoDecode", {"enable_vae_tiling": False, "vae": ["38", 0], "samples": ["27", 0]}),
        "30": ("VHS_VideoCombine", {"frame_rate": 16, "loop_count": 0, "filename_prefix": "w",
                                    "format": "video/h264-mp4", "save_output": True, "images": ["28", 0]}),
    }
    n.update(extra or {})
    return _api(n)


def test_a_value_node_a_converted_node_reads_is_no_constant_nothing_reads():
    """WanVideoWrapper's CFG schedule list (an interpolation Studio does not know: its values not worked out) gives
    the sampler's cfg: listed as not converted, but not among 'the constants ... nothing converted reads' (its types
    say a constant; the converted sampler reads it)."""
    wf = _wrapper_i2v({"95": ("CreateCFGScheduleFloatList", {"steps": 6, "cfg_scale_start": 2, "cfg_scale_end": 2,
                                                             "interpolation": "smoothstep", "start_percent": 0,
                                                             "end_percent": 0.01})}, cfg=["95", 0])
    conv = convert(wf, "cfg.json")
    assert "95" in conv.dropped and "CreateCFGScheduleFloatList, #95" in _notes(conv)
    assert "nothing converted reads them" not in _notes(conv)


def test_a_pass_running_to_the_end_is_not_said_to_end_at_none():
    """The wrapper's two experts: the second WanVideoSampler runs from step 3 with end_step -1 ('to the end')."""
    wf = _wrapper_i2v({
        "71": ("WanVideoModelLoader", {"model": "wan2.2_i2v_low.safetensors", "base_precision": "bf16",
                                       "quantization": "disabled", "load_device": "offload_device"}),
        "90": ("WanVideoSampler", {"steps": 6, "cfg": 1, "shift": 8, "seed": 4, "scheduler": "unipc",
                                   "denoise_strength": 1, "start_step": 3, "end_step": -1, "model": ["71", 0],
                                   "image_embeds": ["89", 0], "text_embeds": ["16", 0], "samples": ["27", 0]}),
    })
    wf["27"]["inputs"].update({"start_step": 0, "end_step": 3})
    wf["28"]["inputs"]["samples"] = ["90", 0]
    notes = _notes(convert(wf, "two.json"))
    assert "steps 3 to the end" in notes
    assert "None" not in notes


def _restore(step: tuple) -> dict:
    """LoadVideo -> GetVideoComponents -> ``step`` (on 'image') -> RIFE x2 -> Video Combine at 8 fps with the sound."""
    return _api({
        "21": ("LoadVideo", {"file": "clip.mp4"}),
        "22": ("GetVideoComponents", {"video": ["21", 0]}),
        "10": (step[0], {**step[1], "image": ["22", 0]}),
        "26": ("RIFE VFI", {"ckpt_name": "rife49.pth", "multiplier": 2, "frames": ["10", 0]}),
        "25": ("VHS_VideoCombine", {"frame_rate": 8, "loop_count": 0, "filename_prefix": "up",
                                    "format": "video/h264-mp4", "save_output": True, "images": ["26", 0],
                                    "audio": ["22", 1]}),
    })


def test_a_step_on_a_utilitys_way_studio_makes_nothing_for_is_said_and_the_rate_kept():
    """A pack's step between the Load Video and the interpolation (an invented AcmeClipSharpen) is said not applied,
    never taken as read; the combine's own 8 fps is made as Studio's Frame Rate before the save."""
    conv = convert(_restore(("AcmeClipSharpen", {"amount": 0.4})), "restore.json")
    said = _said(conv)
    line = next(x for x in said.splitlines() if "(AcmeClipSharpen, #10)" in x)
    assert "a step on the way from" in line and "not applied" in line and "amount 0.4" in line
    assert "10" in conv.passed and "10" not in conv.dropped
    types = [n.type_id for n in conv.graph.nodes.values()]
    assert types == ["io.load_video", "motion.interpolate", "edit.frame_rate", "io.save_video"]
    assert next(n for n in conv.graph.nodes.values() if n.type_id == "edit.frame_rate").params["fps"] == 8.0
    assert "writes the frames at 8 fps" in said


def test_a_pack_loader_of_a_model_file_is_not_said_to_give_settings():
    """SeedVR2's DiT loader for an upscaler on such a way that Studio cannot make (no VAE loader wired): the loader
    loads a model file (its choice), it gives no 'settings'."""
    wf = _restore(("SeedVR2VideoUpscaler", {"seed": 42, "resolution": 1080, "batch_size": 33, "dit": ["14", 0]}))
    wf["14"] = {"class_type": "SeedVR2LoadDiTModel", "inputs": {"model": "seedvr2_7b.safetensors", "device": "cuda:0"}}
    said = _said(convert(wf, "seedvr2.json"))
    dit = next(x for x in said.splitlines() if "(SeedVR2LoadDiTModel, #14)" in x)
    assert "loads the model file 'seedvr2_7b.safetensors'" in dit and "settings Studio's nodes do not take" not in dit
    assert "(SeedVR2VideoUpscaler, #10), a step on the way" in said


def test_seedvr2_on_a_utilitys_way_is_studios_seedvr2_upscale():
    """Load Video -> SeedVR2 (the pack's loaders) -> RIFE -> Video Combine at 8 fps: SeedVR2 Upscale made on the way
    (its short edge, window and overlap read; the pack's colour correction said), then the interpolation and rate."""
    wf = _restore(("SeedVR2VideoUpscaler", {"seed": 42, "resolution": 1080, "batch_size": 33, "temporal_overlap": 3,
                                            "color_correction": "lab", "dit": ["14", 0], "vae": ["13", 0]}))
    wf["13"] = {"class_type": "SeedVR2LoadVAEModel", "inputs": {"model": "ema_vae_fp16.safetensors", "device": "cuda:0"}}
    wf["14"] = {"class_type": "SeedVR2LoadDiTModel", "inputs": {"model": "seedvr2_7b.safetensors", "device": "cuda:0"}}
    conv = convert(wf, "seedvr2.json")
    types = [n.type_id for n in conv.graph.nodes.values()]
    assert types == ["io.load_video", "finishing.seedvr2", "motion.interpolate", "edit.frame_rate", "io.save_video"]
    up = next(n for n in conv.graph.nodes.values() if n.type_id == "finishing.seedvr2")
    assert (up.params["short_edge"], up.params["window"], up.params["overlap"]) == (1080, 33, 3)
    assert "color_correction 'lab' is the pack's own" in _said(conv)
    assert not conv.dropped and "10" not in conv.passed


def _animatediff_controlnet() -> dict:
    """AnimateDiff SD1.5 with a ControlNet from a folder's line art (the tenth set's saved workflow, as an API file):
    AnimateDiff ControlNet (it was held before that node); CLIP skip on the checkpoint's text encoder."""
    return _api({
        "30": ("CheckpointLoaderSimple", {"ckpt_name": "anime_sd15.safetensors"}),
        "4": ("CLIPSetLastLayer", {"stop_at_clip_layer": -2, "clip": ["30", 1]}),
        "3": ("CLIPTextEncode", {"text": "1girl, autumn leaves", "clip": ["4", 0]}),
        "6": ("CLIPTextEncode", {"text": "low quality", "clip": ["4", 0]}),
        "33": ("ADE_AnimateDiffLoaderWithContext", {"model_name": "mm_sd_v15_v2.safetensors",
                                                    "beta_schedule": "sqrt_linear (AnimateDiff)", "motion_scale": 1,
                                                    "apply_v2_models_properly": True, "model": ["30", 0]}),
        "35": ("VHS_LoadImages", {"directory": "3d", "image_load_cap": 48, "skip_first_images": 0,
                                  "select_every_nth": 1}),
        "18": ("LineArtPreprocessor", {"coarse": "disable", "resolution": 512, "image": ["35", 0]}),
        "20": ("ControlNetLoader", {"control_net_name": "control_v11p_sd15_lineart.pth"}),
        "24": ("ControlNetApplyAdvanced", {"strength": 1, "start_percent": 0, "end_percent": 1, "positive": ["3", 0],
                                           "negative": ["6", 0], "control_net": ["20", 0], "image": ["18", 0]}),
        "9": ("EmptyLatentImage", {"width": 512, "height": 512, "batch_size": ["35", 2]}),
        "7": ("KSampler", {"seed": 4, "steps": 20, "cfg": 8, "sampler_name": "euler", "scheduler": "normal",
                           "denoise": 1, "model": ["33", 0], "positive": ["24", 0], "negative": ["24", 1],
                           "latent_image": ["9", 0]}),
        "10": ("VAEDecode", {"samples": ["7", 0], "vae": ["30", 2]}),
        "36": ("VHS_VideoCombine", {"frame_rate": 8, "loop_count": 0, "filename_prefix": "ad",
                                    "format": "video/h264-mp4", "save_output": True, "images": ["10", 0]}),
    })


def test_an_animatediff_controlnet_task_loads_its_motion_module_and_clip_skip_loads_nothing():
    conv = convert(_animatediff_controlnet(), "ad.json")
    said = _said(conv)
    assert conv.tasks and conv.tasks[0]["generator"] == "video_models.animatediff_controlnet"
    load = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.load")
    assert load.params["model"] == "mm_sd_v15_v2.safetensors"
    assert load.params["image_model"] == "anime_sd15.safetensors"
    assert "AnimateDiff's motion module 'mm_sd_v15_v2.safetensors' is Load Video Model's model" in said
    skip = next(x for x in said.splitlines() if "(CLIPSetLastLayer, #4)" in x)
    assert "loads" not in skip and "stop_at_clip_layer -2" in skip


def test_a_second_output_of_the_take_at_its_own_rate_is_retimed_and_said():
    """The take interpolated x2 to 24 fps (the generator makes 12) and also written as it is at 16 fps: that second
    Save Video is given the take through a Frame Rate at 16, said (it was written at 12 without a word)."""
    wf = _wrapper_i2v({
        "103": ("RIFE VFI", {"ckpt_name": "rife47.pth", "multiplier": 2, "frames": ["28", 0]}),
        "104": ("VHS_VideoCombine", {"frame_rate": 24, "loop_count": 0, "filename_prefix": "final",
                                     "format": "video/h264-mp4", "save_output": True, "images": ["103", 0]}),
    })
    conv = convert(wf, "two_rates.json")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.image_to_video")
    rates = {n.params["fps"] for n in conv.graph.nodes.values() if n.type_id == "edit.frame_rate"}
    said = _said(conv)
    if gen.params["fps"] == 12.0:
        assert rates == {16.0} and "writes the take at 16 fps, not the 12 fps the generator makes it at" in said
    else:  # (the 16 fps output read first: the interpolated one has its own way to 24)
        assert gen.params["fps"] == 16.0 and not rates


def test_a_note_with_no_text_makes_no_empty_note():
    """An API export keeps a MarkdownNote with no inputs: no empty note on the canvas."""
    wf = _api({"1": ("LoadImage", {"image": "a.png"}), "2": ("SaveImage", {"filename_prefix": "x", "images": ["1", 0]}),
               "3": ("MarkdownNote", {}), "4": ("Note", {"text": "keep me"})})
    notes = [n["text"] for n in convert(wf, "notes.json").graph.ui.get("notes", [])]
    assert "keep me" in notes and all(t.strip() for t in notes)


def test_kjnodes_resize_rounds_its_size_down_and_a_calculators_grown_inputs_are_read():
    """LTX-2 I2V: the picture cropped by ImageResizeKJv2 to 1280x720 with divisible_by 32 (ComfyUI makes 1280x704),
    halved for the latent by ResizeImageMaskNode; the length from SimpleCalculatorKJ '1+ 8*(round(a*b)/8)' of 15 s and
    24 fps on its V3 grown inputs (361)."""
    wf = _api({
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "ltx-2-19b-dev.safetensors"}),
        "2": ("LTXAVTextEncoderLoader", {"text_encoder": "gemma.safetensors", "ckpt_name": "ltx-2-19b-dev.safetensors"}),
        "3": ("CLIPTextEncode", {"text": "a fox", "clip": ["2", 0]}),
        "4": ("CLIPTextEncode", {"text": "", "clip": ["2", 0]}),
        "5": ("LTXVConditioning", {"frame_rate": 24, "positive": ["3", 0], "negative": ["4", 0]}),
        "6": ("LoadImage", {"image": "fox.png"}),
        "7": ("ImageResizeKJv2", {"width": 1280, "height": 720, "upscale_method": "lanczos", "keep_proportion": "crop",
                                  "pad_color": "0, 0, 0", "crop_position": "center", "divisible_by": 32,
                                  "image": ["6", 0]}),
        "8": ("ResizeImageMaskNode", {"resize_type": "scale by multiplier", "resize_type.multiplier": 0.5,
                                      "scale_method": "area", "input": ["7", 0]}),
        "9": ("GetImageSize", {"image": ["8", 0]}),
        "30": ("INTConstant", {"value": 15}),
        "31": ("PrimitiveFloat", {"value": 24.0}),
        "32": ("SimpleCalculatorKJ", {"expression": "1+ 8*(round(a*b)/8)", "variables.a": ["30", 0],
                                      "variables.b": ["31", 0]}),
        "10": ("EmptyLTXVLatentVideo", {"width": ["9", 0], "height": ["9", 1], "length": ["32", 1], "batch_size": 1}),
        "11": ("LTXVImgToVideoInplace", {"strength": 1, "bypass": False, "vae": ["1", 2], "image": ["7", 0],
                                         "latent": ["10", 0]}),
        "13": ("RandomNoise", {"noise_seed": 12}),
        "14": ("KSamplerSelect", {"sampler_name": "euler"}),
        "15": ("ManualSigmas", {"sigmas": "1.0, 0.9, 0.7, 0.4, 0.0"}),
        "16": ("CFGGuider", {"cfg": 1, "model": ["1", 0], "positive": ["5", 0], "negative": ["5", 1]}),
        "17": ("SamplerCustomAdvanced", {"noise": ["13", 0], "guider": ["16", 0], "sampler": ["14", 0],
                                         "sigmas": ["15", 0], "latent_image": ["11", 0]}),
        "27": ("VAEDecode", {"samples": ["17", 0], "vae": ["1", 2]}),
        "29": ("CreateVideo", {"fps": 24, "images": ["27", 0]}),
        "30b": ("SaveVideo", {"filename_prefix": "ltx", "format": "auto", "codec": "auto", "video": ["29", 0]}),
    })
    conv = convert(wf, "kj.json")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.ltx2")
    assert (gen.params["width"], gen.params["height"], gen.params["frames"]) == (640, 352, 361)
    scale = next(n for n in conv.graph.nodes.values() if n.type_id == "transform.scale")
    assert (scale.params["width"], scale.params["height"], scale.params["crop"], scale.params["multiple"]) == \
        (1280, 720, "center", 32)  # (1280x704 made: nodes.images.scaled_size)


def test_a_cfg_list_per_step_gives_the_pass_the_value_most_of_its_steps_have():
    """cfg 2 for the first step, 1 after (end_percent 0.01 of 6 steps) on the first of two passes: guidance 1, the list
    said step by step; not 'cannot work out', not the generator's own 5.0."""
    wf = _wrapper_i2v({"95": ("CreateCFGScheduleFloatList", {"steps": 6, "cfg_scale_start": 2, "cfg_scale_end": 2,
                                                             "interpolation": "linear", "start_percent": 0,
                                                             "end_percent": 0.01})}, cfg=["95", 0])
    wf["27"]["inputs"].update({"start_step": 0, "end_step": 3})
    conv = convert(wf, "cfg.json")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.image_to_video")
    said = _said(conv)
    # (since heldout79's mend 3 a list of one cfg on the take's first steps, then 1, is the generator's guidance on
    # those steps only: guidance 2, guidance_steps 1; other lists as before: test_comfy_heldout79_mends)
    assert gen.params["guidance"] == 2.0 and gen.params["guidance_steps"] == 1
    assert "2 on its first 1 step, 1 after: the generator's guidance 2 with guidance_steps 1" in said
    assert "cannot work out" not in said and "95" not in conv.dropped


def test_the_wrappers_cfg_list_as_its_node_makes_it():
    from nodes.video_models.families.wan.comfy_wrapper_cfg_list import cfg_list
    v = {"steps": 5, "cfg_scale_start": 6, "cfg_scale_end": 2, "interpolation": "linear", "start_percent": 0.2,
         "end_percent": 1.0}
    assert cfg_list(v.get) == [1.0, 6.0, 4.67, 3.33, 2.0]
    assert cfg_list({**v, "interpolation": "ease_out", "start_percent": 0}.get) == [6.0, 4.25, 3.0, 2.25, 2.0]


def test_scale_fits_within_a_box_and_rounds_down_to_a_multiple():
    from types import SimpleNamespace
    from nodes.images import scaled_size
    p = SimpleNamespace(scale=1.0, width=1280, height=720, fit="within", multiple=2)
    assert scaled_size(1080, 1920, p) == (404, 720)  # a portrait picture within 1280x720 (405 rounded down to 2)
    assert scaled_size(1920, 1080, SimpleNamespace(**{**vars(p), "multiple": 32})) == (1280, 704)
    assert scaled_size(1000, 1000, SimpleNamespace(**{**vars(p), "fit": "exact", "multiple": 1})) == (1280, 720)


def test_a_kjnodes_resize_fitting_the_start_image_is_studios_scale_fit():
    """Wan 2.2 I2V whose start image and size come from ImageResizeKJv2 'resize' to 1280x720 (keep proportion): the
    picture fitted by Studio's Scale ('fit', multiple 2), the generator at the picture's size (0)."""
    wf = _api({
        "37": ("UNETLoader", {"unet_name": "wan2.2_i2v_high_noise_14B.safetensors", "weight_dtype": "default"}),
        "38": ("CLIPLoader", {"clip_name": "umt5.safetensors", "type": "wan", "device": "default"}),
        "39": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "6": ("CLIPTextEncode", {"text": "a cat", "clip": ["38", 0]}),
        "7": ("CLIPTextEncode", {"text": "", "clip": ["38", 0]}),
        "62": ("LoadImage", {"image": "cat.jpg"}),
        "77": ("ImageResizeKJv2", {"width": 1280, "height": 720, "upscale_method": "nearest-exact",
                                   "keep_proportion": "resize", "pad_color": "0, 0, 0", "crop_position": "center",
                                   "divisible_by": 2, "device": "cpu", "image": ["62", 0]}),
        "63": ("WanImageToVideo", {"width": ["77", 1], "height": ["77", 2], "length": 81, "batch_size": 1,
                                   "positive": ["6", 0], "negative": ["7", 0], "vae": ["39", 0],
                                   "start_image": ["77", 0]}),
        "3": ("KSampler", {"seed": 7, "steps": 4, "cfg": 1, "sampler_name": "euler", "scheduler": "simple",
                           "denoise": 1, "model": ["37", 0], "positive": ["63", 0], "negative": ["63", 1],
                           "latent_image": ["63", 2]}),
        "8": ("VAEDecode", {"samples": ["3", 0], "vae": ["39", 0]}),
        "76": ("VHS_VideoCombine", {"frame_rate": 16, "loop_count": 0, "filename_prefix": "i2v",
                                    "format": "video/h264-mp4", "save_output": True, "images": ["8", 0]}),
    })
    conv = convert(wf, "fit.json")
    scale = next(n for n in conv.graph.nodes.values() if n.type_id == "transform.scale")
    assert (scale.params["width"], scale.params["height"], scale.params["fit"], scale.params["multiple"]) == \
        (1280, 720, "within", 2)
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.image_to_video")
    assert (gen.params["width"], gen.params["height"]) == (0, 0)  # the fitted picture's size
    assert "scaled to fit within 1280x720 keeping its aspect, each side rounded down to a multiple of 2" in _said(conv)
    assert "to the workflow's" not in _said(conv)  # (the size is the fitted picture's: no advice to set it)


def test_two_passes_on_one_schedule_split_by_splitsigmas_take_its_steps():
    """Wan 2.2 A14B: one BasicScheduler of 10 steps split at 6 by SplitSigmas, the high expert on the first part, the
    low on the rest (no noise added): 10 steps, the split said; not the generator's own 25."""
    from tests.convert.workflow_shapes import wan_a14b_split
    wf = {**wan_a14b_split(), **_api({
        "9": ("VHS_VideoCombine", {"frame_rate": 16, "loop_count": 0, "filename_prefix": "t2v",
                                   "format": "video/h264-mp4", "save_output": True, "images": ["8", 0]}),
    })}
    conv = convert(wf, "split.json")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video")
    notes = _notes(conv)
    assert gen.params["steps"] == 10
    assert "first sampler runs steps 0-6 of 10" in notes and "steps 6 to the end" in notes
    assert "29" not in conv.dropped


def test_a_packs_upscale_by_a_model_after_the_take_is_studios_upscale():
    """KJNodes' ImageUpscaleWithModelBatched (an UPSCALE_MODEL and pictures in, pictures out) between the decoded take
    and the save: Studio's Upscale Video with the loader's file, as ComfyUI's ImageUpscaleWithModel is made."""
    wf = _wrapper_i2v({"101": ("UpscaleModelLoader", {"model_name": "2x-AnimeSharp.pth"}),
                       "102": ("ImageUpscaleWithModelBatched", {"per_batch": 8, "upscale_model": ["101", 0],
                                                                "images": ["28", 0]})})
    wf["30"]["inputs"]["images"] = ["102", 0]
    conv = convert(wf, "up.json")
    up = next(n for n in conv.graph.nodes.values() if n.type_id == "finishing.upscale")
    assert up.params["model"] == "2x-AnimeSharp.pth"
    assert "102" not in conv.dropped and "102" not in conv.passed


def test_a_start_picture_made_the_size_a_resize_gives_of_it_is_scaled_so():
    """WanFirstLastFrameToVideo given the first picture straight from its file and its width and height from
    ImageResizeKJv2 'resize' of that file (fit within 512x512): Studio's Scale fits the picture on its way."""
    wf = _api({
        "37": ("UNETLoader", {"unet_name": "wan2.2_i2v_high_noise_14B.safetensors", "weight_dtype": "default"}),
        "38": ("CLIPLoader", {"clip_name": "umt5.safetensors", "type": "wan", "device": "default"}),
        "39": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "6": ("CLIPTextEncode", {"text": "a cat", "clip": ["38", 0]}),
        "7": ("CLIPTextEncode", {"text": "", "clip": ["38", 0]}),
        "62": ("LoadImage", {"image": "first.png"}),
        "68": ("LoadImage", {"image": "last.png"}),
        "125": ("ImageResizeKJv2", {"width": 512, "height": 512, "upscale_method": "bilinear",
                                    "keep_proportion": "resize", "pad_color": "0, 0, 0", "crop_position": "center",
                                    "divisible_by": 2, "device": "cpu", "image": ["62", 0]}),
        "67": ("WanFirstLastFrameToVideo", {"width": ["125", 1], "height": ["125", 2], "length": 121,
                                            "batch_size": 1, "positive": ["6", 0], "negative": ["7", 0],
                                            "vae": ["39", 0], "start_image": ["62", 0], "end_image": ["68", 0]}),
        "3": ("KSampler", {"seed": 7, "steps": 6, "cfg": 1, "sampler_name": "euler", "scheduler": "simple",
                           "denoise": 1, "model": ["37", 0], "positive": ["67", 0], "negative": ["67", 1],
                           "latent_image": ["67", 2]}),
        "8": ("VAEDecode", {"samples": ["3", 0], "vae": ["39", 0]}),
        "107": ("VHS_VideoCombine", {"frame_rate": 24, "loop_count": 0, "filename_prefix": "flf",
                                     "format": "video/h264-mp4", "save_output": True, "images": ["8", 0]}),
    })
    conv = convert(wf, "flf.json")
    g = conv.graph
    scale = next(n for n in g.nodes.values() if n.type_id == "transform.scale")
    assert (scale.params["width"], scale.params["height"], scale.params["fit"]) == (512, 512, "within")
    gen = next(n for n in g.nodes.values() if n.type_id == "video_models.image_to_video")
    first = g.input_link(gen.id, "image").src
    assert first == scale.id or g.input_link(first, "video").src == scale.id  # (a Frame Hold may stand between)
    assert "scales it to the size 'ImageResizeKJv2' (ImageResizeKJv2, #125) gives" in _said(conv)
    assert "to the workflow's" not in _said(conv)
