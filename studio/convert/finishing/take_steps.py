"""A pack's step a family makes on a loaded clip's way (the 'way_steps' hook: FlashVSR's upscalers, SeedVR2's)
made after a generator too: the generator's frames -> Studio's node (FlashVSR Upscale, SeedVR2 Upscale) -> the
save, with the settings and the sentences the family's step says on a utility's way (utility._way_step), and one
more naming the save. The heldout101 set's 07 (HunyuanVideo 1.5 -> FlashVSRNodeAdv x2 -> VHS_VideoCombine, and ->
RIFE -> a second save) wrote its takes without the upscale ("which Studio does not convert").

One ComfyUI step on one take is made once: a second save after it (07's RIFE save) is wired from the node the first
made, as ComfyUI runs it once. A task the family's step records for a utility's way (FlashVSR's 'upscale') is not
recorded here (_OnTake): the take's task is the generator's. Functions on a builder ``b`` of mapping.convert; plain
data."""
from __future__ import annotations

from ..reading.workflow import CNode

MADE = "_take_steps_made"  # the builder's own record: (ComfyUI node id, the take's wire) -> the Studio node's wire


def made(b, n: CNode, src: tuple[str, str], said: list[str], out: str) -> tuple[str, str] | None:
    """Studio's node for ``n`` after the take ``src`` (the 'way_steps' hook's step of ``n``'s type), before the save
    ``out`` (its name in words) writes it; None where no family makes ``n``'s type or its step refuses it."""
    from ..families import registry as families
    step = families.lookup("way_steps").get(n.cls) if n.enabled else None
    if step is None:
        return None
    done: dict = vars(b).setdefault(MADE, {})
    if (n.id, src) in done:  # (a second save after the same step of the same take)
        wire = done[n.id, src]
        said.append(f"{_title(b, wire)} ({n.shown_cls}, #{n.id}) of the take before {out} writes it: the same "
                    "Studio node as another save's (ComfyUI runs the step once)")
        return wire
    lines = len(said)
    wire = step(_OnTake(b), n, src, said)
    if wire is None:
        del said[lines:]
        return None
    done[n.id, src] = wire
    said.append(f"{_title(b, wire)} ({n.shown_cls}, #{n.id}) of the take before {out} writes it: Studio's node after "
                "the generator")
    return wire


def _title(b, wire: tuple[str, str]) -> str:
    """The title of Studio's node giving ``wire`` (its type's id where its spec has none)."""
    node = b.g.nodes[wire[0]]
    return getattr(node.spec, "title", None) or node.type_id


class _OnTake:
    """The builder ``b`` as a family's way step sees it after a generator: all of ``b``, but a task the step records
    for a utility's way (FlashVSR's 'upscale (FlashVSR)') is not recorded, the take's task being the generator's."""

    def __init__(self, b):
        object.__setattr__(self, "_b", b)

    def __getattr__(self, name: str):
        return getattr(self._b, name)

    def __setattr__(self, name: str, value) -> None:
        setattr(self._b, name, value)

    def task_made(self, what: str, fam: str | None, generator: str | None, inputs: list[str]) -> None:
        """Not recorded: a step after a generator is no task of its own."""
