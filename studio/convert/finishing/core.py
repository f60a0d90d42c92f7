"""ComfyUI's core image and video nodes, node for node, where an output (SaveImage, PreviewImage, SaveVideo)
is made by them alone, with no model: LoadImage, LoadVideo, EmptyImage, GetVideoComponents, CreateVideo,
ImageScale, ImageScaleBy, ImageInvert, ImageCrop, ImageBatch, ImageFromBatch, RepeatImageBatch,
ImagePadForOutpaint, ImageBlend, ImageCompositeMasked, ImageSharpen, ImageBlur and ImageUpscaleWithModel each
become the Studio node doing what it does (OPS), wired as the workflow wires them. EmptyImage -> CreateVideo -> SaveVideo, the
smallest workflow a ComfyUI client sends to check a back end, is Solid Colour -> Save Video. VideoHelperSuite's
file loaders and its Video Combine too (a clip loaded and written again at the combine's rate, what Studio's Load
Video and Save Video do not apply said).

An output whose chain holds anything else (a sampler's VAEDecode, a pack's node, an output Studio has no like
of) is left to the other stages, which convert it or
list it as not converted. Plain data: the builder (mapping.convert._Builder) makes the nodes."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from .. import catalogue
from ..reading import image_resize
from ..reading.folders import FOLDER
from ..reading.loader_picks import file_rate_kept
from ..reading.workflow import LOADER_NODES, CNode, Workflow
from ..tracing.walks import upstream
from ..tracing.written_files import writer
from . import save_animated
from .core_masks import MASK_OPS
from .effects import effect
from .save_paths import own_path
from .soundless import writes_none

METHODS = {"nearest-exact": "nearest-exact", "bilinear": "linear", "area": "area", "bicubic": "cubic", "lanczos": "lanczos"}
# ImageBlend's modes as Composite's (its 'difference' is image1 - image2, clipped: Composite's subtract, clipped)
BLENDS = {"normal": "over", "multiply": "multiply", "screen": "screen", "overlay": "overlay",
          "soft_light": "soft light", "difference": "subtract"}


@dataclass(frozen=True)
class Op:
    """What a ComfyUI node type is in Studio: its node (None: no node, its outputs are its inputs'), the
    ComfyUI input -> Studio input, its settings read from the workflow, each output slot -> Studio output."""
    studio: str | None
    inputs: dict[str, str] = field(default_factory=dict)
    params: Callable[[Workflow, CNode], dict | None] = lambda wf, n: {}  # None: a value Studio has no like of
    outputs: dict[int, str] = field(default_factory=lambda: {0: "video"})


def _v(wf: Workflow, n: CNode, name: str, default=None):
    v = wf.value(n, name)
    return default if v is None else v


def _scale(wf, n):
    method = METHODS.get(str(_v(wf, n, "upscale_method", "nearest-exact")))
    if method is None:
        return None
    if n.cls == "ImageScaleBy":
        return {"scale": _v(wf, n, "scale_by", 1.0), "interpolation": method}
    return {"width": _v(wf, n, "width", 512), "height": _v(wf, n, "height", 512),
            "crop": _v(wf, n, "crop", "disabled"), "interpolation": method}


def _solid(wf, n):
    rgb = int(_v(wf, n, "color", 0) or 0) & 0xFFFFFF
    return {"width": _v(wf, n, "width", 512), "height": _v(wf, n, "height", 512),
            "frames": _v(wf, n, "batch_size", 1), "color": f"#{rgb:06x}"}


def _fps(wf, n) -> float:
    """CreateVideo's frame rate; 0 (the clip's own) where GetVideoComponents' fps of the video its images come
    from is wired in (core_chain takes no other link there)."""
    return 0.0 if wf.value(n, "fps") is None and "fps" in n.links else _v(wf, n, "fps", 30.0)


# the nodes giving the rate of the clip they are given (slot): GetVideoComponents' fps; VideoHelperSuite's info of a
# loader (the rate it was loaded at: a forced rate and every n-th made by Studio's Frame Rate and Trim, load_trim;
# or the file's rate, where the loader keeps it)
OWN_RATE = {"GetVideoComponents": 2, "VHS_VideoInfoSource": 0, "VHS_VideoInfoLoaded": 0}
RATE_INPUT = {"CreateVideo": "fps", "VHS_VideoCombine": "frame_rate"}  # an output's rate input


def _own_fps(wf: Workflow, n: CNode, name: str = "fps") -> bool:
    """Whether ``n``'s rate input ``name`` (CreateVideo's fps, Video Combine's frame_rate) is the rate of the video
    its images come from: GetVideoComponents' fps, or a VideoHelperSuite info of the loader on their way."""
    src_id, slot = n.links[name]
    src = wf.nodes.get(src_id)
    if src is None or OWN_RATE.get(src.cls) != slot:
        return False
    if src.cls != "GetVideoComponents":  # the info's loader
        if "video_info" not in src.links:
            return False
        src_id = src.links["video_info"][0]
        if src.cls == "VHS_VideoInfoSource" and src_id in wf.nodes and not file_rate_kept(wf, wf.nodes[src_id]):
            return False  # the file's rate, not the rate of the frames it gives (forced, or every n-th)
    todo, seen = [n.links["images"][0]] if "images" in n.links else [], set()
    while todo and len(seen) < MAX_CHAIN:
        nid = todo.pop()
        if nid == src_id:
            return True
        if nid not in seen and nid in wf.nodes:
            seen.add(nid)
            todo += [s for s, _ in wf.nodes[nid].links.values()]
    return False


def _from_batch(wf, n):
    start = int(_v(wf, n, "batch_index", 0))
    return {"start": start, "end": start + int(_v(wf, n, "length", 1))}


def _blend(wf, n):
    mode = BLENDS.get(str(_v(wf, n, "blend_mode", "normal")))
    return None if mode is None else {"mode": mode, "opacity": _v(wf, n, "blend_factor", 0.5), "clip": True}


def _effect(wf, n):
    fx = effect(wf, n)
    return fx.params if fx is not None and not fx.missing else None


def _composite(wf, n):
    return {"mode": "over", "x": _v(wf, n, "x", 0), "y": _v(wf, n, "y", 0), "fit_mask": True}  # (ComfyUI scales
    # a mask of another size to the source's)


def _sized(wf: Workflow, n: CNode) -> tuple[str, str, str, str] | None:
    """(input made the size of, that input, crop, filter) where ComfyUI resizes one input to another's size."""
    if n.cls == "ImageBatch":
        return "image2", "image1", "center", "linear"
    if n.cls == "ImageBlend":
        return "image2", "image1", "center", "cubic"
    if n.cls == "ImageCompositeMasked" and _v(wf, n, "resize_source", False):
        return "source", "destination", "disabled", "linear"
    return None


OPS: dict[str, Op] = {
    "LoadImage": Op("io.load_image", outputs={0: "image", 1: "mask"}),  # MASK: 1 - alpha (Invert of 'alpha')
    "LoadVideo": Op("io.load_video"),
    "GetVideoComponents": Op(None, {"video": "video"}, outputs={0: "video", 1: "audio"}),
    "EmptyImage": Op("procedural.solid", params=_solid),
    "CreateVideo": Op("edit.frame_rate", {"images": "video", "audio": "audio"}, lambda wf, n: {"fps": _fps(wf, n)}),
    "ImageScale": Op("transform.scale", {"image": "video"}, _scale),
    "ImageScaleBy": Op("transform.scale", {"image": "video"}, _scale),
    "ImageInvert": Op("transform.invert", {"image": "video"}),
    "ImageCrop": Op("edit.crop", {"image": "video"}, lambda wf, n: {
        k: _v(wf, n, k, d) for k, d in (("x", 0), ("y", 0), ("width", 512), ("height", 512))}),
    "ImageBatch": Op("edit.concatenate", {"image1": "a", "image2": "b"}, lambda wf, n: {"conform": "conform to first"}),
    "ImageFromBatch": Op("transform.trim", {"image": "video"}, _from_batch),
    "RepeatImageBatch": Op("edit.time", {"image": "video"},
                           lambda wf, n: {"mode": "loop", "loops": _v(wf, n, "amount", 1)}),
    "ImagePadForOutpaint": Op("edit.pad", {"image": "video"}, lambda wf, n: {
        **{k: _v(wf, n, k, 0) for k in ("left", "top", "right", "bottom")}, "color": "#808080",  # ComfyUI's 0.5 grey
        "feather": _v(wf, n, "feathering", 0)}, {0: "video", 1: "mask"}),  # its mask: Pad's
    "ImageBlend": Op("edit.composite", {"image1": "background", "image2": "foreground"}, _blend),
    "ImageCompositeMasked": Op("edit.composite", {"destination": "background", "source": "foreground",
                                                  "mask": "mask"}, _composite),
    "ImageUpscaleWithModel": Op("finishing.upscale", {"image": "video"}),  # its model: UpscaleModelLoader's file
    "ImageSharpen": Op("edit.sharpen", {"image": "video"}, lambda wf, n: _effect(wf, n)),  # (finishing.effects)
    "ImageBlur": Op("edit.blur", {"image": "video"}, lambda wf, n: _effect(wf, n)),
    "SaveVideo": Op("io.save_video", {"video": "video"}),
    "SaveImage": Op("io.save_image", {"images": "video"}),
    "PreviewImage": Op("io.save_image", {"images": "video"}),  # ComfyUI writes its previews into temp/ too
}
OPS.update({cls: Op(*made) for cls, made in MASK_OPS.items()})  # the core mask nodes and ImageStitch (core_masks)
# ComfyUI's saves of an animation: Save Video at their frame rate (an animated WEBP or PNG made Save Animation after
# the build: save_animated), a WEBM written as an MP4, said
AS_MP4 = {"SaveAnimatedWEBP": "an animated WEBP", "SaveAnimatedPNG": "an animated PNG", "SaveWEBM": "a WEBM"}
OPS.update({cls: Op("io.save_video", {"images": "video"}) for cls in AS_MP4})
# VideoHelperSuite's file loaders (read as the converter reads them anywhere: mapping.inputs.studio_loader, the
# settings its Load Video does not apply said) and its Video Combine: a clip loaded and written again at its rate
PACK_LOADERS = {cls: Op(kind, outputs={0: "video", 2: "audio"} if kind == "io.load_video" else {0: kind.rpartition("_")[2]})
                for cls, (kind, _) in LOADER_NODES.items() if cls.startswith("VHS_") or cls == FOLDER}
# (a pack's folder of pictures read as Studio's Load Image Sequence, reading.folders: its pictures saved again by a
# SaveImage, heldout29 08's 'head' and 'tail' copies, said "not made" before)
OPS.update(PACK_LOADERS)
OPS["VHS_VideoCombine"] = Op("io.save_video", {"images": "video", "audio": "audio"})
SAVES = ("SaveVideo", "SaveImage", "PreviewImage", *AS_MP4, "VHS_VideoCombine")
MODEL_LOADERS = {"UpscaleModelLoader": "model_name"}  # a loader read as its file (set on the node it feeds)
MAX_CHAIN = 10_000


def _unwired(n: CNode, op: Op) -> bool:
    """One of the pictures or masks a node joins (a blend, a composite, a batch: two picture inputs its type
    requires) left unwired, or a node given none of the inputs it requires (GetVideoComponents' video left open):
    ComfyUI refuses it as saved; left to the others (passing says it)."""
    t = catalogue.node_type(n.shown_cls)
    needed = [i for k in op.inputs if t is not None and (i := t.input(k)) is not None and not i.optional and
              i.type in ("IMAGE", "MASK")]  # (two masks: MaskComposite's)
    if len(needed) >= 2 and any(i.name not in n.links for i in needed):
        return True
    # a node given nothing at all it requires (GetVideoComponents' video left open, read by ImageStitch's optional
    # image2: the stitch was made of image1 alone, unsaid)
    required = [i for k in op.inputs if t is not None and (i := t.input(k)) is not None and not i.optional]
    return bool(required) and not any(i.name in n.links for i in required)


def core_chain(wf: Workflow, end: CNode) -> list[CNode] | None:
    """The nodes making the output ``end`` (``end`` last, each after what it reads) when every one is in OPS
    (or a model loader a core node reads) and each output read is one Studio has; None otherwise."""
    if end.cls not in SAVES or not end.enabled or not any(k in end.links for k in OPS[end.cls].inputs):
        return None  # (a save given nothing: its pictures dropped with a bypassed node's, heldout26 03)
    order: list[CNode] = []
    state: dict[str, int] = {}  # 1: being walked, 2: done
    stack = [(end, False)]
    while stack:
        n, done = stack.pop()
        if done:
            state[n.id] = 2
            order.append(n)
            continue
        if state.get(n.id) == 2:
            continue
        if state.get(n.id) == 1 or len(state) > MAX_CHAIN or not n.enabled:
            return None  # a loop, or too many, or a bypassed node (a wire ComfyUI makes of it: left to the others)
        op = OPS.get(n.cls)
        if op is None or (op.studio and op.params(wf, n) is None) or _unwired(n, op):
            return None
        state[n.id] = 1
        stack.append((n, True))
        for name, (src_id, slot) in n.links.items():
            src = wf.nodes.get(src_id)
            if src is None:
                return None
            if src.cls in MODEL_LOADERS and n.cls == "ImageUpscaleWithModel":
                continue
            rate = RATE_INPUT.get(n.cls)
            if name == rate and wf.value(n, name) is None:  # a rate wired in: the clip's own, else a chain not read
                if not _own_fps(wf, n, name):
                    return None
                continue
            if name not in op.inputs and wf.value(n, name) is not None:  # a setting a constant gives (a Primitive)
                continue
            if n.cls in PACK_LOADERS and name == _file_setting(n):  # its file named by a node when the workflow
                if writer(wf, n) is not None:  # (the file a pack's maker writes: its take, held by pack_makers)
                    return None
                continue  # runs: its loader made naming none, said (mapping.inputs.studio_loader; the node passed)
            if name not in op.inputs or src.cls not in OPS or slot not in _outputs(src):
                return None
            stack.append((src, False))
    return order


def _outputs(n: CNode) -> dict[int, str]:
    """The Studio outputs of ComfyUI node ``n``'s output slots: its op's; a pack's video loader read as
    VideoHelperSuite's (reading.by_types.as_loader: TS_VideoLoader, its pictures at 0 and its sound at 1) by the types
    its pack declares (IMAGE: the frames, AUDIO: the sound)."""
    op = OPS[n.cls]
    if n.origin is None or n.cls not in PACK_LOADERS or op.studio != "io.load_video":
        return op.outputs
    t = catalogue.node_type(n.origin)
    if t is None or not t.outputs:
        return op.outputs
    kinds = {"IMAGE": "video", "AUDIO": "audio"}
    return {k: kinds[x] for k, x in enumerate(t.output_types) if x in kinds}


def _file_setting(n: CNode) -> str | None:
    """The setting a pack's file loader names its file by, as its type declares it (catalogue.file_input: VHS_LoadVideoPath's
    'video', VHS_LoadAudio's 'audio_file'); None where the type is not catalogued."""
    t = catalogue.node_type(n.origin or n.cls)
    f = catalogue.file_input(t) if t is not None and t.inputs is not None else None
    return f.name if f is not None else None


def make_chain(b, end: CNode, chain: list[CNode]) -> None:
    """Studio's nodes for ``chain`` (core_chain's), made by the builder ``b`` and wired as the workflow's; a
    node already made for another output is shared."""
    made: dict[str, dict[int, tuple[str, str] | None]] = b.__dict__.setdefault("core_made", {})
    first = len(b.g.nodes)
    shared = [n for n in chain if n.id in made]
    for n in chain:
        if n.id not in made:
            made[n.id] = _make(b, made, n)
            b.used.add(n.id)
            if (rate := RATE_INPUT.get(n.cls)) in n.links and b.wf.value(n, rate) is None:
                b.used.add(n.links[rate][0])  # the info giving the clip's own rate: read as Frame Rate's 0
    b.bands.append(list(b.g.nodes)[first:])
    b.out.tasks.append({"task": "images", "family": "core", "generator": None, "inputs": []})
    b.out.log.append(f"{b.name}: ComfyUI '{end.title or end.shown_cls}' -> "
                     + " -> ".join(b.g.nodes[x].label for x in b.bands[-1])
                     + (f" (reading what was made of {', '.join(n.cls for n in shared)} for another output)"
                        if shared else ""))


def _make(b, made: dict, n: CNode) -> dict[int, tuple[str, str] | None]:
    """The Studio node (and the steps before it) of the ComfyUI node ``n``, wired; its outputs by slot."""
    wf, op = b.wf, OPS[n.cls]
    if n.cls in PACK_LOADERS:  # one Studio loader however often it is read, its unapplied settings said
        if op.studio != "io.load_video":
            return {slot: b.studio_loader(n) for slot in op.outputs}
        video = b.studio_loader(n)  # through its Frame Rate / Trim (load_trim); its sound the seconds they pick
        slots = _outputs(n)  # (by its declared outputs: VHS's sound at 2, a pack's read as it elsewhere)
        outs = {k: video for k, v in slots.items() if v == "video"}
        for sound in (k for k, v in slots.items() if v == "audio"):  # (a loader declaring none: WANLoadVideo)
            heard = any(tuple(src) == (n.id, sound) for m in wf.nodes.values() for src in m.links.values())
            outs[sound] = b.studio_loader(n, sound) if heard else (b.loaded[n.id], "audio")
        return outs
    refs = {name: _output(b, made, src, slot) for name, (src, slot) in n.links.items() if name in op.inputs
            and src in made}
    if op.studio is None:  # GetVideoComponents: its images are the video, its audio the loader's
        video = refs.get("video")
        return {0: video, 1: (video[0], "audio") if video and b.g.nodes[video[0]].spec.output("audio") else None}
    if n.cls == "CreateVideo" and _folds(b, n, refs.get("images")):  # EmptyImage's Solid Colour takes the fps
        b.set_param(refs["images"][0], "fps", _v(wf, n, "fps", 30.0), n)
        return {0: refs["images"]}
    _before(b, n, refs)
    nid = b.add(op.studio, _params(b, n), n, title=_title(n))
    for name, ref in refs.items():
        if ref is not None:
            b.g.connect(ref[0], ref[1], nid, op.inputs[name])
    if n.cls == "LoadImage" and (p := image_resize.image_params(wf, n)):  # a pack loader resizing its picture
        return {0: _scaled(b, n, nid, p)}
    spec = b.g.nodes[nid].spec  # (LoadImage's MASK: its alpha inverted, made when read: _output)
    return {slot: (nid, port) for slot, port in op.outputs.items() if spec.output(port) is not None}


def _scaled(b, n: CNode, load: str, p: dict) -> tuple[str, str]:
    """Studio's Scale after the Load Image of a loader resizing its picture as KJNodes' LoadAndResizeImage does
    (reading/image_resize.py), said (heldout47: one straight into a SaveImage was made as Load Image -> Save Image, its
    480x480 fit and multiple of 32 dropped unsaid; a generator's start picture had it: mapping/load_size)."""
    scale = b.add("transform.scale", p, n)
    b.g.connect(load, "image", scale, "video")
    b.say(image_resize.image_said(n, b.file_of(n), p))
    return scale, "video"


def _params(b, n: CNode) -> dict:
    """The settings of ``n``'s Studio node: its op's, and the file it reads or writes."""
    wf = b.wf
    params = dict(OPS[n.cls].params(wf, n) or {})
    if n.cls in ("LoadImage", "LoadVideo"):
        params["path"] = b.file_of(n).removesuffix(" [input]")  # ComfyUI's page marks a file of input/ so
    elif n.cls == "ImageUpscaleWithModel":
        loader = wf.source(n, "upscale_model")
        params["model"] = str(wf.value(loader, "model_name") or "") if loader is not None else ""
        if loader is not None:
            b.used.add(loader.id)
    elif n.cls in SAVES:
        params["path"] = _save_path(wf, n, b.prefix_of(n, "video/ComfyUI" if n.cls == "SaveVideo" else "ComfyUI")) \
            if n.cls != "VHS_VideoCombine" else own_path(b, n)  # (two combines of one prefix: numbered, said)
    return params


def _before(b, n: CNode, refs: dict) -> None:
    """The steps ComfyUI takes inside ``n`` before what its Studio node does, made before it (``refs`` then
    naming them): an animation's frame rate, one input made the size of another."""
    wf = b.wf
    if (n.cls in AS_MP4 or n.cls == "VHS_VideoCombine") and refs.get("images"):  # its frame rate: on Solid
        # Colour, else a Frame Rate before it
        fps = (0.0 if "frame_rate" in n.links and wf.value(n, "frame_rate") is None else _v(wf, n, "frame_rate", 8.0)) \
            if n.cls == "VHS_VideoCombine" else _v(wf, n, "fps", 6.0)  # (0: the clip's own, its info wired in)
        if _folds(b, n, refs["images"]):
            b.set_param(refs["images"][0], "fps", fps, n)
        else:
            rate = b.add("edit.frame_rate", {"fps": fps}, n, title=f"{n.cls} fps")
            b.g.connect(*refs["images"], rate, "video")
            refs["images"] = (rate, "video")
        kind = as_mp4(wf, n)
        if kind:
            b.out.log.append(f"{b.name}: '{n.title or n.shown_cls}' (#{n.id}) is written as an MP4 video, not as "
                             f"{kind}: Studio writes none")
        if n.cls == "VHS_VideoCombine" and (line := combine_unapplied(wf, n)):
            b.out.log.append(f"{b.name}: {line}")
        if n.cls == "VHS_VideoCombine":
            _combine_written(b, n, refs)
    sized = _sized(wf, n)
    if sized and refs.get(sized[0]) and refs.get(sized[1]):  # one input at the other's size, as ComfyUI makes it
        fit = b.add("transform.scale", {"crop": sized[2], "interpolation": sized[3]}, n,
                    title=f"{sized[0]} as {sized[1]}")
        b.g.connect(*refs[sized[1]], fit, "like")
        b.g.connect(*refs[sized[0]], fit, "video")
        refs[sized[0]] = (fit, "video")


def _combine_written(b, n: CNode, refs: dict) -> None:
    """What a chain's Video Combine writes as Save Video does not unless told (found by the fifteenth held-out set, as
    the generator's save says it: finishing.finish): given no 'audio' it writes no sound (a clip loaded on its way:
    Replace Audio with no sound before Save Video, said); a preview (save_output off) is written into out/ (said)."""
    if (why := writes_none(b.wf, n)) is not None and any(LOADER_NODES.get(x.cls, ("", ""))[1] == "video"
                                                         for x in upstream(b.wf, n)):  # (a clip's sound to leave out)
        mute = b.add("edit.replace_audio", {}, n, title="no sound")
        b.g.connect(*refs["images"], mute, "video")
        refs["images"] = (mute, "video")
        b.out.log.append(f"{b.name}: the workflow writes the video without sound ({why}): Replace Audio with no sound "
                         "goes before Save Video, so the loaded clip's own sound is not written")
    if b.wf.value(n, "save_output") is False:
        b.out.log.append(f"{b.name}: '{n.title or n.shown_cls}' (#{n.id}) only previews its video in ComfyUI (its save_output "
                         "off: a file in ComfyUI's temp folder): Studio's Save Video writes it into out/")


def as_mp4(wf: Workflow, n: CNode) -> str | None:
    """What the save ``n`` writes that Studio writes as an MP4 instead (SaveWEBM's WEBM, a Video Combine's other
    codec); None where Studio writes what it writes (an H.264 MP4; an animated WEBP, PNG or GIF: Save Animation,
    finishing.save_animated)."""
    if save_animated.extension(wf, n) is not None:
        return None
    return AS_MP4.get(n.cls) or (combined_as(wf, n) if n.cls == "VHS_VideoCombine" else None)


def combined_as(wf: Workflow, n: CNode) -> str | None:
    """What a Video Combine writes that Studio's Save Video (an H.264 MP4) does not: an animated GIF or WEBP, a
    ProRes, WEBM or other codec's file; None for an H.264 MP4."""
    fmt = str(_v(wf, n, "format", "video/h264-mp4"))
    if fmt.startswith("image/"):
        return f"an animated {fmt[6:].upper()}"
    return None if fmt.endswith("h264-mp4") else f"'{fmt}' (Save Video writes H.264)"


def combine_unapplied(wf: Workflow, n: CNode, made: tuple[str, ...] = ()) -> str | None:
    """A Video Combine's settings Studio's Save Video does not apply, said (a ping-pong, a cut to the sound); those
    ``made`` by Studio's nodes before it (a generator's ping-pong: finishing.pingpong) left out."""
    lost = [k for k in ("pingpong", "trim_to_audio") if _v(wf, n, k, False) is True and k not in made
            and (k != "trim_to_audio" or "audio" in n.links)]  # (no sound given: nothing to cut to, heldout24)
    return (f"'{n.title or n.shown_cls}' (#{n.id})'s {' and '.join(lost)} not applied: Studio's Save Video writes the "
            "frames once, in order, with the whole sound") if lost else None


def _output(b, made: dict, src: str, slot: int) -> tuple[str, str] | None:
    """The Studio output standing for output ``slot`` of the ComfyUI node ``src`` (made): LoadImage's MASK (1 -
    alpha) is its alpha inverted by a Mask Tools, made when it is first read."""
    if slot not in made[src] and b.wf.nodes[src].cls == "LoadImage" and slot == 1:
        load = made[src][0][0]
        inv = b.add("edit.mask_tools", {"invert": True}, b.wf.nodes[src], title="Mask (1 - alpha)")
        b.g.connect(load, "alpha", inv, "mask")
        made[src][1] = (inv, "mask")
    return made[src].get(slot)


def _folds(b, n: CNode, ref) -> bool:
    """Whether CreateVideo ``n``'s rate is set on the Solid Colour its images are (its EmptyImage read by it alone)."""
    if ref is None or b.g.nodes[ref[0]].type_id != "procedural.solid":
        return False
    users = b.__dict__.get("core_users")
    if users is None:  # counted once a conversion: how many links read each node
        users = b.core_users = Counter(s for m in b.wf.nodes.values() for s, _ in m.links.values())
    return users[n.links["images"][0]] == 1


def _title(n: CNode) -> str | None:
    return n.title or None


def _save_path(wf: Workflow, n: CNode, prefix: str | None = None) -> str:
    """Where a save writes in a converted graph (next to it, in out/): ComfyUI's prefix (``prefix``: as the
    builder read it, its fill-in tokens left out) and first name; a server names each in its own folders
    (studio.serve.api.prompt)."""
    if n.cls == "PreviewImage":
        return "temp/ComfyUI_temp_00001_.png"
    prefix = prefix or str(wf.value(n, "filename_prefix") or ("video/ComfyUI" if n.cls == "SaveVideo" else "ComfyUI"))
    prefix = prefix.replace("\\", "/").strip("/") or "ComfyUI"
    return f"out/{prefix}_00001_.png" if n.cls == "SaveImage" else f"out/{prefix}.mp4"
