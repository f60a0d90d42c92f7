"""A frame interpolation ComfyUI runs on each take before the takes are joined (RIFE x2 on each of three clips, then
Batch Images: heldout11's 15): Studio's interpolation after that take's generator, before Concatenate, the generator
made at the joined video's rate over the multiplier (ComfyUI writes the interpolated frames at that rate). Made on
each take, never on the joined take: interpolating the joined take would also make frames between one take's last
frame and the next one's first, so neither the same frames nor the same count. Told by types and structure: any
frame interpolation (finishing.utility) whose way back reaches this take's sampler and no other take's.

Functions on a builder ``b`` of mapping.convert; plain data and stdlib."""
from __future__ import annotations

from studio.core.shown import number

from ..finishing.own_rate import interpolates
from ..finishing.utility import interpolation_node, model_of, multiplier, utility
from ..reading.workflow import CNode, Workflow
from ..tracing.walks import upstream


def own_steps(wf: Workflow, save: CNode, last: CNode, lasts: list[CNode]) -> list[CNode]:
    """The enabled frame interpolations on the way from take ``last`` to ``save`` that no other take of ``lasts``
    passes, nearest the take first."""
    others = {o.id for o in lasts if o.id != last.id}
    found = []
    for n in upstream(wf, save):
        if n.id == save.id or not (n.enabled and interpolates(n)):
            continue
        ups = {u.id for u in upstream(wf, n)}
        if last.id in ups and not ups & others:
            found.append((len(ups), n))
    return [n for _, n in sorted(found, key=lambda x: x[0])]


def _into(wf: Workflow, n: CNode, within: list[CNode]) -> str:
    """The node and input ``n``'s frames go to on the output's way ('Batch Images' (#168)'s 'image1')."""
    for m in within:
        for name, (src, _) in m.links.items():
            if src == n.id:
                return f"'{m.title or m.shown_cls}' ({m.shown_cls}, #{m.id})'s '{name}'"
    return "the output"


def interpolate_each(b, save: CNode, k: int, last: CNode, lasts: list[CNode], gen: str, src: tuple[str, str],
                     band: list[str], fps) -> tuple[str, str]:
    """Take ``k``'s own frame interpolations (own_steps) made after its video ``src`` (the new nodes put in
    ``band``), its generator ``gen`` set to ``fps`` (the joined video's rate) over their multipliers; each said.
    The take's video after them."""
    wf = b.wf
    steps = [n for n in own_steps(wf, save, last, lasts) if n.id not in b.used]
    if not steps:
        return src
    within, factor, names, said = upstream(wf, save), 1.0, [], []
    for n in steps:
        b.used.add(n.id)
        what, _ = utility(n, wf) or ("frame interpolation", None)
        before = len(b.g.nodes)
        src = (interpolation_node(b, n, what, model_of(wf, n, b.used), said, (*src, "video")), "video")
        band += [x for x in list(b.g.nodes)[before:] if x not in band]
        k_n = multiplier(wf, n)
        if isinstance(k_n, (int, float)) and not isinstance(k_n, bool) and k_n > 1:
            factor *= float(k_n)
        names.append(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) x{number(k_n)} on its frames before "
                     f"{_into(wf, n, within)}")
    line = (f"take {k}: {', '.join(names)}: Studio's interpolation after the take's generator, before Concatenate "
            "(ComfyUI interpolates each take on its own; on the joined take it would also make frames where the "
            "takes meet)")
    params = b.g.nodes[gen].params
    if isinstance(fps, (int, float)) and fps > 0 and factor > 1 and params.get("fps") in (fps, 0, 0.0, None):
        b.set_param(gen, "fps", fps / factor, last)
        line += f"; the generator makes {fps / factor:g} fps, which the interpolation raises to {fps:g} as written"
    b.log("; ".join([line, *said]))
    return src


def joined_rate(wf: Workflow, save: CNode, lasts: list[CNode], fps) -> tuple:
    """(the rate each take is made at, its sentence or '') where frame interpolations run on the joined takes before
    ``save`` writes them at ``fps`` (every take upstream of them: made by the output's finishing after Concatenate):
    ``fps`` over their multipliers, as ComfyUI writes the interpolated frames at ``fps``."""
    ids, factor, names = {o.id for o in lasts}, 1.0, []
    for n in upstream(wf, save):
        if n.id == save.id or not (n.enabled and interpolates(n)) or not ids <= {u.id for u in upstream(wf, n)}:
            continue
        k_n = multiplier(wf, n)
        if isinstance(k_n, (int, float)) and not isinstance(k_n, bool) and k_n > 1:
            factor *= float(k_n)
            names.append(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) x{number(k_n)}")
    if factor == 1.0 or not isinstance(fps, (int, float)) or isinstance(fps, bool) or fps <= 0:
        return fps, ""
    return fps / factor, (f"the joined takes' frames are interpolated ({', '.join(names)}) before they are written at "
                          f"{fps:g} fps: each take is made at {fps / factor:g} fps, which Studio's interpolation after "
                          f"Concatenate raises to {fps:g} (ComfyUI's length kept)")
