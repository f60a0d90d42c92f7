"""Two experts' passes that each sample a sigma list of their own (Wan 2.2 A14B's high- and low-noise experts given two
ManualSigmas, four numbers apiece, not one schedule split: heldout86 01 and 02, a chain of clips on an AMD card): the
workflow samples the first list's steps, then the second's; Studio's generator samples one schedule of 'steps',
switching experts at the model's boundary_ratio. Its steps are the two lists' together, said, where the generator was
given the first pass's alone (4 of 4 + 4, unsaid). A later pass adding fresh noise to the take it continues
(SamplerCustom's add_noise on a take still holding noise: ComfyUI puts its first sigma's share of new noise on top) is
said not applied. Read by the passes' types and values; plain data."""
from __future__ import annotations

from ..tracing.sampling import Sampling

SIGMA_LISTS = ("ManualSigmas", "BasicScheduler")  # nodes giving a pass a schedule of its own steps


def _own_list(s: Sampling) -> bool:
    """Whether pass ``s`` samples a whole sigma list of its own (no part of a split one, no start or end step)."""
    sig = s.at.get("steps")
    return sig is not None and sig.cls in SIGMA_LISTS and sig is not s.node and s.start is None and s.end is None \
        and isinstance(s.steps, int) and not isinstance(s.steps, bool)


def _first_sigma(s: Sampling) -> str | None:
    text = str(s.extra.get("sigmas") or "")
    first = text.replace(";", ",").split(",")[0].strip() if text else ""
    return first or None


def steps(b, o, params: dict, said: list[str]) -> dict:
    """{'steps': the two lists' steps together} where the output's two expert passes (``o.main`` and its low-noise
    pass, on two model loaders) each sample a sigma list of their own, said; {} otherwise."""
    low = next((r for r in o.rest if r.node.id in getattr(b, "low_passes", ())), None)
    if low is None or len(o.loaders) < 2 or not _own_list(o.main) or not _own_list(low) or \
            o.main.at["steps"].id == low.at["steps"].id or params.get("steps") != o.main.steps:
        return {}
    a, z, total = o.main.at["steps"], low.at["steps"], o.main.steps + low.steps
    lines = [f"the two experts each sample a sigma list of their own ('{a.title or a.shown_cls}' ({a.shown_cls}, "
             f"#{a.id}): {o.main.steps} steps; '{z.title or z.shown_cls}' ({z.shown_cls}, #{z.id}): {low.steps} "
             f"steps): the generator makes {o.main.steps} + {low.steps} = {total} steps in one schedule, switching "
             "experts at the model's boundary_ratio"]
    if low.node.cls == "SamplerCustom" and b.wf.value(low.node, "add_noise") is True and \
            (first := _first_sigma(low)) is not None and first not in ("0", "0.0"):
        lines.append(f"'{low.node.title or low.node.shown_cls}' (#{low.node.id}) adds fresh noise to the take it "
                     f"continues (add_noise on, at its first sigma {first}), on top of the noise the take still "
                     "holds: not applied, Studio's generator continues the take with no noise added")
    said.extend(lines)
    b.out.log.extend(f"{b.name}: {x}" for x in lines)
    return {"steps": total}
