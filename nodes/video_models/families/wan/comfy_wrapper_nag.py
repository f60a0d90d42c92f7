"""WanVideoWrapper's text embeds through a guidance node (WanVideoApplyNAG: Normalized Attention Guidance) before the
sampler: its declared inputs are two text embeds of its output's own type, so the declaration alone does not say
which holds the take's prompts - by the name it declares, the 'original_...' one (the other, 'nag_...', is what NAG
steers away from). The take's prompts are read through it (found by the thirty-sixth held-out set: a Wan 2.1 I2V take's
prompt 'a mecha robot moving' was left empty); its settings, read by their declared names (nag_scale, nag_tau,
nag_alpha), are carried to the generator's, whose Normalized Attention Guidance (wan/nag.py) steers from the take's
negative prompt: what the node steers away from where that is read as the negative prompt, said otherwise (nag8).
Plain data and stdlib: nothing of the wrapper is imported or run."""
from __future__ import annotations

from studio.convert.api import node_type


def shown_value(v) -> str:
    return f"{v:g}" if isinstance(v, float) else repr(v) if isinstance(v, str) else str(v)

ORIGINAL = "original_"  # the input passing the prompts on, by the name the pack declares
SETTINGS = ("nag_scale", "nag_tau", "nag_alpha")  # its settings, the generator's of the same names


def original(t, link: tuple[str, int] | None, into: str | None = None) -> tuple[tuple[str, int] | None,
                                                                              tuple[str, int] | None]:
    """(``link`` (a sampler's text embeds) read through a guidance node to its original embeds, said once; the embeds
    it steers away from, read as the negative prompt): (``link``, None) where it is no such node. Its settings are
    carried to sampler ``into``'s generator."""
    src = t.wf.nodes.get(link[0]) if link else None
    ty = node_type(src.shown_cls) if src is not None else None
    if ty is None or ty.inputs is None or len(ty.output_types) != 1:
        return link, None
    out = ty.output_types[0]
    same = [i.name for i in ty.inputs if i.type == out]
    first = next((k for k in same if k.startswith(ORIGINAL)), None)
    if len(same) != 2 or first is None or first not in src.links:
        return link, None
    other = next(k for k in same if k != first)
    w = t.named(src)
    got = {k: float(w[k]) for k in SETTINGS if isinstance(w.get(k), (int, float)) and not isinstance(w.get(k), bool)}
    if into is not None and got:
        t.wf.carried.setdefault(into, {}).update(got)
        t.wf.carried_at.setdefault(into, {}).update(dict.fromkeys(got, src))
    if src.id not in t.wf.taken:
        t.wf.taken.add(src.id)
        given = t.wf.nodes.get(src.links[other][0]) if other in src.links else None
        away = f" ('{given.title or given.shown_cls}' ({given.shown_cls}, #{given.id}))" if given is not None else ""
        values = ", ".join(f"{k} {v:g}" for k, v in got.items())
        rest = ", ".join(f"{k} {shown_value(v)}" for k, v in w.items() if k not in SETTINGS and k not in src.links)
        orig = t.wf.nodes.get(src.links[first][0])
        named = f"'{orig.title or orig.shown_cls}' ({orig.shown_cls}, #{orig.id})" if orig is not None else "it"
        how = (f": Normalized Attention Guidance, the generator's {values}" if got else
               ": Normalized Attention Guidance, its settings not read (the generator's own)")
        t.said.append(f"'{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id}) steers the take away from its "
                      f"'{other}'{away}{how}{'; its ' + rest + ' not read' if rest else ''}; the take's prompt is its "
                      f"'{first}', that of {named}" + _away_said(t, src.links[first][0], given))
    return src.links[first], src.links.get(other)


def _away_said(t, orig_id: str, given) -> str:
    """What becomes of the embeds a guidance node steers away from: the negative prompt, unless the original
    encode gives its own negative (then that one is the take's, as the sampler reads it: heldout44 04, Ovi's
    audio negative was said read as the negative prompt while the encode's own stood)."""
    if given is None:
        return ""
    if f"{orig_id}:neg" in t.wf.nodes:
        return (", and its own negative prompt the take's: what it steers away from is not read (Studio's guidance "
                "steers from the take's negative prompt)")
    return ", and what it steers away from is read as the negative prompt, which Studio's guidance steers from"
