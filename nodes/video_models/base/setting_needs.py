"""Settings a model takes only with a capability: "setting X needs capability Y", declared once a pair
(``SETTING_NEEDS``). A converted Wan 2.2 graph pointed at a Wan 2.1 model kept 'guidance_2' = 3.5 and failed in
diffusers' words ('guidance_scale_2 is only supported when the pipeline's boundary_ratio is not None', issue 116):
the generator's advice (sampling/advice.py) says it on the node before F5, and the call's arguments
(sampling/call_args.py) leave it out at the run, saying so. Plain data and stdlib."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .capabilities import TwoExperts


@dataclass(frozen=True)
class SettingNeeds:
    """A generator's setting ``setting`` (its pipeline argument ``arg``), set otherwise than ``unset``, is taken only
    by a family with the capability ``kind`` and, where ``fact`` is named, by a model whose foreseen facts
    (loading/foresee.py) hold at least ``at_least`` of it; ``present(pipe)`` tells a loaded pipeline that takes it.
    ``words``: what the setting does; ``lacking``: what the model has instead. Said on the node before the run
    (sampling/advice.py) and, at the run, the argument not passed to the pipeline (its library refused it in its
    own words: 'guidance_scale_2 is only supported when the pipeline's boundary_ratio is not None', issue 116)."""
    setting: str
    arg: str
    kind: type
    words: str
    lacking: str
    present: Callable
    unset: object = 0.0
    fact: str = ""
    at_least: int = 0

    def problem(self, fam, title: str, value, facts: dict | None = None) -> str | None:
        """Why the model (``fam``, ``title``; ``facts`` foreseen, or None at the run) cannot take ``value``;
        None where it can or the setting is not set."""
        if value is None or value == self.unset:
            return None
        if fam is not None and fam.capability(self.kind) is None:
            why = fam.why_without(self.kind)
            return (f"'{self.setting}' is {value}: {self.words}; {title} cannot take it"
                    f"{f' ({why})' if why else ''}: it is not used")
        n = (facts or {}).get(self.fact) if self.fact else None
        if isinstance(n, int) and n < self.at_least:
            return f"'{self.setting}' is {value}: {self.words}; this model ({title}) {self.lacking}: it is not used"
        return None

    def refused(self, pipe, value) -> str | None:
        """Why the loaded pipeline ``pipe`` will not be given ``value`` (the run's words); None where it will."""
        if value is None or value == self.unset or self.present(pipe):
            return None
        return f"'{self.setting}' is {value}: {self.words}; this model {self.lacking}: it is not used"


def _two_experts(pipe) -> bool:
    config = getattr(pipe, "config", None) or {}
    return getattr(pipe, "transformer_2", None) is not None and config.get("boundary_ratio") is not None


# every setting a family or a model may not take: one line each
SETTING_NEEDS: tuple[SettingNeeds, ...] = (
    SettingNeeds("guidance_2", "guidance_scale_2", TwoExperts,
                 "the low-noise expert's guidance of a model with two experts (Wan 2.2 A14B)",
                 "has one denoiser (no second expert, no boundary_ratio)", _two_experts, 0.0, "experts", 2),
)
