"""The sound a Save Video writes where the take is made to two voices (a dialogue): Studio writes the two voices
mixed, both from the start (Audio Mix), or one after the other where the generator is given them in turns (each
with silence while the other speaks); where the workflow's own save writes another sound (one voice alone, or the
voices joined by a node of its own: AudioConcat one after the other), that is said, naming the node. Plain data."""
from __future__ import annotations

from ..reading.workflow import CNode, Workflow
from ..tracing.roles import in_type


_name = CNode.named  # the node in a sentence


def mixed_voices(wf: Workflow, save: CNode, voices: set[str], turns: bool = False) -> tuple[str, CNode | None] | None:
    """The sentence for ``save`` (its 'audio' not the mix of the loaders ``voices``; ``turns``: each voice mixed with
    silence while the other speaks, so one after the other) and the node making the save's sound of the voices (None:
    a voice's loader), else None."""
    src = wf.source(save, "audio")
    made = wf.source(save, "video") if src is None else None  # the save's video made with its sound (CreateVideo)
    if made is not None:
        src = next((wf.source(made, k) for k in made.links if in_type(made, k) == "AUDIO"), None)
    if src is None:
        return None
    ours = ("Studio's Save Video writes the two voices one after the other, as its generator takes them (Audio Mix "
            "of each with silence while the other speaks)" if turns else
            "Studio's Save Video writes the two voices mixed, both from the start (Audio Mix)")
    if src.id in voices:
        return f"{_name(save)} writes one voice ({_name(src)}) as its sound: {ours}", None
    fed = {s[0] for s in src.links.values()}
    if not fed & voices:
        return None  # another sound altogether (a song): its own sentence where it is made or passed
    shown = ", ".join(f"{k} {v}" for k, v in src.widgets.items() if isinstance(v, (str, int, float)))
    return (f"{_name(save)} writes the sound {_name(src)} makes of the voices{f' ({shown})' if shown else ''}: "
            f"{ours}, not as {src.shown_cls} joins them"), src
