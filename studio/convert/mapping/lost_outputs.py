"""A video output of pictures that are no take (a control clip's line art, a mask or a spline previewed beside the
take: VideoX-Fun's and many Fun Control / VACE workflows save them), where a take is made and Studio makes no Save
Video for it: said in one sentence naming it, and the steps not converted that only it reads, instead of being left
in the list of nodes not converted alone (proxymine20, B3). Told by declared types: its way back through what it is
given holds no sampler, latent or decoder (no take is on it). A step that anything Studio makes also reads is not
named here (its loss is the take's, left listed). Functions on the builder ``b`` of mapping.convert; plain data."""
from __future__ import annotations

from ..reading.workflow import CNode, Workflow
from ..tracing.roles import in_type, role
from .kinds import OUTPUTS
from .patch_inputs import readers_of

TAKE_ROLES = ("sampler", "latent maker", "latent step", "decoder")
VALUES = ("INT", "FLOAT", "STRING", "BOOLEAN", "COMBO")  # a size or a count given to a step: not its pictures
PICTURES = ("IMAGE", "MASK", "VIDEO", "")  # what a save writes (an API file's input of no type named: '')
MAX_WALK = 512


def _way(wf: Workflow, end: CNode) -> set[str] | None:
    """The ids on ``end``'s way back through what it is given (a value's input, a size or a count, not followed);
    None where a node there samples, makes or decodes a latent (a take is on the way)."""
    seen, todo = set(), [end]
    while todo and len(seen) < MAX_WALK:
        n = todo.pop()
        if n.id in seen:
            continue
        seen.add(n.id)
        if n is not end and role(wf, n) in TAKE_ROLES:
            return None
        for name, (src, _) in n.links.items():
            if src in wf.nodes and in_type(n, name) not in VALUES:
                todo.append(wf.nodes[src])
    return seen if not todo else None


def _only_lost(start: str, readers: dict[str, list[str]], read: set[str]) -> bool:
    """Nothing Studio makes (``read``) is reached from ``start`` through its readers: what it gives is lost alone."""
    seen, todo = set(), [start]
    while todo and len(seen) < MAX_WALK:
        k = todo.pop()
        if k in seen:
            continue
        if k in read:
            return False
        seen.add(k)
        todo.extend(readers.get(k, ()))
    return not todo


def said(b, dropped: list[CNode], read: set[str]) -> None:
    """Each enabled video output in ``dropped`` (not converted) whose way holds no take, where a take is made: its
    sentence in the Log and a note; ``read``: the nodes Studio made or read (those passed over with a sentence aside)."""
    if not b.out.pipelines:
        return
    wf, gone = b.wf, {n.id for n in dropped}
    read = set(read) - set(b.out.passed)  # (a step passed over with its sentence makes nothing: walked through)
    readers, lines = readers_of(wf), []
    for end in sorted((n for n in dropped if n.enabled and n.cls in OUTPUTS), key=lambda n: n.id):
        way = _way(wf, end)
        if way is None or not way - {end.id} or end.id in b.held_saves or way & b.held:
            continue  # (a held task's output or way: said with its task)
        steps = [wf.nodes[k] for k in sorted(way - {end.id}) if k in gone and wf.nodes[k].enabled
                 and _only_lost(k, readers, read)]
        given = any(src in read for name, (src, _) in end.links.items() if in_type(end, name) in PICTURES)
        lines.append(f"{end.named()} is not made: it writes no take (no node on its way samples, makes or decodes a "
                     "latent), and " + ("Studio makes no Save Video of what it is given" if given else
                                             "nothing Studio makes gives it what it writes")
                     + (f"; Studio does not make {', '.join(n.named() for n in steps)} on its way (nothing Studio "
                        f"makes reads {'it' if len(steps) == 1 else 'them'})" if steps else "") + "; the takes are written by their own outputs without it")
    if lines:
        b.out.log += [f"{b.name}: {x}" for x in lines]
        b.note("Video outputs writing no take, not made:\n" + "\n".join(f"- {x}" for x in lines))
