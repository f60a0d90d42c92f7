"""Where a workflow's picture, clip or sound is wired only into inputs their nodes' own types do not declare
(heldout75 07: an app's template wiring its picture to Wan22FunControlToVideo's 'start_image', where that type's
picture input is 'ref_image'). ComfyUI hands a node what is linked to it under any name (execution's input data: a
linked input is passed whether its type declares it or not; a widget value it does not declare is left out), so a
node whose code takes no such setting stops the run with an unexpected keyword argument (kijai/ComfyUI-KJNodes#579:
LTXVImgToVideoInplaceKJ given 'image_1'), and one taking any setting ignores it: either way no output carries the
picture. The ledger then names that node and input, not a node further on (the decoder after the sampler, which
Studio does convert). Told by the catalogue's declared inputs (a dynamic combo's choices' inputs too, named '<combo>.<input>'): a type it does
not know, an input a UI file lists on the node (its pack's version having it), or a node read as another type, is
never taken as undeclared; and only where
no way of the picture into the output passes declared inputs alone. Plain data and stdlib."""
from __future__ import annotations

from .. import catalogue
from ..reading.workflow import CNode, Workflow
from .reader_walk import after_readers


def _undeclared(m: CNode, keys: list[str]) -> bool:
    """Every one of ``keys`` (inputs of ``m``) is an input ``m``'s own type does not declare (a node read as its own
    type: one read as another has its inputs renamed, unread_entry's case)."""
    if m.origin and m.origin != m.cls:
        return False
    t = catalogue.node_type(m.cls)
    return t is not None and t.inputs is not None and \
        all(t.input(k) is None and not _chosen(t, k) and k not in m.in_types for k in keys)


def _chosen(t, key: str) -> bool:
    """``key`` is '<combo>.<input>', an input of a choice of the type's dynamic combo ``<combo>`` (an API file's name
    for it: WanInfiniteTalkToVideo's 'mode.mask_2' under its 'mode' choice 'two_speakers', heldout102 02)."""
    head, dot, tail = key.partition(".")
    combo = t.input(head) if dot else None
    return combo is not None and any(i.name == tail for _, inner in combo.dynamic or () for i in inner)


def _keys(m: CNode, keyed: dict[str, dict[str, list[str]]]) -> dict[str, list[str]]:
    """``m``'s linked inputs by the node they read, sorted (made once per node in ``keyed``: a node given thousands
    of pictures is read once, not once per picture's walk)."""
    got = keyed.get(m.id)
    if got is None:
        got = keyed[m.id] = {}
        for k in sorted(m.links):
            got.setdefault(m.links[k][0], []).append(k)
    return got


def dropped_entry(wf: Workflow, src: CNode, within: set[str], cons: dict[str, list[CNode]],
                  end: CNode, keyed: dict[str, dict[str, list[str]]] | None = None,
                  walked: dict[str, tuple[bool, tuple[CNode, str] | None]] | None = None) -> tuple[CNode, str] | None:
    """(the node, its input) where what ``src`` gives is wired, on its way to ``end``, only into inputs their types do
    not declare (the first such met); None where some way of it into ``end`` passes declared inputs alone, or none is
    undeclared. ``keyed``: the nodes' inputs by source, shared by the calls of one output's check (_keys);
    ``walked``: each node's (reaches ``end`` by declared inputs, first undeclared entry after it), shared the same way,
    so that a chain of n guides each given a picture is walked once, not once per picture (convert_scale 'guides')."""
    keyed = {} if keyed is None else keyed
    walked = {} if walked is None else walked
    reach, first = _walk(src, within, cons, end, keyed, walked)
    return first if first is not None and not reach else None


def _walk(src: CNode, within: set[str], cons: dict[str, list[CNode]], end: CNode,
          keyed: dict[str, dict[str, list[str]]], walked: dict) -> tuple[bool, tuple[CNode, str] | None]:
    """``walked[src.id]``: (reaches ``end`` by declared inputs, the first undeclared entry after it) (reader_walk)."""
    def split(x: CNode):
        declared, entries = [], []
        for m in cons.get(x.id, []):
            if m.id in within:
                keys = _keys(m, keyed).get(x.id, [])
                (entries if keys and _undeclared(m, keys) else declared).append((m, keys))
        return [m for m, _ in declared], (declared, entries)

    def finish(x: CNode, got) -> tuple[bool, tuple[CNode, str] | None]:
        declared, entries = got
        reach = any(m.id == end.id or walked[m.id][0] for m, _ in declared)
        first = (entries[0][0], entries[0][1][0]) if entries else \
            next((walked[m.id][1] for m, _ in reversed(declared) if walked[m.id][1] is not None), None)
        return reach, first
    return after_readers(src, split, finish, walked, (False, None))


def said(words: str, m: CNode, k: str) -> str:
    """The sentence for ``words`` (the picture, clip or sound, named) dropped at ``m``'s ``k``."""
    t = catalogue.node_type(m.cls)
    by = f" ({t.pack}@{t.commit[:8]}, as the catalogue read it)" if t is not None and t.pack and t.commit else ""
    return (f"the {words} is wired to {m.named()}'s '{k}', an input {m.cls} does not declare{by}: ComfyUI hands the "
            "node what is linked to it all the same, and a node whose code does not take it stops the run (an "
            "unexpected keyword argument), one taking any setting ignores it; Studio makes the video without it")
