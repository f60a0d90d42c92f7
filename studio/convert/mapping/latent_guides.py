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
    """The sentence of ``n``'s own latent (not the take's, whose nodes are ``way``) where an encode gives it; None
    where ``n`` adds none."""
    latents = [k for k in n.links if in_type(n, k) == "LATENT"]
    if len(latents) < 2:
        return None
    for k in latents:
        src = wf.nodes.get(n.links[k][0])
        if src is None or src.id in way or not src.cls.startswith(ENCODES):
            continue
        sets = {name: v for name, v in n.settings().items() if not isinstance(v, (dict, list))}
        shown = ", ".join(f"{name} {v}" for name, v in sets.items())
        return (f"{n.named()} adds to the take's latent the latent {src.named()} encodes, given on its '{k}'"
                + (f" ({shown})" if shown else "") + ": not applied, Studio's generator is not given it")
    return None
