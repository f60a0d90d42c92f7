"""A UI file's values of a pack node past those its translation reads by place (proxymine24). A translation names a
node's saved values by the order of the pack's version Studio knows (its WIDGETS, the catalogue's); a fork or a later
version saving more settings after those (nirvash's FramePackWrapper and its forks: FramePackSampler's
section_start_idx and num_sections after denoise_strength, maybe-dog's t2v_width and t2v_height before them) had
them dropped unsaid, though they change what the node makes (num_sections 2 samples 2 of the take's 7 sections).
Where every value read by place is of the type the pack declares there (the order holds), the ones after it are said,
as saved, not read. "After it" counts from the end of the catalogued version's own settings where it declares more
than the translation reads (rejudge24c: kijai's WanVideoVAELoader's use_cpu_cache and verbose, the version's own
settings, were called another version's; those are said by the held settings' sentence under their names). Plain
stdlib and the catalogue's door."""
from __future__ import annotations

import re
from typing import Any

from .. import catalogue
from ..reading.by_types import UPLOAD, frontend_order
from ..reading.subgraphs import CONTROL
from ..values.shown import shown


def known(n, order: tuple[str, ...]) -> tuple[str, ...]:
    """The settings a UI file's values of ``n`` are read against: the catalogued version's own, as the frontend saves
    them (a seed's control word after it where the file saves one, an upload's word last), where it declares more than
    ``order`` (the translation's); else ``order``."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or t.inputs is None or not isinstance(n.raw, list):
        return order
    out = frontend_order(t, n.raw, upload=True)
    return tuple(out) if len(out) > len(order) else order


def extra(raw: Any, order: tuple[str, ...]) -> list:
    """The values a UI file saves past the ``order`` read by place (a frontend's preview dict left out: no setting)."""
    if not isinstance(raw, list) or not order or len(raw) <= len(order):
        return []
    return [v for v in raw[len(order):] if not isinstance(v, dict) and not _markup(v)]


def _markup(v: Any) -> bool:
    """A display's text a frontend extension saves among the values (a LoRA's metadata as '<details><summary>...'),
    no setting of the node: nothing it does when the workflow runs (rejudge24c)."""
    return isinstance(v, str) and re.match(r"\s*<[A-Za-z!]", v) is not None and ">" in v


def past(n, order: tuple[str, ...]) -> list:
    """The values ``n``'s file saves past every setting the catalogued version (or the translation) knows."""
    return extra(n.raw, known(n, order))


def line(n, order: tuple[str, ...]) -> str | None:
    """The sentence for pack node ``n`` whose file saves values past ``order`` (the caller checked the values in order
    fit their declared types), else None."""
    order = known(n, order)
    more = extra(n.raw, order)
    if not more:
        return None
    t = catalogue.node_type(n.origin or n.cls)
    whose = f" ({t.pack} at {t.commit[:7]})" if t is not None and t.pack and t.commit else ""
    last = [k for k in order if k not in (CONTROL, UPLOAD)][-1]
    many = len(more) > 1
    return (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) saves {len(n.raw)} values, {len(more)} past the "
            f"{len(order)} of the pack's version Studio reads{whose}, whose last is '{last}': "
            f"{', '.join(shown(v) for v in more)} {'are settings' if many else 'is a setting'} of another version or "
            f"fork of the pack, which Studio does not know: not read, so what {'they do' if many else 'it does'} "
            "when the workflow runs is not done")
