"""Mechanisms a seventh held-out set (benchmarks/results/heldout7_2026-11-29.md) showed, each on a small hand-written
workflow: a node passing anything on (KJNodes' VRAM_Debug) between two LTX-2 passes; ResizeImageMaskNode's 'scale by
multiplier' sizing a latent; a save writing no sound of a generator making one; an animated WEBP written as an MP4;
a noise of no setting (DisableNoise); an older VideoHelperSuite's force_size; a server switch read away; a family node
telling the model another frame rate."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.reading.workflow import Workflow
from tests.convert.said import said as _said


def _ltx2_two_pass(between: bool) -> dict:
    """An LTX-2 T2V API file: a first pass (8 steps, seed 12) at an EmptyImage 960x544 scaled x0.5, a latent upsampler,
    a refine (3 sigmas, seed 42); ``between``: KJNodes' VRAM_Debug between the first pass and the split."""
    n = {
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "ltx-2-19b-dev.safetensors"}),
        "2": ("LTXAVTextEncoderLoader", {"text_encoder": "gemma.safetensors", "ckpt_name": "ltx-2-19b-dev.safetensors"}),
        "3": ("CLIPTextEncode", {"text": "a fox in the snow", "clip": ["2", 0]}),
        "4": ("CLIPTextEncode", {"text": "", "clip": ["2", 0]}),
        "5": ("LTXVConditioning", {"frame_rate": 25, "positive": ["3", 0], "negative": ["4", 0]}),
        "6": ("EmptyImage", {"width": 960, "height": 544, "batch_size": 1, "color": 0}),
        "7": ("ResizeImageMaskNode", {"resize_type": "scale by multiplier", "resize_type.multiplier": 0.5,
                                      "scale_method": "area", "input": ["6", 0]}),
        "8": ("GetImageSize", {"image": ["7", 0]}),
        "9": ("EmptyLTXVLatentVideo", {"width": ["8", 0], "height": ["8", 1], "length": 121, "batch_size": 1}),
        "10": ("LTXVAudioVAELoader", {"ckpt_name": "ltx-2-19b-dev.safetensors"}),
        "11": ("LTXVEmptyLatentAudio", {"frames_number": 121, "frame_rate": 25, "batch_size": 1, "audio_vae": ["10", 0]}),
        "12": ("LTXVConcatAVLatent", {"video_latent": ["9", 0], "audio_latent": ["11", 0]}),
        "13": ("RandomNoise", {"noise_seed": 12}),
        "14": ("KSamplerSelect", {"sampler_name": "euler"}),
        "15": ("LTXVScheduler", {"steps": 8, "max_shift": 2.05, "base_shift": 0.95, "stretch": True, "terminal": 0.1,
                                 "latent": ["12", 0]}),
        "16": ("CFGGuider", {"cfg": 1, "model": ["1", 0], "positive": ["5", 0], "negative": ["5", 1]}),
        "17": ("SamplerCustomAdvanced", {"noise": ["13", 0], "guider": ["16", 0], "sampler": ["14", 0],
                                         "sigmas": ["15", 0], "latent_image": ["12", 0]}),
        "18": ("VRAM_Debug", {"empty_cache": True, "gc_collect": True, "unload_all_models": True,
                              "any_input": ["17", 0]}),
        "19": ("LTXVSeparateAVLatent", {"av_latent": ["18" if between else "17", 0]}),
        "20": ("LatentUpscaleModelLoader", {"model_name": "ltx-2-spatial-upscaler-x2-1.0.safetensors"}),
        "21": ("LTXVLatentUpsampler", {"samples": ["19", 0], "upscale_model": ["20", 0], "vae": ["1", 2]}),
        "22": ("LTXVConcatAVLatent", {"video_latent": ["21", 0], "audio_latent": ["19", 1]}),
        "23": ("RandomNoise", {"noise_seed": 42}),
        "24": ("ManualSigmas", {"sigmas": "0.909375, 0.725, 0.421875, 0.0"}),
        "25": ("SamplerCustomAdvanced", {"noise": ["23", 0], "guider": ["16", 0], "sampler": ["14", 0],
                                         "sigmas": ["24", 0], "latent_image": ["22", 0]}),
        "26": ("LTXVSeparateAVLatent", {"av_latent": ["25", 0]}),
        "27": ("VAEDecode", {"samples": ["26", 0], "vae": ["1", 2]}),
        "28": ("LTXVAudioVAEDecode", {"samples": ["26", 1], "audio_vae": ["10", 0]}),
        "29": ("CreateVideo", {"fps": 25, "images": ["27", 0], "audio": ["28", 0]}),
        "30": ("SaveVideo", {"filename_prefix": "ltx2", "format": "auto", "codec": "auto", "video": ["29", 0]}),
    }
    return {k: {"class_type": c, "inputs": i} for k, (c, i) in n.items()}


def _gen(conv):
    return next(x for x in conv.graph.nodes.values() if x.type_id == "video_models.ltx2")


def test_a_node_passing_anything_on_between_two_passes_keeps_the_first_pass_the_take():
    plain, cleaned = (convert(_ltx2_two_pass(b), "t.json") for b in (False, True))
    for conv in (plain, cleaned):
        g = _gen(conv)
        assert (g.params["steps"], g.params["seed"], g.params["frames"]) == (8, 12, 121)
        assert (g.params["width"], g.params["height"]) == (480, 272)  # EmptyImage 960x544 scaled x0.5
        up = next(x for x in conv.graph.nodes.values() if x.type_id == "video_models.ltx2_latent_upscale")
        assert up.params["refine"] is True and up.params["seed"] == 42
        assert "Resize Image/Mask" not in _said(conv) and "ResizeImageMaskNode, #7" not in _said(conv)
    said = _said(cleaned)
    assert "'VRAM_Debug' (VRAM_Debug, #18) passes what it is given on" in said
    assert "re-noises and resamples the first pass's sound" in said  # (read through the node passing on)
    assert "no node doing what they do" not in said and "come from ComfyUI's 'VRAM_Debug'" not in said


def test_a_save_writing_no_sound_gets_the_generator_sound_taken_off():
    doc = _ltx2_two_pass(False)
    del doc["29"]["inputs"]["audio"]  # CreateVideo given no sound: ComfyUI writes a silent video
    conv = convert(doc, "t.json")
    mute = next(x for x in conv.graph.nodes.values() if x.type_id == "edit.replace_audio")
    save = next(x for x in conv.graph.nodes.values() if x.type_id == "io.save_video")
    assert conv.graph.input_link(save.id, "video").src == mute.id and conv.graph.input_link(save.id, "audio") is None
    assert "'CreateVideo' (CreateVideo, #29) before 'SaveVideo' (#30) is given no 'audio'" in _said(conv)
    conv = convert(_ltx2_two_pass(False), "t.json")  # with its sound: written, no Replace Audio
    assert not any(x.type_id == "edit.replace_audio" for x in conv.graph.nodes.values())
    save = next(x for x in conv.graph.nodes.values() if x.type_id == "io.save_video")
    assert conv.graph.input_link(save.id, "audio") is not None


def _hunyuan_t2v(save: dict, noise: tuple = ("RandomNoise", {"noise_seed": 5})) -> dict:
    n = {
        "1": ("UNETLoader", {"unet_name": "hunyuan_video_t2v_720p_bf16.safetensors", "weight_dtype": "default"}),
        "2": ("DualCLIPLoader", {"clip_name1": "clip_l.safetensors", "clip_name2": "llava.safetensors",
                                 "type": "hunyuan_video"}),
        "3": ("VAELoader", {"vae_name": "hunyuan_video_vae_bf16.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "a red car", "clip": ["2", 0]}),
        "5": ("FluxGuidance", {"guidance": 6, "conditioning": ["4", 0]}),
        "6": ("BasicGuider", {"model": ["1", 0], "conditioning": ["5", 0]}),
        "7": noise,
        "8": ("KSamplerSelect", {"sampler_name": "euler"}),
        "9": ("BasicScheduler", {"scheduler": "simple", "steps": 20, "denoise": 1, "model": ["1", 0]}),
        "10": ("EmptyHunyuanLatentVideo", {"width": 848, "height": 480, "length": 73, "batch_size": 1}),
        "11": ("SamplerCustomAdvanced", {"noise": ["7", 0], "guider": ["6", 0], "sampler": ["8", 0],
                                         "sigmas": ["9", 0], "latent_image": ["10", 0]}),
        "12": ("VAEDecode", {"samples": ["11", 0], "vae": ["3", 0]}),
        "13": (save["class_type"], {**save["inputs"], "images": ["12", 0]}),
    }
    return {k: {"class_type": c, "inputs": i} for k, (c, i) in n.items()}


def test_an_animated_webp_or_gif_save_of_a_generator_is_written_in_its_format():
    """(anim25: was written as an MP4, said; now Save Animation writes the WEBP / GIF, nothing said of an MP4)"""
    webp = {"class_type": "SaveAnimatedWEBP", "inputs": {"filename_prefix": "x", "fps": 24, "lossless": False,
                                                         "quality": 80, "method": "default"}}
    conv = convert(_hunyuan_t2v(webp), "t.json")
    assert "MP4" not in _said(conv)
    assert [n.params["path"] for n in conv.graph.nodes.values() if n.type_id == "io.save_animation"] == ["out/x.webp"]
    gif = {"class_type": "VHS_VideoCombine", "inputs": {"frame_rate": 8, "format": "image/gif", "loop_count": 0,
                                                        "filename_prefix": "x", "pingpong": False, "save_output": True}}
    conv = convert(_hunyuan_t2v(gif), "t.json")
    assert "MP4" not in _said(conv)
    assert [n.params["path"] for n in conv.graph.nodes.values() if n.type_id == "io.save_animation"] == ["out/x.gif"]
    mp4 = {**gif, "inputs": {**gif["inputs"], "format": "video/h264-mp4"}}
    assert "is written as an MP4 video" not in _said(convert(_hunyuan_t2v(mp4), "t.json"))


def test_a_noise_of_no_setting_is_said_to_have_no_seed():
    webp = {"class_type": "SaveAnimatedWEBP", "inputs": {"filename_prefix": "x", "fps": 24}}
    said = _said(convert(_hunyuan_t2v(webp, ("DisableNoise", {})), "t.json"))
    assert "the first pass's noise is ComfyUI's 'DisableNoise' (DisableNoise, #7), which has no setting" in said
    assert "seed is made by ComfyUI's 'DisableNoise'" not in said


def test_an_older_load_video_force_size_decides_which_custom_sizes_are_said():
    from studio.convert.reading.load_settings import unapplied
    base = {"video": "a.mp4", "force_rate": 12, "custom_width": 512, "custom_height": 512, "frame_load_cap": 25,
            "skip_first_frames": 0, "select_every_nth": 1}  # (the frame cap: Studio's Trim since heldout13)
    for force, said, unsaid in (("Disabled", "force_rate 12", "custom_width"),
                                ("Custom Width", "custom_width 512", "custom_height"),
                                ("512x?", "force_size 512x?", "custom_width")):
        wf = Workflow.read({"1": {"class_type": "VHS_LoadVideo", "inputs": {**base, "force_size": force}}})
        line = unapplied(wf, wf.nodes["1"], "a.mp4", "video")
        assert said in line and unsaid not in line
    wf = Workflow.read({"1": {"class_type": "VHS_LoadVideo", "inputs": base}})  # today's: no force_size saved
    assert "custom_width 512, custom_height 512" in unapplied(wf, wf.nodes["1"], "a.mp4", "video")


def test_a_server_switch_read_away_is_not_said_to_be_made_by_the_frontend():
    doc = _hunyuan_t2v({"class_type": "SaveAnimatedWEBP", "inputs": {"filename_prefix": "x", "fps": 24}})
    doc["20"] = {"class_type": "PrimitiveStringMultiline", "inputs": {"value": "a blue car"}}
    doc["21"] = {"class_type": "Switch any [Crystools]", "inputs": {"on_true": ["20", 0], "on_false": ["20", 0],
                                                                     "boolean": True}}
    doc["4"]["inputs"]["text"] = ["21", 0]
    conv = convert(doc, "t.json")
    line = next(x for x in conv.log if "Switch any [Crystools]" in x)
    assert "the input each passes on, as ComfyUI runs it" in line and "frontend" not in line
    doc["22"] = {"class_type": "Text Multiline", "inputs": {"text": "a green car"}}
    doc["21"]["inputs"]["on_false"] = ["22", 0]  # the input the switch (on True) does not pass on
    line = next(x for x in convert(doc, "t.json").log if "#22" in x)
    assert "it feeds only 'Switch any [Crystools]' (Switch any [Crystools], #21)'s 'on_false', a switch's input" in line
    assert "nothing reads what it gives" not in line


def test_a_family_node_telling_another_rate_is_said():
    doc = _ltx2_two_pass(False)
    doc["29"]["inputs"]["fps"] = 24  # the video at 24, LTXVConditioning tells the model 25
    said = _said(convert(doc, "t.json"))
    assert "'LTXVConditioning' (LTXVConditioning, #5)'s frame_rate 25 (the rate the model is told" in said
    assert "frame_rate 25 (the rate" not in _said(convert(_ltx2_two_pass(False), "t.json"))


def test_a_sampler_or_scheduler_a_pass_does_not_name_is_said_by_the_node_giving_it():
    doc = _hunyuan_t2v({"class_type": "SaveAnimatedWEBP", "inputs": {"filename_prefix": "x", "fps": 24}})
    doc["8"] = {"class_type": "HYFlowEditSampler", "inputs": {"skip_steps": 0, "refine_steps": 15, "seed": 1026}}
    said = _said(convert(doc, "t.json"))
    assert "no sampler named (the sampler is made by 'HYFlowEditSampler' (HYFlowEditSampler, #8))" in said
    assert "sampler 'None'" not in said
    said = _said(convert(_ltx2_two_pass(False), "t.json"))
    assert "no scheduler named (the sigmas are made by 'LTXVScheduler' (LTXVScheduler, #15))" in said
    assert "scheduler 'None'" not in said


def test_what_an_unknown_node_gives_a_reader_not_made_goes_nowhere_instead():
    from studio.convert.mapping.passing import passed_over
    wf = Workflow.read({"1": {"class_type": "LoadImage", "inputs": {"image": "a.png"}},
                        "2": {"class_type": "SomePackImageToMask", "inputs": {"image": ["1", 0]}},
                        "3": {"class_type": "VAEEncodeForInpaint", "inputs": {"pixels": ["1", 0], "mask": ["2", 0]}}})
    wf.nodes["2"].in_types.update({"image": "IMAGE"})
    wf.nodes["2"].out_types[:] = ["MASK"]
    read = {"1", "3"}
    made = passed_over(wf, read)["2"]
    unmade = passed_over(wf, read, over={"3"})["2"]
    assert "go there instead" in made and "go there instead" not in unmade and "not applied" in unmade


def test_a_prompt_nothing_converted_reads_is_not_said_to_have_no_studio_node():
    from studio.convert.mapping.convert import _Builder
    wf = Workflow.read({"1": {"class_type": "CLIPTextEncode", "inputs": {"text": "a fox"}},
                        "2": {"class_type": "SomePackThing", "inputs": {"value": 1}}})
    b = _Builder(wf, "t.json")
    assert b._dropped_note([wf.nodes["1"]]).startswith("ComfyUI nodes not converted (1): prompts, which Studio has")
    assert "(and the prompts, which Studio has nodes for" in b._dropped_note([wf.nodes["1"], wf.nodes["2"]])


def test_an_animatediff_checkpoint_no_loader_gives_is_not_named_none():
    doc = {"1": ("SomePackLoader", {"ckpt_name": "x.safetensors"}),
           "2": ("ADE_AnimateDiffLoaderWithContext", {"model_name": "mm_sd_v15_v2.safetensors",
                                                      "beta_schedule": "autoselect", "model": ["1", 0]}),
           "3": ("CLIPTextEncode", {"text": "a fox", "clip": ["1", 1]}),
           "4": ("EmptyLatentImage", {"width": 512, "height": 512, "batch_size": 16}),
           "5": ("KSampler", {"seed": 1, "steps": 20, "cfg": 7, "sampler_name": "euler", "scheduler": "normal",
                              "denoise": 1, "model": ["2", 0], "positive": ["3", 0], "negative": ["3", 0],
                              "latent_image": ["4", 0]}),
           "6": ("VAEDecode", {"samples": ["5", 0], "vae": ["1", 2]}),
           "7": ("SaveAnimatedWEBP", {"filename_prefix": "a", "fps": 8, "images": ["6", 0]})}
    said = _said(convert({k: {"class_type": c, "inputs": i} for k, (c, i) in doc.items()}, "t.json"))
    assert "on an SD 1.5 checkpoint no loader Studio reads gives (set its 'image_model')" in said
    assert "checkpoint 'None'" not in said


def test_the_nodes_a_latent_maker_not_read_passes_through_are_named():
    doc = _hunyuan_t2v({"class_type": "SaveAnimatedWEBP", "inputs": {"filename_prefix": "x", "fps": 24}})
    doc["10"] = {"class_type": "SomePackEmptyLatent", "inputs": {"frames": 73}}
    doc["30"] = {"class_type": "LatentUpscaleBy", "inputs": {"upscale_method": "nearest-exact", "scale_by": 1.5,
                                                             "samples": ["10", 0]}}
    doc["11"]["inputs"]["latent_image"] = ["30", 0]
    said = _said(convert(doc, "t.json"))
    assert ("the take's size and length come from ComfyUI's 'SomePackEmptyLatent' (SomePackEmptyLatent, #10) through "
            "'LatentUpscaleBy' (LatentUpscaleBy, #30), which Studio does not read") in said


def test_a_template_typed_resize_in_an_api_file_is_a_step_on_pictures():
    from studio.convert.mapping.passing import passed_over
    from studio.convert.mapping.templates import type_templates
    wf = Workflow.read({"1": {"class_type": "LoadImage", "inputs": {"image": "a.png"}},
                        "2": {"class_type": "ResizeImageMaskNode", "inputs": {
                            "resize_type": "scale to multiple", "resize_type.multiple": 8, "scale_method": "area",
                            "input": ["1", 0]}},
                        "3": {"class_type": "ResizeImageMaskNode", "inputs": {
                            "resize_type": "scale to multiple", "resize_type.multiple": 16, "scale_method": "area",
                            "input": ["2", 0]}},
                        "4": {"class_type": "ImageInvert", "inputs": {"image": ["3", 0]}}})
    type_templates(wf)
    assert wf.nodes["2"].in_types["input"] == "IMAGE" and wf.nodes["3"].out_types == ["IMAGE"]  # (through a chain)
    said = passed_over(wf, {"1", "4"})
    assert "a step between its 'input'" in said["3"] and "settings Studio's nodes do not take" not in said["3"]
