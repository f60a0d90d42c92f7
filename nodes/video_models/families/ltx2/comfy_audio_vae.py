"""The sentence for LTX-2's audio VAE file, given by a second VAELoader (or LTXVAudioVAELoader) whose every reader is
an LTX-2 audio node: Load Video Model has no audio VAE setting; it reads the audio VAE from an all-in-one LTX-2 /
LTX-2.3 checkpoint given as the model, else from the one ``*audio*vae*.safetensors`` file beside its VAE file (else
beside the model file): LTX-2.5's split files (split25.py), LTX-2's and LTX-2.3's transformer-only files
(split23.py)."""
from __future__ import annotations

import os

READS = ("Load Video Model has no audio VAE setting: it reads the one *audio*vae* file beside its VAE file (else "
         "beside the model file) for LTX-2.5 and LTX-2's or LTX-2.3's transformer-only files; an all-in-one LTX-2 / "
         "LTX-2.3 checkpoint as the model gives its own audio VAE instead")


def audio_vae_words(value) -> str:
    """What Load Video Model does with the audio VAE file ``value`` (the loader's setting)."""
    name = os.path.basename(str(value).replace("\\", "/")).lower()
    if "audio" in name and "vae" in name and name.endswith(".safetensors"):
        return f"audio VAE '{value}': read from '{value}' beside the VAE file: keep it there ({READS})"
    return (f"audio VAE '{value}': not read ({READS}), as its name does not say audio VAE: keep the audio VAE file "
            "(LTX23_audio_vae_bf16, LTX2_audio_vae_bf16, ltx-2.5-audio-vae-bf16) beside the VAE file")
