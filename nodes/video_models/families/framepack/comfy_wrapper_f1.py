"""FramePack F1 as the PlusOne fork of kijai's ComfyUI-FramePackWrapper saves it (part of comfy_wrapper's
translation): FramePackSampler_F1 takes its prompt, length and section size from a FramePackTimestampedTextEncode
('positive_timed_data': the prompt in timed sections '[0s-5s: ...]', the seconds, the latent window size) where
FramePackSampler takes them itself. The encoder is read as a core CLIPTextEncode of the prompt (its negative as a
second one) and the sampler's settings are handed to the wrapper's own sampler reading with the encoder's seconds
and window size and F1's forward order (the FramePack node's 'vanilla' sampling); a prompt in several timed
sections is said (FramePack's node takes one prompt).

The settings' names and order are those of the fork's nodes_F1.py (INPUT_TYPES, read for meaning; github
tukisuwa/ComfyUI-FramePackWrapper_PlusOne at 291517e). Plain data and stdlib: nothing of the pack is imported."""
from __future__ import annotations

import re

from studio.convert.api import CONTROL, CNode

SAMPLER_F1, TIMED = "FramePackSampler_F1", "FramePackTimestampedTextEncode"
WIDGETS_F1: dict[str, tuple[str, ...]] = {
    SAMPLER_F1: ("steps", "use_teacache", "teacache_rel_l1_thresh", "cfg", "guidance_scale", "shift", "seed", CONTROL,
                 "gpu_memory_preservation", "sampler", "embed_interpolation", "start_embed_strength",
                 "denoise_strength"),
    TIMED: ("text", "negative_text", "total_second_length", "latent_window_size", "prompt_blend_sections"),
}
_SECTION = re.compile(r"\[\s*(\d+(?:\.\d+)?)s(?:\s*-\s*(\d+(?:\.\d+)?)s)?\s*:\s*([^\]]*)\]")


def sections(text: str) -> list[str]:
    """The prompts of a timed prompt, in order ('[0s: a] [2s-4s: b]' -> [a, b]; text before the first
    timestamp is the section at 0 s; text with no timestamp is one prompt)."""
    found = list(_SECTION.finditer(text))
    if not found:
        return [text.strip()] if text.strip() else []
    head = text[:found[0].start()].strip()
    return ([head] if head else []) + [m.group(3).strip() for m in found if m.group(3).strip()]


def read_f1(t, n: CNode) -> None:
    """F1 sampler ``n`` of translation ``t``: its timed encoder made core text encoders, then the wrapper's
    sampler reading (t.sampler) with the encoder's seconds and window size."""
    w = t.named(n)
    src = n.links.get("positive_timed_data")
    enc = t.wf.nodes.get(src[0]) if src else None
    if enc is not None and enc.cls == TIMED:
        e = t.named(enc)
        text = e.get("text") if isinstance(e.get("text"), str) else ""
        prompts = sections(text)
        if len(set(prompts)) > 1:
            t.said.append(f"'{enc.title or enc.cls}' ({enc.cls}, #{enc.id}) times {len(prompts)} prompts over the "
                          f"take; Studio's FramePack takes one: the first, '{prompts[0]}', is used for the whole take")
        clip = enc.links.get("clip")
        links = {"clip": clip} if clip else {}
        t.core(enc, "CLIPTextEncode", {"text": prompts[0] if prompts else ""}, dict(links))
        n.links["positive"] = (enc.id, 0)
        if n.links.get("negative") == (enc.id, 1):
            neg = t.core(enc, "CLIPTextEncode", {"text": e.get("negative_text") or ""}, dict(links), nid=f"{enc.id}:neg")
            n.links["negative"] = (neg.id, 0)
        w.update({k: e[k] for k in ("total_second_length", "latent_window_size") if k in e})
        blend = e.get("prompt_blend_sections")
        if isinstance(blend, int) and blend > 0 and len(set(prompts)) > 1:
            t.said.append(f"its blend of {blend} sections between the timed prompts is not taken")
    n.links.pop("positive_timed_data", None)
    w["sampling"] = "vanilla"  # F1 samples its sections forward: the FramePack node's 'vanilla' order
    t.sampler(n, w)
