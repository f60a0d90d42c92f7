"""A captioner's text on its way into a prompt (kijai's ComfyUI-Florence2 Florence2Run: a caption of its image
joined into a prompt), told by the declared types (a STRING output named 'caption'): made as Studio's Caption wired
into the generator's prompt where caption_made.py can keep what ComfyUI does, with one sentence naming the captioner,
its model's loader, the string nodes on the way and the input it reaches; else one sentence saying why the caption
is not in the converted prompt, instead of being listed as not converted. A caption reaching no prompt (a text shown
on the canvas, a file name) is left to the other rules. Plain data; linear in the workflow's size."""
from __future__ import annotations

import re

from .. import catalogue
from ..reading.workflow import CNode, Workflow
from . import caption_made, cloud_nodes, textgen_made, textllm_made, vlm_made

MAX_WAY = 8  # string nodes followed from the caption to a node Studio read
PROMPT_EMBEDS = ("TEXTEMBEDS", "HYVIDEMBEDS")  # a video pack's own encoded prompt (tracing.roles reads them so)
TAKEN = "writes its text from the words it is given on "  # tracing/prompt_writers.said's words for a writer


def _caption_slot(n: CNode) -> int | None:
    t = catalogue.node_type(n.shown_cls)
    if t is None or not t.outputs:
        return None
    return next((i for i, o in enumerate(t.outputs) if o.type == "STRING" and o.name == "caption"), None)


def _encodes(n: CNode) -> bool:
    """A text encoder (a CONDITIONING made from text), read or not: where a caption becomes a prompt."""
    t = catalogue.node_type(n.shown_cls)
    outs = [o.type for o in t.outputs or ()] if t is not None else list(n.out_types)  # else as the UI file saved them
    return n.cls == "CLIPTextEncode" or any(o == "CONDITIONING" or o.endswith(PROMPT_EMBEDS) for o in outs)


_name = CNode.named  # the node in a sentence


def _reach(wf: Workflow, readers: dict, start: tuple[str, int], used: set) -> tuple[list[CNode], CNode, str] | None:
    """(the string nodes on the way, the text encoder or prompt input Studio read it reaches, that input's name) from
    output ``start``; None where the caption reaches neither within MAX_WAY steps."""
    way: list[CNode] = []
    todo, seen = [start], set()
    while todo and len(way) <= MAX_WAY:
        src = todo.pop(0)
        for m, name in readers.get(src, ()):
            if m.id in seen or not m.enabled:
                continue
            seen.add(m.id)
            if _encodes(m) or m.id in used and ("prompt" in name or name == "text"):
                return way, m, name
            if m.id in used:  # read by Studio for something else than a prompt (a file name): not followed
                continue
            way.append(m)
            todo += [(m.id, s) for s in range(4)]
    return None


def said_captions(b) -> None:
    """One sentence (the Log and a note) for each enabled captioner whose caption reaches a node Studio read."""
    wf = b.wf
    readers: dict[tuple[str, int], list[tuple[CNode, str]]] = {}
    for m in wf.nodes.values():
        for name, (src, slot) in [*m.links.items(), *m.let_go.items()]:  # (a link let go where read as another)
            readers.setdefault((src, slot), []).append((m, name))
    for n in wf.nodes.values():
        slot = _caption_slot(n) if n.enabled and n.id not in b.used else None
        found = _reach(wf, readers, (n.id, slot), b.used) if slot is not None else None
        if found is None and slot is None and n.enabled and n.id not in b.used:  # a text written of pictures
            _written(b, n, readers)
            continue
        if found is None and slot is None and n.enabled:  # a prompt writer whose words the prompt took
            _taken(b, n, readers)
            continue
        if found is None:
            continue
        way, reader, name = found
        loader = next((wf.nodes[s] for k, (s, _) in n.links.items() if k.endswith("_model") and s in wf.nodes), None)
        path = caption_made.text_path(readers, (n.id, slot), reader.id, MAX_WAY)
        made = caption_made.make(b, n, loader, path) if path is not None else "its way to the prompt is not one"
        if not isinstance(made, str):
            _unsay(b, [n] + way, reader)
            b.note(made[0])
            b.out.log.append(f"{b.name}: {made[1]}")
            continue
        task = wf.value(n, "task")
        model = f", its model from {_name(loader)}" if loader is not None else ""
        through = f" through {', '.join(_name(m) for m in way)}" if way else ""
        b.note(f"{_name(n)} writes a caption of its image{f' (task {task!r})' if task else ''}{model}, that reaches "
               f"'{reader.title or reader.shown_cls}' (#{reader.id})'s '{name}'{through} when the workflow runs; "
               f"Studio's Caption is not made for it ({made}), so that caption is not in the converted prompt: "
               "write it there")
        b.out.log.append(f"{b.name}: {_name(n)}'s caption reaches '{reader.title or reader.shown_cls}' "
                         f"(#{reader.id})'s '{name}' when the workflow runs: not made ({made})")
        if loader is not None and loader.id not in b.used and loader.id not in b.over and all(
                m is n or not m.enabled for m in wf.nodes.values()
                if any(src == loader.id for src, _ in m.links.values())):
            file = wf.value(loader, "model")  # a loader feeding this captioner alone: passed with it
            b.over[loader.id] = (f"{_name(loader)} loads the model{f' {file!r}' if isinstance(file, str) else ''} of "
                                 f"the captioner {_name(n)} alone: not made, as that captioner is not (its caption "
                                 "is said in a note)")


def _written(b, n: CNode, readers: dict) -> None:
    """A text written of pictures (an LLM's prompt: GeminiNode, VideoPromptNode; a Qwen-VL's: made as Caption), or by
    core's TextGenerate on a Gemma 4 file or a pack's prompt writer on a local language model, by its types (made as
    Generate Text: textgen_made.py, textllm_made.py), reaching a prompt: made, else said why not (a node given no
    picture, clip or sound whose Generate Text is not made: left to the other rules, as before)."""
    wf = b.wf
    media = _text_slots(n)
    slots = media or ([0] if textgen_made.gemma4_file(wf, n) else textllm_made.slots(wf, n))
    for k, got in [(k, got) for k in slots if (got := _reach(wf, readers, (n.id, k), b.used))]:
        path = caption_made.text_path(readers, (n.id, k), got[1].id, MAX_WAY)  # (the way itself, not
        way = [m for m, _ in path[:-1]] if path else []  # all _reach looked at)
        made = textgen_made.make(b, n, path)
        made = textllm_made.make(b, n, k, path) if made is None else made
        own = made is not None  # (Generate Text's to make)
        made = vlm_made.make(b, n, k, path) if made is None else made
        if isinstance(made, tuple):
            _unsay(b, [n] + way, got[1])
            b.note(made[0])
            b.out.log.append(f"{b.name}: {made[1]}")
        elif media:
            _said_text(b, n, k, (way, *got[1:]), made, "Generate Text" if own else "Caption")


def _taken(b, n: CNode, readers: dict) -> None:
    """A pack's prompt writer whose words the generator's prompt took (tracing/prompt_writers.py: a model Studio did
    not run), made as Generate Text where textllm_made makes it, the sentence saying its words were taken taken back
    (only where that sentence names this writer alone)."""
    mark = f"{_name(n)} {TAKEN}"
    lines = [x for x in b.out.log if mark in x and x.count(TAKEN) == 1 and "which Studio does not read" not in x]
    slots = textllm_made.slots(b.wf, n) if lines else []
    named = {k for x in lines for k in re.findall(r"#([^\s),]+)\)", x)}  # the writer and the joins it names
    for k, got in [(k, got) for k in slots if (got := _reach(b.wf, readers, (n.id, k), b.used - named))]:
        path = caption_made.text_path(readers, (n.id, k), got[1].id, MAX_WAY)
        made = textllm_made.make(b, n, k, path, taken=True)
        if isinstance(made, tuple):
            b.out.log[:] = [x for x in b.out.log if x not in lines]
            said = {x.split(": ", 1)[-1] for x in lines}
            for note in b.notes:
                note["text"] = "\n".join(x for x in note["text"].split("\n") if x.removeprefix("- ") not in said)
            b.note(made[0])
            b.out.log.append(f"{b.name}: {made[1]}")
            return


def _text_slots(n: CNode) -> list[int]:
    """The STRING outputs of a node its pack declares with one, wired a picture, a clip or a sound (a text written of
    them when the workflow runs: a language model's description or prompt; blocked18: GeminiNode, VideoPromptNode)."""
    t = catalogue.node_type(n.shown_cls)
    if t is None or not t.outputs or t.inputs is None:
        return []
    media = any(i.type in ("IMAGE", "VIDEO", "AUDIO") and i.name in n.links for i in t.inputs)
    return [k for k, o in enumerate(t.outputs) if o.type == "STRING"] if media else []


def _said_text(b, n: CNode, slot: int, found: tuple[list[CNode], CNode, str], why: str | None = None,
               own: str = "Caption") -> None:
    """One sentence (the Log and a note) for a text written of pictures reaching a prompt: not made, its text known
    only when the workflow runs, so not in the converted prompt (the generator is kept, its prompt said elsewhere);
    ``why`` Studio's Caption is not made for it, where it runs a model of its own (vlm_made)."""
    way, reader, name = found
    t = catalogue.node_type(n.shown_cls)
    given = "', '".join(i.name for i in t.inputs if i.name in n.links and not i.widget)
    out = t.outputs[slot].name
    cloud = " (one of ComfyUI's API nodes: a paid cloud service writes it)" if cloud_nodes.api_category(
        n.shown_cls) else ""  # ('api node/...' and the later 'partner/...': cloud_nodes.py)
    through = f" through {', '.join(_name(m) for m in way)}" if way else ""
    where = f"'{reader.title or reader.shown_cls}' (#{reader.id})'s '{name}'"
    b.note(f"{_name(n)} writes a text{f' ({out!r})' if out else ''} of what its '{given}' {'is' if ',' not in given else 'are'} "
           f"given{cloud}, that reaches {where}{through} when the workflow runs: Studio does not make it (" +
           (f"Studio's {own} is not made for it: {why}" if why else "the text is known only when the workflow runs")
           + "), so it is not in the converted prompt: write it there")
    b.out.log.append(f"{b.name}: {_name(n)}'s text{f' ({out!r})' if out else ''} reaches {where} when the workflow "
                     f"runs: not made{f' ({why})' if why else ''}, so it is not in the converted prompt")


def _unsay(b, nodes: list[CNode], reader: CNode) -> None:
    """The prompt sentences saying a node of the caption's way writes the prompt when the workflow runs (that Studio
    does not run it, or cannot work its value out) taken back: the Caption made writes it now."""
    marks = tuple(f"#{m.id})" for m in nodes)

    def stale(line: str) -> bool:
        if "prompt is written by ComfyUI's" in line and "Studio does not run it" in line:
            return any(k in line.split("when the workflow runs")[0] for k in marks)
        head = line.split(", whose value Studio cannot work out")[0]
        return head != line and f"(#{reader.id})'s " in head and any(k in head for k in marks)
    b.out.log[:] = [x for x in b.out.log if not stale(x)]
    for note in b.notes:
        lines = note["text"].split("\n")
        kept = [x for x in lines if not stale(x)]
        if len(kept) != len(lines):
            note["text"] = "\n".join(kept)
