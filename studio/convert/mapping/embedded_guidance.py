"""The guidance of a family whose generator's guidance is its guidance-distilled model's embedded one (its
'embedded_guidance' hook: FLUX.1 dev's): FluxGuidance's (or a node declaring the same FLOAT 'guidance',
tracing/guiders.distilled_input) where one is on the prompt's way, else the family's default (ComfyUI's 3.5); a
sampler's cfg above 1, whose classifier-free guidance with the negative prompt Studio's generator does not run, said
not taken; a family whose pipeline guides by true CFG beside it (its 'true_cfg' hook: SkyReels V1's 6 wherever a
negative prompt is given) says a cfg other than that one not taken, and is given no negative prompt where the sampler
runs none (cfg 1). Plain stdlib."""
from __future__ import annotations

from typing import Any

from ..families import registry as families
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
    true_cfg = families.family_hook(b.family_now, "true_cfg")
    if _number(main.cfg) and main.cfg > 1 and true_cfg is None:
        said.append(f"the sampler's cfg {g4(main.cfg)} (classifier-free guidance with the negative prompt) is not "
                    f"taken: Studio's {b.family_now} runs with its embedded guidance alone")
    elif _number(main.cfg) and main.cfg > 1 and main.cfg != true_cfg:
        said.append(f"the sampler's cfg {g4(main.cfg)} (classifier-free guidance with the negative prompt) is not "
                    f"taken: Studio's {b.family_now} guides by true CFG {g4(true_cfg)} (its pipeline's) wherever a "
                    "negative prompt is given")
    return value


def true_cfg_negative(b, main, negative: Any, said: list[str]) -> Any:
    """The generator's negative prompt for a family whose pipeline guides by true CFG wherever one is given (its
    'true_cfg' hook: SkyReels V1's 6): none where the sampler runs without classifier-free guidance (cfg 1), which
    would otherwise guide the take by that negative, said; else ``negative``."""
    true_cfg = families.family_hook(b.family_now, "true_cfg")
    if true_cfg is None or not negative or (_number(main.cfg) and main.cfg > 1):
        return negative
    said.append(f"the sampler's cfg {g4(main.cfg) if _number(main.cfg) else main.cfg} runs no classifier-free guidance: "
                f"its negative prompt is not given to the generator, as Studio's {b.family_now} guides by true CFG "
                f"{g4(true_cfg)} wherever a negative prompt is given")
    return ""


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)
