"""A pack's sampler that gives more than its latent (Efficiency Nodes' 'KSampler (Efficient)': MODEL, positive,
negative, LATENT, VAE, IMAGE out), told by its declared types (issue 112, item 2): KSampler's sockets in (a MODEL, a
positive and a negative CONDITIONING, one LATENT, and maybe a VAE), one LATENT out, and beside it only pass-throughs
of what it was given (its MODEL, its two CONDITIONING in order, its VAE) and an IMAGE (its latent decoded with that
VAE). It is read as ComfyUI's KSampler (packs/shapes.py's reading of a sampler), each reader of a pass-through wired
to what the sampler was given, and the IMAGE's readers to a VAEDecode of its latent; one sentence says so.
Plain data and stdlib."""
from __future__ import annotations

from ..reading.file_ids import file_id
from ..reading.workflow import CNode, Workflow
from ..tracing.roles import consumers
from .shapes import declared_of, sampler_of, unread

PASSED = ("MODEL", "CONDITIONING", "VAE")  # outputs that give back what it was given
OFF = ("false", "disabled", "off", "none", False, 0)  # a decode setting saying the IMAGE is not made


def _read(wf: Workflow, n: CNode) -> str | None:
    ins, outs = declared_of(wf, n)
    if len(outs) < 2 or outs.count("LATENT") != 1 or any(o not in PASSED + ("LATENT", "IMAGE") for o in outs):
        return None
    if any(outs.count(t) > 1 for t in ("MODEL", "VAE", "IMAGE")) or outs.count("CONDITIONING") not in (0, 2):
        return None
    sockets = {k: t for k, t, w in ins if not w}
    models = [k for k, t in sockets.items() if t == "MODEL"]
    vaes = [k for k, t in sockets.items() if t == "VAE"]
    if len(models) != 1 or len(vaes) > 1:
        return None
    given = {"MODEL": n.links.get(models[0]), "VAE": n.links.get(vaes[0]) if vaes else None}
    conds = iter(("positive", "negative"))
    readers = [(m, k, outs[m.links[k][1]] if m.links[k][1] < len(outs) else None)
               for m, k in consumers(wf).get(n.id, ())]
    if any(t is None for _, _, t in readers):
        return None
    decode = [s for s in (k for k, _, w in ins if w) if "decode" in s.lower()]
    if any(t == "IMAGE" for _, _, t in readers) and (given["VAE"] is None or any(
            n.widgets.get(s) in OFF for s in decode)):
        return None  # its picture decoded with no VAE it was given (or not decoded at all): not told here
    if any(t in ("MODEL", "VAE") and given[t] is None for _, _, t in readers):
        return None
    cond_at = [i for i, o in enumerate(outs) if o == "CONDITIONING"]
    cond_src = {i: n.links.get(name) for i, name in zip(cond_at, conds)}
    if any(t == "CONDITIONING" and cond_src.get(m.links[k][1]) is None for m, k, t in readers):
        return None
    vae_link = n.links.pop(vaes[0], None) if vaes else None
    kept = [(k, t, w) for k, t, w in ins if k not in vaes and not (w and k in decode)]
    widgets = dict(n.widgets)
    n.widgets = {k: v for k, v in n.widgets.items() if k not in decode}
    line = sampler_of(n, kept, ["LATENT"], True)
    if line is None:
        n.widgets = widgets
        if vae_link is not None:
            n.links[vaes[0]] = vae_link
        return None
    decoder = CNode(id=f"{n.id}:decode", cls="VAEDecode", title=f"{n.title or n.shown_cls}'s IMAGE",
                    links={"samples": (n.id, 0), "vae": vae_link}, pos=n.pos)
    told = _rewire(wf, n, readers, {**cond_src, **{i: (n.id, 0) if o == "LATENT" else (decoder.id, 0) if o == "IMAGE"
                                                  else given.get(o) for i, o in enumerate(outs) if i not in cond_src}})
    line += (f"; it gives {len(outs)} outputs ({', '.join(outs)}): its latent (output {outs.index('LATENT') + 1}) read "
             "as KSampler's")
    if any(t == "IMAGE" for _, _, t in readers):
        wf.nodes[decoder.id] = decoder
        line += f", its IMAGE as that latent decoded with its '{vaes[0]}' (a VAEDecode, #{decoder.id})"
    wf.__dict__.pop("_consumers", None)
    passed = [t for t in dict.fromkeys(outs) if t in PASSED]
    if passed:
        line += f", its {', '.join(passed)} {'outputs' if len(passed) > 1 else 'output'} as what it was given"
    if told:
        line += f"; read so: {', '.join(told)}"
    if decode:
        line += f" (its {', '.join(f'{s} {widgets.get(s)!r}' for s in decode)}: the IMAGE decoded)"
    return line


def _rewire(wf: Workflow, n: CNode, readers: list, sources: dict) -> list[str]:
    """Each reader of ``n``'s outputs wired to its output's source in ``sources`` (by slot); each said."""
    told = []
    for m, k, t in readers:
        m.links[k] = sources[m.links[k][1]]
        own = file_id(m.id)  # (a node another reading made in a file node's place: said as what it is, for whom)
        who = (f"'{m.title or m.shown_cls}' (#{m.id})'s '{k}'" if own == m.id else
               f"the '{k}' of the {m.cls} read in place of '{m.title or m.shown_cls}' (#{own})")
        told.append(who + ("" if t in ("LATENT", "IMAGE") else f" ({t}: what #{n.id} was given)"))
    return list(dict.fromkeys(told))


def translate(wf: Workflow) -> list[str]:
    """Each such sampler read as ComfyUI's KSampler and its other outputs' readers rewired; one sentence each."""
    said = []
    for n in unread(wf):
        line = _read(wf, n)
        if line:
            said.append(line)
    return said
