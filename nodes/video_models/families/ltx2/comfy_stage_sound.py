"""LTX-2's second stage read further (comfy_stages): a tiled latent upsampler (ComfyUI-LTXVideo's
LTXVLatentUpsamplerTiled: told by its 'upscale_model' input of type LATENT_UPSCALE_MODEL) as the upsampler, its
tiling said; and the first pass's sound held through the second pass (a SetLatentNoiseMask of the audio latent
with a SolidMask of 0, chosen or not by ControlAltAI's TwoWaySwitch, whose selection_setting 1 gives input_1 and
2 input_2), which is what LTX-2 Latent Upscale's refine does (it holds the take's sound clean while the picture is
denoised): read, said; a second pass resampling the sound (chosen by a switch, or the first pass's sound, made with
no noise mask, given to it with none) is said as not done. Functions on a builder ``b`` of
comfy_map; plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, Sampling, Workflow, any_through

from .comfy_mask_time import MASK, mask_by_time

MAX_WALK = 32  # nodes walked on the second pass's audio latent


def is_upsampler(n: CNode) -> bool:
    """LTX-2's latent upsampler: ComfyUI's LTXVLatentUpsampler, or a node declaring a LATENT_UPSCALE_MODEL input."""
    return n.cls == "LTXVLatentUpsampler" or n.in_types.get("upscale_model") == "LATENT_UPSCALE_MODEL"


def tiling(b, node: CNode, said: list[str]) -> None:
    """A tiled upsampler's tiling, said (Studio's upsamples whole frames, a window of frames at a time)."""
    if node.cls != "LTXVLatentUpsampler":
        s = node.settings()
        shown = ", ".join(f"{k} {v}" for k, v in s.items()) if s else ""
        said.append(f"'{node.title or node.shown_cls}' ({node.shown_cls}, #{node.id}) upsamples in tiles"
                    + (f" ({shown})" if shown else "") + ": LTX-2 Latent Upscale upsamples whole frames, a window "
                    "of frames at a time (its 'window'); the tiling is not applied")


def sigma_makers(wf: Workflow, sampler: CNode) -> str:
    """The nodes making a sampler's sigmas (a scheduler, a split of it), nearest first, named."""
    out, src = [], wf.source(sampler, "sigmas")
    while src is not None and len(out) < 4 and src not in out:
        out.append(src)
        src = wf.source(src, "sigmas")
    return ", ".join(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})" for n in out)


def _pick(wf: Workflow, n: CNode) -> str | None:
    """The input a TwoWaySwitch passes on ('input_1' / 'input_2'), None where its choice is not known."""
    raw = n.raw if isinstance(n.raw, list) else []
    k = wf.value(n, "selection_setting") if "selection_setting" in n.widgets else (raw[0] if raw else None)
    return f"input_{k}" if k in (1, 2) and not isinstance(k, bool) else None


FRESH = ("LTXVEmptyLatentAudio", "LTXVAudioVAEEncode", "VAEEncodeAudio")  # a sound latent carrying no noise mask


def _concat_of(wf: Workflow, latent: CNode | None) -> CNode | None:
    """The node putting the picture's and the sound's latents together, walked up from ``latent``."""
    for _ in range(MAX_WALK):
        if latent is None or "audio_latent" in latent.links:
            return latent
        latent = wf.source(latent, next((k for k in ("latent_image", "latent", "samples") if k in latent.links), ""))
    return None


def _made_unmasked(wf: Workflow, separate: CNode) -> bool:
    """The first pass's sound, split off by ``separate``, carries no noise mask: that pass's sampler was given it
    straight from an empty sound latent or an encoder (ComfyUI's sampler keeps its latent's noise mask, and the
    split and the join carry it, so a sound held clean by a mask in the first pass stays held in the second)."""
    first, link = wf.source(separate, "av_latent"), separate.links.get("av_latent")
    for _ in range(MAX_WALK):  # through a node passing anything on (KJNodes' VRAM_Debug between the passes)
        port = any_through(wf, first, link[1]) if first is not None and link is not None else None
        if port is None:
            break
        first, link = wf.source(first, port), first.links.get(port)
    concat = _concat_of(wf, wf.source(first, "latent_image")) if first is not None else None
    src = wf.source(concat, "audio_latent") if concat is not None else None
    return src is not None and src.cls in FRESH


def held_sound(b, second: Sampling, said: list[str]) -> None:
    """The second pass's audio latent: the first pass's held by a noise mask of 0 (read: the refine holds the take's
    sound), or resampled (said: not done)."""
    wf = b.wf
    if "sound" in second.node.own_ways:  # a pack's sampler treating the sound its own way (packs/custom_samplers.py)
        said.append(f"{second.node.named()} treats the first pass's sound its own way (its pack's, which Studio does "
                    "not read): LTX-2 Latent Upscale's refine holds the take's sound as the first pass made it")
        return
    concat = wf.source(second.node, "latent_image")
    for _ in range(MAX_WALK):  # to the node putting the picture's and the sound's latents together
        if concat is None or "audio_latent" in concat.links:
            break
        concat = wf.source(concat, next((k for k in ("latent", "samples", "latent_image") if k in concat.links), ""))
    if concat is None or "audio_latent" not in concat.links:
        return
    node, way = wf.source(concat, "audio_latent"), []
    for _ in range(MAX_WALK):
        if node is None:
            return
        if node.cls == "TwoWaySwitch":
            pick = _pick(wf, node)
            if pick is None or pick not in node.links:
                return
            way.append(node)
            node = wf.source(node, pick)
            continue
        if node.cls == "SetLatentNoiseMask":
            mask = wf.source(node, "mask")
            if mask is None or mask.cls != "SolidMask" or wf.value(mask, "value") != 0:
                return
            b.used |= {n.id for n in (*way, node, mask)}
            names = ", ".join(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})" for n in (*way, node, mask))
            said.append(f"the second pass holds the first pass's sound clean ({names}: a noise mask of 0 on its audio "
                        "latent), as LTX-2 Latent Upscale's refine holds the take's sound")
            return
        timed = wf.source(node, "av_latent") if node.cls == "LTXVSeparateAVLatent" else None
        if timed is not None and timed.cls == MASK and timed.enabled:  # the pack's mask by time: read (comfy_mask_time)
            mask_by_time(b, timed, said)
            return
        if node.cls in ("LTXVSeparateAVLatent",) or "audio" in node.cls.lower():
            if way:  # a switch choosing the sound resampled: said, with the switch
                b.used |= {n.id for n in way}
                said.append(f"the second pass resamples the first pass's sound ("
                            + ", ".join(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})" for n in way)
                            + "): not done, LTX-2 Latent Upscale's refine holds the take's sound as it was made")
            elif node.cls == "LTXVSeparateAVLatent" and _made_unmasked(wf, node):  # noised and made again
                said.append(f"the second pass re-noises and resamples the first pass's sound (the audio latent of "
                            f"'{node.title or node.shown_cls}' ({node.shown_cls}, #{node.id}) given with no noise mask "
                            f"to '{concat.title or concat.shown_cls}' ({concat.shown_cls}, #{concat.id})'s "
                            "'audio_latent'): not done, LTX-2 Latent Upscale's refine holds the take's sound as the "
                            "first pass made it")
            return
        node = wf.source(node, next(iter(node.links), "")) if len(node.links) == 1 else None
