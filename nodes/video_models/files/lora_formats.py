"""A LoRA file in any common layout made into the keys diffusers loads, and checked against the
model before it goes on: ComfyUI's and the original repositories' names (``diffusion_model.`` +
``blocks.N.self_attn.q.lora_down`` / ``lora_A``, with or without the prefix), kohya's and
musubi-tuner's (``lora_unet_blocks_N_self_attn_q.lora_down`` + ``.alpha``) and diffusers' own
(``transformer.blocks.N.attn1.to_q.lora_A``, with or without the prefix; LTX-Video's ComfyUI files:
diffusers' names under ``diffusion_model.``) are converted by
diffusers' own converters (the pipeline's ``lora_state_dict``); then every key must name a module
of the denoiser. None that does: refused, naming the first keys; some that do not: said, listed."""
from __future__ import annotations

from ..base.capabilities import LoraNames
from ..base.errors import ModelError
from .motion_loras import from_original

# what follows a module's name in a LoRA key
SUFFIXES = (".lora_A.weight", ".lora_B.weight", ".lora_A.bias", ".lora_B.bias", ".lora_down.weight",
            ".lora_up.weight", ".alpha", ".lora_magnitude_vector", ".diff", ".diff_b", ".dora_scale")
SHOWN = 8


KNOWN_PREFIXES = ("diffusion_model.", "lora_unet_", "lora_te", "text_encoder", "transformer.", "transformer_2.", "unet.",
                  "base_model.")


def _prefixed(fam, denoiser: str, sd: dict) -> dict:
    """Keys with no prefix given the one diffusers' converter looks for."""
    keys = list(sd)
    if not keys or any(k.startswith(KNOWN_PREFIXES + (denoiser + ".",)) for k in keys):
        return sd
    names = fam.capability(LoraNames)
    original = names.original if names is not None else ()  # its original layout's layers (Wan's, SkyReels-V2's)
    if original and any(p in k for k in keys for p in original):
        return {f"diffusion_model.{k}": v for k, v in sd.items()}  # ComfyUI's names without their prefix
    return {f"{denoiser}.{k}": v for k, v in sd.items()}  # diffusers' names without the component


def module_of(key: str, prefix: str) -> str:
    name = key[len(prefix) + 1:] if key.startswith(prefix + ".") else key
    for s in SUFFIXES:
        if name.endswith(s):
            return name[: -len(s)]
    return name


def listed(keys: list[str], most: int = SHOWN) -> str:
    """The first ``most`` of ``keys`` and how many more (a refusal names a few, not thousands)."""
    more = f" and {len(keys) - most} more" if len(keys) > most else ""
    return ", ".join(keys[:most]) + more


def lora_for(pipe, fam, sd: dict, path: str) -> tuple[dict, list[str]]:
    """(the LoRA's tensors in diffusers' layout, what to say): ModelError when no key applies to
    the pipeline's denoiser."""
    import os
    name = os.path.basename(path)
    sd = _prefixed(fam, fam.denoiser, from_original(sd))  # (a motion LoRA in AnimateDiff's names: diffusers')
    convert = getattr(type(pipe), "lora_state_dict", None)
    given, alphas = sd, None
    if convert is not None:
        # a UNet's loaders (Stable Diffusion's, SDXL's, AnimateDiff's) map kohya's SDXL block numbers by its config, as
        # their load_lora_weights does
        den = getattr(pipe, fam.denoiser, None)
        extra = {"unet_config": den.config} if fam.denoiser == "unet" and hasattr(den, "config") else {}
        try:
            out = convert(dict(sd), **extra)
        except (ValueError, KeyError, IndexError, RuntimeError) as e:
            first = listed(sorted(sd)[:SHOWN])
            raise ModelError(f"the LoRA '{name}' is in a layout diffusers cannot convert for {fam.title} "
                             f"({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}); its first keys: "
                             f"{first}") from None
        sd = out[0] if isinstance(out, tuple) else out
        alphas = out[1] if isinstance(out, tuple) and len(out) > 1 and isinstance(out[1], dict) else None
    den = getattr(pipe, fam.denoiser, None)
    if den is None:
        return sd, []
    names = _module_names(sd, fam.denoiser) if alphas is not None else {k: k for k in sd}
    modules = {n for n, _ in den.named_modules()}
    others = [k for k in sd if not k.startswith(fam.denoiser + ".")]
    missing = sorted(k for k in sd if k.startswith(fam.denoiser + ".")
                     and module_of(names[k], fam.denoiser) not in modules)
    applies = [k for k in sd if k.startswith(fam.denoiser + ".") and k not in missing]
    said = []
    if not applies:
        keys = (f"(its kohya names, read by diffusers' converter as {listed(sorted(sd), 2)}): {listed(sorted(given))}"
                if alphas is not None else f"(after conversion): {listed(sorted(sd))}")
        raise ModelError(f"no key of the LoRA '{name}' applies to this {fam.title} model's {fam.denoiser} {keys}. "
                         "Is it a LoRA of another family or size?")
    if missing:
        said.append(f"LoRA '{name}': {len(missing)} of {len(missing) + len(applies)} keys name no module of this "
                    f"{fam.title} model and are not applied: {listed(missing)}")
    if others:
        said.append(f"LoRA '{name}': {len(others)} keys for other parts ({listed(sorted(others))}): "
                    "applied by diffusers where the pipeline has that part")
    if alphas is not None:  # kohya's layout with its alphas: the pipeline's load_lora_weights converts the file itself
        return dict(given), said  # (the converted names carry no alpha: loading them would lose each layer's scale)
    return sd, said


def _module_names(sd: dict, denoiser: str) -> dict:
    """Each key converted by a Stable Diffusion loader (diffusers' legacy ``...processor.to_q_lora.down.weight``)
    -> the same key in PEFT's names (``...to_q.lora_A.weight``), by diffusers' own mapping."""
    from diffusers.utils.state_dict_utils import convert_unet_state_dict_to_peft
    return {k: next(iter(convert_unet_state_dict_to_peft({k: None}))) for k in sd}
