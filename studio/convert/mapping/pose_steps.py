"""Pose-drawing steps told by their declared types, not their names (issue 112): a pack's node on a pose-driven
generator's way that gives pictures of skeletons, read from the catalogue's declaration of the node (else
the UI file's own slots, for a pack the catalogue has not read). Three shapes:

- a detect-and-draw step: it reads pictures (an IMAGE input not itself named a pose) and its first output is IMAGE
  named a pose ('pose_images': One-to-All's PoseDetectionOneToAllAnimation), or, of a type no pack declares, given to
  an input named a pose (heldout98 05: a retargeter's 'cond_images' to Wan Animate's 'pose_images');
- a drawing step: it reads pose data (an input whose type or name says pose, not a model, not pictures: POSEDATA,
  DWPOSES, NLFPRED 'nlf_poses') and gives IMAGE (DrawViTPose, RenderNLFPoses); the detections it draws from, nodes
  reading pictures and giving pose data (PoseAndFaceDetection, NLFPredict, PoseDetectionVitPoseToDWPose), are part of
  it (absorbed: said with it);
- a face step: a detector that also gives the faces it found as pictures (an IMAGE output named a face:
  PoseAndFaceDetectionV2's face_images, Wan Animate's face clip), made as Face Crops.

The first two are made as Studio's Detect People + Pose Estimate + Draw Pose of the clip (inputs.py), the drawing size
taken where it is a number; what Studio's nodes do not match (the step's own model files, its other settings, the
other pose data it is given) is said. Plain data; the catalogue's door only."""
from __future__ import annotations

from .. import catalogue
from ..reading.workflow import CNode, Workflow

PICTURES = ("IMAGE",)
NOT_DATA = {"IMAGE", "MASK", "LATENT", "INT", "FLOAT", "STRING", "BOOLEAN", "COMBO", "*"}  # values, pictures
SIZE = ("width", "height")


def _declared(n: CNode) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(inputs, outputs) as (name, type): the catalogue's declaration of the node's type, else the UI file's slots."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is not None and t.inputs is not None and t.outputs is not None:
        ins, outs = [(i.name, i.type) for i in t.inputs], [(o.name, o.type) for o in t.outputs]
    else:
        ins, outs = list(n.in_types.items()), list(zip(n.out_names or [""] * len(n.out_types), n.out_types))
    return [(k or "", v or "") for k, v in ins], [(k or "", v or "") for k, v in outs]


NOT_PEOPLE = ("camera",)  # poses of a camera (CameraCtrl's), not of people
NOT_OWN = ("ref",)  # an output of the reference's pose ('ref_pose'), not of the pictures the step reads


def _says_pose(name: str, typ: str) -> bool:
    words = f"{name} {typ}".lower()
    return "pose" in words and not any(w in words for w in NOT_PEOPLE)


def pose_data(name: str, typ: str) -> bool:
    """An input or output carrying people's poses as data: its type or name says pose; not a model, not pictures,
    no value, not a camera's."""
    t = (typ or "").upper()
    return t not in NOT_DATA and not t.endswith("MODEL") and "," not in t.strip(",") and _says_pose(name, t)


def kind(n: CNode, wf: Workflow | None = None) -> str | None:
    """'detect' for a detect-and-draw step, 'draw' for a drawing step (with ``wf``: what it draws must be found by
    a detector in it), 'face' for a detector that also gives the faces it found as pictures (an IMAGE output named
    a face: Wan Animate's face clip); None for any other node. A step given pictures named a pose (drawn poses, or a
    clip it only prepares) is none of them."""
    ins, outs = _declared(n)
    if detector(n) and any(t == "IMAGE" and "face" in k.lower() for k, t in outs):
        return "face"
    if not outs or outs[0][1] != "IMAGE":
        return None
    if any(pose_data(k, t) for k, t in ins):
        return "draw" if wf is not None and detections(wf, n) else None
    pictures = [k for k, t in ins if t in PICTURES]
    own = outs[0][0].lower()
    if not pictures or any(_says_pose(k, "") for k in pictures) or any(w in own for w in NOT_OWN):
        return None
    return "detect" if _says_pose(own, "") or _drawn_for(wf, n) else None


def _drawn_for(wf: Workflow | None, n: CNode) -> bool:
    """A node of a type no pack in the catalogue declares whose first output, pictures, is given to an input named a
    pose (heldout98 05: a pose retargeter's 'cond_images', made of the clip and the reference, given to Wan Animate's
    'pose_images', beside a collage and a preview of it): what it gives are drawn poses, made as Studio's of the clip
    (said there)."""
    if wf is None or catalogue.node_type(n.origin or n.cls) is not None:
        return False
    return any(_says_pose(k, "") for m in wf.nodes.values() if m.enabled for k, (src, slot) in m.links.items()
               if src == n.id and slot == 0)


def detector(n: CNode) -> bool:
    """``n`` finds poses in pictures: it reads IMAGE and gives pose data (what a drawing step draws)."""
    ins, outs = _declared(n)
    return any(t in PICTURES for _, t in ins) and any(pose_data(k, t) for k, t in outs)


def detections(wf: Workflow, n: CNode) -> list[CNode]:
    """The detectors whose pose data the drawing step ``n`` draws (each of its pose-data inputs' sources that is
    one), in its inputs' order."""
    ins, _ = _declared(n)
    found = [wf.source(n, k) for k, t in ins if pose_data(k, t) and k in n.links]
    return [d for d in found if d is not None and detector(d)]


def _number(v) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) and v > 0 else None


def draw_params(wf: Workflow, n: CNode) -> dict:
    """Draw Pose's width and height: the step's drawing size, where both are numbers (worked out or saved)."""
    size = [_number(wf.value(n, k)) for k in SIZE]
    return dict(zip(SIZE, size)) if all(size) else {}


def _settings(wf: Workflow, n: CNode) -> list[str]:
    """The step's own settings Studio's nodes do not take (its size is taken), as 'name value'."""
    ins, _ = _declared(n)
    out = []
    for k, t in ins:
        if k in SIZE or t in PICTURES or pose_data(k, t) or t.upper().endswith("MODEL"):
            continue
        if k in n.links:  # a setting another node gives it (a value changing with a sound's features)
            src = wf.source(n, k)
            out.append(f"{k} (given by {src.named()})" if src is not None else f"{k} (wired)")
            continue
        v = n.widgets.get(k)
        if v is not None and not isinstance(v, (dict, list)):
            out.append(f"{k} {v}")
    return out


def said(wf: Workflow, n: CNode, into: str, models: str) -> str:
    """The sentence for the step ``n`` made as Studio's pose nodes on the generator's ``into``; ``models``: the model
    files ComfyUI's step and its detections read, in words (mask_steps.models_of)."""
    if kind(n) == "face":
        return (f"'{into}' is made by Studio's Detect People, Pose Estimate and Face Crops (512 pixels) for "
                f"{n.named()}, which crops the faces of the people it finds in the clip: choose their models on Load "
                f"Preprocessor ('people' and 'pose'); {_models(models)}, so the faces are framed by Studio's points, "
                "not ComfyUI's" + _unnamed(n, {}))
    found = detections(wf, n)
    first = found[0] if found else None
    ins, _ = _declared(n)
    other = [k for k, t in ins if pose_data(k, t) and k in n.links and wf.source(n, k) is not first]
    line = (f"'{into}' is made by Studio's Detect People, Pose Estimate and Draw Pose for {n.named()}, which draws "
            + (f"the poses {first.named()} finds in the clip" if first is not None else "the poses of the clip")
            + ": choose their models on Load Preprocessor ('people' and 'pose'); "
            + _models(models) + ", so the skeletons are Studio's (ViTPose's points drawn as OpenPose draws them), "
            "not ComfyUI's")
    if other:
        line += (f"; what it is given on {', '.join(repr(k) for k in other)} is not read (Studio draws the poses "
                 "of that clip alone)")
    shown = [k for k, t in ins if t in PICTURES and k in n.links][1:]  # (a picture beside the clip: a reference)
    if shown:
        line += (f"; the pictures it is given on {', '.join(repr(k) for k in shown)} are not read (the poses drawn "
                 "are the clip's own, not fitted to those pictures)")
    rest = _settings(wf, n)
    if rest:
        line += f"; its settings {', '.join(rest)} are not taken"
    return line + _unnamed(n, draw_params(wf, n))


def _models(models: str) -> str:
    """ComfyUI's model files for the step (``models``: mask_steps.models_of's words), else its own models, in words."""
    return f"ComfyUI's model files{models} are their own format" if models else \
        "the models ComfyUI's step runs are its own"


def _unnamed(n: CNode, taken: dict) -> str:
    """Words for the settings a step of a type the catalogue has not read saves unnamed (its drawing size, where
    ``taken``, read by name from the file's own inputs); '' where it saves them named or has none."""
    if n.widgets or not isinstance(n.raw, list) or not n.raw:
        return ""
    shown = ", ".join(f"#{i} {v}" for i, v in enumerate(n.raw) if not isinstance(v, (dict, list)))
    return (f"; its settings saved unnamed ({shown}) are not taken" + (" beyond its drawing size" if taken else "")
            + (" (Studio's catalogue does not declare its type)" if catalogue.node_type(n.origin or n.cls) is None
               else "")) if shown else ""


def absorbed(wf: Workflow, steps: list[CNode]) -> list[CNode]:
    """The detectors the drawing steps among ``steps`` draw from, and the other pose data they are given: part of
    those steps (made by Studio's pose nodes, said with them)."""
    out: list[CNode] = []
    for n in steps:
        if kind(n, wf) != "draw":
            continue
        ins, _ = _declared(n)
        for k, t in ins:
            s = wf.source(n, k) if pose_data(k, t) and k in n.links else None
            if s is not None and s not in out and detector(s):
                out.append(s)
    return out
