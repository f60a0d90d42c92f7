"""FlowEdit as ComfyUI workflows give it (kijai's WanVideoWrapper: comfy_wrapper_flowedit.py reads a sampler's
WanVideoFlowEdit and encoded clip as one node, ``FLOWEDIT``): Studio's Wan FlowEdit node (flowedit/node.py), the
clip the encode's pictures, the source prompt, skip and drift steps, shifts and guidance as the reading worked them
out (the sampler's steps and seed as every generator's). Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, Generator, Task

from .comfy_wrapper_flowedit import FLOWEDIT, FLOWEDIT_WIDGETS

NODE = "video_models.wan_flow_edit"  # flowedit/node.py


def settings(b, node: CNode, params: dict, loras: list, said: list[str], continued: bool = False) -> list:
    """``params`` from the ``FLOWEDIT`` node: its widgets as the reading set them (the clip's own size and length)."""
    for k in FLOWEDIT_WIDGETS:
        v = node.widgets.get(k)
        if v is not None:
            params[k] = v
    params.pop("strength", None)  # (a video to video's: FlowEdit's start is its skipped steps)
    return loras


def finish(params: dict, inputs, said: list[str]) -> None:
    """The clip's own size and length: what a video to video's settings would set is left to the clip."""
    for k in ("width", "height", "frames"):
        params.pop(k, None)


SAMPLER = "nearest diffusers scheduler"  # how the note's first-sampler line reads (mapping/settings.py)


def made(b, key) -> None:
    """The note's sampler lines say what samples: FlowEdit's own Euler steps on Wan's flow schedule (the node's
    pipeline), not a diffusers scheduler; the sampler's denoise read into the skipped steps and its shift into the
    generator's (comfy_wrapper_flowedit), not 'not applied' nor the shift as given."""
    gen, _, band, _ = b.made[key]
    params = b.g.nodes[gen].params
    for i, note in enumerate(b.notes):
        if b.note_bands[i] != band or not note["text"].startswith("Converted from ComfyUI"):
            continue
        head, *rest = note["text"].split("\n- ")
        if rest and SAMPLER in rest[0]:
            rest[0] = (rest[0].split(f": {SAMPLER}", 1)[0] + ": Studio's Wan FlowEdit steps FlowEdit's own Euler steps "
                       "on Wan's flow schedule (fallenshock/FlowEdit's); it has no sampler setting")
        rest = [_reworded(line, params) for line in rest]
        note["text"] = "\n- ".join([head, *rest])
        break


WHOLE = ": ComfyUI samples only the last"  # partial_denoise's words for a denoise a generator does not take


def _reworded(line: str, params: dict) -> str:
    if WHOLE in line and line.endswith("the generator samples the whole schedule"):
        return (line.split(WHOLE, 1)[0] + ": the wrapper's FlowEdit starts its schedule there, read into Studio's Wan "
                f"FlowEdit's skipped steps (skip_steps {params.get('skip_steps')})")
    if line.startswith("shift ") and line.endswith(": the generator's shift"):
        return (line[:-len("the generator's shift")] + f"read into Studio's Wan FlowEdit's shift "
                f"{float(params.get('shift')):g} (the wrapper's FlowEdit schedule: comfy_wrapper_flowedit)")
    return line


TASKS = {FLOWEDIT: Task("video edited by text (FlowEdit)", NODE, (("pixels", "video"), ("start_image", "image")),
                       "Wan FlowEdit")}
WIDGETS = {FLOWEDIT: FLOWEDIT_WIDGETS}
GENERATOR = Generator(NODE, describe=lambda inputs, params: "video edited by text (FlowEdit)", settings=settings,
                      finish=finish, made=made)
