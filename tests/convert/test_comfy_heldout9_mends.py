"""Mechanisms a ninth held-out set (benchmarks/results/heldout9_2026-11-29.md) showed, each on a small hand-written
workflow, by declared types (invented pack names): a node passing anything on (every socket and output of any type,
as Impact's execution order controller) between the prompt / the picture and the sampler."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

ORDER = {"aux_id": "someone/ComfyUI_OrderKeep"}  # an invented pack
CORE = {"cnr_id": "comfy-core"}


def _ui(nodes: list[tuple], links: list[tuple]) -> dict:
    """A UI workflow: nodes (id, type, inputs [(name, type)], outputs [type], widgets_values, properties), links
    (from id, from slot, to id, input name)."""
    made, table = [], []
    for k, (a, slot, b, name) in enumerate(links, 1):
        table.append([k, a, slot, b, [n for n, _ in next(x for x in nodes if x[0] == b)[2]].index(name), "*"])
    for nid, cls, ins, outs, values, props in nodes:
        made.append({
            "id": nid, "type": cls, "mode": 0, "pos": [0, 0], "properties": props, "widgets_values": values,
            "inputs": [{"name": n, "type": t, "link": next((r[0] for r in table if r[3] == nid and r[4] == i), None)}
                       for i, (n, t) in enumerate(ins)],
            "outputs": [{"name": t.lower(), "type": t, "links": [r[0] for r in table if r[1] == nid and r[2] == i]}
                        for i, t in enumerate(outs)]})
    return {"nodes": made, "links": table, "version": 0.4}


def _ltxv_i2v(keeper: bool) -> dict:
    """An LTX-Video I2V UI file (768x512, 97 frames, 30 steps, seed 7); ``keeper``: an invented node of sockets and
    outputs of any type ('signal', 'value') takes LTXVImgToVideo's positive and the picture and passes both on."""
    nodes = [
        (1, "CheckpointLoaderSimple", [], ["MODEL", "CLIP", "VAE"], ["ltx-video-2b-v0.9.safetensors"], CORE),
        (2, "CLIPLoader", [], ["CLIP"], ["t5xxl_fp16.safetensors", "ltxv", "default"], CORE),
        (3, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["a red kite over the sea"], CORE),
        (4, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["blurry"], CORE),
        (5, "LoadImage", [], ["IMAGE", "MASK"], ["kite.png", "image"], CORE),
        (6, "LTXVImgToVideo", [("positive", "CONDITIONING"), ("negative", "CONDITIONING"), ("vae", "VAE"),
                               ("image", "IMAGE")], ["CONDITIONING", "CONDITIONING", "LATENT"],
         [768, 512, 97, 1, 0.15], CORE),
        (7, "LTXVConditioning", [("positive", "CONDITIONING"), ("negative", "CONDITIONING")],
         ["CONDITIONING", "CONDITIONING"], [24], CORE),
        (8, "KSampler", [("model", "MODEL"), ("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                         ("latent_image", "LATENT")], ["LATENT"], [7, "fixed", 30, 3, "euler", "simple", 1], CORE),
        (9, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], [], CORE),
        (10, "CreateVideo", [("images", "IMAGE")], ["VIDEO"], [24], CORE),
        (11, "SaveVideo", [("video", "VIDEO")], [], ["kite", "auto", "auto"], CORE),
    ]
    links = [(2, 0, 3, "clip"), (2, 0, 4, "clip"), (4, 0, 6, "negative"), (1, 2, 6, "vae"), (6, 0, 7, "positive"),
             (6, 1, 7, "negative"), (1, 0, 8, "model"), (7, 0, 8, "positive"), (7, 1, 8, "negative"),
             (6, 2, 8, "latent_image"), (8, 0, 9, "samples"), (1, 2, 9, "vae"), (9, 0, 10, "images"),
             (10, 0, 11, "video")]
    if keeper:
        nodes.append((12, "OrderKeep", [("signal", "*"), ("value", "*")], ["*", "*"], [], ORDER))
        links += [(3, 0, 12, "signal"), (5, 0, 12, "value"), (12, 0, 6, "positive"), (12, 1, 6, "image")]
    else:
        links += [(3, 0, 6, "positive"), (5, 0, 6, "image")]
    return _ui(nodes, links)


def _gen(conv):
    return next(n for n in conv.graph.nodes.values() if n.type_id.startswith("video_models.")
                and n.type_id not in ("video_models.load", "video_models.lora"))


def test_a_node_passing_anything_on_does_not_hold_the_task_it_stands_in():
    plain, kept = convert(_ltxv_i2v(False), "plain"), convert(_ltxv_i2v(True), "keeper")
    assert [t["task"] for t in plain.tasks] == [t["task"] for t in kept.tasks] == ["image to video"]
    gen = _gen(kept)
    assert gen.params["prompt"] == "a red kite over the sea" and gen.params["frames"] == 97
    loads = [n for n in kept.graph.nodes.values() if n.type_id == "io.load_image"]
    assert [n.params["path"] for n in loads] == ["kite.png"]
    assert any(l.src == loads[0].id and l.dst == gen.id and l.dst_port == "image" for l in kept.graph.links)
    assert not any("given to the sampler by OrderKeep" in line for line in kept.log)


def _api(ui: dict, as_type: str) -> dict:
    """The same workflow as an API file (no types saved), the keeper named ``as_type``."""
    links = {l[0]: l for l in ui["links"]}
    out = {}
    for n in ui["nodes"]:
        ins = {i["name"]: [str(links[i["link"]][1]), links[i["link"]][2]] for i in n["inputs"] if i["link"]}
        out[str(n["id"])] = {"class_type": as_type if n["type"] == "OrderKeep" else n["type"], "inputs": ins,
                             "widgets": n["widgets_values"]}
    names = {"CheckpointLoaderSimple": ["ckpt_name"], "CLIPLoader": ["clip_name", "type", "device"],
             "CLIPTextEncode": ["text"], "LoadImage": ["image", "upload"],
             "LTXVImgToVideo": ["width", "height", "length", "batch_size", "strength"], "LTXVConditioning": ["frame_rate"],
             "KSampler": ["seed", "control", "steps", "cfg", "sampler_name", "scheduler", "denoise"],
             "CreateVideo": ["fps"], "SaveVideo": ["filename_prefix", "format", "codec"]}
    for v in out.values():
        v["inputs"].update({k: x for k, x in zip(names.get(v["class_type"], []), v.pop("widgets")) if k != "control"})
    return out


def test_a_declared_order_controller_in_an_api_file_passes_the_picture_on():
    """An API file saves no types: the catalogue's (Impact's ExecutionOrderController: sockets and outputs of any
    type) tell that the picture and the prompt reach LTXVImgToVideo through it as they are."""
    conv = convert(_api(_ltxv_i2v(True), "ImpactExecutionOrderController"), "api")
    assert [t["task"] for t in conv.tasks] == ["image to video"]
    assert not any("given to the sampler by" in line for line in conv.log)
    gen = _gen(conv)
    assert gen.params["prompt"] == "a red kite over the sea"
    assert any(l.dst == gen.id and l.dst_port == "image" for l in conv.graph.links)
    assert any("(ImpactExecutionOrderController, #12) passes what it is given on to" in l for l in conv.log)


def _hyvideo_t2v(wired: bool) -> dict:
    """Kijai's HunyuanVideo wrapper T2V (UI); ``wired``: HyVideoTextEncode's prompt widget turned into an input and
    wired from a string node (the file still saves the widget's old text)."""
    wrapper = {"cnr_id": "comfyui-hunyuanvideowrapper"}
    enc_ins = [("text_encoders", "HYVIDTEXTENCODER")] + ([("prompt", "STRING")] if wired else [])
    nodes = [
        (1, "HyVideoModelLoader", [], ["HYVIDEOMODEL"], ["hunyuan_video_720_fp8.safetensors", "bf16", "fp8_e4m3fn",
                                                         "offload_device", "sdpa"], wrapper),
        (2, "HyVideoVAELoader", [], ["VAE"], ["hunyuan_video_vae_bf16.safetensors", "bf16"], wrapper),
        (3, "DownloadAndLoadHyVideoTextEncoder", [], ["HYVIDTEXTENCODER"],
         ["Kijai/llava-llama-3-8b-text-encoder-tokenizer", "openai/clip-vit-large-patch14", "fp16", False, 2,
          "disabled"], wrapper),
        (4, "HyVideoTextEncode", enc_ins, ["HYVIDEMBEDS"], ["an old saved text about a cake", "bad quality video",
                                                            "video"], wrapper),
        (5, "HyVideoSampler", [("model", "HYVIDEOMODEL"), ("hyvid_embeds", "HYVIDEMBEDS")], ["LATENT"],
         [960, 544, 49, 30, 6, 9, 6, "fixed", 1, 1], wrapper),
        (6, "HyVideoDecode", [("vae", "VAE"), ("samples", "LATENT")], ["IMAGE"], [True, 8, 256, True], wrapper),
        (7, "CreateVideo", [("images", "IMAGE")], ["VIDEO"], [16], CORE),
        (8, "SaveVideo", [("video", "VIDEO")], [], ["hy", "auto", "auto"], CORE),
    ]
    links = [(3, 0, 4, "text_encoders"), (1, 0, 5, "model"), (4, 0, 5, "hyvid_embeds"), (2, 0, 6, "vae"),
             (5, 0, 6, "samples"), (6, 0, 7, "images"), (7, 0, 8, "video")]
    if wired:
        nodes.append((9, "PrimitiveStringMultiline", [], ["STRING"], ["kxsr, a girl running on campus"], CORE))
        links.append((9, 0, 4, "prompt"))
    return _ui(nodes, links)


def test_a_wrapper_prompt_wired_from_a_string_node_is_the_one_taken():
    saved, wired = convert(_hyvideo_t2v(False), "saved"), convert(_hyvideo_t2v(True), "wired")
    assert _gen(saved).params["prompt"] == "an old saved text about a cake"
    assert _gen(wired).params["prompt"] == "kxsr, a girl running on campus"
    assert _gen(wired).params["frames"] == 49


def test_a_subgraph_node_of_a_held_task_is_named_by_its_whole_id():
    """A held task (its picture reaches the sampler through unCLIPConditioning alone) whose LoRA is a subgraph's node
    '20:5': named '#20:5', never '#20' (its subgraph's instance); a converter-made '138:lora' stays the file's #138."""
    from studio.convert.reading.file_ids import file_id
    assert (file_id("20:5"), file_id("256:253:579"), file_id("138:lora"), file_id("207:decode"), file_id("12")) == \
        ("20:5", "256:253:579", "138", "207", "12")
    n = {
        "1": ("UNETLoader", {"unet_name": "hunyuanvideo1.5_720p_i2v_fp8_scaled.safetensors", "weight_dtype": "default"}),
        "20:5": ("LoraLoaderModelOnly", {"lora_name": "style.safetensors", "strength_model": 0.8, "model": ["1", 0]}),
        "2": ("DualCLIPLoader", {"clip_name1": "qwen_2.5_vl_7b.safetensors", "clip_name2": "byt5_small.safetensors",
                                 "type": "hunyuan_video"}),
        "3": ("VAELoader", {"vae_name": "hunyuanvideo15_vae_fp16.safetensors"}),
        "4": ("CLIPVisionLoader", {"clip_name": "sigclip_vision_patch14_384.safetensors"}),
        "5": ("LoadImage", {"image": "ref.png"}),
        "6": ("CLIPTextEncode", {"text": "a calm lake", "clip": ["2", 0]}),
        "7": ("CLIPTextEncode", {"text": "", "clip": ["2", 0]}),
        "8": ("CLIPVisionEncode", {"clip_vision": ["4", 0], "image": ["5", 0], "crop": "center"}),
        "9": ("unCLIPConditioning", {"strength": 1.0, "noise_augmentation": 0.0, "conditioning": ["6", 0],
                                     "clip_vision_output": ["8", 0]}),
        "10": ("EmptyHunyuanLatentVideo", {"width": 1280, "height": 720, "length": 61, "batch_size": 1}),
        "11": ("KSampler", {"seed": 1, "steps": 20, "cfg": 1.0, "sampler_name": "euler", "scheduler": "simple",
                            "denoise": 1.0, "model": ["20:5", 0], "positive": ["9", 0], "negative": ["7", 0],
                            "latent_image": ["10", 0]}),
        "12": ("VAEDecode", {"samples": ["11", 0], "vae": ["3", 0]}),
        "13": ("CreateVideo", {"fps": 24, "images": ["12", 0]}),
        "14": ("SaveVideo", {"filename_prefix": "hy", "format": "auto", "codec": "auto", "video": ["13", 0]}),
    }
    conv = convert({k: {"class_type": c, "inputs": i} for k, (c, i) in n.items()}, "held")
    assert conv.tasks and conv.tasks[0]["generator"] is None
    said = "\n".join(conv.log)
    assert "(LoraLoaderModelOnly, #20:5)" in said and "(LoraLoaderModelOnly, #20)" not in said


def test_an_animatediff_controlnet_task_keeps_its_motion_module_on_the_checkpoint():
    """AnimateDiff driven by an OpenPose ControlNet on a folder of frames (AnimateDiff ControlNet; held before it):
    Load Video Model holds the motion module as its 'model' on the checkpoint ('image_model'), said."""
    n = {
        "53": ("CheckpointLoaderSimple", {"ckpt_name": "anime_sd15.safetensors"}),
        "33": ("ADE_AnimateDiffLoaderWithContext", {"model_name": "temporaldiff-v1.safetensors",
                                                     "beta_schedule": "sqrt_linear (AnimateDiff)", "motion_scale": 1,
                                                     "apply_v2_models_properly": True, "model": ["53", 0]}),
        "3": ("CLIPTextEncode", {"text": "a dancer in a city", "clip": ["53", 1]}),
        "6": ("CLIPTextEncode", {"text": "low quality", "clip": ["53", 1]}),
        "20": ("ControlNetLoaderAdvanced", {"control_net_name": "control_v11p_sd15_openpose.pth"}),
        "50": ("VHS_LoadImages", {"directory": "poses", "image_load_cap": 0, "skip_first_images": 0,
                                  "select_every_nth": 1}),
        "24": ("ControlNetApplyAdvanced", {"strength": 1, "start_percent": 0, "end_percent": 1, "positive": ["3", 0],
                                           "negative": ["6", 0], "control_net": ["20", 0], "image": ["50", 0]}),
        "9": ("EmptyLatentImage", {"width": 512, "height": 768, "batch_size": ["50", 2]}),
        "7": ("KSampler", {"seed": 4, "steps": 20, "cfg": 8, "sampler_name": "euler", "scheduler": "normal",
                           "denoise": 1, "model": ["33", 0], "positive": ["24", 0], "negative": ["24", 1],
                           "latent_image": ["9", 0]}),
        "10": ("VAEDecode", {"samples": ["7", 0], "vae": ["53", 2]}),
        "51": ("VHS_VideoCombine", {"frame_rate": 8, "loop_count": 0, "filename_prefix": "dance",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": True,
                                    "images": ["10", 0]}),
    }
    conv = convert({k: {"class_type": c, "inputs": i} for k, (c, i) in n.items()}, "held_ad")
    assert conv.tasks and conv.tasks[0]["generator"] == "video_models.animatediff_controlnet"
    load = next(x for x in conv.graph.nodes.values() if x.type_id == "video_models.load")
    assert (load.params["model"], load.params["image_model"]) == ("temporaldiff-v1.safetensors",
                                                                  "anime_sd15.safetensors")
    notes = "\n".join(x["text"] for x in conv.graph.ui.get("notes", []))
    assert "AnimateDiff's motion module 'temporaldiff-v1.safetensors' is Load Video Model's model, on the checkpoint " \
           "'anime_sd15.safetensors' (its 'image_model', read as an SD 1.5 checkpoint)" in notes


def _ltxv_t2v(told: float, fps: float) -> dict:
    n = {
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "ltx-video-2b-v0.9.safetensors"}),
        "2": ("CLIPLoader", {"clip_name": "t5xxl_fp16.safetensors", "type": "ltxv", "device": "default"}),
        "3": ("CLIPTextEncode", {"text": "two women at sunset", "clip": ["2", 0]}),
        "4": ("CLIPTextEncode", {"text": "low quality", "clip": ["2", 0]}),
        "5": ("LTXVConditioning", {"frame_rate": told, "positive": ["3", 0], "negative": ["4", 0]}),
        "6": ("EmptyLTXVLatentVideo", {"width": 768, "height": 512, "length": 97, "batch_size": 1}),
        "7": ("KSampler", {"seed": 3, "steps": 30, "cfg": 3, "sampler_name": "euler", "scheduler": "simple",
                           "denoise": 1, "model": ["1", 0], "positive": ["5", 0], "negative": ["5", 1],
                           "latent_image": ["6", 0]}),
        "8": ("VAEDecode", {"samples": ["7", 0], "vae": ["1", 2]}),
        "9": ("CreateVideo", {"fps": fps, "images": ["8", 0]}),
        "10": ("SaveVideo", {"filename_prefix": "ltxv", "format": "auto", "codec": "auto", "video": ["9", 0]}),
    }
    return {k: {"class_type": c, "inputs": i} for k, (c, i) in n.items()}


def test_ltx_video_told_rate_is_the_takes():
    """LTX-Video's generator tells its pipeline the take's rate (its 'fps', fps22; the pipelines' own 25 before): the
    model told 24 beside a 24 fps video is the take's rate (nothing said); told 25 beside 24 is said, as one rate
    taken for both."""
    same = convert(_ltxv_t2v(24, 24), "same")
    assert not any("the rate the model is told" in line or "always told" in line for line in same.log)
    other = convert(_ltxv_t2v(25, 24), "other")
    assert any("'LTXVConditioning' (LTXVConditioning, #5)'s frame_rate 25 (the rate the model is told the clip has) "
               "is not the video's 24.0" in line and "takes one rate, 24.0, for both" in line for line in other.log)
    gen = next(n for n in other.graph.nodes.values() if n.type_id.startswith("video_models.") and "fps" in n.params)
    assert gen.params["fps"] == 24


def test_the_words_a_prompt_writer_is_given_are_named():
    """A prompt written when the workflow runs by an invented pack's node (a STRING 'prompt' in, a STRING out) from a
    string node's words: the sentence saying the prompt is written there names those words and their node."""
    ui = _ltxv_i2v(False)
    enc = next(n for n in ui["nodes"] if n["id"] == 3)
    enc["inputs"].append({"name": "text", "type": "STRING", "link": 90, "widget": {"name": "text"}})
    ui["nodes"] += [
        {"id": 20, "type": "PrimitiveStringMultiline", "mode": 0, "pos": [0, 0], "properties": CORE,
         "widgets_values": ["a red kite, windy"], "inputs": [],
         "outputs": [{"name": "STRING", "type": "STRING", "links": [91]}]},
        {"id": 21, "type": "WordsPolisher", "mode": 0, "pos": [0, 0], "properties": {"aux_id": "someone/Polish"},
         "widgets_values": ["make it cinematic"], "inputs": [{"name": "prompt", "type": "STRING", "link": 91}],
         "outputs": [{"name": "STRING", "type": "STRING", "links": [90]}]}]
    ui["links"] += [[90, 21, 0, 3, 1, "STRING"], [91, 20, 0, 21, 0, "STRING"]]
    conv = convert(ui, "polish")
    line = next(l for l in conv.log if "the positive prompt is written by ComfyUI's 'WordsPolisher'" in l)
    assert "(from the words it is given on 'prompt': 'a red kite, windy', from 'PrimitiveStringMultiline' " \
           "(PrimitiveStringMultiline, #20))" in line


def test_an_ltx2_refine_on_the_bare_model_is_not_given_the_first_pass_lora():
    """LTX-2 two passes, a LoRA (an IC-LoRA's) on the first pass's model only: LTX-2 Latent Upscale's refine takes
    the loader's model, without it, and says so (it was given the first pass's LoRA without a word)."""
    from tests.convert.test_comfy_heldout7_mends import _ltx2_two_pass
    wf = _ltx2_two_pass(False)
    wf["40"] = {"class_type": "LoraLoaderModelOnly", "inputs": {"lora_name": "ic-lora-pose.safetensors",
                                                                 "strength_model": 1.0, "model": ["1", 0]}}
    wf["41"] = {"class_type": "CFGGuider", "inputs": {"cfg": 1, "model": ["40", 0], "positive": ["5", 0],
                                                      "negative": ["5", 1]}}
    wf["17"]["inputs"]["guider"] = ["41", 0]
    conv = convert(wf, "bare_refine")
    nodes = conv.graph.nodes
    up = next(k for k, n in nodes.items() if n.type_id == "video_models.ltx2_latent_upscale")
    src = next(l.src for l in conv.graph.links if l.dst == up and l.dst_port == "model")
    assert nodes[src].type_id == "video_models.load"
    gen = next(k for k, n in nodes.items() if n.type_id == "video_models.ltx2")
    lora = next(l.src for l in conv.graph.links if l.dst == gen and l.dst_port == "model")
    assert nodes[lora].params["lora"] == "ic-lora-pose.safetensors"
    assert "Load Video Model without the first pass's LoRAs" in _notes_text(conv)


def _notes_text(conv) -> str:
    return "\n".join(n.get("text", "") for n in conv.graph.ui.get("notes") or [])


def test_a_value_node_giving_its_one_setting_on_one_of_several_outputs_is_read():
    """An invented pack's 'Seed' (one INT setting; outputs SEED, NUMBER, FLOAT, INT) wired into KSampler's seed by its
    INT: the seed is its setting (27), not "made when the workflow runs"; a counter ('Integer Counter') is not read."""
    from studio.convert.reading.setting_out import setting_out
    from studio.convert.reading.workflow import CNode
    seed = CNode("9", "Seed", raw=[27, "fixed"], out_types=["SEED", "NUMBER", "FLOAT", "INT"])
    assert [setting_out(seed, k) for k in range(4)] == [None, None, None, 27]
    counter = CNode("9", "Integer Counter", raw=[27], out_types=["INT", "STRING"])
    assert setting_out(counter, 0) is None
    ui = _ltxv_i2v(False)
    ks = next(n for n in ui["nodes"] if n["id"] == 8)
    ks["inputs"].append({"name": "seed", "type": "INT", "link": 95, "widget": {"name": "seed"}})
    ui["nodes"].append({"id": 30, "type": "Seed", "mode": 0, "pos": [0, 0], "properties": {"aux_id": "someone/Seeds"},
                        "widgets_values": [27, "fixed"], "inputs": [],
                        "outputs": [{"name": n.lower(), "type": n, "links": [95] if n == "INT" else []}
                                    for n in ("SEED", "NUMBER", "FLOAT", "INT")]})
    ui["links"].append([95, 30, 3, 8, 4, "INT"])
    conv = convert(ui, "seeded")
    assert _gen(conv).params["seed"] == 27
    assert not any("made by ComfyUI's 'Seed'" in l for l in conv.log)


def test_a_video_splitter_is_said_to_give_what_load_video_gives_itself():
    """An invented pack's node of a VIDEO in and IMAGE, AUDIO, FLOAT out (a video's components) read by a sampler
    pass's nodes: not "a step ...: not applied" (its frames and sound are what Studio's Load Video wires)."""
    from studio.convert.mapping.passing import _kind, _sentence
    from studio.convert.reading.workflow import CNode, Workflow
    split = CNode("5", "SplitClip", links={"video": ("4", 0)}, in_types={"video": "VIDEO"},
                  out_types=["IMAGE", "AUDIO", "FLOAT"])
    enc = CNode("6", "VAEEncode", links={"pixels": ("5", 0)}, in_types={"pixels": "IMAGE"}, out_types=["LATENT"])
    load = CNode("4", "LoadVideo", widgets={"file": "clip.mp4"}, out_types=["VIDEO"])
    wf = Workflow({"4": load, "5": split, "6": enc}, "ui")
    assert _kind(wf, split, [(enc, "pixels", 0)]) == "components"
    line = _sentence(wf, split, [(enc, "pixels", 0)])
    assert "Studio's Load Video gives that video's frames and sound itself" in line and "not applied" not in line


def test_a_twin_read_as_another_names_the_socket_values_its_file_saves():
    """FizzNodes' PromptSchedule read as CLIPTextEncode: a value the file saves for an input it declares as a socket
    (its pre_text, forceInput) is named among what is not applied, never left out."""
    n = {
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "sd15.safetensors"}),
        "2": ("ADE_LoadAnimateDiffModel", {"model_name": "mm_sd15_v3.safetensors"}),
        "3": ("ADE_ApplyAnimateDiffModel", {"start_percent": 0, "end_percent": 1, "motion_model": ["2", 0]}),
        "4": ("ADE_UseEvolvedSampling", {"beta_schedule": "autoselect", "model": ["1", 0], "m_models": ["3", 0]}),
        "5": ("PromptSchedule", {"text": "\"0\": \"a fox\"", "max_frames": 16, "current_frame": 0,
                                 "print_output": False, "pre_text": "sharp, golden light", "app_text": "",
                                 "pw_a": 0, "pw_b": 0, "pw_c": 0, "pw_d": 0, "clip": ["1", 1]}),
        "6": ("CLIPTextEncode", {"text": "blurry", "clip": ["1", 1]}),
        "7": ("EmptyLatentImage", {"width": 512, "height": 512, "batch_size": 16}),
        "8": ("KSampler", {"seed": 5, "steps": 20, "cfg": 7, "sampler_name": "euler", "scheduler": "normal",
                           "denoise": 1, "model": ["4", 0], "positive": ["5", 0], "negative": ["6", 0],
                           "latent_image": ["7", 0]}),
        "9": ("VAEDecode", {"samples": ["8", 0], "vae": ["1", 2]}),
        "10": ("VHS_VideoCombine", {"frame_rate": 8, "loop_count": 0, "filename_prefix": "fox",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": True,
                                    "images": ["9", 0]}),
    }
    conv = convert({k: {"class_type": c, "inputs": i} for k, (c, i) in n.items()}, "schedule")
    # (since animd, a schedule is read as Studio's Prompt Schedule: its one keyframe the prompt, pre_text joined)
    gen = next(x for x in conv.graph.nodes.values() if x.type_id == "video_models.text_to_video")
    assert gen.params["prompt"] == "sharp, golden light a fox"


def test_a_video_combine_that_only_previews_is_said_to_be_written():
    """Video Combine with save_output off writes its video to ComfyUI's temp folder (a preview): Studio's Save Video
    writes it into out/, and says so."""
    from tests.convert.test_comfy_heldout7_mends import _ltx2_two_pass
    wf = _ltx2_two_pass(False)
    wf["30"] = {"class_type": "VHS_VideoCombine", "inputs": {"frame_rate": 25, "loop_count": 0, "filename_prefix": "p",
                                                             "format": "video/h264-mp4", "pingpong": False,
                                                             "save_output": False, "images": ["27", 0]}}
    wf.pop("29")
    conv = convert(wf, "preview")
    assert any("'VHS_VideoCombine' (#30) only previews its video in ComfyUI (its save_output off" in l for l in conv.log)


def test_an_animatediff_controlnet_task_names_its_motion_lora():
    """A motion LoRA (a node declaring a file setting and only a '*_LORA' output: AnimateDiff-Evolved's LoRA loader)
    on an AnimateDiff task's motion model (steered by a ControlNet: AnimateDiff ControlNet; held before it) is said,
    never left unnamed."""
    n = {
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "sd15.safetensors"}),
        "2": ("ADE_LoadAnimateDiffModel", {"model_name": "mm_sd15_v3.safetensors"}),
        "3": ("ADE_AnimateDiffLoRALoader", {"name": "zoom_in.safetensors", "strength": 0.75}),
        "4": ("ADE_ApplyAnimateDiffModel", {"start_percent": 0, "end_percent": 1, "motion_model": ["2", 0],
                                            "motion_lora": ["3", 0]}),
        "5": ("ADE_UseEvolvedSampling", {"beta_schedule": "autoselect", "model": ["1", 0], "m_models": ["4", 0]}),
        "6": ("CLIPTextEncode", {"text": "a fox", "clip": ["1", 1]}),
        "7": ("CLIPTextEncode", {"text": "blurry", "clip": ["1", 1]}),
        "8": ("ControlNetLoaderAdvanced", {"control_net_name": "control_v11p_sd15_openpose.pth"}),
        "9": ("VHS_LoadImages", {"directory": "poses", "image_load_cap": 0, "skip_first_images": 0,
                                 "select_every_nth": 1}),
        "10": ("ControlNetApplyAdvanced", {"strength": 1, "start_percent": 0, "end_percent": 1, "positive": ["6", 0],
                                           "negative": ["7", 0], "control_net": ["8", 0], "image": ["9", 0]}),
        "11": ("EmptyLatentImage", {"width": 512, "height": 512, "batch_size": 16}),
        "12": ("KSampler", {"seed": 5, "steps": 20, "cfg": 7, "sampler_name": "euler", "scheduler": "normal",
                            "denoise": 1, "model": ["5", 0], "positive": ["10", 0], "negative": ["10", 1],
                            "latent_image": ["11", 0]}),
        "13": ("VAEDecode", {"samples": ["12", 0], "vae": ["1", 2]}),
        "14": ("VHS_VideoCombine", {"frame_rate": 8, "loop_count": 0, "filename_prefix": "fox",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": True,
                                    "images": ["13", 0]}),
    }
    conv = convert({k: {"class_type": c, "inputs": i} for k, (c, i) in n.items()}, "motion_lora")
    assert conv.tasks and conv.tasks[0]["generator"] == "video_models.animatediff_controlnet"
    assert conv.tasks[0]["task"] == "text to video steered by a ControlNet"
    assert any("(ADE_AnimateDiffLoRALoader, #3)'s motion LoRA 'zoom_in.safetensors' (strength 0.75) is read as a LoRA on "
               "the model: where a generator is made from that model, a Video LoRA on it" in line for line in conv.log)
    assert "video_models.lora" in {x.type_id for x in conv.graph.nodes.values()}


def test_a_size_from_an_aspect_ratio_and_a_length_is_worked_out_by_its_settings():
    """A node (invented) of the settings aspect_ratio 'W:H', scale_to_side, scale_to_length and round_to_multiple
    gives its 'width' and 'height' outputs worked out (1024 x 576 for 16:9 at the longest side 1024, multiples of 64);
    a side needing a rounding (16:9 at 1000) or an 'original' ratio is not worked out."""
    from studio.convert.reading.aspect_size import aspect_size
    from studio.convert.reading.workflow import CNode
    names = ["image", "mask", "original_size", "width", "height"]

    def size(**w):
        n = CNode("1", "SomeAspectScaler", widgets=w, out_names=names)
        return aspect_size(n, 3, n.widgets.get, names), aspect_size(n, 4, n.widgets.get, names)
    base = {"aspect_ratio": "16:9", "scale_to_side": "longest", "scale_to_length": 1024, "round_to_multiple": "64"}
    assert size(**base) == (1024, 576)
    assert size(**{**base, "aspect_ratio": "9:16"}) == (576, 1024)
    assert size(**{**base, "scale_to_side": "shortest", "scale_to_length": 576}) == (1024, 576)
    assert size(**{**base, "scale_to_length": 1000}) == (None, None)
    assert size(**{**base, "aspect_ratio": "original"}) == (None, None)
