"""The tasks a video model can do and the inputs each takes, declared once. ``TASKS`` are the tasks a
family's pipelines do today (a Family field each: the diffusers class that does it); ``TASK_KINDS``
are every kind of task Studio knows, with its inputs, for the families that take them. Stdlib only."""
from __future__ import annotations

from dataclasses import dataclass

# a family field -> the task in words (a family does it when the field names a pipeline class)
TASKS = {"i2v": "image to video", "t2v": "text to video", "v2v": "video to video",
         "vace": "control video (VACE)", "animate": "character animation (Wan Animate)",
         "cond": "frame conditions (keyframes at any frame, a continued take)",
         "ic": "control video (IC-LoRA)"}


@dataclass(frozen=True)
class InputKind:
    key: str
    title: str
    socket: str  # the socket type a node takes it on ("IMAGE", "VIDEO", "AUDIO", "TEXT", ...)


INPUTS: dict[str, InputKind] = {i.key: i for i in (
    InputKind("prompt", "prompt", "TEXT"),
    InputKind("image", "start image", "IMAGE"),
    InputKind("last_image", "last frame", "IMAGE"),
    InputKind("video", "source video", "VIDEO"),
    InputKind("control_video", "control video", "VIDEO"),
    InputKind("mask", "mask video", "VIDEO"),
    InputKind("reference", "reference images", "IMAGE"),
    InputKind("trajectories", "motion trajectories", "TRAJECTORIES"),
    InputKind("camera", "camera path", "CAMERA"),
    InputKind("audio", "audio", "AUDIO"),
    InputKind("pose_video", "pose video", "VIDEO"),
    InputKind("face_video", "face video", "VIDEO"),
    InputKind("driving_video", "driving video", "VIDEO"),
    InputKind("keyframes", "keyframes at frame indices", "IMAGE"),
    InputKind("instruction", "edit instruction", "TEXT"),
    InputKind("picture", "picture to edit", "IMAGE"),  # image edit's: not a first frame (ChronoEdit)
)}


@dataclass(frozen=True)
class TaskKind:
    key: str
    title: str
    inputs: tuple[str, ...]  # keys of INPUTS, the first ones required
    required: int = 1  # how many of ``inputs`` a run must be given


TASK_KINDS: dict[str, TaskKind] = {t.key: t for t in (
    TaskKind("text", "text to video", ("prompt",)),
    TaskKind("image", "image to video", ("image", "prompt"), 1),
    TaskKind("first_last", "first and last frame", ("image", "last_image", "prompt"), 2),
    TaskKind("video", "video to video", ("video", "prompt"), 1),
    TaskKind("control", "control video", ("control_video", "mask", "reference", "prompt"), 1),
    TaskKind("trajectories", "motion along trajectories", ("image", "trajectories", "prompt"), 2),
    TaskKind("camera", "camera path", ("image", "camera", "prompt"), 2),
    TaskKind("audio", "audio to video", ("audio", "image", "prompt"), 1),
    TaskKind("reference", "subject from reference images", ("reference", "prompt"), 1),
    TaskKind("animate", "character animation", ("image", "pose_video", "face_video", "prompt"), 3),
    TaskKind("drive", "character animation from a driving video", ("image", "driving_video", "prompt"), 2),
    TaskKind("edit", "video edit", ("video", "instruction"), 2),
    TaskKind("image_edit", "image edit", ("picture", "instruction"), 2),
    TaskKind("upscale", "video upscale", ("video", "prompt"), 1),
    TaskKind("hdr", "SDR to HDR video", ("video", "prompt"), 1),  # LTX-2's HDR IC-LoRA (families/ltx2/hdr.py)
    TaskKind("inbetween", "in-between frames", ("keyframes", "prompt"), 1),
)}

# which task kinds each pipeline field of a Family does (a family does a kind when its field is set)
FIELD_KINDS = {"t2v": ("text",), "i2v": ("image",), "v2v": ("video",), "vace": ("control", "reference"),
               "animate": ("animate",), "cond": ("first_last", "inbetween"), "ic": ("control",)}


def task_kinds(fam) -> list[TaskKind]:
    """The task kinds a family does (from its pipeline fields and the kinds it does by an input of its
    generators), in TASK_KINDS' order."""
    have = {k for f, kinds in FIELD_KINDS.items() if getattr(fam, f, None) for k in kinds}
    have.update(fam.task_kinds_by_inputs)  # Wan: trajectories (Image to Video's tracks), camera (Wan Fun Camera)
    return [t for t in TASK_KINDS.values() if t.key in have]
