"""A deploy service's input nodes read as the values they give run as saved (heldout30 08-10: ComfyDeploy's
'ComfyUIDeployExternal...' nodes give an SVD file's frames, fps and motion, a Wan file's prompt, length, fps and
model choice, a VACE file's clip size, length and seed). The service fills each node's 'input_id' when it queues the
workflow; run as saved, each gives its 'default_value' (the pack's comfy-nodes/external_*.py, read for meaning: a
text and a boolean always give it; a whole number gives int(input_id) where input_id is all digits, a number
float(input_id) where it parses, else the default; a picture downloads input_id where it is a web address, else
gives the picture wired to its 'default_value'). What a node gives cannot be known from its declaration (its
declared inputs, catalogued from BennyKok/comfyui-deploy, do not say which is passed on): so its types are named
here. Read as ComfyUI's own: the text, whole number, number and boolean as PrimitiveStringMultiline / PrimitiveInt /
PrimitiveFloat / PrimitiveBoolean of that value, the picture as the link it passes on. One sentence names what the
service sets. Plain data and stdlib."""
from __future__ import annotations

from .translation import PackTranslation
from ..values.shown import shown

TEXT, INT, FLOAT, BOOL = ("ComfyUIDeployExternalText", "ComfyUIDeployExternalNumberInt", "ComfyUIDeployExternalNumber",
                          "ComfyUIDeployExternalBoolean")
IMAGE = "ComfyUIDeployExternalImage"
_VALUE = ("input_id", "default_value", "display_name", "description")  # (the places a UI file saves them in)
WIDGETS = {TEXT: _VALUE, INT: _VALUE, FLOAT: _VALUE, BOOL: _VALUE,
           IMAGE: ("input_id", "display_name", "description", "default_value_url")}
CORE = {TEXT: "PrimitiveStringMultiline", INT: "PrimitiveInt", FLOAT: "PrimitiveFloat", BOOL: "PrimitiveBoolean"}


def _given(cls: str, input_id: object, default: object) -> tuple[bool, object]:
    """(known, the value) the node gives run as saved: its default, but where the pack reads its input_id instead."""
    key = str(input_id or "").strip()
    if cls == INT and key.isdigit():
        return True, int(key)
    if cls == FLOAT:
        try:
            return True, float(key)
        except ValueError:
            pass
    if cls == BOOL:
        return isinstance(default, bool), default
    if cls in (INT, FLOAT):
        ok = isinstance(default, (int, float)) and not isinstance(default, bool)
        return ok, (int(default) if cls == INT and ok else float(default) if ok else default)
    return isinstance(default, str), default


def _placed(n) -> bool:
    """A UI file's values in the pack's places (2 to 4 of them): else none is read by place (another version's)."""
    if n.widgets or not isinstance(n.raw, list):
        return True
    return n.cls == IMAGE or 2 <= len(n.raw) <= len(WIDGETS[n.cls])  # (a picture's: any saved values, none a URL)


class _Deploy(PackTranslation):
    PACK, PREFIXES, WIDGETS = "ComfyDeploy", ("ComfyUIDeployExternal",), WIDGETS

    def steps(self) -> None:
        read = []
        for n in list(self.wf.nodes.values()):
            if n.cls not in WIDGETS or not _placed(n):
                continue
            w = self.named(n)
            name = f"'{w.get('input_id') or n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"
            if n.cls == IMAGE:
                src = n.links.get("default_value") or n.links.get("default_image")
                saved = list(n.widgets.values()) if n.widgets else n.raw if isinstance(n.raw, list) else []
                if src is None or any(str(x).strip().startswith("http") for x in saved):
                    continue  # a picture downloaded when it runs: left as it is (said where it is read)
                self.rewire((n.id, 0), tuple(src[:2]))
                self.wf.taken.add(n.id)
                read.append(f"{name} the picture wired to its 'default_value'")
                continue
            known, v = _given(n.cls, w.get("input_id"), w.get("default_value"))
            if not known:
                continue
            self.core(n, CORE[n.cls], {"value": v}, {})
            read.append(f"{name} {shown(v)}")
        if read:
            self.said.append("the deploy service's inputs (ComfyDeploy: each set by the service when it queues the "
                             "workflow) read as what they give run as saved: " + "; ".join(read))


def translate(wf) -> list[str]:
    """The service's input nodes rewritten in place as ComfyUI's primitives, its pictures as their links; the
    sentences."""
    return _Deploy.translate(wf)
