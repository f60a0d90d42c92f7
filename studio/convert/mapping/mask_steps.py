"""ComfyUI's steps that make or shape a mask on a file's way into a generator's mask input (Wan Animate's
character_mask, VACE's masks): kijai's ComfyUI-segment-anything-2 Sam2Segmentation -> Studio's Segment, its prompt
read from what feeds it (the person a pose detector's box holds: the phrase 'person' for a SAM 3 video model;
Florence-2's grounding text: that phrase; PointsEditor's clicks: SAM 2 clicks on frame 0); KJNodes' BatchCLIPSeg ->
Segment with its phrase; KJNodes' GrowMaskWithBlur and ComfyUI's GrowMask -> Mask Tools (grow, blur, invert);
KJNodes' BlockifyMask said as not applied. Each model loader read is named in the sentence (its file is another
format: the model is chosen on Load Preprocessor). The packs were read for their declared types and what each node
does (facts); nothing of them is run or copied. Plain data and the builder's add/connect (mapping.inputs calls
``make``, mapping.intent ``said``)."""
from __future__ import annotations

import json

from studio.core.shown import number

from ..finishing.utility import phrase_of
from ..reading import by_types
from ..reading.workflow import CNode, Workflow

SEGMENT, GROW, BLOCKS = "Sam2Segmentation", "GrowMaskWithBlur", "BlockifyMask"
CLIPSEG = "BatchCLIPSeg"  # KJNodes' CLIPSeg of a phrase on every frame
MAKERS = (SEGMENT, CLIPSEG)  # make a mask from a clip
SHAPERS = (GROW, "GrowMask")  # shape a mask (Studio's Mask Tools): KJNodes' and ComfyUI's own grow
UNMADE = (BLOCKS,)  # on a mask's way, not made: said (mask_said)
GROUNDING = ("caption_to_phrase_grounding", "referring_expression_segmentation", "open_vocabulary_detection")
GROW_MOST = 16384  # Mask Tools' 'grow' range
MODEL_ENDS = (".onnx", ".pt", ".pth", ".safetensors", ".bin", ".ckpt")


def is_step(n: CNode) -> bool:
    """A mask step Studio makes (Segment, Mask Tools)."""
    return n.cls in MAKERS or n.cls in SHAPERS


def out(n: CNode) -> str | None:
    """The output of Studio's node for mask step ``n`` ('mask'); None for any other node."""
    return "mask" if is_step(n) else None


def before_maker(walked: list[CNode]) -> list[CNode]:
    """The nodes on the way nearer the file than the first mask maker (``walked``: nearest the input first): the
    clip the mask is made from (its resizes are Studio's Scale before Segment); [] with no maker on the way."""
    at = next((i for i, n in enumerate(walked) if n.cls in MAKERS or n.cls.startswith("SAM3")), None)
    return [] if at is None else walked[at + 1:]


def _quoted(files: list[str]) -> str:
    return ", ".join("'" + f + "'" for f in files)


def _shown(n: CNode) -> str:
    return f"{n.shown_cls} (#{n.id})"


def _named(n: CNode) -> dict:
    """A node's settings by name: its own, else its UI values named by its declared widgets (in order, as many
    as there are)."""
    if n.widgets:
        return n.widgets
    named = by_types.widget_names(n.shown_cls, n.raw)
    if named or not isinstance(n.raw, list):
        return named
    from .. import catalogue
    t = catalogue.node_type(n.shown_cls)
    return dict(zip([i.name for i in t.widgets], n.raw)) if t is not None and t.inputs is not None else {}


def loader_files(wf: Workflow, n: CNode, used: set) -> tuple[CNode, list[str]] | None:
    """The model loader feeding ``n`` (a node with no inputs of its own on its 'model' / '*_model' input; read: it
    is added to ``used``) and the files it names; None without one."""
    for k, (src, _) in n.links.items():
        m = wf.nodes.get(src)
        if (k == "model" or k.endswith("_model")) and m is not None and not m.links:
            files = [v for v in m.settings().values() if isinstance(v, str) and "." in v]
            if files:  # (one naming no file, a pack's downloader, is left to be said as passed over: heldout67 01)
                used.add(m.id)
            return m, files
    return None


def files_said(found: tuple[CNode, list[str]] | None) -> str:
    if found is None:
        return ""
    m, files = found
    named = _quoted(files)
    return f": {_shown(m)}'s {named + ' are' if len(files) > 1 else named + ' is' if files else 'model is'} " \
           "another format"


def models_of(wf: Workflow, steps: list[CNode], used: set) -> str:
    """' (X (#id): 'a.onnx', ...; ...)': the model files ComfyUI's preprocessing ``steps`` read, their own settings'
    (DWPreprocessor's detector and estimator) and their loaders' (read: added to ``used``); '' where none is named."""
    parts = []
    for n in steps:
        own = [v for v in n.settings().values() if isinstance(v, str) and v.lower().endswith(MODEL_ENDS)]
        if own:
            parts.append(f"{_shown(n)}: {_quoted(own)}")
        found = loader_files(wf, n, used)
        if found is not None and found[1]:
            parts.append(f"{_shown(found[0])}: {_quoted(found[1])}")
    return f" ({'; '.join(parts)})" if parts else ""


def _clicks(wf: Workflow, src: CNode, negatives: bool = True) -> tuple[str, int, int, tuple[int, int]] | None:
    """A PointsEditor's clicks as Segment's SAM 2 prompts on frame 0, in fractions of its canvas: (prompts, width,
    height, (keep, leave out)); None where its values do not say. ``negatives`` False: its leave-out clicks are not
    given to the segmenter (its negative output wired to nothing the segmenter reads), so none is made."""
    v = _named(src)
    w, h = wf.value(src, "width") if "width" in src.links else v.get("width"), \
        wf.value(src, "height") if "height" in src.links else v.get("height")
    try:
        store = json.loads(v.get("points_store") or "{}")
    except (TypeError, ValueError):
        return None
    if not (isinstance(w, int) and isinstance(h, int) and w > 0 and h > 0 and isinstance(store, dict)):
        return None
    parts, counts = [], []
    for key, sign in (("positive", "+"), ("negative", "-")) if negatives else (("positive", "+"),):
        pts = [p for p in store.get(key) or [] if isinstance(p, dict) and isinstance(p.get("x"), (int, float))
               and isinstance(p.get("y"), (int, float)) and 0 <= p["x"] <= w and 0 <= p["y"] <= h]
        parts += [f"{sign}{p['x'] / w:.4f} {p['y'] / h:.4f}" for p in pts]
        counts.append(len(pts))
    return ("0: " + ", ".join(parts), w, h, (counts[0], counts[1] if negatives else 0)) if counts[0] else None


def _negatives_given(wf: Workflow, n: CNode, points: CNode) -> bool:
    """The segmenter ``n`` is given ``points``' leave-out clicks: its declared 'coordinates_negative' input is wired
    from that same editor (heldout32 12/13: only the keep clicks were wired, and a leave-out click at the canvas's
    corner was made all the same)."""
    return wf.source(n, "coordinates_negative") is points


def segment_reading(wf: Workflow, n: CNode, used: set) -> tuple[dict, str]:
    """Segment's settings for a Sam2Segmentation (its prompt from what feeds it) and the words saying how; the nodes
    read for it are added to ``used``."""
    if n.cls == CLIPSEG:
        text, inv = wf.value(n, "text"), wf.value(n, "invert") is True
        if isinstance(text, str) and text.strip():
            return {"phrase": text.strip()}, (
                f"with its phrase '{text.strip()}' (a SAM 3 video model in CLIPSeg's place: every instance it finds, "
                f"as a mask of 0 and 1; CLIPSeg's threshold and blur are not taken{', nor its invert' if inv else ''})")
    boxes, points = wf.source(n, "bboxes"), wf.source(n, "coordinates_positive")
    src = boxes or points
    if src is not None and src.cls == "Florence2toCoordinates":
        run = wf.source(src, "data")
        text = wf.value(run, "text_input") if run is not None else None
        if run is not None and wf.value(run, "task") in GROUNDING and isinstance(text, str) and text.strip():
            used.update({src.id, run.id})
            loader_files(wf, run, used)
            return {"phrase": text.strip()}, (
                f"with the phrase '{text.strip()}' that {_shown(run)} grounds (a SAM 3 video model: every instance it "
                f"finds, where ComfyUI's SAM 2 follows the box {_shown(src)} picks)")
    if boxes is not None and "PoseAndFace" in boxes.cls:  # WanAnimatePreprocess: its first person's box on frame 0
        return {"phrase": "person"}, (
            f"with the phrase 'person' (a SAM 3 video model: every person it finds, where ComfyUI's SAM 2 follows "
            f"the one person {_shown(boxes)} boxes on the first frame: with more people in the clip the masks "
            "differ)")
    negatives = points is not None and _negatives_given(wf, n, points)
    if points is not None and points.cls == "PointsEditor" and (c := _clicks(wf, points, negatives)) is not None:
        used.add(points.id)
        prompts, w, h, (keep, out) = c
        clicks = f"{keep} keep and {out} leave-out clicks" if negatives else \
            f"{keep} keep click{'s' if keep != 1 else ''} (its leave-out clicks are not wired to it)"
        return {"prompts": prompts}, (
            f"with {_shown(points)}'s {clicks} on frame 0, as fractions of its {w}x{h} canvas (a SAM 2 video model)")
    return {}, ("with no prompt Studio can read from the workflow: click the object in the viewer with Segment "
                "selected (SAM 2) or type a phrase (SAM 3)")


def grow_params(wf: Workflow, n: CNode, slot: int) -> tuple[dict, list[str]]:
    """Mask Tools' settings doing what GrowMaskWithBlur does (output ``slot`` 1: its inverted mask), and what it
    does that they do not (said)."""
    v = lambda k: wf.value(n, k)  # noqa: E731
    expand, blur, flip = v("expand"), v("blur_radius"), bool(v("flip_input"))
    expand = int(expand) if isinstance(expand, (int, float)) else 0
    # growing the flipped mask is shrinking the mask, then flipping it (the blur commutes with the flip)
    params = {"grow": -expand if flip else expand, "blur": float(blur) if isinstance(blur, (int, float)) else 0.0,
              "invert": flip != (slot == 1),  # a 3x3 cross applied 'expand' times (tapered corners), else a square
              "grow_shape": "square" if v("tapered_corners") is False else "diamond"}
    lost = [f"'{k}' {number(x)}" for k, x, off in (("incremental_expandrate", v("incremental_expandrate"), 0),
                                                   ("lerp_alpha", v("lerp_alpha"), 1), ("decay_factor",
                                                                                        v("decay_factor"), 1))
            if isinstance(x, (int, float)) and x != off] + (["'fill_holes'"] if v("fill_holes") is True else [])
    return params, lost


def read_slot(wf: Workflow, n: CNode) -> int:
    """The output of ``n`` its enabled readers read: 1 where every one reads its second (GrowMaskWithBlur's inverted
    mask), else 0."""
    slots = {s for m in wf.nodes.values() if m.enabled for src, s in m.links.values() if src == n.id}
    return 1 if slots == {1} else 0


def make(b, n: CNode, src: tuple[str, str]) -> str:
    """Studio's node for the mask step ``n``, wired from ``src`` (the clip for Segment, the mask for Mask Tools)."""
    if n.cls in MAKERS:
        params, _ = segment_reading(b.wf, n, b.used)
        prep = b.add("preprocess.load", {"kind": "segment"}, n)
        nid = b.add("preprocess.segment", params, n)
        b.g.connect(*src, nid, "video")
        b.g.connect(prep, "model", nid, "model")
        return nid
    nid = b.add("edit.mask_tools", grow_params(b.wf, n, read_slot(b.wf, n))[0], n)
    b.g.connect(*src, nid, "mask")
    return nid


def said(b, steps: list[CNode], via: list[CNode], into: str, feeds: str, scaled: set | None = None) -> list[str]:
    """One sentence for each mask step of ``steps`` Studio makes (from the file on) and each of ``via`` it does not
    (UNMADE), naming the input ``feeds`` (ComfyUI's, in words) and the generator's ``into``; on a mask's way (``scaled``:
    the ids of its resizes, made as Scale), each other step is Segment by phrase (SAM 3's: phrase_said)."""
    wf, out = b.wf, []
    if scaled is not None:
        out += [phrase_said(b, n, phrase_of(wf, n, b.used), into, feeds) for n in reversed(steps)
                if n.cls not in MAKERS and n.cls not in SHAPERS and n.id not in scaled]
    where = f"{feeds} (the generator's '{into}')"
    for n in reversed(steps):
        if n.cls in MAKERS:
            _, how = segment_reading(wf, n, set())
            out.append(f"{where} is made by Studio's Segment for {_shown(n)} {how}; choose its model on Load "
                       f"Preprocessor (kind 'segment'){files_said(loader_files(wf, n, b.used))}")
        elif n.cls in SHAPERS:
            p, lost = grow_params(wf, n, read_slot(wf, n))
            grow = min(GROW_MOST, max(-GROW_MOST, p["grow"]))
            out.append(f"{where}: {_shown(n)} is Studio's Mask Tools (grow {grow}, blur {p['blur']:g}"
                       f"{', inverted' if p['invert'] else ''}"
                       + (f"; grown by a {p['grow_shape']}, as ComfyUI steps its 3x3 kernel 'expand' times)" if grow
                          else ")")
                       + (f"; its {', '.join(lost)} not applied" if lost else ""))
    for n in via:
        if n.cls == BLOCKS:
            size = wf.value(n, "block_size")
            out.append(f"{where}: {_shown(n)} is not applied (Studio has no node for it): ComfyUI cuts the mask's "
                       f"box into blocks of about {number(size) if size is not None else 32} pixels and fills each "
                       "the mask touches, so its mask is blockier and larger than Studio's at the edges")
    return out


def phrase_said(b, n: CNode, phrase: str, into: str, feeds: str) -> str:
    """The sentence for a step Studio makes as Segment by ``phrase`` (SAM 3's: intent reads it as a mask's step): the
    phrase, the model its loader names and the step's own settings Segment does not take (heldout55 10: SAM3_Detect's
    threshold and refine_iterations, its checkpoint, were unsaid)."""
    wf = b.wf
    found = loader_files(wf, n, set())  # (not marked read: the way may not be made, heldout55 SCAIL 2's)
    own = {k: v for k, v in n.settings().items() if k not in n.links and not isinstance(v, (dict, list))}
    settings = ", ".join(f"{k} {number(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v}"
                         for k, v in own.items())
    told = f"with the phrase '{phrase}'" if phrase else "with no phrase written in the workflow (set Segment's 'phrase')"
    files = f" (the workflow's {_shown(found[0])}: {_quoted(found[1])})" if found is not None and found[1] else ""
    return (f"{feeds} (the generator's '{into}') is made by Studio's Segment for {_shown(n)} {told}, every instance "
            f"it finds tracked through the clip; choose its model on Load Preprocessor (kind 'segment'){files}"
            + (f"; its own settings {settings} are not taken" if settings else ""))
