"""A shift patch whose values are those the family's generator already samples at (heldout108 07: MiniMax H3's
sigma-shift node set to 12 / 3, the shifts of Studio's MiniMax H3 video and audio schedulers, was said "not applied"):
a patch not applied (models.ModelReading._patches) whose every setting is a number named as a shift, the values
together those the family declares as its 'schedule_shifts' hook, is said as what Studio samples at already, not as
not applied. Told by the family's declared values and the settings' names, never by a list of node names. Plain
stdlib."""
from __future__ import annotations

from ..families import registry as families


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def matches(settings: dict, declared) -> bool:
    """Whether ``settings`` (a node's, named) are shifts alone, their values those ``declared`` (in any order)."""
    if not declared or not settings:
        return False
    if not all(_number(v) and "shift" in str(k).lower() for k, v in settings.items()):
        return False
    return sorted(float(v) for v in settings.values()) == sorted(float(x) for x in declared)


def say_applied(b, o) -> None:
    """Each patch of the pipeline being made (``b.patch_pending``) whose settings are family ``o.fam``'s declared
    schedule shifts: its 'not applied' sentence in ``o.said`` replaced by one saying Studio samples at those values
    already, and it no longer passed over as not applied (it stays read)."""
    declared = families.family_hook(o.fam, "schedule_shifts")
    if not declared or not getattr(b, "patch_pending", None):
        return
    keep = []
    for patch, sampler, line in b.patch_pending:
        settings = patch.settings()
        if line not in o.said or not matches(settings, declared):
            keep.append((patch, sampler, line))
            continue
        values = ", ".join(f"{k} {v:g}" for k, v in settings.items())
        o.said[o.said.index(line)] = (
            f"'{patch.title or patch.shown_cls}' ({patch.shown_cls}, #{patch.id}) on the model "
            f"'{sampler.title or sampler.shown_cls}' (#{sampler.id}) samples with, sets {values}: the shifts Studio's "
            f"{o.fam} schedulers sample at already (nothing more to apply)")
    b.patch_pending = keep
