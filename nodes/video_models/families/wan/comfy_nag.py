"""ComfyUI's Normalized Attention Guidance model patch on a Wan take's model way (WanVideoNAG: a model and a
conditioning in, a model out, with nag_scale, nag_alpha, nag_tau): read into the generator's nag_scale, nag_tau and
nag_alpha (Studio's Wan applies NAG itself: nag.py). Its behaviour is not in its declaration (a model patch's effect
is not declared), so the family that does the same names it; its settings are read by their declared names. Studio's
NAG steers from the generator's negative prompt: the patch's own 'conditioning' is said not read apart.
Plain data and stdlib."""
from __future__ import annotations

SETTINGS = (("nag_scale", "nag_scale"), ("nag_tau", "nag_tau"), ("nag_alpha", "nag_alpha"))


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def nag_patch(wf, n) -> tuple[str, dict]:
    """(the sentence, {generator setting: value}) of a NAG patch ``n``."""
    who = f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"
    got = {mine: float(wf.value(n, theirs)) for theirs, mine in SETTINGS if _number(wf.value(n, theirs))}
    missing = [theirs for theirs, mine in SETTINGS if mine not in got]
    cond = n.links.get("conditioning")
    src = wf.nodes.get(cond[0]) if cond else None
    text = wf.value(src, "text") if src is not None else None
    quoted = f", the text '{text[:80]}{'…' if len(text) > 80 else ''}'" if isinstance(text, str) else ""
    away = (f"; its 'conditioning' (from '{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id}){quoted}) is not "
            "read apart: Studio's guidance steers from the generator's negative prompt") if src is not None else \
        "; Studio's guidance steers from the generator's negative prompt"
    told = ", ".join(f"{k} {v:g}" for k, v in got.items())
    line = (f"{who} applies Normalized Attention Guidance: the generator's {told}" if got else
            f"{who} applies Normalized Attention Guidance, its settings not read")
    if missing:
        line += f" ({', '.join(missing)} could not be read: Studio's default)"
    return line + away, got
