"""Whether a UI node's values, saved by place, fit the layout Studio's catalogue declares for its type (layout23).
The frontend saves a node's widget values in the order of the version of its pack it ran; named by a later version's
order they can land one place off (heldout109 07: Lightricks' LTXVTiledSampler saved by the May 2025 layout,
first_frame_cond_strength 0.9, latents_cond_strength 0.15, boost_latent_similarity True, crop 'center', named by the
catalogue's later layout as latents_cond_strength 0.9, boost_latent_similarity 0.15, crop True). Told by the declared
types, never by a node's name: each value against its input's type (a flag for a BOOLEAN, a number within the range
for an INT or a FLOAT, a whole one for an INT, one of the choices of a COMBO whose choices are known (or a word
none of the node's other settings offers: a choice a later ComfyUI added), a text for a
STRING, a number there too as packs' scripts write numbers in text widgets), a seed's control word at its place.
Nothing saved (None) and a widget's own state (a dict, a list) are not judged. Plain stdlib."""
from __future__ import annotations

from typing import Any

from .subgraphs import CONTROL, SEED_CONTROLS

# said before a node's values where they do not fit: they are given unnamed, as saved
DIFFERS = "saved by place (the file's version of the node differs from the one Studio's catalogue read)"


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _bound(x: Any) -> float | None:
    return x if _number(x) else None


def value_fits(i: Any, v: Any, others: frozenset = frozenset()) -> bool:
    """Whether ``v`` can be the value of declared input ``i`` (None: an input the catalogue does not declare;
    ``others``: the choices the node's other settings offer)."""
    if i is None or v is None or isinstance(v, (dict, list)):
        return True
    if isinstance(v, str) and v in SEED_CONTROLS and i.type != "STRING" and not (
            isinstance(i.options, tuple) and v in i.options):
        return False  # (a control word belongs at the control's place)
    kind = i.type
    if kind == "BOOLEAN":
        return isinstance(v, bool)
    if kind in ("INT", "FLOAT"):
        if not _number(v) or kind == "INT" and not float(v).is_integer():
            return False
        lo, hi = _bound(i.min), _bound(i.max)
        return (lo is None or v >= lo) and (hi is None or v <= hi)
    if kind == "COMBO" and isinstance(i.options, tuple) and i.options:  # (a word the choices lack: a choice a later
        # ComfyUI added, CLIPLoader's 'minimax', unless another setting of the node offers it: a neighbour's value)
        if v in i.options or str(v) in {str(o) for o in i.options}:
            return True
        return isinstance(v, str) and all(isinstance(o, str) for o in i.options) and v not in others
    if kind == "STRING":
        return isinstance(v, str) or _number(v)
    return True


def _offered(declared: dict, name: str) -> frozenset:
    """The choices the node's settings other than ``name`` offer."""
    return frozenset(o for k, i in declared.items() if k != name and i is not None and isinstance(i.options, tuple)
                     for o in i.options if isinstance(o, str))


def named_fit(named: dict[str, Any], declared: dict) -> bool:
    """Every value of ``named`` (a node's settings by name; '#0'-style places and the control's aside) fits the input
    of that name ``declared`` (name -> catalogue Input) gives."""
    return all(value_fits(declared.get(k), v, _offered(declared, k)) for k, v in named.items()
               if k != CONTROL and not k.startswith("#"))


def order_fits(order: list[str], values: list, declared: dict) -> bool:
    """``values`` fit ``order``'s names by place (the control's place holding a control word)."""
    for name, v in zip(order, values):
        if name == CONTROL:
            if not (isinstance(v, str) and v in SEED_CONTROLS):
                return False
        elif not value_fits(declared.get(name), v, _offered(declared, name)):
            return False
    return True
