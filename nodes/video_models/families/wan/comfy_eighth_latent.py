"""A Wan 2.2 TI2V 5B take sampled from an empty latent made for a VAE of 8 pixels a latent pixel (ComfyUI's
EmptyHunyuanLatentVideo: zeros [16, (length - 1) // 4 + 1, height // 8, width // 8]) where the model's own latent,
Wan22ImageToVideoLatent's, holds height // 16 x width // 16. ComfyUI samples that latent as it is (comfy/sample.py's
fix_empty_latent_channels repeats an empty latent's 16 channels to the model's 48, its size kept) and the Wan 2.2 VAE
decodes each latent pixel into 16 x 16 (comfy/sd.py: its upscale_ratio 16): the video it writes is twice the width
and height the empty latent was asked (proxymine25: HengLine's text_to_video.json, 768x512 asked, 1536x1024 written;
endlessblink's Wan2.2_5B_T2V_60FPS, 480x832 asked, halved after the decode by its own ImageScaleBy 0.5). Studio made
the size asked, unsaid. Read for these facts (ComfyUI a125cd84), nothing copied.

Told by the sampler's latent (that node type, wired straight or through earlier samplers) and its model's file (a
Wan TI2V file, as comfy_wrappers reads one: 'ti2v' and 'wan' in its name). Plain stdlib."""
from __future__ import annotations

from studio.convert.api import SAMPLERS, model_file

from .comfy_unread_conditioning import latent_task

EIGHTH = "EmptyHunyuanLatentVideo"  # ComfyUI's core empty video latent at an eighth of each side, Wan's 4k + 1 frames
MAX_STEPS = 32


def _model_name(wf, s) -> str:
    """The file of the model loader on the sampler's model way (through its guider and model patches), lower case."""
    n = wf.source(s, "guider") or s
    for _ in range(MAX_STEPS):
        n = wf.source(n, "model") if n is not None else None
        if n is None:
            return ""
        name = model_file(wf, n)
        if isinstance(name, str) and name:
            return name.lower()
    return ""


def doubled(b, s, params, said) -> None:
    """The 'sampler_params' hook: a TI2V 5B take from an eighth-size empty latent made at twice its asked size."""
    wf = b.wf
    latent = latent_task(wf, s)
    name = _model_name(wf, s)
    if latent is None or latent.cls != EIGHTH or not ("ti2v" in name and "wan" in name):
        return
    w, h = params.get("width"), params.get("height")
    if not all(isinstance(x, int) and not isinstance(x, bool) and x > 0 for x in (w, h)):
        return
    params["width"], params["height"] = 2 * w, 2 * h
    said.append(f"'{latent.title or latent.shown_cls}' ({latent.shown_cls}, #{latent.id}) makes an empty latent of "
                f"{w}x{h} at an eighth of each side ({w // 8}x{h // 8}), for a VAE of 8 pixels a latent pixel; Wan 2.2 "
                f"TI2V 5B ('{name}') samples it as it is and its VAE decodes 16 pixels of each: ComfyUI writes "
                f"{2 * w}x{2 * h}, which Studio makes (Wan22ImageToVideoLatent's latent, a sixteenth of each side, "
                "gives the size asked)")


def decoded_scale(wf, maker, decode) -> int | None:
    """The 'decoded_scale' hook: 2 where ``decode`` decodes a TI2V 5B sampler's take of an eighth-size empty latent
    (the size a picture measured of it has, as ComfyUI decodes it: endlessblink's 1.5x upscale of GetImageSize of the
    decoded take), else None."""
    if maker is None or maker.cls != EIGHTH:
        return None
    s = wf.source(decode, "samples") or wf.source(decode, "latents")
    name = _model_name(wf, s) if s is not None and s.cls in SAMPLERS else ""
    return 2 if "ti2v" in name and "wan" in name else None
