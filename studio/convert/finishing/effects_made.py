"""A pack's finishing effect on a take's way to its save (effects.effect: a colour match, a sharpen, a blur) made as
Studio's node after the generator, said naming the node, its inputs and what it does not apply: a colour match's
reference is the file Studio loads for it (resizes on its way not applied: the colours' statistics are the whole
picture's, said); a reference made otherwise (the take's own frames, a step Studio does not make) or a method
Studio has no like of leaves the effect not applied, said naming it (passed over). Functions on a builder ``b``
of mapping.convert; plain data."""
from __future__ import annotations

from studio.core.shown import rounded

from ..reading.workflow import LOADER_NODES, CNode
from ..tracing.walks import find_loader
from .effects import effect


def _reference(b, n: CNode, name: str) -> tuple[tuple[str, str], str] | None:
    """(Studio's output standing for ``n``'s reference input ``name``, how it is said), or None where it is not a
    file Studio loads, through resizes at most (a step changing it on its way, the take's own frames)."""
    walked: list[CNode] = []
    found = find_loader(b.wf, n, name, set(), walked)
    if found is None or found[2] or LOADER_NODES[found[0].cls][1] not in ("image", "video"):
        return None
    loader, slot, _ = found
    if slot not in (0,):  # (its mask or its sound: not a picture)
        return None
    b.used.add(loader.id)
    steps = [x for x in walked if x.cls not in ("Reroute",)]
    kind = LOADER_NODES[loader.cls][1]
    words = f"the {kind} '{b.file_of(loader)}' as Studio's Load {kind.title()} gives it"
    if steps:
        words += (f" ({', '.join(f'{x.shown_cls} #{x.id}' for x in steps)} on its way not applied to it: a colour "
                  "match reads the colours' statistics of the whole picture)")
    return b.studio_loader(loader, slot), words


def effects_made(b, n: CNode, src: tuple[str, str], said: list[str], out: str) -> tuple[str, str] | None:
    """The output of Studio's node made for the effect ``n`` after ``src`` (the take on its way to the save ``out``,
    in words), said; ``src`` itself where ``n`` is an effect Studio cannot apply here (passed over, said); None for
    a node that is no effect Studio reads."""
    fx = effect(b.wf, n)
    if fx is None:
        return None
    if n.id in b.used:  # (made already for another save of the same take: that output read again, said for this one)
        made = b.__dict__.setdefault("effects_made", {}).get((n.id, src))
        if made is not None:
            said.append(f"{n.named()}'s {fx.does} of the take (its '{fx.way}') before {out} writes it: the same Studio "
                        f"{b.g.nodes[made[0]].spec.title} as for the take's other save")
        return made
    ref = _reference(b, n, fx.reference) if fx.reference and not fx.missing else None
    if fx.missing or (fx.reference and ref is None):
        why = (f"Studio's {fx.does} has no like of {fx.missing}" if fx.missing else
               f"its '{fx.reference}' is not a file: Studio takes a colour match's reference only from a file it loads, "
               "through resizes at most")
        b.over.setdefault(n.id, f"{n.named()}, the {fx.does} of the take on its '{fx.way}' before {out} writes it: "
                                f"not applied ({why}); the take is written without it")
        return src
    title = n.title or None
    nid = b.add(fx.studio, fx.params, n, title=title)
    b.g.connect(*src, nid, "video")
    if ref is not None:
        b.g.connect(*ref[0], nid, "reference")
    b.used.add(n.id)
    b.__dict__.setdefault("effects_made", {})[(n.id, src)] = (nid, "video")
    settings = ", ".join(f"{k} {rounded(v)}" for k, v in fx.params.items())
    line = (f"{n.named()}'s {fx.does} of the take (its '{fx.way}') before {out} writes it: Studio's "
            f"{b.g.nodes[nid].spec.title} after the generator ({settings})")
    if ref is not None:
        line += f", its '{fx.reference}' {ref[1]}"
    if fx.unapplied:
        line += f"; {', '.join(fx.unapplied)} not applied"
    said.append(line)
    return nid, "video"


def file_effect(b, n: CNode, src: tuple[str, str]) -> tuple[str, str] | None:
    """Studio's node for the effect ``n`` (finishing.effects: a blur, a sharpen; no colour match, which reads a
    reference) on a file's way, wired from ``src``: one node for the same effect on the same pictures wherever it is
    read (the cache effects_made keeps; a Wan control LoRA's blurred control clip reads it too), or None."""
    fx = effect(b.wf, n)
    if fx is None or fx.missing or fx.reference:
        return None
    made = b.__dict__.setdefault("effects_made", {})
    if (n.id, src) not in made:
        nid = b.add(fx.studio, fx.params, n, title=n.title or None)
        b.g.connect(*src, nid, "video")
        made[(n.id, src)] = (nid, "video")
    return made[(n.id, src)]
