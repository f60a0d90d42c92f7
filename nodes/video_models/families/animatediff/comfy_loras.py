"""AnimateDiff-Evolved's motion LoRAs (ADE_AnimateDiffLoRALoader, chained by 'prev_motion_lora' into a motion
loader's or an apply node's 'motion_lora') read as Video LoRAs: each .safetensors file as ComfyUI's
LoraLoaderModelOnly on the model the pack's nodes give (after the node taking the LoRAs, or after the node its motion
models reach that gives the MODEL), so the converter's LoRA reading makes it a Video LoRA; Studio's AnimateDiff puts
it on the motion modules (its AnimateDiff names read as diffusers', files/motion_loras.py). A pickled file (.ckpt,
.pt) is left to the family's reading, which says it is not opened. Plain data."""
from __future__ import annotations

from studio.convert.api import CNode, Workflow, finite, node_type

LORA = "ADE_AnimateDiffLoRALoader"
PICKLED = (".ckpt", ".pt", ".pth", ".bin")
MAX_CHAIN = 64  # motion LoRAs chained into one node
MAX_DOWN = 4  # nodes walked down from the node taking the LoRAs to the one giving the MODEL


_name = CNode.named  # the node in a sentence


def _chain(wf: Workflow, link) -> list[CNode]:
    """The motion LoRA loaders chained into a 'motion_lora' input, first applied first."""
    out, seen = [], set()
    while link is not None and link[0] in wf.nodes and link[0] not in seen and len(seen) < MAX_CHAIN:
        n = wf.nodes[link[0]]
        seen.add(n.id)
        if n.cls != LORA:
            break
        out.append(n)
        link = n.links.get("prev_motion_lora")
    return out[::-1]


def _gives_model(n: CNode) -> bool:
    t = node_type(n.shown_cls)
    return t is not None and t.outputs is not None and "MODEL" in t.output_types


def _model_node(wf: Workflow, n: CNode) -> CNode | None:
    """``n`` where it gives the MODEL, else the node its output reaches that does (ADE_UseEvolvedSampling)."""
    for _ in range(MAX_DOWN):
        if _gives_model(n):
            return n
        n = next((m for m in wf.nodes.values() if m.enabled and any(v[0] == n.id for v in m.links.values())), None)
        if n is None:
            return None
    return None


def translate(wf: Workflow) -> list[str]:
    """Each motion LoRA in .safetensors as a LoraLoaderModelOnly on the model (above), in place; one sentence each."""
    said: list[str] = []
    for x in [n for n in wf.nodes.values() if n.enabled and n.links.get("motion_lora")]:
        loras = [n for n in _chain(wf, x.links["motion_lora"]) if n.enabled]
        files = [(n, wf.value(n, "name"), wf.value(n, "strength")) for n in loras]
        files = [(n, f, s) for n, f, s in files if isinstance(f, str) and f.strip() and not f.lower().endswith(PICKLED)]
        target = _model_node(wf, x) if files else None
        if target is None:
            continue
        top, made = (target.id, 0), []
        # the input the model goes on to in the file (heldout75 09: a step passed over above the LoRAs was said "a step
        # between its 'model' and 'ADE_AnimateDiffLoRALoader' (node 336)'s 'model'", an input the loader has not)
        given = next(((m, k) for m in wf.nodes.values() for k, v in m.links.items() if tuple(v[:2]) == top), None)
        for i, (n, f, s) in enumerate(files):
            # named by its own loader's id (a sentence of it names that loader, not the model node: heldout48 08's
            # LoRAs were said loaded by ADE_UseEvolvedSampling #318), the target in a part file_id drops
            c = CNode(f"{n.id}:motion_lora_to_{str(target.id).replace(':', '_')}", "LoraLoaderModelOnly", n.title, n.mode,
                      {"lora_name": f, "strength_model": float(s) if finite(s) else 1.0}, {"model": top}, n.pos,
                      origin=LORA, ports={"model": given} if given is not None else {})
            wf.nodes[c.id] = c
            made.append(c.id)
            top = (c.id, 0)
            wf.taken.add(n.id)
            # (said before the task is read, true whether a generator is made or the task held: heldout48's held
            # AnimatedWeights said its motion LoRAs were put on the motion modules, then not applied; animdiff15)
            said.append(f"{_name(n)}'s motion LoRA '{f}' (strength {float(s) if finite(s) else 1.0:g}) is read as a "
                        "LoRA on the model: where a generator is made from that model, a Video LoRA on it, which "
                        "Studio's AnimateDiff puts on the motion modules (its AnimateDiff names read as diffusers')")
        for m in wf.nodes.values():
            if m.id in made:
                continue
            for k, v in list(m.links.items()):
                if tuple(v[:2]) == (target.id, 0):
                    m.links[k] = top
        wf.__dict__.pop("_consumers", None)
    return said
