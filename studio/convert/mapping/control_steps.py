"""comfyui_controlnet_aux's preprocessors on a control clip's way, told by the category the pack files each under
(the catalogue's, read from its source): a line extractor (lineart, HED, PiDiNet, scribble, M-LSD, Canny...) ->
Studio's Edges, a depth estimator -> Depth, a human pose estimator -> the pose nodes. Edges is OpenCV's Canny: a
Canny node's thresholds are taken; another extractor's own network is not run, its lines differ from Canny's edges
(said); the Tile preprocessor -> Studio's Control Tile (the same pyramid blur, its levels taken); the all-in-one node
(AIO) -> the node of the preprocessor its combo names. Normal maps, segmentors, face meshes and animal poses have no Studio node: left to the other rules. Plain
data; the catalogue's door only."""
from __future__ import annotations

from .. import catalogue
from ..finishing.declared import utility_by_types
from ..reading.workflow import LOADER_NODES, CNode, Workflow

PACK_CATEGORY = "ControlNet Preprocessors/"
NOT_DEPTH = ("normal", "meshgraphormer")  # filed with the depth estimators, not depth maps
NOT_TILE = ("ttplanet",)  # filed with the tile preprocessor, a guided filter and a blur of their own
NOT_PEOPLE = ("animal", "densepose", "facemesh", "face mesh")  # filed with the pose estimators, not people's poses


def by_declared(cls: str) -> bool:
    """A depth estimator of a pack other than comfyui_controlnet_aux, told by its declared types (its own settings
    are not Studio's Depth's: said by the step's sentence, intent._steps_said)."""
    found = utility_by_types(CNode("", cls))
    return found is not None and found[1] == "depth"


def own_settings(n: CNode) -> str:
    """A step's settings as saved, each by the name Studio reads it under ('' where none): every one, a value of
    another version's place included (DepthCrafter's first value 512 read as its 'force_size')."""
    return ", ".join(f"{k} {'(wired)' if k in n.links else v}" for k, v in n.settings().items()
                     if not str(k).startswith("#"))


def kind(cls: str) -> str | None:
    """'edges', 'depth' or 'pose' for a preprocessor of that kind, by its pack's category; 'depth' for another
    pack's depth estimator told by its declared types (one picture in, pictures out, a model, its pack's words
    saying depth: finishing.declared.utility_by_types, as the utilities read it; DepthCrafter, heldout67 01); None
    otherwise."""
    t = catalogue.node_type(cls)
    if t is not None and not t.category.startswith(PACK_CATEGORY):
        return "depth" if by_declared(cls) else None
    if t is None or not t.outputs or t.outputs[0].type != "IMAGE":
        return None
    sub, name = t.category[len(PACK_CATEGORY):], f"{cls} {t.display}".lower()
    if sub == "Line Extractors":
        return "edges"
    if sub == "tile" and not any(w in name for w in NOT_TILE):  # (TileDetector: nodes/control/pictures.py)
        return "tile"
    if sub == "Normal and Depth Estimators" and "depth" in name and not any(w in name for w in NOT_DEPTH):
        return "depth"
    if sub == "Faces and Poses Estimators" and "pose" in name and not any(w in name for w in NOT_PEOPLE):
        return "pose"
    return None


def _value(wf: Workflow, n: CNode, name: str, at: int):
    """A setting by name, else by its place in a UI file's values (the pack declares its inputs in code the
    catalogue does not read)."""
    if name in n.links or name in n.widgets:
        return wf.value(n, name)
    raw = n.raw if isinstance(n.raw, list) else []
    return raw[at] if at < len(raw) else None


def aio(wf: Workflow, n: CNode) -> str | None:
    """The preprocessor comfyui_controlnet_aux's all-in-one node runs (its category's top, 'AIO' in its name; its
    'preprocessor' combo, its first value, names the pack's node, run with that node's defaults); None for another
    node, or for 'none' (the picture passed on) or a name the catalogue does not know."""
    t = catalogue.node_type(n.cls)
    if t is None or t.category != PACK_CATEGORY.rstrip("/") or "aio" not in f"{n.cls} {t.display}".lower():
        return None
    v = _value(wf, n, "preprocessor", 0)
    return v if isinstance(v, str) and v != "none" and catalogue.node_type(v) is not None else None


def aio_said(wf: Workflow, n: CNode, into: str, made: str) -> str:
    """The sentence for an all-in-one node made as Studio's ``made`` (its resolution not taken)."""
    r = _value(wf, n, "resolution", 1)
    return (f"'{into}': '{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) runs {aio(wf, n)}, made by Studio's "
            f"{made}" + (f"; its 'resolution' {r} is not taken" if isinstance(r, int) else ""))


def tile_params(wf: Workflow, n: CNode) -> dict:
    """Control Tile's levels: the Tile preprocessor's pyrUp_iters (its first value; 3, the pack's default, for the
    all-in-one node)."""
    v = _value(wf, n, "pyrUp_iters", 0) if aio(wf, n) is None else 3
    return {"levels": v} if isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 10 else {}


def tile_said(wf: Workflow, n: CNode, into: str) -> str:
    """The sentence for a Tile preprocessor made as Control Tile: its size rounded to a multiple of 64."""
    lv = tile_params(wf, n).get("levels", 3)
    return (f"'{into}' is made by Studio's Control Tile for {n.shown_cls} (#{n.id}), {lv} levels (its pyrUp_iters): "
            "the clip blurred by a pyramid, its sides rounded to a multiple of 64 as the pack's tile rounds them (its "
            "'resolution' is not read by the pack's tile either)")


def canny(cls: str) -> bool:
    return "canny" in cls.lower()


def kornia(n: CNode) -> bool:
    """Whether Canny node ``n`` is ComfyUI's core Canny as the file has it (kornia's canny: the picture blurred by a
    5x5 Gaussian of sigma 1 before its edges, comfy_extras/nodes_canny.py), not a pack's node a translation read as it
    (VideoX-Fun's VideoToCanny: its origin)."""
    return n.cls == "Canny" and (n.origin or "Canny") == "Canny"


def edges_params(wf: Workflow, n: CNode) -> dict:
    """Edges' thresholds (grey levels) and blur for a Canny: ComfyUI's core Canny's in 0..1, the pack's Canny Edge's in
    0..255; {} (Edges' own) for another extractor. Edges' blur (its default 1: kornia's sigma) is 0 for a Canny that
    runs OpenCV's cv2.Canny on the picture as it is, with no blur first: comfyui_controlnet_aux's CannyDetector (its
    CannyEdgePreprocessor, alone or run by the all-in-one node; src/custom_controlnet_aux/canny/__init__.py at
    e8b689a5) and VideoX-Fun's VideoToCanny (comfyui/annotator/nodes.py at 804a4258), whose thresholds are grey levels
    (proxymine24: their edges were drawn blurred, unsaid)."""
    if not canny(n.cls):
        return {"blur": 0.0} if canny(aio(wf, n) or "") else {}
    lo, hi = (_value(wf, n, k, i) for i, k in enumerate(("low_threshold", "high_threshold")))
    frac = fractions(n.cls)  # (as read: VideoToCanny's grey levels are made the core Canny's fractions)
    scale, top = (255, 1) if frac else (1, 255)
    out = {k: int(round(v * scale)) for k, v in (("low", lo), ("high", hi))
           if isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= top}
    return out if kornia(n) or fractions(n.origin or n.cls) else {**out, "blur": 0.0}


def fractions(cls: str) -> bool:
    """Whether ``cls``'s pack declares its Canny thresholds as fractions of 1 (a FLOAT of at most 1: ComfyUI's core
    Canny, GJJ's CannyEdge), not grey levels (VideoToCanny's INT to 255; controlnet_aux's, undeclared: its code's
    INT to 255)."""
    t = catalogue.node_type(cls)
    i = t.input("low_threshold") if t is not None and t.inputs is not None else None
    return i is not None and i.type == "FLOAT" and isinstance(i.max, (int, float)) and i.max <= 1


def edges_said(n: CNode, into: str, runs: str | None = None) -> str | None:
    """The sentence for an extractor other than Canny made as Edges (None for a Canny: the same edges); ``runs``: the
    extractor an all-in-one node runs."""
    if canny(runs or n.cls):
        return None
    return (f"'{into}' is made by Studio's Edges (OpenCV's Canny) for {n.shown_cls} (#{n.id})"
            + (f"'s {runs}" if runs else "") + ": its own network's lines are not made, so the control clip differs "
            "from ComfyUI's")


FACE_MASKS = ("FaceMaskFromPoseKeypoints",)  # a face's mask drawn from a pose estimator's keypoints


def face_crop(wf: Workflow, n: CNode) -> tuple[CNode, CNode] | None:
    """(the face mask, the pose estimator) where ``n`` crops a clip to the face a pose estimator found (KJNodes'
    ImageCropByMaskAndResize given FaceMaskFromPoseKeypoints of a DWPose: Wan Animate's face clip); None
    otherwise."""
    if "crop" not in n.cls.lower() or "mask" not in n.links or "image" not in n.links:
        return None
    m = wf.source(n, "mask")
    kps = wf.source(m, "pose_kps") if m is not None and m.cls in FACE_MASKS else None
    return (m, kps) if kps is not None and kind(kps.cls) == "pose" else None


def _cropped(wf: Workflow, n: CNode) -> str:
    """'picture' where the face crop ``n`` is given a still (its 'image' traced up through one-picture steps to
    ComfyUI's image loader: Wan Animate's reference, heldout81 06), else 'clip'."""
    src = wf.source(n, "image")
    for _ in range(32):
        if src is None:
            break
        kind = LOADER_NODES.get(src.cls)
        if kind is not None:
            return "picture" if kind[1] == "image" else "clip"
        ins = [k for k, v in src.in_types.items() if v == "IMAGE" and k in src.links] or \
            [k for k in ("image", "images") if k in src.links][:1]  # (an API file's node: its picture input by name)
        src = wf.source(src, ins[0]) if len(ins) == 1 else None
    return "clip"


def face_said(wf: Workflow, n: CNode, into: str, models: str) -> str:
    """The sentence for a face crop made as Studio's Face Crops (its size the crop's base resolution)."""
    m, kps = face_crop(wf, n)
    size = _value(wf, n, "base_resolution", 0)
    return (f"'{into}' is made by Studio's Face Crops ({size if isinstance(size, int) and size > 0 else 512} pixels) "
            f"of Studio's poses for {n.shown_cls} (#{n.id}), which crops the {_cropped(wf, n)} to {m.shown_cls} "
            f"(#{m.id})'s face "
            f"of {kps.shown_cls} (#{kps.id})'s keypoints (its padding and crop-size limits are not taken: Face Crops "
            "frames the face by its own 'scale'): "
            f"choose their models on Load Preprocessor ('people' and 'pose'){models}")
