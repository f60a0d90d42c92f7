"""yolain's ComfyUI-Easy-Use loaders read as ComfyUI's own (issue 99, item 6: pack loaders read as loaders, never
Studio's default left in): its checkpoint loaders ('easy fullLoader', 'easy a1111Loader', 'easy comfyLoader')
as a CheckpointLoaderSimple with their LoRAs (their own 'lora_name' and an 'optional_lora_stack') chained after it,
their VAE file as a VAELoader, their two prompts as CLIPTextEncode and their latent as an EmptyLatentImage, each
output's readers moved to the node that gives the same; 'easy loraStackApply' of an 'easy loraStack' (stacks
chained through 'optional_lora_stack', the earlier's LoRAs first, as the pack applies them; one switched off
passes on those chained into it) as a LoraLoader chain
on the model's way. The nodes' settings and their order in a UI file are the pack's (its INPUT_TYPES, read for
meaning; nothing of it is copied or run); its name and prompt boxes ('easy ckptNames', 'easy loraNames', 'easy
positive', 'easy negative') are read as the values they give. What the pack does that Studio has no counterpart
for is said: A1111 prompt weighting, clip skip, the pipe its own samplers read.

Plain data and stdlib."""
from __future__ import annotations

import re

from .translation import PackTranslation, finite
from ..reading.workflow import CNode, Workflow
from ..values.shown import shown

FULL, A1111, COMFY, MOCHI = "easy fullLoader", "easy a1111Loader", "easy comfyLoader", "easy mochiLoader"
STACK, APPLY = "easy loraStack", "easy loraStackApply"
LOADERS = (FULL, A1111, COMFY, MOCHI)
# its nodes that give one value as set (a file's name, a prompt): read as ComfyUI's primitive of it
VALUES = {"easy ckptNames": "ckpt_name", "easy loraNames": "lora_name", "easy positive": "positive",
          "easy negative": "negative"}
SLOTS = 10  # an 'easy loraStack' holds up to ten LoRAs
MAX_CHAINED = 64  # stacks chained through 'optional_lora_stack' (a circle ends where it comes round)
_SLOT = ("name", "strength", "model_strength", "clip_strength")
_LORA = ("lora_name", "lora_model_strength", "lora_clip_strength", "resolution", "empty_latent_width",
         "empty_latent_height")
WIDGETS = {
    FULL: ("ckpt_name", "config_name", "vae_name", "clip_skip") + _LORA + (
        "positive", "positive_token_normalization", "positive_weight_interpretation", "negative",
        "negative_token_normalization", "negative_weight_interpretation", "batch_size", "a1111_prompt_style"),
    A1111: ("ckpt_name", "vae_name", "clip_skip") + _LORA + ("positive", "negative", "batch_size", "a1111_prompt_style"),
    COMFY: ("ckpt_name", "vae_name", "clip_skip") + _LORA + ("positive", "negative", "batch_size"),
    MOCHI: ("ckpt_name", "vae_name", "positive", "negative", "resolution", "empty_latent_width", "empty_latent_height",
            "length", "batch_size"),  # (its prompts and latent reach the pipe alone)
    **{k: (v,) for k, v in VALUES.items()},
    STACK: ("toggle", "mode", "num_loras") + tuple(f"lora_{i}_{k}" for i in range(1, SLOTS + 1) for k in _SLOT),
}
# each loader's outputs, by slot: what reads it reads the core node made for that output instead
OUTPUTS = {FULL: ("pipe", "model", "vae", "clip", "positive", "negative", "latent"),
           A1111: ("pipe", "model", "vae"), COMFY: ("pipe", "model", "vae"), MOCHI: ("pipe", "model", "vae")}
NONE = ("", "None")
BAKED = ("Baked VAE", "Baked-VAE")


class _EasyUse(PackTranslation):
    PACK, PREFIXES, WIDGETS = "Easy-Use's", ("easy ",), WIDGETS

    def steps(self) -> None:
        for n in list(self.wf.nodes.values()):
            if n.cls in VALUES:
                self.core(n, "PrimitiveStringMultiline", {"value": self.named(n).get(VALUES[n.cls])}, {})
        for n in list(self.wf.nodes.values()):
            if n.cls in LOADERS:
                self._loader(n)
            elif n.cls == APPLY:
                self._apply(n)

    # -- the LoRAs ---------------------------------------------------------------------------
    def _stack(self, link) -> list[tuple[str, float, float]]:
        """The LoRAs an 'easy loraStack' (and those chained before it) gives, first applied first: (file, model
        strength, text-encoder strength); a slot that cannot be read said, not applied."""
        chain, seen = [], set()
        while link is not None and link[0] in self.wf.nodes and link[0] not in seen and len(seen) < MAX_CHAINED:
            seen.add(link[0])
            n = self.wf.nodes[link[0]]
            if n.cls != STACK:
                self.said.append(f"the LoRAs of '{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) are not read: add "
                                 "them as Video LoRA nodes")
                break
            self.wf.taken.add(n.id)  # read here: not listed among the nodes not converted
            if self.named(n).get("toggle") not in (False, None, "False"):  # switched off, it passes the chained on
                chain.append(n)
            link = n.links.get("optional_lora_stack")
        out = []
        for n in reversed(chain):  # the pack puts the chained stack's LoRAs before its own
            out += self._slots(n)
        return out

    def _slots(self, n: CNode) -> list[tuple[str, float, float]]:
        s = self.named(n)
        count, advanced, out = s.get("num_loras"), s.get("mode") == "advanced", []
        count = count if isinstance(count, int) and not isinstance(count, bool) else SLOTS
        for i in range(1, min(max(count, 0), SLOTS) + 1):
            name = s.get(f"lora_{i}_name")
            if not name or name in NONE:
                continue
            model, clip = ((s.get(f"lora_{i}_model_strength"), s.get(f"lora_{i}_clip_strength")) if advanced
                           else (s.get(f"lora_{i}_strength"),) * 2)
            if not isinstance(name, str) or not finite(model) or not finite(clip):
                self.said.append(f"'{n.title or n.shown_cls}' (#{n.id})'s LoRA {i} ({shown(name)}, strength "
                                 f"{shown(model)}) cannot be read as the pack reads it: not applied; set what was meant "
                                 "in Video LoRA")
                continue
            out.append((name, float(model), float(clip)))
        return out

    def _chain(self, n: CNode, top: tuple[str, int], loras: list) -> tuple[str, int]:
        """``loras`` as LoraLoader nodes after ``top`` (the model), first applied nearest it; the last one's model."""
        for i, (name, model, clip) in enumerate(loras, 1):
            lora = self.core(n, "LoraLoader", {"lora_name": name, "strength_model": model, "strength_clip": clip},
                             {"model": top}, nid=f"{n.id}:lora{i}")
            top = (lora.id, 0)
        if loras:
            self.made.setdefault(STACK if n.cls == APPLY else n.cls + "'s LoRAs", "LoraLoader")
        return top

    def _apply(self, n: CNode) -> None:
        """'easy loraStackApply': its model through the stack's LoRAs; its CLIP output the one it was given."""
        model = n.links.get("model")
        top = self._chain(n, model, self._stack(n.links.get("lora_stack"))) if model else None
        skip = {m for m in self.wf.nodes if m.startswith(f"{n.id}:lora")}
        if top is not None:
            self.rewire((n.id, 0), top, skip)
        if n.links.get("optional_clip"):
            self.rewire((n.id, 1), n.links["optional_clip"], skip)
        self.wf.taken.add(n.id)
        self.made.setdefault(APPLY, "LoraLoader")

    # -- the loaders ---------------------------------------------------------------------------
    def _loader(self, n: CNode) -> None:
        """The loader's checkpoint and LoRAs, and, where a node reads them (not only the pipe the pack's samplers
        read: a1111, comfy and mochi loaders give their prompts and latent through it alone), its VAE file, its
        prompts and its latent."""
        s = self.named(n)
        read = {what for slot, what in enumerate(OUTPUTS[n.cls]) if any(
            tuple(v[:2]) == (n.id, slot) for m in self.wf.nodes.values() for v in m.links.values())}
        ckpt = self.core(n, "CheckpointLoaderSimple", {"ckpt_name": s.get("ckpt_name")}, {}, nid=f"{n.id}:ckpt")
        self.made.setdefault(n.cls, "CheckpointLoaderSimple" + (", CLIPTextEncode, EmptyLatentImage"
                                                                if "latent" in read else ""))
        loras = self._stack(n.links.get("optional_lora_stack"))
        name = s.get("lora_name")
        if isinstance(name, str) and name not in NONE:  # applied after the stack's (as the pack's cascade loader)
            model, clip = s.get("lora_model_strength"), s.get("lora_clip_strength")
            loras.append((name, float(model) if finite(model) else 1.0, float(clip) if finite(clip) else 1.0))
        made = {"model": self._chain(n, (ckpt.id, 0), loras), "clip": (ckpt.id, 1), "vae": (ckpt.id, 2)}
        vae = s.get("vae_name")
        if "vae" in read and isinstance(vae, str) and vae not in BAKED:
            made["vae"] = (self.core(n, "VAELoader", {"vae_name": vae}, {}, nid=f"{n.id}:vae").id, 0)
        for k in ("positive", "negative"):
            if k in read:
                made[k] = (self.core(n, "CLIPTextEncode", {"text": s.get(k) or ""}, {"clip": made["clip"]},
                                     nid=f"{n.id}:{k}").id, 0)
        if "latent" in read:
            w, h = _size(s.get("resolution"), s.get("empty_latent_width"), s.get("empty_latent_height"))
            made["latent"] = (self.core(n, "EmptyLatentImage", {"width": w, "height": h,
                                                                "batch_size": s.get("batch_size")},
                                        {}, nid=f"{n.id}:latent").id, 0)
        for slot, what in enumerate(OUTPUTS[n.cls]):
            if what in made:
                self.rewire((n.id, slot), made[what], {m for m in self.wf.nodes if m.startswith(f"{n.id}:")})
        self._unread(n, s)
        self.wf.taken.add(n.id)

    def _unread(self, n: CNode, s: dict) -> None:
        """What the loader does that Studio does not, each said."""
        where = f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"
        weights = {s.get("positive_weight_interpretation"), s.get("negative_weight_interpretation")} - {None, "comfy"}
        if n.cls == A1111 or weights or s.get("a1111_prompt_style") is True:
            self.said.append(f"{where} weighs its prompts' (word:1.2) emphasis the A1111 way"
                             + (f" ({', '.join(sorted(map(str, weights)))})" if weights else "")
                             + ": Studio reads a prompt's weights as ComfyUI's own text encoder does ('comfy')")
        skip = s.get("clip_skip")
        if finite(skip) and skip not in (0, -1):
            self.said.append(f"{where}'s clip_skip {shown(skip)} is not taken (the text encoder's last layer is used)")
        for k in ("model_override", "clip_override", "vae_override", "optional_controlnet_stack"):
            if k in n.links:
                self.said.append(f"{where}'s '{k}' input is not read: Studio loads the checkpoint it names")
        readers = [m for m in self.wf.nodes.values() if any(tuple(v[:2]) == (n.id, 0) for v in m.links.values())]
        for m in readers[:3]:
            self.said.append(f"{where}'s pipe feeds '{m.title or m.shown_cls}' ({m.shown_cls}, #{m.id}), one of the "
                             "pack's own pipe nodes, which Studio does not read")


def _size(resolution, width, height) -> tuple:
    """The latent's size: the resolution chosen ('512 x 768'), or the width and height set where it is custom."""
    m = re.fullmatch(r"\s*(\d{2,5})\s*x\s*(\d{2,5})\s*", resolution) if isinstance(resolution, str) else None
    return (int(m.group(1)), int(m.group(2))) if m else (width, height)


def translate(wf: Workflow) -> list[str]:
    """Rewrites ``wf``'s Easy-Use loaders as ComfyUI's own nodes, in place; what is said."""
    return _EasyUse.translate(wf)
