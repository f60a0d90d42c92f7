"""SDXL's own prompt node in a ComfyUI workflow: CLIPTextEncodeSDXL, its OpenCLIP bigG prompt ('text_g') read as the
generator's prompt (diffusers' StableDiffusionXLPipeline gives one prompt to both text encoders); what Studio's call
does not take of it said: a different CLIP ViT-L prompt ('text_l') and the size conditioning (width, height, crop,
target size), which diffusers sets from the picture's own size with no crop. Plain stdlib."""
from __future__ import annotations

NODE = "CLIPTextEncodeSDXL"
SIZES = ("width", "height", "crop_w", "crop_h", "target_width", "target_height")


def _said_of(wf, n, which: str, size: tuple) -> list[str]:
    """What is not taken of one CLIPTextEncodeSDXL (``size``: the picture's width and height)."""
    name = f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"
    g, l_ = wf.value(n, "text_g"), wf.value(n, "text_l")
    out = []
    if isinstance(l_, str) and l_.strip() and l_ != g:
        out.append(f"{name}'s 'text_l' (the {which} prompt of CLIP ViT-L: {l_[:60]!r}) is not taken: Studio's Stable "
                   "Diffusion XL gives its 'text_g' to both text encoders")
    w, h = size
    got = {k: wf.value(n, k) for k in SIZES}
    want = {"width": w, "height": h, "crop_w": 0, "crop_h": 0, "target_width": w, "target_height": h}
    odd = {k: v for k, v in got.items() if v is not None and v != want[k]}
    if odd:
        out.append(f"{name}'s size conditioning ({', '.join(f'{k} {v}' for k, v in odd.items())}) is not taken: "
                   "diffusers conditions SDXL on the picture's own size, uncropped")
    return out


def read_sdxl_prompt(b, start, pos, said: list) -> object:
    """The positive prompt as read; a CLIPTextEncodeSDXL on either prompt of the samplers ``start`` feeds has what
    Studio does not take of it said (the prompt hook: every pipeline's, acting on this node only)."""
    wf = b.wf
    if start is None:
        return pos
    for s in [x for x in wf.nodes.values() if x.links.get("positive", (None,))[0] == start.id]:
        lat = wf.source(s, "latent_image")
        size = (wf.value(lat, "width"), wf.value(lat, "height")) if lat is not None else (None, None)
        for which, port in (("positive", "positive"), ("negative", "negative")):
            n = wf.source(s, port)
            if n is not None and n.cls == NODE:
                said += [x for x in _said_of(wf, n, which, size) if x not in said]
    return pos
