"""A picture size past the model's rotary positions, said on the generator before F5 (issue 116: "no setting refused
that Studio could have said before F5"). A tiny Wan (rope_max_seq_len 32, patches of 2, a VAE of 8: 512 px a side)
at the Text to Video template's 832x480 was refused only when the run reached the sampler (sampler.generate's
check), and a Final job in the queue only when its turn came. Here the side the model reaches (loading/side_reach.py, Load
Video Model's foresight) is checked against the size the run will ask, in the run's own words, where the size is known before the run: 'preview size' off (the size set) or always (the preview's);
'on CPU' depends on the device the run finds, and is left to the run. Plain Python: no torch."""
from __future__ import annotations


def size_problem(fam, params: dict, inputs: dict) -> str | None:
    """The run's refusal of a size past the model's positions, where the size the run asks is known now."""
    from .preview_size import PREVIEW_SIDE, shrunk
    reach = (inputs.get("model") or {}).get("side_reach")
    w, h = int(params.get("width") or 0), int(params.get("height") or 0)
    mode = params.get("preview_size")
    if not isinstance(reach, int) or not w or not h or mode not in ("off", "always"):
        return None
    m = fam.size_multiple
    if mode == "always" and max(w, h) > PREVIEW_SIDE:
        w, h = shrunk(w, h, m, PREVIEW_SIDE)
    else:
        w, h = max(m, w // m * m), max(m, h // m * m)
    if max(w, h) <= reach:
        return None
    return (f"{w}x{h} is more than this model's positions reach: it makes at most {reach} px a side (its "
            f"transformer's rope_max_seq_len); set width and height to {reach} or less (or 'preview size' on)")
