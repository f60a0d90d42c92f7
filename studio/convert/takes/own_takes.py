"""The later passes of an output that sample takes of their own (passes.segment_line: started from frames of the
converted take, joined with it by ComfyUI's nodes) and the passes sampling on from them (their second expert): never
the converted take's experts, their model loader never its Load Video Model's 'model_2' nor their LoRAs its low-noise
expert's (heldout28 13: a Wan 2.1 T2V shot continued by an I2V 14B shot had the I2V model made the T2V take's
low-noise expert, with the I2V shot's LoRAs and cfg, unsaid). Plain stdlib."""
from __future__ import annotations

from typing import Any

from . import passes


def own_takes(b: Any, main: Any, rest: list) -> set[str]:
    """The ids of ``rest``'s passes that make takes of their own (said by mapping.settings as 'another take')."""
    out: set[str] = set()
    for r in rest:
        if r is main or passes.refines(b.wf, r.node):
            continue
        if passes.segment_line(b, r) is not None:
            out.add(r.node.id)
        elif (src := b.wf.source(r.node, "latent_image")) is not None and src.id in out:
            out.add(r.node.id)
    return out
