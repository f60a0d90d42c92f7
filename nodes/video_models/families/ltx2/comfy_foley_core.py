"""ComfyUI core's own LTX-2 video-to-audio chain read onto LTX-2 Sound for Clip (foley.py): a clip's frames encoded
(VAEEncode) and held whole by a noise mask of 0 (SetLatentNoiseMask given a one-value mask of 0, or LTXVImgToVideoInplace
putting the same frames in place at strength 1), joined by LTXVConcatAVLatent with an empty sound latent
(LTXVEmptyLatentAudio, no mask: sampled), sampled, split (LTXVSeparateAVLatent) and the sound decoded
(LTXVAudioVAEDecode). ComfyUI (yzkee/ComfyUI @ 783545f6, comfy_extras/nodes_lt.py and nodes_lt_audio.py, nodes.py,
nodes_mask.py; read for facts only): the join keeps each latent's noise mask, a missing one made all ones (sampled);
the sampler keeps a latent where its mask is 0, so only the sound is made, for the frames held - what diffusers'
LTX2ConditionPipeline does with the clip as one condition at strength 1 (foley.py).

Told by declared types and links (the catalogue's declarations): the join's 'video_latent' and 'audio_latent'; a
LATENT-and-MASK node whose mask is a one-value mask (a FLOAT 'value', nothing wired as pictures) worked out to 0; an
encode of IMAGE 'pixels' with a VAE; an empty latent of 'frames_number' from an 'audio_vae'. The join is read in place
as this module's task node (its 'images': the encode's pixels), every other node kept. Plain data and readings."""
from __future__ import annotations

from studio.convert.api import CNode, Workflow, node_type

HELD = "LTXVConcatAVLatent (its video held, its sound sampled)"  # the join read as a task node: no pack's type
SOUND_FOR_CLIP = "LTX-2 Sound for Clip"


def _declared(n: CNode | None) -> tuple[dict[str, str], tuple[str, ...]]:
    """``n``'s declared inputs (name -> type) and output types; empty where not catalogued."""
    t = node_type(n.origin or n.cls) if n is not None else None
    if t is None or not t.inputs:
        return {}, ()
    return {i.name: i.type for i in t.inputs}, tuple(t.output_types or ())


def _what(n: CNode) -> str:
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"


def _joins(n: CNode) -> bool:
    ins, outs = _declared(n)
    return ins.get("video_latent") == "LATENT" and ins.get("audio_latent") == "LATENT" and outs == ("LATENT",)


def _empty_sound(n: CNode | None) -> bool:
    """An empty sound latent made from nothing (LTXVEmptyLatentAudio): no mask, so sampled whole."""
    ins, outs = _declared(n)
    return outs == ("LATENT",) and ins.get("audio_vae") == "VAE" and "frames_number" in ins and \
        not {"LATENT", "IMAGE", "AUDIO", "MASK"} & set(ins.values())


def _encode(n: CNode | None) -> bool:
    """A picture encode (VAEEncode, VAEEncodeTiled): IMAGE 'pixels' and a VAE in, a LATENT out, no latent given."""
    ins, outs = _declared(n)
    return outs == ("LATENT",) and ins.get("pixels") == "IMAGE" and "VAE" in ins.values() and \
        "LATENT" not in ins.values() and n is not None and "pixels" in n.links


def _zero_mask(wf: Workflow, n: CNode | None) -> CNode | None:
    """The one-value mask of 0 a LATENT-and-MASK node (SetLatentNoiseMask) gives its latent, else None."""
    ins, outs = _declared(n)
    port = next((k for k, t in ins.items() if t == "MASK"), None)
    if outs != ("LATENT",) or sorted(ins.values()) != ["LATENT", "MASK"] or port not in n.links:
        return None
    m = wf.source(n, port)
    mins, mouts = _declared(m)
    if mouts != ("MASK",) or mins.get("value") != "FLOAT" or {"IMAGE", "MASK", "LATENT"} & set(mins.values()):
        return None
    v = wf.value(m, "value")
    return m if isinstance(v, (int, float)) and not isinstance(v, bool) and v == 0 else None


def held(wf: Workflow, join: CNode) -> tuple[tuple[str, int], list[CNode], str] | None:
    """The clip's frames the join's video latent holds whole: (the pixels' link, the nodes holding them: the encode
    first, the words), else None."""
    v = wf.source(join, "video_latent") if "video_latent" in join.links else None
    if v is None:
        return None
    ins, _ = _declared(v)
    lat = next((k for k, t in ins.items() if t == "LATENT"), None)
    enc = wf.source(v, lat) if lat in v.links else None
    if not _encode(enc):
        return None
    if (mask := _zero_mask(wf, v)) is not None:
        return enc.links["pixels"], [enc, v, mask], (
            f"encoded by {_what(enc)} and held whole by {_what(v)}'s noise mask of 0 ({_what(mask)}: value 0)")
    if ins.get("image") == "IMAGE" and ins.get("strength") == "FLOAT" and v.links.get("image") == \
            enc.links["pixels"] and wf.value(v, "strength") == 1 and not wf.value(v, "bypass"):
        return enc.links["pixels"], [enc, v], (
            f"encoded by {_what(enc)} and put in place by {_what(v)} at strength 1 (its noise mask 0 over them)")
    return None


def translate(wf: Workflow) -> list[str]:
    """Each join of a clip's held video latent with an empty sound latent read in place as Sound for Clip's task node
    (its 'images': the frames encoded); nothing said here (the task's reading says it)."""
    for n in wf.nodes.values():
        if not n.enabled or not _joins(n) or not _empty_sound(wf.source(n, "audio_latent")
                                                              if "audio_latent" in n.links else None):
            continue
        found = held(wf, n)
        if found is None:
            continue
        n.origin, n.cls = n.cls, HELD
        n.links["images"] = found[0]
        if n.in_types:
            n.in_types["images"] = "IMAGE"
    return []


def _number(v) -> str | None:
    return f"{v:g}" if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def read(b, node: CNode | None, said: list[str]) -> None:
    """The held chain's nodes counted used and said: what they hold, the empty sound latent's length and the mask's
    size (none of them Sound for Clip's settings)."""
    if node is None or node.cls != HELD:
        return
    wf = b.wf
    found, sound = held(wf, node), wf.source(node, "audio_latent")
    if found is None or sound is None:
        return
    _, nodes, words = found
    b.used |= {m.id for m in (*nodes, sound)}
    b.extra["window_frames"] = 0  # (the workflow samples the whole clip at once: one call, no windows)
    lines = [f"{_what(node)} joins the clip's frames {words} with {_what(sound)}'s empty sound latent, which alone "
             f"is sampled: read as {SOUND_FOR_CLIP} making the sound for the clip (its frames kept as given)"]
    frames, rate = (_number(wf.value(sound, k)) for k in ("frames_number", "frame_rate"))
    lines.append(f"{_what(sound)}'s frames_number {frames or '(wired, worked out when the workflow runs)'} at "
                 f"frame_rate {rate or '(wired)'} is not taken: {SOUND_FOR_CLIP} makes the sound as long as the "
                 "clip's frames it scores (its first 8n+1), at the clip's own rate")
    if (batch := wf.value(sound, "batch_size")) not in (None, 1):
        lines.append(f"{_what(sound)}'s batch_size {batch} is not taken: {SOUND_FOR_CLIP} makes one sound")
    mask = nodes[2] if len(nodes) > 2 else None
    if mask is not None:
        size = [f"{k} {x}" for k in ("width", "height") if (x := _number(wf.value(mask, k)))]
        if size:
            lines.append(f"{_what(mask)}'s {' and '.join(size)} only size a mask of one value, which ComfyUI "
                         "stretches over the latent: nothing to take")
    lines += [f"{_what(d)} decodes the clip's latent the sampler held clean (its frames encoded and decoded again): "
              f"{SOUND_FOR_CLIP} gives the clip's own frames, as given to it" for d in _decoders(wf, node)]
    said.extend(lines)


def _decoders(wf: Workflow, join: CNode) -> list[CNode]:
    """The decoders of the video latent split off the output of a sampler given ``join`` (a node giving IMAGE from a
    LATENT 'samples' that is a split's first output, the split's 'av_latent' a node wired to the join)."""
    out = []
    for m in wf.nodes.values():
        ins, outs = _declared(m)
        split = wf.source(m, "samples") if m.enabled and outs == ("IMAGE",) and ins.get("samples") == "LATENT" and \
            "samples" in m.links and m.links["samples"][1] == 0 else None
        sampler = wf.source(split, "av_latent") if split is not None and "av_latent" in split.links else None
        if sampler is not None and any(src == join.id for src, _ in sampler.links.values()):
            out.append(m)
    return out
