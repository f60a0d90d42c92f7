"""Mechanisms a twelfth held-out set (benchmarks/results/heldout12_2026-11-29.md: Chinese, Japanese and personal repos)
showed, each on a small hand-written workflow with invented pack node names where the rule is by types: a model loader
behind a node taking the model on an input of any type (a VRAM setter); a held task's second expert; a picture an image
sampler makes for a latent node's start frame (not the video's first pass, nor the video file's frames); a held
SamplerCustomAdvanced's prompts (its guider's)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api as _api, said as _said


def _params(conv, type_id: str) -> list[dict]:
    return [n.params for n in conv.graph.nodes.values() if n.type_id == type_id]


def _wan_i2v(model_way: list, extra: dict | None = None) -> dict:
    """A Wan 2.1 I2V (API, no types saved) whose sampler takes its model on ``model_way``."""
    n = {
        "1": ("UnetLoaderGGUF", {"unet_name": "wan2.1-i2v-14b-480p-Q4.gguf"}),
        "2": ("CLIPLoader", {"clip_name": "umt5.safetensors", "type": "wan", "device": "default"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "a cat walks", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "6": ("LoadImage", {"image": "cat.png"}),
        "7": ("WanImageToVideo", {"width": 480, "height": 832, "length": 33, "batch_size": 1, "positive": ["4", 0],
                                  "negative": ["5", 0], "vae": ["3", 0], "start_image": ["6", 0]}),
        "8": ("KSampler", {"seed": 1, "steps": 6, "cfg": 1, "sampler_name": "euler", "scheduler": "simple",
                           "denoise": 1, "model": model_way, "positive": ["7", 0], "negative": ["7", 1],
                           "latent_image": ["7", 2]}),
        "9": ("VAEDecode", {"samples": ["8", 0], "vae": ["3", 0]}),
        "10": ("CreateVideo", {"fps": 16, "images": ["9", 0]}),
        "11": ("SaveVideo", {"filename_prefix": "v", "format": "mp4", "codec": "auto", "video": ["10", 0]}),
    }
    n.update(extra or {})
    return _api(n)


def test_a_loader_behind_a_node_taking_the_model_on_an_input_of_any_type_is_found():
    """An invented VRAM setter (no pack declares it; an API file saves no types) takes the GGUF loader's model on
    'anything' and gives it to the sampler: the loader is the generator's model (not 'no model loader found'), the
    setter said not applied (its settings), the loader never said 'not applied either'."""
    conv = convert(_wan_i2v(["20", 0], {"20": ("InventedVRAMSetter", {"reserved": 2, "mode": "manual",
                                                                    "anything": ["1", 0]})}), "vram.json")
    said = _said(conv)
    assert [p["model"] for p in _params(conv, "video_models.load")] == ["wan2.1-i2v-14b-480p-Q4.gguf"]
    assert "no model loader found" not in said
    setter = next(x for x in said.splitlines() if "(InventedVRAMSetter, #20" in x and "between the model loader" in x)
    assert "is not applied" in setter and "'reserved': 2" in setter.replace('"', "'")
    assert "nor what it is given on 'anything'" not in setter  # (the model's way in, not what it is made with)
    assert not any("(UnetLoaderGGUF, #1)" in x and "not applied either" in x for x in said.splitlines())


def test_a_held_task_holds_its_second_expert():
    """A Wan 2.2 two-expert I2V whose latent comes from an invented pack's image-to-video node Studio does not know:
    held, its Load Video Model holding both experts' files (the low-noise one was counted read and named nowhere)."""
    wf = _api({
        "1": ("UNETLoader", {"unet_name": "wan2.2_i2v_high_noise_14B.safetensors", "weight_dtype": "default"}),
        "2": ("UNETLoader", {"unet_name": "wan2.2_i2v_low_noise_14B.safetensors", "weight_dtype": "default"}),
        "3": ("CLIPLoader", {"clip_name": "umt5.safetensors", "type": "wan", "device": "default"}),
        "4": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "5": ("CLIPTextEncode", {"text": "a cat", "clip": ["3", 0]}),
        "6": ("CLIPTextEncode", {"text": "blurry", "clip": ["3", 0]}),
        "7": ("LoadImage", {"image": "cat.png"}),
        "8": ("InventedInfiniteImageToVideo", {"width": 480, "height": 832, "length": 81, "positive": ["5", 0],
                                               "negative": ["6", 0], "vae": ["4", 0], "start_image": ["7", 0]}),
        "9": ("KSamplerAdvanced", {"add_noise": "enable", "noise_seed": 1, "steps": 8, "cfg": 1,
                                   "sampler_name": "euler", "scheduler": "simple", "start_at_step": 0,
                                   "end_at_step": 4, "return_with_leftover_noise": "enable", "model": ["1", 0],
                                   "positive": ["8", 0], "negative": ["8", 1], "latent_image": ["8", 2]}),
        "10": ("KSamplerAdvanced", {"add_noise": "disable", "noise_seed": 1, "steps": 8, "cfg": 1,
                                    "sampler_name": "euler", "scheduler": "simple", "start_at_step": 4,
                                    "end_at_step": 10000, "return_with_leftover_noise": "disable",
                                    "model": ["2", 0], "positive": ["8", 0], "negative": ["8", 1],
                                    "latent_image": ["9", 0]}),
        "11": ("VAEDecode", {"samples": ["10", 0], "vae": ["4", 0]}),
        "12": ("CreateVideo", {"fps": 16, "images": ["11", 0]}),
        "13": ("SaveVideo", {"filename_prefix": "v", "format": "mp4", "codec": "auto", "video": ["12", 0]}),
    })
    conv = convert(wf, "held_experts.json")
    assert not any(t["generator"] for t in conv.tasks)  # held
    loads = _params(conv, "video_models.load")
    assert [(p["model"], p.get("model_2")) for p in loads] == [
        ("wan2.2_i2v_high_noise_14B.safetensors", "wan2.2_i2v_low_noise_14B.safetensors")]


def _picture_for_a_guide() -> dict:
    """LTX-2: the start frame a latent node takes on its 'image' is a picture an image model's sampler makes (an
    image edit of a still), the video sampled by SamplerCustomAdvanced with a guider, its guides cropped after it."""
    return _api({
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "ltx-2-19b-dev.safetensors"}),
        "2": ("LTXAVTextEncoderLoader", {"text_encoder": "gemma_3_12B_it.safetensors",
                                         "ckpt_name": "ltx-2-19b-dev.safetensors", "device": "default"}),
        "3": ("CLIPTextEncode", {"text": "a girl dances", "clip": ["2", 0]}),
        "4": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "5": ("LTXVConditioning", {"frame_rate": 24, "positive": ["3", 0], "negative": ["4", 0]}),
        "20": ("CheckpointLoaderSimple", {"ckpt_name": "image_edit_model.safetensors"}),
        "21": ("LoadImage", {"image": "still.png"}),
        "22": ("CLIPTextEncode", {"text": "make her wave", "clip": ["20", 1]}),
        "23": ("VAEEncode", {"pixels": ["21", 0], "vae": ["20", 2]}),
        "24": ("KSampler", {"seed": 1, "steps": 4, "cfg": 1, "sampler_name": "euler", "scheduler": "simple",
                            "denoise": 0.7, "model": ["20", 0], "positive": ["22", 0], "negative": ["22", 0],
                            "latent_image": ["23", 0]}),
        "25": ("VAEDecode", {"samples": ["24", 0], "vae": ["20", 2]}),
        "6": ("EmptyLTXVLatentVideo", {"width": 512, "height": 768, "length": 97, "batch_size": 1}),
        "7": ("LTXVImgToVideoInplace", {"strength": 1, "bypass": False, "vae": ["1", 2], "image": ["25", 0],
                                        "latent": ["6", 0]}),
        "8": ("InventedGuideAdder", {"strength": 1, "positive": ["5", 0], "negative": ["5", 1], "vae": ["1", 2],
                                     "latent": ["7", 0], "image": ["21", 0]}),
        "9": ("CFGGuider", {"cfg": 1, "model": ["1", 0], "positive": ["8", 0], "negative": ["8", 1]}),
        "10": ("KSamplerSelect", {"sampler_name": "euler"}),
        "11": ("ManualSigmas", {"sigmas": "1.0, 0.9, 0.7, 0.4, 0.0"}),
        "12": ("RandomNoise", {"noise_seed": 3}),
        "13": ("SamplerCustomAdvanced", {"noise": ["12", 0], "guider": ["9", 0], "sampler": ["10", 0],
                                         "sigmas": ["11", 0], "latent_image": ["8", 2]}),
        "14": ("LTXVCropGuides", {"positive": ["8", 0], "negative": ["8", 1], "latent": ["13", 0]}),
        "15": ("VAEDecode", {"samples": ["14", 2], "vae": ["1", 2]}),
        "16": ("CreateVideo", {"fps": 24, "images": ["15", 0]}),
        "17": ("SaveVideo", {"filename_prefix": "v", "format": "mp4", "codec": "auto", "video": ["16", 0]}),
    })


def test_a_picture_an_image_sampler_makes_for_a_start_frame_is_no_pass_of_the_video():
    """The image model's KSampler reached through the guides LTXVCropGuides takes after the video's sampler is not
    the video's first pass: the task is held as image to video whose start image the workflow generates first (not
    'given to the sampler by' the image edit's nodes), with the video's own prompts as Text Prompts."""
    conv = convert(_picture_for_a_guide(), "guide_picture.json")
    said = _said(conv)
    first = conv.log[0]
    assert "the start image the workflow generates first" in first
    assert "given to the sampler by" not in first
    texts = {p["text"] for p in _params(conv, "io.text")}
    assert {"a girl dances", "blurry"} <= texts  # (the guider's prompts of the held SamplerCustomAdvanced)
    assert "encodes the pictures on its 'image' (from 'still.png'" not in said  # (a sampler made that picture)


def test_a_held_sampler_custom_advanced_keeps_its_guiders_prompts():
    """A held LTX-2 take sampled by SamplerCustomAdvanced: its CFGGuider's positive and negative prompts are held as
    Text Prompts and named in the held sentence (they were listed as not converted)."""
    wf = _picture_for_a_guide()
    conv = convert(wf, "guider_prompts.json")
    assert "prompt 'a girl dances' as a Text Prompt" in conv.log[0]
    assert "negative prompt 'blurry' as a Text Prompt" in conv.log[0]


def _ui(nodes: list[tuple], links: list[tuple]) -> dict:
    """A UI workflow: nodes (id, type, inputs [(name, type)], outputs [type], widgets_values), links (from id, from
    slot, to id, input name)."""
    made, table = [], []
    for k, (a, slot, b, name) in enumerate(links, 1):
        table.append([k, a, slot, b, [n for n, _ in next(x for x in nodes if x[0] == b)[2]].index(name), "*"])
    for nid, cls, ins, outs, values in nodes:
        made.append({
            "id": nid, "type": cls, "mode": 0, "pos": [0, 0], "properties": {}, "widgets_values": values,
            "inputs": [{"name": n, "type": t, "link": next((r[0] for r in table if r[3] == nid and r[4] == i), None)}
                       for i, (n, t) in enumerate(ins)],
            "outputs": [{"name": t.lower(), "type": t, "links": [r[0] for r in table if r[1] == nid and r[2] == i]}
                        for i, t in enumerate(outs)]})
    return {"nodes": made, "links": table, "version": 0.4}


def test_a_held_prompt_written_by_another_node_is_not_held_as_its_saved_text():
    """A held Wan I2V (an invented pack's latent maker) whose positive encoder's text is wired from an invented
    captioner (its text made when the workflow runs): the text the UI file saved on the encoder (stale) is not held
    as the task's prompt; the held sentence says the prompt is written by another node (TTP's held file)."""
    c = "CONDITIONING"
    wf = _ui([
        (1, "UNETLoader", [], ["MODEL"], ["wan2.1_i2v_480p_14B.safetensors", "default"]),
        (2, "CLIPLoader", [], ["CLIP"], ["umt5.safetensors", "wan", "default"]),
        (3, "VAELoader", [], ["VAE"], ["wan_2.1_vae.safetensors"]),
        (4, "CLIPTextEncode", [("clip", "CLIP"), ("text", "STRING")], [c], ["stale words"]),
        (5, "CLIPTextEncode", [("clip", "CLIP")], [c], ["blurry"]),
        (6, "LoadImage", [], ["IMAGE", "MASK"], ["cat.png", "image"]),
        (7, "InventedImageToVideo", [("positive", c), ("negative", c), ("vae", "VAE"), ("start_image", "IMAGE")],
         [c, c, "LATENT"], [480, 832, 33]),
        (8, "KSampler", [("model", "MODEL"), ("positive", c), ("negative", c), ("latent_image", "LATENT")], ["LATENT"],
         [1, "fixed", 6, 1, "euler", "simple", 1]),
        (9, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
        (10, "CreateVideo", [("images", "IMAGE")], ["VIDEO"], [16]),
        (11, "InventedCaptioner", [("image", "IMAGE")], ["STRING"], ["describe her"]),
        (12, "SaveVideo", [("video", "VIDEO")], [], ["v", "auto", "auto"]),
    ], [(1, 0, 8, "model"), (2, 0, 4, "clip"), (2, 0, 5, "clip"), (11, 0, 4, "text"), (4, 0, 7, "positive"),
        (5, 0, 7, "negative"), (3, 0, 7, "vae"), (6, 0, 7, "start_image"), (6, 0, 11, "image"),
        (7, 0, 8, "positive"), (7, 1, 8, "negative"), (7, 2, 8, "latent_image"), (8, 0, 9, "samples"),
        (3, 0, 9, "vae"), (9, 0, 10, "images"), (10, 0, 12, "video")])
    conv = convert(wf, "wired_prompt.json")
    assert not any(t["generator"] for t in conv.tasks)  # held
    texts = {p["text"] for p in _params(conv, "io.text")}
    assert "stale words" not in texts and "blurry" in texts
    assert "the positive prompt of 'CLIPTextEncode' (CLIPTextEncode, #4), written by another node" in conv.log[0]
