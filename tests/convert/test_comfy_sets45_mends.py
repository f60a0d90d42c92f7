"""Mechanisms the fourth and fifth held-out sets' not-kept workflows showed (benchmarks/results/heldout4_2026-11-29.md,
heldout5_2026-11-29.md), each read by declared types and shown here on packs invented for the test (same shapes,
other names): a pack's sampler of two or three models one after another (Wan 2.2's experts)."""
from __future__ import annotations

import copy

from studio.convert.mapping.convert import convert
from studio.convert.reading.workflow import Workflow
from studio.convert.packs import expert_samplers, prompt_loras, task_twins
from tests.convert.said import notes as _notes

WAN22 = {"1": ("UNETLoader", {"unet_name": "wan2.2_t2v_high_noise_14B_fp16.safetensors", "weight_dtype": "default"}),
         "2": ("UNETLoader", {"unet_name": "wan2.2_t2v_low_noise_14B_fp16.safetensors", "weight_dtype": "default"}),
         "3": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}),
         "4": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
         "5": ("CLIPTextEncode", {"text": "a fox runs", "clip": ["3", 0]}),
         "6": ("CLIPTextEncode", {"text": "blurry", "clip": ["3", 0]}),
         "7": ("EmptyHunyuanLatentVideo", {"width": 832, "height": 480, "length": 81, "batch_size": 1}),
         "9": ("VAEDecode", {"samples": ["8", 0], "vae": ["4", 0]}),
         "10": ("SaveWEBM", {"images": ["9", 0], "filename_prefix": "out", "codec": "vp9", "fps": 16.0, "crf": 32})}


def _api(sampler: tuple) -> dict:
    return {k: {"class_type": c, "inputs": i} for k, (c, i) in {**WAN22, "8": sampler}.items()}


def test_a_pack_sampler_of_two_models_is_read_as_the_two_experts_by_its_types():
    sampler = ("ZetaDuoExpertSampler", {"model_high": ["1", 0], "model_low": ["2", 0], "positive": ["5", 0],
                                        "negative": ["6", 0], "latent_image": ["7", 0], "seed": 7, "steps": 8,
                                        "cfg_high": 3.5, "cfg_low": 1.0, "sampler_name": "euler",
                                        "scheduler": "simple", "switch_step": 4, "sigma_shift": 5.0,
                                        "boundary_mode": "t2v"})
    wf = Workflow.read(_api(sampler))
    said = expert_samplers.translate(wf)
    first, second = wf.nodes["8"], wf.nodes["8~2"]
    assert first.cls == second.cls == "KSamplerAdvanced" and second.links["latent_image"] == ("8", 0)
    assert first.widgets["cfg"] == 3.5 and second.widgets["cfg"] == 1.0 and first.widgets["end_at_step"] == 4
    assert second.widgets["start_at_step"] == 4 and wf.nodes["9"].links["samples"] == ("8~2", 0)
    assert wf.nodes["8:shift"].widgets["shift"] == 5.0 and "boundary_mode 't2v'" in said[0]
    conv = convert(_api(sampler), "duo.json")
    text = "\n".join(conv.log) + _notes(conv)
    assert conv.tasks and conv.tasks[0]["generator"], text
    # (its stages, '8~2' as read, are said by the file's id: mapping/file_ids.py)
    assert "the low-noise expert: 'ZetaDuoExpertSampler' (#8), steps 8, cfg 1" in text and "#8~" not in text
    assert "shift 5 (ZetaDuoExpertSampler's own, #8): the generator's shift" in text  # (once: shift_nodes)


def test_a_three_stage_sampler_names_its_middle_stage_on_the_high_noise_expert_and_reads_no_unnamed_value():
    lora = {"11": ("LoraLoaderModelOnly", {"model": ["1", 0], "lora_name": "lightx2v_high.safetensors",
                                           "strength_model": 1.0})}
    nodes = {**WAN22, **lora}
    sampler = ("OmegaTripleStager", {"base": ["1", 0], "fast_high": ["11", 0], "fast_low": ["2", 0],
                                     "positive": ["5", 0], "negative": ["6", 0], "latent": ["7", 0], "seed": 3,
                                     "steps": 6, "sampler_name": "euler", "scheduler": "beta"})
    api = {k: {"class_type": c, "inputs": i} for k, (c, i) in {**nodes, "8": sampler}.items()}
    conv = convert(api, "triple.json")
    text = "\n".join(conv.log) + _notes(conv)
    assert "a later pass on the high-noise expert: 'OmegaTripleStager' (#8)" in text
    assert "the low-noise expert: 'OmegaTripleStager' (#8)" in text and "#8~" not in text
    # a sampler wired with something else (an image, a guide) is not read so: what it carries would be lost
    sampler[1]["image"] = ["9", 0]
    wf = Workflow.read({k: {"class_type": c, "inputs": i} for k, (c, i) in {**nodes, "8": sampler}.items()})
    assert expert_samplers.translate(wf) == [] and wf.nodes["8"].cls == "OmegaTripleStager"


def test_a_sampler_whose_values_are_saved_by_place_unnamed_reads_only_what_their_kinds_tell():
    node = {"id": 8, "type": "PsiLightningStager", "mode": 0,
            "widgets_values": [1234, "fixed", 5, 3.5, 1, 8, "euler", "beta", "some strategy"],
            "inputs": [{"name": "a_high", "type": "MODEL", "link": 1}, {"name": "b_low", "type": "MODEL", "link": 2},
                       {"name": "positive", "type": "CONDITIONING", "link": 3},
                       {"name": "negative", "type": "CONDITIONING", "link": 4},
                       {"name": "latent_image", "type": "LATENT", "link": 5}],
            "outputs": [{"name": "LATENT", "type": "LATENT", "links": [6]}]}
    loaders = [{"id": i, "type": "UNETLoader", "mode": 0, "widgets_values": [f"m{i}.safetensors", "default"],
                "inputs": [], "outputs": [{"name": "MODEL", "type": "MODEL", "links": [i]}]} for i in (1, 2)]
    others = [{"id": i, "type": "PrimitiveNode", "mode": 0, "inputs": [], "widgets_values": [],
               "outputs": [{"name": "x", "type": t, "links": [i]}]} for i, t in ((3, "CONDITIONING"),
                                                                                  (4, "CONDITIONING"), (5, "LATENT"))]
    dec = {"id": 9, "type": "VAEDecode", "mode": 0, "widgets_values": [],
           "inputs": [{"name": "samples", "type": "LATENT", "link": 6}], "outputs": []}
    links = [[i, i, 0, 8, i - 1, "X"] for i in range(1, 6)] + [[6, 8, 0, 9, 0, "LATENT"]]
    wf = Workflow.read({"nodes": loaders + others + [node, dec], "links": links})
    said = expert_samplers.translate(wf)
    w = wf.nodes["8"].widgets
    assert w.get("noise_seed") == 1234 and w.get("sampler_name") == "euler" and w.get("scheduler") == "beta"
    assert "steps" not in w and "cfg" not in w
    assert "(5, 3.5, 1, 8, 'some strategy'): not read" in said[0]


def _i2v(task: tuple, first: str = "0", second: str = "2") -> dict:
    nodes = {**WAN22, "11": ("LoadImage", {"image": "cat.png"}), "12": task,
             "8": ("KSamplerAdvanced", {"model": ["1", 0], "positive": ["12", 0], "negative": ["12", 1],
                                        "latent_image": ["12", int(first) + 4], "add_noise": "enable",
                                        "noise_seed": 5, "steps": 6, "cfg": 1.0, "sampler_name": "euler",
                                        "scheduler": "simple", "start_at_step": 0, "end_at_step": 3,
                                        "return_with_leftover_noise": "enable"}),
             "13": ("KSamplerAdvanced", {"model": ["2", 0], "positive": ["12", int(second)],
                                         "negative": ["12", int(second) + 1], "latent_image": ["8", 0],
                                         "add_noise": "disable", "noise_seed": 5, "steps": 6, "cfg": 1.0,
                                         "sampler_name": "euler", "scheduler": "simple", "start_at_step": 3,
                                         "end_at_step": 10000, "return_with_leftover_noise": "disable"})}
    nodes["9"] = ("VAEDecode", {"samples": ["13", 0], "vae": ["4", 0]})
    return {k: {"class_type": c, "inputs": i} for k, (c, i) in nodes.items()}


def test_a_pack_image_to_video_node_is_read_as_the_core_task_node_it_matches_by_its_types():
    task = ("KappaI2VPlus", {"positive": ["5", 0], "negative": ["6", 0], "vae": ["4", 0], "start_image": ["11", 0],
                             "width": 640, "height": 384, "length": 49, "batch_size": 1, "motion_boost": 1.3})
    conv = convert(_i2v(task), "kappa.json")
    text = "\n".join(conv.log) + _notes(conv)
    assert conv.tasks[0]["task"] == "image to video" and conv.tasks[0]["generator"], text
    assert "'KappaI2VPlus' (KappaI2VPlus, #12), a node no pack in Studio's catalogue declares, is read as ComfyUI's " \
           "WanImageToVideo by its declared types" in text
    assert "its 2 pairs of prompts (its outputs 1-4: a pair for each sampler)" in text
    assert "its motion_boost 1.3 is not applied" in text and "frames 49" in text and "width 640" in text
    # a wired socket the core node has not (a second picture) would be lost: not read so
    task[1]["style_image"] = ["11", 0]
    wf = Workflow.read(_i2v(task))
    assert task_twins.translate(wf) == [] and wf.nodes["12"].cls == "KappaI2VPlus"


def test_a_pack_task_node_matching_core_nodes_of_several_families_alike_is_read_by_the_models_family():
    """ComfyUI's newer HunyuanVideo15ImageToVideo takes the same inputs as WanImageToVideo: a pack's I2V node matches
    both alike. The family the workflow's model files name (Wan 2.2 here) decides; with none named, nothing is
    guessed."""
    from studio.convert.packs import task_twins
    from studio.convert.reading.workflow import Workflow
    task = ("KappaI2VPlus", {"positive": ["5", 0], "negative": ["6", 0], "vae": ["4", 0], "start_image": ["11", 0],
                             "width": 640, "height": 384, "length": 49, "batch_size": 1})
    wf = Workflow.read(_i2v(task))
    assert task_twins.translate(wf) and wf.nodes["12"].cls == "WanImageToVideo"
    doc = copy.deepcopy(_i2v(task))  # (its nodes' inputs are the module's WAN22 dicts)
    for k, name in (("1", "unet_name"), ("2", "unet_name"), ("4", "vae_name")):
        doc[k]["inputs"][name] = f"model_{k}.safetensors"  # no family named by any file
    wf = Workflow.read(doc)
    assert task_twins.translate(wf) == [] and wf.nodes["12"].cls == "KappaI2VPlus"


def _ui(nodes: list[dict], links: list[list]) -> dict:
    return {"nodes": nodes, "links": links}


def _n(nid, cls, ins, outs, values):
    return {"id": nid, "type": cls, "mode": 0, "widgets_values": values,
            "inputs": [{"name": k, "type": t, "link": lk, **({"widget": {"name": k}} if w else {})}
                       for k, t, lk, w in ins],
            "outputs": [{"name": k, "type": t, "links": lk} for k, t, lk in outs]}


def _tagged(text: str) -> dict:
    nodes = [_n(1, "UNETLoader", [], [("MODEL", "MODEL", [1])], ["hunyuan_video_t2v_720p_bf16.safetensors", "default"]),
             _n(2, "DualCLIPLoader", [], [("CLIP", "CLIP", [2])], ["clip_l.safetensors", "llava_llama3_fp8.safetensors",
                                                                    "hunyuan_video", "default"]),
             _n(3, "ThetaTagPromptEncoder", [("model", "MODEL", 1, False), ("clip", "CLIP", 2, False),
                                             ("seed", "INT", None, True)],
                [("model", "MODEL", [3]), ("clip", "CLIP", [4]), ("conditioning", "CONDITIONING", None),
                 ("populated_text", "STRING", [5])], [text, text, True, "Select", "Select", 1, "fixed"]),
             _n(4, "ModelSamplingSD3", [("model", "MODEL", 3, False)], [("MODEL", "MODEL", [])], [7.0]),
             _n(5, "CLIPTextEncode", [("clip", "CLIP", 4, False), ("text", "STRING", 5, True)],
                [("CONDITIONING", "CONDITIONING", [])], [""])]
    links = [[1, 1, 0, 3, 0, "MODEL"], [2, 2, 0, 3, 1, "CLIP"], [3, 3, 0, 4, 0, "MODEL"], [4, 3, 1, 5, 0, "CLIP"],
             [5, 3, 3, 5, 1, "STRING"]]
    return _ui(nodes, links)


def test_a_prompt_node_loading_the_loras_its_text_names_is_read_as_loras_and_the_text_without_tags():
    wf = Workflow.read(_tagged("<lora:Style\\Ink:0.6> a cat, <lora:Fox:0.4:0.2> watercolour"))
    said = prompt_loras.translate(wf)
    first, last = wf.nodes["3~lora1"], wf.nodes["3"]
    assert (first.cls, first.widgets["lora_name"], first.widgets["strength_model"]) == ("LoraLoader", "Style\\Ink", 0.6)
    assert last.links["model"] == ("3~lora1", 0) and last.widgets["strength_clip"] == 0.2
    assert wf.nodes["4"].links["model"] == ("3", 0) and wf.nodes["5"].links["clip"] == ("3", 1)
    assert wf.value(wf.nodes["5"], "text") == "a cat, watercolour" and "LoRA 'Fox' (model 0.4, text encoder 0.2)" in said[0]
    # a wildcard picked at run time: the text is not the one run, nothing is read so
    wf = Workflow.read(_tagged("<lora:Fox:0.4> a {cat|dog}"))
    assert prompt_loras.translate(wf) == [] and wf.nodes["3"].cls == "ThetaTagPromptEncoder"


def _fun(model: str, encoded: bool = True) -> dict:
    nodes = {"1": ("WanVideoModelLoader", {"model": model, "base_precision": "bf16", "quantization": "disabled",
                                           "load_device": "offload_device"}),
             "2": ("LoadWanVideoT5TextEncoder", {"model_name": "umt5-xxl-enc-bf16.safetensors", "precision": "bf16"}),
             "3": ("WanVideoVAELoader", {"model_name": "wan_2.1_vae.safetensors", "precision": "bf16"}),
             "5": ("LoadImage", {"image": "start.png"}),
             "6": ("LoadVideo", {"file": "moves.mp4"}),
             "7": ("GetVideoComponents", {"video": ["6", 0]}),
             "10": ("WanVideoTextEncode", {"positive_prompt": "a dancer", "negative_prompt": "", "t5": ["2", 0]}),
             "22": ("WanVideoEncode", {"vae": ["3", 0], "image": ["7", 0]}) if encoded else
             ("ZetaMotionLatents", {"vae": ["3", 0], "frames": ["7", 0]}),
             "23": ("WanVideoControlEmbeds", {"latents": ["22", 0], "start_percent": 0.0, "end_percent": 1.0}),
             "24": ("WanVideoImageToVideoEncode", {"vae": ["3", 0], "start_image": ["5", 0], "width": 832,
                                                   "height": 480, "num_frames": 33, "control_embeds": ["23", 0]}),
             "30": ("WanVideoSampler", {"model": ["1", 0], "text_embeds": ["10", 0], "image_embeds": ["24", 0],
                                        "steps": 20, "cfg": 5.0, "shift": 5.0, "seed": 1, "scheduler": "unipc"}),
             "40": ("WanVideoDecode", {"vae": ["3", 0], "samples": ["30", 0]}),
             "50": ("SaveWEBM", {"images": ["40", 0], "filename_prefix": "out", "codec": "vp9", "fps": 16.0,
                                 "crf": 32})}
    return {k: {"class_type": c, "inputs": i} for k, (c, i) in nodes.items()}


def test_control_embeds_given_to_an_image_to_video_encode_are_read_as_fun_control_or_said_not_applied():
    conv = convert(_fun("wan2.1_fun_control_14B_bf16.safetensors"), "fun.json")
    text = "\n".join(conv.log) + _notes(conv)
    assert conv.tasks[0]["family"] == "Wan Fun Control" and set(conv.tasks[0]["inputs"]) >= {"control", "image"}, text
    conv = convert(_fun("wan2.1_fun_control_14B_bf16.safetensors", encoded=False), "fun2.json")
    text = "\n".join(conv.log) + _notes(conv)
    assert "'WanVideoImageToVideoEncode' (WanVideoImageToVideoEncode, #24)'s control_embeds (a control clip's " \
           "latents from 'WanVideoControlEmbeds' (WanVideoControlEmbeds, #23)) are not applied" in text


def test_a_pickled_motion_lora_says_why_it_is_not_taken():
    from nodes.video_models.families.animatediff.comfy import _motion_lora
    from studio.convert.reading.workflow import CNode
    n = CNode("26", "ADE_AnimateDiffLoRALoader")
    assert "never opens a pickled file" in _motion_lora(n, "v2_lora_TiltDown.ckpt")
    assert "no node giving the model after it was found" in _motion_lora(n, "tilt.safetensors")  # (else read: comfy_loras)
    assert _motion_lora(CNode("2", "ADE_ApplyAnimateDiffModel"), "x.ckpt") == ""
