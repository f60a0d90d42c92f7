"""Mechanisms a twentieth held-out set (benchmarks/results/heldout20_2026-11-29.md: LTX-2.3 and Wan 2.2 workflows as an
outside tester would try them - workers' requests, packs' examples, app files) showed, each on a small hand-written
workflow, with invented pack node names where the rule is by declared types."""
from __future__ import annotations

import json

from studio.convert.mapping.convert import convert
from studio.convert.mapping.file import convert_file, is_comfy_file
from tests.convert.said import said as _said
from tests.convert.test_comfy_unread_maker import _doc


def test_a_runpod_request_with_a_policy_beside_its_input_is_opened_as_its_workflow(tmp_path):
    """{input: {workflow}, policy: {...}} (littleboy1869's request, 06): was refused as "not a ComfyUI workflow"."""
    path = tmp_path / "request.json"
    path.write_text(json.dumps({"input": {"workflow": _doc()}, "policy": {"executionTimeout": 600000, "ttl": 900000}}))
    assert is_comfy_file(str(path))
    conv = convert_file(str(path))
    assert conv.tasks and conv.tasks[0]["generator"] == "video_models.text_to_video"
    two = tmp_path / "two.json"  # two requests' workflows in one object: still not guessed at
    two.write_text(json.dumps({"a": {"workflow": _doc()}, "b": {"workflow": _doc()}}))
    assert not is_comfy_file(str(two))


def test_a_ui_file_whose_links_name_no_target_is_read_by_its_inputs():
    """A hand-written UI file's links [id, origin, slot, type, type] (GlennTeo212's, 15): its nodes were said to reach
    no output ("ComfyUI does not run it"), though the inputs name the links and ComfyUI's frontend queues them."""
    nodes = [{"id": 1, "type": "LoadImage", "inputs": [], "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [2]}],
              "widgets_values": ["photo.jpg", "image"]},
             {"id": 2, "type": "ImageInvert", "inputs": [{"name": "image", "type": "IMAGE", "link": 2}],
              "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [3]}], "widgets_values": []},
             {"id": 3, "type": "SaveImage", "inputs": [{"name": "images", "type": "IMAGE", "link": 3}],
              "outputs": [], "widgets_values": ["out"]}]
    doc = {"nodes": nodes, "links": [[2, 1, 0, "IMAGE", "IMAGE"], [3, 2, 0, "IMAGE", "IMAGE"]]}
    conv = convert(doc, "hand.json")
    said = _said(conv)
    assert "reaches no output" not in said and "does not run it" not in said
    links = {(conv.graph.nodes[l.src].type_id, conv.graph.nodes[l.dst].type_id) for l in conv.graph.links}
    assert len(links) == 2 and all(a != b for a, b in links)


def _wan_i2v(size_node: dict) -> dict:
    """Wan 2.1 image to video whose width and height a node works out of the loaded picture (s1ntecs' 'ideal
    resolution' node, kairusann's ImageResize+: heldout20 12, 13)."""
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_i2v_480p_14B_fp16.safetensors",
                                                    "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp16.safetensors", "type": "wan"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "a cat swims", "clip": ["2", 0]}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "6": {"class_type": "LoadImage", "inputs": {"image": "cat.png"}},
        "7": size_node,
        "8": {"class_type": "WanImageToVideo", "inputs": {"width": ["7", 0], "height": ["7", 1], "length": 33,
                                                          "batch_size": 1, "positive": ["4", 0], "negative": ["5", 0],
                                                          "vae": ["3", 0], "start_image": ["6", 0]}},
        "9": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 20, "cfg": 5, "sampler_name": "uni_pc",
                                                   "scheduler": "simple", "denoise": 1, "model": ["1", 0],
                                                   "positive": ["8", 0], "negative": ["8", 1],
                                                   "latent_image": ["8", 2]}},
        "10": {"class_type": "VAEDecode", "inputs": {"samples": ["9", 0], "vae": ["3", 0]}},
        "11": {"class_type": "SaveWEBM", "inputs": {"images": ["10", 0], "filename_prefix": "w", "codec": "vp9",
                                                    "fps": 16, "crf": 20}},
    }


def test_a_size_a_node_works_out_of_the_picture_is_not_said_to_be_the_pictures_size():
    """'(the size of what LoadImage gives)' was said of a node giving a size it works out by its own settings (false,
    12, 13); a node measuring the picture (GetImageSize) is still said to give its size."""
    worked = convert(_wan_i2v({"class_type": "IdealSizeForPicture", "inputs": {"target_size": 644, "multiple_of": 28,
                                                                              "image": ["6", 0]}}), "ideal.json")
    said = _said(worked)
    assert "worked out from what 'LoadImage' (LoadImage, #6) gives" in said
    assert "the size of what 'LoadImage'" not in said
    measured = convert(_wan_i2v({"class_type": "GetImageSize", "inputs": {"image": ["6", 0]}}), "measured.json")
    assert "worked out from what" not in _said(measured)


def test_a_model_loader_with_an_empty_file_name_is_said_so_not_missing():
    """A worker's template leaves UNETLoader's name empty (s1ntecs', 12): it was "no model loader found" (false)."""
    wf = _wan_i2v({"class_type": "GetImageSize", "inputs": {"image": ["6", 0]}})
    wf["1"]["inputs"]["unet_name"] = ""
    said = _said(convert(wf, "empty.json"))
    assert "no model loader found" not in said
    assert "'UNETLoader' (UNETLoader, #1) names no model file: set Load Video Model's 'model'" in said


def test_a_triple_sampler_strategy_given_by_a_node_is_read_never_the_none():
    """TripleKSampler's 'switch_strategy' wired from the pack's Switch Strategy (Simple) (VraethrDalkr's hybrid, 10):
    was "(the switch: the None worked out when the workflow runs)" (false) and the node listed as not converted."""
    wf = {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.2_i2v_high_noise_14B_fp8_scaled.safetensors",
                                                    "weight_dtype": "default"}},
        "2": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.2_i2v_low_noise_14B_fp8_scaled.safetensors",
                                                    "weight_dtype": "default"}},
        "3": {"class_type": "LoraLoaderModelOnly", "inputs": {"lora_name": "high_lightx2v.safetensors",
                                                             "strength_model": 1.0, "model": ["1", 0]}},
        "4": {"class_type": "LoraLoaderModelOnly", "inputs": {"lora_name": "low_lightx2v.safetensors",
                                                             "strength_model": 1.0, "model": ["2", 0]}},
        "5": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
                                                    "type": "wan"}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a drawing comes alive", "clip": ["5", 0]}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["5", 0]}},
        "8": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "9": {"class_type": "LoadImage", "inputs": {"image": "example.png"}},
        "10": {"class_type": "WanImageToVideo", "inputs": {"width": 480, "height": 832, "length": 81, "batch_size": 1,
                                                           "positive": ["6", 0], "negative": ["7", 0],
                                                           "vae": ["8", 0], "start_image": ["9", 0]}},
        "11": {"class_type": "SwitchStrategySimple", "inputs": {"switch_strategy": "I2V boundary"}},
        "12": {"class_type": "TripleKSamplerWan22Lightning",
               "inputs": {"base_high": ["1", 0], "lightning_high": ["3", 0], "lightning_low": ["4", 0],
                          "positive": ["10", 0], "negative": ["10", 1], "latent_image": ["10", 2], "seed": 42,
                          "sigma_shift": 8.0, "base_cfg": 3.5, "lightning_start": 1, "lightning_steps": 8,
                          "sampler_name": "euler", "scheduler": "simple", "switch_strategy": ["11", 0]}},
        "13": {"class_type": "VAEDecode", "inputs": {"samples": ["12", 0], "vae": ["8", 0]}},
        "14": {"class_type": "SaveWEBM", "inputs": {"images": ["13", 0], "filename_prefix": "w", "codec": "vp9",
                                                    "fps": 16, "crf": 20}},
    }
    conv = convert(wf, "hybrid.json")
    said = _said(conv)
    assert "the None" not in said and "I2V boundary (0.9)" in said
    assert "11" not in conv.dropped


def test_a_negative_prompt_written_when_the_workflow_runs_is_pointed_at_the_negative_input():
    """A negative encoder's text wired from a node Studio does not run (an enhancer, 03): was "write the prompt in the
    generator's prompt" (the wrong input)."""
    wf = _wan_i2v({"class_type": "GetImageSize", "inputs": {"image": ["6", 0]}})
    wf["12"] = {"class_type": "SomePromptWriter", "inputs": {"seed_text": ["15", 0], "clip": ["2", 0]}}
    wf["15"] = {"class_type": "SomeTextFromFile", "inputs": {"path": "negatives.txt"}}  # (its words not known)
    wf["5"]["inputs"]["text"] = ["12", 0]
    said = _said(convert(wf, "neg.json"))
    assert "the negative prompt is written by ComfyUI's 'SomePromptWriter'" in said
    assert "write the negative prompt in the generator's 'negative_prompt'" in said
    wf["12"]["inputs"]["seed_text"] = "owls"  # its words known: they are the negative (tests/convert/test_comfy_prompt_writers)
    conv = convert(wf, "neg.json")
    said = _said(conv)
    assert "the negative prompt is written by a node Studio does not run: 'SomePromptWriter'" in said
    assert "the generator's negative prompt ('negative_prompt') takes those words" in said
    gen = next(n for n in conv.graph.nodes.values() if "negative_prompt" in n.params)
    assert gen.params["negative_prompt"] == "owls" and gen.params["prompt"] != "owls"


def test_kaytools_set_and_get_are_read_as_the_links_they_stand_for():
    """KayTool's 𝙆 Set/Get (frontend-only, as KJNodes' are) carry the picture, prompts and latent of a Wan image to
    video (crmbz0r's patcher, 11): was made as a text to video with the generator's default prompt (silent)."""
    def node(i, t, ins=(), outs=(), w=()):
        return {"id": i, "type": t, "inputs": [{"name": n, "type": ty, "link": l} for n, ty, l in ins],
                "outputs": [{"name": ty, "type": ty, "links": ls} for ty, ls in outs], "widgets_values": list(w)}
    nodes = [node(1, "UNETLoader", outs=[("MODEL", [1])], w=["wan2.1_i2v_480p_14B_fp16.safetensors", "default"]),
             node(2, "CLIPLoader", outs=[("CLIP", [2, 3])], w=["umt5_xxl_fp16.safetensors", "wan", "default"]),
             node(3, "VAELoader", outs=[("VAE", [4, 5])], w=["wan_2.1_vae.safetensors"]),
             node(4, "CLIPTextEncode", [("clip", "CLIP", 2)], [("CONDITIONING", [6])], ["a fox in snow"]),
             node(5, "CLIPTextEncode", [("clip", "CLIP", 3)], [("CONDITIONING", [7])], ["blurry"]),
             node(6, "LoadImage", outs=[("IMAGE", [8]), ("MASK", [])], w=["001.png", "image"]),
             node(7, "KaySetNode", [("IMAGE", "IMAGE", 8)], [("IMAGE", [])], ["image"]),
             node(8, "KayGetNode", outs=[("IMAGE", [9])], w=["image"]),
             node(9, "WanImageToVideo", [("positive", "CONDITIONING", 6), ("negative", "CONDITIONING", 7),
                                         ("vae", "VAE", 4), ("start_image", "IMAGE", 9)],
                  [("CONDITIONING", [10]), ("CONDITIONING", [11]), ("LATENT", [12])], [480, 640, 33, 1]),
             node(10, "KSampler", [("model", "MODEL", 1), ("positive", "CONDITIONING", 10),
                                   ("negative", "CONDITIONING", 11), ("latent_image", "LATENT", 12)],
                  [("LATENT", [13])], [1, "fixed", 20, 5, "uni_pc", "simple", 1]),
             node(11, "VAEDecode", [("samples", "LATENT", 13), ("vae", "VAE", 5)], [("IMAGE", [14])]),
             node(12, "SaveAnimatedWEBP", [("images", "IMAGE", 14)], [], ["w", 16, False, 80, "default"])]
    targets = {8: (7, 0), 9: (9, 3), 6: (9, 0), 7: (9, 1), 4: (9, 2), 1: (10, 0), 10: (10, 1), 11: (10, 2),
               12: (10, 3), 13: (11, 0), 5: (11, 1), 14: (12, 0), 2: (4, 0), 3: (5, 0)}
    origins = {1: 1, 2: 2, 3: 2, 4: 3, 5: 3, 6: 4, 7: 5, 8: 6, 9: 8, 10: 9, 11: 9, 12: 9, 13: 10, 14: 11}
    slots = {11: 1, 12: 2}
    links = [[lid, origins[lid], slots.get(lid, 0), t, s, "*"] for lid, (t, s) in targets.items()]
    conv = convert({"nodes": nodes, "links": links}, "kay.json")
    assert conv.tasks and conv.tasks[0]["task"] == "image to video" and "image" in conv.tasks[0]["inputs"]
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.image_to_video")
    assert gen.params["prompt"] == "a fox in snow"


def test_a_start_image_no_sampler_makes_is_not_said_to_be_generated_first():
    """A task held because its start image comes from nodes Studio does not convert, none of which samples (IAMCCS's
    planner bus giving a clip's frames, 07): was "cannot make the start image the workflow generates first" (false);
    where a sampler makes it (a still decoded first), it still is."""
    from types import SimpleNamespace

    from studio.convert.mapping.outputs import OutputStage
    from studio.convert.reading.workflow import Workflow
    from tests.convert.test_comfy_ltx2_condition_only import _doc as _ltx
    wf = _ltx(bypass=False)
    wf["6"] = {"class_type": "LTXVPreprocess", "inputs": {"image": ["18", 2], "img_compression": 18}}
    wf["18"] = {"class_type": "ShotBusToLTX", "inputs": {"bus": ["19", 0], "segment_index": 0}}
    wf["19"] = {"class_type": "ShotPlannerV2V", "inputs": {"video": "clip.mp4", "seconds": 10}}
    read = Workflow.read(wf)
    held = SimpleNamespace(first=read.nodes["12"], latent=read.nodes["5"])
    assert not OutputStage._generated(SimpleNamespace(wf=read), held)
    wf["18"] = {"class_type": "VAEDecode", "inputs": {"samples": ["12", 0], "vae": ["1", 2]}}  # (a pass's picture)
    wf["6"]["inputs"]["image"] = ["18", 0]
    read = Workflow.read(wf)
    assert OutputStage._generated(SimpleNamespace(wf=read), SimpleNamespace(first=read.nodes["12"], latent=None))


def test_ltxvideos_gemma_enhancer_is_made_as_studios_enhance_prompt():
    """LTXVideo's LTXVGemmaEnhancePrompt on its LTXVGemmaCLIPModelLoader writing the positive (leonwooster's LTX-2
    distilled image to video, 03): the prompt was left empty ("Studio does not run it"); now Enhance Prompt on the
    loaded Gemma, given the short prompt and the start image, wired into the generator's prompt."""
    from tests.convert.workflow_shapes import ltx2_gemma_enhanced
    wf = ltx2_gemma_enhanced(ltxv="ltx-2.3-22b-distilled.safetensors")
    conv = convert(wf, "owl.json")
    enh = [n for n in conv.graph.nodes.values() if n.type_id == "video_models.ltx2_enhance_prompt"]
    assert len(enh) == 1 and enh[0].params["prompt"] == "an owl teaches its owlet to fly"
    assert enh[0].params["max_new_tokens"] == 512 and enh[0].mode == "normal"
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.ltx2")
    assert conv.graph.input_link(gen.id, "prompt").src == enh[0].id
    assert conv.graph.input_link(enh[0].id, "image") is not None
    assert "Studio does not run it" not in _said(conv)


def test_a_presets_size_given_as_width_x_height_text_is_read():
    """A resolution preset (a pack's node: mode, aspect, resolution '1056x1408'; outputs width and height) setting the
    take's size (crmbz0r's patcher, 11): was "a value Studio cannot work out", the generator's own size used."""
    from studio.convert.reading.aspect_size import aspect_size
    from studio.convert.reading.workflow import CNode
    preset = CNode("7", "SomeResolutionPresets", widgets={"mode": "14B models", "aspect_ratio": "3:4 Portrait",
                                                          "resolution": "1056x1408"})
    assert aspect_size(preset, 0, lambda k: None, ["width", "height"]) == 1056
    assert aspect_size(preset, 1, lambda k: None, ["width", "height"]) == 1408
    two = CNode("8", "Sizes", widgets={"a": "832x480", "b": "480x832"})  # two sizes: not guessed at
    assert aspect_size(two, 0, lambda k: None, ["width", "height"]) is None


def test_a_held_tasks_negative_written_when_it_runs_is_pointed_at_a_text_prompt():
    """The negative's own wording (mend 6) is not said of a held task, which has no generator's input to name (IAMCCS's
    held V2V, 07: it was, after mend 6, "write the negative prompt in the generator's 'negative_prompt'")."""
    from tests.convert.test_comfy_ltx2_condition_only import _doc as _ltx
    wf = _ltx(bypass=False)
    wf["6"] = {"class_type": "LTXVPreprocess", "inputs": {"image": ["18", 2], "img_compression": 18}}
    wf["18"] = {"class_type": "ShotBusToLTX", "inputs": {"bus": ["19", 0], "segment_index": 0}}
    wf["19"] = {"class_type": "ShotPlannerV2V", "inputs": {"video": "clip.mp4", "seconds": 10}}
    wf["4"]["inputs"]["text"] = ["18", 4]
    conv = convert(wf, "held.json")
    said = _said(conv)
    assert conv.pipelines == 0 and "the negative prompt is written by ComfyUI's 'ShotBusToLTX'" in said
    assert "negative_prompt'" not in said and "write the prompt in a Text Prompt (the task is held" in said


def test_a_comfyui_api_node_is_said_to_be_a_cloud_service_not_a_step():
    """ComfyUI's Wan 2.6 API node between a picture and a save (GlennTeo212's, 15): was "a step between its 'image'
    and 'SaveVideo''s 'video': not applied" - a whole cloud generation called a step."""
    wf = {"1": {"class_type": "LoadImage", "inputs": {"image": "room.jpg"}},
          "2": {"class_type": "WanImageToVideoApi", "inputs": {"model": "wan2.6-i2v", "image": ["1", 0],
                                                               "prompt": "a walk through a room", "resolution": "720P",
                                                               "duration": 5, "seed": 0}},
          "3": {"class_type": "SaveVideo", "inputs": {"video": ["2", 0], "filename_prefix": "wan",
                                                      "format": "auto", "codec": "auto"}}}
    said = _said(convert(wf, "cloud.json"))
    assert "one of ComfyUI's API nodes (category 'api node/video/Wan'" in said
    assert "a step between" not in said
