"""Mechanisms a sixteenth held-out set (benchmarks/results/heldout16_2026-11-29.md: families other than Wan 2.x and
LTX-2 from small repositories) showed, each on a small hand-written workflow, with invented pack node names where the
rule is by types: a held task's empty prompt said to be a Text Prompt and the other prompt of the same node dropped."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_outputs import _notes


def _said(conv) -> str:
    return "\n".join(conv.log) + "\n" + _notes(conv)


def _held_pack(positive: str, negative: str) -> dict:
    """An API file: an invented pack's loader, text encoder (one node giving both prompts) and sampler (no pack
    declares them: the task is held), a CLIP loader for the encoder, a decode and a Video Combine."""
    return {
        "1": {"class_type": "InventedVideoLoader", "inputs": {"checkpoint": "invented_i2v.safetensors"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "qwen_vl.safetensors", "type": "qwen_image"}},
        "3": {"class_type": "InventedTextEncode", "inputs": {"text": positive, "negative_text": negative,
                                                             "clip": ["2", 0]}},
        "4": {"class_type": "LoadImage", "inputs": {"image": "start.png"}},
        "5": {"class_type": "InventedSampler", "inputs": {"seed": 7, "steps": 50, "cfg": 5.0, "model": ["1", 0],
                                                          "positive": ["3", 0], "negative": ["3", 1],
                                                          "image": ["4", 0]}},
        "6": {"class_type": "InventedVAEDecode", "inputs": {"samples": ["5", 0]}},
        "7": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["6", 0], "frame_rate": 24, "loop_count": 0,
                                                           "filename_prefix": "k5", "format": "video/h264-mp4",
                                                           "pingpong": False, "save_output": True}},
    }


def test_a_held_empty_prompt_is_no_text_prompt_and_the_other_prompt_of_its_node_is_held():
    """The positive prompt is empty and the negative is not (KandinskyI2V, heldout16 04): the negative is held as a
    Text Prompt; the empty positive is said to be empty, with no Text Prompt, not 'a Text Prompt'."""
    conv = convert(_held_pack("", "blurry, low quality"), "held.json")
    said = _said(conv)
    texts = {n.title: n.params.get("text") for n in conv.graph.nodes.values() if n.type_id == "io.text"}
    assert texts.get("Negative prompt") == "blurry, low quality" and "Prompt" not in texts
    pos = next(x for x in said.splitlines() if "the positive prompt comes from" in x)
    assert "is empty: no Text Prompt is made for it" in pos and "is a Text Prompt" not in pos
    neg = next(x for x in said.splitlines() if "the negative prompt comes from" in x)
    assert "is a Text Prompt" in neg


def test_a_held_task_with_both_prompts_empty_keeps_no_text_prompt_nodes():
    """Both prompts empty: the CLIP loader's sentence does not say its prompts are kept as Text Prompt nodes."""
    conv = convert(_held_pack("", ""), "held.json")
    said = _said(conv)
    assert not any(n.type_id == "io.text" for n in conv.graph.nodes.values())
    loader = next(x for x in said.splitlines() if "(CLIPLoader, #2)" in x)
    assert "kept as Text Prompt nodes" not in loader and "none is made" in loader
