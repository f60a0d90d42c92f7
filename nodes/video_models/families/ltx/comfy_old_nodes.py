"""LTX-Video 0.9.0 / 0.9.1 workflows made with Lightricks' ComfyUI-LTXVideo of its 2024 releases (before ComfyUI read
LTX-Video itself) read as ComfyUI's core LTX-Video nodes.

Those releases ship their own loader and a 'model configurator' (facts of their INPUT_TYPES, read for meaning; no
code of the pack is used): ``LTXVLoader`` (settings ckpt_name, a checkpoint, and dtype; gives MODEL, VAE) and
``LTXVModelConfigurator`` (sockets model, vae, an optional picture 'conditioning' and, from 0.9.1, an optional
'initial_latent'; settings preset, width, height, frames_number, frame_rate, batch, mixed_precision and, from 0.9.1,
img_compression; gives the model, the latent to sample, the sigma shift its size calls for and, from 0.9.1, a
caption of the picture). A preset other than 'Custom' ('768x512 | 97') sets the size and the frames. ``translate``
reads the loader as CheckpointLoaderSimple of its checkpoint, and the configurator as this family's task node:
LTXVImgToVideo of its picture (the start image: the configurator conditions the first frame on it) between the
prompts and the guider, else EmptyLTXVLatentVideo; the configurator encodes every frame it is given there as its
latent, cut or padded to its length (``CNode.fills``: a clip there, sampled part way down its schedule, is a restyle of
it, mapping/whole_clip.py); its sigma shift is worked out from the size as the configurator
does (linear in the latent's patches, 0.95 at 1,024 to 2.05 at 4,096) and given to what reads it. What Studio does
not take (the dtype, mixed precision, the frame rate the model is told, the image's compression) is said. Stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, PackTranslation, node_type

LOADER, CONFIGURATOR = "LTXVLoader", "LTXVModelConfigurator"
WIDGETS = {LOADER: ("ckpt_name", "dtype"),
           CONFIGURATOR: ("preset", "width", "height", "frames_number", "frame_rate", "batch", "mixed_precision",
                          "img_compression")}
TIME_SCALE, SPACE_SCALE = 8, 32  # LTX-Video's VAE: frames and pixels a latent cell holds


def sigma_shift(width: int, height: int, frames: int) -> float:
    """The shift the configurator gives for a take of that size: linear in the latent's patches (1 + frames // 8
    latent frames of (height // 32) x (width // 32)), 0.95 at 1,024 patches and 2.05 at 4,096."""
    patches = (frames // TIME_SCALE + 1) * (height // SPACE_SCALE) * (width // SPACE_SCALE)
    slope = (2.05 - 0.95) / (4096 - 1024)
    return round(0.95 + slope * (patches - 1024), 6)


def _preset(value) -> tuple[int, int, int] | None:
    """'768x512    | 97' -> (768, 512, 97); None for 'Custom' or another text."""
    try:
        size, frames = str(value).split("|")
        w, h = size.strip().lower().split("x")
        return int(w), int(h), int(frames)
    except ValueError:
        return None


class _OldNodes(PackTranslation):
    PACK, PREFIXES, WIDGETS = "Lightricks' ComfyUI-LTXVideo (its 2024 releases)'s", (LOADER, CONFIGURATOR), WIDGETS

    @classmethod
    def is_pack(cls, n: CNode) -> bool:
        return n.cls in (LOADER, CONFIGURATOR)

    def steps(self) -> None:
        for n in list(self.wf.nodes.values()):
            if n.cls == LOADER and not n.links:
                self._loader(n)
        for n in list(self.wf.nodes.values()):
            if n.cls == CONFIGURATOR and "initial_latent" not in n.links and "model" in n.links and "vae" in n.links:
                self._configurator(n)

    def _loader(self, n: CNode) -> None:
        w = self.named(n)
        if not isinstance(w.get("ckpt_name"), str):
            return
        self.core(n, "CheckpointLoaderSimple", {"ckpt_name": w["ckpt_name"]}, {})
        self.rewire((n.id, 1), (n.id, 2))  # its VAE: CheckpointLoaderSimple's third output
        if w.get("dtype") is not None:
            self.said.append(f"'{n.title or n.cls}' ({n.cls}, #{n.id})'s dtype {w['dtype']} is not applied: Studio "
                             "chooses the precision it loads the model in")

    def _configurator(self, n: CNode) -> None:
        sizer = _sizer(self.wf, n)
        w = self.named(n, {k: RUNS for k in ("width", "height")} if sizer is not None else None)
        width, height, frames = w.get("width"), w.get("height"), w.get("frames_number")
        if w.get("preset") not in (None, "Custom") and (p := _preset(w["preset"])) is not None:
            width, height, frames = p
        elif sizer is not None and width is None and height is None:  # the size its picture's resize makes, wired on
            width, height = (n.links["width"], n.links["height"])
        if not all(isinstance(v, (int, tuple)) and not isinstance(v, bool) and (isinstance(v, tuple) or v > 0)
                   for v in (width, height)) or not (isinstance(frames, int) and not isinstance(frames, bool)
                                                      and frames > 0):
            return  # its size or length unknown: the reading that held it before says so
        wired = isinstance(width, tuple) or isinstance(height, tuple)
        guider = next((m for m in self.wf.nodes.values() if tuple(m.links.get("model", ())[:2]) == (n.id, 0)
                       and "positive" in m.links and "negative" in m.links), None)
        image = n.links.get("conditioning")
        links = {"vae": n.links["vae"]}
        if image is not None and guider is not None:
            links.update(positive=guider.links["positive"], negative=guider.links["negative"], image=image)
        self.rewire((n.id, 0), n.links["model"])  # the model passes on (its first-frame mask is the task node's)
        shift = None if wired else sigma_shift(width, height, frames)
        shifted = []
        for m in self.wf.nodes.values():  # the shift it gives, worked out from the size (unknown: unset, said)
            for k, v in list(m.links.items()):
                if tuple(v[:2]) == (n.id, 2):
                    del m.links[k]
                    if shift is None:
                        m.widgets.pop(k, None)
                        shifted.append(f"'{m.title or m.shown_cls}' (#{m.id})'s '{k}'")
                    else:
                        m.widgets[k] = shift
        captioned = [m for m in self.wf.nodes.values() if any(tuple(v[:2]) == (n.id, 3) for v in m.links.values())]
        for m in captioned:  # (the node read in its place gives no caption)
            m.links = {k: v for k, v in m.links.items() if tuple(v[:2]) != (n.id, 3)}
        size = {"width": width, "height": height, "length": frames, "batch_size": w.get("batch")}
        if wired:  # (the resize's width and height outputs kept wired: the take's size reading says what runs)
            links.update({k: v for k, v in (("width", width), ("height", height)) if isinstance(v, tuple)})
            size = {k: v for k, v in size.items() if not isinstance(v, tuple)}
        at = ("the size of the picture " + _named(sizer) + " makes") if wired else f"{width}x{height}"
        if "image" in links:
            made = self.core(n, "LTXVImgToVideo", {**size, "strength": 1.0}, links)
            made.ports["image"] = "conditioning"
            # every frame it is given encoded as the latent, cut (or padded with its last) to the length, its first
            # held: the pack's encode of its 'conditioning', which its declaration ('an image or video') cannot tell
            made.fills = "image"
            self.rewire((n.id, 1), (n.id, 2))  # its latent: LTXVImgToVideo's third output
            guider.links["positive"], guider.links["negative"] = (n.id, 0), (n.id, 1)
            what = f"LTXVImgToVideo of the picture on its 'conditioning' (the start image) at {at}"
        else:
            self.core(n, "EmptyLTXVLatentVideo", size, {})
            self.rewire((n.id, 1), (n.id, 0))
            what = f"EmptyLTXVLatentVideo of {at}"
            if image is not None:
                what += (" (its picture on 'conditioning' is not read: no guider or sampler takes its model with the "
                         "prompts, so Studio finds no prompts to condition with it)")
        lost = [f"frame_rate {w['frame_rate']} (the rate the model is told the video has)"] if "frame_rate" in w else []
        lost += [f"mixed_precision {w['mixed_precision']}"] if "mixed_precision" in w else []
        if w.get("img_compression") not in (None, 0):
            lost.append(f"img_compression {w['img_compression']} (the start image degraded as a compressed video "
                        "frame before it is encoded)")
        line = f"'{n.title or CONFIGURATOR}' ({CONFIGURATOR}, #{n.id}) is read as this family's {what}, {frames} frames; "
        line += (f"the sigma shift it gives ({shift}) is worked out from that size as it does" if shift is not None else
                 "the sigma shift it gives is worked out from that size as it does, which is known only when it runs: "
                 + (f"{', '.join(shifted)} left unset" if shifted else "none of its nodes reads it"))
        if lost:
            line += f"; its {', '.join(lost)} {'are' if len(lost) > 1 else 'is'} not applied"
        if captioned:
            line += ("; the caption of its picture it gives "
                     + ", ".join(f"'{m.title or m.shown_cls}' (#{m.id})" for m in captioned) + " is not made")
        self.said.append(line)


RUNS = ("it is the size of the picture that node makes (kept wired: the take's size is worked out as that size "
        "when it runs, said with it)")


_named = CNode.named  # the node in a sentence


def _sizer(wf, n: CNode) -> CNode | None:
    """The resize whose declared 'width' and 'height' outputs give the configurator ``n`` its size, where it is the
    node giving ``n`` its picture ('conditioning'): a size it makes of that picture, not the UI file's saved one
    (heldout3's img2vid: ImageResizeKJ keeping the proportion of a frame of a clip)."""
    pic, w, h = (n.links.get(k) for k in ("conditioning", "width", "height"))
    src = wf.nodes.get(pic[0]) if pic and w and h and w[0] == h[0] == pic[0] else None
    t = node_type(src.origin or src.cls) if src is not None else None
    names = [o.name for o in t.outputs] if t is not None and t.outputs else []
    ok = len(names) > max(w[1], h[1]) and names[w[1]] == "width" and names[h[1]] == "height" if src else False
    return src if ok else None


def translate(wf) -> list[str]:
    """Rewrites ``wf``'s LTXVLoader and LTXVModelConfigurator into the core nodes that mean the same, in place; the
    sentences saying so (none when the workflow has neither)."""
    return _OldNodes.translate(wf)
