"""kijai's ComfyUI-WanVideoWrapper's WanVideoLoraSelectMulti (up to five LoRAs and their strengths in one node; its
prev_lora before them) read as the chain of WanVideoLoraSelect nodes meaning the same, which the wrapper's
translation reads as LoraLoaderModelOnly nodes (comfy_wrappers). Its settings' order is the wrapper's INPUT_TYPES
(lora_0, strength_0 ... lora_4, strength_4, then low_mem_load, merge_loras: read for meaning); a LoRA 'none' or at
strength 0 the wrapper skips, so does Studio. What it carries beyond the files and strengths (a block selection) is
said. Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, finite

MULTI = "WanVideoLoraSelectMulti"
SLOTS = 5
ORDER = tuple(k for i in range(SLOTS) for k in (f"lora_{i}", f"strength_{i}")) + ("low_mem_load", "merge_loras")


def expand(t) -> None:
    """Every WanVideoLoraSelectMulti of ``t``'s workflow as a chain of WanVideoLoraSelect nodes in its place."""
    for n in [x for x in t.wf.nodes.values() if x.cls == MULTI]:
        w = n.widgets or dict(zip(ORDER, n.raw if isinstance(n.raw, list) else []))
        prev = n.links.get("prev_lora")
        for i in range(SLOTS):
            name, strength = w.get(f"lora_{i}"), w.get(f"strength_{i}")
            if not isinstance(name, str) or name in ("", "none") or not finite(strength) or strength == 0:
                continue
            sel = CNode(f"{n.id}:slot{i}", "WanVideoLoraSelect", n.title, n.mode, {"lora": name, "strength": strength},
                        {"prev_lora": prev} if prev else {}, n.pos, origin=MULTI)
            t.wf.nodes[sel.id] = sel
            prev = (sel.id, 0)
        if "blocks" in n.links:
            t.said.append(f"'{n.title or n.cls}' ({MULTI}, #{n.id})'s blocks (the layers its LoRAs apply to) are not "
                          "taken: Studio applies a LoRA to every layer it names")
        for m in t.wf.nodes.values():  # what read its LoRAs reads the chain (none left: no LoRA)
            for k, v in list(m.links.items()):
                if tuple(v[:2]) == (n.id, 0):
                    m.links[k] = prev
                    if prev is None:
                        del m.links[k]
        t.wf.taken.add(n.id)
        t.made.setdefault(MULTI, "LoraLoaderModelOnly")
