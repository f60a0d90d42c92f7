"""Mechanisms a twenty-seventh held-out set (benchmarks/results/heldout27_2026-11-29.md: the API files apps, bots,
workers and web front-ends keep and fill in) showed, each on a small hand-written workflow."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import notes as _notes, said as _said


def _experts(boundary) -> dict:
    """Wan 2.2 image to video on two experts, the first sampler ending at ``boundary`` (an app's placeholder or a
    number)."""
    def sampler(model, start, end, latent, noise):
        return {"class_type": "KSamplerAdvanced", "inputs": {
            "add_noise": noise, "noise_seed": 3, "steps": 20, "cfg": 3.5, "sampler_name": "euler", "scheduler": "simple",
            "start_at_step": start, "end_at_step": end, "return_with_leftover_noise": "enable", "model": [model, 0],
            "positive": ["7", 0], "negative": ["7", 1], "latent_image": latent}}
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.2_i2v_high_noise_14B_fp8_scaled.safetensors",
                                                    "weight_dtype": "default"}},
        "2": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.2_i2v_low_noise_14B_fp8_scaled.safetensors",
                                                    "weight_dtype": "default"}},
        "3": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
                                                    "type": "wan"}},
        "4": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "a kite over dunes", "clip": ["3", 0]}},
        "6": {"class_type": "LoadImage", "inputs": {"image": "dunes.png"}},
        "7": {"class_type": "WanImageToVideo", "inputs": {"positive": ["5", 0], "negative": ["5", 0], "vae": ["4", 0],
                                                         "start_image": ["6", 0], "width": 832, "height": 480,
                                                         "length": 33, "batch_size": 1}},
        "8": sampler("1", 0, boundary, ["7", 2], "enable"),
        "9": sampler("2", boundary, 10000, ["8", 0], "disable"),
        "10": {"class_type": "VAEDecode", "inputs": {"samples": ["9", 0], "vae": ["4", 0]}},
        "11": {"class_type": "CreateVideo", "inputs": {"images": ["10", 0], "fps": 16}},
        "12": {"class_type": "SaveVideo", "inputs": {"video": ["11", 0], "filename_prefix": "kite", "format": "auto",
                                                    "codec": "auto"}},
    }


def test_a_first_pass_ending_at_a_placeholder_is_not_said_to_run_to_the_end():
    """runlocalstudios' template (15): "first sampler runs steps 0 to the end of '{{STEPS}}'" of a sampler whose
    end_at_step is '{{BOUNDARY_STEP}}' (it stops there and hands over to the low-noise expert: false)."""
    said = _said(convert(_experts("{{BOUNDARY_STEP}}"), "template.json"))
    assert "first sampler runs steps 0 to '{{BOUNDARY_STEP}}' of 20" in said
    assert "first sampler runs steps 0 to the end" not in said
    assert "first sampler runs steps 0-10 of 20" in _said(convert(_experts(10), "numbers.json"))


def test_a_save_read_by_its_shape_is_not_said_written_where_its_task_is_held():
    """NeonCozyGen's loop (04): "'Save Video With Path (CRT)' (SaveVideoWithPath, #521) saves a video, told by its types
    (...): read as a video output, which Studio's Save Video writes at its rate 16" where the task is held and the graph
    holds no Save Video (false). Here the take is sampled by a pack's sampler Studio has no counterpart for (a
    WanVideoSamplerv2 given no scheduler: the task held): the save is said not made, in the Log and on the canvas;
    made, it keeps its sentence (test_comfy_saves_by_shape)."""
    from tests.convert.test_comfy_saves_by_shape import _alpha_save, _t2v
    doc = _t2v(_alpha_save())
    node = next(n for n in doc["nodes"] if n["id"] == 6)
    node["type"] = "WanVideoSamplerv2"
    conv = convert(doc, "held.json")
    assert not any(n.type_id == "io.save_video" for n in conv.graph.nodes.values())
    said = _said(conv)
    assert "Save Video writes" not in said
    line = next(x for x in conv.log if "(InventedAlphaWebmSave, #20)" in x)
    assert "read as a video output, not made: Studio makes nothing it saves, so none of it is written" in line
    assert "read as a video output, not made: Studio makes nothing it saves" in _notes(conv)


def _wrapper_v2(enhance: bool) -> dict:
    """Wan 2.2 image to video through WanVideoWrapper's v2 pair: each expert's WanVideoSamplerv2 given a
    WanVideoSchedulerv2 (euler, 20 steps, shift 8, split at 10)."""
    def sched(start, end):
        return {"class_type": "WanVideoSchedulerv2", "inputs": {"scheduler": "euler", "steps": 20, "shift": 8.0,
                                                                "start_step": start, "end_step": end,
                                                                "enhance_hf": enhance}}

    def sampler(model, scheduler, extra):
        return {"class_type": "WanVideoSamplerv2", "inputs": {"model": [model, 0], "image_embeds": ["9", 0],
                                                              "text_embeds": ["2", 0], "scheduler": [scheduler, 0],
                                                              "cfg": 3.5, "seed": 12345, "force_offload": True, **extra}}
    return {
        "1": {"class_type": "LoadWanVideoT5TextEncoder", "inputs": {"model_name": "umt5-xxl-enc-bf16.safetensors",
                                                                   "precision": "bf16"}},
        "2": {"class_type": "WanVideoTextEncode", "inputs": {"positive_prompt": "a lighthouse at dusk",
                                                            "negative_prompt": "blurry", "t5": ["1", 0]}},
        "3": {"class_type": "WanVideoVAELoader", "inputs": {"model_name": "wan_2.1_vae.safetensors"}},
        "5": {"class_type": "WanVideoModelLoader", "inputs": {"model": "wan2.2_i2v_high_noise_14B_fp8_scaled.safetensors",
                                                             "base_precision": "fp16_fast"}},
        "6": {"class_type": "WanVideoModelLoader", "inputs": {"model": "wan2.2_i2v_low_noise_14B_fp8_scaled.safetensors",
                                                             "base_precision": "fp16_fast"}},
        "7": {"class_type": "LoadImage", "inputs": {"image": "lighthouse.png"}},
        "9": {"class_type": "WanVideoImageToVideoEncode", "inputs": {"width": 768, "height": 768, "num_frames": 81,
                                                                    "vae": ["3", 0], "start_image": ["7", 0]}},
        "10": sched(0, 10),
        "11": sampler("5", "10", {}),
        "12": sched(10, -1),
        "13": sampler("6", "12", {"samples": ["11", 0], "add_noise_to_samples": False}),
        "14": {"class_type": "WanVideoDecode", "inputs": {"vae": ["3", 0], "samples": ["13", 0]}},
        "15": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["14", 0], "frame_rate": 24,
                                                           "filename_prefix": "lighthouse", "format": "video/h264-mp4",
                                                           "save_output": True}},
    }


def test_the_wrappers_v2_sampler_and_scheduler_are_read_as_its_first_sampler():
    """FelipePepe's app (14): WanVideoSamplerv2 given a WanVideoSchedulerv2 was held, "a sampler it has no counterpart
    for". Read as the WanVideoSampler they stand for: the image to video on both experts, the scheduler's steps, shift
    (named as its own) and split; its enhance_hf said not applied; neither node listed as not converted."""
    conv = convert(_wrapper_v2(True), "v2.json")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.image_to_video")
    assert (gen.params["steps"], gen.params["shift"], gen.params["guidance"], gen.params["seed"]) == (20, 8.0, 3.5, 12345)
    assert (gen.params["width"], gen.params["frames"], gen.params["fps"], gen.params["sampler"]) == (768, 81, 24.0, "euler")
    load = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.load")
    assert load.params["model_2"] == "wan2.2_i2v_low_noise_14B_fp8_scaled.safetensors"
    said = _said(conv)
    assert "no counterpart" not in said and "WanVideoSampler as" not in said
    assert "shift 8 (WanVideoSchedulerv2's own, #10; WanVideoSchedulerv2's own, #12)" in said
    assert "steps 10 to the end" in said
    assert "'WanVideoSchedulerv2' (WanVideoSchedulerv2, #10)'s enhance_hf" in said
    assert not {"10", "11", "12", "13"} & set(conv.dropped)
    assert "enhance_hf" not in _said(convert(_wrapper_v2(False), "plain.json"))


def test_settings_of_a_node_read_as_another_are_not_called_as_saved():
    """FelipePepe's app (14, before the v2 pair was read): "Their settings as the workflow saved them: ...
    'WanVideoVAELoader' (WanVideoVAELoader, read as VAELoader, #3): {"vae_name": ...}" - saved as 'model_name' (loose
    at best). Where a listed node was read as another type, the header says its settings are as read."""
    doc = _wrapper_v2(False)
    for k in ("11", "13"):
        doc[k]["inputs"].pop("scheduler")  # (no scheduler: the task held, the wrapper's loaders listed)
    notes = _notes(convert(doc, "held.json"))
    assert ("Their settings as the workflow saved them (of a node read as another type, as read as that type):\n"
            "- 'WanVideoVAELoader' (WanVideoVAELoader, read as VAELoader, #3): {\"vae_name\"") in notes
    plain = _notes(convert(_experts("{{BOUNDARY_STEP}}") | {"20": {"class_type": "InventedNode", "inputs": {
        "image": ["6", 0], "x": 1}}}, "plain.json"))
    assert "Their settings as the workflow saved them:\n- 'InventedNode' (InventedNode, #20)" in plain


def test_a_held_wrapper_prompt_wired_to_an_unread_node_is_not_called_empty():
    """NeonCozyGen's loop (04): the held note named "an empty positive prompt ('WanVideo TextEncode' (#16))" where its
    positive_prompt is wired to a text box Studio cannot read (the front-end writes it): said written by another node
    when the workflow runs, as for ComfyUI's own CLIPTextEncode."""
    doc = _wrapper_v2(False)
    for k in ("11", "13"):
        doc[k]["inputs"].pop("scheduler")  # (the task held)
    doc["30"] = {"class_type": "InventedPromptBox", "inputs": {"param_name": "Prompt", "default_value": ""}}
    doc["2"]["inputs"]["positive_prompt"] = ["30", 0]
    said = _said(convert(doc, "held.json"))
    assert ("the positive prompt of 'WanVideoTextEncode' (WanVideoTextEncode, #2), written by another node when the "
            "workflow runs") in said
    assert "an empty positive prompt" not in said


def _front_end(image: str) -> dict:
    """A phone front-end's Wan 2.2 image to video (NeonCozyGen's 'img2vid', cut down): its picture, prompt, frame count
    and a LoRA's strength and file come from CozyGen's input nodes."""
    doc = _experts(4)
    for k in ("8", "9"):
        doc[k]["inputs"].update(steps=8, cfg=1)
    doc["9"]["inputs"]["start_at_step"] = 4
    doc["20"] = {"class_type": "CozyGenImageInput", "inputs": {"param_name": "Image Input", "image_filename": image}}
    doc["21"] = {"class_type": "CozyGenStringInput", "inputs": {"param_name": "Prompt", "priority": 10,
                                                                "default_value": "a paper boat on a pond",
                                                                "display_multiline": False}}
    doc["22"] = {"class_type": "CozyGenIntInput", "inputs": {"param_name": "Frame Count", "priority": 12,
                                                             "default_value": 63, "min_value": 0, "max_value": 350,
                                                             "step": 1, "add_randomize_toggle": False}}
    doc["23"] = {"class_type": "CozyGenFloatInput", "inputs": {"param_name": "Lora Strength", "priority": 2,
                                                               "default_value": 0.6, "min_value": 0, "max_value": 1,
                                                               "step": 0.1, "add_randomize_toggle": False}}
    doc["24"] = {"class_type": "CozyGenChoiceInput", "inputs": {"param_name": "Lora", "priority": 1,
                                                                "choice_type": "loras", "default_choice": "None",
                                                                "display_bypass": False}}
    doc["25"] = {"class_type": "LoraLoaderModelOnly", "inputs": {"model": ["1", 0], "lora_name": ["24", 0],
                                                                 "strength_model": ["23", 0]}}
    doc["8"]["inputs"]["model"] = ["25", 0]
    doc["5"]["inputs"]["text"] = ["21", 0]
    doc["7"]["inputs"].update(start_image=["20", 0], length=["22", 0])
    return doc


def test_a_front_ends_input_nodes_give_what_they_give_run_as_saved():
    """NeonCozyGen's workflows (02, 03): each held, the start picture "from 'CozyGen Image Input' ... a node it does not
    convert". Its input nodes give their own settings when the workflow runs as saved: the image to video is made from
    a Load Image of image_filename (empty: said), the prompt and frame count theirs; the LoRA whose file the choice
    'None' leaves to the machine is said not applied."""
    conv = convert(_front_end(""), "front.json")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.image_to_video")
    # (63 asked: 61 made, as ComfyUI's Wan latent holds it, said: heldout73's latent_frames)
    assert gen.params["prompt"] == "a paper boat on a pond" and gen.params["frames"] == 61 and gen.params["steps"] == 8
    load = next(n for n in conv.graph.nodes.values() if n.type_id == "io.load_image")
    assert load.params["path"] == ""
    said = _said(conv)
    assert "'Frame Count' (CozyGenIntInput, #22) 63" in said and "'Prompt' (CozyGenStringInput, #21)" in said
    assert ("'Image Input' (CozyGenImageInput, #20) names no file (image_filename empty): the front-end uploads the "
            "picture when it queues the workflow") in said
    assert ("'LoraLoaderModelOnly' (LoraLoaderModelOnly, #25)'s lora_name is given by 'CozyGenChoiceInput' "
            "(CozyGenChoiceInput, #24) when the workflow runs") in said
    assert "no counterpart" not in said and "Studio cannot read the start image" not in said
    named = convert(_front_end("boat.png"), "named.json")
    assert next(n for n in named.graph.nodes.values() if n.type_id == "io.load_image").params["path"] == "boat.png"
    assert "names no file" not in _said(named)


def test_a_switch_choosing_a_value_by_what_studio_cannot_work_out_is_not_said_to_pass_it_on():
    """NeonCozyGen (02, 03): "'Width Switch' (Switch any [Crystools], #24) passes what it is given on to 'WanImageToVideo'
    (#10)'s 'width' as it is" - it gives 832 or 480, chosen by a Boolean worked out from the picture's size when the
    workflow runs, and the width is not read there. Said as a value Studio cannot work out."""
    doc = _experts(10)
    doc.update({"30": {"class_type": "GetImageSizeAndCount", "inputs": {"image": ["6", 0]}},
                "31": {"class_type": "LayerUtility: BooleanOperator", "inputs": {"operator": ">", "a": ["30", 1],
                                                                                  "b": ["30", 2]}},
                "32": {"class_type": "INTConstant", "inputs": {"value": 832}},
                "33": {"class_type": "INTConstant", "inputs": {"value": 480}},
                "34": {"class_type": "Switch any [Crystools]", "inputs": {"on_true": ["32", 0], "on_false": ["33", 0],
                                                                          "boolean": ["31", 0]}}})
    doc["7"]["inputs"]["width"] = ["34", 0]
    said = _said(convert(doc, "switch.json"))
    assert "passes what it is given on" not in said
    assert ("'Switch any [Crystools]' (Switch any [Crystools], #34) gives 'WanImageToVideo' (#7)'s 'width' a value Studio "
            "cannot work out when converting") in said


def test_a_front_ends_ui_file_is_read_by_place_only_where_its_values_fit_the_places():
    """The same input in a UI file: its default_value read by its place (the third of seven); a node saving another
    number of values (another version of the pack) is left as it is, never read from the wrong place."""
    from tests.convert.ui_files import ui

    def doc(values):
        return ui([(1, "CozyGenIntInput", [], [("INT", "INT")], values),
                   (2, "EmptyHunyuanLatentVideo", [("length", "INT")], [("LATENT", "LATENT")], [832, 480, 33, 1])],
                  [(1, 0, 2, "length")], widget_inputs=True)
    said = _said(convert(doc(["Frame Count", 12, 41, 0, 350, 1, False]), "ui.json"))
    assert "'Frame Count' (CozyGenIntInput, #1) 41" in said
    odd = _said(convert(doc(["Frame Count", 12, 41, 0]), "odd.json"))
    assert "CozyGenIntInput, #1) 41" not in odd and "CozyGen nodes read as" not in odd
