"""A front-end's parameter nodes read as the values they give (heldout27 02-04: NeonCozyGen, a phone web front-end,
keeps its workflows as API files whose picture, prompt, frame count and LoRA strengths come from its 'CozyGen'
nodes; each image to video was held, its start picture 'a node Studio does not convert'). The front-end fills
each node when it queues the workflow; run as saved, each gives its own setting (the pack's nodes.py, read for
meaning: get_value returns default_value; the dynamic input converts it by its param_type; the image input loads
image_filename from ComfyUI's input folder). So, read as ComfyUI's own: CozyGenIntInput / FloatInput / StringInput
as PrimitiveInt / PrimitiveFloat / PrimitiveStringMultiline of their default_value, CozyGenDynamicInput as the
primitive of its param_type, CozyGenImageInput as a LoadImage of image_filename (empty: the front-end uploads the
picture; said), CozyGenChoiceInput as the text of its default_choice - but 'None', which the pack replaces by the
first file of its folder on the machine that runs it (not read: said where it is wired). One sentence names what
the front-end sets. Plain data and stdlib."""
from __future__ import annotations

from .translation import PackTranslation
from ..values.shown import cut, shown

INT, FLOAT, STRING = "CozyGenIntInput", "CozyGenFloatInput", "CozyGenStringInput"
DYNAMIC, IMAGE, CHOICE = "CozyGenDynamicInput", "CozyGenImageInput", "CozyGenChoiceInput"
_NUMBER = ("param_name", "priority", "default_value", "min_value", "max_value", "step", "add_randomize_toggle")
WIDGETS = {INT: _NUMBER, FLOAT: _NUMBER, STRING: ("param_name", "priority", "default_value", "display_multiline"),
           DYNAMIC: ("param_name", "priority", "param_type", "default_value", "add_randomize_toggle", "choice_type",
                     "display_bypass"),
           IMAGE: ("param_name", "image_filename"),
           CHOICE: ("param_name", "priority", "choice_type", "default_choice", "display_bypass")}
CORE = {INT: "PrimitiveInt", FLOAT: "PrimitiveFloat", STRING: "PrimitiveStringMultiline"}
UNSET = ("", "None")  # a choice the pack replaces by the first file of its folder when it runs


def _dynamic(kind: object, v: object) -> tuple[str, object]:
    """The primitive and value a dynamic input gives as saved, its param_type's conversion (the pack's: a number that
    does not parse is 0)."""
    if kind == "INT":
        try:
            return "PrimitiveInt", int(v)  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError):
            return "PrimitiveInt", 0
    if kind == "FLOAT":
        try:
            return "PrimitiveFloat", float(v)  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError):
            return "PrimitiveFloat", 0.0
    if kind == "BOOLEAN":
        return "PrimitiveBoolean", str(v).lower() == "true"
    return "PrimitiveStringMultiline", "" if v is None else str(v)


def _placed(n) -> bool:
    """A UI file's values in the places the pack declares (as many as its settings; the dynamic input's last three
    optional): else none is read by place (another version's file: its node left as it is, said not converted)."""
    if n.widgets or not isinstance(n.raw, list):
        return True
    return len(WIDGETS[n.cls]) - (3 if n.cls == DYNAMIC else 0) <= len(n.raw) <= len(WIDGETS[n.cls])


class _FrontEnd(PackTranslation):
    PACK, PREFIXES, WIDGETS = "CozyGen", ("CozyGen",), WIDGETS

    def steps(self) -> None:
        read, empty = [], []
        for n in list(self.wf.nodes.values()):
            if n.cls not in WIDGETS or n.cls == CHOICE and not n.enabled or not _placed(n):
                continue
            w = self.named(n)
            name = f"'{w.get('param_name') or n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"
            if n.cls in CORE:
                self.core(n, CORE[n.cls], {"value": w.get("default_value")}, {})
                read.append(f"{name} {shown(w.get('default_value'))}")
            elif n.cls == DYNAMIC:
                core, v = _dynamic(w.get("param_type"), w.get("default_value"))
                self.core(n, core, {"value": v}, {})
                read.append(f"{name} {shown(v)}")
            elif n.cls == CHOICE and str(w.get("default_choice") or "") not in UNSET:
                self.core(n, "PrimitiveStringMultiline", {"value": w["default_choice"]}, {})
                read.append(f"{name} {shown(w['default_choice'])}")
            elif n.cls == IMAGE:
                file = str(w.get("image_filename") or "")
                self.core(n, "LoadImage", {"image": file}, {})
                read.append(f"{name} the picture '{cut(file, 60)}'" if file else f"{name} a picture (no file named)")
                if not file:
                    empty.append(name)
        if read:
            self.said.append("the front-end's inputs (CozyGen: each set by the front-end when it queues the "
                             "workflow) read as what they give run as saved: " + "; ".join(read))
        for name in empty:
            self.said.append(f"{name} names no file (image_filename empty): the front-end uploads the picture when "
                             "it queues the workflow; read as a Load Image with no file: set its file")


def translate(wf) -> list[str]:
    """The front-end's input nodes rewritten in place as ComfyUI's primitives and LoadImage; the sentences."""
    return _FrontEnd.translate(wf)
