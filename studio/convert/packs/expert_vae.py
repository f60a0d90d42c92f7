"""A two- or three-model sampler (packs/expert_samplers.py) that also takes a VAE and gives it back: its declared
outputs a LATENT and a VAE, one VAE socket in, wired. What it gives on its VAE output is read as the VAE it is given
(passed through: a VAE output can only be a VAE it holds; heldout101 07, the SpaceFlower pack's sf_HighLowKSampler2,
whose 'vae' output feeds the decode after it). And its settings that name their defaults for a whole schedule
(start_at_step 0, an end_at_step past the steps, denoise 1) are no settings Studio drops: not said as not applied.
Plain stdlib."""
from __future__ import annotations

from typing import Any


def passed_vae(sockets: list[tuple[str, str]], outs: list[str], links: dict) -> str | None:
    """The VAE socket a sampler of this shape gives back (outputs LATENT, VAE; one VAE in, wired), else None."""
    vaes = [k for k, t in sockets if t == "VAE"]
    return vaes[0] if outs == ["LATENT", "VAE"] and len(vaes) == 1 and vaes[0] in links else None


def idle(k: str, v: Any, steps: Any) -> bool:
    """Whether setting ``k`` at ``v`` leaves the whole schedule as it is (its start 0, an end at or past the steps,
    denoise 1)."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return False
    if k == "start_at_step":
        return v == 0
    if k == "end_at_step":
        return isinstance(steps, int) and not isinstance(steps, bool) and v >= steps
    return k == "denoise" and v == 1


def rewire(wf: Any, n: Any, users: list, last: str, vae: str | None) -> None:
    """What read the sampler reads its last stage's latent, or (its output 1) the VAE it was given."""
    for m, k in users:
        m.links[k] = n.links[vae] if vae is not None and m.links[k][1] == 1 else (last, 0)
