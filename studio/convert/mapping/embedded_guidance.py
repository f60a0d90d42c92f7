"""The guidance of a family whose generator's guidance is its guidance-distilled model's embedded one (its
'embedded_guidance' hook: FLUX.1 dev's): FluxGuidance's (or a node declaring the same FLOAT 'guidance',
tracing/guiders.distilled_input) where one is on the prompt's way, else the family's default (ComfyUI's 3.5); a
sampler's cfg above 1, whose classifier-free guidance with the negative prompt Studio's generator does not run, said
not taken. Plain stdlib."""
from __future__ import annotations

from typing import Any

from ..values.shown import g4


def embedded_guidance(b, main, found, default: float, said: list[str]) -> Any:
    """The generator's guidance (``found``: (node, value) of the node setting it, or None; ``main``: the sampler's
    reading), what it is said."""
    value, name = default, None
    if found is not None:
        node, v = found
        b.used.add(node.id)
        name = f"'{node.title or node.shown_cls}' ({node.shown_cls}, #{node.id})"
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            value = float(v)
    said.append(f"{name} {g4(value)}: the generator's guidance (the model's embedded guidance)" if name else
                f"no FluxGuidance sets the embedded guidance: the generator's guidance is {g4(value)}, the one ComfyUI "
                f"runs {b.family_now} at")
    if isinstance(main.cfg, (int, float)) and not isinstance(main.cfg, bool) and main.cfg > 1:
        said.append(f"the sampler's cfg {g4(main.cfg)} (classifier-free guidance with the negative prompt) is not "
                    f"taken: Studio's {b.family_now} runs with its embedded guidance alone")
    return value
