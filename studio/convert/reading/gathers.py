"""A node putting several pictures (masks, latents, sounds, clips) together into one output, told by its declared
types and its file: inputs of the type its output gives named by one word and numbers (image_1, image_2...), those
its type declares and those its page adds beyond them (Fill-Nodes' FL_ImageBatch and KJNodes' ImageBatchMulti grow
'image_3', 'image_4'... to their 'inputcount'), two or more wired; a switch (which passes one of them on) is not one.
How it puts them together (one after another, side by side, blended) its declaration does not say: a word of its
type's name or display name ('batch', 'list', 'concat') is read for that, the rest of the sentence holding without
it (heldout26 03: FL_ImageBatch of seven pictures was said "a step between its 'image_1', 'image_2' and ..."). Plain
data and stdlib."""
from __future__ import annotations

import re
from typing import Any

from .. import catalogue

NUMBERED = re.compile(r"^(.*?)(\d+)$")
KINDS = {"IMAGE": "pictures", "MASK": "masks", "LATENT": "latents", "AUDIO": "sounds", "VIDEO": "clips"}
SHOWN = 8  # inputs named one by one up to this many
CHOOSING = ("select", "index", "boolean", "switch")  # a switch's choosing setting: it passes one input on
# how the pieces are put together, by a word of the type's names (not in its declaration)
HOW = (("batch", "as one batch, one after another"), ("list", "as one list, one after another"),
       ("concat", "joined"))


def _template(kind: Any) -> bool:
    """A V3 template type (COMFY_MATCHTYPE_V3, COMFY_MULTITYPED_V3): the type is what is wired, not declared."""
    return isinstance(kind, str) and kind.startswith("COMFY_")


def _outputs(n: Any, t: Any) -> list[str]:
    """``n``'s declared output types, a V3 template one as the file (or mapping/templates) types it on ``n``
    (KJNodes' ImageConcatMulti declares its output and its 'image_1' COMFY_MATCHTYPE_V3: pictures where pictures are
    wired; heldout70 08's four-input concat was said "a step between its 'image_1', 'image_2'")."""
    saved = list(getattr(n, "out_types", None) or ())
    return [saved[k] if _template(o) and k < len(saved) and saved[k] else o for k, o in enumerate(t.output_types)]


def _socket_type(n: Any, i: Any) -> str:
    """Input ``i``'s declared type, a V3 template one as the file types it on ``n``."""
    return (getattr(n, "in_types", None) or {}).get(i.name, i.type) if _template(i.type) else i.type


def gathered(n: Any, templates: bool = True) -> list[str]:
    """The wired numbered inputs ``n`` puts together, in number order (two or more); [] for another node.
    ``templates``: V3 template types read as the file types them (else a template output is none of KINDS: the
    reading takes/made_after keeps, which names a held video's maker - heldout70's check: read there, a VACE file's
    held headline named its comparison concat instead of the VACE encode Studio cannot wire)."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or t.inputs is None or not t.outputs or any(
            w.name.lower() in CHOOSING for w in t.widgets):
        return []
    kinds = {o for o in (_outputs(n, t) if templates else t.output_types) if o in KINDS}
    if len(kinds) != 1:
        return []
    kind = next(iter(kinds))
    declared = [(m.group(1), i.name) for i in t.sockets if _socket_type(n, i) == kind and (
        m := NUMBERED.match(i.name))]
    stems = {s for s, _ in declared}
    if len(declared) < 2 or len(stems) != 1:
        return []
    stem = next(iter(stems))
    saved = n.in_types or {k: kind for k in n.links}  # (an API file saves no types: its links by name)
    names = dict.fromkeys([x for _, x in declared] + [k for k, v in saved.items() if v in (kind, "*") and (
        m := NUMBERED.match(k)) and m.group(1) == stem])
    wired = sorted((k for k in names if k in n.links), key=lambda k: int(NUMBERED.match(k).group(2)))
    return wired if len(wired) >= 2 else []


def added(n: Any, names: list[str]) -> int:
    """How many of ``names`` its type does not declare (inputs its page adds)."""
    t = catalogue.node_type(n.origin or n.cls)
    return sum(1 for k in names if t is None or t.input(k) is None)


def sentence(n: Any, names: list[str], into: str, tail: str) -> str:
    """The sentence of gathering node ``n`` passed over on its way into ``into``."""
    t = catalogue.node_type(n.origin or n.cls)
    kind = next(KINDS[o] for o in _outputs(n, t) if o in KINDS)
    words = f"{t.name} {t.display}".lower()
    how = next((h for w, h in HOW if w in words), "")
    shown = ", ".join(f"'{k}'" for k in names) if len(names) <= SHOWN else f"'{names[0]}' ... '{names[-1]}'"
    more = added(n, names)
    grown = (f", {'one of them an input' if more == 1 else f'{more} of them inputs'} its page adds beyond the "
             f"{len(names) - more} its type declares") if more else ""
    return (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) puts together the {len(names)} {kind} wired into "
            f"its {shown}{grown}{f' ({how}, as its name says)' if how else ''} and gives what it makes of them to "
            f"{into}: not applied{tail}")
