"""Why two speakers' face masks given to the wrapper's InfiniteTalk as one batch (MultiTalkWav2VecEmbeds'
'ref_target_masks') are not split into Studio's mask_1 / mask_2 where they are not drawn boxes (comfy_mask_boxes): the
words name the node making the batch, and where that node finds faces at run time (a face detector: by its declared
types, a node of a 'face' category turning pictures into masks) say so (heldout58 03, 04, faces9).

Studio has no step giving the faces a detector finds as masks in its order: its Segment finds SAM 3's 'face' instances
in the order SAM 3 finds them (not left to right), its Face Crops crops one person's face from the pose (a clip, not a
mask). What a detector orders its faces by cannot be read from its declaration, so the one read here is named with its
facts: proweblinks/Infinitetalk_Runpod_hub's FaceDetectMask (comfyui_face_mask/face_mask_node.py@aad11f89, read for
the facts: InsightFace's faces on the first picture, sorted left to right by their boxes' centres, each box grown by
expand_ratio about its centre, a background mask last; fewer than two faces: the picture's left and right halves).
Plain stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, find_loader, finite, node_type
from studio.core.shown import number

_name = CNode.named
BATCH = "its face masks come as one batch (ref_target_masks)"
SPLIT = "which Studio does not split into mask_1 and mask_2"


def finds_faces(n: CNode) -> bool:
    """A node finding faces as masks, by its declared types: a 'face' category, a picture in, masks out."""
    t = node_type(n.origin or n.cls)
    if t is None or t.inputs is None or not t.outputs:
        return False
    return ("face" in str(t.category or "").lower().split("/")[-1] and any(i.type == "IMAGE" for i in t.inputs)
            and all(o.type == "MASK" for o in t.outputs))


def _facts(grow: str) -> str:
    """What FaceDetectMask does (its pack's source), as words after its name."""
    return (" (InsightFace's faces on the first picture, sorted left to right, each box's width and height times "
            f"{grow} about its centre, then a background mask; fewer than two faces: the picture's left and right "
            "halves)")


def _grown(wf, n: CNode) -> str:
    grow = wf.value(n, "expand_ratio")
    return number(grow) if finite(grow) else "1.5"


def why(wf, emb: CNode, n: CNode | None = None) -> str:
    """The words of why the batch on ``emb``'s 'ref_target_masks' is not split (for the take of ``n``), naming what
    makes it."""
    src = wf.source(emb, "ref_target_masks")
    if src is None:
        return f"{BATCH}, {SPLIT}"
    if not finds_faces(src):
        return f"{BATCH} made by {_name(src)}, {SPLIT}"
    head = f"{BATCH} made by {_name(src)}, a face detector run on its 'image' when the workflow runs"
    if src.cls != "FaceDetectMask":
        return (f"{head}, whose order of faces and boxes Studio does not know (its declaration does not say them): "
                "they are not split into mask_1 and mask_2")
    return (f"{head}{_facts(_grown(wf, src))}: "
            + ("it is muted in ComfyUI" if not src.enabled else
               "its expand_ratio is not a number Studio can work out" if _grow(wf, src) is None else
               "its picture is not the take's start image as Studio gives it (another picture, or other steps on its "
               "way)") + ", so Studio's face step (Face Mask) is not made in its place: they are not split into mask_1 "
            "and mask_2")


def _grow(wf, src: CNode) -> float | None:
    grow = wf.value(src, "expand_ratio")
    grow = 1.5 if grow is None and "expand_ratio" not in src.links else grow
    return float(grow) if finite(grow) and 1 <= grow <= 4 else None


class Found:
    """A face detector's mask batch made by Studio's own face step on the take's picture (``found``): its words and
    the nodes (``wire``: Detect People and Pose Estimate on the generator's picture, a Face Mask for each speaker)."""

    def __init__(self, det: CNode, grow: float):
        self.det, self.grow = det, grow

    def words(self) -> str:
        g = number(self.grow)
        return (f"its face masks come as one batch (ref_target_masks) made by {_name(self.det)}{_facts(g)}, "
                "and are made by Studio's own face step on the take's picture: Detect People and Pose Estimate find "
                "the faces (their models chosen on each Load Preprocessor: an RT-DETR folder, kind 'people', and a "
                "whole-body ViTPose of 133 points, kind 'pose'), Face Mask 1 and Face Mask 2 give the leftmost face's "
                "box and the next one's (each its face points' box, not InsightFace's, its width and height times "
                f"{g} about its centre) to "
                "InfiniteTalk's mask_1 and mask_2: the first voice speaks in the left face's region, the second in the "
                "right's (the detector's third mask, the background, Studio's InfiniteTalk makes itself: where neither "
                "face is); with fewer than two faces found Face Mask stops with an error (the detector's halves are "
                "not made)")

    def wire(self, b, gen: str) -> None:
        pic = b.g.input_link(gen, "image")
        if pic is None:
            return
        det, src = self.det, (pic.src, pic.src_port)
        people = b.add("preprocess.detect_people", {}, det)
        b.g.connect(b.add("preprocess.load", {"kind": "people"}, det), "model", people, "model")
        b.g.connect(*src, people, "video")
        pose = b.add("preprocess.pose_estimate", {}, det)
        b.g.connect(b.add("preprocess.load", {"kind": "pose"}, det), "model", pose, "model")
        b.g.connect(*src, pose, "video")
        b.g.connect(people, "people", pose, "people")
        for i in (1, 2):
            m = b.add("preprocess.face_mask", {"face": i, "grow": self.grow}, det)
            b.g.connect(*src, m, "video")
            b.g.connect(pose, "pose", m, "pose")
            b.g.connect(m, "mask", gen, f"mask_{i}")


def found(t, emb: CNode, n: CNode) -> Found | None:
    """The batch on ``emb``'s 'ref_target_masks' made by FaceDetectMask (its facts known: the module) from the same
    loaded picture, with the same steps, as the take's start image of ``n``: Studio's face step makes it (the batch's
    maker marked read); else None (held with ``why``'s words)."""
    src = t.wf.source(emb, "ref_target_masks")
    if src is None or src.cls != "FaceDetectMask" or not finds_faces(src) or not src.enabled:
        return None  # (another detector's order and boxes are not known: held, named)
    mine, take = find_loader(t.wf, src, "image", set()), find_loader(t.wf, n, "start_image", set())
    if mine is None or take is None or mine[0] is not take[0] or [m.id for m in mine[2]] != [m.id for m in take[2]]:
        return None
    grow = _grow(t.wf, src)
    if grow is None:
        return None
    t.wf.taken.add(src.id)
    return Found(src, grow)
