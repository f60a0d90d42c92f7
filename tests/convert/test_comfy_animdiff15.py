"""AnimateDiff-Evolved workflows as the 42 cached ones use them (animdiff15): a motion LoRA on a task held with no
generator is never said to be put on the motion modules (heldout48's AnimatedWeights and BlipTravel said so, then
said it not applied); the held LoRA's strength written as the other sentences write it."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said
from tests.convert.test_comfy_animatediff_ways import _motion_lora


def _held(strength=0.8) -> dict:
    """A motion LoRA on AnimateDiff whose latent is an inpainting encode of a picture: the task is held."""
    wf = _motion_lora("v2_lora_ZoomIn.safetensors")
    wf["2"]["inputs"]["strength"] = strength
    wf["10"] = {"class_type": "LoadImage", "inputs": {"image": "room.png"}}
    wf["5"] = {"class_type": "VAEEncodeForInpaint", "inputs": {"pixels": ["10", 0], "vae": ["1", 2],
                                                               "mask": ["10", 1], "grow_mask_by": 6}}
    return wf


def test_a_motion_lora_on_a_held_task_is_not_said_put_on_the_motion_modules():
    conv = convert(_held(), "held")
    assert conv.pipelines == 0
    text = said(conv)
    assert "is a Video LoRA on the model: Studio's AnimateDiff puts it on the motion modules" not in text
    assert "'ADE_AnimateDiffLoRALoader' (ADE_AnimateDiffLoRALoader, #2)'s motion LoRA 'v2_lora_ZoomIn.safetensors' " \
           "(strength 0.8) is read as a LoRA on the model: where a generator is made from that model" in text
    assert "on the model of the held task: not applied to it, as it has no generator" in text


def test_a_held_loras_strength_is_written_as_a_number_not_a_float_repr():
    text = said(convert(_held(0.1 + 0.2), "held"))
    assert "LoRA 'v2_lora_ZoomIn.safetensors' (strength 0.3) loaded by" in text
    assert "0.30000000000000004" not in text
