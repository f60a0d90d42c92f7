"""The parts of the people a pose estimator on a clip's way finds, read from its own switches ('detect_hand',
'detect_body', 'detect_face': 'enable' / 'disable', as controlnet_aux's DWPose and OpenPose estimators save them, by
name in an API file, by place in a UI file: hand, body, face first). Studio's Pose Estimate finds the whole pose, so a
step told to find only some parts is said (heldout47 06: MuseTalk's face-only DWPose, made as the whole pose and
previewed, unsaid). Plain data."""
from __future__ import annotations

from ..reading.workflow import CNode

PLACES = ("detect_hand", "detect_body", "detect_face")  # the switches' order in the pack's saved values
PARTS = {"detect_hand": "hands", "detect_body": "bodies", "detect_face": "faces"}


def _on(value) -> bool | None:
    if isinstance(value, bool):
        return value
    return {"enable": True, "disable": False}.get(value) if isinstance(value, str) else None


def switches(n: CNode) -> dict[str, bool]:
    """{switch: on} as the step saves them (by name, else by place in a UI file's values); {} where not read."""
    named = {k: _on(n.widgets.get(k)) for k in PLACES if k in n.widgets}
    if not named and isinstance(n.raw, list) and len(n.raw) >= len(PLACES) \
            and all(isinstance(v, str) and _on(v) is not None for v in n.raw[:len(PLACES)]):
        named = {k: _on(v) for k, v in zip(PLACES, n.raw)}
    return {k: v for k, v in named.items() if v is not None}


def said(n: CNode) -> str | None:
    """The sentence for a pose step finding only some parts (None where it finds all, or its switches are not read)."""
    on = switches(n)
    off = [PARTS[k] for k in PLACES if on.get(k) is False]
    if not off:
        return None
    kept = [PARTS[k] for k in PLACES if on.get(k) is not False]
    return (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) finds " + (f"only the {' and the '.join(kept)}"
            if kept else "no part") + f" of the people ({', '.join(k for k in PLACES if on.get(k) is False)} "
            "disable): Studio's Pose Estimate finds the whole pose (the bodies, the hands and the faces) and "
            "passes it all on")
