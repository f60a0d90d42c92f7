"""The memory plan before anything is read (the node's check before loading, the model picker):
memory/plan.py's part-by-part count made from the weight files' headers and the diffusers folder's
configs (blocks, widths, the VAE's scale), so that what is said before loading is what the loader
will plan; the run's tensors estimated from the config (plan.header_parts). Reads JSON only."""
from __future__ import annotations

from ..base.errors import ModelError


def folder_configs(params, base_dir=None) -> tuple[dict, dict, int]:
    """(the denoiser's config, the VAE's config, experts) of the diffusers folder a Load Video
    Model node's files come from (its model, else its base), from the folder's JSON only: ({}, {}, 1)
    where there is none (a single file without a base)."""
    import os

    from studio.core import models as model_paths

    from ..files.headers import read_json
    for key in ("model", "base"):
        raw = (params.get(key) or "").strip()
        path = model_paths.resolve(raw, base_dir) if raw else None
        if not path:
            continue
        folder = os.path.dirname(path) if path.endswith("model_index.json") else path
        if not os.path.isfile(os.path.join(folder, "model_index.json")):
            continue
        try:
            index = read_json(os.path.join(folder, "model_index.json"))
            den = next((d for d in ("transformer", "unet") if os.path.isfile(os.path.join(folder, d, "config.json"))),
                       None)
            cfg = read_json(os.path.join(folder, den, "config.json")) if den else {}
            vae_file = os.path.join(folder, "vae", "config.json")
            vae = read_json(vae_file) if os.path.isfile(vae_file) else {}
        except ModelError:  # a folder whose configs cannot be read: the load says why
            return {}, {}, 1
        experts = 2 if isinstance(index.get("transformer_2"), list) and index["transformer_2"][0] else 1
        return cfg, vae, experts
    return {}, {}, 1


def vae_scale_of_config(vae: dict) -> tuple[int, int]:
    """(frames, pixels) per latent from a video VAE's config (Wan: scale_factor_*; HunyuanVideo,
    LTX: *_compression_ratio; else 2 ** (levels - 1) pixels and 4 frames)."""
    t = vae.get("temporal_compression_ratio") or vae.get("scale_factor_temporal") or 4
    s = vae.get("spatial_compression_ratio") or vae.get("scale_factor_spatial") or (
        2 ** (len(vae["block_out_channels"]) - 1) if isinstance(vae.get("block_out_channels"), list) else 8)
    return int(t), int(s)


def header_plan(den_bytes: int, other_bytes: int, configs: tuple[dict, dict, int], memory: str, free: int,
                fp8_ok: bool) -> tuple[str, str] | None:
    """Before loading, from the files' headers and the folder's configs: the same part-by-part plan
    and estimate the loader makes (memory/plan.py header_parts), as ('info' or 'warn', words) to
    say; None where the config does not give the blocks and widths (the size-only plan stays)."""
    from . import plan as mplan
    from .sizes import fmt_gb
    cfg, vae, experts = configs
    parts = mplan.header_parts(den_bytes, other_bytes, cfg, experts, vae_scale_of_config(vae))
    if parts is None:
        return None
    best = mplan.best_plan(parts, free, mplan.PLAN_CLIP, fp8_ok)
    card = f"{fmt_gb(free)} free on the GPU"
    if memory == "auto":
        if best is None:
            return "warn", f"before loading: no memory mode is predicted to fit {card}: lower the size or free the GPU"
        return "info", f"planned before loading: memory {best.mode} ({best.words()}, {card})"
    got = mplan.plan_mode(parts, memory, free, mplan.PLAN_CLIP)
    if got.fits:
        return "info", f"planned before loading: memory {memory} ({got.words()}, {card})"
    return "warn", (f"before loading: memory '{memory}' needs about {fmt_gb(got.peak)} at {got.clip.words()} but "
                    f"{card}: it would run out of memory; " + (f"{best.words()} fits" if best else
                                                               "no mode fits: lower the size or free the GPU"))


def header_peaks(den_bytes: int, other_bytes: int, config: dict | None, card: int, modes, experts: int = 1,
                 vae: dict | None = None) -> dict | None:
    """{mode: Plan} on a card of ``card`` bytes for the model picker, from the denoiser's config
    (its blocks and widths) and the weights' bytes; None where the config does not tell."""
    from . import plan as mplan
    parts = mplan.header_parts(den_bytes, other_bytes, config, experts, vae_scale_of_config(vae or {}))
    if parts is None:
        return None
    return {m: mplan.plan_mode(parts, m, card, mplan.PLAN_CLIP) for m in modes if m in mplan.LAYOUTS}
