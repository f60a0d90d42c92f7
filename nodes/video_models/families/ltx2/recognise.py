"""How an LTX-2 file is told: its transformer (its audio blocks), alone or in ComfyUI's all-in-one
checkpoint; its generation (LTX-2, LTX-2.3, LTX-2.5) by the tensors each added (part_configs.generation)."""
from __future__ import annotations

from ...base.recognise import Recognised
from .part_configs import generation

SIZES = {"LTX-2": " 19B", "LTX-2.3": " 22B", "LTX-2.5": ""}  # the releases' sizes at 48 blocks


def recognise(t, filename: str = "") -> Recognised | None:
    if t.tops and set(t.tops) <= {"audio_vae", "vocoder"} and "audio_vae" in t.tops:  # LTX-2.5's audio VAE file
        return Recognised("vae", "ltx2", "LTX-2 audio VAE" + (" and vocoder" if "vocoder" in t.tops else ""),
                          "LTX-2.5's sound: read from beside its video VAE file")
    if "audio_adaln_single" in t.tops or "audio_caption_projection" in t.tops or "av_ca_a2v_gate_adaln_single" in t.tops:
        n, gen = t.blocks("transformer_blocks"), generation(t.shapes)
        return Recognised("denoiser", "ltx2", gen + (f" ({n} blocks)" if n != 48 else SIZES[gen]))
    return None


def checkpoint_words(t) -> str:
    return ("transformer, video VAE, audio VAE and vocoder in one file" if {"audio_vae", "vocoder"} <= t.tops
            else "denoiser and VAE in one file")


def lora_names(names: list[str]) -> bool:
    """An LTX-2 LoRA: audio modules beside its transformer blocks."""
    return any("audio" in k for k in names) and any(k.startswith("transformer_blocks") for k in names)
