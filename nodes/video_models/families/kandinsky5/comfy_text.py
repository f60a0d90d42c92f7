"""ComfyUI's own Kandinsky 5 text encoder read as CLIPTextEncode (api.PackTranslation), and the step the
Kandinsky 5 and 6 translations share: a text node of theirs made a CLIPTextEncode of the one prompt Studio's
generators take.

CLIPTextEncodeKandinsky5 (comfy_extras/nodes_kandinsky5.py, read for meaning) takes a text for CLIP-L and a text
for Qwen2.5-VL; Studio's Kandinsky 5 encodes one prompt with both (diffusers' Kandinsky5 pipelines), so the
Qwen2.5-VL text, which carries the prompt's detail, is the prompt, and a CLIP-L text that differs is said. Before
this, the prompt was said as unread and Studio's default prompt stood. Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, PackTranslation, Workflow
from studio.core.shown import cut

NODE = "CLIPTextEncodeKandinsky5"
WIDGETS = {NODE: ("clip_l", "qwen25_7b")}  # ComfyUI's INPUT_TYPES order


def as_prompt(t: PackTranslation, n: CNode, key: str, text) -> None:
    """Text node ``n`` as a CLIPTextEncode of ``text`` (its 'clip' kept); where its setting ``key`` is wired to a
    text Studio cannot work out (``text`` None), that link becomes the encode's text, so the converter says the
    prompt is written when the workflow runs (the text saved in the file shown), never a default left silently."""
    links = {"clip": n.links["clip"]} if "clip" in n.links else {}
    if not isinstance(text, str) and key in n.links:
        links["text"] = n.links[key]
    saved = text if isinstance(text, str) else n.widgets.get(key)
    t.core(n, "CLIPTextEncode", {"text": saved if isinstance(saved, str) else None}, links)


class _Translation(PackTranslation):
    PACK, PREFIXES, WIDGETS = "Kandinsky 5's", (NODE,), WIDGETS

    def steps(self) -> None:
        for n in [n for n in self.wf.nodes.values() if n.cls == NODE]:
            qwen, clip_l = self.wf.value(n, "qwen25_7b"), self.wf.value(n, "clip_l")
            as_prompt(self, n, "qwen25_7b", qwen)
            self.made[NODE] = "CLIPTextEncode (its Qwen2.5-VL text the prompt)"
            if isinstance(qwen, str) and isinstance(clip_l, str) and clip_l.strip() != qwen.strip():
                self.said.append(f"'{n.title or NODE}' (#{n.id})'s CLIP-L text ({cut(clip_l, 80)!r}) is not taken: "
                                 "Studio's Kandinsky 5 encodes one prompt, its Qwen2.5-VL text, with both encoders")


def translate(wf: Workflow) -> list[str]:
    """Rewrites ``wf``'s CLIPTextEncodeKandinsky5 nodes as CLIPTextEncode, in place; what is said of them."""
    return _Translation.translate(wf)
