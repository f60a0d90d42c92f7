"""A family's model patch read into its generator's settings (models._patches: a patch the family's generators apply
themselves, WanVideoNAG's nag_scale / nag_tau / nag_alpha) checked against the generator actually made: where that
generator declares none of the settings the patch gives (Wan's ControlNet node has no NAG), the patch's sentence
("applies ...: the generator's nag_scale 5, ...") would be false and its values would go nowhere (the builder keeps
only a spec's declared params): its sentence is replaced by one saying the patch is not applied; where it declares
some, those it lacks are said not taken. Told by the spec's declared params only (heldout109 06, where
Wan S2V then had no NAG; it has now). Plain Python."""
from __future__ import annotations


def _shown(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def untaken(b, task: str, said: list[str]) -> None:
    """Each patch line in ``said`` whose settings generator ``task`` does not all declare, said true (in place)."""
    try:
        known = b.spec_params(task)
    except Exception:  # (a type the registry lacks: nothing to check against)
        return
    at, values = getattr(b, "patch_at", {}), getattr(b, "patch_params", {})
    for n, line, _ in getattr(b, "patch_family", []):
        keys = [k for k, m in at.items() if m is n]
        lost = [k for k in keys if k not in known]
        if not lost or line not in said:
            continue
        who = f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"
        try:
            title = b.g.registry.get(task).title
        except Exception:
            title = task
        got = ", ".join(f"{k} {_shown(values.get(k))}" for k in lost)
        if len(lost) == len(keys):
            new = (f"{who}, a model patch ({got}): not applied, Studio's {title} has no setting for it (the take is "
                   "made without it)")
        else:
            new = f"{line}; its {got} not taken (Studio's {title} has no such setting)"
        said[said.index(line)] = new
