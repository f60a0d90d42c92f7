"""The most pixels a side one call of a diffusers folder's model makes, read from its configs before anything is loaded
(Load Video Model's foresight: foresee.py): a size past it is said on the generator before F5
(sampling/reach_before.py). Plain Python: no torch."""
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
