"""A hand-written HunyuanVideoWrapper workflow (lizz-ee's: its sampler wired as if it were ComfyUI's KSampler): the
sockets the file saves on HyVideoSampler at KSampler's names ('positive', 'negative', 'latent_image'), which the
wrapper does not declare for it (the catalogue says so), read as KSampler reads them, since the translation makes
the sampler a KSampler; said, as the wrapper itself would not run such a file. Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, node_type

KSAMPLER_WAYS = ("positive", "negative", "latent_image")  # ComfyUI's KSampler's sockets the file may use


def hand_wired(n: CNode, said: list[str]) -> dict:
    """{KSampler's socket: link} of what the file wires into ``n`` at names its pack does not declare for it (and the
    sentence saying so in ``said``); {} where it wires none (a workflow the wrapper made)."""
    t = node_type(n.cls)
    declared = {i.name for i in (t.inputs or ())} if t is not None else set()
    if t is None or t.inputs is None:
        return {}
    got = {k: n.links[k] for k in KSAMPLER_WAYS if k in n.links and k not in declared}
    if got:
        said.append(f"'{n.title or n.cls}' ({n.cls}, #{n.id}) is wired at {', '.join(repr(k) for k in got)}, inputs "
                    f"its pack does not declare for it (ComfyUI's KSampler's: a hand-written file the wrapper would "
                    "refuse): read as KSampler reads them")
    return got
