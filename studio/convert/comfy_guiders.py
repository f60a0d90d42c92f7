"""How a ComfyUI sampler is guided, read by what each guider node declares (its settings, in the order
ComfyUI's and the node packs' declarations give them; read for meaning, nothing copied): the
classifier-free guidance scale the generator's 'guidance' takes, and the values a guider holds that
Studio's generators have no setting for (said, never dropped in silence).

Plain data and stdlib, as the rest of the converter."""
from __future__ import annotations

from typing import Any

from .comfy_read import CNode, Workflow

# guider node type -> (its settings in order (comfy_read.WIDGETS holds them too, to name a UI file's values), the one that is the guidance scale (None: the guider runs
# without classifier-free guidance, scale 1), the others in words where they matter)
GUIDERS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "CFGGuider": (("cfg",), "cfg"),
    "BasicGuider": ((), None),  # one conditioning, no negative: no classifier-free guidance
    "DualCFGGuider": (("cfg_conds", "cfg_cond2_negative", "style"), "cfg_conds"),
    "LTXVDualCFGGuider": (("video_cfg", "audio_cfg"), "video_cfg"),  # LTX-2's picture and sound scales
    "PerpNegGuider": (("cfg", "neg_scale"), "cfg"),
    "STGGuider": (("cfg", "stg_scale", "rescale"), "cfg"),  # ComfyUI-LTXVideo's spatio-temporal guidance
    "STGGuiderAdvanced": ((), None),  # its scales per sigma: read as no single scale (said)
    "MultimodalGuider": ((), None),
    "APGGuider": ((), None),
}
# conditioning nodes that set a guidance-distilled model's embedded guidance (FluxGuidance: Flux,
# HunyuanVideo): node type -> its setting
DISTILLED = {"FluxGuidance": "guidance"}


def guider_cfg(wf: Workflow, guider: CNode) -> tuple[Any, list[str]]:
    """The guidance scale a guider gives the sampler (1.0 for a guider without classifier-free guidance;
    None when the guider is one Studio does not know) and the sentences of what else it sets."""
    known = GUIDERS.get(guider.cls)
    name = f"'{guider.title or guider.shown_cls}' ({guider.shown_cls}, #{guider.id})"
    if known is None:
        return None, [f"the sampler is guided by {name}, which Studio does not read: the generator's guidance is "
                      "its default; set it to the workflow's"]
    names, scale = known
    if scale is None:
        if names or guider.cls != "BasicGuider":
            return None, [f"{name} sets its guidance per step, which Studio's generators do not take: the generator's "
                          "guidance is its default; set it to the workflow's"]
        return 1.0, []
    said = []
    if guider.cls == "LTXVDualCFGGuider":
        v, a = wf.value(guider, "video_cfg"), wf.value(guider, "audio_cfg")
        if v != a:
            said.append(f"{name}: the video's cfg {v} is the generator's guidance, the sound's cfg {a} its "
                        "'audio_guidance'")
    elif len(names) > 1:
        rest = {k: wf.value(guider, k) for k in names if k != scale and wf.value(guider, k) is not None}
        if rest:
            said.append(f"{name}: its {', '.join(f'{k} {v}' for k, v in rest.items())} not taken (the generators take "
                        f"one guidance scale: its {scale})")
    return wf.value(guider, scale), said


def distilled_guidance(wf: Workflow, start: CNode | None, limit: int = 64) -> tuple[CNode, Any] | None:
    """A FluxGuidance (or the like) on a conditioning's way to its text encoder: the node and its value."""
    seen = set()
    while start is not None and start.id not in seen and limit > 0:
        seen.add(start.id)
        limit -= 1
        if start.cls in DISTILLED:
            return start, wf.value(start, DISTILLED[start.cls])
        name = next((k for k in ("conditioning", "positive", "conditioning_to", "cond", "cond1") if k in start.links),
                    None)
        start = wf.source(start, name) if name else None
    return None
