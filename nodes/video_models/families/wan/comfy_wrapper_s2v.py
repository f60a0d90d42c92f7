"""The WanVideoWrapper's Wan 2.2 S2V (its nodes.py and the pack's S2V examples, read for meaning: heldout21 16):
WanVideoAddS2VEmbeds on a WanVideoEmptyEmbeds (the take's width, height and frames), given the voice's
AUDIO_ENCODER_OUTPUT (ComfyUI's own AudioEncoderEncode) and the reference picture encoded (WanVideoEncode, read as
VAEEncode by then) on 'ref_latent', is ComfyUI's WanSoundImageToVideo of that picture and that voice, its latent on
output 2 (the Wan S2V family's task: Studio's Speech to Video). A pose latent, the frame-pack way or an audio scale
other than 1 are said where given, never dropped. Plain stdlib."""
from __future__ import annotations

from studio.convert.api import CNode

EMBEDS = "WanVideoAddS2VEmbeds"
WIDGETS = {EMBEDS: ("frame_window_size", "audio_scale", "pose_start_percent", "pose_end_percent", "enable_framepack")}


def _finite(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _pose_clip(t, n: CNode):
    """The clip a VAE encode (WanVideoEncode, read as VAEEncode by then) gives ``n``'s 'pose_latent', its pose
    settings other than the whole take and its encode's strength other than 1 said; None where not so wired."""
    link = t.link(n, "pose_latent")
    enc = t.wf.nodes.get(link[0]) if link else None
    clip = t.link(enc, "pixels") if enc is not None and enc.cls == "VAEEncode" else None
    if clip is None:
        return None
    t.wf.taken.add(enc.id)
    w, e = t.named(n), getattr(t, "encoded", {}).get(enc.id, {})
    line = (f"{CNode.named(n)}'s pose latent (pose_latent) is the clip '{enc.title or enc.shown_cls}' (#{enc.id}) "
            "encodes: Studio's Speech to Video is moved by that clip on its 'pose' input")
    span = (w.get("pose_start_percent"), w.get("pose_end_percent"))
    if all(_finite(v) for v in span) and span != (0, 1):
        line += f"; the pose steers steps {span[0]:g} to {span[1]:g} of the take in ComfyUI, every step in Studio"
    for k, whole in (("latent_strength", 1), ("noise_aug_strength", 0)):
        if _finite(e.get(k)) and e[k] != whole:
            line += f"; its encode's {k} {e[k]:g} is not applied (the pose clip as it is)"
    t.said.append(line)
    return clip


def s2v(t, n: CNode, pos, neg, sampler: CNode):
    """``n`` (WanVideoAddS2VEmbeds) as WanSoundImageToVideo: (latent, positive, negative); None (kept, the task held
    with its sentence) where its size, voice or reference picture is not given as the wrapper's examples give them."""
    src = t.link(n, "embeds")
    empty = t.wf.nodes.get(src[0]) if src else None
    ref = t.link(n, "ref_latent")
    enc = t.wf.nodes.get(ref[0]) if ref else None
    image = t.link(enc, "pixels") if enc is not None and enc.cls == "VAEEncode" else None
    voice = t.link(n, "audio_encoder_output")
    if empty is None or empty.cls != "WanVideoEmptyEmbeds" or image is None or voice is None:
        t.said.append(f"{CNode.named(n)} is read as Wan S2V where it is given a WanVideoEmptyEmbeds on 'embeds', the "
                      "voice on 'audio_encoder_output' and the reference picture encoded on 'ref_latent', as the "
                      "wrapper's examples wire them: not so here, so held")
        return None
    e, w = t.named(empty), t.named(n)
    t.wf.taken.update({empty.id, enc.id})  # the size the S2V node takes; the picture it encodes itself
    links = {k: v for k, v in (("positive", pos), ("negative", neg), ("vae", t.link(enc, "vae")),
                               ("ref_image", image), ("audio_encoder_output", voice)) if v is not None}
    c = t.core(n, "WanSoundImageToVideo", {"width": e.get("width"), "height": e.get("height"),
                                           "length": e.get("num_frames"), "batch_size": 1}, links)
    c.ports.update(ref_image="ref_latent")  # (said as the wrapper names it)
    pose = _pose_clip(t, n)
    if pose is not None:  # a clip encoded on 'pose_latent': the pose clip core WanSoundImageToVideo's control_video
        links["control_video"], c.links["control_video"] = pose, pose  # takes (Studio's 'pose': heldout29 03)
        c.ports.update(control_video="pose_latent")
    elif "pose_latent" in n.links:
        t.said.append(f"{CNode.named(n)}'s pose latent (pose_latent) is not read: Studio's Speech to Video is moved "
                      "by a pose clip on its 'pose' input; connect one there")
    if _finite(w.get("audio_scale")) and w["audio_scale"] != 1:
        t.said.append(f"{CNode.named(n)}'s audio_scale {w['audio_scale']:g} is not taken: Studio's Speech to Video "
                      "hears the voice at full strength")
    if w.get("enable_framepack") is True:
        t.said.append(f"{CNode.named(n)}'s frame-pack way (enable_framepack) is not taken: Studio's Speech to Video "
                      "continues each window from the model's own last frames")
    if _finite(w.get("frame_window_size")) and _finite(e.get("num_frames")) and w["frame_window_size"] < e["num_frames"]:
        t.said.append(f"{CNode.named(n)} samples in windows of {w['frame_window_size']:g} frames: Studio's Speech to "
                      "Video samples windows of 80, each continuing from the last frames made (the release's way)")
    return (c.id, 2), (c.id, 0), (c.id, 1)
