"""A family's prompts per pass or per tile made as Studio's Prompt Schedule on its generator's 'schedule' input,
where the generator declares one (Text to Video, Image to Video), else nothing made (the family says why in its own
words). One door for the families' long takes (Wan's chained passes: wan/comfy_pass_prompts.py; LTX-2's looping
sampler: ltx2/comfy_loops.py)."""
from __future__ import annotations

from typing import Any

SCHEDULE = "video_models.prompt_schedule"  # Studio's Prompt Schedule (its 'schedule' output)


def schedule_input(b: Any, gen: str) -> Any:
    """The spec of generator ``gen`` where it takes a Prompt Schedule, else None."""
    spec = b.g.registry.get(gen) if gen in b.g.registry else None
    return spec if spec is not None and spec.input("schedule") is not None else None


def schedule_on(b: Any, params: dict, at: Any = None, title: str | None = None) -> str:
    """A Prompt Schedule of ``params`` (its keyframe lines; 'mode' keyframes) made and wired to the generator's
    'schedule' when the take is wired; its Studio id."""
    sid = b.add(SCHEDULE, {"mode": "keyframes", **params}, at, title=title)
    b.motion["schedule"] = (sid, "schedule")
    return sid
