"""Sounds that reach the first sampler only through an input a translation let go (a pack's sampler read as ComfyUI's
own keeps the inputs that own node has; the others still run in ComfyUI: reading.workflow's ``let_go``): a talking
head's voice turned into audio embeddings on the wrapper sampler's 'fantasytalking_embeds'. Made without them the
generator makes another video (a plain image to video with the voice laid over it: heldout19 07, said nowhere), so
the output is held with them, as ledger.blocked's files are. A file the generator takes already (the start picture
also CLIP-encoded on a let-go input) is not lost."""
from __future__ import annotations

import re
from typing import Any

from ..reading.workflow import CNode
from ..tracing.roles import out_types
from ..tracing.tasks import Task
from ..tracing.walks import upstream, upstream_run
from .ledger import media_sources, words


def _names(text: str, nid: str) -> bool:
    """``text`` names node ``nid`` ('#78)', '#78,', '#78:' - never '#781' or '#78:5', another node)."""
    return re.search(rf"#{re.escape(nid)}(?!\w|:\d)", text) is not None


def _sound(wf: Any, f: CNode) -> bool:
    """``f`` brings in a sound alone (its declared outputs: AUDIO, no pictures): a voice or music driving the take. A
    picture on a let-go input (a second CLIP picture, an end frame, middle frames) is said by the reading that let it
    go (heldout6, the FMLF pack's readings) and leaves the task what it is."""
    kinds = out_types(wf, f)
    return "AUDIO" in kinds and not kinds & {"IMAGE", "VIDEO", "LATENT"}


def _told(b: Any, said: list[str], holder: CNode, f: CNode, via: CNode) -> bool:
    """A sentence already names ``f`` where ``holder`` takes it (a pack node read as another: "#78's frame_2_image
    'LoadImage' (#18) is not taken"), or names ``via``, the node feeding that input (the wrapper's CLIP vision encode:
    "#9's image_2 ...: not applied", heldout6); one naming the file for another use (the same sound muxed) is not."""
    texts = said + list(b.refused) + list(b.out.log) + list(b.first_notes) + [x["text"] for x in b.notes]
    return any(_names(t, holder.id) and _names(t, f.id) or via is not f and _names(t, via.id) for t in texts)


def _gone(b: Any, first: CNode, inputs: dict, said: list[str] = ()) -> dict[str, tuple[CNode, CNode, str, CNode]]:
    """file id -> (the file, the node that let the input go, that input, the node feeding it), for the enabled media
    sources behind the let-go inputs of ``first`` and the nodes it is read from, not wired into the generator
    (``inputs``: its input -> (ComfyUI node, ...)), loaded as a model, nor said where that node takes it."""
    wf = b.wf
    way = upstream(wf, first)
    held_only = getattr(b, "held_loaded", set())  # loaded as a held task's input: no generator takes it (heldout54 04)
    taken = {n.id for n in way} | (set(b.loaded) - held_only) | \
        {v[0].id for v in inputs.values() if v and isinstance(v[0], CNode)}
    found: dict[str, tuple[CNode, CNode, str, CNode]] = {}
    for n in way:
        for port, (src, _) in n.let_go.items():
            if src not in wf.nodes or src in taken:
                continue
            for f in media_sources(wf, upstream_run(wf, wf.nodes[src])):
                if f.id not in taken and _sound(wf, f) and not _told(b, list(said), n, f, wf.nodes[src]):
                    found.setdefault(f.id, (f, n, port, wf.nodes[src]))
    return found


def lost_files(b: Any, first: CNode, inputs: dict, said: list[str]) -> list[CNode]:
    """The files reaching ``first`` only through inputs a translation let go (see the module's words)."""
    return [f for f, _, _, _ in _gone(b, first, inputs, said).values()]


def held_task(b: Any, first: CNode, inputs: dict, lost: list[CNode], fam: str, said: list[str]) -> Task | None:
    """The held task in words where every file of ``lost`` is one a let-go input takes: what it is given to, on which
    input, by which node; None otherwise (ledger.held_task says it)."""
    gone = _gone(b, first, inputs, said)
    if not lost or any(f.id not in gone for f in lost):
        return None
    ways = list({(n.id, port): (n, port, via) for _, n, port, via in (gone[f.id] for f in lost)}.values())
    what = " and ".join(words(b, f) for f in lost[:3])
    given = ", ".join(f"'{n.title or n.shown_cls}' (#{n.id})'s '{port}' by '{via.title or via.shown_cls}' "
                      f"({via.shown_cls}, #{via.id})" for n, port, via in ways[:3])
    return Task(f"a video from {what} given to {given}", None, family=fam,
                cannot=f"wire what {'that node gives' if len(ways) == 1 else 'those nodes give'} into a generator of "
                       "that task (made without it, from its other inputs alone, it would be another video)")
