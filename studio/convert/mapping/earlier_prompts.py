"""A held task's prompts that belong to an earlier pass: a sampler whose take is decoded into pictures another sampler
of the region is given (a FLUX, SDXL or Z-Image still a video is then made from). They are held as Text Prompts with
the rest, but named as that pass's, never as the held task's own inputs (heldout16 02 and heldout19 12: the Z-Image
still's negative prompt and its Qwen text encoder were said to be the LTX-2.3 task's). Told by structure and declared
types: the way from the later sampler up to the earlier one crosses a node giving pictures (IMAGE)."""
from __future__ import annotations

from ..reading.workflow import CNode, Workflow
from ..tracing.roles import out_types

MAX_WALKED = 20_000  # (node, crossed) states walked from one sampler: linear in the region


def earlier_passes(wf: Workflow, samplers: list[CNode]) -> dict[str, CNode]:
    """sampler id -> a later sampler of ``samplers`` that is given pictures decoded from its take."""
    ids = {s.id for s in samplers}
    out: dict[str, CNode] = {}
    for t in samplers:
        seen, todo = {(t.id, False)}, [(t, False)]
        while todo and len(seen) < MAX_WALKED:
            n, crossed = todo.pop()
            for src, _ in n.links.values():
                m = wf.nodes.get(src)
                if m is None:
                    continue
                if m.id in ids and m.id != t.id:
                    if crossed:
                        out.setdefault(m.id, t)
                    continue  # (another pass: its own way is its own)
                state = (m.id, crossed or "IMAGE" in out_types(wf, m))
                if state not in seen:
                    seen.add(state)
                    todo.append((m, state[1]))
    return out


def _pass(s: CNode) -> str:
    return f"the pass '{s.title or s.shown_cls}' (#{s.id})"


def of_pass(s: CNode | None, later: CNode | None, inside: bool) -> str:
    """The words after a held prompt of an earlier pass ``s`` ('' for the task's own), ``inside`` the parentheses
    naming its encoder, else in parentheses of their own."""
    if s is None or later is None:
        return ""
    words = f"a prompt of {_pass(s)}, whose pictures '{later.title or later.shown_cls}' (#{later.id}) is given"
    return f"; {words}" if inside else f" ({words})"


def encoders_of(fed: str, passes: list[CNode]) -> str:
    """How a text encoder loader's sentence names the prompts it encodes (``fed``: their '#id's): the held task's,
    or those of the earlier passes ``passes`` alone."""
    if not passes:
        return f"the held task's prompts ({fed})"
    return f"the prompts ({fed}) of {' and '.join(_pass(s) for s in passes)}, whose pictures the held task is given"
