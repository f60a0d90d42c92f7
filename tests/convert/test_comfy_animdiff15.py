"""AnimateDiff-Evolved workflows as the 42 cached ones use them (animdiff15): a motion LoRA on a task held with no
generator is never said to be put on the motion modules (heldout48's AnimatedWeights and BlipTravel said so, then
said it not applied); the held LoRA's strength written as the other sentences write it."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said
from tests.convert.test_comfy_animatediff_ways import _motion_lora


def _held(strength=0.8) -> dict:
    """A motion LoRA on AnimateDiff whose latent is an inpainting encode of a picture: the task is held."""
    wf = _motion_lora("v2_lora_ZoomIn.safetensors")
    wf["2"]["inputs"]["strength"] = strength
    wf["10"] = {"class_type": "LoadImage", "inputs": {"image": "room.png"}}
    wf["5"] = {"class_type": "VAEEncodeForInpaint", "inputs": {"pixels": ["10", 0], "vae": ["1", 2],
                                                               "mask": ["10", 1], "grow_mask_by": 6}}
    return wf


def test_a_motion_lora_on_a_held_task_is_not_said_put_on_the_motion_modules():
    conv = convert(_held(), "held")
    assert conv.pipelines == 0
    text = said(conv)
    assert "is a Video LoRA on the model: Studio's AnimateDiff puts it on the motion modules" not in text
    assert "'ADE_AnimateDiffLoRALoader' (ADE_AnimateDiffLoRALoader, #2)'s motion LoRA 'v2_lora_ZoomIn.safetensors' " \
           "(strength 0.8) is read as a LoRA on the model: where a generator is made from that model" in text
    assert "on the model of the held task: not applied to it, as it has no generator" in text


def test_a_held_loras_strength_is_written_as_a_number_not_a_float_repr():
    text = said(convert(_held(0.1 + 0.2), "held"))
    assert "LoRA 'v2_lora_ZoomIn.safetensors' (strength 0.3) loaded by" in text
    assert "0.30000000000000004" not in text


def _restyle(denoise=0.6, second=None) -> dict:
    """AnimateDiff restyling a loaded clip (VAEEncode, KSampler at ``denoise``) with a ControlNet on its prompts
    (ControlNetApplyAdvanced on an openpose picture of the clip); ``second``: a second apply's loader class, nearer
    the prompts."""
    wf = api({
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "dreamshaper_8.safetensors"}),
        "3": ("ADE_AnimateDiffLoaderWithContext", {"model": ["1", 0], "model_name": "mm_sd_v15_v2.safetensors",
                                                   "beta_schedule": "autoselect"}),
        "4": ("CLIPTextEncode", {"text": "a knight", "clip": ["1", 1]}),
        "40": ("CLIPTextEncode", {"text": "blurry", "clip": ["1", 1]}),
        "10": ("VHS_LoadVideo", {"video": "dance.mp4", "force_rate": 0, "force_size": "Disabled", "custom_width": 0,
                                 "custom_height": 0, "frame_load_cap": 16, "skip_first_frames": 0,
                                 "select_every_nth": 1}),
        "11": ("ControlNetLoader", {"control_net_name": "control_v11p_sd15_openpose.safetensors"}),
        "12": ("DWPreprocessor", {"image": ["10", 0], "detect_hand": "enable", "detect_body": "enable",
                                  "detect_face": "enable", "resolution": 512}),
        "13": ("ControlNetApplyAdvanced", {"positive": ["4", 0], "negative": ["40", 0], "control_net": ["11", 0],
                                           "image": ["12", 0], "strength": 0.9, "start_percent": 0.0,
                                           "end_percent": 0.8}),
        "5": ("VAEEncode", {"pixels": ["10", 0], "vae": ["1", 2]}),
        "6": ("KSampler", {"seed": 1, "steps": 20, "cfg": 7, "sampler_name": "euler", "scheduler": "normal",
                           "denoise": denoise, "model": ["3", 0], "positive": ["13", 0], "negative": ["13", 1],
                           "latent_image": ["5", 0]}),
        "7": ("VAEDecode", {"samples": ["6", 0], "vae": ["1", 2]}),
        "8": ("VHS_VideoCombine", {"images": ["7", 0], "frame_rate": 8, "loop_count": 0, "filename_prefix": "out",
                                   "format": "video/h264-mp4", "pingpong": False, "save_output": True}),
    })
    if second:
        wf["20"] = {"class_type": second, "inputs": {"control_net_name": "control_v11f1p_sd15_depth.safetensors"}}
        wf["21"] = {"class_type": "ControlNetApplyAdvanced", "inputs": {
            "positive": ["4", 0], "negative": ["40", 0], "control_net": ["20", 0], "image": ["10", 0],
            "strength": 0.5, "start_percent": 0.0, "end_percent": 1.0}}
        wf["13"]["inputs"].update(positive=["21", 0], negative=["21", 1])
    return wf


def test_a_controlnet_on_a_clips_restyle_is_animatediff_controlnet_given_the_clip():
    conv = convert(_restyle(), "restyle")
    assert conv.graph.validate() == [] and conv.pipelines == 1
    assert not nodes_of(conv, "video_models.video_to_video")
    assert conv.tasks[0]["task"] == "video to video steered by a ControlNet"
    gen = nodes_of(conv, "video_models.animatediff_controlnet")[0]
    p = gen.params
    assert (p["controlnet"], p["strength"], p["start"], p["end"], p["denoise"]) == \
        ("control_v11p_sd15_openpose.safetensors", 0.9, 0.0, 0.8, 0.6)
    assert p["steps"] == 34  # (20 run at denoise 0.6: the pipeline runs int(steps x denoise))
    g = conv.graph
    assert g.nodes[g.input_link(gen.id, "video").src].type_id == "transform.trim"  # the clip, its frames picked
    assert g.nodes[g.input_link(gen.id, "control").src].type_id == "preprocess.draw_pose"
    text = said(conv)
    assert "the encoded clip is its 'video', restyled at denoise 0.6 ('denoise')" in text
    assert "Studio's AnimateDiff ControlNet runs 'denoise' x 'steps' of its own schedule, so its steps are 34" in text
    assert "AnimateDiff ControlNet's own (0) take the size and length of the video it is given" in text
    assert "the start image's size" not in text and {"11", "13"}.isdisjoint(conv.dropped)


def test_a_restyle_at_a_denoise_not_worked_out_stays_video_to_video_its_controlnet_said():
    wf = _restyle()
    wf["30"] = {"class_type": "PrimitiveFloat", "inputs": {"value": 0.5}}
    wf["31"] = {"class_type": "MysteryFloatMath", "inputs": {"a": ["30", 0]}}
    wf["6"]["inputs"]["denoise"] = ["31", 0]
    conv = convert(wf, "unknown")
    assert nodes_of(conv, "video_models.video_to_video") and not nodes_of(conv, "video_models.animatediff_controlnet")
    assert "'ControlNetApplyAdvanced' (ControlNetApplyAdvanced, #13), a step between its 'positive', 'negative'" \
           in said(conv)


def test_another_controlnet_steers_too_as_controlnet_2_its_loader_named_with_it():
    """(acn21: a second ControlNet, said not taken before, now steers as AnimateDiff ControlNet's 'controlnet_2'.)"""
    conv = convert(_restyle(second="ControlNetLoaderAdvanced"), "two")
    text = said(conv)
    p = nodes_of(conv, "video_models.animatediff_controlnet")[0].params
    assert (p["controlnet"], p["controlnet_2"], p["strength_2"]) == (
        "control_v11p_sd15_openpose.safetensors", "control_v11f1p_sd15_depth.safetensors", 0.5)
    assert "'ControlNetApplyAdvanced' (ControlNetApplyAdvanced, #21)'s ControlNet 'control_v11f1p_sd15_depth.safetensors' " \
           "(from 'ControlNetLoaderAdvanced' (ControlNetLoaderAdvanced, #20)) steers the take too as AnimateDiff " \
           "ControlNet's 'controlnet_2'" in text
    assert "20" not in conv.dropped or "20" in (conv.passed or ())
    assert "ControlNetLoaderAdvanced" not in next(line for line in map(str, conv.log)
                                                  if "ComfyUI nodes not converted" in line or "pipeline(s)" in line)


def _still_for_ipadapter() -> dict:
    """AnimateDiff text to video on a model an IP-Adapter patches, its picture a still the workflow makes (its own
    checkpoint, prompt, KSampler, decode), previewed (cubiq's IPAdapter + AnimateDiff, tost's workflow's shape)."""
    return api({
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "dreamshaper_8.safetensors"}),
        "2": ("IPAdapterUnifiedLoader", {"model": ["1", 0], "preset": "PLUS (high strength)"}),
        "20": ("CheckpointLoaderSimple", {"ckpt_name": "still_xl.safetensors"}),
        "21": ("CLIPTextEncode", {"text": "a castle", "clip": ["20", 1]}),
        "22": ("EmptyLatentImage", {"width": 1024, "height": 1024, "batch_size": 1}),
        "23": ("KSampler", {"seed": 1, "steps": 8, "cfg": 1, "sampler_name": "euler", "scheduler": "normal",
                            "denoise": 1.0, "model": ["20", 0], "positive": ["21", 0], "negative": ["21", 0],
                            "latent_image": ["22", 0]}),
        "24": ("VAEDecode", {"samples": ["23", 0], "vae": ["20", 2]}),
        "25": ("PreviewImage", {"images": ["24", 0]}),
        "3": ("IPAdapterAdvanced", {"model": ["2", 0], "ipadapter": ["2", 1], "image": ["24", 0], "weight": 1.0,
                                    "weight_type": "linear", "combine_embeds": "concat", "start_at": 0.0,
                                    "end_at": 1.0, "embeds_scaling": "V only"}),
        "4": ("ADE_AnimateDiffLoaderWithContext", {"model": ["3", 0], "model_name": "mm_sd_v15_v2.safetensors",
                                                   "beta_schedule": "autoselect"}),
        "5": ("CLIPTextEncode", {"text": "a knight", "clip": ["1", 1]}),
        "6": ("EmptyLatentImage", {"width": 512, "height": 512, "batch_size": 16}),
        "7": ("KSampler", {"seed": 1, "steps": 20, "cfg": 7, "sampler_name": "euler", "scheduler": "normal",
                           "denoise": 1.0, "model": ["4", 0], "positive": ["5", 0], "negative": ["5", 0],
                           "latent_image": ["6", 0]}),
        "8": ("VAEDecode", {"samples": ["7", 0], "vae": ["1", 2]}),
        "9": ("VHS_VideoCombine", {"images": ["8", 0], "frame_rate": 8, "loop_count": 0, "filename_prefix": "out",
                                   "format": "video/h264-mp4", "pingpong": False, "save_output": True}),
    })


def test_a_still_made_only_for_a_patch_not_applied_is_passed_with_it_though_previewed():
    conv = convert(_still_for_ipadapter(), "still")
    assert conv.pipelines == 1
    text = said(conv)
    for nid, cls in (("23", "KSampler"), ("22", "EmptyLatentImage"), ("20", "CheckpointLoaderSimple"),
                     ("21", "CLIPTextEncode")):
        assert f"'{cls}' ({cls}, #{nid}) gives" in text and nid in conv.passed, nid
    assert "one of what 'IPAdapterAdvanced' (IPAdapterAdvanced, #3) is made with, a model patch" in text
    assert "'PreviewImage' (PreviewImage, #25) shows the pictures 'VAEDecode' (VAEDecode, node 24) gives it on " \
           "'images': Studio's viewer shows any node's output, so this display is not made as a node; Studio does " \
           "not make node 24, so what it gives is not shown either" in text
    listed = next((line for line in map(str, conv.log) if "ComfyUI nodes not converted" in line), "")
    assert "KSampler" not in listed and "CheckpointLoaderSimple" not in listed


def test_a_sparsectrl_beside_a_take_is_said_not_applied_with_its_loader_and_method():
    """Advanced-ControlNet's SparseCtrl (its loader's category names it) on a text to video's prompts: the take is
    made without it, its loader and its sparse method passed over in one sentence each (they were listed as not
    converted); the pack's own apply left to the step rule (not applied)."""
    wf = api({
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "dreamshaper_8.safetensors"}),
        "3": ("ADE_AnimateDiffLoaderWithContext", {"model": ["1", 0], "model_name": "mm_sd_v15_v2.safetensors",
                                                   "beta_schedule": "autoselect"}),
        "4": ("CLIPTextEncode", {"text": "a knight", "clip": ["1", 1]}),
        "10": ("LoadImage", {"image": "sketch.png"}),
        "11": ("ACN_SparseCtrlIndexMethodNode", {"indexes": "0,8"}),
        "12": ("ACN_SparseCtrlLoaderAdvanced", {"sparsectrl_name": "v3_sd15_sparsectrl_scribble.ckpt",
                                                "use_motion": True, "motion_strength": 1.0, "motion_scale": 1.0,
                                                "sparse_method": ["11", 0]}),
        "13": ("ACN_AdvancedControlNetApply", {"positive": ["4", 0], "negative": ["4", 0], "control_net": ["12", 0],
                                               "image": ["10", 0], "strength": 1.0, "start_percent": 0.0,
                                               "end_percent": 1.0}),
        "5": ("EmptyLatentImage", {"width": 512, "height": 512, "batch_size": 16}),
        "6": ("KSampler", {"seed": 1, "steps": 20, "cfg": 7, "sampler_name": "euler", "scheduler": "normal",
                           "denoise": 1.0, "model": ["3", 0], "positive": ["13", 0], "negative": ["13", 1],
                           "latent_image": ["5", 0]}),
        "7": ("VAEDecode", {"samples": ["6", 0], "vae": ["1", 2]}),
        "8": ("VHS_VideoCombine", {"images": ["7", 0], "frame_rate": 8, "loop_count": 0, "filename_prefix": "out",
                                   "format": "video/h264-mp4", "pingpong": False, "save_output": True}),
    })
    conv = convert(wf, "sparse")
    text = said(conv)
    assert "'ACN_SparseCtrlLoaderAdvanced' (ACN_SparseCtrlLoaderAdvanced, #12) loads the SparseCtrl model " \
           "'v3_sd15_sparsectrl_scribble.ckpt' that 'ACN_AdvancedControlNetApply' (ACN_AdvancedControlNetApply, #13) " \
           "applies: not applied, Studio's AnimateDiff runs no SparseCtrl" in text
    assert "'ACN_SparseCtrlIndexMethodNode' (ACN_SparseCtrlIndexMethodNode, #11) gives " \
           "'ACN_SparseCtrlLoaderAdvanced' (#12)'s 'sparse_method'" in text
    assert {"11", "12"} <= set(conv.passed)
    assert not nodes_of(conv, "video_models.animatediff_controlnet")


def test_what_a_held_tasks_patch_alone_is_made_with_is_passed_with_it_its_files_named():
    """The IP-Adapter of a held AnimateDiff take (its latent an inpainting encode): its model loader and CLIP vision
    passed over with the patch, their files named (they were listed as not converted, where a made take's are
    passed with its patch)."""
    wf = _still_for_ipadapter()
    wf["30"] = {"class_type": "LoadImage", "inputs": {"image": "room.png"}}
    wf["6"] = {"class_type": "VAEEncodeForInpaint", "inputs": {"pixels": ["30", 0], "vae": ["1", 2],
                                                               "mask": ["30", 1], "grow_mask_by": 6}}
    wf["31"] = {"class_type": "IPAdapterModelLoader", "inputs": {"ipadapter_file": "ip-adapter-plus_sd15.safetensors"}}
    wf["32"] = {"class_type": "CLIPVisionLoader", "inputs": {"clip_name": "clip_vision_h.safetensors"}}
    wf["3"]["inputs"].update(model=["1", 0], ipadapter=["31", 0], clip_vision=["32", 0])
    del wf["2"]
    conv = convert(wf, "held")
    assert conv.pipelines == 0 and {"31", "32"} <= set(conv.passed)
    text = said(conv)
    assert "'IPAdapterModelLoader' (IPAdapterModelLoader, #31) gives 'IPAdapterAdvanced' (#3)'s 'ipadapter': one of " \
           "what 'IPAdapterAdvanced' (IPAdapterAdvanced, #3) is made with, a model patch (on the model 'KSampler', " \
           "#7, samples with) Studio does not apply: not applied either (its settings: ipadapter_file " \
           "ip-adapter-plus_sd15.safetensors) (the task is held with no generator)" in text
    assert "(CLIPVisionLoader, #32) gives 'IPAdapterAdvanced' (#3)'s 'clip_vision'" in text
