"""A prompt relay as node packs save one (kijai's ComfyUI-PromptRelay: PromptRelayEncode, PromptRelayEncodeTimeline),
read by its declared types: a node taking a CLIP and giving CONDITIONING whose text settings are a 'global_prompt'
over the whole take and 'local_prompts' separated by '|', one per stretch of the take, the stretches' lengths in
frames in 'segment_lengths' ('12, 12, 15': each local prompt's; empty: spread evenly). The pack encodes the global
prompt followed by each local prompt after a space as one text and confines each local prompt's words to its stretch
by patching the model's attention (read for facts only: kijai/ComfyUI-PromptRelay@fabcbb7d, nodes.py,
prompt_relay.py map_token_indices). Read here: the prompts, the stretches' starts, the text it encodes. Plain stdlib."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from .. import catalogue
from .workflow import CNode

# the packs' settings in the order a UI file saves their values (its declared inputs' widgets, in order); the pack is
# not in the catalogue's sources, so its declaration's order is kept here as data (facts of nodes.py@fabcbb7d)
LAYOUTS = {
    "PromptRelayEncode": ("global_prompt", "local_prompts", "segment_lengths", "epsilon"),
    "PromptRelayEncodeTimeline": ("global_prompt", "max_frames", "timeline_data", "local_prompts", "segment_lengths",
                                  "epsilon", "fps", "time_units"),
}
SOCKETS = ({"model": "MODEL", "clip": "CLIP", "latent": "LATENT"}, ["MODEL", "CONDITIONING"])  # both types' own
MAX_LOCALS = 256


@dataclass
class Relay:
    node: CNode
    global_prompt: str
    locals: list[str]  # each stretch's prompt, in order
    lengths: list[int] | None  # each stretch's length in frames; None: spread evenly over the take
    epsilon: Any = None

    @property
    def encoded(self) -> str:
        """The one text the pack encodes: the global prompt, then each local prompt after a space."""
        return self.global_prompt + "".join(" " + p for p in self.locals)

    def starts(self) -> list[int] | None:
        """The frame each stretch starts at (where the lengths are given)."""
        if self.lengths is None:
            return None
        out, at = [], 0
        for n in self.lengths:
            out.append(at)
            at += n
        return out


def _settings(n: CNode, value: Callable[[CNode, str], Any] | None) -> dict[str, Any]:
    """Its settings by name: as the file names them, else its UI values in the declared order (the catalogue's, else
    LAYOUTS); a wired text's value where ``value`` works it out."""
    t = catalogue.node_type(n.origin or n.cls)
    order = tuple(i.name for i in t.widgets) if t is not None and t.inputs is not None else LAYOUTS.get(n.origin or n.cls)
    s = dict(n.widgets)
    raw = n.raw if isinstance(n.raw, list) else []
    if not s and order and len(raw) >= len(order):
        s = dict(zip(order, raw))
    for k in ("global_prompt", "local_prompts", "segment_lengths"):
        if k in n.links:
            s[k] = value(n, k) if value is not None else None
    return s


def _lengths(text: Any, count: int) -> list[int] | None:
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        got = [int(x.strip()) for x in text.split(",") if x.strip()]
    except ValueError:
        return None
    return got if len(got) == count and all(x > 0 for x in got) else None


def read(n: CNode, value: Callable[[CNode, str], Any] | None = None) -> Relay | None:
    """``n`` as a prompt relay where its types and settings say it is one; None else (or where a text is not known)."""
    t = catalogue.node_type(n.origin or n.cls)
    own = SOCKETS if (n.origin or n.cls) in LAYOUTS else ({}, [])  # (an API file saves no types)
    outs = list(t.output_types) if t is not None and t.outputs is not None else list(n.out_types) or own[1]
    ins = {i.name: i.type for i in t.inputs} if t is not None and t.inputs is not None else {**own[0], **n.in_types}
    if "CONDITIONING" not in outs or "CLIP" not in ins.values():
        return None
    s = _settings(n, value)
    g, loc = s.get("global_prompt"), s.get("local_prompts")
    if not isinstance(g, str) or not isinstance(loc, str):
        return None
    locals_ = [p.strip() for p in loc.split("|") if p.strip()][:MAX_LOCALS]
    if not locals_:
        return None
    return Relay(n, g, locals_, _lengths(s.get("segment_lengths"), len(locals_)), s.get("epsilon"))
