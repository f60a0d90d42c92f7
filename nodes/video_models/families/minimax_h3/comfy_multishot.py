"""A pack's H3MultishotSampler (jlucasmcrell/ComfyUI-H3-Multishot, MIT, h3_multishot_utils.py @cfdea91: read for
meaning, no code of it here) read as the native MiniMax H3 take it makes where it makes ONE shot. Its script splits
into shot prompts at lines of '---' (or a JSON {"prompts": [...]}, or a list), shot_count 0 taking one shot per prompt
and 1-8 forcing the count; each shot is MiniMax H3 sampled at its width x height for frames_per_shot frames (BasicGuider:
cfg 1, RandomNoise of its seed - shot 1's is the seed itself -, KSamplerSelect, BasicScheduler of its steps and
scheduler), shot 1 from start_image (resized to the size, pinned at frame 0) where one is wired, its prompt then led by
the pack's sentence "For the target video, at 0.00 seconds into the target video, <Picture 1> (from [Shot 1]) is fully
referenced." (kept here as the pack writes it); later shots chain from the last frame before (not read: such a sampler
stays held). Its outputs: 0 and 3 the frames (master and first shot: one shot, the same), 1 and 4 the sound, 2 the shot
count. Held as before where a reference picture, a voice, a sigmas, a sampler or scheduler override or an upscale model
is wired, or output_scale is above 1. Plain data and stdlib."""
from __future__ import annotations

import json
import re

from studio.convert.api import CNode, Workflow

from .comfy_native import add, rewire, take

SAMPLER = "H3MultishotSampler"
ALIGN = ("For the target video, at 0.00 seconds into the target video, <Picture 1> (from [Shot 1]) is fully "
         "referenced.\n\n")
NOT_ONE_SHOT = ("reference_images", "voice_ref", "sigmas", "sampler_override", "scheduler_override", "upscale_model")


def shots(script: str) -> list[str] | None:
    """The shot prompts of a script as the pack splits it; None: JSON Studio does not read (the pack repairs it)."""
    text = (script or "").strip()
    if text.startswith(("{", "[")):
        try:
            data = json.loads(text)
        except ValueError:
            return None
        got = [str(p) for p in (data.get("prompts", []) if isinstance(data, dict) else data)]
        if got:
            return got
    return [part.strip().replace('\\"', '"') for part in re.split(r"(?m)^---\s*$", text) if part.strip()] or [text]


def _one_shot(wf: Workflow, n: CNode) -> str | None:
    """Its one shot's prompt, or None where it makes more, or what it is given is not read."""
    script, count = wf.value(n, "script"), wf.value(n, "shot_count")
    scale = wf.value(n, "output_scale")
    if not isinstance(script, str) or not isinstance(count, int) or any(k in n.links for k in NOT_ONE_SHOT):
        return None
    if isinstance(scale, (int, float)) and scale > 1:
        return None
    got = shots(script)
    if got is None or (count if count > 0 else len(got)) != 1:
        return None
    return (ALIGN if "start_image" in n.links else "") + got[0]


def translate(wf: Workflow) -> list[str]:
    """The workflow's one-shot H3MultishotSampler nodes read as a native MiniMax H3 take (in place); what is said."""
    said = []
    for n in [m for m in wf.nodes.values() if m.cls == SAMPLER and m.enabled]:
        prompt = _one_shot(wf, n)
        if prompt is None:
            continue
        v = {k: wf.value(n, k) for k in ("width", "height", "frames_per_shot", "seed", "steps", "sampler_name",
                                         "scheduler")}
        wires = {k: n.links.get(k) for k in ("model", "clip", "video_vae", "audio_vae")}
        wires.update({k: n.links[k] for k in ("seed", "steps") if k in n.links})
        if "start_image" in n.links:
            wires["first_frame"] = n.links["start_image"]
        sampling = {"seed": v["seed"], "steps": v["steps"], "cfg": 1.0, "sampler_name": v["sampler_name"] or
                    "res_multistep", "scheduler": v["scheduler"] or "simple"}
        task = {"prompt": prompt, "width": v["width"], "height": v["height"], "length": v["frames_per_shot"]}
        pics, sound = take(wf, n, f"{n.id}.shot1", task, sampling, wires)
        count = add(wf, n, f"{n.id}.count", "PrimitiveInt", {"value": 1}, {})
        who = f"'{n.title or n.cls}' ({n.cls}, #{n.id})"
        said.append(f"{who} makes one shot: read as MiniMax H3 {'image' if 'first_frame' in wires else 'text'} to "
                    f"video of its script whole{', led by the sentence the pack puts before it for its start picture' if 'first_frame' in wires else ''} "
                    "(cfg 1, as its BasicGuider)")
        if wf.value(n, "save_every_shot") is True:
            said.append(f"{who}'s save_every_shot (the shot also written to video/H3_SHOTS) is not made: its one shot "
                        "is the take written")
        rewire(wf, n.id, {0: pics, 1: sound, 2: count, 3: pics, 4: sound})
    return said
