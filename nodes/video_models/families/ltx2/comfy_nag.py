"""KJNodes' LTX2_NAG on an LTX-2 take's model way (a model and two optional conditionings, 'nag_cond_video' and
'nag_cond_audio', in; a model out; nag_scale, nag_alpha, nag_tau, inplace): read into the generator's nag_scale,
nag_tau and nag_alpha (Studio's LTX-2 applies NAG itself on the picture's text cross-attention: nag.py). Its
behaviour is not in its declaration (a model patch's effect is not declared), so the family that does the same names
it; its settings are read by their declared names. Studio's NAG steers from the generator's negative prompt: the
patch's own conditionings are said not read apart, and a 'nag_cond_audio' (ComfyUI then guides the sound's text
cross-attention too) said not applied to the sound. 'inplace' is a memory choice of the patch's (no effect on what is
made). Plain data and stdlib."""
from __future__ import annotations

SETTINGS = (("nag_scale", "nag_scale"), ("nag_tau", "nag_tau"), ("nag_alpha", "nag_alpha"))
WIDGETS = {"LTX2_NAG": ("nag_scale", "nag_alpha", "nag_tau", "inplace")}  # (its declared inputs' order)


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _source(wf, n, port: str) -> tuple[str, str | None]:
    """Where ``n``'s input ``port`` comes from, in words ('' : nothing wired), and its text where it holds one."""
    link = n.links.get(port)
    src = wf.nodes.get(link[0]) if link else None
    if src is None:
        return "", None
    text = wf.value(src, "text")
    text = text if isinstance(text, str) and text.strip() else None
    quoted = f", the text '{text[:80]}{'…' if len(text) > 80 else ''}'" if text else ""
    return f"'{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id}){quoted}", text


def nag_patch(wf, n) -> tuple[str, dict]:
    """(the sentence, {generator setting: value}) of an LTX-2 NAG patch ``n``."""
    who = f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"
    got = {mine: float(wf.value(n, theirs)) for theirs, mine in SETTINGS if _number(wf.value(n, theirs))}
    missing = [theirs for theirs, mine in SETTINGS if mine not in got]
    told = ", ".join(f"{k} {v:g}" for k, v in got.items())
    line = (f"{who} applies Normalized Attention Guidance to the picture: the generator's {told}" if got else
            f"{who} applies Normalized Attention Guidance to the picture, its settings not read")
    if missing:
        line += f" ({', '.join(missing)} could not be read: Studio's default)"
    (video, _text), (audio, _a) = _source(wf, n, "nag_cond_video"), _source(wf, n, "nag_cond_audio")
    if video:  # (Studio's NAG negative is the generator's negative prompt: its text not carried apart)
        line += (f"; its 'nag_cond_video' (from {video}) is not read apart: Studio's guidance steers from the "
                 "generator's negative prompt")
    else:
        line += "; Studio's guidance steers from the generator's negative prompt"
    if audio:
        line += (f"; its 'nag_cond_audio' (from {audio}) is not applied: Studio guides the picture's text "
                 "cross-attention, not the sound's")
    return line, got
