"""The negative a Normalized Attention Guidance patch steers from, where the sampler guides without classifier-free
guidance (cfg 1), which does not use the sampler's own negative (an empty prompt, a ConditioningZeroOut, any):
ComfyUI's NAG patch (KJNodes' LTX2_NAG 'nag_cond_video', WanVideoNAG's 'conditioning') steers the take away from the
prompt wired to it. Studio's generator steers its NAG from its negative prompt (ltx2/nag.py, wan/nag.py), which was
the sampler's, often empty: the take was guided away from nothing (proxymine25: yameprogrammer's LTX-2.3 LatentHeart
preset, its NAG's 'Vivid colors, overexposed, static...' lost, the sentence "steers from the generator's negative
prompt" true of an empty one). That prompt becomes the generator's negative prompt, said (the sampler's own negative,
where it has one, named as not used at cfg 1); with cfg above 1 the sampler's negative guides the take too and is kept.

Told by the patch the family reads (its 'model_patches' hook giving the generator a 'nag_scale') and that node's
declared CONDITIONING inputs, its first wired one whose prompt is read (a sound's, 'nag_cond_audio', never). Plain data
and stdlib."""
from __future__ import annotations

from typing import Any

from studio.core.shown import cut

from ..tracing.prompts import prompt_text
from ..tracing.roles import in_type


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def filled(b: Any, params: dict, said: list[str]) -> dict:
    """``params``, its negative prompt from its NAG patch's conditioning where the module says so."""
    scale, cfg, negative = params.get("nag_scale"), params.get("guidance"), params.get("negative_prompt")
    n = getattr(b, "patch_at", {}).get("nag_scale")
    if n is None or not _number(scale) or scale <= 0 or not _number(cfg) or cfg > 1:
        return params
    for port in sorted((k for k in n.links if in_type(n, k) == "CONDITIONING"), key=lambda k: "audio" in k):
        if "audio" in port:  # (LTX2_NAG's 'nag_cond_audio' guides the sound: said not applied by its reader)
            break
        text = prompt_text(b.wf, b.wf.source(n, port), port, set())
        if isinstance(text, str) and text.strip() and text != negative:
            own = (f" (its own negative, {cut(str(negative), 60)!r}, is not used at cfg {cfg:g})"
                   if isinstance(negative, str) and negative.strip() else " with no negative of its own")
            params["negative_prompt"] = text
            said.append(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) steers its Normalized Attention "
                        f"Guidance away from the prompt on its '{port}', the sampler guiding at cfg {cfg:g}{own}: "
                        "that prompt is the generator's negative prompt, from which Studio's NAG steers (at cfg 1 it "
                        "guides nothing else)")
            return params
    return params
