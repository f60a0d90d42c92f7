"""A prompt schedule as node packs save one, read by its declared types (issue 112 item 2): a node that takes a CLIP
and gives CONDITIONING, whose multiline text setting holds keyframed prompts ('"0": "a cat", "16": "a dog"'), as
FizzNodes' BatchPromptSchedule / PromptSchedule and their SDXL and latent-input kin, AnimateDiff-Evolved's Prompt
Scheduling and others write them. Read here: each keyframe's frame and prompt (the text set before and after every
prompt joined to it), the schedule's length, and what Studio's Prompt Schedule cannot honour, in words.

The syntax is read from the packs' own declarations and documentation for facts only (FizzNodes@7d6ea60: the text is
the body of a JSON object, keys frame numbers or expressions, '--neg' splitting a keyframe's positive and negative,
expressions between backticks evaluated per frame with pw_a..pw_d; AnimateDiff-Evolved@d8d163c: JSON or 'idx =
"prompt"' pairs, an index negative from the end, decimal as a place in the whole schedule, 'a:b' a range held
uninterpolated, 'a:' a hold); the parser is this file's own. Plain data and stdlib."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from .. import catalogue
from ..values.value_types import of_type
from .workflow import CNode

VALUE_TYPES = ("INT", "FLOAT", "STRING", "BOOLEAN", "COMBO")
TEXTS = ("text", "prompts", "text_g", "prompt", "schedule")  # the keyframed text's usual names, first met first
BEFORE = ("pre_text", "prepend_text", "pre_text_G")  # text joined before every keyframe's prompt
AFTER = ("app_text", "append_text", "app_text_G")  # and after it
LENGTHS = ("max_frames", "max_length", "frames", "length")  # the schedule's length
WEIGHTS = ("pw_a", "pw_b", "pw_c", "pw_d")  # FizzNodes' prompt weights, read by expressions in the prompts
MAX_KEYS = 1024  # keyframes read from one text (Studio's Prompt Schedule holds at most 64 prompts)
# a key and its quoted prompt: '"12": "a cat"', '12: "a cat"' or '12 = "a cat"'
PAIR = re.compile(r'(?:"([^"]*)"|([^\s",:=][^",=]*?))\s*[:=]\s*"((?:[^"\\]|\\.)*)"', re.S)
LORA = re.compile(r"<lora:[^>]*>", re.I)
TICKED = re.compile(r"`[^`]*`")


@dataclass
class Schedule:
    node: CNode
    text_input: str  # the setting the keyframes are in
    keys: list[tuple[int, str]]  # (frame, prompt) in order of frame, each prompt with the text set before and after
    negative: str = ""  # the negative the schedule gives on its NEG output (FizzNodes' '--neg' parts), the first key's
    length: int | None = None  # the schedule's length (max_frames), where set
    before: str = ""
    after: str = ""
    unread: list[str] = field(default_factory=list)  # what is not honoured, each in words (without the node's name)
    current: int | None = None  # the one frame whose prompt it gives ('current_frame': FizzNodes' PromptSchedule)
    current_wired: bool = False  # that frame is given by another node (its value not known when converting)


def _declared(n: CNode) -> tuple[list[tuple[str, str, bool]], list[str]]:
    """([(input, type, is a setting)], output types): the pack's declaration, else the UI file's own lists."""
    t = catalogue.node_type(n.shown_cls)
    if t is not None and t.inputs is not None and t.outputs is not None:
        return [(i.name, i.type, i.widget or i.type in VALUE_TYPES) for i in t.inputs], list(t.output_types)
    return [(k, v, v in VALUE_TYPES) for k, v in n.in_types.items()], list(n.out_types)


def _fits(v: Any, kind: str) -> bool:
    """A saved value of the declared type (of_type), words for a STRING (a value goes to the next input of its type)."""
    return of_type(v, kind) and (kind != "STRING" or isinstance(v, str))


def settings(n: CNode, ins: list[tuple[str, str, bool]]) -> dict[str, Any]:
    """Its settings by name: as named, else its UI values placed in declared order by their types (an older version
    of the pack saves text inputs as settings that its newer one takes as sockets: each value goes to the next
    declared value input of its type)."""
    if n.widgets:
        return dict(n.widgets)
    raw = n.raw if isinstance(n.raw, list) else []
    out, values = {}, [(k, t) for k, t, _ in ins if t in VALUE_TYPES]
    at = 0
    for v in raw:
        while at < len(values) and not _fits(v, values[at][1]):
            at += 1
        if at >= len(values):
            break
        out[values[at][0]] = v
        at += 1
    return out


def pairs(text: str) -> list[tuple[str, str]]:
    """The (key, prompt) pairs of a keyframed text, as written (JSON's escapes read)."""
    out = []
    for m in PAIR.finditer(text):
        key = (m.group(1) if m.group(1) is not None else m.group(2)).strip()
        try:
            prompt = json.loads(f'"{m.group(3)}"')
        except ValueError:
            prompt = m.group(3)
        out.append((key, prompt))
        if len(out) >= MAX_KEYS:
            break
    return out


def _frame(key: str, length: int | None) -> tuple[int | None, str]:
    """A key's frame, and what of it is not honoured ('' : nothing): a whole number as it is; a negative one counted
    from the end and a decimal as a place in the whole schedule where its length is known; a range 'a:b' or a hold
    'a:' from its start (Studio holds each prompt until the next keyframe); an expression not read (None)."""
    head, colon, tail = key.partition(":")
    head = head.strip()
    note = f"the range '{key}' is read from frame {head} to the next keyframe" if colon and tail.strip() else ""
    if re.fullmatch(r"[+-]?\d+", head):
        f = int(head)
        if f >= 0:
            return f, note
        return (length + f, note) if length and length + f >= 0 else (None, f"the key '{key}' counts from the end of "
                                                                       "a schedule whose length is not set")
    if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+)", head):
        x = float(head)
        if length and 0 <= x <= 1:
            return round(x * (length - 1)), note
        return None, f"the key '{key}' (a place in the schedule) cannot be placed"
    return None, f"the key '{key}' is an expression Studio does not evaluate"


def _split(prompt: str) -> tuple[str, str]:
    pos, _, neg = prompt.partition("--neg")
    return pos, neg


def _join(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def read(n: CNode, value: Callable[[CNode, str], Any] | None = None) -> Schedule | None:
    """``n`` as a prompt schedule where its declared types say it is one (a CLIP in, CONDITIONING out, a text setting
    holding keyframed prompts); None where it is not. ``value(n, input)``: a wired input's value (the workflow's)."""
    ins, outs = _declared(n)
    if "CONDITIONING" not in outs or not any(t == "CLIP" and not w for _, t, w in ins):
        return None
    s = settings(n, ins)
    unknown = []
    for k in [k for k in n.links if k in TEXTS + BEFORE + AFTER]:  # a text given by another node (a primitive)
        v = value(n, k) if value is not None else None
        if isinstance(v, str):
            s[k] = v
        elif isinstance(s.get(k), str):  # a UI file's saved text, read in its place (heldout48 08: said 'not read')
            unknown.append(f"its '{k}' is given by another node whose text Studio cannot work out when converting: "
                           "the text the file saved for it is read in its place")
        else:
            unknown.append(f"its '{k}' is given by another node whose text Studio cannot work out: not read")
    texts = [k for k, t, _ in ins if t == "STRING" and isinstance(s.get(k), str)]
    name = next((k for k in TEXTS if k in texts), texts[0] if texts else None)
    found = pairs(s[name]) if name else []
    if not found:
        return None
    unknown += _wired_length(n, s, value)
    length = next((int(v) for k in LENGTHS if isinstance(v := s.get(k), (int, float)) and not isinstance(v, bool)
                   and v > 0), None)
    before = next((v for k in BEFORE if isinstance(v := s.get(k), str)), "")
    after = next((v for k in AFTER if isinstance(v := s.get(k), str)), "")
    pre_pos, pre_neg = _split(before)
    app_pos, app_neg = _split(after)
    keys, unread, negatives = [], [], []
    for key, prompt in found:
        f, note = _frame(key, length)
        if note:
            unread.append(note)
        if f is None:
            continue
        pos, neg = _split(prompt)
        keys.append((f, _join(pre_pos, pos, app_pos)))
        negatives.append(_join(pre_neg, neg, app_neg))
    keys.sort(key=lambda k: k[0])
    if not keys:
        return None
    if length and (past := [f for f, _ in keys if f >= length]) and any("read in its place" in u for u in unknown):
        unknown.append(_past(past, length))  # (the saved length read for one not known: keys past it, heldout116 03)
    sched = Schedule(n, name, keys, negatives[0] if negatives else "", length, before, after, unknown + unread)
    if any(k == "current_frame" for k, _, _ in ins):  # one frame's prompt, not the take's schedule
        at = s.get("current_frame")
        sched.current_wired = "current_frame" in n.links or not isinstance(at, int) or isinstance(at, bool)
        sched.current = 0 if sched.current_wired else at
    _unhonoured(sched, s, n, found)
    return sched


def _wired_length(n: CNode, s: dict, value: Callable[[CNode, str], Any] | None) -> list[str]:
    """The schedule's length given by another node, set into ``s`` where its number is worked out (heldout88 04: a
    CR SD1.5 Aspect Ratio's batch_size of a MathExpression 16 x 8, the schedule's saved 120 read for ComfyUI's 128);
    where it is not, the number the file saved is read in its place, said (the sentence returned)."""
    for k in [k for k in LENGTHS if k in n.links]:
        v = value(n, k) if value is not None else None
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            s[k] = v
        elif isinstance(s.get(k), (int, float)):
            return [f"its '{k}' is given by another node whose number Studio cannot work out when converting: the "
                    f"number the file saved for it ({s[k]}) is read in its place"]
    return []


def _past(frames: list[int], length: int) -> str:
    """The sentence of keyframes at or past the saved length read in place of one worked out when the workflow runs."""
    at = ", ".join(str(f) for f in frames[:3]) + (" ..." if len(frames) > 3 else "")
    return (f"its keyframe{'s' if len(frames) > 1 else ''} at frame{'s' if len(frames) > 1 else ''} {at} "
            f"{'lie' if len(frames) > 1 else 'lies'} at or past that saved {length}: the Prompt Schedule made does not "
            f"use {'them' if len(frames) > 1 else 'it'} (the length ComfyUI works out when it runs may reach "
            f"{'them' if len(frames) > 1 else 'it'})")


def _unhonoured(sched: Schedule, s: dict, n: CNode, found: list[tuple[str, str]]) -> None:
    """What the pack does with the text that Studio's Prompt Schedule does not, each in words."""
    text = " ".join(p for _, p in found) + " " + sched.before + " " + sched.after
    ticked = TICKED.findall(text)
    weights = [k for k in WEIGHTS if k in n.links or (isinstance(s.get(k), (int, float)) and s.get(k))]
    if ticked:
        sched.unread.append(f"its weight expressions between backticks ({', '.join(dict.fromkeys(ticked[:3]))}"
                            + (f", with {', '.join(weights)}" if weights else "") + ") are not evaluated: the "
                            "prompts keep them as written")
    elif weights:
        sched.unread.append(f"its prompt weights {', '.join(weights)} are not applied (no expression in the "
                            "prompts reads them)")
    loras = LORA.findall(text)
    if loras:
        sched.unread.append(f"the LoRAs its keyframes name ({', '.join(dict.fromkeys(loras[:3]))}) are not "
                            "loaded: the tags stay in the prompts as text")
    if len({_split(p)[1].strip() for _, p in found}) > 1:
        sched.unread.append("its negative prompts per keyframe ('--neg') are not taken: the negative is the first "
                            "keyframe's")
    for k in ("values_replace", "pw_a", "pw_b", "pw_c", "pw_d"):
        if k in n.links and k not in WEIGHTS:
            sched.unread.append(f"its '{k}' input is not read")
    if isinstance(s.get("tensor_interp"), str):
        sched.unread.append(f"its tensor_interp '{s['tensor_interp']}' (how it blends prompts between keyframes) is "
                            "not taken")


def prompt_at(sched: Schedule, frame: int) -> str:
    """The prompt a frame holds (the last keyframe at or before it; before the first, the first)."""
    return next((p for f, p in reversed(sched.keys) if f <= frame), sched.keys[0][1])


def keyframes_text(sched: Schedule) -> str | None:
    """The keyframes as Studio's Prompt Schedule reads them ('frame: prompt' lines); None where a prompt holds what
    its lines would read otherwise (';' or '@' or a line break) or is empty."""
    if any(not p or any(c in p for c in ";@\n\r") for _, p in sched.keys):
        return None
    return "\n".join(f"{f}: {p}" for f, p in sched.keys)
