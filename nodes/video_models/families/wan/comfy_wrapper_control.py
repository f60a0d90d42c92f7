"""kijai's ComfyUI-WanVideoWrapper's control embeds on a Wan Fun Control model, read as ComfyUI's WanFunControlToVideo
(Studio's Wan Fun Control: a control clip, and a start image where one is given). The wrapper's nodes.py (Apache-2.0,
read for meaning, nothing copied): WanVideoControlEmbeds takes the control clip's latents ('latents', a
WanVideoEncode of the clip) alone; WanVideoAddControlEmbeds adds them ('latents') to other embeds ('embeds': a
WanVideoImageToVideoEncode's start image, size and length, or a WanVideoEmptyEmbeds' size and length); both
steer from start_percent to end_percent of the steps and may take Fun 1.1's reference latent (fun_ref_image). The
same nodes feed a control LoRA on a plain Wan model, which Studio has no counterpart for: only a model whose file
names Fun Control is read so, else the task is held in one sentence naming the model file. Control embeds given to
a WanVideoImageToVideoEncode's 'control_embeds' are read the same, with that encode's start image, size and length
(``given``); where they cannot be, the sentence says the control is not applied. Called by comfy_wrappers'
translation (``t``); plain stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, finite
from studio.core.shown import number

from . import comfy_wrapper_camera as camera
from . import comfy_wrapper_ctrl_lora as ctrl_lora
from . import comfy_wrapper_flf as flf
from . import comfy_measures as measures

TYPES = ("WanVideoControlEmbeds", "WanVideoAddControlEmbeds")
WIDGETS = {"WanVideoControlEmbeds": ("start_percent", "end_percent"),
           "WanVideoAddControlEmbeds": ("start_percent", "end_percent")}
I2V = "WanVideoImageToVideoEncode"
EMPTY = "WanVideoEmptyEmbeds"  # text and a control clip: the take's size and length its


_name = CNode.named  # the node in a sentence


def fun_control(t, n: CNode, pos, neg, sampler: CNode | None = None, emb: CNode | None = None):
    """Control embeds ``n`` as WanFunControlToVideo in its place: (latent, positive, negative); None (kept as it is,
    the task held) where the sampler's model is not a Fun Control model, or the clip's pixels cannot be traced.
    ``emb``: the image-to-video encode ``n`` is given to (its 'control_embeds'), where not ``n``'s own 'embeds'."""
    model = (t.model_name(t.link(sampler, "model")) or "") if sampler is not None else ""  # (a second expert
    name = model.lower()  # continuing the take reads its samples, not these embeds)
    if sampler is not None and model and ("fun" not in name or "control" not in name):
        if (made := ctrl_lora.control_lora(t, n, pos, neg, sampler, model, emb)):
            return made  # a LoRA on a plain model: a control LoRA (comfy_wrapper_ctrl_lora)
        words = (f"a control clip's latents on '{model}', a file not named as Wan Fun Control (Studio reads them "
                 "for a Fun Control model, or through a control LoRA on the model's loader"
                 + (" where the control embeds are given alone to the sampler)" if ctrl_lora.loras_on(t, sampler)
                    else ": none is on it)"))
        return t.held(sampler, "image_embeds", words), pos, neg  # held in one sentence naming the node and model
    if "fun" not in name or "control" not in name:
        return None
    enc, clip = ctrl_lora.encoded_clip(t, n)
    if clip is None:
        return None
    emb_src = t.link(n, "embeds")
    emb = emb if emb is not None else t.wf.nodes.get(emb_src[0]) if emb_src else None
    if n.cls == "WanVideoAddControlEmbeds" and (emb is None or emb.cls not in (I2V, EMPTY)
                                                or t.link(emb, "extra_latents")):
        return None  # control added to embeds Studio does not read with it (VACE's, another's): held
    w = t.named(n)
    start, end = w.get("start_percent"), w.get("end_percent")
    if (finite(start) and start > 0) or (finite(end) and end < 1):
        t.said.append(f"{_name(n)} steers only from {number(start or 0)} to {number(end if finite(end) else 1)} of the "
                      "steps (start_percent, end_percent): not taken, Studio's Wan Fun Control steers every step")
    if "fun_ref_image" in n.links:
        t.said.append(f"{_name(n)}'s fun_ref_image (Fun 1.1's reference latent) is not taken: Studio's Wan Fun Control "
                      "reads the control clip and the start image")
    links = {"positive": pos, "negative": neg, "vae": t.link(enc, "vae"), "control_video": clip}
    size = {"batch_size": 1}
    if emb is not None:
        e = t.named(emb)
        size.update(width=e.get("width"), height=e.get("height"), length=e.get("num_frames"))
        if emb.cls == I2V:
            links.update(start_image=t.link(emb, "start_image"), clip_vision_output=t.link(emb, "clip_embeds"))
            links["vae"] = links["vae"] or t.link(emb, "vae")
            flf.said(t, emb, links["start_image"], None, e)  # its noise on the start picture and its strengths (heldout54)
        for k in ("end_image", "control_embeds", "temporal_mask", "extra_latents", "add_cond_latents"):
            if k in emb.links and emb.cls == I2V and emb.links[k][0] != n.id:
                t.said.append(f"{_name(emb)}'s {k} is not taken: Studio's Wan Fun Control reads the control clip and "
                              "the start image")
        t.wf.taken.add(emb.id)
        _measured(t, emb, clip)
    else:  # the take's shape is the control latents' (the wrapper's): the size and length of the control clip
        size.update(width=None, height=None, length=None)
    t.wf.taken.add(enc.id)
    c = t.core(n, "WanFunControlToVideo", {k: v for k, v in size.items() if v is not None},
               {k: v for k, v in links.items() if v is not None})
    c.ports.update(control_video="latents", start_image="embeds", clip_vision_output="embeds")
    if emb is not None and emb.links.get("control_embeds", ("",))[0] == n.id:  # (given to that encode: its own)
        c.ports.update(start_image=(emb, "start_image"), clip_vision_output=(emb, "clip_embeds"))
    return (c.id, 2), (c.id, 0), (c.id, 1)


def given(t, emb: CNode, pos, neg, sampler: CNode):
    """An image-to-video encode ``emb`` given control embeds on its 'control_embeds': read as Wan Fun Control with
    its start image ((latent, positive, negative); the task held on a model not named as Fun Control, as there); None,
    said, where they cannot be read (the generator makes image to video without the control clip). Empty embeds given
    them (text and a control clip: the wrapper's example wires WanVideoControlEmbeds into WanVideoEmptyEmbeds'
    'control_embeds', heldout56 08) are read the same, the take's size and length theirs, no start image."""
    src = t.link(emb, "control_embeds") if emb.cls in (I2V, EMPTY) else None
    ctrl = t.wf.nodes.get(src[0]) if src else None
    if ctrl is None:
        return None
    if camera.poses_input(ctrl) is not None and (made := camera.camera(t, emb, ctrl, pos, neg)):
        return made  # Fun camera embeds (given camera poses: their declared type) as Wan Fun Camera (faces9)
    made = fun_control(t, ctrl, pos, neg, sampler, emb) if ctrl.cls == "WanVideoControlEmbeds" else None
    if made is None:  # (a model not named as Fun Control: held by fun_control, as control embeds given alone)
        task = "image to video" if emb.cls == I2V else "text to video"
        t.said.append(f"{_name(emb)}'s control_embeds (a control clip's latents from {_name(ctrl)}) are not applied: "
                      f"Studio makes the {task} without the control clip (Studio reads them for a Wan Fun Control "
                      "model, where they encode the control clip's pictures)")
        return None
    return made


def _measured(t, emb: CNode, clip) -> None:
    """Embeds (empty, or an image-to-video encode's) whose size and length are wired from a node measuring the control
    clip (by its declared types: an IMAGE in, numbers out; the clip it measures the one encoded as the control, or it
    passes that clip on, as KJNodes' GetImageSizeAndCount): Studio's Wan Fun Control takes the control clip's size
    and length when it runs (its width, height and frames 0: the control clip's, the start image fitted to it), as
    the wrapper's embeds do; said (heldout56 08, and measures11's image-to-video encodes: only "left unset" was)."""
    measures.said(t, emb, measures.of_clip(t, emb, clip), "the control clip", "Studio's Wan Fun Control")
