"""An estimator of pictures (comfyui_controlnet_aux's preprocessors, told by the category the pack files them under:
a pose, a depth, a line estimator) whose result Studio does not take: what it gives goes only to nodes passed over
(a pose's keypoints made into tracks Studio does not read), or to a node not converted (a face mask drawn from the
keypoints). Said in one sentence naming the readers and the input each reads, instead of being listed as not
converted; read where Studio makes it (control_steps, finishing.utility): not here. Plain data; linear."""
from __future__ import annotations

from .. import catalogue
from ..reading.workflow import CNode, Workflow

PACK_CATEGORY = "ControlNet Preprocessors/"


def _estimator(n: CNode) -> str | None:
    """What it estimates in words ('DWPose Estimator' of 'Faces and Poses Estimators'), by its pack's category."""
    t = catalogue.node_type(n.shown_cls)
    if t is None or not t.category.startswith(PACK_CATEGORY):
        return None
    return f"{t.display or n.shown_cls}, of controlnet_aux's {t.category[len(PACK_CATEGORY):]}"


def sentence(wf: Workflow, n: CNode, rs: list[tuple[CNode, str, int]], into: str, settings: str) -> str | None:
    """Its sentence, ``into`` its readers' inputs named; None for a node of another kind."""
    what = _estimator(n) if rs else None
    if what is None:
        return None
    src = next((k for k in n.links), None)
    tail = f" (its settings: {settings})" if settings else ""
    return (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) ({what}) estimates from "
            f"{f'the pictures on its {src!r}' if src else 'its pictures'} what {into} reads: not applied{tail}")


def behind_passed(wf: Workflow, n: CNode, rs: list[tuple[CNode, str, int]], off: set[str], settings: str) -> str | None:
    """The sentence of an estimator all of whose readers are passed over, not applied (``off``): not applied either."""
    if not rs or not all(r.id in off for r, _, _ in rs):
        return None
    reader, name, _ = rs[0]
    more = f" (and {len(rs) - 1} more input{'s' if len(rs) > 2 else ''})" if len(rs) > 1 else ""
    line = sentence(wf, n, rs, f"only '{reader.title or reader.shown_cls}' (#{reader.id})'s '{name}'{more}", settings)
    return line.replace(": not applied", ", passed over: not applied either", 1) if line else None
