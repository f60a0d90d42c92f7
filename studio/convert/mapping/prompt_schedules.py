"""A sampler's prompt made by a node pack's prompt schedule (reading/prompt_schedules.py: told by its declared types)
as Studio's Prompt Schedule on the generator's 'schedule' (issue 112 item 2): the keyframes with the text set
before and after each prompt, the schedule's length as its 'frames'; the generator's own prompt the first
keyframe's. Where the generator has no 'schedule' (Video to Video), or a prompt cannot be written as a keyframe
line, the first keyframe's prompt is the generator's and the rest is said; what Studio does not honour (weight
expressions, LoRA tags, negatives per keyframe, easing) is said, one sentence each, naming the node and its input.
Plain data and stdlib: the builder (mapping.convert._Builder) makes the node."""
from __future__ import annotations

from typing import Any

from studio.core.shown import cut

from .. import catalogue
from ..families import registry as families
from ..reading.prompt_schedules import Schedule, keyframes_text, prompt_at, read
from ..reading.workflow import CNode
from ..tracing.prompts import encoders, walk
from . import relayed_prompts

SCHEDULE = "video_models.prompt_schedule"  # Studio's Prompt Schedule (its 'schedule' output)
PASSING = ("conditioning", "conditioning_to", "cond", "cond1")  # the inputs conditioning is passed on through
BLENDING = ("FizzleDorf/ComfyUI_FizzNodes",)  # packs whose schedules blend the prompts between keyframes frame by
# frame (FizzNodes: linearly); a family's own pack's: its hook 'blending_packs' (AnimateDiff-Evolved: lerp by default)
SHOWN = 6  # keyframes shown in a sentence


_name = CNode.named  # the node in a sentence


def found(b: Any, start: CNode | None, which: str) -> Schedule | None:
    """The prompt schedule a conditioning input's prompt comes from (through the nodes passing conditioning on);
    None where it comes from another node."""
    known, names = encoders(), (which,) + PASSING
    end = walk(b.wf, start, names, lambda x: x.cls in known or x.cls != "ComfySwitchNode" and not any(
        k in x.links for k in names), set())
    return read(end, b.wf.value) if end is not None and end.cls not in known else None


def prompt(b: Any, start: CNode | None, which: str, said: list[str] | None = None,
           sampler: CNode | None = None) -> str | None:
    """The generator's ``which`` prompt where a prompt schedule makes it (the first keyframe's; the negative: what
    the schedule gives on its negative output, or its keyframed prompts where ``sampler``'s negative is its first
    output, said in ``said``), the schedule kept for :func:`wire`; None where none does."""
    slot = sampler.links.get(which, ("", 1))[1] if sampler is not None else 1
    sched = found(b, start, which)
    if which == "positive":
        b.scheduled = sched
    if sched is None:
        return relayed_prompts.prompt(b, start, which)  # a prompt relay's (its timing wired or said in wire)
    b.used.add(sched.node.id)
    if which != "positive" and slot == 0 and start is sched.node:  # (heldout112 02: a second schedule's prompts given
        return _negative_keys(sched, said)  # as the negative, on its first output; they had been dropped unsaid)
    if which != "positive":
        return sched.negative
    return prompt_at(sched, sched.current) if sched.current is not None else sched.keys[0][1]


def _negative_keys(sched: Schedule, said: list[str] | None) -> str:
    """A schedule's keyframed prompts given as the negative prompt: the first keyframe's, the rest said."""
    texts = [p for _, p in sched.keys]
    if said is not None:
        said.append(f"{_name(sched.node)}'s {len(texts)} keyframed prompt{'s' if len(texts) > 1 else ''} "
                    f"('{sched.text_input}') give the sampler its negative: the generator's negative prompt is the "
                    "first keyframe's" + ("" if len(set(texts)) < 2 else "; the others are not taken (Studio's "
                                          "negative prompt is one text)"))
        said += [f"{_name(sched.node)}'s '{sched.text_input}': {line}" for line in sched.unread
                 if "'max_frames'" not in line]  # (its length: the positive schedule's makes the take's)
    return texts[0] if texts else ""


def wire(b: Any, task: str, said: list[str]) -> None:
    """The positive prompt's schedule (read by :func:`prompt`) as a Prompt Schedule on the generator's 'schedule'
    (``task``), or said where it cannot be; what it does that Studio does not, said."""
    relayed_prompts.wire(b, task, said)
    sched: Schedule | None = getattr(b, "scheduled", None)
    b.scheduled = None
    if sched is None:
        return
    n, count = sched.node, len(sched.keys)
    spec = b.g.registry.get(task)
    text = keyframes_text(sched)
    shown = "; ".join(f"{f}: {cut(p, 60)!r}" for f, p in sched.keys[:SHOWN]) + ("; ..." if count > SHOWN else "")
    around = "".join(f", its {what} {cut(v.strip(), 60)!r} joined to every prompt"
                     for what, v in (("text before", sched.before), ("text after", sched.after)) if v.strip())
    what = f"{_name(n)}'s {count} keyframed prompt{'s' if count > 1 else ''} ('{sched.text_input}'{around}: {shown})"
    if sched.current is not None:  # one frame's prompt (its 'current_frame'), not a schedule over the take
        said.append(f"{what} give the prompt of one frame, its 'current_frame' "
                    + ("(given by another node when the workflow runs, not known here): the first keyframe's is the "
                       "generator's prompt" if sched.current_wired else
                       f"{sched.current}: that frame's is the generator's prompt for the whole take"))
        said += [f"{_name(n)}'s '{sched.text_input}': {line}" for line in sched.unread]
        return
    why = ("it holds one prompt" if count < 2 else f"{spec.title} has no prompt schedule" if spec.input("schedule") is
           None else "a prompt holds ';', '@' or a line break, which a keyframe line of Studio's cannot")
    if count < 2 or spec.input("schedule") is None or text is None:
        said.append(f"{what}: the generator's prompt is the first keyframe's" + ("" if count < 2 else
                    f"; the others are not taken ({why})"))
    else:
        params = {"mode": "keyframes", "prompts": text}
        if sched.length:
            params["frames"] = sched.length
        sid = b.add(SCHEDULE, params, n)
        b.motion["schedule"] = (sid, "schedule")
        t = catalogue.node_type(n.shown_cls)
        blends = t is not None and t.pack in BLENDING + families.lookup("blending_packs") and \
            not any("range" in u for u in sched.unread)
        said.append(f"{what} are Studio's Prompt Schedule on the generator's 'schedule'"
                    + (f", its length {sched.length} frames" if sched.length else "")
                    + (": ComfyUI's node blends each keyframe's prompt into the next frame by frame; Studio holds "
                       "each from its keyframe to the next" if blends else ": Studio holds each prompt from its "
                       "keyframe to the next")
                    + ", changing the prompt window by window (the generator's own prompt is the first keyframe's)")
    for line in sched.unread:
        said.append(f"{_name(n)}'s '{sched.text_input}': {line}")
