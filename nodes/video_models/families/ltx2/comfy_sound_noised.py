"""A sound of the workflow's encoded for LTX-2 (LTXVAudioVAEEncode, VAEEncodeAudio) that reaches its first sampler with
no noise mask while that sampler's schedule starts at pure noise (its denoise 1, noise added: a ManualSigmas' first
sigma 1, a KSampler's denoise 1): ComfyUI noises the track away there and makes a new sound, only the track's length
kept (heldout32 16: a RunPod worker's 'audio input' request). Studio's 'sound: input' would write the track over the
take, a sound ComfyUI's output does not have; so LTX-2 makes its own sound ('sound: generated') and the track is said
not used. A schedule starting lower (a partial denoise) keeps part of the track: left to the map's 'input'. Read by
the sampler's declared latent input and the sound's way to it; plain data."""
from __future__ import annotations

from studio.convert.api import CNode, adds_noise, sampler_denoise

from .comfy_latent_passing import latent_source


def noised_away(wf, enc: CNode) -> CNode | None:
    """The sampler that noises ``enc``'s sound away: one given, on 'latent_image', the node joining the picture's latent
    and ``enc``'s (its 'audio_latent' straight from ``enc`` through nodes passing a latent on: no noise mask between),
    its schedule starting at pure noise with noise added; None where no such sampler is found."""
    joins = [m for m in wf.nodes.values() if m.enabled and "audio_latent" in m.links
             and latent_source(wf, m, "audio_latent") is enc]
    for s in wf.nodes.values():
        if not s.enabled or "latent_image" not in s.links or latent_source(wf, s, "latent_image") not in joins:
            continue
        d = sampler_denoise(wf, s)
        if d is not None and d >= 1 and adds_noise(wf, s):
            return s
    return None


def said(enc: CNode, sampler: CNode, file: str) -> str:
    """The sentence for the track ``file`` ``enc`` encodes, noised away by ``sampler``."""
    return (f"the sound '{file}' that '{enc.title or enc.shown_cls}' ({enc.shown_cls}, #{enc.id}) encodes reaches "
            f"'{sampler.title or sampler.shown_cls}' ({sampler.shown_cls}, #{sampler.id}) with no noise mask, and that "
            "sampler's schedule starts at pure noise: ComfyUI noises the track away and makes a new sound (only the "
            "track's length kept), so LTX-2 makes its own sound with the take ('sound: generated', the take's length) and the track is not used")
