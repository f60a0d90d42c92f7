"""The task node comfy_videox_fun.py makes for VideoX-Fun's Wan 2.2 VACE sampler (Wan2_2VaceFunSampler): Wan VACE's
control clip and subject images, and its start and end images, which the pack puts as the take's first and last
frames (keyframes at 0 and 'last' in Studio's Wan VACE). Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import Task

from .comfy_videox_fun_data import VACE_TASK

VACE = "video_models.wan_vace"


def _frames(b, node, up, spec, inputs, said):
    """The start and end images as Wan VACE's keyframes at frame 0 and the last frame."""
    for port, into, at in (("start_image", "keyframe_1", "0"), ("end_image", "keyframe_2", "last")):
        if b.wf.source(node, port) is not None:
            if into == "keyframe_2" and "keyframe_1" not in inputs:
                into = "keyframe_1"
            b.intent(node, port, into, inputs, said)
            if into in inputs:
                b.keyframes.append(at)
    return None


FUN_TASKS = {VACE_TASK: Task("VACE video (control, reference, first / last frames)", VACE,
                             (("control_video", "video"), ("reference_image", "reference"),
                              ("reference_image_2", "reference_2")), "Wan VACE", read=_frames)}
FUN_WIDGETS = {VACE_TASK: ("length", "strength", "batch_size")}
