"""What a held pack task's makers and the nodes they are made with are set to (pack_makers.hold): each one's
settings as saved in its sentence, and each text its type declares multiline (a prompt, a caption) held whole as a
Text Prompt titled by its setting, as a held task's prompt encoders are (held_prompts). Found by the thirty-sixth
held-out set: an LTX-2.3 ID-LoRA pack's prompt ('[VISUAL]: ... [SPEECH]: ...'), its sampler's seed, size, frames,
steps and guidance and its loader's files, and the Vantage looper's seed, steps and size, were named nowhere of a
held take. Told by declared types (the catalogue's multiline STRING inputs), never by a pack's name. Stdlib."""
from __future__ import annotations

from studio.core.shown import cut

from .. import catalogue
from ..reading.workflow import CNode
from studio.core.shown import rounded

SHOWN_CHARS = 60  # a held text in the sentence naming it (the Text Prompt holds it whole)
TEXT_CHARS = 120  # another text setting (a file name, a project) in the settings said


def texts(n: CNode) -> list[tuple[str, str]]:
    """(setting, text) of each multiline STRING ``n``'s type declares that the file sets to a text (not wired)."""
    t = catalogue.node_type(n.shown_cls)
    if t is None or t.inputs is None:  # (a type the catalogue holds without its inputs: none declared)
        return []
    out = []
    for i in t.inputs:
        v = n.widgets.get(i.name)
        if i.multiline and i.type == "STRING" and i.name not in n.links and isinstance(v, str) and v.strip():
            out.append((i.name, v))
    return out


def settings_said(b, n: CNode, pending: list) -> str:
    """``; its ... held whole as a Text Prompt`` for each text held and `` (its settings: ...)`` for ``n``'s sentence,
    every setting named whole (a long text cut, the held ones left out: the Text Prompt has them); '' where none."""
    held = texts(n)
    pending.extend((n, name, text) for name, text in held)  # (made after the task is held: hold_texts)
    names = {name for name, _ in held}
    if not _named_right(n):  # values not of their names' declared kinds (a seed's control saved between): by place
        raw = n.raw if isinstance(n.raw, list) else []
        return "".join(f"; its {k} '{cut(t, SHOWN_CHARS)}' held whole as a Text Prompt" for k, t in held) + (
            f" (its settings as saved, in order: {', '.join(_value(b, n, '', v) for v in raw)})" if raw else "")
    shown = [f"{k} {_value(b, n, k, v)}" for k, v in n.settings().items() if k not in names]
    words = [f"its {name} '{cut(text, SHOWN_CHARS)}' held whole as a Text Prompt" for name, text in held]
    return "".join(f"; {w}" for w in words) + (f" (its settings: {', '.join(shown)})" if shown else "")


def hold_texts(b, pending: list) -> None:
    """Each text ``settings_said`` found held as a Text Prompt titled by its setting, once (a prompt the held task
    holds already, as its encoder's, is not held twice)."""
    there = {x.params.get("text") for x in b.g.nodes.values() if x.type_id == "io.text"}
    for n, name, text in pending:
        if text not in there:
            there.add(text)
            b.add("io.text", {"text": text}, None, title=f"{name} ({n.title or n.shown_cls})")  # (its node is passed
            # over with its sentence, not made: the Text Prompt is no node of it)


KINDS = {"INT": (int,), "FLOAT": (int, float), "BOOLEAN": (bool,), "STRING": (str,), "COMBO": (str, int, float, bool)}


def _named_right(n: CNode) -> bool:
    """Each named setting's value is of the kind its declared input takes (a number for an INT, a flag for a
    BOOLEAN): names given by place line up with the values (else a control value saved between shifts them)."""
    t = catalogue.node_type(n.shown_cls)
    declared = {i.name: i.type for i in (t.inputs or [])} if t is not None else {}
    for k, v in n.settings().items():
        kinds = KINDS.get(declared.get(k, ""))
        if kinds is None:
            continue
        if not isinstance(v, kinds) or (isinstance(v, bool) and bool not in kinds):
            return False
    return True


def _value(b, n: CNode, k: str, v) -> str:
    """A setting's value as said: the value wired in where Studio works it out, '(wired)' else; a long text cut."""
    if k in n.links:
        v = b.wf.value(n, k)
        if v is None:
            return "(wired)"
    if not isinstance(v, str):
        return str(rounded(v))
    return cut(v, min(TEXT_CHARS, v.find("; ") if "; " in v else TEXT_CHARS)) or "''"  # (cut before a '; ': the
    # settings' own separator)
