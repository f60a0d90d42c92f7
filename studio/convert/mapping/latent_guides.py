"""A node on a take's latent way that adds a latent of its own to it (Lightricks' LTXVAddLatentGuide: a 'guiding_latent'
an encode makes of pictures, put at a latent frame): told by its declared types (two LATENT inputs linked, one of them
made by an encoder of pictures off the take's way). No family reads it: where the builder passes the take's latent
through it (mapping.intent's latent steps), it says that the guide is not applied, naming the node, the input, the
encode and its settings, instead of dropping it in silence (heldout40's loop: the reference picture guiding each
pass's last frame). Plain data and stdlib."""
from __future__ import annotations

from ..reading.workflow import CNode, Workflow
from ..tracing.roles import in_type

ENCODES = ("VAEEncode",)  # ComfyUI's encoders of pictures into a latent (and any type named from them)


def guide_words(wf: Workflow, n: CNode, way: set[str]) -> str | None:
    """The sentence of ``n``'s own latent where an encode gives it and the take's latent comes through another of its
    inputs (from a node of ``way``, the take's latent way); None where ``n`` adds none."""
    latents = [k for k in n.links if in_type(n, k) == "LATENT"]
    if len(latents) < 2 or not any(n.links[k][0] in way for k in latents):
        return None  # (no latent of the take's way through it: an encode it is given is the take's own start)
    for k in latents:
        src = wf.nodes.get(n.links[k][0])
        if src is None or src.id in way or not src.cls.startswith(ENCODES):
            continue
        sets = {name: v for name, v in n.settings().items() if not isinstance(v, (dict, list))
                and not name.startswith("#")}  # (settings by their names: one saved by place is not named here)
        shown = ", ".join(f"{name} {v}" for name, v in sets.items())
        return (f"{n.named()} combines the take's latent with the latent {src.named()} encodes, given on its '{k}'"
                + (f" ({shown})" if shown else "") + ": not applied, Studio's generator is not given it")
    return None
