"""kijai's ComfyUI-WanVideoWrapper's FantasyTalking (its fantasytalking/nodes.py, read for meaning: nothing copied) read
as one node, ``TASK``, which the Wan mapping (comfy.py) makes into Studio's FantasyTalking (talk/fantasy_node.py, issue
112): a sampler given the voice on its input of the declared type FANTASYTALKING_EMBEDS (FantasyTalkingWav2VecEmbeds: the
voice, its wav2vec2 model, num_frames, fps, audio_scale, audio_cfg_scale) with a WanVideoImageToVideoEncode as its
image_embeds (the start picture, its CLIP embeds, size and frames), its model patched by FantasyTalkingModelLoader on the
model loader's input of the declared type FANTASYTALKINGMODEL (the file: the node's 'weights').

The voice is encoded as ComfyUI's AudioEncoderEncode of the Load Audio, which the converter's voice reading makes into
Speech Features (comfy.py's FantasyTalking voice: wav2vec2's last hidden state at its own 50 a second). Wired otherwise
(no start picture encode, no FantasyTalking model on the loader) the task is held with the wrapper's sentence.
Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, finite, in_type
from studio.core.shown import number

EMBEDS = "FantasyTalkingWav2VecEmbeds"
VOICE = "FANTASYTALKING_EMBEDS"  # the sampler's input's declared type
MODEL = "FANTASYTALKINGMODEL"  # the model loader's input's declared type
I2V = "WanVideoImageToVideoEncode"
# the node the reading makes in the encode's place: no ComfyUI node; the Wan mapping reads it
TASK = "WanVideoWrapperFantasyTalking"
WAV2VEC2 = "facebook/wav2vec2-base-960h"  # the release's speech encoder (its infer.py's wav2vec_model_dir)
WIDGETS = {EMBEDS: ("num_frames", "fps", "audio_scale", "audio_cfg_scale"), "FantasyTalkingModelLoader":
           ("model", "base_precision")}

_name = CNode.named


def voice_input(sampler: CNode) -> str | None:
    """The sampler's input wired with FantasyTalking's voice, by its declared type."""
    return next((k for k in sampler.links if in_type(sampler, k) == VOICE), None)


def loaders(t) -> None:
    """The FantasyTalking file each model loader is given on its input of the declared type FANTASYTALKINGMODEL, kept on
    ``t`` for the FantasyTalking node made from it (the link taken off: the loader reads the model file alone)."""
    t.fantasy_files = {}
    for n in list(t.wf.nodes.values()):
        port = next((k for k in n.links if in_type(n, k) == MODEL), None)
        src = t.wf.nodes.get(n.links[port][0]) if port else None
        if src is not None and port and n.cls in ("WanVideoModelLoader",):
            t.fantasy_files[n.id] = (src, t.named(src).get("model"), port)
            del n.links[port]


def unread(t) -> None:
    """The FantasyTalking files no FantasyTalking node read: said, never lost silently."""
    for loader, (src, name, port) in getattr(t, "fantasy_files", {}).items():
        if src.id not in t.wf.taken:
            what = f"the FantasyTalking file {name!r}" if isinstance(name, str) and name else "a FantasyTalking file"
            t.said.append(f"{_name(src)} gives {what} to the model of #{loader} ({port!r}): not read, no FantasyTalking "
                          "take of the workflow is made with it")


def fantasy(t, n: CNode, pos, neg, sampler: CNode):
    """WanVideoImageToVideoEncode ``n`` with its sampler's FantasyTalking voice as ``TASK`` in its place: (latent,
    positive, negative); None where the sampler is given no FantasyTalking voice (not this reading), or is but the rest
    is not wired as the wrapper's example wires it (said; the task then held by the wrapper's sentence)."""
    port = voice_input(sampler)
    if port is None:
        return None
    link = t.link(sampler, port)
    emb = t.wf.nodes.get(link[0]) if link else None
    model = t.link(sampler, "model")
    found = next((t.fantasy_files[m.id] for m in t.model_way(model) if m.id in getattr(t, "fantasy_files", {})), None)
    if n.cls != I2V or emb is None or emb.cls != EMBEDS or "audio" not in emb.links or found is None or \
            t.link(n, "end_image") or t.link(n, "start_image") is None:
        t.said.append(f"{_name(sampler)} is given FantasyTalking's voice on {port!r}: Studio reads it as FantasyTalking "
                      f"where the voice is {EMBEDS}'s of a Load Audio, its image_embeds a {I2V} of one start image and "
                      "its model given the FantasyTalking file by FantasyTalkingModelLoader, as the wrapper wires them: "
                      "not so here, so held")
        return None
    src, name, _ = found
    w, e = t.named(n), t.named(emb)
    t.wf.taken.update({src.id, emb.id})
    encoder = _encoder(t, emb)
    enc = t.core(emb, "AudioEncoderEncode", {}, {k: v for k, v in (("audio_encoder", encoder),
                                                                   ("audio", emb.links["audio"])) if v})
    links = {k: v for k, v in (("positive", pos), ("negative", neg), ("vae", t.link(n, "vae")),
                               ("start_image", t.link(n, "start_image")), ("clip_vision_output", t.link(n, "clip_embeds")),
                               ("audio_encoder_output", (enc.id, 0))) if v}
    frames = w.get("num_frames")  # the encode's: the take's length (the embeds' slice the voice for it)
    a = e.get("audio_cfg_scale")
    widgets = {"width": w.get("width"), "height": w.get("height"), "length": frames,
               "weights": name.replace("\\", "/") if isinstance(name, str) and name.strip() else None,
               "audio_scale": e.get("audio_scale") if finite(e.get("audio_scale")) else None,
               "fps": e.get("fps") if finite(e.get("fps")) else None,
               # the wrapper's audio_cfg_scale 1: no pass without the voice (Studio's audio_guidance 0: off)
               "audio_guidance": (0.0 if a == 1 else a) if finite(a) else None}
    c = t.core(n, TASK, widgets, links)
    c.ports.update({"clip_vision_output": "clip_embeds", "audio_encoder_output": (sampler, port)})
    t.made.pop(n.cls, None)  # not read as a ComfyUI node: said here instead
    t.say(n, f"{_name(n)}, with the FantasyTalking voice {_name(emb)} gives its sampler {_name(sampler)} on {port!r}, "
             "is read as Studio's Fantasy Talking node (its start image, size and frames the encode's; its voice, "
             "audio_scale, audio_cfg_scale and fps the embeds')")
    _said(t, n, w, emb, e, name)
    return (c.id, 2), (c.id, 0), (c.id, 1)


def _encoder(t, emb: CNode):
    """The wav2vec2 model the voice is encoded with: DownloadAndLoadWav2VecModel's Hugging Face folder, which Speech
    Features then reads through Load Preprocessor (comfy.py's FantasyTalking voice)."""
    link = emb.links.get("wav2vec_model")
    src = t.wf.nodes.get(link[0]) if link else None
    if src is None:
        return None
    model = t.named(src).get("model")
    t.wf.taken.add(src.id)
    t.made.setdefault(src.cls, f"Speech Features' wav2vec2 folder ({WAV2VEC2}, FantasyTalking's)")
    if isinstance(model, str) and model != WAV2VEC2:
        t.said.append(f"{_name(src)} downloads {model!r}: Speech Features reads FantasyTalking's {WAV2VEC2!r} "
                      "instead, the encoder its release reads (set Load Preprocessor's model)")
    return link


def _said(t, n: CNode, w: dict, emb: CNode, e: dict, name) -> None:
    """What the wrapper does that Studio's FantasyTalking does not, naming the node and setting."""
    if not (isinstance(name, str) and name.strip()):
        t.said.append(f"the FantasyTalking file is not named by the workflow: set FantasyTalking's 'weights' "
                      "(diffusion_models/fantasytalking_fp16.safetensors)")
    if finite(e.get("num_frames")) and finite(w.get("num_frames")) and e["num_frames"] != w["num_frames"]:
        t.said.append(f"{_name(emb)}'s num_frames {number(e['num_frames'])} is not taken: Studio's Fantasy Talking "
                      f"slices the voice for the {number(w['num_frames'])} frames {_name(n)} makes")
    for key, plain in (("noise_aug_strength", 0), ("start_latent_strength", 1)):
        if finite(w.get(key)) and w[key] != plain:
            t.said.append(f"{_name(n)}'s {key} {number(w[key])} is not applied: Studio's Fantasy Talking encodes the "
                          "start image as it is")
    for key in ("audio_cfg_scale", "fps", "audio_scale"):
        src = t.wf.source(emb, key) if not finite(e.get(key)) and key in emb.links else None
        if src is not None:
            t.said.append(f"{_name(emb)}'s {key} comes from {_name(src)}, whose value Studio cannot work out when "
                          "converting: not taken (set FantasyTalking's "
                          + {"audio_cfg_scale": "audio_guidance", "fps": "fps", "audio_scale": "audio_scale"}[key] + ")")
