"""What kijai's WanVideoWrapper's text encodes do with a prompt of several parts, said where Studio's Wan is given the
text whole (heldout78 01: an EchoShot example's '[1]' / '[2]' / '[3]' shots and its '|'-joined prompts were read as one
prompt with no word).

The wrapper's text encodes (WanVideoTextEncode, ...Cached, ...Single; nodes.py, Apache-2.0, read for meaning, nothing
copied) split the positive prompt at '|' into prompts "equally spread over the video length" (its own description:
prompt travel), else, where it holds '[1]', at its '[n]' marks into EchoShot's shots, the sampler cutting the take into
as many equal parts, one prompt each. Neither is told by the node's declared inputs (one STRING): the split is the
wrapper's behaviour on the text, so it is read from the text of the wrapper's own text nodes only. Plain stdlib."""
from __future__ import annotations

import re

from studio.convert.api import CNode

SHOT = re.compile(r"\[\d+\]")


def parts(text) -> tuple[str, list[str]]:
    """('travel', the prompts) for a text the wrapper splits at '|', ('shots', the prompts) for one it splits at its
    '[n]' marks (EchoShot), ('', []) for one prompt; the wrapper's order: '|' first."""
    if not isinstance(text, str):
        return "", []
    if "|" in text:
        got = [p.strip() for p in text.split("|") if p.strip()]
        return ("travel", got) if len(got) > 1 else ("", [])
    if "[1]" in text:
        got = [p.strip() for p in SHOT.split(text) if p.strip()]
        return ("shots", got) if got else ("", [])
    return "", []


def said(n: CNode, text) -> str | None:
    """The sentence for text encode ``n``'s positive prompt ``text`` of several parts, None for one prompt."""
    kind, got = parts(text)
    if kind == "travel":
        return (f"{CNode.named(n)}'s prompt is {len(got)} prompts joined by '|', which the wrapper spreads equally over "
                "the take (its prompt travel): Studio's generator is given the text whole, as one prompt (a Prompt "
                "Schedule gives prompts by frame)")
    if kind == "shots":
        return (f"{CNode.named(n)}'s prompt marks {len(got)} shots ('[1]' ...), which the wrapper makes as EchoShot's "
                f"shots, the take cut into {len(got)} equal parts, one prompt each: Studio's Wan is given the text "
                "whole, as one prompt, and makes one shot")
    return None
