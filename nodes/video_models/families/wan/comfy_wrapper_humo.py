"""kijai's ComfyUI-WanVideoWrapper's HuMo input read as ComfyUI's WanHuMoImageToVideo (Studio's Wan HuMo; wins6, issue
112: heldout41 08 held "given to the sampler by HuMoEmbeds ... with an unrecognised model"). Told by its declared
types, not its name: a node giving the sampler's image embeds (WANVIDIMAGE_EMBEDS) that takes a Whisper model
(WHISPERMODEL) and a voice (AUDIO) is HuMo's (the wrapper's HuMoEmbeds and its forks).

What it does (the wrapper's HuMo/nodes.py, Apache-2.0, read for meaning): the voice through Whisper (every hidden
state, at 25 frames a second), the person from 'reference_images' (a fork's and a later version's 'start_image': that
picture as the reference, and also put in as the first frame), num_frames frames at width x height (-1: the voice's
length). As ComfyUI's core wires HuMo: AudioEncoderLoader (the Whisper file) -> AudioEncoderEncode of the voice ->
WanHuMoImageToVideo's audio_encoder_output, the picture its ref_image. Its audio settings (audio_scale,
audio_cfg_scale, the part of the steps the voice guides) have no counterpart in Studio's Wan HuMo (its own audio
guidance): said where they differ from the plain ones, or where the file saves them in a layout Studio cannot name.
Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, finite, node_type
from studio.core.shown import number

EMBEDS, WHISPER, VOICE = "WANVIDIMAGE_EMBEDS", "WHISPERMODEL", "AUDIO"
PICTURES = ("reference_images", "start_image")  # the person: the release's reference, a fork's start image
PLAIN = {"audio_scale": 1.0, "audio_cfg_scale": 1.0, "audio_start_percent": 0.0, "audio_end_percent": 1.0}

_name = CNode.named


def _types(n: CNode) -> dict[str, str]:
    """{input: its declared type}: the file's own (a UI file saves them), else the catalogue's."""
    t = node_type(n.shown_cls)
    declared = {i.name: i.type for i in t.inputs} if t is not None and t.inputs is not None else {}
    return {**declared, **{k: v for k, v in n.in_types.items() if v and v != "*"}}  # ('*': the file tells none)


def is_humo(n: CNode) -> bool:
    """``n`` gives image embeds and takes a Whisper model and a voice, by its declared types."""
    t = node_type(n.shown_cls)
    outs = tuple(t.output_types) if t is not None and t.outputs is not None else tuple(n.out_types)
    types = set(_types(n).values())
    return outs[:1] == (EMBEDS,) and WHISPER in types and VOICE in types


def _port(n: CNode, kind: str, names: tuple[str, ...] = ()) -> str | None:
    """The wired input of ``n`` of declared type ``kind`` (of ``names`` first, in their order)."""
    types = _types(n)
    wired = [k for k in n.links if types.get(k) == kind]
    return next((k for k in names if k in wired), wired[0] if wired else None)


def humo(t, n: CNode, pos, neg, sampler: CNode):
    """HuMo's embeds ``n`` as WanHuMoImageToVideo in its place ((latent, positive, negative)); None (kept as it is,
    the task held with its sentence) where its voice or its Whisper model is not wired."""
    audio, whisper = _port(n, VOICE), _port(n, WHISPER)
    if audio is None or whisper is None:
        return None
    w, unnamed = _settings(t, n)
    picture = _port(n, "IMAGE", PICTURES)
    enc_links = {"audio": n.links[audio]}
    src = t.wf.nodes.get(n.links[whisper][0])
    model = t.named(src).get("model") if src is not None else None
    if src is not None and src.cls == "AudioEncoderLoader":  # one Whisper loader read so for another HuMo's embeds
        enc_links["audio_encoder"] = (src.id, 0)  # (left19: heldout82 05's 16 segments, 15 said 'no file named')
    elif isinstance(model, str) and model:  # the Whisper file as ComfyUI's AudioEncoderLoader of it
        loader = t.core(src, "AudioEncoderLoader", {"audio_encoder_name": model}, {})
        enc_links["audio_encoder"] = (loader.id, 0)
    enc = t.core(n, "AudioEncoderEncode", {}, enc_links, nid=f"{n.id}:voice")
    enc.ports.update(audio=audio)
    links = {k: v for k, v in (("positive", pos), ("negative", neg), ("vae", n.links.get("vae")),
                               ("audio_encoder_output", (enc.id, 0)),
                               ("ref_image", n.links.get(picture) if picture else None)) if v is not None}
    frames = w.get("num_frames")
    c = t.core(n, "WanHuMoImageToVideo", {"width": w.get("width"), "height": w.get("height"),
                                          "length": frames if finite(frames) and frames > 0 else None,
                                          "batch_size": 1}, links)
    c.ports.update({"audio_encoder_output": audio, **({"ref_image": picture} if picture else {})})
    _said(t, n, w, unnamed, picture, frames)
    return (c.id, 2), (c.id, 0), (c.id, 1)


def _fits(i, v) -> bool:
    """``v`` is a value of declared widget ``i``: of its type and within its range."""
    if i.type == "BOOLEAN":
        return isinstance(v, bool)
    if i.type not in ("INT", "FLOAT") or not finite(v) or i.type == "INT" and not isinstance(v, int):
        return False
    return (i.min is None or v >= i.min) and (i.max is None or v <= i.max)


def _settings(t, n: CNode) -> tuple[dict, list]:
    """(its settings by name, [the place of the first saved value that does not fit its declared widget, the values
    from it on] or []). A UI
    file of another version of the node saves its values in other places (heldout41 08: 8 values whose second, 1,
    fell on 'width', declared 64 at least): they are named in the declared order while each fits (older_values does
    the same for loaders), the rest not read; a setting wired to a value is that value."""
    w = t.named(n)
    decl = node_type(n.shown_cls)
    if not isinstance(n.raw, list) or decl is None or decl.inputs is None:
        return w, []
    for at, (i, v) in enumerate(zip(decl.widgets, n.raw)):
        if not _fits(i, v):  # (a wired one too: the frontend keeps its last value in its place)
            return {k: x for k, x in w.items() if k in n.links or k in [d.name for d in decl.widgets[:at]]}, \
                [at, *n.raw[at:]]
    return w, []


def _said(t, n: CNode, w: dict, unnamed: list, picture: str | None, frames) -> None:
    """What the node does that Studio's Wan HuMo does not take, naming the node and the setting."""
    if picture == "start_image":
        t.said.append(f"{_name(n)}'s 'start_image' is Wan HuMo's reference (the person); the first frame the node also "
                      "makes of it is not taken (Wan HuMo starts from no picture)")
    if not finite(frames) or frames <= 0:
        t.said.append(f"{_name(n)} makes " + ("the voice's length (num_frames -1)" if frames == -1 else
                                               "a number of frames Studio cannot read")
                      + ": the generator's own frames stand; set them")
    if unnamed:
        at, *rest = unnamed
        t.said.append(f"{_name(n)}'s values saved by place from place #{at} on "
                      f"({', '.join(number(v) if finite(v) else repr(v) for v in rest)}) do not fit the settings its "
                      "type declares at those places (another version of the node): not read, nor its audio settings "
                      "among them (Wan HuMo guides by the voice with its own audio scale)")
        return
    off = [f"{k} {number(w[k])}" for k in PLAIN if k in w and finite(w[k]) and w[k] != PLAIN[k]]
    if off:
        t.said.append(f"{_name(n)}'s {', '.join(off)} not taken: Wan HuMo guides by the voice with its own audio "
                      "scale (scale_audio)")
