"""LTX-2's sound made alone (text to audio), as the workflows sharing it read: ComfyUI-LTXVideo's
LTXVAudioOnlyEmptyVideoLatent (a placeholder video latent beside LTXVEmptyLatentAudio's, with LTXVAudioOnlyModel
wrapping the transformer so only its audio branch is sampled: the pack's T2A example, read for meaning) and
ckinpdx's LTXAudioOnlyLatent (the audio and placeholder latents in one node, from the audio VAE, its length in
'seconds'). Studio's LTX-2 Sound (sound_alone.py) makes it; the workflow's sound save is its Save Audio
(mapping/sound_saves.py).

The placeholder's meaning (a video latent never attended to) cannot be read from its declaration (one LATENT
output), so these task nodes are named here; the sound's length is read by declared inputs: the task node's own
'seconds', or the latent beside the placeholder on the node joining them (the other LATENT input of a node
taking two) declaring 'frames_number' and 'frame_rate' (its frames at its rate). Plain data and readings."""
from __future__ import annotations

from studio.convert.api import CNode, Task, node_type, upstream

SOUND = "video_models.ltx2_sound"
PLACEHOLDERS = ("LTXVAudioOnlyEmptyVideoLatent", "LTXAudioOnlyLatent")  # their meaning is the pack's, not declared
SOUND_ALONE = Task("a sound alone (text to audio)", SOUND, family="LTX-2",
                   settings=(("seconds", "seconds", "its length"),
                             ("batch_size", None, "sounds made at once; Studio's LTX-2 Sound makes one", 1)),
                   read=lambda b, node, up, spec, inputs, said: read(b, node, up, inputs, said))

# the latent makers of an audio-only take: LTX-2 Sound's task nodes
TASKS = {k: SOUND_ALONE for k in PLACEHOLDERS}


def _what(n: CNode) -> str:
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"


def _number(v):
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _joined_latent(wf, node: CNode) -> CNode | None:
    """The latent the placeholder ``node`` is joined with: the source of the other LATENT input of an enabled node
    taking two LATENT inputs, one of them ``node``'s."""
    for m in wf.nodes.values():
        if not m.enabled:
            continue
        lat = [k for k in m.links if _in_type(m, k) == "LATENT"]
        if len(lat) == 2 and any(m.links[k][0] == node.id for k in lat):
            other = next(k for k in lat if m.links[k][0] != node.id)
            return wf.source(m, other)
    return None


def _inputs(cls: str) -> tuple:
    """The inputs ``cls`` declares (none where the catalogue does not know them)."""
    t = node_type(cls)
    return tuple((t.inputs if t is not None else None) or ())


def _in_type(n: CNode, name: str) -> str | None:
    return next((i.type for i in _inputs(n.cls) if i.name == name), None)


def claimed(node: CNode | None) -> Task | None:
    """The sound alone where ``node`` is one of its task nodes (LTX-2's claimed reading: before LTX-2 Video + Sound is
    chosen; the task's own reading, ``read``, has read it)."""
    return SOUND_ALONE if node is not None and node.cls in TASKS else None


def read(b, node: CNode | None, up: list[CNode], inputs: dict, said: list[str]) -> Task | None:
    """The sound alone where ``node`` is one of its task nodes (None: not this task; Task.read): its length read into
    LTX-2 Sound's 'seconds' (the task node's own, by Task.settings; else the joined audio latent's frames at its
    rate), and what of it is not taken said; a workflow loading no video VAE said (below)."""
    if node is None or node.cls not in TASKS:
        return None
    _length(b, node, said)
    if not _video_vae_loaded(b.wf):
        said.append(NO_VIDEO_VAE)
    return SOUND_ALONE


AUDIO_READERS = ("LTXVAudioVAEDecode", "LTXVEmptyLatentAudio", "LTXVAudioVAEEncode", "LTXAudioOnlyLatent",
                 "LTXVReferenceAudio")  # (an ID-LoRA's reference voice encoded by its audio_vae: proxymine25)
NO_VIDEO_VAE = ("the workflow loads no video VAE (its VAE loaders give only the sound's): Load Video Model reads "
                "LTX-2's and LTX-2.3's transformer-only files with the video VAE file on its 'vae' (LTX23_video_vae_bf16, "
                "LTX2_video_vae_bf16), and LTX-2 Sound decodes its one-frame placeholder picture with it: set 'vae' "
                "to that file")


def _video_vae_loaded(wf) -> bool:
    """Whether an enabled node gives a video VAE: one declaring MODEL and VAE outputs (a checkpoint: its VAE with
    the model), or a VAE read by a node other than LTX-2's audio nodes (the family's audio-VAE role's readers)."""
    readers: dict[str, list[CNode]] = {}
    for m in wf.nodes.values():
        for link in m.links.values():
            if m.enabled:
                readers.setdefault(link[0], []).append(m)
    for n in wf.nodes.values():
        t = node_type(n.cls) if n.enabled else None
        outs = {o.type for o in ((t.outputs if t is not None else None) or ())}
        if "VAE" in outs and ("MODEL" in outs or any(r.cls not in AUDIO_READERS for r in readers.get(n.id, []))):
            return True
    return False


def _length(b, node: CNode, said: list[str]) -> None:
    """LTX-2 Sound's 'seconds' from the task node's own (Task.settings) or the latent joined with the placeholder."""
    wf = b.wf
    if "seconds" in {i.name for i in _inputs(node.cls)}:  # (its 'seconds' and 'batch_size' read by the Task's
        if _number(wf.value(node, "seconds")) is None:  # settings; one not known when converting said here)
            said.append(f"{_what(node)}'s seconds is worked out when the workflow runs: LTX-2 Sound's 'seconds' "
                        "keeps its 5 s")
        return
    audio = _joined_latent(wf, node)
    if audio is None:
        said.append(f"the sound's length is not read (no audio latent is joined with the placeholder {_what(node)}): "
                    "LTX-2 Sound's 'seconds' keeps its 5 s")
        return
    declared = {i.name: i.type for i in _inputs(audio.cls)}
    if "AUDIO" in declared.values():  # a sound encoded into the latent (a sound given, not drawn from noise)
        said.append(f"{_what(audio)} encodes a sound into the latent sampled: LTX-2 Sound draws its sound from noise, "
                    "the encoded sound is not given to it, and its 'seconds' keeps its 5 s")
        return
    if not {"frames_number", "frame_rate"} <= set(declared):
        said.append(f"the sound's length is not read from {_what(audio)} (it declares no frames and frame rate): "
                    "LTX-2 Sound's 'seconds' keeps its 5 s")
        return
    frames, rate = _number(wf.value(audio, "frames_number")), _number(wf.value(audio, "frame_rate"))
    if frames is None or not rate:
        said.append(f"the sound's length ({_what(audio)}'s frames and rate) is worked out when the workflow runs: "
                    "LTX-2 Sound's 'seconds' keeps its 5 s")
        return
    b.extra["seconds"] = round(float(frames) / float(rate), 4)
    b.used.add(audio.id)
    said.append(f"{_what(audio)} makes the sound's latent for {number_words(frames)} frames at {number_words(rate)} "
                f"fps: LTX-2 Sound's 'seconds' {b.extra['seconds']:g}")
    batch = _number(wf.value(audio, "batch_size"))
    if batch not in (None, 1):
        said.append(f"{_what(audio)}'s batch_size {batch} (sounds made at once) is not taken: LTX-2 Sound makes one")
    return


def number_words(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def _reaches_sound_alone(wf, n: CNode) -> bool:
    """Whether what ``n`` gives reaches a node (its sampler) with an enabled task node of a sound alone upstream."""
    cons: dict[str, list[CNode]] = {}
    for m in wf.nodes.values():
        for link in m.links.values():
            cons.setdefault(link[0], []).append(m)
    seen, front = {n.id}, [n]
    while front and len(seen) < 256:
        x = front.pop(0)
        for m in cons.get(x.id, []):
            if m.id in seen or not m.enabled:
                continue
            seen.add(m.id)
            if any(u.enabled and u.cls in TASKS for u in upstream(wf, m)):
                return True
            front.append(m)
    return False


def audio_only_patch(wf, n: CNode) -> str:
    """The sentence of ComfyUI-LTXVideo's audio-only model patch (its transformer options 'run_vx', 'a2v_cross_attn'
    and 'v2a_cross_attn' off): what LTX-2 Sound does, where its model samples a sound alone; else not applied."""
    who = _what(n)
    if _reaches_sound_alone(wf, n):
        return (f"{who} runs LTX-2's audio stream alone (both audio-video cross-attentions off, the placeholder video "
                "never attended to): LTX-2 Sound does so itself")
    return (f"{who} runs LTX-2's audio stream alone (the video stream and both audio-video cross-attentions off) on a "
            "model whose sampler makes no sound alone: not applied, LTX-2 Video + Sound makes the picture and its sound "
            "together")
