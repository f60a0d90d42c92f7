"""The tasks a video model can do and the nodes that make each, declared once. ``TASKS`` are the tasks a
family's pipelines do today (a Family field each: the diffusers class that does it); ``TASK_KINDS``
are every kind of task Studio knows; a ``Maker`` is a node making one, with the ports it takes it on (the
generic generators' in ``GENERIC``, a family's own nodes' in its OwnNodes capability). Stdlib only."""
from __future__ import annotations

from dataclasses import dataclass

from .capabilities import declared_nodes

# a family field -> the task in words (a family does it when the field names a pipeline class)
TASKS = {"i2v": "image to video", "t2v": "text to video", "v2v": "video to video",
         "vace": "control video (VACE)", "animate": "character animation (Wan Animate)",
         "cond": "frame conditions (keyframes at any frame, a continued take)",
         "ic": "control video (IC-LoRA)"}


@dataclass(frozen=True)
class TaskKind:
    key: str
    title: str


TASK_KINDS: dict[str, TaskKind] = {t.key: t for t in (
    TaskKind("text", "text to video"),
    TaskKind("image", "image to video"),
    TaskKind("first_last", "first and last frame"),
    TaskKind("video", "video to video"),
    TaskKind("control", "control video"),
    TaskKind("fun_control", "control video from a start image (Fun Control)"),
    TaskKind("trajectories", "motion along trajectories"),
    TaskKind("camera", "camera path"),
    TaskKind("audio", "audio to video"),
    TaskKind("reference", "subject from reference images"),
    TaskKind("animate", "character animation"),
    TaskKind("drive", "character animation from a driving video"),
    TaskKind("edit", "video edit"),
    TaskKind("image_edit", "image edit"),
    TaskKind("upscale", "video upscale"),
    TaskKind("hdr", "SDR to HDR video"),  # LTX-2's HDR IC-LoRA (families/ltx2/hdr.py)
    TaskKind("inbetween", "in-between frames"),
    TaskKind("sound", "sound for a video (video to audio)"),  # LTX-2 Sound for Clip (families/ltx2/foley.py)
)}


@dataclass(frozen=True)
class Maker:
    """A node that makes a task kind, and the input ports it is given that task on (its Video Model port
    aside): what ``main.py families`` lists as the task's inputs. ``tests/video_models/test_task_makers.py``
    holds each against the node's declared ports, so the listing cannot say an input the node lacks."""
    kind: str  # a TASK_KINDS key
    node: str  # the node's type id
    ports: tuple[str, ...]


KEYS = ("keyframe_1", "keyframe_2", "keyframe_3", "keyframe_4")  # takes/keyframes_at.py's KEY_INPUTS
# the generic generators, by the task kind a Family's pipeline field does (FIELD_KINDS): the makers of a
# family that declares none of its own for that kind
GENERIC: dict[str, Maker] = {m.kind: m for m in (
    Maker("text", "video_models.text_to_video", ("prompt",)),
    Maker("image", "video_models.image_to_video", ("image", "prompt")),
    Maker("first_last", "video_models.image_to_video", ("image", "prompt", "last_image")),
    Maker("video", "video_models.video_to_video", ("video", "prompt")),
    Maker("inbetween", "video_models.text_to_video", ("prompt",) + KEYS),
    Maker("trajectories", "video_models.image_to_video", ("image", "prompt", "tracks")),
    Maker("control", "video_models.wan_vace", ("video", "mask", "reference", "reference_2", "prompt")),
    Maker("reference", "video_models.wan_vace", ("reference", "reference_2", "prompt")),
    Maker("animate", "video_models.wan_animate", ("reference", "pose", "face", "background", "mask", "prompt")),
)}


# which task kinds each pipeline field of a Family does (a family does a kind when its field is set)
FIELD_KINDS = {"t2v": ("text",), "i2v": ("image",), "v2v": ("video",), "vace": ("control", "reference"),
               "animate": ("animate",), "cond": ("first_last", "inbetween"), "ic": ("control",)}


def task_kinds(fam) -> list[TaskKind]:
    """The task kinds a family does (from its pipeline fields, the kinds it does by an input of its
    generators and the kinds its own nodes make), in TASK_KINDS' order."""
    have = {k for f, kinds in FIELD_KINDS.items() if getattr(fam, f, None) for k in kinds}
    have.update(fam.task_kinds_by_inputs)  # Wan: trajectories (Image to Video's tracks), camera (Wan Fun Camera)
    have.update(m.kind for m in declared_nodes(fam).makers)
    return [t for t in TASK_KINDS.values() if t.key in have]


def makers(fam, kind: str) -> list[Maker]:
    """The nodes that make task ``kind`` with a model of ``fam``: the family's own declared ones (OwnNodes.makers)
    where it declares any for that kind, else the generic generator for it; [] when no node makes it."""
    own = [m for m in declared_nodes(fam).makers if m.kind == kind]
    return own or ([GENERIC[kind]] if kind in GENERIC else [])


def own_nodes(fam) -> list[str]:
    """The titles of the nodes a family declares as its makers (Sana Video's), as the node menu shows them."""
    from studio.core.registry import default_registry
    out = []
    for m in declared_nodes(fam).makers:
        try:
            title = default_registry().get(m.node).title
        except Exception:  # noqa: BLE001 - a node not registered here: its type id
            title = m.node
        if f"'{title}'" not in out:
            out.append(f"'{title}'")
    return out
