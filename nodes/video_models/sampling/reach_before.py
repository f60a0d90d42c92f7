"""A picture size past the model's rotary positions, said on the generator before F5 (issue 116: "no setting refused
that Studio could have said before F5"). A tiny Wan (rope_max_seq_len 32, patches of 2, a VAE of 8: 512 px a side)
at the Text to Video template's 832x480 was refused only when the run reached the sampler (sampler.generate's
check), and a Final job in the queue only when its turn came. Here the side the model reaches is read from its
folder's configs (Load Video Model's foresight) and the size the run will ask checked against it with the run's
own words, where the size is known before the run: 'preview size' off (the size set) or always (the preview's);
'on CPU' depends on the device the run finds, and is left to the run. Plain Python: no torch."""
from __future__ import annotations

import os


def side_reach(folder: str, positions: int) -> dict:
    """{'side_reach': the most pixels a side one call makes} from the denoiser's ``positions`` (rope_max_seq_len),
    its config's spatial patch and its VAE's spatial factor (the run's sampler.call_side_limit from the configs);
    {} where the configs do not say them."""
    from ..files.headers import read_json
    try:
        patch = read_json(os.path.join(folder, "transformer", "config.json")).get("patch_size")
        vae = read_json(os.path.join(folder, "vae", "config.json"))
    except Exception:  # noqa: BLE001 - a config that does not tell: the run says what it finds
        return {}
    scale = vae.get("scale_factor_spatial") if isinstance(vae, dict) else None
    if not isinstance(scale, int) and isinstance(vae, dict) and isinstance(vae.get("temperal_downsample"), list):
        scale = 2 ** len(vae["temperal_downsample"])  # Wan's VAE: diffusers' vae_scale_factor_spatial
    if not isinstance(patch, (list, tuple)) or len(patch) != 3 or not isinstance(patch[1], int) \
            or not isinstance(scale, int) or isinstance(scale, bool):
        return {}
    return {"side_reach": positions * patch[1] * scale}


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
