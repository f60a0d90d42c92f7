"""Which parts of the people a pose step draws, read from its own switches: a pose estimator saving 'detect_hand',
'detect_body' and 'detect_face' settings ('enable' / 'disable': controlnet_aux's DWPose and OpenPose estimators)
draws only the parts it is told to. Studio's Draw Pose takes the hands and the face as settings and always draws
the bodies: a step drawing no body (a face-only drawing, as Wan Animate's template makes its face clip) is said.
A UI file saves the switches by place only; where the step's type declares its settings in code the catalogue does
not read (controlnet_aux's estimators: its inputs unknown), they are read by their places in the pack's order (hand,
body, face first, each 'enable' / 'disable'), else the parts Studio draws are said (heldout14: a body-only DWPose
was drawn with hands and face, unsaid)."""
from __future__ import annotations

SWITCHES = {"detect_hand": "hands", "detect_face": "face"}  # the step's switch -> Draw Pose's setting
PLACES = ("detect_hand", "detect_body", "detect_face")  # the switches' order in the pack's saved values


def _on(value) -> bool | None:
    """A switch's value as on / off (None where it is not one: unknown, not read)."""
    if isinstance(value, bool):
        return value
    return {"enable": True, "disable": False}.get(value) if isinstance(value, str) else None


def _switches(n) -> tuple[dict, str | None]:
    """The step's switches by name: as saved (an API file, a catalogued type), else by their places in a UI file's
    values (the pack's order, each one a switch); ({}, the sentence) where its values cannot be named so."""
    if n.widgets or not isinstance(n.raw, list) or not n.raw:
        return n.widgets, None
    first = n.raw[:len(PLACES)]
    if len(first) == len(PLACES) and all(_on(v) is not None and not isinstance(v, bool) for v in first):
        return dict(zip(PLACES, first)), None
    return {}, (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) saves its settings unnamed (its pack declares "
                "them in code Studio's catalogue does not read): which parts it draws is not read, Studio's Draw "
                "Pose draws the bodies, the hands and the faces")


def draw_params(n) -> tuple[dict, str | None]:
    """(Draw Pose's settings read from the pose step ``n``'s switches, the sentence for a part Studio draws that
    the step does not: its bodies, or all the parts where its switches cannot be named), ({}, None) for a step
    without such switches."""
    named, unread = _switches(n)
    if unread:
        return {}, unread
    params = {k: on for name, k in SWITCHES.items() if (on := _on(named.get(name))) is not None}
    if _on(named.get("detect_body")) is not False:
        return params, None
    drawn = [k for k in ("hands", "face") if params.get(k, True)]
    return params, (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) draws no bodies (detect_body disable"
                    + (f", only the {' and the '.join(drawn)}" if drawn else "") + "): Studio's Draw Pose draws the "
                    "bodies too, so its clip shows the whole pose where ComfyUI's does not")
