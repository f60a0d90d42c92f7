"""Workflows of dorpxam's ComfyUI-FramePack-F1-T2V (left25; heldout114 04; part of comfy_wrapper's translation):
FramePack-F1 text to video. Its sampler (FramePackF1T2VSampler) takes kijai's loader's model (LoadFramePackModel, read
by comfy_wrapper), a user settings node (width, height, steps, seed), a sampler settings node (cfg, the distilled
guidance, shift, the sampler's name; the pack's own defaults where none is wired) and a timed prompt encoder (its
'[Xs: ...]' spans, the take's seconds and the section size), and samples whole sections forward from a start latent of
zeros with no image embedding. Read as this family's text-to-video task node (comfy.py: the Framepack node with no
image, which makes it so: blank.py) and a KSampler, as the wrapper's sampler is (comfy_wrapper.sampler): its sections
``ceil(seconds / ((window x 4 - 3) / 30))``, each ``window`` latent frames after the start's, decoded as
``window x 4 x sections + 1`` frames (the start's zero latent the first), its order 'vanilla' (forward).

The settings' names, order and arithmetic are those of the pack's nodes/*.py (INPUT_TYPES and the sampler's count of
sections, read for meaning; github dorpxam/ComfyUI-FramePack-F1-T2V at 8d563da, Apache-2.0). Plain data and stdlib:
nothing of the pack is imported or run."""
from __future__ import annotations

import math

from studio.convert.api import CONTROL, CNode, Workflow, finite

from .comfy_hy import translate as translate_hy
from .comfy_wrapper import WrapperTranslation
from .comfy_wrapper_f1 import timed

SAMPLER_T2V, USER_T2V = "FramePackF1T2VSampler", "FramePackF1T2VUserSettings"
SETTINGS_T2V, TEXT_T2V = "FramePackF1T2VSamplerSettings", "FramePackF1T2VTextEncode"
WIDGETS_T2V: dict[str, tuple[str, ...]] = {
    SAMPLER_T2V: ("use_teacache", "teacache_rel_l1_thresh"),
    USER_T2V: ("width", "height", "steps", "seed", CONTROL),
    SETTINGS_T2V: ("cfg", "guidance_scale", "shift", "gpu_memory_preservation", "sampler", "denoise_strength"),
    TEXT_T2V: ("positive", "negative", "total_second_length", "latent_window_size", "prompt_blend_sections"),
}
# the sampler's own values where no sampler settings node is wired (its process())
UNWIRED = {"cfg": 1.0, "guidance_scale": 10.0, "shift": 0.0, "gpu_memory_preservation": 6.0, "sampler": "unipc_bh1",
           "denoise_strength": 1.0}
FPS = 30  # the pack's frames a second


class T2VTranslation(WrapperTranslation):
    PACK, PREFIXES, WIDGETS, SETTINGS_ONLY = "FramePack-F1-T2V", tuple(WIDGETS_T2V), WIDGETS_T2V, ()

    @classmethod
    def is_pack(cls, n: CNode) -> bool:
        return n.cls in WIDGETS_T2V

    def steps(self) -> None:
        for n in list(self.wf.nodes.values()):
            if n.cls == SAMPLER_T2V:
                read_t2v(self, n)


def _wired(t, n: CNode, port: str, cls: str) -> tuple[CNode | None, dict]:
    """The node of type ``cls`` wired into ``n``'s ``port`` (taken: read here) and its settings; (None, {})."""
    src = n.links.pop(port, None)
    node = t.wf.nodes.get(src[0]) if src else None
    if node is None or node.cls != cls:
        return None, {}
    t.wf.taken.add(node.id)
    return node, t.named(node)


def _sections(secs, window) -> int | None:
    """The sampler's count of sections (its process(): ceil(seconds / section seconds), a section window x 4 - 3
    frames at 30 fps, at least one), in its own float arithmetic; None where a value is not a number."""
    if not (finite(secs) and isinstance(window, int) and not isinstance(window, bool) and window > 0):
        return None
    frames = max(window * 4 - 3, 1)
    return max(int(math.ceil(secs / (frames / float(FPS)))), 1)


def _prompt(t, n: CNode, enc: CNode, e: dict, window: int) -> None:
    """The encoder's prompt made a core CLIPTextEncode (its negative a second); its timed spans, aligned as the pack
    aligns them to sections of window x 4 - 3 frames, the Framepack node's timed prompts, said."""
    text = e.get("positive") if isinstance(e.get("positive"), str) else ""
    secs = e.get("total_second_length")
    prompts = timed(text, float(secs) if finite(secs) else 0.0, window, window * 4 - 3)
    lines = [(j * window * 4 / FPS, q) for j, q in enumerate(prompts) if j and q != prompts[j - 1]]
    w = {}
    if lines:
        w.update(prompts="\n".join(f"{s:g}: {q}" for s, q in lines), timed_fps=float(FPS))
        t.say(enc, f"{enc.named()} times {len(set(prompts))} prompts over the take: read as the Framepack node's "
                   f"prompt '{prompts[0][:60]}' and its timed prompts, section by section: "
                   + "; ".join(f"from section {round(s * FPS / (window * 4)) + 1} '{q[:40]}'" for s, q in lines))
        blend = e.get("prompt_blend_sections")
        if isinstance(blend, int) and blend > 0:
            t.say(enc, f"its blend of {blend} sections between the timed prompts is not taken")
    links = {"clip": enc.links["clip"]} if "clip" in enc.links else {}
    t.core(enc, "CLIPTextEncode", {"text": prompts[0] if prompts else ""}, dict(links))
    n.links["positive"] = (enc.id, 0)
    neg = t.core(enc, "CLIPTextEncode", {"text": e.get("negative") or ""}, dict(links), nid=f"{enc.id}:neg")
    n.links["negative"] = (neg.id, 0)
    return w


def read_t2v(t, n: CNode) -> None:
    """FramePackF1T2VSampler ``n`` of translation ``t``: its settings nodes read into the wrapper's sampler reading
    (t.sampler) as text to video, its sections and frames counted as the pack counts them, said."""
    _, user = _wired(t, n, "user_settings", USER_T2V)
    wired, settings = _wired(t, n, "sampler_settings", SETTINGS_T2V)
    settings = settings if wired is not None else dict(UNWIRED)
    src = n.links.get("positive")
    enc = t.wf.nodes.get(src[0]) if src else None
    e = t.named(enc) if enc is not None and enc.cls == TEXT_T2V else {}
    window = e.get("latent_window_size") if isinstance(e.get("latent_window_size"), int) else 9
    w = {**{k: user.get(k) for k in ("width", "height", "steps", "seed")}, **t.named(n),
         **{k: settings.get(k) for k in ("cfg", "guidance_scale", "shift", "sampler")},
         "latent_window_size": window, "sampling": "vanilla", "text_to_video": True, "fps": float(FPS)}
    if e:
        t.wf.taken.add(enc.id)
        w.update(_prompt(t, n, enc, e, window))
    name = f"'{n.title or n.cls}' ({n.cls}, #{n.id})"
    secs = e.get("total_second_length")
    if (sections := _sections(secs, window)) is not None:
        made = sections * window * 4 + 1
        w.update(frames=made, sections=sections)
        t.say(n, f"{name} makes text to video: {sections} section{'s' if sections > 1 else ''} forward from a start "
                 f"latent of zeros with no image embedding ({secs:g} s over sections of {window} x 4 - 3 frames at "
                 f"{FPS} fps, rounded up), {window} latent frames each, decoded with the start's as {made} frames: the "
                 f"Framepack node with no image, its sections {sections}, frames {made}, sampling 'vanilla' (forward)")
    g, held = settings.get("gpu_memory_preservation"), wired and wired.named()
    if wired is not None and finite(g):  # (the settings node's values named as its own: rejudge25)
        t.say(n, f"{held}'s gpu_memory_preservation {g:g} (GB kept free) is not applied: Studio plans memory itself")
    if finite(d := settings.get("denoise_strength")) and d != 1:
        t.say(n, f"{held or name}'s denoise_strength {d:g} changes nothing: the pack's text to video gives its "
                 "sampling no latent to denoise part way")
    t.sampler(n, w, held=wired)  # its guidance and shift said as the settings node's


def translate(wf: Workflow) -> list[str]:
    """The pack's nodes, then FramePack-HY's and kijai's wrapper's (comfy_hy), rewritten into core nodes in place."""
    return T2VTranslation.translate(wf) + translate_hy(wf)
