"""The Run toolbar's Draft / Final toggle: checked, every generator of the graph (each node declaring a
'quality' parameter) is set to draft, unchecked to final, as one undo step; it shows draft while every
such node of the graph is set so, and is greyed out when the graph has none."""
from __future__ import annotations

from PySide6.QtWidgets import QToolButton

PARAM = "quality"


class QualityToggle(QToolButton):
    def __init__(self, doc, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.setObjectName("quality-toggle")
        self.setCheckable(True)
        self.setToolTip("Draft: every generator runs its family's distilled recipe found in the models folder "
                        "(a distill LoRA with its steps, cfg, shift and sampler); Final: the models as they are. "
                        "One undoable edit; the seed stays the same")
        self.clicked.connect(self.choose)
        for sig in (doc.events.param_changed, doc.events.node_added, doc.events.node_removed, doc.events.reset):
            sig.connect(self.sync)
        doc.replaced.connect(self.sync)
        self.sync()

    def generators(self) -> list:
        """The nodes whose 'quality' is the Draft / Final choice (Track Keypoints' 'quality' is a corner
        threshold: not one of them)."""
        out = []
        for inst in self.doc.graph.nodes.values():
            p = inst.spec.param(PARAM) if inst.spec is not None else None
            if p is not None and "draft" in (getattr(p, "choices", None) or ()):
                out.append(inst)
        return out

    def choose(self, draft: bool) -> int:
        """Every generator set to draft (True) or final; how many changed."""
        value = "draft" if draft else "final"
        n = self.doc.set_param_everywhere(PARAM, value, f"{value.capitalize()} on every generator")
        self.sync()
        return n

    def sync(self, *_):
        gens = self.generators()
        draft = bool(gens) and all(g.params.get(PARAM) == "draft" for g in gens)
        self.setEnabled(bool(gens))
        self.setChecked(draft)
        self.setText("Draft" if draft else "Final")
