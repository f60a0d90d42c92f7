"""A held task's prompts (a task Studio cannot do: a pack wrapper's sampler fed a node Studio has no counterpart for):
read by the same tracing the pipelines use (the samplers' positive and negative conditioning, back to their text
encoders), made as Studio's Text Prompt nodes in the held band, so an artist who adds a generator there wires them in;
the text encoders' loaders that only feed those encoders are passed with one sentence naming them (no generator is
made to encode the prompts). Told by types (tracing.roles' samplers, the families' encoders), not by names."""
from __future__ import annotations

import re

from studio.core.shown import cut

from .. import catalogue
from ..reading import by_types
from ..reading.file_ids import file_id
from ..reading.workflow import LOADER_NODES, CNode
from ..tracing.prompt_shapes import shaped
from ..tracing.prompts import PROMPT_INPUTS, encoders, prompt_text
from ..tracing.roles import out_types, role
from ..tracing.tasks import Unheld
from ..tracing.sampling import SAMPLERS
from ..tracing.picture_way import picture_upstream
from ..tracing.walks import upstream
from . import held_loader_parts
from .earlier_prompts import earlier_passes, encoders_of, of_pass
from .kinds import FILE_LOADERS, FOLDED

COND_INPUTS = ("positive", "conditioning", "cond1")  # where a sampler takes its positive prompt (tracing.prompts')
MAX_AHEAD = 64  # nodes followed ahead of a task node held alone to its samplers
SHOWN_CHARS = 60  # of a prompt in the held sentence
GENERATOR, HELD = "the generator's prompt", "a Text Prompt (the task is held, with no generator)"
NEGATIVE = "the negative prompt in the generator's 'negative_prompt'"  # (tracing.prompts: a made task's negative)

SAMPLES_WITH = {"MODEL", "GUIDER", "SAMPLER", "NOISE", "SIGMAS"}  # a node taking one of these samples (not an encode)

def _name(n: CNode) -> str:
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{_id(n)})"


def _named(b, n: CNode) -> str:
    """Named with '#' where Studio reads it, else as a node listed with those not converted ('node 12')."""
    if n.id in b.used or n.id in b.over or n.cls in FOLDED:
        return _name(n)
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, node {_id(n)})"


def _id(n: CNode) -> str:
    return file_id(n.id)  # a pack node read as two (a wrapper's encoder's negative, '<id>:neg'): its own id


def around(wf, node: CNode | None) -> list[CNode]:
    """A task node held alone: the nodes on the way of the samplers it feeds (within MAX_AHEAD nodes ahead), else
    its own way."""
    if node is None:
        return []
    readers: dict[str, list[CNode]] = {}
    for m in wf.nodes.values():
        for src, _ in m.links.values():
            readers.setdefault(src, []).append(m)
    todo, seen, found = [node], {node.id}, []
    while todo and len(seen) < MAX_AHEAD:
        n = todo.pop(0)
        if n is not node and (n.cls in SAMPLERS or role(wf, n) == "sampler"):
            found.append(n)
            continue
        for m in readers.get(n.id, ()):
            if m.id not in seen:
                seen.add(m.id)
                todo.append(m)
    out: dict[str, CNode] = {}
    for s in found or [node]:
        out.update((x.id, x) for x in upstream(wf, s))
    return list(out.values())


def _slot(start: CNode, which: str, *readers: CNode | None) -> int:
    """The output of ``start`` the first of ``readers`` wired to it takes on its ``which`` input (the 'negative' one,
    else any other); 0 where none is."""
    return next((at for r in readers if r is not None for k, (src, at) in r.links.items()
                 if src == start.id and (k == "negative") == (which == "negative")), 0)


def keep_prompts(b, region: list[CNode], names: list[str]) -> None:
    """The prompts of ``region``'s samplers made as Text Prompt nodes (each at its encoder), named in ``names`` (the
    held sentence's inputs, with the encoder's '#id'); their text encoders' loaders passed with a sentence."""
    wf, known = b.wf, encoders()
    samplers = [n for n in region if n.enabled and (n.cls in SAMPLERS or role(wf, n) == "sampler")]
    found: list[tuple[str, CNode, str]] = []  # (which, its encoder, its text)
    said: list[str] = []
    earlier, by_enc = earlier_passes(wf, samplers), {}  # (an earlier pass's prompts named as its: heldout19)
    for s in samplers:
        starts = [("positive", wf.source(s, next((k for k in COND_INPUTS if k in s.links), ""))),
                  ("negative", wf.source(s, "negative"))]
        guider = wf.source(s, "guider")  # SamplerCustomAdvanced: its guider's prompts (heldout12: else left unheld)
        if starts[0][1] is None and starts[1][1] is None and guider is not None:  # (a BasicGuider's one prompt is
            # on its 'conditioning', as a sampler's: heldout65 02's held bridge dropped it unsaid; a prompt only where a
            # text encoder is on its way, not a depth pass's fixed LotusConditioning)
            starts = [("positive", wf.source(guider, next((k for k in COND_INPUTS if k in guider.links), ""))),
                      ("negative", wf.source(guider, "negative"))]
            if "positive" not in guider.links and starts[0][1] is not None and not any(
                    "CLIP" in out_types(wf, x) for x in upstream(wf, starts[0][1])):
                starts[0] = ("positive", None)
        if starts[0][1] is None and starts[1][1] is None:  # a pack sampler's own prompt inputs (a source and a target)
            starts = [("positive", src) for k in sorted(s.links) if (src := wf.source(s, k)) is not None
                      and src.cls in known]
            starts += [("negative", neg) for _, src in list(starts)
                       if (neg := wf.nodes.get(f"{src.id}:neg")) is not None]  # (a wrapper encoder's negative)
        for which, start in starts:
            if start is None:
                continue
            walked = set(b.used)  # (only the encoder is read here: a node walked through is left to the other rules)
            text = prompt_text(wf, start, which, walked, said, _slot(start, which, s, guider))
            enc = next((wf.nodes[k] for k in sorted(walked - b.used, key=lambda k: (  # (the one holding a text first,
                "text" not in wf.nodes[k].widgets, len(k), k)) if wf.nodes[k].cls in known  # then by id)
                        or shaped(wf, wf.nodes[k])), None)
            b.used |= {k for k in walked - b.used if wf.nodes[k].cls in known}
            if enc is None and text:  # a conditioning node Studio does not read taking its prompt as text (its own:
                # the sampler's own input first, so two encoders of the same text are each their own, heldout26 03)
                enc = next((n for n in [start] + [m for m in region if m is not start] if n.enabled and (
                    role(wf, n) == "conditioning" or "CONDITIONING" in out_types(wf, n)) and any(
                    wf.value(n, k) == text for k in PROMPT_INPUTS[which == "negative"])), None)
            if enc is not None and "text" in enc.links and wf.value(enc, "text") is None:
                text = ""  # written by another node when the workflow runs: its text as saved is not the prompt
            if text is not None and enc is not None and all(  # (one node encoding both: each its own text, an
                    e.id != enc.id or w != which and t != text for w, e, t in found):  # empty one too: heldout16)
                found.append((which, enc, text))
                by_enc.setdefault(enc.id, s)
    if not samplers:  # a task node held alone (its sampler not on its way): the encoders on its way, each as the
        # input it feeds there names it (a 'negative' one the negative prompt), else as positive
        neg = {src for n in region for k, (src, _) in n.links.items() if "negative" in k}
        for enc in sorted((n for n in region if n.enabled and n.cls in known), key=lambda n: n.id in neg):
            if enc.id in b.used:  # (read on a walk before it: the positives first, as a zeroed negative walks on)
                continue
            which = "negative" if enc.id in neg else "positive"
            text = prompt_text(wf, enc, which, b.used, said)  # (the walk stops at once: only the encoder read)
            if text is not None:
                found.append((which, enc, text))
    _hold(b, found, names, _made(b, found, said), {k: (s, earlier.get(s.id)) for k, s in by_enc.items()})


def _hold(b, found: list[tuple[str, CNode, str]], names: list[str], made: set, passes: dict) -> None:
    """Each prompt found held as a Text Prompt (or said to have no text to hold) and named in ``names``; ``passes``:
    an encoder -> (its sampler, the later sampler given that sampler's pictures, or None: the task's own)."""
    for which, enc, text in found:
        s, later = passes.get(enc.id, (None, None))
        if text:
            title = "Prompt" if which == "positive" else "Negative prompt"
            b.add("io.text", {"text": text}, b.wf.nodes.get(enc.id.split(":", 1)[0], enc), title=title)
            b.used.add(enc.id)  # (its text is read: a node Studio does not read otherwise is not listed as not converted)
            names.append(f"{'prompt' if which == 'positive' else 'negative prompt'} '{cut(text, SHOWN_CHARS)}' as a "
                         f"Text Prompt (from {_named(b, enc)}{of_pass(s, later, True)})")
        else:
            names.append(Unheld(_unheld(b, which, enc) + of_pass(s, later, False)))  # (not among those held)
    written = any(not text and "text" in e.links and b.wf.value(e, "text") is None for _, e, text in found)
    _loaders(b, [enc for _, enc, _ in found], bool(made),
             {e.id: passes[e.id][0] for _, e, _ in found if passes.get(e.id, (None, None))[1] is not None}, written)


def _unheld(b, which: str, enc: CNode) -> str:
    """How the held sentence names a prompt with no text to hold: written by another node when the workflow runs,
    zeroed on its way (a FLUX still's ConditioningZeroOut of an encoder holding text: never 'empty'), or empty."""
    base = b.wf.nodes.get(enc.id.split(":", 1)[0], enc)  # (a pack's encoder read as CLIPTextEncode: its own prompt
    let_go = getattr(base, "let_go", None) or {}  # input wired to what Studio cannot work out, heldout27 04: never 'empty')
    if any(k in enc.links for k in ("text",) + PROMPT_INPUTS[which == "negative"]) or any(
            k in let_go for k in PROMPT_INPUTS[which == "negative"]):  # wired, not worked out
        return (f"the {which} prompt of {_named(b, enc)}, written by another node when the workflow runs (not read: "
                "write it in a Text Prompt)")
    if isinstance(own := b.wf.value(enc, "text"), str) and own.strip():
        return (f"a zeroed {which} prompt ({_named(b, enc)}, its text '{cut(own, SHOWN_CHARS)}' zeroed on its way to "
                "the sampler: no Text Prompt)")
    return f"an empty {which} prompt ({_named(b, enc)})"


def _made(b, found: list[tuple[str, CNode, str]], said: list[str]) -> set[tuple[str, str]]:
    """The (prompt, encoder id) a Text Prompt is made for; their encoders read (an empty other prompt of one is
    named by '#id', heldout16); the prompt sentences said as of a held task (no generator: a Text Prompt)."""
    made = {(w, e.id) for w, e, t in found if t}
    b.used |= {k for _, k in made}
    b.out.log += [f"{b.name}: {_held_line(line, made)}" for line in dict.fromkeys(said)]
    return made


def _held_line(line: str, made: set[tuple[str, str]]) -> str:
    """A prompt sentence of tracing.prompts said of a held task: 'the text it is given is a Text Prompt' only where
    one is made for that prompt of that node (heldout16: an empty prompt, none made, was said to be one)."""
    line = line.replace(NEGATIVE, f"the prompt in {GENERATOR}")  # (a held task has no generator's input to name)
    line = line.replace("the generator's negative prompt", GENERATOR)  # (tracing.prompts' words for a negative's)
    m = re.match(r"the (positive|negative) prompt comes from .*#([^)]+)\), (?:which Studio does not read|a prompt "
                 r"schedule, which Studio reads only as a Prompt Schedule on a generator's 'schedule', not as this "
                 r"prompt): the text it is given is ", line)
    if m is None or (m.group(1), m.group(2)) in made:
        return line.replace(GENERATOR, HELD)
    return line.replace(GENERATOR, "empty: no Text Prompt is made for it (the task is held, with no generator)")


def _loaders(b, encs: list[CNode], kept: bool = True, early: dict | None = None, written: bool = False) -> None:
    """The text encoders' loaders (a CLIP loader, a pack's, told by its types) feeding only these encoders: passed
    with a sentence naming the file and the encoders (and that the prompts are Text Prompt nodes only where ``kept``:
    one is made); ``early``: the encoders of earlier passes -> their sampler (earlier_prompts); ``written``: a prompt of
    theirs is written by another node when the workflow runs (none held, never 'empty': heldout29 01's VRGDG text box)."""
    wf, ids = b.wf, {e.id for e in encs}
    loaders: dict[str, CNode] = {}
    for e in encs:
        src = wf.source(e, "clip")
        if src is not None and src.id not in b.used and src.id not in b.over:
            loaders[src.id] = src
    for e in encs:  # a node Studio does not read encoding its own prompt: its loaders (no input wired)
        for src in (wf.nodes.get(s) for s, _ in e.links.values()):
            if src is not None and e.cls not in encoders() and not src.links and src.id not in b.used | set(b.over) \
                    and "CLIP" in out_types(wf, src):  # (a loader gives a CLIP: a text node is none, heldout16 08)
                loaders[src.id] = src
    for src in loaders.values():
        readers = {m.id for m in wf.nodes.values() if m.enabled and any(s == src.id for s, _ in m.links.values())}
        if not readers or not readers <= ids | b.used:
            continue
        kind = FILE_LOADERS.get(src.cls) or by_types.part_loader(src)
        keys = ("clip_name1", "clip_name2") if src.cls == "DualCLIPLoader" else (kind[0],) if kind is not None else ()
        files = [str(v) for k in keys if (v := wf.value(src, k)) and str(v).lower() not in ("disabled", "none")]
        file = " and ".join(repr(f) for f in files)
        fed = ", ".join(dict.fromkeys(f"#{_id(wf.nodes[k])}" for k in sorted(readers & ids)))
        plural = len(files) > 1
        # (a node taking a text encoder in and giving it on, set: CLIPSetLastLayer's clip skip, loads none)
        set_as = ", ".join(f"{k} {v}" for k, v in src.settings().items())
        verb, tail = ("loads" if not src.links else "sets"), (f" (its settings: {set_as})" if set_as and (
            src.links or not file) else "")  # (a loader whose file no setting names: its values, heldout86 11)
        b.over[src.id] = (f"{_name(src)} {verb} the text encoder{'s' * plural}{f' {file}' if file else ''} that "
                          f"encode{'' if plural else 's'} "
                          f"{encoders_of(fed, _early(readers & ids, early or {}))}{tail}: not made, as the task has "
                          "no generator to encode them (its "
                          + ("prompts holding text are kept as Text Prompt nodes; one written by another node when "
                             "the workflow runs is not, said above)" if kept and written else
                             "prompts are kept as Text Prompt nodes)" if kept else
                             "prompts are made as no Text Prompt: one is written by another node when the workflow "
                             "runs, said above)" if written else "prompts are empty: none is made)"))


def _early(fed: set[str], early: dict) -> list[CNode]:
    """The earlier passes whose prompts these encoders alone are ([] where one is the held task's own)."""
    return list({early[k].id: early[k] for k in sorted(fed)}.values()) if fed and fed <= set(early) else []


def pass_encodes(b, region: list[CNode]) -> None:
    """A held task's encode of a picture into latents (a wrapper's VAE encode: a VAE and an IMAGE in, a LATENT out, by
    the catalogue's types) whose picture's file Studio loaded in the held band: passed with a sentence naming the
    encode and the input it feeds; its VAE's loader too where it feeds only nodes read or so passed."""
    wf = b.wf
    read = b.used | {k for k, n in wf.nodes.items() if n.cls in FOLDED}
    encs: list[CNode] = []
    for n in region:
        t = catalogue.node_type(n.shown_cls)
        if not n.enabled or n.id in read or n.id in b.over or t is None or t.inputs is None:
            continue
        ins = {i.name: i.type for i in t.sockets}
        if "VAE" not in ins.values() or "IMAGE" not in ins.values() or set(t.output_types) != {"LATENT"}:
            continue  # (latents only: a task node giving conditioning too, WanImageToVideo, is not an encode)
        if set(ins.values()) & SAMPLES_WITH:  # a pack's sampler taking pictures (LTXVTiledSampler): it samples
            continue  # (said to encode one picture, heldout33 04)
        pics = [k for k, v in ins.items() if v == "IMAGE" and k in n.links]
        src = wf.nodes.get(n.links[pics[0]][0]) if pics else None
        way = picture_upstream(wf, src) if src is not None else []  # (its pictures' way: not a size's, heldout65 05)
        files = [x for x in way if x.cls in LOADER_NODES and x.id in b.used]
        if not files or any(x.cls in SAMPLERS for x in way):  # a picture a sampler makes is not the file's
            continue  # (heldout12: an image editor's output, its pose taken from a video, said to be the video)
        reader = next(((m, k) for m in region for k, (s, _) in m.links.items() if s == n.id), None)
        to = f" for {_named(b, reader[0])}'s '{reader[1]}'" if reader is not None else ""
        named = ", ".join(f"'{f}'" for f in dict.fromkeys(b.file_of(x) for x in files))  # (each picture it is given)
        b.over[n.id] = (f"{_name(n)} encodes the pictures on its '{pics[0]}' (from {named}, loaded in "
                        f"the held band) into latents with its VAE{to}: not made, as the task is held with no "
                        "generator")
        encs.append(n)
    vaes = {s: wf.nodes[s] for n in encs + [d for d in region if d.cls in FOLDED]
            for k, (s, _) in n.links.items() if k == "vae" and s in wf.nodes}
    for vae in vaes.values():
        if vae.id in read or vae.id in b.over:
            continue
        readers = {m.id for m in wf.nodes.values() if m.enabled and any(s == vae.id for s, _ in m.links.values())}
        if readers <= read | {e.id for e in encs}:
            kind = FILE_LOADERS.get(vae.cls) or by_types.part_loader(vae)
            file = wf.value(vae, kind[0]) if kind is not None else None
            users = ", ".join(_named(b, wf.nodes[k]) for k in sorted(readers))
            if vae.links:  # given its VAE (a decoder-noise setter): it loads none (heldout33 04 said it did)
                set_as = ", ".join(f"{k} {v}" for k, v in vae.settings().items())
                b.over[vae.id] = (f"{_name(vae)} passes on the VAE it is given{f' (its settings: {set_as})' if set_as else ''}"
                                  f" to the held task's {users}: not made, as the task is held with no generator")
                continue
            b.over[vae.id] = held_loader_parts.sentence(
                wf, vae, [wf.nodes[k] for k in sorted(readers)], lambda m: _named(b, m), file) or (
                f"{_name(vae)} loads the VAE{f' {file!r}' if file else ''} that the held task's {users} "
                f"use{'s' * (len(readers) < 2)}: not made, as the task is held with no generator")
