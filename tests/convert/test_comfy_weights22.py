"""weights22: ComfyUI's prompt weights '(word:1.3)' in a converted prompt are kept as written, the generator applies
them (nodes' sampling/prompt_weighting.py) on the families whose 'prompt_weights' hook says 'weighs' (AnimateDiff,
Wan, ...), nothing said; on a family that weighs none (Mochi, HunyuanVideo) one sentence names the prompt's node and
its weights, not applied; on one whose ComfyUI text encoder reads none ('literal': LTX-2, Qwen-Image, ...) nothing is
lost and nothing said; escapes and x1 groups only: nothing said."""
from __future__ import annotations

from studio.convert.families import registry as families
from studio.convert.mapping.convert import convert
from tests.convert.builders import wan21_i2v_base, wan21_i2v_segment
from tests.convert.said import said as _said
from tests.convert.test_comfy_animatediff import _api
from tests.convert.test_comfy_heldout16_mends import _mochi_with_colour_match
from tests.convert.test_comfy_heldout7_mends import _hunyuan_t2v
from tests.convert.test_comfy_wrappers import _nodes


def _weights_lines(conv) -> list[str]:
    """The Log's lines about prompt weights (each also in the canvas note: checked there)."""
    lines = [str(x) for x in conv.log if "prompt weights" in str(x)]
    assert all(x.split(": ", 1)[1] in _said(conv) for x in lines)
    return lines


def _generator(conv):
    return next(n for n in conv.graph.nodes.values() if n.type_id.startswith("video_models.") and "prompt" in n.params)


def test_an_animatediff_prompt_keeps_its_weights_and_nothing_is_said():
    wf = _api()
    wf["7"]["inputs"]["text"] = "(worst quality:1.4), (blurry), nsfw"
    conv = convert(wf, "ad")
    assert conv.graph.validate() == []
    gen = next(n for t in conv.tasks for n in _nodes(conv, t["generator"]))
    assert gen.params["negative_prompt"] == "(worst quality:1.4), (blurry), nsfw"  # the generator weighs them
    assert _weights_lines(conv) == []


def test_a_wan_prompt_keeps_its_weights_and_nothing_is_said():
    more = wan21_i2v_segment(1, ["5", 0])
    more["105"] = {"class_type": "SaveAnimatedWEBP", "inputs": {
        "images": ["104", 0], "filename_prefix": "take", "fps": 16, "lossless": False, "quality": 90,
        "method": "default"}}
    wf = wan21_i2v_base(more)
    wf["100"]["inputs"]["text"] = "a (red:1.3) fox in the snow"
    conv = convert(wf, "wan")
    assert _generator(conv).params["prompt"] == "a (red:1.3) fox in the snow"
    assert _weights_lines(conv) == []


def test_on_mochi_the_weights_are_said_not_applied_naming_the_prompts_node():
    wf = _mochi_with_colour_match()
    wf["6"]["inputs"]["text"] = "a (fox:1.3) in the ((snow))"
    wf["7"]["inputs"]["text"] = "(blurry:0.5)"
    conv = convert(wf, "mochi")
    assert _generator(conv).params["prompt"] == "a (fox:1.3) in the ((snow))"  # kept: the run says it too
    lines = _weights_lines(conv)
    assert len(lines) == 2, lines
    pos = next(s for s in lines if "#6)" in s)
    assert pos.split(": ", 1)[1] == ("'CLIPTextEncode' (CLIPTextEncode, #6)'s positive prompt holds ComfyUI's prompt "
                                     "weights ('fox' x1.3, 'snow' x1.21): Studio weighs no token for Mochi 1's text "
                                     "encoder, so the words are encoded without the weight syntax, unweighted")
    assert any("#7)'s negative prompt holds ComfyUI's prompt weights ('blurry' x0.5)" in s for s in lines)


def test_on_hunyuanvideo_the_weights_are_said_and_escapes_alone_are_not():
    webp = {"class_type": "SaveAnimatedWEBP", "inputs": {"filename_prefix": "x", "fps": 24}}
    wf = _hunyuan_t2v(webp)
    wf["4"]["inputs"]["text"] = "a (red:1.2) car"
    assert any("'red' x1.2" in s for s in _weights_lines(convert(wf, "t.json")))
    wf["4"]["inputs"]["text"] = "a red car \\(1970\\), (racing:1.0)"
    assert _weights_lines(convert(wf, "t.json")) == []  # (nothing lost: the syntax removed as ComfyUI removes it)


def test_the_families_say_how_they_take_weights():
    assert {t: families.hook(families.titled(t), "prompt_weights") for t in
            ("Stable Diffusion 1.5", "Stable Diffusion XL", "AnimateDiff", "Wan 2.1", "Wan 2.2", "LTX-Video",
             "CogVideoX", "SkyReels-V2")} == dict.fromkeys(
        ("Stable Diffusion 1.5", "Stable Diffusion XL", "AnimateDiff", "Wan 2.1", "Wan 2.2", "LTX-Video",
         "CogVideoX", "SkyReels-V2"), "weighs")
    assert families.hook(families.titled("LTX-2"), "prompt_weights") == "literal"
    assert families.hook(families.titled("Mochi 1"), "prompt_weights") == ""
