"""Issue 99, item 6: a prompt made by other nodes is read where it is knowable (texts joined by ComfyUI's
StringConcatenate or a pack's join node, from primitives and settings; a pack's switch whose choice is set),
otherwise said, never left as Studio's default in silence. Small workflows of our own (Wan 2.1 text to video, API and UI JSON)."""
from __future__ import annotations

import json
import os

from studio.convert.mapping.convert import convert
from studio.core.registry import default_registry

from .test_comfy_wiring import UI
from tests.convert.said import notes as _notes

DATA = os.path.join(os.path.dirname(__file__), "data", "wan21_t2v_api.json")


def _wan(text_from: list, **extra) -> dict:
    with open(DATA, encoding="utf-8") as f:
        d = json.load(f)
    d["6"]["inputs"]["text"] = text_from  # the positive prompt's text wired from another node
    d.update(extra)
    return d


def _gen(conv):
    return next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video")


def test_a_prompt_joined_from_a_primitive_and_a_setting_is_read():
    """StringConcatenate of a PrimitiveStringMultiline and its own text, joined by ', ': the generator's prompt is
    the joined text, and nothing says it could not be read."""
    conv = convert(_wan(["40", 0], **{
        "41": {"class_type": "PrimitiveStringMultiline", "inputs": {"value": "a red fox"}},
        "40": {"class_type": "StringConcatenate", "inputs": {"string_a": ["41", 0], "string_b": "running through snow",
                                                             "delimiter": ", "}}}), "joined")
    assert _gen(conv).params["prompt"] == "a red fox, running through snow"
    assert "positive prompt" not in _notes(conv)
    # one of the texts written by a language model node when the workflow runs: read as the words it is given,
    # joined as the workflow joins them, and said (tracing/prompt_writers; the join is never read as its other text
    # alone), the generator's prompt not Studio's default
    conv = convert(_wan(["40", 0], **{
        "41": {"class_type": "OllamaGenerate", "inputs": {"prompt": "describe a fox", "model": "llama3"}},
        "40": {"class_type": "StringConcatenate", "inputs": {"string_a": ["41", 0], "string_b": "cinematic",
                                                             "delimiter": ", "}}}), "llm")
    assert "'OllamaGenerate' (OllamaGenerate, #41) writes its text from the words it is given on 'prompt' with 'llama3' when the " \
           "workflow runs: not applied" in _notes(conv)
    assert "(joined as 'StringConcatenate' (StringConcatenate, #40) joins it)" in _notes(conv)
    default = next(p.default for p in default_registry().get("video_models.text_to_video").params if p.name == "prompt")
    assert _gen(conv).params["prompt"] == "describe a fox, cinematic" != default


def test_a_packs_join_of_joins_in_a_ui_file_is_read_in_its_inputs_order():
    """KJNodes' JoinStrings (UI JSON, its values by place) fed by another join: the texts in their inputs' order."""
    w = UI()
    inner = w.add("JoinStrings", ["a red fox", "in the snow", " "], ["STRING"])
    outer = w.add("JoinStrings", ["", "cinematic light", ". "], ["STRING"], {"string1": (inner, 0, "STRING")})
    conv = convert(_ui_wan(w, outer, None), "ui_join")
    assert _gen(conv).params["prompt"] == "a red fox in the snow. cinematic light"


def _ui_wan(w: UI, positive: int | None, negative: int | None) -> dict:
    """Wan 2.1 text to video in UI JSON (KSampler, seed 5, saved as WEBP) added to ``w``, its positive and negative
    texts given by the nodes ``positive`` and ``negative`` (None: 'a red fox', 'blurry' as set)."""
    unet = w.add("UNETLoader", ["wan2.1_t2v_1.3B_fp16.safetensors", "default"], ["MODEL"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"], ["CLIP"])
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"], ["VAE"])
    texts = [w.add("CLIPTextEncode", ["" if given else text], ["CONDITIONING"], {
        "clip": (clip, 0, "CLIP"), **({"text": (given, 0, "STRING")} if given else {})})
        for given, text in ((positive, "a red fox"), (negative, "blurry"))]
    latent = w.add("EmptyHunyuanLatentVideo", [640, 352, 33, 1], ["LATENT"])
    ks = w.add("KSampler", [5, "fixed", 20, 6, "uni_pc", "simple", 1], ["LATENT"],
               {"model": (unet, 0, "MODEL"), "positive": (texts[0], 0, "CONDITIONING"),
                "negative": (texts[1], 0, "CONDITIONING"), "latent_image": (latent, 0, "LATENT")})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks, 0, "LATENT"), "vae": (vae, 0, "VAE")})
    w.add("SaveAnimatedWEBP", ["fox", 16, False, 90, "default"], [], {"images": (dec, 0, "IMAGE")})
    return w.doc()


def test_pack_switches_whose_choice_is_set_pass_on_the_chosen_input():
    """Impact's ImpactSwitch (select 2 of input1, input2: counted from 1) chooses the prompt; Crystools' switch
    (boolean off: on_false) chooses the model without the LoRA; Easy-Use's index switch (UI JSON, index 0 of
    value0, value1) chooses the negative prompt. Each is read as the link it passes on."""
    conv = convert(_wan(["40", 0], **{
        "41": {"class_type": "PrimitiveString", "inputs": {"value": "a cat"}},
        "42": {"class_type": "PrimitiveString", "inputs": {"value": "a red fox in the snow"}},
        "40": {"class_type": "ImpactSwitch", "inputs": {"select": 2, "sel_mode": False, "input1": ["41", 0],
                                                        "input2": ["42", 0]}}}), "switches")
    assert _gen(conv).params["prompt"] == "a red fox in the snow"
    assert "ImpactSwitch" in conv.log[0] and "positive prompt" not in _notes(conv)
    with open(DATA, encoding="utf-8") as f:
        doc = json.load(f)
    doc["5"]["inputs"]["model"] = ["43", 0]
    doc["43"] = {"class_type": "Switch any [Crystools]", "inputs": {"boolean": False, "on_true": ["4", 0],
                                                                    "on_false": ["1", 0]}}
    conv = convert(doc, "model_switch")
    assert not any(n.type_id == "video_models.lora" for n in conv.graph.nodes.values())  # the LoRA side is off
    doc["43"]["inputs"]["boolean"] = True
    assert [n.params["lora"] for n in convert(doc, "on").graph.nodes.values() if n.type_id == "video_models.lora"] \
        == ["my_style.safetensors"]
    w = UI()
    texts = [w.add("PrimitiveStringMultiline", [t], ["STRING"]) for t in ("blurry, static", "oversaturated")]
    pick = w.add("easy anythingIndexSwitch", [0], ["*"], {"value0": (texts[0], 0, "STRING"),
                                                           "value1": (texts[1], 0, "STRING")})
    w.nodes[-1]["inputs"].append({"name": "index", "type": "INT", "widget": {"name": "index"}, "link": None})
    assert _gen(convert(_ui_wan(w, None, pick), "ui_index")).params["negative_prompt"] == "blurry, static"
