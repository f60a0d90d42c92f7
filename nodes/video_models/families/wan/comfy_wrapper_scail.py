"""The WanVideoWrapper's SCAIL (kijai's ComfyUI-WanVideoWrapper, read for meaning: WanVideoAddSCAILReferenceEmbeds
VAE-encodes 'ref_image' with four mask channels of ones and takes the CLIP embeds on 'clip_embeds';
WanVideoAddSCAILPoseEmbeds VAE-encodes 'pose_images' as they are given, with four mask channels of ones; each has a
strength and a span of steps, start_percent to end_percent): Zhipu's SCAIL-Preview (zai-org/SCAIL), with no identity
masks. WanVideoAddSCAILPoseEmbeds given a WanVideoAddSCAILReferenceEmbeds on 'embeds', itself given a
WanVideoEmptyEmbeds (the take's width, height and frames), is read as one node, ``SCAIL_PREVIEW``, which the
wan_scail family's mapping (families/wan_scail/comfy_preview.py) reads as Studio's SCAIL-Preview Character node: the
reference picture, the pose pictures as its pose clip (the node encodes both and makes the CLIP embeds itself).
Wired otherwise it is held, the reason recorded for the held task's sentence (tracing.declined). Plain stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, decline, in_type, node_type, withdrawn

from . import comfy_measures as measures
from .comfy_wrapper_context import windows_not_taken

POSE = "WanVideoAddSCAILPoseEmbeds"
REFERENCE = "WanVideoAddSCAILReferenceEmbeds"
EMPTY = "WanVideoEmptyEmbeds"
# the node the reading makes in the pose embeds' place: no ComfyUI node; the wan_scail family's mapping reads it
SCAIL_PREVIEW = "WanVideoWrapperSCAILPreview"
SPAN = ("strength", "start_percent", "end_percent")
# the sampler's inputs this reading reads (the model, the prompts, these embeds) or says (its windows, its extra args'
# own inputs); anything else given to it (a start latent, a camera render, a voice) the node does not take: held
READ = ("model", "text_embeds", "image_embeds", "context_options", "extra_args")
VALUES = ("INT", "FLOAT", "STRING", "BOOLEAN", "COMBO")  # a setting's types: the reading's values, not what is given
WIDGETS = {POSE: SPAN, REFERENCE: SPAN}
WHY = ("it is read as Studio's SCAIL-Preview Character node where it is given a WanVideoAddSCAILReferenceEmbeds (its "
       "reference picture on 'ref_image') on 'embeds', itself given a WanVideoEmptyEmbeds, and pictures on "
       "'pose_images', as the wrapper's examples wire them: not so here")


def _node(t, n: CNode, port: str, cls: str) -> CNode | None:
    link = t.link(n, port)
    src = t.wf.nodes.get(link[0]) if link else None
    return src if src is not None and src.cls == cls else None


def scail(t, n: CNode, pos, neg, sampler: CNode):
    """``n`` (WanVideoAddSCAILPoseEmbeds) as ``SCAIL_PREVIEW``: (latent, positive, negative); None (the task held, the
    reason recorded) where it is not wired as the wrapper's examples wire it."""
    ref = _node(t, n, "embeds", REFERENCE)
    empty = _node(t, ref, "embeds", EMPTY) if ref is not None else None
    image = t.link(ref, "ref_image") if ref is not None else None
    pose = t.link(n, "pose_images")
    if empty is None or image is None or pose is None:
        decline(t.wf, [n.id, sampler.id], CNode.named(n), WHY)
        return None
    extra = _extra(t, sampler)
    given = [(sampler, k, v) for k, v in sampler.links.items() if k not in READ] + \
        [(extra, k, v) for k, v in (extra.links.items() if extra is not None else ()) if k != "context_options"]
    # (the wrapper's settings-only nodes, t.SETTINGS_ONLY, are said by its reading as Studio's own settings)
    carried = [(at, k, t.wf.nodes.get(v[0])) for at, k, v in given
               if isinstance(v, tuple) and in_type(at, k) not in VALUES]  # (a cfg from a constant: a value, read)
    carried = [(at, k, src) for at, k, src in carried if src is not None and src.cls not in t.SETTINGS_ONLY]
    if carried:  # (a Uni3C camera render: heldout57 GGVFX_Cam_SCAIL_Match) the video would be another one
        at, k, src = carried[0]
        whose = "its sampler" if at is sampler else f"its sampler's extra args {CNode.named(at)}"
        decline(t.wf, [n.id, sampler.id], CNode.named(n),
                f"{whose} {'is given' if at is sampler else 'give it'} '{k}' from {CNode.named(src)}, which Studio's "
                "SCAIL-Preview Character does not take: without it the video is another one")
        return None
    e = t.named(empty)
    counted = measures.of_clip(t, empty, pose, ("num_frames",))
    measures.said(t, empty, counted, "the pose clip", "Studio's SCAIL-Preview Character")
    src = t.wf.source(empty, "num_frames")
    if not counted and src is not None and t.wf.value(empty, "num_frames") is None:  # (a count worked out as it runs)
        withdrawn(t, empty, "num_frames")
        t.say(empty, f"{CNode.named(empty)}'s num_frames comes from {CNode.named(src)} when the workflow runs: not read; "
                     "Studio's SCAIL-Preview Character, its 'frames' 0, makes as many frames as its pose clip has")
    widgets = {"width": e.get("width"), "height": e.get("height"), "length": e.get("num_frames"),
               **{f"pose_{k}": v for k, v in t.named(n).items() if k in SPAN},
               **{f"ref_{k}": v for k, v in t.named(ref).items() if k in SPAN}}
    links = {k: v for k, v in (("positive", pos), ("negative", neg), ("vae", t.link(n, "vae")), ("reference", image),
                               ("clip_vision_output", t.link(ref, "clip_embeds")), ("pose_video", pose))
             if v is not None}
    c = t.core(n, SCAIL_PREVIEW, widgets, links)
    c.ports.update(reference=(ref, "ref_image"), pose_video="pose_images")
    t.made.pop(n.cls, None)  # not a ComfyUI node: said here instead
    t.wf.taken.update((ref.id, empty.id))
    vision = t.link(ref, "clip_embeds")  # the reference's CLIP embeds: the node makes them itself
    vis = t.wf.nodes.get(vision[0]) if vision else None
    if vis is not None:
        t.wf.taken.add(vis.id)
    drawn = t.wf.nodes.get(pose[0])
    t.say(n, f"{CNode.named(n)} with its reference embeds {CNode.named(ref)} and empty embeds {CNode.named(empty)} is "
             "read as Studio's SCAIL-Preview Character node: the picture on 'ref_image' as its reference, the pictures "
             "on 'pose_images' as its pose clip (the node scales them to the take's size and halves them, as the "
             "release does; the wrapper encodes them at the size given), the take's size and frames the empty "
             "embeds'; the node encodes them and makes the reference's CLIP embeds itself"
             + (f" (as {CNode.named(vis)} makes them on 'clip_embeds')" if vis is not None else ""))
    if drawn is not None and _draws_poses(drawn, pose[1]):
        t.say(n, f"SCAIL-Preview is trained on SCAIL-Pose's drawings (NLF's 3D poses rendered as coloured limbs); "
                 f"the pose clip {CNode.named(n)} is given comes from {CNode.named(drawn)}, which Studio makes with its "
                 "own pose drawing (a 2D skeleton), another kind of picture than the model was trained on: for the "
                 "release's, draw the poses with SCAIL-Pose and load them with Load Video")
    _windows(t, sampler)
    return (c.id, 2), (c.id, 0), (c.id, 1)


def _says_pose(words: str) -> bool:
    return "pose" in words.lower()


def _draws_poses(n: CNode, slot: int) -> bool:
    """``n`` draws poses (its pictures on output ``slot``), told by its declared types: it reads pose data (an input
    whose name or type says a pose, of no value or picture type: DrawViTPose's POSEDATA, RenderNLFPoses' NLFPRED
    'nlf_poses'), or it reads pictures and that output's name says a pose (a detect-and-draw step). Studio's pose steps
    make such a step as Detect People + Pose Estimate + Draw Pose (studio/convert/mapping/pose_steps.py)."""
    for k in n.links:
        kind = in_type(n, k)
        if kind not in VALUES + ("IMAGE", "MASK", "LATENT") and not kind.endswith("MODEL") and \
                (_says_pose(k) or _says_pose(kind)):
            return True
    t = node_type(n.origin or n.cls)
    outs = list(n.out_names) or ([o.name for o in t.outputs] if t is not None and t.outputs else [])
    reads_pictures = any(in_type(n, k) == "IMAGE" for k in n.links)
    return reads_pictures and 0 <= slot < len(outs) and _says_pose(outs[slot])


def _extra(t, sampler: CNode) -> CNode | None:
    """The node on the sampler's 'extra_args' (WanVideoSamplerv2's WanVideoSamplerExtraArgs), or None."""
    link = t.link(sampler, "extra_args")
    return t.wf.nodes.get(link[0]) if link else None


def _windows(t, sampler: CNode) -> None:
    """The sampler's context options (the wrapper's overlapping windows; WanVideoSamplerv2's through its extra args),
    said as not taken and let go: Studio's SCAIL-Preview node makes a longer take in segments, each continuing from
    the last frames of the one before. The extra args node itself (WanVideoSamplerExtraArgs), given nothing else
    (its other wired inputs hold the task: scail), is said with its own settings not applied (proxymine21: it was
    listed as not converted, the take's way blocked, hefeilch's SCAIL pose example)."""
    extra = _extra(t, sampler)
    holder = sampler if "context_options" in sampler.links or extra is None else extra
    windows_not_taken(t, holder, sampler, "Studio's SCAIL-Preview Character makes a take longer than its 'window' (81 "
                      "frames) in segments, each continuing from the last 'overlap' (5) frames of the one before")
    if extra is not None and extra.enabled and not (set(extra.links) - {"context_options"}):
        own = {k: v for k, v in t.named(extra).items() if k not in extra.links}  # (its settings; its wired inputs
        values = ", ".join(f"{k} {v!r}" if isinstance(v, str) else f"{k} {v}" for k, v in own.items())  # declined above)
        t.say(sampler, f"{CNode.named(extra)}, the extra args {CNode.named(sampler)} is given"
                       + (f": its own settings ({values}) are not applied, Studio's SCAIL-Preview Character having "
                          "no such setting" if own else ": it sets nothing more (nothing of it is lost)"))
        t.wf.taken.add(extra.id)
