"""A sampler's positive prompt made by a prompt relay (reading/prompt_relay.py: told by its declared types and
settings): the generator's prompt is the one text the pack encodes (the global prompt, then each local prompt);
where the generator takes a prompt schedule and the stretches' lengths are given, Studio's Prompt Schedule on its
'schedule' holds each stretch's prompt (the global prompt and that stretch's local one) from the frame the stretch
starts at; else the timing is said not applied. Plain data and stdlib: the builder makes the node."""
from __future__ import annotations

from typing import Any

from studio.core.shown import cut

from ..values.shown import shown

from ..reading.prompt_relay import Relay, read
from ..reading.workflow import CNode
from ..tracing.prompts import encoders, walk

SCHEDULE = "video_models.prompt_schedule"  # Studio's Prompt Schedule (its 'schedule' output)
PASSING = ("conditioning", "conditioning_to", "cond", "cond1")


def prompt(b: Any, start: CNode | None, which: str) -> str | None:
    """The generator's positive prompt where a prompt relay makes it (the text the pack encodes), the relay kept for
    :func:`wire`; None where none does (a relay gives no negative: the pack's own help says to encode it apart)."""
    if which != "positive":
        return None
    known, names = encoders(), (which,) + PASSING
    end = walk(b.wf, start, names, lambda x: x.cls in known or x.cls != "ComfySwitchNode" and not any(
        k in x.links for k in names), set())
    relay = read(end, b.wf.value) if end is not None and end.cls not in known else None
    b.relayed = relay
    if relay is None:
        return None
    b.used.add(relay.node.id)
    return relay.encoded


def _flat(text: str) -> str:
    return " ".join(text.split())


def wire(b: Any, task: str, said: list[str]) -> None:
    """The relay read by :func:`prompt` as a Prompt Schedule on the generator's 'schedule' where it takes one and
    the stretches' lengths are given; what is not applied, said."""
    relay: Relay | None = getattr(b, "relayed", None)
    b.relayed = None
    if relay is None:
        return
    n, count = relay.node, len(relay.locals)
    spec = b.g.registry.get(task)
    starts = relay.starts()
    lengths = f"lengths {', '.join(str(x) for x in relay.lengths)} frames" if relay.lengths else \
        "lengths not given: spread evenly over the take when the workflow runs"
    what = (f"{CNode.named(n)} relays {count} local prompt{'s' if count > 1 else ''} ('local_prompts', {lengths}) "
            f"after its global prompt {cut(_flat(relay.global_prompt), 60)!r}, confining each local prompt to its "
            "stretch of the take by patching the model's attention")
    keys = [f"{s}: {_flat(relay.global_prompt + ' ' + p)}" for s, p in zip(starts or [], relay.locals)]
    if spec.input("schedule") is not None and starts is not None and count > 1 and \
            not any(c in k for k in keys for c in ";@"):
        sid = b.add(SCHEDULE, {"mode": "keyframes", "prompts": "\n".join(keys), "frames": sum(relay.lengths)}, n)
        b.motion["schedule"] = (sid, "schedule")
        eps = f" (epsilon {shown(relay.epsilon)})" if isinstance(relay.epsilon, (int, float)) else ""
        said.append(f"{what}: made as Studio's Prompt Schedule on the generator's 'schedule', each stretch's prompt "
                    f"the global prompt and its local one from the frame it starts at ({', '.join(map(str, starts))}), "
                    f"held to the next (the pack's soft edges between stretches{eps} not applied; line breaks written "
                    f"as spaces), the schedule {sum(relay.lengths)} frames long as the stretches are (past them Studio "
                    "holds the last stretch's prompt); the generator's own prompt is the text the pack encodes")
        return
    why = (f"{spec.title} has no prompt schedule" if spec.input("schedule") is None else
           "the stretches' lengths are not given" if starts is None else "it holds one local prompt" if count < 2
           else "a prompt holds ';' or '@', which a keyframe line of Studio's cannot")
    said.append(f"{what}: the generator's prompt is the one text the pack encodes, the global prompt then each local "
                f"prompt ({cut(relay.encoded, 80)!r}); the timing is not applied ({why}): every local prompt holds "
                "over the whole take")
