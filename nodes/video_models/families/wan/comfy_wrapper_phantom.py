"""The WanVideoWrapper's Phantom (its WanVideoPhantomEmbeds, read for meaning: kijai's ComfyUI-WanVideoWrapper
nodes.py and its example 'wanvideo_phantom_subject2vid_example_01'): 1-4 reference pictures, each encoded
(WanVideoEncode, read as VAEEncode by then) onto 'phantom_latent_1'..'_4', the take's frames (num_frames), the image
guidance (phantom_cfg_scale: the weight of the pass with the negative prompt and the references, the release's
guide_scale_img) and the span of steps the references guide; the sampler's cfg is the prompt's guidance. It is
read as one node, ``PHANTOM``, which Wan's mapping (comfy_phantom.py) reads as Studio's Phantom node: the pictures
the encodes encode as its references (the node encodes them itself), the take's size the pictures' (the size the
steps before the encode make them: a width and height given to the nearest), its frames num_frames.

Given VACE's embeds too (the wrapper's Phantom on a VACE model) it is kept as it is (the task held with the
wrapper's sentence, comfy_wrappers.PACK_NODES): Studio's Phantom node has no VACE control. Plain stdlib."""
from __future__ import annotations

from studio.convert.api import CNode

EMBEDS = "WanVideoPhantomEmbeds"
# the node the reading makes in the embeds node's place: no ComfyUI node; Wan's mapping reads it (comfy_phantom.py)
PHANTOM = "WanVideoWrapperPhantom"
LATENTS = ("phantom_latent_1", "phantom_latent_2", "phantom_latent_3", "phantom_latent_4")
WIDGETS = {EMBEDS: ("num_frames", "phantom_cfg_scale", "phantom_start_percent", "phantom_end_percent")}
# the (width, height) inputs a step making a picture of a set size declares, as ComfyUI's and the packs' image
# nodes name them (ImageScale, ImageResizeKJ: width / height; ImagePadKJ: target_width / target_height)
SIZE_INPUTS = (("width", "height"), ("target_width", "target_height"))
UP = 4  # how many steps up a picture's way its size is looked for


def _encoded(t, n: CNode, port: str):
    """(the encode node, the picture it encodes) given on ``n``'s ``port`` through a VAE encode, or (None, None)."""
    link = t.link(n, port)
    enc = t.wf.nodes.get(link[0]) if link else None
    pic = t.link(enc, "pixels") if enc is not None and enc.cls == "VAEEncode" else None
    return (enc, pic) if pic is not None else (None, None)


def _int(v) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) and v > 0 else None


def size_of(t, link) -> tuple[int | None, int | None, CNode | None]:
    """(width, height, the node that sets them) of the picture ``link`` gives: the nearest step up its way (following
    each node's first linked input) that declares a width and a height it knows; (None, None, None) where none does."""
    seen: set[str] = set()
    for _ in range(UP):
        node = t.wf.nodes.get(link[0]) if link else None
        if node is None or node.id in seen:
            break
        seen.add(node.id)
        for wk, hk in SIZE_INPUTS:
            w, h = _int(t.wf.value(node, wk)), _int(t.wf.value(node, hk))
            if w is not None and h is not None:
                t.wf.settings_read |= {(node.id, wk), (node.id, hk)}  # (read: a value wired there is not 'not read')
                return w, h, node
        ups = [v for k, v in node.links.items() if isinstance(v, tuple) and k in ("image", "images", "pixels")]
        link = ups[0] if ups else None
    return None, None, None


def phantom(t, n: CNode, pos, neg, sampler: CNode):
    """``n`` (WanVideoPhantomEmbeds) as ``PHANTOM``: (latent, positive, negative); None (kept, the task held with its
    sentence) where its first picture is not given as the wrapper's examples give it, or VACE's embeds are given."""
    if t.link(n, "vace_embeds") is not None:
        t.say(n, f"{CNode.named(n)} is given VACE's embeds (Phantom's references on a VACE model): Studio's Phantom "
                 "node has no VACE control, so held")
        return None
    found = [(port, *_encoded(t, n, port)) for port in LATENTS]
    pictures = [(port, enc, pic) for port, enc, pic in found if pic is not None]
    wired = [port for port in LATENTS if port in n.links]
    if not pictures or found[0][2] is None or len(pictures) != len(wired):
        t.say(n, f"{CNode.named(n)} is read as Phantom where each of its reference latents is a picture encoded "
                 "(a VAE encode), as the wrapper's examples wire them: not so here, so held")
        return None
    w, h, sizer = size_of(t, pictures[0][2])
    links = {"positive": pos, "negative": neg, "vae": t.link(pictures[0][1], "vae")}
    for i, (port, enc, pic) in enumerate(pictures):
        links[f"images_{i + 1}"] = pic
    t.wf.taken.update(enc.id for _, enc, _ in pictures)  # the node encodes them itself
    widgets = {**t.named(n), "width": w, "height": h, "length": t.named(n).get("num_frames")}
    c = t.core(n, PHANTOM, widgets, {k: v for k, v in links.items() if v is not None})
    c.ports.update({f"images_{i + 1}": port for i, (port, _, _) in enumerate(pictures)})
    t.made.pop(n.cls, None)  # not a ComfyUI node: said here instead
    encs = ", ".join(f"'{enc.title or enc.shown_cls}' (#{enc.id})" for _, enc, _ in pictures)
    where = (f"; the take's size {w}x{h} is the size '{sizer.title or sizer.shown_cls}' (#{sizer.id}) makes "
             + ("them" if len(pictures) > 1 else "it") if sizer is not None else "")
    t.say(n, f"{CNode.named(n)} is read as Studio's Phantom node: the picture{'s' if len(pictures) > 1 else ''} "
             f"{encs} encode{'' if len(pictures) > 1 else 's'} as its reference{'s' if len(pictures) > 1 else ''} "
             f"(the node encodes {'them' if len(pictures) > 1 else 'it'} itself, fitted inside the take's size and "
             f"padded white, as the release does){where}")
    return (c.id, 2), (c.id, 0), (c.id, 1)
