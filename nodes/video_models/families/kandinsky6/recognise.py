"""How a Kandinsky 6 file is told: its picture-and-sound DiT (``Kandinsky6Transformer3DModel``) by the
top-level names of diffusers' port (transformer_kandinsky6.py in diffusers 0.42.1: a video and an
audio branch, each with its own time, text and pooled-text embeddings), its super-resolution DiT
(``Kandinsky6SRTransformer3DModel``: one visual branch, no text, a learned ``pooled_bias`` in its
place) by its own. The picture-and-sound DiT is told in the release's native names too, as ComfyUI saves
and loads it (``visual_blocks``, ``audio_outLayer``: layouts.py). Kandinsky 5's DiT has a
single ``time_embeddings``, so neither is taken for it. Its VAE is HunyuanVideo's (that family tells it); its
audio VAE with its vocoder in one file (``vae.*`` and ``vocoder.*``: audio_file.py) is told here."""
from __future__ import annotations

from ...base.recognise import Recognised
from .audio_file import is_audio_file

TOPS = frozenset({"visual_embeddings", "audio_embeddings", "audio_out_layer", "video_time_embeddings",
                  "audio_time_embeddings", "video_text_transformer_blocks", "visual_transformer_blocks", "out_layer"})
SR_TOPS = frozenset({"time_embeddings", "visual_embeddings", "visual_transformer_blocks", "out_layer", "pooled_bias"})
# the same DiT in the release's native names (ComfyUI's file)
NATIVE_TOPS = (TOPS - {"visual_transformer_blocks", "audio_out_layer"}) | {"visual_blocks", "audio_outLayer"}
AUDIO_TOPS = frozenset({"vae", "vocoder", "mel_converter"})  # the audio file's (audio_file.py)
PRO_WIDTH = 4096  # model_dim of the released Pro DiT


def width(t) -> int:
    s = t.shapes.get("visual_embeddings.in_layer.weight")
    return int(s[0]) if s and len(s) == 2 else 0


def recognise(t, filename: str = "") -> Recognised | None:
    if t.tops <= AUDIO_TOPS and is_audio_file(t.shapes):
        return Recognised("vae", "kandinsky6", "Kandinsky 6 audio VAE and vocoder",
                          "its sound: read from beside its video VAE file")
    if TOPS <= t.tops or NATIVE_TOPS <= t.tops:
        return Recognised("denoiser", "kandinsky6", "Kandinsky 6" + (" Pro" if width(t) == PRO_WIDTH else ""))
    if SR_TOPS <= t.tops and "text_transformer_blocks" not in t.tops:
        return Recognised("denoiser", "kandinsky6", "Kandinsky 6 SR")
    return None
