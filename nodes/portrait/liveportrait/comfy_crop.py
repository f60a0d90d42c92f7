"""kijai's LivePortraitCropper read onto Live Portrait's face crop (comfy.py's chain): the cropper whose crop_info the
process reads, on the same loaded picture (or clip) and the same steps as the process's source, gives Live Portrait's
crop settings (dsize, scale, vx_ratio, vy_ratio, rotate, face_index) and its face is found by Studio's Detect People
+ Pose Estimate (a whole-body ViTPose: 68 face points, the FaceAlignment cropper's set) on the same pictures; the
composite's paste-back is Live Portrait's (the release's feathered mask). A cropper on the driving clip's way gives
the driving crop (the release's: one box averaged over the clip). What differs is said naming the node. The pack's
types are named: a face crop and its crop_info cannot be told from declared types. Facts from
github:kijai/ComfyUI-LivePortraitKJ@4d9dc6205b793ffd0fb319816136d9b8c0dbfdff (nodes.py, liveportrait/utils/cropper.py,
crop.py), read for names and behaviour only."""
from __future__ import annotations

from studio.convert.api import CNode, Workflow

CROPPER = "LivePortraitCropper"
SETTINGS = (("dsize", "crop_size", int), ("scale", "crop_scale", float), ("vx_ratio", "vx_ratio", float),
            ("vy_ratio", "vy_ratio", float), ("rotate", "rotate", bool), ("face_index", "person", int))
def finds(by: str = "") -> str:
    return (f"the face is found by Studio's Detect People and Pose Estimate on the same pictures{by} (their models "
            "chosen on each Load Preprocessor: an RT-DETR folder, kind 'people', and a whole-body ViTPose of 133 "
            "points, kind 'pose'): its 68 face points, the set the pack's FaceAlignment cropper finds")


def _who(n: CNode) -> str:
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"


def settings(wf: Workflow, crop: CNode) -> tuple[dict, list[str]]:
    """Live Portrait's crop settings read from the cropper; the cropper's settings Studio reads otherwise, said."""
    p, said = {}, []
    for name, param, kind in SETTINGS:
        v = wf.value(crop, name)
        if isinstance(v, kind) or (kind is float and isinstance(v, int) and not isinstance(v, bool)):
            p[param] = kind(v)
    order = wf.value(crop, "face_index_order")
    if isinstance(order, str):
        said.append(f"{_who(crop)}'s face_index {p.get('person', 0)} counts faces in '{order}' order; Live "
                    f"Portrait's person {p.get('person', 0)} counts the people Detect People keeps, in their ids' "
                    "order (the same face on a picture of one person)")
    return p, said


def crop_sentence(wf: Workflow, crop: CNode, detectors: list[CNode], settings_of) -> str:
    by = f" (not by {', '.join(_who(m) + settings_of(wf, m) for m in detectors)})" if detectors else ""
    return (f"{_who(crop)}'s face crop is made by Live Portrait{settings_of(wf, crop)}: {finds(by)}; the crop's "
            "square is the release's, from those 68 points (InsightFace gives 106 points, MediaPipe 478: the square "
            "can differ a little)")


def composite_sentence(wf: Workflow, comp: CNode, source: CNode, clip: bool, mask: list[CNode], settings_of) -> str:
    line = (f"{_who(comp)}'s paste-back into {_who(source)}'s {'frames' if clip else 'picture'} is Live Portrait's "
            "(the release's paste-back)")
    if not mask:
        return line + ", with the release's mask template (1 inside, feathered over the crop's outer 1/32)"
    made = ", ".join(_who(m) + settings_of(wf, m) for m in mask[:3])
    return (line + f"; its 'mask' from {made} is not used: Live Portrait blends with the release's mask template (1 "
            "inside, feathered over the crop's outer 1/32)")


def driving_sentence(wf: Workflow, crop: CNode, proc: CNode, settings_of) -> str:
    return (f"{_who(crop)}'s face crop of {_who(proc)}'s 'driving_images' is made as the release's driving crop: "
            f"one square about the face (2.2 times the face points' extent, raised 0.1 of its side, not turned), "
            f"averaged over the clip, where the cropper crops each frame on its own with its settings"
            f"{settings_of(wf, crop)}; {finds()}")


def wire_faces(b, src: tuple[str, str], at: CNode, models: dict) -> str:
    """Detect People + Pose Estimate on ``src``: the Pose Estimate's id. Their Load Preprocessors (kinds 'people',
    'pose') made once, kept in ``models`` for the next pictures."""
    for kind in ("people", "pose"):
        if kind not in models:
            models[kind] = b.add("preprocess.load", {"kind": kind}, at)
    people = b.add("preprocess.detect_people", {}, at)
    b.g.connect(models["people"], "model", people, "model")
    b.g.connect(*src, people, "video")
    pose = b.add("preprocess.pose_estimate", {}, at)
    b.g.connect(models["pose"], "model", pose, "model")
    b.g.connect(*src, pose, "video")
    b.g.connect(people, "people", pose, "people")
    return pose
