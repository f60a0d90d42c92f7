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

from studio.convert.api import CNode, finite, node_type
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


def _facts(wf, n: CNode) -> str:
    """What the detector is known to do (its pack's source), as words after its name; '' for one not known."""
    if n.cls != "FaceDetectMask":  # (its order and boxes are not in its declaration: named, with its source's facts)
        return ""
    grow = wf.value(n, "expand_ratio")
    grow = number(grow) if finite(grow) else "1.5"
    return (f" (InsightFace's faces on the first picture, sorted left to right, each box's width and height times {grow} "
            "about its centre, then a background mask; fewer than two faces: the picture's left and right halves)")


def why(wf, emb: CNode) -> str:
    """The words of why the batch on ``emb``'s 'ref_target_masks' is not split, naming what makes it."""
    src = wf.source(emb, "ref_target_masks")
    if src is None:
        return f"{BATCH}, {SPLIT}"
    if not finds_faces(src):
        return f"{BATCH} made by {_name(src)}, {SPLIT}"
    return (f"{BATCH} made by {_name(src)}, a face detector run on its 'image' when the workflow runs{_facts(wf, src)}: "
            "Studio has no step giving the faces it finds as masks in that order (Segment's SAM 3 gives 'face' "
            "instances in the order it finds them): they are not split into mask_1 and mask_2")
