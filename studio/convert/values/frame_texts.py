"""Texts keyed by frames as FizzNodes' StringConcatenate makes them (FizzleDorf/ComfyUI_FizzNodes, FrameNodes.py,
MIT; read for meaning, nothing copied): texts text_a to text_g, each with a frame after it (frame_a to frame_g),
given out as '"<frame>": "<text>",' one after another (text_a and text_b always, text_c to text_g where both it and
its frame are given; line breaks taken out of each text): the keyframes a BatchPromptSchedule reads (heldout91 02:
an AnimateDiff take's river schedule, its saved sorceress text used instead). ComfyUI's own StringConcatenate
(string_a, string_b, delimiter) has the same type name: this one is told by its inputs' names, never by its type's.

Plain stdlib: the workflow's value reader is handed in."""
from __future__ import annotations

from typing import Any, Callable

LETTERS = "abcdefg"
REQUIRED = "ab"  # text_a, frame_a, text_b and frame_b: the rest optional


def _frames(node) -> dict[str, Any] | None:
    """frame_<x> -> its value: by name (an API file's settings), else by place after each text (a UI file's values,
    text then frame, its texts listed as inputs); None where neither reads them."""
    named = {k: v for k, v in node.widgets.items() if k.startswith("frame_")}
    if named:
        return named
    texts = [k for k in node.in_types if k.startswith("text_")]
    raw = node.raw
    if not isinstance(raw, list) or not texts or len(raw) != 2 * len(texts):
        return None
    return {f"frame_{k[len('text_'):]}": raw[2 * i + 1] for i, k in enumerate(texts)}


def keyed(node, value: Callable[[str], Any]) -> str | None:
    """The frames-keyed text ``node`` gives where its inputs are FizzNodes' StringConcatenate's (text_a with frame_a,
    text_b with frame_b), each text known (read by ``value``); None otherwise."""
    names = set(node.in_types) | set(node.widgets) | set(node.links)
    if not {"text_a", "text_b"} <= names:
        return None
    frames = _frames(node)
    if frames is None or not {"frame_a", "frame_b"} <= set(frames):
        return None
    out = []
    for x in LETTERS:
        text, frame = f"text_{x}", frames.get(f"frame_{x}")
        if text not in node.links and x not in REQUIRED:
            continue  # an optional text left unwired: not given (its saved widget is not what runs)
        v = value(text)
        if not isinstance(v, str) or not isinstance(frame, int) or isinstance(frame, bool):
            return None
        out.append(f'"{frame}": "{v.replace(chr(10), "")}",')
    return "".join(out)
