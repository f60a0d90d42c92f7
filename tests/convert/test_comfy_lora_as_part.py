"""A part file Load Video Model is given that the workflow also loads as a LoRA (heldout21 07: ComfyUI's 'Pose to
Video' blueprint wires its one 'lora_name' input into both LoraLoaderModelOnly and LTXAVTextEncoderLoader): set as
the workflow gives it, and said - never in silence (studio/convert/mapping/lora_as_part.py)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_heldout17_mends import _ltx2_t2v, _said

IC = "ltx-2-19b-ic-lora-pose-control.safetensors"


def _with_lora(text_encoder: str) -> dict:
    wf = _ltx2_t2v()
    wf["2"]["inputs"]["text_encoder"] = text_encoder
    wf["11"] = {"class_type": "LoraLoaderModelOnly", "inputs": {"model": ["1", 0], "lora_name": IC,
                                                                "strength_model": 1.0}}
    wf["7"]["inputs"]["model"] = ["11", 0]
    return wf


def _load(conv):
    return next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.load")


def test_a_text_encoder_that_is_the_workflows_lora_file_is_said():
    conv = convert(_with_lora(IC), "pose.json")
    assert _load(conv).params["text_encoder"] == IC  # as the workflow gives it
    said = _said(conv)
    assert (f"text encoder '{IC}' of 'LTXAVTextEncoderLoader' (LTXAVTextEncoderLoader, #2) is the file "
            f"'LoraLoaderModelOnly' (LoraLoaderModelOnly, #11) loads as a LoRA") in said
    assert "a LoRA file holds no text encoder: set 'text_encoder' to the text encoder's own file" in said


def test_a_text_encoder_of_its_own_is_not_said_so():
    conv = convert(_with_lora("gemma_3_12B_it.safetensors"), "fox.json")
    assert _load(conv).params["text_encoder"] == "gemma_3_12B_it.safetensors"
    assert "loads as a LoRA" not in _said(conv)
