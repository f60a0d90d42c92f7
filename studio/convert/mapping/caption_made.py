"""A captioner's text made as Studio's Caption (nodes/encoders/caption.py) wired into the generator's prompt: a node
whose declared types say it captions (an IMAGE and a model from a loader in, a STRING named 'caption' out: kijai's
Florence2Run) with a task Studio's Caption keeps, its picture from a loader Studio made, its caption reaching the
positive prompt of a generator Studio made through string nodes Studio can write the same way: displays passing the
text on, find-and-replace nodes (their find/replace settings known), joins of texts (their other texts known: the
words joined around the caption become the Caption's 'before' and 'after'). Where one of these fails the caller
says why the caption is not made (mapping/captions.py). Plain data; linear in the workflow's size."""
from __future__ import annotations

import posixpath
import re
from collections import Counter
from dataclasses import dataclass

from studio.core.shown import cut

from .. import catalogue
from ..reading.line_pick import by_place
from ..reading.workflow import CNode
from ..tracing.prompts import walk
from ..values import strings

TASKS = {"caption": "caption", "detailed_caption": "detailed", "more_detailed_caption": "more detailed"}
MARK = "\x00caption\x00"  # where the caption stands in the text being worked out
POSITIVE = ("positive", "conditioning", "conditioning_to", "cond", "cond1", "guider", "text_embeds", "hyvid_embeds")
PICTURE = ("image", "images", "pixels", "image1")
# texts joined with nothing between by a pack's node declaring no delimiter, by the names of its texts in order (data:
# jamesWalker55's comfyui-various String Concatenate gives a + b; no catalogue entry holds it)
PLAIN_JOINS = {"JWStringConcat": ("a", "b")}
MAX_BACK = 8  # nodes followed from the captioner's picture back to a loader Studio made


_name = CNode.named  # the node in a sentence


@dataclass
class Placed:
    """A Caption made: its picture's Studio loader and the nodes between, the reader, the samplers whose generators
    it writes the prompt of, what the string nodes on the way do, the words around, the text the encoder saved."""
    made: str
    between: list[CNode]
    reader: CNode
    samplers: list[CNode]
    did: list[str]
    words_around: tuple[str, str]
    stale: str | None
    refines: list[str]  # the label of each node after a generator whose 'prompt' the Caption writes too
    node: str = ""  # the node made (Caption, or Generate Text: textgen_made.py)


def _placed(n: CNode) -> dict:
    """A UI file's values by place of its declared widgets (reading.line_pick.by_place); where it saved fewer, as
    many as its widgets not wired, all text (an older file saves no value for a text taken on a wire), else {}."""
    got = by_place(n)
    t = catalogue.node_type(n.origin or n.cls)
    raw = n.raw if isinstance(n.raw, list) else []
    if got or t is None or t.inputs is None:
        return got
    free = [i for i in t.widgets if i.name not in n.links]
    if len(raw) == len(free) and all(i.type == "STRING" and isinstance(v, str) for i, v in zip(free, raw)):
        return {i.name: v for i, v in zip(free, raw)}
    return {}


def _natural(name: str) -> tuple:
    """'find2' before 'find10', 'text_a' before 'text_b'."""
    head = name.rstrip("0123456789")
    return head, int(name[len(head):]) if name[len(head):] else -1


def _value(wf, n: CNode, k: str):
    """Setting ``k`` of ``n``: by name, worked out; else as a UI file saved it by place (of its declared widgets)."""
    v = wf.value(n, k)
    return v if v is not None or k in n.links else _placed(n).get(k)


def _shows(n: CNode, carried: str) -> bool:
    """A display passing its one text on: a catalogued node taking that text alone (ShowText, showAnything)."""
    t = catalogue.node_type(n.origin or n.cls)
    return t is not None and t.inputs is not None and [i.name for i in t.inputs] == [carried] and \
        set(n.links) == {carried}


def _appended(wf, n: CNode, carried: str, text: str) -> str | None:
    """The texts a node appending them with nothing between gives ('action' 'append', 'tidy_tags' 'no': pysssss'
    String Function, whose saved result shows it), the empty ones left out; None where it is not one or a text is
    not known."""
    names = list(PLAIN_JOINS.get(n.cls, ()))
    if not names and (_value(wf, n, "action") != "append" or _value(wf, n, "tidy_tags") != "no"):
        return None
    names = names or sorted((k for k in {*n.widgets, *n.links, *_placed(n)} if k.startswith("text_")), key=_natural)
    texts = [text if k == carried else _value(wf, n, k) for k in names]
    return "".join(t for t in texts if t) if all(isinstance(t, str) for t in texts) else None


def _put_in(wf, n: CNode, carried: str, text: str) -> str | None:
    """The text a find-and-replace node gives where the text carried is its replacement (ComfyUI's StringReplace
    given it on 'replace': heldout110 01 puts a written sentence in the '{llm}' of a template): its 'string' (or
    'text') with the one place its 'find' stands replaced by it; None where it is not one, a text is not known or
    'find' does not stand there once."""
    if carried != "replace":
        return None
    whole = next((k for k in ("string", "text") if k in {*n.widgets, *n.links, *_placed(n)}), None)
    find = _value(wf, n, "find")
    base = _value(wf, n, whole) if whole else None
    if not isinstance(find, str) or not find or not isinstance(base, str) or base.count(find) != 1:
        return None
    return base.replace(find, text)


def _pairs(wf, n: CNode, carried: str) -> list[tuple[str, str]] | None:
    """The (find, replace) pairs of a find-and-replace node (settings named find*/replace*, each known), in their
    names' order; None where it is not one or one is not known."""
    finds = sorted((k for k in {*n.widgets, *n.links, *_placed(n)} if re.fullmatch(r"find\d*", k)),
                   key=_natural)
    if not finds or carried in finds:
        return None
    out = []
    for f in finds:
        a, b = _value(wf, n, f), _value(wf, n, "replace" + f[4:])
        if not isinstance(a, str) or not isinstance(b, str) or "\n" in a + b or " -> " in a + b:
            return None
        if a:
            out.append((a, b))
    return out


def text_path(readers: dict, start: tuple[str, int], end: str, limit: int) -> list[tuple[CNode, str]] | None:
    """The (node, input it is given the text on) from output ``start`` to node ``end``, shortest; None if none."""
    parent: dict[str, tuple[tuple[CNode, str], str | None]] = {}
    todo, at = [(start, None)], 0
    while at < len(todo):
        (src, slot), prev = todo[at]
        at += 1
        for m, name in readers.get((src, slot), ()):
            if m.id in parent or not m.enabled:
                continue
            parent[m.id] = ((m, name), prev)
            if m.id == end:
                way, k = [], m.id
                while k is not None:
                    step, k = parent[k]
                    way.append(step)
                return way[::-1]
            if len(parent) < limit * 8:
                todo += [((m.id, s), m.id) for s in range(4)]
    return None


def _text_way(wf, way: list[tuple[CNode, str]]) -> tuple[str, str, list, list[str]] | str:
    """(before, after, the replacements, what each node does in words) of the string nodes on ``way`` (the reader
    last, not read here); else why not, in words."""
    text, pairs, said = MARK, [], []
    for n, carried in way[:-1]:
        if (found := _pairs(wf, n, carried)) is not None:
            pairs += found
            head, _, tail = text.partition(MARK)
            for a, b in found:
                head, tail = head.replace(a, b), tail.replace(a, b)
            text = head + MARK + tail
            said.append(f"{_name(n)} replaces " + (", ".join(f"{a!r} by {b!r}" for a, b in found) or "nothing"))
        elif strings.is_join(n.cls) and n.cls not in PLAIN_JOINS:
            names = list(dict.fromkeys([*n.widgets, *n.links]))
            joined = strings.joined(names, lambda k: text if k == carried else wf.value(n, k),
                                    any(k in names for k in strings.DELIMITERS), set(n.links))
            if joined is None or joined.count(MARK) != 1:
                return f"{_name(n)} joins it with a text Studio cannot work out when converting"
            said.append(f"{_name(n)} joins it with the words around it")
            text = joined
        elif (joined := _appended(wf, n, carried, text)) is not None and joined.count(MARK) == 1:
            said.append(f"{_name(n)} appends the words around it")
            text = joined
        elif (put := _put_in(wf, n, carried, text)) is not None:
            said.append(f"{_name(n)} puts it in the place of {_value(wf, n, 'find')!r} in a text of its own")
            text = put
        elif _shows(n, carried):
            continue
        else:
            return f"{_name(n)} changes it in a way Studio does not read"
    before, _, after = text.partition(MARK)
    return before, after, pairs, said


def generators(b, reader: CNode) -> list[tuple[str, CNode]]:
    """(the Studio generator, its sampler) of each generator made whose positive prompt ``reader`` writes, once each,
    in the file's order."""
    wf, out = b.wf, []
    order = {k: i for i, k in enumerate(wf.nodes)}  # (a frozenset's order changes from run to run: the file's order)
    for samplers, (gen, *_rest) in b.made.items():
        for s in sorted(samplers, key=lambda k: order.get(k, len(order))):
            node = wf.nodes.get(s)
            if node is None or gen not in b.g.nodes or any(g == gen for g, _ in out):
                continue
            start = next((wf.source(node, k) for k in POSITIVE if k in node.links), None)
            if start is not None and walk(wf, start, POSITIVE, lambda x: x.id == reader.id, set()) is not None:
                out.append((gen, node))
    return out


def _picture(b, n: CNode, given: str = "image") -> tuple[str, str, list[CNode]] | None:
    """(the Studio loader, its output, the nodes between) the captioner's picture (its input ``given``) comes from;
    None if not made."""
    wf, between = b.wf, []
    src = wf.source(n, given)
    for _ in range(MAX_BACK):
        if src is None:
            return None
        made = b.loaded.get(f"{src.id}#", b.loaded.get(src.id))  # the loader's frames as it gives them: after its
        # own Frame Rate, Trim and Scale (mapping/inputs; heldout119 01: VHS_LoadVideo's skip_first_frames 52, the
        # caption read off the file's frame 0 instead of the first frame ComfyUI loads)
        if made is not None and made in b.g.nodes:
            port = next((o.name for o in b.g.nodes[made].spec.outputs if o.type in ("Image", "Video")), None)
            return (made, port, between) if port else None
        between.append(src)
        src = next((wf.source(src, k) for k in PICTURE if k in src.links), None)
    return None


def _source(b, made: str) -> str:
    """The Studio node a Caption's picture comes from, in words: a loader's own picks and size after it (Trim, Scale)
    named with the loader they follow."""
    steps, nid = [], made
    for _ in range(MAX_BACK):
        link = b.g.input_link(nid, "video")
        if link is None or b.g.nodes[nid].type_id.startswith("io."):
            break
        steps.append(b.g.nodes[nid].label)
        nid = link.src
    if not steps or not b.g.nodes[nid].type_id.startswith("io."):
        return repr(b.g.nodes[made].label)
    steps.reverse()
    joined = steps[0] if len(steps) == 1 else f"{', '.join(steps[:-1])} and {steps[-1]}"
    return f"{b.g.nodes[nid].label!r} after its own {joined} (the frames the loader gives)"


def _first_widget(n: CNode) -> str | None:
    t = catalogue.node_type(n.origin or n.cls)
    return t.widgets[0].name if t is not None and t.inputs is not None and t.widgets else None


def folder_of(model: str) -> str:
    """The model folder's name a captioner's setting gives ('LLM\\Florence-2-large/' -> 'Florence-2-large'): what
    Studio's Caption looks for (Florence-2's here, a vision-language model's in vlm_made)."""
    return posixpath.basename(model.replace("\\", "/").rstrip("/"))


def make(b, n: CNode, loader: CNode | None, way: list[tuple[CNode, str]]) -> tuple[str, str] | str:
    """The Caption made for captioner ``n`` (its model from ``loader``), its text wired into the prompt of the
    generator whose positive prompt the reader (``way``'s last node) writes: (the note's sentence, the Log's); else
    why it is not made, in words (nothing made)."""
    wf = b.wf
    task = wf.value(n, "task")
    if task not in TASKS:
        return f"its task {task!r} is not one Studio's Caption makes (caption, detailed, more detailed)"
    model = _value(wf, loader, "model") if loader is not None else None
    raw = loader.raw if loader is not None and isinstance(loader.raw, list) else []
    if model is None and raw and isinstance(raw[0], str) and _first_widget(loader) == "model":
        model = raw[0]  # a file of another version of the pack: its first value, the model's name
    if loader is None:
        return "no model loader is wired to it"
    if not isinstance(model, str) or not model.strip():
        return f"the model {_name(loader)} loads is not known when converting"
    if set(loader.links) - {"model"}:  # (a LoRA of the captioner: Studio's Caption takes none)
        return f"{_name(loader)} takes {', '.join(repr(k) for k in sorted(set(loader.links) - {'model'}))} from " \
               "another node, which Studio's Caption does not"
    folder = folder_of(model)
    beams, tokens = wf.value(n, "num_beams"), wf.value(n, "max_new_tokens")
    params = {"model": folder, "task": TASKS[task], "every": 0,
              "beams": beams if isinstance(beams, int) else None,
              "max_tokens": tokens if isinstance(tokens, int) else None}
    placed = place(b, n, way, params)
    if isinstance(placed, str):
        return placed
    b.used.add(loader.id)
    return _said(b, n, loader, model, folder, placed)


def place(b, n: CNode, way: list[tuple[CNode, str]], params: dict, given: str | None = "image",
          type_id: str = "encode.caption") -> Placed | str:
    """A Caption of ``params`` (or a ``type_id`` node taking the same 'before', 'after' and 'replace': Generate Text,
    given no picture: ``given`` None) made for the node ``n`` writing a text of the picture on its input ``given``,
    its text wired into the prompt of each generator made whose positive prompt ``way``'s last node (the reader)
    writes, the words joined around it on the way its 'before' and 'after': what was made; else why not, in words
    (nothing made). ``n``, the way's nodes and the words read on it are marked read."""
    wf = b.wf
    reader = way[-1][0]
    if "negative" in way[-1][1]:
        return "it reaches a negative prompt"
    gens = generators(b, reader)
    if not gens:
        return "it reaches no generator's positive prompt Studio made"
    if any(not any(i.name == "prompt" and i.type == "Text" for i in b.g.nodes[g].spec.inputs) or
           b.g.input_link(g, "prompt") is not None for g, _ in gens):
        return "the generator made takes no prompt on a wire"
    pic = _picture(b, n, given) if given is not None else ("", "", [])
    if pic is None:
        return "its picture comes from no loader Studio made"
    texts = _text_way(wf, way)
    if isinstance(texts, str):
        return texts
    before, after, pairs, did = texts
    params = {**params, "before": before, "after": after, "replace": "\n".join(f"{a} -> {c}" for a, c in pairs)}
    cap = b.add(type_id, params, n, title=n.title or ("Caption" if type_id == "encode.caption" else "Generate Text"))
    made, port, between = pic
    if made:
        b.g.connect(made, port, cap, "image")
    saved = {gen_id: b.g.nodes[gen_id].params.get("prompt") or "" for gen_id, _ in gens}
    for gen_id, _ in gens:
        b.g.connect(cap, "text", gen_id, "prompt")
        if saved[gen_id]:  # the encoder's text as saved, which ComfyUI replaces by the caption's when it runs
            b.g.set_param(gen_id, "prompt", "")
    stale = next((t for t in saved.values() if t), None)
    for band in b.bands:
        if any(g in band for g, _ in gens):
            band.append(cap)
    refines = _refines(b, cap, gens, saved)
    b.used.update([n.id] + [m.id for m, _ in way[:-1]])
    b.used.update(src for m, k in way[:-1] for name, (src, _) in m.links.items() if name != k)  # the words read
    return Placed(made, between, reader, [s for _, s in gens], did, (before, after), stale,
                  [b.g.nodes[k].label for k in dict.fromkeys(refines)], cap)


def _said(b, n: CNode, loader: CNode, model: str, folder: str, p: Placed) -> tuple[str, str]:
    """The sentence of a Caption made (the note's, the Log's)."""
    wf, made, stale = b.wf, p.made, p.stale
    task = wf.value(n, "task")
    sampled = " (sampled with do_sample in ComfyUI: Studio's caption is beam search, deterministic, so its words " \
              "may differ)" if wf.value(n, "do_sample") is True else ""
    after_pic, words, first = said_around(b, p, "captions")
    line = (f"{_name(n)} captions the picture of Studio's {_source(b, made)}{first}{after_pic} with "
            f"{_name(loader)}'s model {model!r} (task {task!r}): made as Studio's Caption, model {folder!r} (looked "
            "for under a models folder's LLM/ as ComfyUI's pack keeps it: a Florence-2 folder in transformers' "
            "layout, or in Microsoft's as the pack downloads it, runs from its model.safetensors; one holding only "
            "pytorch_model.bin is refused when it runs, naming the file), "
            f"its text wired into {wired(p)}{words}{sampled}" + (
                f" (the text {cut(stale, 60)!r} the encoder saved is not used: ComfyUI replaces it with the "
                "caption's)" if stale else ""))
    return line, line


# the pipeline note's ask (an upscale's refine, or LTX-2's same-size x1 pass: comfy_stages, comfy_middle)
REFINE = re.compile(r"; write the take's prompt in (?P<each>each )?(?P<label>[^;]+?)'s 'prompt' too "
                    r"\(its (?P<what>refine|pass) needs it\)")


def _refines(b, cap: str, gens: list[tuple[str, CNode]], saved: dict[str, str]) -> list[str]:
    """The Caption's text wired into the 'prompt' of each node after a generator that takes the take's prompt (a
    refining upscale): one given the generator's saved text (the encoder's, which ComfyUI replaces by the caption's),
    or an empty one its note asks the take's prompt be written in (the note then says it is wired): those nodes."""
    wired_to: list[str] = []
    for gen_id, sampler in gens:
        after = [k for k in sorted(b.g.downstream(gen_id)) if b.g.input_link(k, "prompt") is None and any(
            i.name == "prompt" and i.type == "Text" for i in b.g.nodes[k].spec.inputs)]
        for k in after:
            if saved[gen_id] and b.g.nodes[k].params.get("prompt") == saved[gen_id]:
                b.g.set_param(k, "prompt", "")
                b.g.connect(cap, "text", k, "prompt")
                wired_to.append(k)
        for note in _notes_of(b, gen_id, sampler):
            if not (m := REFINE.search(note["text"])):
                continue
            label = m.group("label")
            took = [k for k in after if b.g.nodes[k].label == label and not b.g.nodes[k].params.get("prompt")
                    and b.g.input_link(k, "prompt") is None]
            for k in took:
                b.g.connect(cap, "text", k, "prompt")
            wired_to += took
            if took:
                each = "each " if m.group("each") and len(took) > 1 else ""
                note["text"] = REFINE.sub(f"; the Caption's text is wired into {each}{label}'s 'prompt' too (its "
                                          f"{m.group('what')} takes the take's prompt)", note["text"], count=1)
    return wired_to


def _notes_of(b, gen_id: str, sampler: CNode) -> list[dict]:
    """The notes of the pipeline of generator ``gen_id`` (made for ``sampler``): those whose first line names the
    sampler, less those about another pipeline (92/08: two pipelines on one first pass, each note naming it)."""
    return [note for note, band in zip(b.notes, b.note_bands) if f"(#{sampler.id})" in note["text"].split("\n", 1)[0]
            and (band is None or band >= len(b.bands) or gen_id in b.bands[band])]


def wired(p: Placed) -> str:
    """Where the Caption's text goes, in words."""
    fors = " and ".join(_name(s) for s in {s.id: s for s in p.samplers}.values())
    counts = Counter(p.refines)  # (in the order wired)
    names = ", ".join(repr(x) if c == 1 else f"each of the {c} {x!r}" for x, c in counts.items())
    whose = "its refine takes" if len(p.refines) == 1 else "their refines take"
    also = f", and into the 'prompt' of {names} after {'them' if len(p.samplers) > 1 else 'it'} (the take's prompt " \
        f"{whose})" if p.refines else ""
    if len(p.samplers) > 1:
        return f"the prompt of each of the {len(p.samplers)} generators made for {fors} as {_name(p.reader)} writes " \
               f"it{also}"
    return f"the generator's prompt as {_name(p.reader)} writes it for {fors}{also}"


def said_around(b, p: Placed, verb: str, who: str = "Caption") -> tuple[str, str, str]:
    """(the steps before the picture not applied, the words joined around the text, the first frame) in words."""
    before, after = p.words_around
    after_pic = f" (ComfyUI {verb} it after {', '.join(_name(m) for m in p.between)}, not applied to the " \
        "caption)" if p.between else ""
    words = f"; {'; '.join(p.did)}: written by the {who}'s 'replace', 'before' {before!r} and 'after' {after!r}" \
        if p.did else ""
    first = f" (its first frame: ComfyUI {verb} each picture it is given)" if p.made and any(
        o.type == "Video" for o in b.g.nodes[p.made].spec.outputs) else ""
    return after_pic, words, first
