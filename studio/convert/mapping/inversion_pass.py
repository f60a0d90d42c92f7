"""An inversion's later pass (redetail8, issue 112): a Video to Video whose first pass adds no noise to the encoded
clip (walks.adds_noise: an inversion, as RF-inversion makes it, usually with an empty prompt at cfg 1) and whose
latent a later pass samples again (through steps on the latent: a guide, attention injections) makes the video with
that later pass: its prompt, negative, cfg and seed are the take's. Told by the samplers' wiring (the later pass's
latent traced back to the first's output by inputs declared LATENT) and the noise they add, no node named. One
sentence says what differs from the first pass. Plain data."""
from __future__ import annotations

from ..reading.workflow import CNode, Workflow
from ..tracing.prompts import prompt_text
from ..tracing.roles import is_latent_input
from ..tracing.tasks import V2V
from ..tracing.walks import adds_noise
from ..values.shown import g4

POSITIVE = ("positive", "conditioning", "cond1")


def _after(wf: Workflow, later: CNode, first: CNode, limit: int = 32) -> bool:
    """``later``'s latent comes from ``first``'s output through nodes' latent inputs."""
    todo, seen = [later], set()
    while todo and len(seen) < limit:
        n = todo.pop()
        for name, (src, _) in n.links.items():
            if not is_latent_input(n, name) or src in seen or src not in wf.nodes:
                continue
            if src == first.id:
                return True
            seen.add(src)
            todo.append(wf.nodes[src])
    return False


def _prompts(wf: Workflow, cond: CNode, used: set) -> tuple[str | None, str | None]:
    """(the positive, the negative prompt) of a sampler's conditioning node."""
    pos = next((k for k in POSITIVE if k in cond.links), None)
    texts = []
    for k in (pos, "negative"):
        src = wf.source(cond, k) if k else None
        texts.append(prompt_text(wf, src, "positive" if k == pos else "negative", used, None,
                                 cond.links[k][1]) if src is not None else None)
    return texts[0], texts[1]


def _shown(k: str, v) -> str:
    if "prompt" in k:
        return f"'{v}'" if v is not None and len(str(v)) <= 40 else "'" + str(v)[:40] + "...'" if v else "''"
    return g4(v) if isinstance(v, float) else str(v)


def apply(b, o, params: dict, said: list[str]) -> None:
    """Take the later pass's prompt, negative, cfg and seed for the take where ``o``'s first pass is an inversion of
    the encoded clip (no noise added) that a later pass samples again; said."""
    wf = b.wf
    if o.task != V2V or not o.rest or adds_noise(wf, o.main.node):
        return
    later = o.rest[0]
    unguided = (o.main.cfg is not None and o.main.cfg <= 1) or params.get("prompt") == ""  # (an inversion samples the
    if not unguided or not _after(wf, later.node, o.main.node):  # clip unguided: no cfg, or an empty prompt; an
        return  # edit pass of its own, FlowEdit's, guided toward a prompt, keeps its settings)
    pos, neg = _prompts(wf, later.inputs(wf), b.used)
    took = {k: v for k, v in (("prompt", pos), ("negative_prompt", neg), ("guidance", later.cfg),
                              ("seed", later.seed)) if v is not None and v != params.get(k)}
    if not took:
        return
    names = {"prompt": "prompt", "negative_prompt": "negative prompt", "guidance": "cfg", "seed": "seed"}
    first_words = ", ".join(f"its {names[k]} {_shown(k, params.get(k))}" for k in took)
    params.update(took)
    first, node = o.main.node, later.node
    said.append(f"'{first.title or first.shown_cls}' (#{first.id}) adds no noise to the encoded clip (an inversion of it: "
                f"{first_words}) and '{node.title or node.shown_cls}' (#{node.id}) samples its latent again to make the "
                f"video: the take has that later pass's {', '.join(names[k] for k in took)}")
