"""A prompt encoded by a text encoder a LoRA was put on alone (ComfyUI's LoraLoader whose model output nothing reads,
its clip output the encoder's: an abliterated Gemma LoRA for LTX-2's negative prompt), said: the generator encodes
its prompts with its text encoder as loaded. A LoRA on the model's way too is said with the model's LoRAs
(mapping.models.lora_chain). Plain stdlib."""
from __future__ import annotations

from ..values.shown import shown


def clip_lora_line(wf, encoder, which: str) -> str | None:
    """The sentence for ``encoder`` (a CLIPTextEncode) where its 'clip' comes from a text-encoder-only LoRA; None."""
    src = wf.source(encoder, "clip")
    if src is None or not src.cls.startswith("LoraLoader") or "clip" not in src.links:
        return None
    if any(s == src.id and slot == 0 for m in wf.nodes.values() for s, slot in m.links.values()):
        return None  # its model read too: on the model's way, said with the model's LoRAs
    name, strength = wf.value(src, "lora_name"), wf.value(src, "strength_clip")
    if not isinstance(name, str) or strength == 0:
        return None
    return (f"the {which} prompt is encoded by a text encoder with the LoRA '{name}' (strength {shown(strength)}) on it "
            f"('{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id})): not applied, the generator encodes its "
            "prompts with its text encoder as loaded")
