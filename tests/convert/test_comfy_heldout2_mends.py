"""Mechanisms a second held-out set (benchmarks/results/heldout2_2026-11-29.md) showed, each on a small hand-written
workflow: FramePack F1 (the PlusOne fork's sampler fed by its timed prompt) made as the Framepack node; a pack's
sampler on its own model type never said to be 'a step'; an image-to-video strength Studio keeps as it is (1) not said
as 'not taken'; InfiniteTalk's rate (25 fps) said where the workflow writes another."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_conditioned import _talk_v2v
from tests.convert.test_comfy_wrappers import UI, _nodes


def _framepack_f1(text: str):
    w = UI()
    model = w.add("LoadFramePackModel", ["FramePackI2V_HY_bf16.safetensors", "bf16", "disabled", "offload_device", "sdpa"])
    clip = w.add("DualCLIPLoader", ["clip_l.safetensors", "llava_llama3_fp16.safetensors", "hunyuan_video", "default"])
    timed = w.add("FramePackTimestampedTextEncode", [text, "ugly", 4, 9, 0], clip=(clip, 0))
    vae = w.add("VAELoader", ["hunyuan_video_vae_bf16.safetensors"])
    image = w.add("LoadImage", ["first.png", "image"])
    start = w.add("VAEEncode", [], pixels=(image, 0), vae=(vae, 0))
    sig = w.add("CLIPVisionLoader", ["sigclip_vision_patch14_384.safetensors"])
    embeds = w.add("CLIPVisionEncode", ["center"], clip_vision=(sig, 0), image=(image, 0))
    s = w.add("FramePackSampler_F1", [20, True, 0.15, 1, 10, 0, 47, "fixed", 6, "unipc_bh1", "disabled", 1, 1],
              model=(model, 0), positive_timed_data=(timed, 0), negative=(timed, 1), start_latent=(start, 0),
              start_image_embeds=(embeds, 0))
    dec = w.add("VAEDecodeTiled", [256, 64, 64, 8], samples=(s, 0), vae=(vae, 0))
    w.add("VHS_VideoCombine", {"frame_rate": 30, "filename_prefix": "fp"}, images=(dec, 0))
    return w.doc()


def test_framepack_f1_is_the_framepack_node_read_forward_with_its_timed_prompt():
    conv = convert(_framepack_f1("[0s-4s: a stag in a misty forest]"), "f1")
    assert conv.graph.validate() == []
    assert [t["generator"] for t in conv.tasks] == ["video_models.framepack"]
    p = _nodes(conv, "video_models.framepack")[0].params
    assert (p["prompt"], p["negative_prompt"], p["frames"], p["window"], p["steps"], p["guidance"], p["seed"],
            p["sampling"]) == ("a stag in a misty forest", "ugly", 109, 9, 20, 10.0, 47, "vanilla")  # 4 s: 3
    # whole sections of 9 latent frames after the start's, 109 frames (heldout73's mend 7)
    assert not any("a step between" in line for line in conv.log)
    assert conv.dropped == []  # the SigLIP loader and encoder said as the node's own, not 'not converted'
    assert any("SigLIP image encoder of its 'base' folder" in line and "sigclip_vision_patch14_384" in line
               for line in conv.log)


def test_framepack_f1_with_several_timed_prompts_is_the_nodes_timed_prompts():
    """(framepack10) PlusOne's spans aligned to whole sections of 1.2 s (window 9): 2 s is the third section's
    start, 2.4 s; the node's seconds counted at FramePack's 30 fps."""
    conv = convert(_framepack_f1("[0s: a stag walks] [2s-4s: the stag runs]"), "f1")
    p = _nodes(conv, "video_models.framepack")[0].params
    assert (p["prompt"], p["prompts"], p["timed_fps"]) == ("a stag walks", "2.4: the stag runs", 30.0)
    said = " ".join(conv.log) + " ".join(n["text"] for n in conv.graph.ui.get("notes", []))
    assert "times 2 prompts" in said and "prompt 'a stag walks' and its timed prompts: from 2.4 s 'the stag runs'" in said


def test_a_pack_sampler_on_its_own_model_type_is_not_called_a_step():
    """An uncatalogued pack's sampler (its model socket typed by the file 'AcmeMODEL', a start latent in, a LATENT
    out): held as the maker of the video, never 'a step between its negative and ...'."""
    doc = {"nodes": [
        {"id": 1, "type": "AcmeLoader", "mode": 0, "inputs": [], "outputs": [{"name": "model", "type": "AcmeMODEL", "links": [1]}],
         "widgets_values": ["acme.safetensors"]},
        {"id": 2, "type": "CLIPTextEncode", "mode": 0, "inputs": [{"name": "clip", "type": "CLIP", "link": None}],
         "outputs": [{"name": "CONDITIONING", "type": "CONDITIONING", "links": [2]}], "widgets_values": ["x"]},
        {"id": 3, "type": "AcmeSampler", "mode": 0,
         "inputs": [{"name": "model", "type": "AcmeMODEL", "link": 1}, {"name": "negative", "type": "CONDITIONING", "link": 2},
                    {"name": "start_latent", "type": "LATENT", "link": 5}],
         "outputs": [{"name": "samples", "type": "LATENT", "links": [3]}], "widgets_values": [20, 7]},
        {"id": 4, "type": "VAEDecode", "mode": 0, "inputs": [{"name": "samples", "type": "LATENT", "link": 3},
                                                           {"name": "vae", "type": "VAE", "link": None}],
         "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [4]}], "widgets_values": []},
        {"id": 5, "type": "VHS_VideoCombine", "mode": 0, "inputs": [{"name": "images", "type": "IMAGE", "link": 4}],
         "outputs": [], "widgets_values": {"frame_rate": 16, "filename_prefix": "a"}},
        {"id": 6, "type": "EmptyLatentImage", "mode": 0, "inputs": [],
         "outputs": [{"name": "LATENT", "type": "LATENT", "links": [5]}], "widgets_values": [512, 512, 1]}],
        "links": [[1, 1, 0, 3, 0, "AcmeMODEL"], [2, 2, 0, 3, 1, "CONDITIONING"], [3, 3, 0, 4, 0, "LATENT"],
                  [4, 4, 0, 5, 0, "IMAGE"], [5, 6, 0, 3, 2, "LATENT"]]}
    conv = convert(doc, "acme")
    said = " ".join(conv.log) + " ".join(n["text"] for n in conv.graph.ui.get("notes", []))
    assert "AcmeSampler" in said and "a step between its 'negative'" not in said
    # held as what makes the video (mapping.pack_makers), its loader and prompt named with it
    assert "3" in conv.passed and "Studio cannot convert 'AcmeSampler' (AcmeSampler, #3), which makes it" in conv.log[0]


def _ltxv_i2v(strength):
    w = UI()
    ckpt = w.add("CheckpointLoaderSimple", ["ltxv-2b-0.9.8-distilled.safetensors"])
    clip = w.add("CLIPLoader", ["t5xxl_fp16.safetensors", "ltxv", "default"])
    pos = w.add("CLIPTextEncode", ["a helmet in the rain"], clip=(clip, 0))
    neg = w.add("CLIPTextEncode", ["blurry"], clip=(clip, 0))
    img = w.add("LoadImage", ["helmet.png", "image"])
    i2v = w.add("LTXVImgToVideo", [768, 512, 97, 1, strength], positive=(pos, 0), negative=(neg, 0), vae=(ckpt, 2),
                image=(img, 0))
    s = w.add("KSampler", [1, "fixed", 8, 1.0, "euler", "simple", 1.0], model=(ckpt, 0), positive=(i2v, 0),
              negative=(i2v, 1), latent_image=(i2v, 2))
    dec = w.add("VAEDecode", [], samples=(s, 0), vae=(ckpt, 2))
    w.add("VHS_VideoCombine", {"frame_rate": 25, "filename_prefix": "ltx"}, images=(dec, 0))
    return w.doc()


def test_an_image_strength_studio_keeps_is_not_said_as_not_taken():
    said = {}
    for strength in (1, 0.8):
        conv = convert(_ltxv_i2v(strength), "ltx")
        assert [t["task"] for t in conv.tasks] == ["image to video"]
        said[strength] = " ".join(conv.log) + " ".join(n["text"] for n in conv.graph.ui.get("notes", []))
    assert "strength 1 " not in said[1] and "strength 0.8" in said[0.8]


def _talk(fps) -> dict:
    """InfiniteTalk from a still (its image to video) written by CreateVideo at ``fps``: the v2v graph of
    test_comfy_conditioned with its clip made a picture."""
    wf = _talk_v2v()
    del wf["11"], wf["13"]
    wf["10"] = {"class_type": "LoadImage", "inputs": {"image": "face.png"}}
    wf["12"]["inputs"].update(width=640, height=640, start_image=["10", 0])
    wf["14"]["inputs"].update(denoise=1.0, latent_image=["12", 3])
    wf["16"]["inputs"]["fps"] = fps
    return wf


def test_infinitetalk_says_the_workflows_other_rate_where_it_makes_its_own():
    said = {}
    for fps in (16, 25):
        conv = convert(_talk(fps), "talk")
        assert [t["generator"] for t in conv.tasks] == ["video_models.infinitetalk"]
        assert _nodes(conv, "video_models.infinitetalk")[0].params["fps"] == 25.0
        said[fps] = " ".join(conv.log) + " ".join(n["text"] for n in conv.graph.ui.get("notes", []))
    assert "writes the video at 16 fps: Studio's InfiniteTalk makes it at 25 fps" in said[16]
    assert "writes the video at" not in said[25]


def test_an_unread_node_heading_the_models_way_is_not_said_to_be_between_a_loader_and_the_sampler():
    doc = {
        "1": {"class_type": "AcmeModelMaker", "inputs": {"ckpt": "hunyuan_video_720_cfgdistill_fp8_e4m3fn.safetensors",
                                                         "merge": "other.safetensors"}},  # (two files: no loader of one)
        "2": {"class_type": "LoraLoaderModelOnly", "inputs": {"lora_name": "style.safetensors", "strength_model": 0.8,
                                                              "model": ["1", 0]}},
        "3": {"class_type": "CLIPLoader", "inputs": {"clip_name": "llava_llama3_fp8_scaled.safetensors",
                                                     "type": "hunyuan_video"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "a fox", "clip": ["3", 0]}},
        "5": {"class_type": "EmptyHunyuanLatentVideo", "inputs": {"width": 848, "height": 480, "length": 73,
                                                                  "batch_size": 1}},
        "6": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 20, "cfg": 6.0, "sampler_name": "euler",
                                                   "scheduler": "simple", "denoise": 1.0, "model": ["2", 0],
                                                   "positive": ["4", 0], "negative": ["4", 0], "latent_image": ["5", 0]}},
        "7": {"class_type": "VAELoader", "inputs": {"vae_name": "hunyuan_video_vae_bf16.safetensors"}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["6", 0], "vae": ["7", 0]}},
        "9": {"class_type": "SaveWEBM", "inputs": {"filename_prefix": "fox", "codec": "vp9", "fps": 24, "crf": 32,
                                                   "images": ["8", 0]}}}
    conv = convert(doc, "maker")
    said = " ".join(conv.log) + " ".join(n["text"] for n in conv.graph.ui.get("notes", []))
    assert "'AcmeModelMaker' (AcmeModelMaker, #1) makes the model 'KSampler' samples with from its settings alone" in said
    assert "between the model loader and" not in said


def _enable_not(enable: bool) -> dict:
    return {"nodes": [
        {"id": 1, "type": "LoadImageWithEnable", "mode": 0,
         "inputs": [{"name": "image", "type": "COMBO", "link": None, "widget": {"name": "image"}},
                    {"name": "enable", "type": "BOOLEAN", "link": None, "widget": {"name": "enable"}},
                    {"name": "upload", "type": "IMAGEUPLOAD", "link": None, "widget": {"name": "upload"}}],
         "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": []}, {"name": "MASK", "type": "MASK", "links": []},
                     {"name": "ENABLE", "type": "BOOLEAN", "links": [1]}],
         "widgets_values": ["first.png", enable, "image"]},
        {"id": 2, "type": "ComfyNotNode", "mode": 0, "inputs": [{"name": "value", "type": "*", "link": 1}],
         "outputs": [{"name": "BOOLEAN", "type": "BOOLEAN", "links": []}], "widgets_values": []}],
        "links": [[1, 1, 2, 2, 0, "BOOLEAN"]]}


def test_a_loaders_enable_given_out_as_it_is_and_its_negation_are_worked_out():
    """LoadImageWithEnable's 'ENABLE' output is its own 'enable' setting (read as a LoadImage, the setting kept), and
    a NOT of it (ComfyUI's ComfyNotNode, one input of any type, a BOOLEAN out) its other truth: the switches and the
    image-to-video 'bypass' such a workflow wires to them are known when converting."""
    from studio.convert.reading.workflow import Workflow
    for enable in (False, True):
        wf = Workflow.read(_enable_not(enable))
        loader, neg = wf.nodes["1"], wf.nodes["2"]
        assert loader.cls == "LoadImage" and wf.value(loader, "image") == "first.png"
        assert wf.output(loader, 2) is enable and wf.output(neg, 0) is (not enable)


def test_settings_saved_by_place_say_the_values_wired_over_them():
    """A node whose saved settings have no names (a pack's newer version saving one value more than it declares) and
    whose width is wired from a constant: its settings are said with the wired width first, never the saved 832 alone
    as if it were the size used."""
    from studio.convert.mapping.passing import _settings
    from studio.convert.reading.workflow import Workflow
    doc = {"nodes": [
        {"id": 1, "type": "PrimitiveInt", "mode": 0, "inputs": [], "outputs": [{"name": "INT", "type": "INT", "links": [1]}],
         "widgets_values": [1280, "fixed"]},
        {"id": 2, "type": "AcmeResize", "mode": 0,
         "inputs": [{"name": "image", "type": "IMAGE", "link": None},
                    {"name": "width", "type": "INT", "link": 1, "widget": {"name": "width"}}],
         "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": []}], "widgets_values": [832, 480, "lanczos"]}],
        "links": [[1, 1, 0, 2, 1, "INT"]]}
    wf = Workflow.read(doc)
    text = _settings(wf, wf.nodes["2"])
    assert text.startswith("width 1280 wired; saved by place: #0 832"), text


def test_a_wrapper_sampler_saved_out_of_its_places_is_not_read_by_place_and_its_lora_select_is_kept():
    """A hand-written HunyuanVideo wrapper file: HyVideoSampler saved with 4 values ([42, 'fixed', 30, 6.0]) where the
    wrapper's seed control is its 8th: none read by place (said), not 'steps 6, width 42'; its HyVideoLoraSelect wired
    as a model pass (model in, model out) carried as the LoRA it names, never dropped unsaid."""
    w = UI()
    loader = w.add("HyVideoModelLoader", ["hunyuan_video_t2v_720p_bf16.safetensors"])
    lora = w.add("HyVideoLoraSelect", ["lizzchar_lora.safetensors", 0.85], model=(loader, 0))
    te = w.add("DownloadAndLoadHyVideoTextEncoder", None)
    pos = w.add("HyVideoTextEncode", ["a fox turns its head"], clip=(te, 0))
    s = w.add("HyVideoSampler", [42, "fixed", 30, 6.0], model=(lora, 0), positive=(pos, 0))
    vae = w.add("HyVideoVAELoader", ["hunyuan_video_vae_bf16.safetensors"])
    dec = w.add("HyVideoDecode", None, samples=(s, 0), vae=(vae, 0))
    w.add("VHS_VideoCombine", {"frame_rate": 24, "filename_prefix": "hy"}, images=(dec, 0))
    conv = convert(w.doc(), "hy")
    loras = _nodes(conv, "video_models.lora")
    assert [(n.params["lora"], n.params["strength"]) for n in loras] == [("lizzchar_lora.safetensors", 0.85)]
    gen = _nodes(conv, "video_models.text_to_video")[0].params
    assert gen["width"] != 42 and gen["steps"] != 6
    assert any("saves its seed's 'fixed' at place 2 of its 4 values" in line for line in conv.log)
    said = " ".join(n["text"] for n in conv.graph.ui.get("notes", []))
    assert "the first pass's steps is not read from 'HyVideoSampler' (#5)" in said, said
    assert "made by nodes Studio does not read" not in said


def test_a_task_node_passed_over_is_said_as_the_conditioning_it_makes_not_a_step():
    """A WanImageToVideo whose conditioning only a pass Studio does not make reads (its latent unused): passed with the
    words of what it is (the image-to-video conditioning), never 'a step between its positive and ...'."""
    from studio.convert.mapping.passing import _sentence
    from studio.convert.reading.workflow import Workflow
    doc = {
        "1": {"class_type": "LoadImage", "inputs": {"image": "a.png"}},
        "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "x", "clip": ["9", 0]}},
        "3": {"class_type": "WanImageToVideo", "inputs": {"width": 480, "height": 480, "length": 33, "batch_size": 1,
                                                          "positive": ["2", 0], "negative": ["2", 0], "vae": ["8", 0],
                                                          "start_image": ["1", 0]}},
        "4": {"class_type": "CFGGuider", "inputs": {"cfg": 1.0, "model": ["7", 0], "positive": ["3", 0],
                                                    "negative": ["3", 1]}}}
    wf = Workflow.read(doc)
    n, g = wf.nodes["3"], wf.nodes["4"]
    line = _sentence(wf, n, [(g, "positive", 0), (g, "negative", 1)])
    assert line is not None and "makes the conditioning (image to video) it gives" in line and "a step" not in line
