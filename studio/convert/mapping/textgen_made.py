"""ComfyUI core's TextGenerate (a local language model writing a text when the workflow runs; comfy_extras/
nodes_textgen.py) on its way into a prompt, made as Studio's Generate Text (nodes/video_models/generate_text.py) where
its CLIP is a Gemma 4 file (E2B / E4B by its name, a .safetensors ComfyUI's CLIPLoader reads: heldout110 01, LTX-2.5's
IC-LoRA workflow) Studio's Gemma 4 door reads: its words, max_length, sampling (on: temperature, top_k, top_p, min_p,
repetition_penalty, seed; off: greedy), thinking and default template kept; the find-and-replace and words the way
puts around its text kept as its 'replace', 'before' and 'after' (caption_made.place); the image it is given and a
presence penalty said not applied. Else None (the caller keeps what it did: mapping/captions.py). Plain data."""
from __future__ import annotations

import re

from studio.core.shown import cut

from ..reading.workflow import CNode
from . import caption_made
from .vlm_made import feeding

CLS = "TextGenerate"
GEMMA4 = re.compile(r"gemma[\W_]*4[\W_]*(e2b|e4b)", re.I)  # the sizes Studio's Gemma 4 door builds
ON = ("temperature", "top_k", "top_p", "min_p", "repetition_penalty", "seed")
SEEDS = ("fixed", "increment", "decrement", "randomize")  # a seed's control_after_generate, saved after it
_name = CNode.named


def gemma4_file(wf, n: CNode) -> tuple[str, CNode] | None:
    """(the Gemma 4 file, its CLIPLoader) of a TextGenerate's 'clip'; None for another node or model."""
    if n.cls != CLS:
        return None
    src = wf.source(n, "clip")
    name = wf.value(src, "clip_name") if src is not None and src.cls == "CLIPLoader" else None
    if not isinstance(name, str) or not name.lower().endswith(".safetensors") or not GEMMA4.search(name):
        return None
    return name, src


def settings(wf, n: CNode) -> dict:
    """Its settings by name (an API file's 'sampling_mode.temperature', a UI file's own names) or, where the UI file
    saves them by place only (a dynamic combo's inputs), by their declared order: prompt, max_length, sampling_mode,
    the six sampling values (with 'on'; a seed's control value and the presence penalty after), thinking, template."""
    got = {k: v for k in ("max_length", "sampling_mode", "thinking", "use_default_template", "presence_penalty", *ON)
           if (v := wf.value(n, f"sampling_mode.{k}") if k in ON or k == "presence_penalty" else wf.value(n, k))
           is not None}
    raw = n.raw if isinstance(n.raw, list) else []
    if "sampling_mode" in got or len(raw) < 3 or raw[2] not in ("on", "off"):
        return got
    got.update(max_length=raw[1], sampling_mode=raw[2])
    rest = list(raw[3:])
    if raw[2] == "on":
        got.update(zip(ON, rest[:6]))
        rest = [v for v in rest[6:] if v not in SEEDS]
        if len(rest) > 2:
            got["presence_penalty"] = rest.pop(0)
    bools = [v for v in rest if isinstance(v, bool)]
    got.update(zip(("thinking", "use_default_template"), bools))
    return got


def make(b, n: CNode, way: list[tuple[CNode, str]] | None) -> tuple[str, str] | str | None:
    """Generate Text made for ``n`` (its text reaching the prompt the way ``way`` goes): (the note's sentence, the
    Log's); else why not, in words; None where ``n`` is not a TextGenerate on a Gemma 4 file."""
    wf = b.wf
    found = gemma4_file(wf, n)
    if found is None:
        return None
    file, loader = found
    words = wf.value(n, "prompt")
    if not isinstance(words, str) or not words.strip():
        return "the words it is asked are not known when converting" if "prompt" in n.links else \
            "it is asked no words"
    if way is None:
        return "its way to the prompt is not one"
    s = settings(wf, n)
    on = s.get("sampling_mode") != "off"
    params = {"prompt": words, "model": file, "max_new_tokens": _int(s.get("max_length")), "sampling": on,
              "thinking": s.get("thinking") if isinstance(s.get("thinking"), bool) else None,
              "template": s.get("use_default_template") if isinstance(s.get("use_default_template"), bool) else None}
    if on:
        params.update({k: s.get(k) for k in ON if isinstance(s.get(k), (int, float)) and not isinstance(s.get(k), bool)})
    if isinstance(params.get("seed"), int) and not 0 <= params["seed"] <= 2 ** 53:
        params.pop("seed")
    placed = caption_made.place(b, n, way, params, None, "encode.generate_text")
    if isinstance(placed, str):
        return placed
    b.used.add(loader.id)
    b.used.update(feeding(wf, n, ["prompt"]))
    return _said(b, n, file, loader, params, s, placed)


def _int(v):
    return v if isinstance(v, int) and not isinstance(v, bool) and v >= 1 else None


def _said(b, n: CNode, file: str, loader: CNode, params: dict, s: dict, p) -> tuple[str, str]:
    """The sentence of the Generate Text made."""
    _, around, _ = caption_made.said_around(b, p, "reads", "Generate Text")
    told = ", ".join(f"{k} {params[k]}" for k in ("max_new_tokens", *ON, "thinking", "template")
                     if params.get(k) is not None)
    left = []
    if "image" in n.links or "video" in n.links or "audio" in n.links:
        given = "', '".join(k for k in ("image", "video", "audio") if k in n.links)
        left.append(f"the '{given}' it is given is not read (Studio loads the file's language model only; its words "
                    "are written without seeing it)")
    unknown = [k for k in n.links if k.split(".")[-1] in ON + ("max_length",) and params.get(k.split(".")[-1]) is None]
    if unknown and params["sampling"] or any(k.endswith("max_length") for k in unknown):
        left.append(f"its {', '.join(repr(k) for k in unknown)}, wired, {'is' if len(unknown) == 1 else 'are'} not "
                    "known when converting (Generate Text's own value is used)")
    if s.get("presence_penalty"):
        left.append(f"its presence_penalty {s['presence_penalty']} is not applied (Generate Text has none)")
    line = (f"{_name(n)} writes a text with the Gemma 4 file {file!r} from {_name(loader)}, asked "
            f"{cut(params['prompt'], 80)!r}: made as Studio's Generate Text ({told}; sampling "
            f"{'on' if params['sampling'] else 'off: greedy'}), its text wired into {caption_made.wired(p)}{around}"
            + (f"; {'; '.join(left)}" if left else "") +
            (f" (the text {cut(p.stale, 60)!r} the encoder saved is not used: ComfyUI replaces it with the model's)"
             if p.stale else ""))
    return line, line
