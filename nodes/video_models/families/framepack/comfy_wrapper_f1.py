"""FramePack F1 as the PlusOne fork of kijai's ComfyUI-FramePackWrapper saves it (part of comfy_wrapper's
translation): FramePackSampler_F1 takes its prompt, length and section size from a FramePackTimestampedTextEncode
('positive_timed_data': the prompt in timed sections '[0s-5s: ...]', the seconds, the latent window size) where
FramePackSampler takes them itself. The encoder is read as a core CLIPTextEncode of the prompt (its negative as a
second one) and the sampler's settings are handed to the wrapper's own sampler reading with the encoder's seconds
and window size and F1's forward order (the FramePack node's 'vanilla' sampling); a prompt in several timed
sections is the node's first prompt and timed prompts ('prompts', at FramePack's 30 fps: ``timed``, as the fork's
parse_timestamped_prompt_f1 and sampler pick a section's: the span holding the section's start, spans aligned to
whole sections, a gap the prompt before), said.

The settings' names and order are those of the fork's nodes_F1.py (INPUT_TYPES, read for meaning; github
tukisuwa/ComfyUI-FramePackWrapper_PlusOne at 291517e). Plain data and stdlib: nothing of the pack is imported."""
from __future__ import annotations

import math
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


def timed(text: str, total: float, window: int, frames: int | None = None) -> list[str]:
    """Each section's prompt (a section: window x 4 frames at 30 fps; ``frames`` where another pack counts a
    section otherwise, dorpxam's F1 T2V window x 4 - 3), as the fork times them: '[Xs: a]' from X s to
    the next span, '[Xs-Ys: a]' from X to Y, each aligned to the nearest section boundary (at least one section),
    text outside brackets before the first span (from 0) or after the last (to the end); a section no span holds
    keeps the prompt before it. Text with no span: one prompt."""
    sd = (frames or window * 4) / 30
    found = list(_SECTION.finditer(text))
    n = max(1, math.ceil((total if total and total > 0 else sd) / sd - 1e-6))
    if not found:
        return [text.strip()] * n
    spans = []
    head = text[:found[0].start()].strip()
    for m in found:
        a = round(float(m.group(1)) / sd) * sd
        b = None if m.group(2) is None else max(round(float(m.group(2)) / sd) * sd, a + sd)
        spans.append([a, b, m.group(3).strip()])
    if head and spans[0][0] > 1e-5:
        spans.insert(0, [0.0, spans[0][0], head])
    tail = text[found[-1].end():].strip()
    if tail:
        spans.append([spans[-1][1] if spans[-1][1] is not None else spans[-1][0], None, tail])
    spans.sort(key=lambda x: x[0])
    for i, sp in enumerate(spans):
        if sp[1] is None:
            sp[1] = spans[i + 1][0] if i + 1 < len(spans) else float("inf")
    out = []
    for j in range(n):
        at = j * sd
        hit = next((q for a, b, q in spans if a <= at + 1e-4 and at < b - 1e-4), None)
        out.append(hit if hit is not None else (out[-1] if out else spans[0][2]))
    return out


def read_f1(t, n: CNode) -> None:
    """F1 sampler ``n`` of translation ``t``: its timed encoder made core text encoders, then the wrapper's
    sampler reading (t.sampler) with the encoder's seconds and window size."""
    w = t.named(n)
    src = n.links.get("positive_timed_data")
    enc = t.wf.nodes.get(src[0]) if src else None
    if enc is not None and enc.cls == TIMED:
        e = t.named(enc)
        text = e.get("text") if isinstance(e.get("text"), str) else ""
        window = e.get("latent_window_size") if isinstance(e.get("latent_window_size"), int) else 9
        secs = e.get("total_second_length")
        prompts = timed(text, float(secs) if isinstance(secs, (int, float)) else 0.0, window)
        lines = [(j * window * 4 / 30, q) for j, q in enumerate(prompts) if j and q != prompts[j - 1]]
        if lines:
            w.update(prompts="\n".join(f"{s:g}: {q}" for s, q in lines), timed_fps=30.0)
            t.said.append(f"'{enc.title or enc.cls}' ({enc.cls}, #{enc.id}) times {len(set(prompts))} prompts over "
                          f"the take: read as the Framepack node's prompt '{prompts[0][:60]}' and its timed prompts: "
                          + "; ".join(f"from {s:g} s '{q[:40]}'" for s, q in lines)
                          + f" (each span aligned to whole sections of {window * 4} frames at 30 fps, as the fork aligns them)")
        clip = enc.links.get("clip")
        links = {"clip": clip} if clip else {}
        t.core(enc, "CLIPTextEncode", {"text": prompts[0] if prompts else ""}, dict(links))
        n.links["positive"] = (enc.id, 0)
        if n.links.get("negative") == (enc.id, 1):
            neg = t.core(enc, "CLIPTextEncode", {"text": e.get("negative_text") or ""}, dict(links), nid=f"{enc.id}:neg")
            n.links["negative"] = (neg.id, 0)
        w.update({k: e[k] for k in ("total_second_length", "latent_window_size") if k in e})
        blend = e.get("prompt_blend_sections")
        if isinstance(blend, int) and blend > 0 and lines:
            t.said.append(f"its blend of {blend} sections between the timed prompts is not taken")
    n.links.pop("positive_timed_data", None)
    w["sampling"] = "vanilla"  # F1 samples its sections forward: the FramePack node's 'vanilla' order
    t.sampler(n, w)
