"""The keyframed text hinablue's Prompt Schedule Helper writes from its settings (issue 112: heldout88 04 and 05, whose
FizzNodes BatchPromptSchedule takes its travel from it, were read with the text the file saved for the schedule, not
the helper's): four frames and four texts (and a text it may be given, optional), written as FizzNodes' schedule text.

Its rule, read from the pack's own source for facts (hinablue/comfyUI-workflows, MIT, hina-prompt-schedule-helper.py
@93a9310 'combinePromptScheduleToText'): the text given ('text_in_opt') is cut at ',\\n' and each piece's
'"frame": "prompt"' taken; then each of text_1..text_4 that is not empty, with its frame_N not below 0, its line
breaks written ', ', its quotes escaped and ',,' made ','; the prompts of one frame joined by ', ' in the order met;
the frames in ascending order, each written '"frame": "prompt"', joined by ',\\n'. A UI file saves the values
without names (its four frames, its four texts, then the optional text where the page shows it as a setting): they
are read by their types, whole numbers for the frames, texts for the texts, each in the order saved. The code is this
file's own. Plain stdlib."""
from __future__ import annotations

import re
from typing import Any, Callable

TYPE = "PromptScheduleHelper"
SLOTS = 4  # its frame_N / text_N pairs
GIVEN = "text_in_opt"  # the text it may be given, read before its own
GIVEN_KEY = re.compile(r'"([0-9]+)": "(.*)",?')  # a keyframe of that text, as the node reads it


def _whole(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _settings(node, value: Callable[[str], Any]) -> tuple[list, list, Any] | None:
    """(frames, texts, the text given) by name (an API file's), else by type from the saved values; None where not
    all of them are known."""
    if any(f"frame_{i}" in node.widgets or f"frame_{i}" in node.links for i in range(1, SLOTS + 1)):
        frames = [value(f"frame_{i}") for i in range(1, SLOTS + 1)]
        texts = [value(f"text_{i}") for i in range(1, SLOTS + 1)]
        given = value(GIVEN) if GIVEN in node.links or GIVEN in node.widgets else ""
    else:
        raw = node.raw if isinstance(node.raw, list) else []
        frames = [v for v in raw if _whole(v)]
        strings = [v for v in raw if isinstance(v, str)]
        texts = strings[:SLOTS]
        given = value(GIVEN) if GIVEN in node.links else (strings[SLOTS] if len(strings) > SLOTS else "")
    if len(frames) != SLOTS or len(texts) != SLOTS or not all(map(_whole, frames)) or \
            not all(isinstance(t, str) for t in texts) or not isinstance(given, str):
        return None
    return frames, texts, given


def text(node, slot: int, value: Callable[[str], Any]) -> str | None:
    """The schedule text ``node`` gives (its one output), where it is the helper and its settings are known."""
    if (node.origin or node.cls) != TYPE or slot != 0:
        return None
    got = _settings(node, value)
    if got is None:
        return None
    frames, texts, given = got
    keys: list[tuple[int, str]] = []
    if given:
        keys += [(int(m.group(1)), m.group(2)) for part in given.split(",\n") if (m := GIVEN_KEY.search(part))]
    for f, t in zip(frames, texts):
        if t != "" and f >= 0:
            keys.append((f, t.replace("\n", ", ").replace('"', '\\"').replace(",,", ",")))
    at: dict[int, list[str]] = {}
    for f, t in keys:
        at.setdefault(f, []).append(t)
    return ",\n".join(f'"{f}": "{", ".join(at[f])}"' for f in sorted(at))
