"""The WanVideoWrapper's ControlNet (WanVideoControlnetLoader + WanVideoControlnet on the sampler's model: TheDenk's
Wan ControlNets), read as Studio's Wan ControlNet node (controlnet/controlnet_node.py).

The wrapper (Apache-2.0, read for meaning, nothing copied: controlnet/nodes.py, nodes_sampler.py): the loader reads a
ControlNet file from ComfyUI's models/controlnet ('model'); WanVideoControlnet takes the model, that ControlNet and
the control pictures ('control_images': a clip, in [0, 1], read * 2 - 1 at the take's size) with 'strength',
'control_stride', 'control_start_percent' and 'control_end_percent', and gives the model on to the sampler, which runs
the ControlNet once a step and adds its outputs after every stride-th block. A model patch of this kind is found by its
declared inputs (a model in, a picture in: comfy_wrappers.model_control); its settings are read by name. The take's
latent is the one the sampler's embeds make: plain (EmptyHunyuanLatentVideo: text to video) or a start image encoded
into it (Wan22ImageToVideoLatent: Wan 2.2 TI2V-5B's image to video); their size, frames and start image become the
node's. Plain stdlib."""
from __future__ import annotations

from studio.convert.api import CNode

APPLY = "WanVideoControlnet"
LOADER = "WanVideoControlnetLoader"
CONTROLNET = "WanVideoWrapperControlNet"  # the node the reading makes: no ComfyUI node; the Wan mapping reads it
NODE = "video_models.wan_controlnet"  # controlnet/controlnet_node.py
WIDGETS = {APPLY: ("strength", "control_stride", "control_start_percent", "control_end_percent"),
           LOADER: ("model", "base_precision", "quantization", "load_device")}
LATENTS = ("EmptyHunyuanLatentVideo", "Wan22ImageToVideoLatent")  # what the sampler's embeds were read as
PICTURES = "control_images"

_name = CNode.named
FILES = (".safetensors", ".sft", ".pth", ".pt", ".ckpt", ".bin")


def _file_of(t, loader: CNode | None) -> str | None:
    """The file the node on the patch's 'controlnet' loads: its 'model' setting (the wrapper's loader), else its first
    setting naming a model file (another loader giving the same type)."""
    if loader is None:
        return None
    w = t.named(loader)
    if isinstance(w.get("model"), str):
        return w["model"]
    return next((v for v in w.values() if isinstance(v, str) and v.lower().endswith(FILES)), None)


def read(t, sampler: CNode, control: CNode, latent, pos, neg):
    # (found by its declared inputs, a model and a picture in, by comfy_wrappers.model_control; which model it brings
    # in, TheDenk's ControlNet, cannot be known from the declaration: the caller reads it so for its type's name)
    """``control`` (a WanVideoControlnet on ``sampler``'s model way) read with the sampler's ``latent`` as
    ``CONTROLNET``: (latent, positive, negative), every reader of the patched model given the model under it; None
    where the latent is not a plain or a start-image one, or the control pictures are not wired (the caller holds the
    task in its sentence)."""
    lat = t.wf.nodes.get(latent[0]) if latent else None
    images = t.link(control, PICTURES)
    if lat is None or lat.cls not in LATENTS or images is None or t.link(control, "model") is None:
        return None
    src = t.link(control, "controlnet")
    loader = t.wf.nodes.get(src[0]) if src else None
    w = t.named(control)
    size = {k: lat.widgets.get(k) for k in ("width", "height", "length")}
    links = {k: v for k, v in (("positive", pos), ("negative", neg), ("control", images),
                               ("vae", lat.links.get("vae")), ("start_image", lat.links.get("start_image")))
             if v is not None}
    links.update({k: v for k, v in lat.links.items() if k in ("width", "height", "length")})  # (wired sizes)
    file = _file_of(t, loader)
    under = t.link(control, "model")
    t.rewire((control.id, 0), under)  # what read the patched model reads the model under it (the node applies it)
    c = t.core(control, CONTROLNET, {**size, "controlnet": file if isinstance(file, str) else None,
                                     **{k: w.get(k) for k in WIDGETS[APPLY]}}, links)
    c.ports.update(control=PICTURES)  # (said as the wrapper names it)
    if "start_image" in links:  # the start image: the picture the embeds' encode encodes, named as its node has it
        enc = next((m for m in t.wf.nodes.values() if m.id in t.wf.taken and m.id != lat.id
                    and links["start_image"] in m.links.values()), None)
        if enc is not None:
            port = next(k for k, v in enc.links.items() if v == links["start_image"])
            at = enc.ports.get(port, port)
            c.ports["start_image"] = at if isinstance(at, tuple) else (enc, at)
    t.made.pop(control.cls, None)  # not a ComfyUI node: said here instead
    t.wf.taken.add(lat.id)
    if loader is not None and isinstance(file, str):
        t.wf.taken.add(loader.id)
    start = "start_image" in links
    t.say(control, f"{_name(control)} on the sampler's model, with the ControlNet "
                   + (f"'{file}' of {_name(loader)}" if isinstance(file, str) else
                      "its 'controlnet' input gives (no file named there: set the node's 'controlnet' to it)")
                   + ", is read as Studio's Wan ControlNet node: its control pictures the node's 'control', "
                   "its strength, control_stride, control_start_percent and control_end_percent the node's "
                   "'strength', 'stride', 'start' and 'end'"
                   + (", the start image encoded into the take its 'image'" if start else "")
                   + f"; the take's size and frames those of '{lat.title or lat.shown_cls}' (#{lat.id})")
    if loader is not None:
        lw = t.named(loader)
        how = ", ".join(f"{k} {lw[k]!r}" for k in ("base_precision", "quantization", "load_device")
                        if isinstance(lw.get(k), str) and lw[k] != "disabled")
        if how:
            t.say(loader, f"{_name(loader)}'s {how}: not applied, Studio loads the ControlNet in the model's precision "
                          "on its device")
    return (c.id, 2), (c.id, 0), (c.id, 1)
