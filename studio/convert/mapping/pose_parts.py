"""Which parts of the people a pose step draws, read from its own switches: a pose estimator saving 'detect_hand',
'detect_body' and 'detect_face' settings ('enable' / 'disable': controlnet_aux's DWPose and OpenPose estimators)
draws only the parts it is told to. Studio's Draw Pose takes the hands and the face as settings and always draws
the bodies: a step drawing no body (a face-only drawing, as Wan Animate's template makes its face clip) is said."""
from __future__ import annotations

SWITCHES = {"detect_hand": "hands", "detect_face": "face"}  # the step's switch -> Draw Pose's setting


def _on(value) -> bool | None:
    """A switch's value as on / off (None where it is not one: unknown, not read)."""
    if isinstance(value, bool):
        return value
    return {"enable": True, "disable": False}.get(value) if isinstance(value, str) else None


def draw_params(n) -> tuple[dict, str | None]:
    """(Draw Pose's settings read from the pose step ``n``'s switches, the sentence for a part Studio draws that
    the step does not: its bodies), ({}, None) for a step without such switches."""
    params = {k: on for name, k in SWITCHES.items() if (on := _on(n.widgets.get(name))) is not None}
    if _on(n.widgets.get("detect_body")) is not False:
        return params, None
    drawn = [k for k in ("hands", "face") if params.get(k, True)]
    return params, (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) draws no bodies (detect_body disable"
                    + (f", only the {' and the '.join(drawn)}" if drawn else "") + "): Studio's Draw Pose draws the "
                    "bodies too, so its clip shows the whole pose where ComfyUI's does not")
