"""Stable Video Infinity 2.0 Pro's conditioning of a chain of Wan passes folded into one continued take
(comfy_frames.fold), read from the passes' nodes as Studio's Image to Video 'svi_motion_latents' (the number of the
last latent frames of the pass before each later pass is conditioned on, beside the anchor: sampling/anchor_motion.py,
families/wan/svi_pro.py):

* KJNodes' WanImageToVideoSVIPro (and its twins: comfy_svi_twins): its 'motion_latent_count' (its second setting in a
  UI file, after 'length'; 1 by default), the latent its 'prev_samples' gives;
* the ComfyUI-Wan22FMLF pack's WanAdvancedI2V with its long_video_mode 'SVI' (its Dec 2025 versions: the anchor its
  start image, 'continue_frames_count' the motion latents its 'prev_latent' gives, as its code lays them; read for
  that fact only): its continue_frames_count.

The first pass is the anchor's alone (its own count, with no latent before it, lays nothing). Plain data and stdlib:
nothing of ComfyUI is imported or run."""
from __future__ import annotations

from studio.convert.api import CNode

from .comfy_svi_twins import SVI_PRO, svi_twin

ADVANCED = "WanAdvancedI2V"
SVI_MODE = "SVI"  # WanAdvancedI2V's long_video_mode whose condition is SVI 2.0 Pro's
COUNT = "continue_frames_count"
KJ_COUNT = "motion_latent_count"
KJ_DEFAULT = 1  # KJNodes' default motion_latent_count


def _int(v) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def advanced_svi(n: CNode) -> tuple[bool, int | None, set[int]]:
    """(WanAdvancedI2V ``n``'s long_video_mode is 'SVI', its continue_frames_count, the UI places of the two)."""
    if n.cls != ADVANCED and n.origin != ADVANCED:
        return False, None, set()
    if n.widgets and "long_video_mode" in n.widgets:
        return n.widgets["long_video_mode"] == SVI_MODE, _int(n.widgets.get(COUNT, 5)), set()
    raw = n.raw if isinstance(n.raw, list) else []
    at = [k for k, v in enumerate(raw) if v == SVI_MODE]
    if len(at) != 1:
        return False, None, set()
    return True, _int(raw[at[0] + 1]) if at[0] + 1 < len(raw) else None, {at[0], at[0] + 1}


def count_of(src: CNode | None) -> tuple[int | None, str]:
    """(the motion latent count pass node ``src`` (as the file saved it) conditions on, the setting's name), or
    (None, '') where it is no SVI 2.0 Pro node or its count is not read."""
    if src is None:
        return None, ""
    if svi_twin(src.cls):
        if src.widgets:
            return _int(src.widgets.get(KJ_COUNT, KJ_DEFAULT)), KJ_COUNT
        raw = src.raw if isinstance(src.raw, list) else []
        if src.cls == SVI_PRO:
            return (_int(raw[1]) if len(raw) > 1 else KJ_DEFAULT), KJ_COUNT
        return None, KJ_COUNT  # (a twin's own order of settings: not read)
    on, count, _ = advanced_svi(src)
    return (count, COUNT) if on else (None, "")


def motion_latents(t, chain: list[CNode]) -> tuple[int, str]:
    """(the motion latent count the later passes of ``chain`` all condition on, a sentence's words naming where it was
    read), or (0, why not: '' where the chain is no SVI 2.0 Pro chain)."""
    read = [count_of(t.original.get(p.id)) for p in chain[1:]]
    if not any(name for _, name in read):
        return 0, ""
    counts = {c for c, _ in read}
    names = ", ".join(f"{t.name(t.original.get(p.id, p))}'s {name} {c}" for p, (c, name) in zip(chain[1:], read))
    if len(counts) != 1 or None in counts:
        return 0, (f"the later passes' motion latent counts are not one number read ({names})" if names else
                   "the later passes' motion latent counts are not read")
    m = counts.pop()
    if m <= 0:
        return 0, f"the later passes lay no motion latents ({names})"
    return m, names


def first_is_svi(t, first: CNode) -> bool:
    """The chain's first pass is an SVI 2.0 Pro node (the anchor alone, zeros after it), not a plain image to video."""
    src = t.original.get(first.id)
    return src is not None and (svi_twin(src.cls) or advanced_svi(src)[0])
