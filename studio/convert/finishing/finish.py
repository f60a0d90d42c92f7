"""Per-output finishing (issue 99, item 3): what a ComfyUI save writes after the decoder of its take (a learned
upscale, a resize, a frame interpolation) made as Studio's nodes between the generator's video and that
output's own Save Video, in the workflow's order, for each save, also when two saves share one sampler (one
writes the take as it is, the other upscaled). A step Studio has no node for (a sharpen, a colour match) is
said for that save, naming it: the Save Video (or Save Image Sequence) writes the take without it.

Functions on a builder ``b`` of mapping.convert; plain data and stdlib."""
from __future__ import annotations

from .. import catalogue
from ..reading.workflow import CNode
from ..tracing.roles import in_type, out_types, role
from ..tracing.take_length import take_length
from . import core_steps, declared_resize, join_said, resize, take_steps, tiled_upscale
from .beside import beside
from . import effects
from .core import OPS, as_mp4, combine_unapplied
from .effects_made import effects_made
from .clip_extended import made as extended
from .picked_frames import trimmed
from .pingpong import made_here
from .resize_fit import resize_fit
from .resize_within import within
from .save_paths import own_path
from .tracks_drawn import drawn
from .tracks_merged import merged, take_side
from .own_upscaler import upscale_node
from .utility import FOLLOW, interpolation_node, job, model_of, utility, wired_node

FRAME_SAVES = ("SaveImage",)  # a take written as pictures, one a frame (takes.frames tells when it is an output)
UPSCALES = ("ImageUpscaleWithModel", "FrameInterpolate")  # made on a generated take too, as every '... VFI' node is


def learned(n: CNode) -> bool:
    """A pack's upscale by a model, told by its declared types: an UPSCALE_MODEL and pictures in, pictures out
    (KJNodes' ImageUpscaleWithModelBatched: the tenth held-out set's x2 upscale before RIFE, said not applied)."""
    t = catalogue.node_type(n.shown_cls)
    return n.cls not in UPSCALES and t is not None and t.takes("UPSCALE_MODEL") and t.takes("IMAGE") and \
        t.output_types == ("IMAGE",)
RESIZES = ("ImageScale", "ImageScaleBy", "ImageResizeKJv2", "ImageResizeKJ")
PASSING = ("Reroute", "CreateVideo", "GetImageSizeAndCount", "VHS_VideoInfo", "ImageFromBatch")  # the take unchanged


def _path(b, save: CNode) -> list[CNode]:
    """The enabled nodes between ``save`` and the decoder of its take (or its converted sampler), save first."""
    wf, path, node, seen = b.wf, [], save, {save.id}
    while len(path) < 64:
        name = effects.way(wf, node) if node is not save else None  # (a colour match: its target's way)
        name = name or next((k for k in FOLLOW if k in node.links), None) or take_side(b, node) or _one_picture(wf, node)
        if name == "mask" and _pictures_beside(node):  # a composite's mask: not the take's way (its pictures are;
            name = None  # ImageCompositeMasked's destination/source: the way stops there, said as a join)
        node = wf.source(node, name) if name else None
        if node is None or node.id in seen or node.cls.startswith("VAEDecode") or node.id in b.pass_key or \
                role(wf, node) == "decoder" or (_joins(node) and effects.way(wf, node) is None
                                                and take_side(b, node) is None):
            break
        seen.add(node.id)
        if node.enabled:
            path.append(node)
    return path


def _one_picture(wf, n: CNode) -> str | None:
    """The one wired input of ``n`` whose type is pictures (IMAGE: as the file or its pack declares it) where ``n``
    gives pictures: the take's way through a step whose input has another name than the ones FOLLOW knows (ssitu's
    UltimateSDUpscaleNoUpscale 'upscaled_image', heldout117 05: the way stopped there, so the model upscale and the
    resize before it were not made, said "not applied"); None otherwise (two pictures wired, or an input whose type is
    not known, which may be pictures: a join such as Easy-Use's batchAnything, not followed)."""
    if "IMAGE" not in out_types(wf, n):
        return None
    kinds = {k: in_type(n, k) or _given_type(wf, n, k) for k in n.links}
    pictures = [k for k, v in kinds.items() if v == "IMAGE"]
    known = all(v and v != "*" for v in kinds.values())  # (an input of unknown type may be pictures too: a join)
    return pictures[0] if len(pictures) == 1 and known else None


def _given_type(wf, n: CNode, name: str) -> str:
    """The type the node wired into ``n``'s ``name`` declares for that output (an API file names no types, and a pack
    whose inputs the catalogue does not hold declares none: its input is what it is given); '' where not known."""
    src_id, slot = n.links[name]
    src = wf.nodes.get(src_id)
    t = catalogue.node_type(src.shown_cls) if src is not None else None
    kinds = t.output_types if t is not None and t.outputs else ()
    return kinds[slot] if 0 <= slot < len(kinds) else ""


def _pictures_beside(n: CNode) -> bool:
    """``n`` is given pictures on inputs other than its 'mask' (by their declared types): a mask there is what it
    composites by, not the pictures it passes on."""
    t = catalogue.node_type(n.shown_cls)
    kinds = {k: n.in_types.get(k) or (i.type if t is not None and (i := t.input(k)) is not None else "")
             for k in n.links if k != "mask"}
    return any("IMAGE" in str(v).split(",") for v in kinds.values())


def _stopped_at(b, save: CNode, path: list[CNode]) -> CNode | None:
    """The join ``save``'s way stops at (pictures from two or more ways), not yet read; None where it stops elsewhere."""
    end = path[-1] if path else save
    name = next((k for k in FOLLOW if k in end.links), None)
    n = b.wf.source(end, name) if name else None
    return n if n is not None and n.id not in b.used and _joins(n) and effects.way(b.wf, n) is None else None


def _joins(n: CNode) -> bool:
    """``n`` joins pictures from two or more ways (ImageBatch: where takes meet; Concatenate makes it)."""
    return sum(1 for k in n.links if k.startswith(("image", "video", "frames"))) > 1


def _size(b, n: CNode, src: tuple[str, str]) -> tuple[int, int] | None:
    """The size a resize gives: its own width and height, else its scale of the generator's size."""
    wf = b.wf
    w, h = wf.value(n, "width"), wf.value(n, "height")
    if isinstance(w, int) and isinstance(h, int) and w > 0 and h > 0:
        return w, h
    scale = wf.value(n, "scale_by")
    params = b.g.nodes[src[0]].params
    gw, gh = params.get("width"), params.get("height")
    if isinstance(scale, (int, float)) and scale > 0 and isinstance(gw, int) and isinstance(gh, int) and gw and gh:
        return int(round(gw * scale / 8)) * 8, int(round(gh * scale / 8)) * 8
    return None


def after_take(b, save: CNode, src: tuple[str, str], said: list[str]) -> tuple[str, str]:
    """The upscale, resize and frame interpolation ``save`` runs on its generated take before writing it, as
    Studio's nodes after the generator's video ``src``, in the workflow's order; a step Studio has no node for
    on the way said, naming the save."""
    wf, out = b.wf, f"'{save.title or save.shown_cls}' (#{save.id})"
    src = beside(b, save, src, said)  # the take beside the file it was made from (a comparison), first
    path = _path(b, save)
    if (j := _stopped_at(b, save, path)) is not None and (ext := extended(b, j, src, save, path, out, said)):
        src = ext  # the take joined after a loaded clip where the way stops (ImageBatch: ext8)
    for n in reversed(path):  # nearest the decoder first
        if n.cls in RESIZES and (fitted := within(b, n, src, out, said)) is not None:  # inside its box: Scale
            src = fitted
            continue
        if n.cls in RESIZES and (size := _size(b, n, src)) is not None:
            b.used.add(n.id)
            fit, words = resize_fit(wf, n)
            src = (wired_node(b, "transform.resize", {"width": size[0], "height": size[1], **fit}, n,
                              (*src, "video")), "video")
            said.append(f"{out} writes the take resized to {size[0]}x{size[1]}{words} ({n.shown_cls}, #{n.id}): "
                        "Studio's Resize after the generator")
            continue
        if n.cls in RESIZES and (scaled := resize.on_way(b, n, src)) is not None:  # its size not known here (after
            src = scaled  # a join of takes): Studio's Scale by its own settings (heldout28 13's ImageScaleBy 0.5)
            said.append(f"{out} writes the take scaled as '{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) scales "
                        "it: Studio's Scale after the generator")
            continue
        if (picked := trimmed(b, n, src, out, said)) is not None:  # a run of the take's frames: Trim
            src = picked
            continue
        if (over := drawn(b, n, src, out, said) or merged(b, n, src, out, said)) is not None:  # tracks drawn over
            src = over  # the take: Draw Tracks; merged with the control clip drawn from them: Composite
            continue
        # an upscale Studio lacks (Scale), an effect, a tiled / FlashVSR upscale, a core step (ImageCrop: core_steps)
        made = declared_resize.scaled(b, n, src, said, out) or effects_made(b, n, src, said, out) or tiled_upscale.make(
            b, n, src, said) or take_steps.made(b, n, src, said, out) or core_steps.made(b, n, src, said, out)
        if made is not None:
            src = made
            continue
        found = utility(n, wf)
        does = job(*found) if found is not None else ""
        if not (n.cls in UPSCALES or does in ("upscale", "interpolate") or learned(n)):
            if n.cls not in PASSING and n.id not in b.used and (ext := extended(b, n, src, save, path, out, said)):
                src = ext  # a loaded clip extended by the take (ext8)
            elif n.cls not in PASSING and n.id not in b.used and (joins := join_said.inputs(n)):  # (heldout25 10)
                said.append(join_said.line(wf, out, n, joins, own=n.cls in OPS))
            elif n.cls not in PASSING and (n.id not in b.used or n.id in b.start_way) and role(wf, n) == "media step":
                why = ("whose size Studio cannot work out when converting (wired)" if n.cls in RESIZES else
                       "which Studio does not convert")  # (a resize Studio has: its size not known, heldout28 13)
                said.append(f"{out} writes the take after ComfyUI's '{n.title or n.shown_cls}' ({n.shown_cls}, "
                            f"#{n.id}), {why}: its {_save_title(b, save)} writes the take without it")
            continue
        b.used.add(n.id)
        what, _ = found or ("upscale (learned upscaler)", None)
        model = model_of(wf, n, b.used)
        if n.cls == "ImageUpscaleWithModel" or learned(n) or does == "upscale":
            src = (upscale_node(b, n, what, model, said, (*src, "video")), "video")  # (own_upscaler)
        else:
            src = (interpolation_node(b, n, what, model, said, (*src, "video")), "video")
        said.append(f"{what} of the take before {out} writes it: Studio's node after the generator")
    return src


def _own_path(b, save: CNode) -> str:
    """The path of ``save``'s Save Video: its prefix's, numbered where another output's Save Video writes that name
    (ComfyUI numbers the files of one prefix: neither overwrites the other), said (save_paths)."""
    return own_path(b, save)


def _save_title(b, save: CNode) -> str:
    """The title of the Studio save :func:`save_node` makes for ``save`` (rejudge25: a SaveImage's said 'Save Video')."""
    if save.cls not in FRAME_SAVES:
        return "Save Video"
    return "Save Image" if take_length(b.wf, save) == 1 else "Save Image Sequence"


def save_node(b, save: CNode, path: str | None = None) -> str:
    """Studio's save for ComfyUI's output ``save``: Save Video at ``path`` (else its own), or Save Image Sequence
    into a folder of its prefix for a take ComfyUI writes as pictures (Save Image, one picture, for a take of one
    frame)."""
    if save.cls in FRAME_SAVES:
        prefix = b.prefix_of(save).strip("/") or "ComfyUI"
        if take_length(b.wf, save) == 1:  # a take of one frame: one picture, as ComfyUI names it
            return b.add("io.save_image", {"path": f"out/{prefix}_00001_.png"}, save)
        return b.add("io.save_images", {"folder": f"out/{prefix}"}, save)
    sv = b.add("io.save_video", {"path": path or _own_path(b, save)}, save)
    kind = as_mp4(b.wf, save)
    if kind:  # (as a chain of core nodes says it: finishing.core)
        b.out.log.append(f"{b.name}: '{save.title or save.shown_cls}' (#{save.id}) is written as an MP4 video, not as "
                         f"{kind}: Studio writes none")
    if save.cls == "VHS_VideoCombine" and (line := combine_unapplied(b.wf, save, made_here(b, save))):  # (heldout11)
        b.out.log.append(f"{b.name}: {line}")
    if save.cls == "VHS_VideoCombine" and b.wf.value(save, "save_output") is False:  # (heldout9: unsaid)
        b.out.log.append(f"{b.name}: '{save.title or save.shown_cls}' (#{save.id}) only previews its video in ComfyUI (its "
                         "save_output off: a file in ComfyUI's temp folder): Studio's Save Video writes it into out/")
    return sv
