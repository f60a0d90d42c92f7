"""Pusa V1 as ComfyUI workflows give it (kijai's WanVideoWrapper: comfy_wrapper_pusa.py reads its embeds as one
node, ``PUSA``): Studio's Wan Pusa node (pusa/node.py), its size, frames, noise multipliers and noisy steps the
wrapper's; the pictures at the take's start are all kept ('clip_frames' 0), as the wrapper encodes all it is given.
Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, Generator, Task

from .comfy_take_size import take_frames, take_size, whole
from .comfy_wrapper_pusa import PUSA, PUSA_WIDGETS

NODE = "video_models.wan_pusa"  # pusa/node.py


def settings(b, node: CNode, params: dict, loras: list, said: list[str], continued: bool = False) -> list:
    """``params`` from the ``PUSA`` node: width and height where multiples of 16 (else said), the frames, the noise
    multipliers and noisy steps where known (else the node's defaults, said where the reading said so)."""
    wf = b.wf
    take_size(wf, node, params, said, "Wan Pusa", {"width": params.get("width", 832),
                                                   "height": params.get("height", 480)})
    take_frames(wf, node, params, said, "Wan Pusa", params.get("frames", 81))
    w = node.widgets
    if isinstance(w.get("noise"), str):
        params["noise"] = w["noise"]
    if whole(w.get("noisy_steps")) is not None:
        params["noisy_steps"] = w["noisy_steps"]
    for k in ("last_noise", "key_noise"):
        if isinstance(w.get(k), (int, float)) and not isinstance(w.get(k), bool):
            params[k] = float(w[k])
    if whole(w.get("key_frame")) is not None:
        params["key_frame"] = w["key_frame"]
    params["clip_frames"] = whole(w.get("clip_frames")) or 0  # 0: all the pictures given
    return loras


SAMPLER = "nearest diffusers scheduler"  # how the note's first-sampler line reads (mapping/settings.py)


def made(b, key) -> None:
    """The note's first-sampler line says what samples: Pusa V1's own schedule (the node's pipeline), not a diffusers
    scheduler nor the model folder's."""
    band = b.made[key][2]
    for i, note in enumerate(b.notes):
        if b.note_bands[i] != band or not note["text"].startswith("Converted from ComfyUI"):
            continue
        head, *rest = note["text"].split("\n- ")
        if rest and SAMPLER in rest[0]:
            rest[0] = (rest[0].split(f": {SAMPLER}", 1)[0] + ": Studio's Wan Pusa samples with Pusa V1's own schedule "
                       "(the release's: Euler steps of the flow, each latent frame at its own timestep), the schedule "
                       "'flowmatch_pusa' names; it has no sampler setting")
            note["text"] = "\n- ".join([head, *rest])
        break


def _words(inputs, params) -> str:
    if "key_image" in inputs:
        return "frames kept at the start and between (Pusa)" if "last_image" not in inputs else \
            "frames kept at the start, between and at the end (Pusa)"
    if "last_image" in inputs:
        return "start and end frames (Pusa)"
    return "video with its first frames kept (Pusa)" if "start" in inputs else "text to video (Pusa)"


TASKS = {PUSA: Task("video with pictures kept at its frames (Pusa)", NODE,
                    (("start", "start"), ("last_image", "last_image"), ("key_image", "key_image")), "Wan Pusa")}
WIDGETS = {PUSA: PUSA_WIDGETS}
GENERATOR = Generator(NODE, settings=settings, describe=_words, made=made)
