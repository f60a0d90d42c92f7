"""kijai's ComfyUI-WanVideoWrapper's InfiniteTalk read as ComfyUI's WanInfiniteTalkToVideo (Studio's InfiniteTalk, issue
112): WanVideoImageToVideoMultiTalk (the start image, size, window and the frames carried between windows) with the
sampler's multitalk_embeds (MultiTalkWav2VecEmbeds: the voice, its wav2vec2 model, the audio scale) and the patch
MultiTalkModelLoader adds to the model loader, as WanInfiniteTalkToVideo, AudioEncoderEncode and ModelPatchLoader.

The wrapper makes the take in windows of frame_window_size, each continued from the last motion_frame frames of the
one before, for as long as the voice lasts (at most MultiTalkWav2VecEmbeds' num_frames): Studio's InfiniteTalk makes
the voice's length (frames 0) in windows, motion_frames carried, at most its most_frames (num_frames; heldout69: the
cap had been said and not made). MultiTalk (not InfiniteTalk: the wrapper tells them
by its mode, or 'auto' by the patch file's name) and two or more voices are kept as they are, the task held with its
sentence. The inputs' meanings are the wrapper's (multitalk/nodes.py, Apache-2.0, read for meaning, nothing copied).
Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, decline, finite, in_type, info_rate
from studio.core.shown import number

from .talk.comfy_mask_boxes import drawn
from .talk.comfy_mask_found import found as found_masks, why as found_why
from .talk.comfy_talk import WAV2VEC2

I2V = "WanVideoImageToVideoMultiTalk"
EMBEDS = "MultiTalkWav2VecEmbeds"
PATCH = "MultiTalkModelLoader"
WIDGETS = {I2V: ("width", "height", "frame_window_size", "motion_frame", "force_offload", "colormatch", "tiled_vae",
                 "mode"),
           EMBEDS: ("normalize_loudness", "num_frames", "fps", "audio_scale", "audio_cfg_scale", "multi_audio_type"),
           PATCH: ("model",), "DownloadAndLoadWav2VecModel": ("model", "base_precision", "load_device"),
           "Wav2VecModelLoader": ("model", "base_precision", "load_device")}
FPS = 25  # InfiniteTalk's frame rate (its features are made at it)
WINDOW = 81  # the frames of one window of Studio's InfiniteTalk (talk/talk.py TRAINED_FRAMES: kept equal by a test)
VOICE = "MULTITALK_EMBEDS"  # the type of the sampler's input given the voice ('multitalk_embeds'; an older wrapper's
# 'infinitetalk_embeds': heldout41 06)


def voice_input(sampler: CNode) -> str | None:
    """The sampler's input given the voice: the wired one of the voice's declared type, else 'multitalk_embeds'."""
    return next((k for k in sampler.links if in_type(sampler, k) == VOICE),
                "multitalk_embeds" if "multitalk_embeds" in sampler.links else None)


_name = CNode.named  # the node in a sentence


def layouts(wf) -> dict:
    """The WanInfiniteTalkToVideo nodes read from the wrapper's two voices with no masks or a batch of two drawn ones:
    id -> (how the embeds lay the voices, 'para' or 'add'; the embeds node in a sentence; the drawn masks, comfy_mask_boxes'
    drawn, or None). comfy_talk wires their second voice alone (Studio's InfiniteTalk then takes the reference's boxes,
    as the wrapper does, or the drawn masks as Control Masks); comfy_turns gives 'add' voices their turns."""
    if not hasattr(wf, "talk_layouts"):
        wf.talk_layouts = {}
    return wf.talk_layouts


def patches(t) -> None:
    """The patch file each MultiTalkModelLoader gives a WanVideoModelLoader (its multitalk_model), kept on ``t``
    for the InfiniteTalk node made from it (the link taken off: the loader reads the model file alone)."""
    t.talk_patches = {}
    for n in list(t.wf.nodes.values()):
        src = n.links.get("multitalk_model") if n.cls == "WanVideoModelLoader" else None
        patch = t.wf.nodes.get(src[0]) if src else None
        if patch is not None and patch.cls == PATCH:
            t.talk_patches[n.id] = (patch, t.named(patch).get("model"))
            del n.links["multitalk_model"]


def unread_patches(t) -> None:
    """The patches no InfiniteTalk node read: said, never lost silently."""
    for loader, (patch, name) in getattr(t, "talk_patches", {}).items():
        if patch.id not in t.wf.taken:
            what = f"the Multi/InfiniteTalk patch {name!r}" if isinstance(name, str) and name else \
                "a Multi/InfiniteTalk patch (the file names none)"  # (heldout21 15: "patch None" of an emptied file)
            t.said.append(f"{_name(patch)} adds {what} to the model of #{loader}: not read, no InfiniteTalk take of "
                          "the workflow is made with it")


ENCODES = ("WanVideoEncode", "VAEEncode")  # a clip's latents given to the sampler's 'samples' (read as VAEEncode by then)


def dubbing(t, sampler: CNode, src, samples) -> tuple[CNode, tuple] | None:
    """InfiniteTalk video to video as the wrapper wires it (heldout41 10, 12): the sampler given the voice, its
    image_embeds a WanVideoImageToVideoMultiTalk and its 'samples' a clip's latents (a VAE encode of the clip):
    (the encode, the clip's link into it, that input's name), else None. Told by the types wired, the encode by its
    IMAGE input."""
    emb = t.wf.nodes.get(src[0]) if src else None
    enc = t.wf.nodes.get(samples[0]) if samples else None
    if emb is None or emb.cls != I2V or enc is None or voice_input(sampler) is None:
        return None
    port = next((k for k in enc.links if in_type(enc, k) == "IMAGE"),
                "image" if "image" in enc.links else "pixels" if "pixels" in enc.links else None)
    encodes = enc.cls in ENCODES or any(in_type(enc, k) in ("VAE", "WANVAE") for k in enc.links)  # pictures + a VAE
    return (enc, enc.links[port], port) if port and encodes else None


def dub_start(w: dict) -> int | None:
    """The step a dubbing sampler (its settings ``w``, read by its declared inputs) starts the clip's latents at, as
    the wrapper's sampler works it out: its start_step; with a denoise_strength d below 1 (and start_step 0) step
    steps - int(steps x d) - 1; 0: from noise. None where its steps or start are not numbers Studio can read."""
    steps, start, d = w.get("steps"), w.get("start_step"), w.get("denoise_strength")
    if not (isinstance(steps, int) and not isinstance(steps, bool)) or steps < 1:
        return None
    if finite(d) and 0 < d < 1 and not start:
        return max(0, steps - int(steps * float(d)) - 1)
    if start is None or start == 0:
        return 0
    return start if isinstance(start, int) and not isinstance(start, bool) else None  # (a float: a sigma, not a step)


def dubbed(t, made, sampler: CNode, enc: CNode, clip, port: str = "image") -> None:
    """The InfiniteTalk node ``made`` (infinitetalk's outputs) given the clip as its 'clip' (Studio's InfiniteTalk
    video to video, the reference's way) and the sampler's start step as its 'strength' (talk/talk_dub.py: each
    window from its frames of the clip noised to that step, as the wrapper's); what differs from the wrapper's said.
    Its 'clip' is no input of the file's node: a sentence naming where the clip goes names the encode's own input
    (``port``) the file wires it to (heldout66 02: "a step between its 'image' and ... (#192)'s 'clip'", an input
    WanVideoImageToVideoMultiTalk does not have)."""
    c = t.wf.nodes[made[0][0]]
    c.links["clip"] = clip
    own = enc.ports.get(port, port)
    c.ports["clip"] = own if isinstance(own, tuple) else (enc, own)
    t.wf.taken.add(enc.id)
    w = t.named(sampler)
    steps, k = w.get("steps"), dub_start(w)
    e = getattr(t, "encoded", {}).get(enc.id) or t.named(enc)  # (a WanVideoEncode's, kept when read as VAEEncode)
    for key, plain in (("latent_strength", 1), ("noise_aug_strength", 0)):  # the encode's own changes: said
        if finite(e.get(key)) and e[key] != plain:
            t.said.append(f"{_name(enc)}'s {key} {number(e[key])} is not applied: Studio's InfiniteTalk encodes the "
                          "clip's frames as they are")
    if not k or k >= steps:
        start = w.get("start_step")
        why = ("" if k == 0 or (k is None and start is None) else  # (a start not worked out: said by named)
               f" from step {k}, which leaves none of its {number(steps)} steps (the wrapper refuses it)" if k is not None
               else f" from noise level {number(start)} (a start_step below 1 is a sigma): not taken" if finite(start)
               and 0 < start < 1 else f" from step {number(start)} of steps Studio cannot work out: not taken (set "
               "InfiniteTalk's 'strength')")
        t.said.append(f"{_name(sampler)} re-makes the clip's latents ({_name(enc)}, on 'samples'){why}"
                      f"{'; ' if why else ': '}Studio's InfiniteTalk dubs the clip as InfiniteTalk's reference does, each "
                      "window made from noise and seeing the clip's frame at its start (its 'clip'), so the clip's motion "
                      "is followed at those frames only")
        return
    strength = (steps - k) / steps  # Studio's share: the last int(steps x strength) steps run (talk_dub.start_step)
    t.wf.carried.setdefault(sampler.id, {})["strength"] = strength
    d = w.get("denoise_strength")
    how = f" (its denoise_strength {number(d)})" if finite(d) and d < 1 and not w.get("start_step") else ""
    raw = " not noised (its add_noise_to_samples off; Studio's noises them)" if w.get("add_noise_to_samples") is False \
        and not how else ""  # (a denoise_strength below 1 noises them in the wrapper whatever that says)
    t.said.append(f"{_name(sampler)} re-makes the clip's latents ({_name(enc)}, on 'samples') from step {k} of "
                  f"{number(steps)}{how}{raw}: Studio's InfiniteTalk does the same at strength {number(round(strength, 4))} "
                  f"(its 'clip': each window starts from its frames of the clip noised to step {k} and runs the last "
                  f"{steps - k}), each window seeing the clip's frame at its start (the reference's picture); the clip's latents are encoded "
                  "window by window, where the wrapper slices one encode of the whole clip")


def infinitetalk(t, n: CNode, pos, neg, sampler: CNode, given: dict | None = None, multitalk_said=None):
    """WanVideoImageToVideoMultiTalk ``n`` with its sampler's voice as WanInfiniteTalkToVideo in its place (its latent:
    output 3; the prompts and the patched model through it); None (kept, the task held) for MultiTalk or more voices.
    ``given``: the window settings where ``n`` is another node holding the start image (comfy_wrapper_context_talk: a
    plain image-to-video encode in context windows), ``multitalk_said`` then says how its MultiTalk is made (its
    motion frames given)."""
    port = voice_input(sampler) or "multitalk_embeds"
    link = t.link(sampler, port)
    emb = t.wf.nodes.get(link[0]) if link else None
    model = t.link(sampler, "model")
    found = next((t.talk_patches[m.id] for m in t.model_way(model) if m.id in getattr(t, "talk_patches", {})), None)
    w = given if given is not None else t.named(n)
    mode = str(w.get("mode") or "auto")
    if emb is None or emb.cls != EMBEDS or found is None or "audio_1" not in emb.links:
        t.said.append(f"{_name(n)} is read as InfiniteTalk where its sampler '{sampler.title or sampler.cls}' "
                      f"(#{sampler.id}) is given the voice on {port!r} ({EMBEDS} of a voice on 'audio_1') "
                      f"and its model is patched by a {PATCH}, as the wrapper wires them: not so here, so held")
        return None
    patch, name = found
    infinite = mode == "infinitetalk" or (mode == "auto" and "infinite" in str(name).lower())
    voices = [k for k in ("audio_1", "audio_2", "audio_3", "audio_4") if k in emb.links]
    if not infinite and _multitalk_held(t, n, sampler, mode, name):
        return None
    kind = str(t.named(emb).get("multi_audio_type") or "para")
    boxes = (drawn(t, emb) or found_masks(t, emb, n)) if len(voices) == 2 and kind in ("para", "add") and \
        "ref_target_masks" in emb.links else None  # two masks drawn as boxes: Studio's Control Masks on mask_1 /
    # mask_2 (talk/comfy_mask_boxes); a face detector's: Studio's face step on the picture (talk/comfy_mask_found)
    if len(voices) > 1 and (len(voices) > 2 or kind not in ("para", "add") or
                            ("ref_target_masks" in emb.links and boxes is None)):
        # a dialogue Studio's InfiniteTalk cannot take as laid out: held, why said (heldout41 06, 11, 12)
        how = {"para": " together", "add": " one after the other"}.get(kind, "")
        why = (found_why(t.wf, emb, n) if len(voices) == 2 and kind in ("para", "add") else  # (the batch's maker named)
               f"Studio's InfiniteTalk takes two voices, together or in turns (multi_audio_type {kind!r})")
        t.said.append(f"{_name(emb)} gives the sampler {len(voices)} voices ({', '.join(repr(k) for k in voices)})"
                      f"{how}: {why}, so the take is held")
        decline(t.wf, [n.id, sampler.id], _name(n), f"{_name(emb)} gives it {len(voices)} voices{how} and {why}")
        return None
    e = t.named(emb)
    _said(t, n, w, emb, e)
    t.wf.taken.add(patch.id)
    t.made.setdefault(PATCH, "ModelPatchLoader")
    pl = t.core(patch, "ModelPatchLoader", {"name": name}, {}, nid=f"{patch.id}:patch")
    audio = emb.links["audio_1"]
    if len(voices) == 1:
        t.rewire((emb.id, 1), audio)  # the voice it gives on (for the saved video's sound): the file's
    encoder = _encoder(t, emb)
    enc = t.core(emb, "AudioEncoderEncode", {}, {k: v for k, v in (("audio_encoder", encoder),
                                                                   ("audio", audio)) if v})
    links = {k: v for k, v in (("model", model), ("positive", pos), ("negative", neg), ("vae", t.link(n, "vae")),
                               ("start_image", t.link(n, "start_image")),
                               ("clip_vision_output", t.link(n, "clip_embeds")), ("model_patch", (pl.id, 0)),
                               ("audio_encoder_output_1", (enc.id, 0))) if v}
    scale = e.get("audio_scale")
    if len(voices) == 2:  # two voices, no face masks (the wrapper's and the reference's boxes)
        two = t.core(emb, "AudioEncoderEncode", {}, {k: v for k, v in (("audio_encoder", encoder),
                                                                       ("audio", emb.links["audio_2"])) if v},
                     nid=f"{emb.id}:2")
        links["mode.audio_encoder_output_2"] = (two.id, 0)
    c = t.core(n, "WanInfiniteTalkToVideo", {"mode": "two_speakers" if len(voices) == 2 else "single_speaker",
                                             "width": w.get("width"),
                                             "height": w.get("height"), "length": w.get("frame_window_size"),
                                             "motion_frame_count": w.get("motion_frame"),
                                             "audio_scale": scale if finite(scale) else None}, links)
    c.ports.update({"clip_vision_output": "clip_embeds", "audio_encoder_output_1": (sampler, port)})
    if len(voices) == 2:  # no masks wired: the reference's left and right boxes, or the batch's drawn boxes
        layouts(t.wf)[c.id] = (kind, _name(emb), boxes)
    sampler.links["model"] = (c.id, 0)  # the model patched by the InfiniteTalk node, as ComfyUI's core wires it
    _carried(t, n, sampler, emb, e, w, (infinite, mode, name), multitalk_said)
    return (c.id, 3), (c.id, 1), (c.id, 2)


def _carried(t, n: CNode, sampler: CNode, emb: CNode, e: dict, w: dict, kind: tuple, multitalk_said) -> None:
    """What the InfiniteTalk take carries onto the generator: the voice's length (frames 0) at most the embeds' cap, the
    motion frames, MultiTalk's method (said); ``kind``: (InfiniteTalk or not, the wrapper's mode, the patch's name)."""
    infinite, mode, name = kind
    carried = {"frames": 0}
    if emb.id in getattr(t.wf, "talk_rates", {}):  # the dubbed clip's rate, when it runs (talk_rate.py)
        carried["fps"] = 0.0
    cap = e.get("num_frames")
    if finite(cap) and cap >= 1:  # the wrapper's take: as long as the voice, at most num_frames (heldout69)
        t.wf.carry(sampler.id, {"most_frames": int(cap)}, emb)  # (each said, where not taken, naming its own node)
    if finite(w.get("motion_frame")):
        t.wf.carry(sampler.id, {"motion_frames": int(w["motion_frame"])}, n)
    motion = t.wf.carried.get(sampler.id, {}).get("motion_frames", 25)
    if not infinite and multitalk_said is not None:  # (the encode's windows: said by the caller)
        carried["method"] = "multitalk"
        t.said.append(multitalk_said(motion))
    elif not infinite:  # MultiTalk's windows (talk/talk_motion.py): the node's method
        carried["method"] = "multitalk"
        t.said.append(f"{_name(n)} makes MultiTalk (its mode {mode!r}, the patch {name!r}): Studio's InfiniteTalk "
                      "makes it with its method 'multitalk', as MultiTalk's release makes long takes (each later "
                      f"window conditioned on the last {motion} frames of the one before, not on the picture)")
    t.wf.carried.setdefault(sampler.id, {}).update(carried)


def _multitalk_held(t, n: CNode, sampler: CNode, mode: str, name) -> bool:
    """True (said, declined: the task held) where MultiTalk ``n`` is not made: its mode 'auto' with no patch named
    (MultiTalk or InfiniteTalk, not known), or a clip on its sampler's 'samples' (Studio makes MultiTalk from a picture
    only: talk/talk_motion.py; heldout41 06)."""
    if mode == "auto" and not (isinstance(name, str) and name.strip()):
        t.said.append(f"{_name(n)}'s mode 'auto' tells MultiTalk from InfiniteTalk by the patch, which the file does "
                      "not name: which it makes is not known, so the take is held")
        decline(t.wf, [n.id, sampler.id], _name(n), "its mode 'auto' tells MultiTalk from InfiniteTalk by the patch, "
                                                    "which the file does not name")
        return True
    if "samples" in sampler.links:
        t.said.append(f"{_name(n)} makes MultiTalk (its mode {mode!r}, the patch {name!r}) from the clip its sampler "
                      "is given on 'samples': Studio's InfiniteTalk makes MultiTalk from a picture only, so the take "
                      "is held")
        decline(t.wf, [n.id, sampler.id], _name(n), f"it makes MultiTalk (its mode {mode!r}) from a clip, and Studio's "
                                                    "InfiniteTalk makes MultiTalk from a picture only")
        return True
    return False


def _encoder(t, emb: CNode):
    """The wav2vec2 model the voice is encoded with: a file (Wav2VecModelLoader) as ComfyUI's AudioEncoderLoader of it;
    the release's folder (DownloadAndLoadWav2VecModel) as it is: Speech Features then reads that folder."""
    link = emb.links.get("wav2vec_model")
    src = t.wf.nodes.get(link[0]) if link else None
    if src is None:
        return None
    model = t.named(src).get("model")
    if src.cls == "Wav2VecModelLoader" and isinstance(model, str):
        c = t.core(src, "AudioEncoderLoader", {"audio_encoder_name": model}, {})
        return (c.id, 0)
    if src.cls == "DownloadAndLoadWav2VecModel":
        t.wf.taken.add(src.id)
        t.made.setdefault(src.cls, f"Speech Features' wav2vec2 folder ({WAV2VEC2})")
        if isinstance(model, str) and model != WAV2VEC2:
            t.said.append(f"{_name(src)} downloads {model!r}: Speech Features reads InfiniteTalk's {WAV2VEC2!r} "
                          "instead (set Load Preprocessor's model)")
    return link


def _said(t, n: CNode, w: dict, emb: CNode, e: dict) -> None:
    """What the wrapper does that Studio's InfiniteTalk does not, naming the node and setting."""
    cap = e.get("num_frames")
    src = t.wf.source(emb, "num_frames") if not finite(cap) else None  # wired to a value not worked out
    if src is not None:  # a number: InfiniteTalk's most_frames (the caller), nothing to say
        t.said.append(f"{_name(emb)} makes at most the frames '{src.title or src.shown_cls}' (#{src.id}) works out "
                      "(num_frames), as long as the voice lasts: Studio's InfiniteTalk makes the voice's length "
                      "(frames 0); set most_frames to cut it")
    rate = t.wf.source(emb, "fps") if not finite(e.get("fps")) else None  # wired to a rate not worked out (a clip's)
    if finite(e.get("fps")) and e["fps"] != FPS:
        t.said.append(f"{_name(emb)}'s fps {number(e['fps'])} is not taken: InfiniteTalk's voice features are made "
                      f"at {FPS} frames a second")
    elif rate is not None and (loader := info_rate(t.wf, rate, emb.links["fps"][1])) is not None:
        # a clip's own rate (VideoHelperSuite's Video Info of a loader reading its file at its rate): InfiniteTalk's
        # 'fps' 0 takes the dubbed clip's, its Speech Features given that clip (mapping/talk_rate.py wires and says it)
        t.wf.__dict__.setdefault("talk_rates", {})[emb.id] = (rate, loader)
    elif rate is not None:
        t.said.append(f"{_name(emb)}'s fps comes from {_name(rate)}, whose value Studio cannot work out when "
                      f"converting: not taken, InfiniteTalk's voice features and its take are made at {FPS} frames "
                      "a second")
    if finite(e.get("audio_cfg_scale")) and e["audio_cfg_scale"] != 1:
        t.said.append(f"{_name(emb)}'s audio_cfg_scale {number(e['audio_cfg_scale'])} (a pass without the voice) is "
                      "not taken: set InfiniteTalk's audio_guidance")
    if e.get("normalize_loudness") is True:
        t.said.append(f"{_name(emb)} evens the voice's loudness (normalize_loudness, to -23 LUFS): not applied, "
                      "Speech Features reads the voice as it is")
    window = w.get("frame_window_size")
    if finite(window) and int(window) != WINDOW:  # the wrapper's windows: Studio's InfiniteTalk makes the trained length
        t.said.append(f"{_name(n)} makes the take in windows of {number(window)} frames (frame_window_size): not "
                      f"taken, Studio's InfiniteTalk makes windows of {WINDOW} frames, the length InfiniteTalk was "
                      "trained on, each continued from the last motion_frames frames of the one before")
    if w.get("colormatch") not in (None, "disabled"):
        t.said.append(f"{_name(n)}'s colour match {w['colormatch']!r} between windows is not taken")
