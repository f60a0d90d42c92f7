"""The WanVideoWrapper's SteadyDancer (its WanVideoAddSteadyDancerEmbeds, read for meaning: kijai's
ComfyUI-WanVideoWrapper, and MCG-NJU/SteadyDancer's own example workflows): WanVideoAddSteadyDancerEmbeds on a
WanVideoImageToVideoEncode (the start image: the reference; the take's width, height and frames), given the pose
clip encoded (WanVideoEncode, read as VAEEncode by then) on 'pose_latents_positive' (and optionally a negative pose
clip on 'pose_latents_negative'), is read as one node, ``STEADY``, which the SteadyDancer family's mapping
(families/wan_steady/comfy.py) reads as its SteadyDancer node: the reference, the pose clip, the negative pose
clip, their latents and CLIP embeds made by the node itself. Wired otherwise it is kept as it is (the task held
with the wrapper's sentence, comfy_wrappers.PACK_NODES). Plain stdlib."""
from __future__ import annotations

from studio.convert.api import CNode

from . import comfy_measures as measures
from .comfy_wrapper_context import windows_not_taken

EMBEDS = "WanVideoAddSteadyDancerEmbeds"
I2V = "WanVideoImageToVideoEncode"
# the node the reading makes in the embeds node's place: no ComfyUI node; SteadyDancer's mapping reads it
STEADY = "WanVideoWrapperSteadyDancer"
WIDGETS = {EMBEDS: ("pose_strength_spatial", "pose_strength_temporal", "start_percent", "end_percent")}


def _encoded_clip(t, n: CNode, port: str):
    """(the encode node, the clip it encodes) given on ``n``'s ``port`` through a VAE encode, or (None, None)."""
    link = t.link(n, port)
    enc = t.wf.nodes.get(link[0]) if link else None
    clip = t.link(enc, "pixels") if enc is not None and enc.cls == "VAEEncode" else None
    return (enc, clip) if clip is not None else (None, None)


def steady(t, n: CNode, pos, neg, sampler: CNode):
    """``n`` (WanVideoAddSteadyDancerEmbeds) as ``STEADY``: (latent, positive, negative); None (kept, the task held
    with its sentence) where its start image or pose clip is not given as the wrapper's examples give them."""
    src = t.link(n, "embeds")
    i2v = t.wf.nodes.get(src[0]) if src else None
    image = t.link(i2v, "start_image") if i2v is not None and i2v.cls == I2V else None
    enc, pose = _encoded_clip(t, n, "pose_latents_positive")
    if image is None or pose is None:
        t.say(n, f"{CNode.named(n)} is read as SteadyDancer where it is given a {I2V} with a start image on 'embeds' "
                 "and the pose clip encoded on 'pose_latents_positive', as the wrapper's examples wire them: not so "
                 "here, so held")
        return None
    neg_enc, neg_pose = _encoded_clip(t, n, "pose_latents_negative")
    if "pose_latents_negative" in n.links and neg_pose is None:
        t.say(n, f"{CNode.named(n)}'s negative pose latents (pose_latents_negative) are not traced to a clip: Studio's "
                 "SteadyDancer runs without the pose guidance they give")
    w = t.named(i2v)  # (its length measured of the pose clip: SteadyDancer's frames 0 takes that clip's, measures11)
    measures.said(t, i2v, measures.of_clip(t, i2v, pose, ("num_frames",)), "the pose clip", "Studio's SteadyDancer")
    t.wf.taken.update(x.id for x in (i2v, enc, neg_enc) if x is not None)  # the node encodes them itself
    links = {k: v for k, v in (("positive", pos), ("negative", neg), ("vae", t.link(i2v, "vae")),
                               ("start_image", image), ("clip_vision_output", t.link(i2v, "clip_embeds")),
                               ("pose_video", pose), ("negative_pose_video", neg_pose)) if v is not None}
    size = {k: w.get(port) if w.get(port) is not None else t.wf.value(i2v, port)  # (a wired size worked out)
            for k, port in (("width", "width"), ("height", "height"), ("length", "num_frames"))}
    widgets = {**size, **t.named(n)}
    c = t.core(n, STEADY, widgets, links)
    c.ports.update(start_image=(i2v, "start_image"), pose_video="pose_latents_positive",
                   negative_pose_video="pose_latents_negative")
    t.made.pop(n.cls, None)  # not a ComfyUI node: said here instead
    vision = t.link(n, "clip_vision_embeds")  # the first pose frame's CLIP embeds: the node makes them itself
    vis = t.wf.nodes.get(vision[0]) if vision else None
    if vis is not None:
        t.wf.taken.add(vis.id)
    t.say(n, f"{CNode.named(n)} with its image-to-video encode '{i2v.title or i2v.shown_cls}' (#{i2v.id}) is read as "
             "Studio's SteadyDancer node: the start image as its reference, the clip encoded on "
             "'pose_latents_positive' as its pose clip" + (
                 ", the one on 'pose_latents_negative' as its negative pose (which the node uses the release's way, in "
                 "a pass of its own at scale 1.5 on the steps between 0.1 and 0.4 of the schedule; the wrapper puts "
                 "it in its negative-prompt pass instead)" if neg_pose is not None else "")
             + "; the node encodes them and makes the CLIP embeds of the reference and of the pose clip's first frame "
             "itself" + (f" (as '{vis.title or vis.shown_cls}' (#{vis.id}) makes them on 'clip_vision_embeds')"
                         if vis is not None else ""))
    _one_pass(t, sampler)
    return (c.id, 2), (c.id, 0), (c.id, 1)


def _one_pass(t, sampler: CNode) -> None:
    """The sampler's context options (the wrapper's overlapping windows), said as not taken and let go: Studio's
    SteadyDancer makes the take in one pass, as the release does (image2video_dancer.py: every frame at once)."""
    windows_not_taken(t, sampler, sampler, "Studio's SteadyDancer makes the whole take in one pass, as the release "
                      "does")
