"""LTX-2's prompt enhancer in ComfyUI's LTX-2.3 templates (``TextGenerateLTX2Prompt`` on the LTX-2
Gemma 3 CLIP, through a ``LoraLoader`` of the abliterated Gemma LoRA, chosen by a switch before the
positive CLIPTextEncode's text) made into Studio's Enhance Prompt, wired into the generator's prompt
(and LTX-2 Latent Upscale's): on when the template's switch picks it, bypassed when it does not (a
bypassed Enhance Prompt passes nothing, so the generator's own prompt, the one the template uses
then, is used; switch it on to let Gemma write the prompt). LTX-2.5's enhancer runs another file (Gemma 4
E2B through ``CLIPLoader(clip_name, 'ltxv')``): Enhance Prompt with that file as its 'enhancer' (the name as
the template gives it, found in the models folders like the other model files), not wired to the loaded
model, on or bypassed by the same switch. Plain stdlib."""
from __future__ import annotations

from dataclasses import dataclass

from studio.core.shown import cut

from studio.convert.api import CNode, Workflow, encoders, walk

ENHANCE = "video_models.ltx2_enhance_prompt"
ENHANCER = "TextGenerateLTX2Prompt"
# LTXVideo's own Gemma enhancer (on its LTXVGemmaCLIPModelLoader: LTX-2's Gemma 3, the image read too; heldout20 03)
ENHANCERS = (ENHANCER, "LTXVGemmaEnhancePrompt")
LENGTHS = {ENHANCER: "max_length", "LTXVGemmaEnhancePrompt": "max_tokens"}  # its most new tokens
PASSING = ("ComfySwitchNode", "Reroute")
CONDS = ("positive", "conditioning", "conditioning_to", "cond", "cond1")
MAX_LORAS = 16


@dataclass
class Enhancer:
    node: CNode
    on: bool  # the template's switch picks it
    prompt: str | None  # the short prompt it is given
    loras: list  # (name, strength_clip, node) on its CLIP, nearest the loader first
    file: str = ""  # LTX-2.5's: the Gemma 4 E2B file its CLIPLoader names ('' : the LTX-2 model's Gemma 3)
    loader: CNode | None = None
    switch: CNode | None = None  # the switch choosing it where its choice is worked out only when the workflow runs


def _enhancer_file(wf: Workflow, loader: CNode | None) -> str | None:
    """The enhancer's own file when its CLIP is LTX-2.5's Gemma 4 E2B (``CLIPLoader`` of type 'ltxv'),
    '' for LTX-2.3's Gemma 3 (``LTXAVTextEncoderLoader``, or ``DualCLIPLoader`` of type 'ltxv': the LTX-2 model's),
    None for another CLIP."""
    if loader is None:
        return None
    if loader.cls in ("LTXAVTextEncoderLoader", "LTXVGemmaCLIPModelLoader") or \
            loader.cls == "DualCLIPLoader" and wf.value(loader, "type") == "ltxv":
        return ""  # (ComfyUI's DualCLIPLoader of type 'ltxv': LTX-2's Gemma 3 and its text projection, the model's)
    name = wf.value(loader, "clip_name") if loader.cls == "CLIPLoader" else None
    if wf.value(loader, "type") == "ltxv" and isinstance(name, str) and name.strip():
        return name
    return None


def _clip_loras(wf: Workflow, node: CNode) -> tuple[list, CNode | None]:
    """The LoraLoaders on the enhancer's CLIP (nearest the loader first) and the CLIP's loader."""
    loras, src = [], wf.source(node, "clip")
    for _ in range(MAX_LORAS):
        if src is None or not src.cls.startswith("LoraLoader") or "clip" not in src.links:
            break
        loras.append((wf.value(src, "lora_name"), wf.value(src, "strength_clip"), src))
        src = wf.source(src, "clip")
    loras.reverse()
    return loras, src


def find_enhancer(wf: Workflow, start: CNode | None) -> Enhancer | None:
    """The LTX-2 Gemma 3 enhancer writing the positive encoder's text (directly or on a switch's side)."""
    enc = walk(wf, start, CONDS, lambda x: x.cls in encoders(), set())
    if enc is None or "text" not in enc.links:
        return None
    src, on = wf.source(enc, "text"), True
    while src is not None and src.cls == "Reroute" and src.links:
        src = wf.source(src, next(iter(src.links)))
    unknown = None
    if src is not None and src.cls == "ComfySwitchNode":
        flag = wf.value(src, "switch")
        unknown = src if flag is None else None
        chosen = "on_true" if flag else "on_false"
        sides = {k: _first_real(wf, wf.source(src, k)) for k in ("on_true", "on_false") if k in src.links}
        side = next((k for k, n in sides.items() if n is not None and n.cls in ENHANCERS), None)
        if side is None:
            return None
        on, src = side == chosen, sides[side]
    if src is None or src.cls not in ENHANCERS:
        return None
    loras, loader = _clip_loras(wf, src)
    file = _enhancer_file(wf, loader)
    if file is None:
        return None
    prompt = wf.value(src, "prompt")
    return Enhancer(src, on, prompt if isinstance(prompt, str) else None, loras, file, loader, unknown)


def _first_real(wf: Workflow, n: CNode | None) -> CNode | None:
    for _ in range(16):
        if n is None or n.cls != "Reroute" or not n.links:
            return n
        n = wf.source(n, next(iter(n.links)))
    return n


def read_enhancer(b, start: CNode | None, pos: str | None, said: list[str]) -> str | None:
    """The enhancer of the positive prompt kept on ``b`` (``b.enhancer``) and said; the generator's
    prompt returned (the short prompt the enhancer is given, when it is on)."""
    wf = b.wf
    e = find_enhancer(wf, start)
    b.enhancer = e
    if e is None:
        _unused(b, said)
        return pos
    b.used.update({e.node.id} | {x[2].id for x in e.loras} | ({e.loader.id} if e.file else set()))
    said[:] = [s for s in said if not (e.node.cls in s and "positive prompt is written by" in s)]
    name = e.node.cls
    short = e.prompt if e.prompt is not None else pos
    lora = f", with the LoRA '{e.loras[-1][0]}' on its Gemma" if e.loras else ""
    who = f"the Gemma 4 E2B file '{e.file}' (Enhance Prompt's 'enhancer')" if e.file else "LTX-2's Gemma 3"
    if e.on:
        said.append(f"the positive prompt is written by Enhance Prompt (ComfyUI's {name}, #{e.node.id}"
                    f"{', on in the template' if name == ENHANCER else ''}) from {_given(wf, e, short)}: {who} "
                    f"writes it when the graph runs{lora} (Studio's own system prompt; Lightricks' is under their "
                    "licence)")
    elif e.switch is not None:  # its switch is set by nodes Studio does not work out: not said to be off
        said.append(f"the prompt enhancer (ComfyUI's {name}, #{e.node.id}{f', {who}' if e.file else ''}) is chosen "
                    f"by '{e.switch.title or e.switch.shown_cls}' (#{e.switch.id}), whose switch is worked out when the "
                    f"workflow runs: Enhance Prompt is made bypassed before the generator's prompt{lora} (switch it on "
                    "to let Gemma write the prompt)")
    else:
        said.append(f"the prompt enhancer (ComfyUI's {name}, #{e.node.id}{f', {who}' if e.file else ''}) is off "
                    f"in the template: Enhance Prompt is bypassed before the generator's prompt{lora} (switch it on to "
                    "let Gemma write the prompt)")
    if e.file and "image" in e.node.links:
        said.append(f"Enhance Prompt runs the Gemma 4 E2B file '{e.file}' as text only: the image the template "
                    f"gives {name} is not read")
    if len(e.loras) > 1:
        said.append(f"Enhance Prompt takes one LoRA: '{e.loras[-1][0]}' kept, "
                    f"{', '.join(repr(x[0]) for x in e.loras[:-1])} on its Gemma not applied")
    return short if e.on else pos


def _given(wf: Workflow, e: Enhancer, short: str | None) -> str:
    """The short prompt the enhancer is given, in words: its text, or, where a node gives it a text Studio cannot work
    out when converting (a pack's prompt builder: heldout106 07), that node named and the prompt said not read (the
    enhancer is made with the prompt it has, to be written by hand)."""
    src = wf.source(e.node, "prompt") if e.prompt is None and "prompt" in e.node.links else None
    if src is None:
        return repr(cut(str(short or ""), 80))
    return (f"the text {src.named()} gives its 'prompt', which Studio cannot work out when converting (it is made "
            f"when the workflow runs): not read, Enhance Prompt is given {cut(str(short or ''), 80)!r} (write the "
            "short prompt in its 'prompt')")


def _unused(b, said: list[str]) -> None:
    """An LTX-2 Gemma 3 enhancer whose text the take does not read (LTX-2.3's ingredients template: a
    preview of it only): said, not made, and no longer listed as a node Studio has nothing for."""
    wf = b.wf
    for n in wf.nodes.values():
        if n.cls != ENHANCER or not n.enabled or n.id in b.used:
            continue
        loras, loader = _clip_loras(wf, n)
        file = _enhancer_file(wf, loader)
        if file is None:
            continue
        to = sorted({f"{u.cls} #{u.id}" for u in wf.nodes.values() for src, _ in u.links.values() if src == n.id})
        b.used.update({n.id} | {x[2].id for x in loras} | ({loader.id} if file else set()))
        lora = f" (with the LoRA '{loras[-1][0]}' on its Gemma)" if loras else ""
        said.append(f"ComfyUI's {ENHANCER} (#{n.id}){lora} writes a text the take does not read (it goes to "
                    f"{', '.join(to) or 'nothing'}): not made; Studio's Enhance Prompt does what it does (wire its "
                    "text into the generator's prompt to use one)")


def enhance_stage(b, gen: str, load: str, params: dict) -> str | None:
    """Enhance Prompt on the loader's model, wired into the generator's prompt and the latent
    upscale's after it (the same start image as the generator's where the enhancer reads one)."""
    e = getattr(b, "enhancer", None)
    if e is None:
        return None
    wf = b.wf
    mode = wf.value(e.node, "sampling_mode")
    # 'off' (greedy) saves no sampling values: the widgets after it are others (thinking...), not read
    p = {k: wf.value(e.node, k) for k in (LENGTHS[e.node.cls],) + (() if mode == "off" else (
        "temperature", "top_k", "top_p", "min_p", "repetition_penalty", "seed"))}
    name, strength = (e.loras[-1][0], e.loras[-1][1]) if e.loras else ("", None)
    nid = b.add(ENHANCE, {"prompt": e.prompt if e.prompt is not None else params.get("prompt"),
                          "max_new_tokens": p.pop(LENGTHS[e.node.cls]), "sampling": mode != "off" if mode else None,
                          "lora": name or None, "lora_strength": strength, "enhancer": e.file or None, **p}, e.node,
                mode="normal" if e.on else "bypass")
    if not e.file:  # LTX-2.5's enhancer is its own file: the loaded model is not its writer
        b.g.connect(load, "model", nid, "model")
    img = b.g.input_link(gen, "image")
    if img is not None and "image" in e.node.links:
        b.g.connect(img.src, img.src_port, nid, "image")
    b.g.connect(nid, "text", gen, "prompt")
    made = {gen}  # the generator's take and each latent upscale after it (a three-stage workflow's two)
    for n in list(b.g.nodes.values()):
        link = b.g.input_link(n.id, "video") if n.type_id == "video_models.ltx2_latent_upscale" else None
        if link is not None and link.src in made:
            b.g.connect(nid, "text", n.id, "prompt")
            made.add(n.id)
    return nid
