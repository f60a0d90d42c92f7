"""The Run toolbar's toggles for every generator of the graph, each one undoable edit:

- Draft / Final: checked, every generator (each node declaring a 'quality' parameter with a draft
  choice) is set to draft, unchecked to final; it shows Draft while every such node is set so.
- Preview / Full size: says whether the next run makes its clips at 'preview size' (fewer pixels and
  steps: 'always', or 'on CPU' on a CPU, as studio/engine/previews.py marks them), so the toolbar no
  longer reads Final while the viewer shows a preview (issue 104's walk); unchecked, every generator's
  'preview size' is off, checked it previews again.

Each is greyed out when the graph has no such node."""
from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QToolButton

PARAM = "quality"
PREVIEW_PARAM = "preview_size"  # studio.core.targets.PREVIEW_PARAM: the generators' 'preview size'


class _EveryGenerator(QToolButton):
    """A checkable toolbar button for one parameter of every generator; ``sync`` shows the graph's state."""

    param = ""

    def __init__(self, doc, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.setCheckable(True)
        self.clicked.connect(self.choose)
        for sig in (doc.events.param_changed, doc.events.node_added, doc.events.node_removed, doc.events.reset,
                    doc.events.mode_changed):
            sig.connect(self.sync)
        doc.replaced.connect(self.sync)

    def generators(self) -> list:
        """The nodes of the graph whose parameter this button sets."""
        out = []
        for inst in self.doc.graph.nodes.values():
            p = inst.spec.param(self.param) if inst.spec is not None else None
            if p is not None and self.is_ours(p):
                out.append(inst)
        return out

    def is_ours(self, p) -> bool:
        return True

    def choose(self, on: bool) -> int:
        raise NotImplementedError

    def sync(self, *_) -> None:
        raise NotImplementedError


class QualityToggle(_EveryGenerator):
    param = PARAM

    def __init__(self, doc, parent=None):
        super().__init__(doc, parent)
        self.setObjectName("quality-toggle")
        self.setToolTip("Draft: every generator runs its family's distilled recipe found in the models folder "
                        "(a distill LoRA with its steps, cfg, shift and sampler); Final: the models as they are. "
                        "One undoable edit; the seed stays the same")
        self.sync()

    def is_ours(self, p) -> bool:
        """Track Keypoints' 'quality' is a corner threshold: not a Draft / Final choice."""
        return "draft" in (getattr(p, "choices", None) or ())

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


class PreviewToggle(_EveryGenerator):
    """Preview while any generator will run at 'preview size' on the run's device, else Full size.
    ``on_cpu()`` says whether the run's device is the CPU (the window resolves its Device setting)."""

    param = PREVIEW_PARAM

    def __init__(self, doc, on_cpu: Callable[[], bool], parent=None):
        super().__init__(doc, parent)
        self.on_cpu = on_cpu
        self.setObjectName("preview-toggle")
        self.sync()

    def previews(self) -> list:
        """The generators that will make their clip at preview size in the next run."""
        small = ("always", "on CPU") if self.on_cpu() else ("always",)
        return [g for g in self.generators()
                if g.mode != "mute" and g.params.get(PREVIEW_PARAM, g.spec.param(PREVIEW_PARAM).default) in small]

    def choose(self, preview: bool) -> int:
        """Every generator at preview size (True: 'on CPU' on a CPU, else 'always') or full size ('off')."""
        value = ("on CPU" if self.on_cpu() else "always") if preview else "off"
        n = self.doc.set_param_everywhere(PREVIEW_PARAM, value,
                                          "Preview size on every generator" if preview else "Full size on every generator")
        self.sync()
        return n

    def sync(self, *_):
        gens = self.generators()
        small = self.previews()
        self.setEnabled(bool(gens))
        self.setChecked(bool(small))
        self.setText("Preview" if small else "Full size")
        names = ", ".join(g.label for g in small[:3]) + (" …" if len(small) > 3 else "")
        self.setToolTip((f"Preview: {names} will make {'its' if len(small) == 1 else 'their'} clip at preview size "
                         "(fewer pixels and steps; Save Video writes name.preview.mp4). Click for the full size"
                         if small else "Full size: every generator makes its clip at the size and steps set. "
                         "Click to preview (fewer pixels and steps)") + "; one undoable edit")
