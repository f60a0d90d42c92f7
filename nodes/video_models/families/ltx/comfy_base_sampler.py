"""Lightricks' ComfyUI-LTXVideo's LTXVBaseSampler (the pack's sampler for LTX-Video 0.9.7 / 0.9.8, read for meaning
from its declared inputs: model, vae, width, height, num_frames, guider, sampler, sigmas, noise, and optional
conditioning pictures with their frame indices, strength, crop, crf and blur; it gives the denoised latent) read as
ComfyUI's core nodes doing the same where it is given no picture: EmptyLTXVLatentVideo of its width, height and
num_frames, sampled by SamplerCustomAdvanced with its noise, guider, sampler and sigmas - a text to video this family
makes (heldout23 14, a reels app's 0.9.8 distilled file, was held: "a sampler it has no counterpart for"). Given
pictures (an image to video or keyframes at the indices it is given), or its conditioning outputs read, it is left
as it was, and held as before. Stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, PackTranslation, node_type

SAMPLER = "LTXVBaseSampler"
WIDGETS = {SAMPLER: ("width", "height", "num_frames", "optional_cond_indices", "strength", "crop", "crf", "blur")}
SOCKETS = ("noise", "guider", "sampler", "sigmas")


class _BaseSampler(PackTranslation):
    PACK, PREFIXES, WIDGETS = "Lightricks' ComfyUI-LTXVideo's", (SAMPLER,), WIDGETS

    @classmethod
    def is_pack(cls, n: CNode) -> bool:
        return n.cls == SAMPLER

    def steps(self) -> None:
        t = node_type(SAMPLER)
        declared = {i.name for i in t.inputs} if t is not None else set()
        if any(m.cls.startswith(("LTXAV", "LTXVConcatAV", "LTXVEmptyLatentAudio")) for m in self.wf.nodes.values()):
            return  # LTX-2's sound and picture latents: not this family's take (held as before)
        for n in [n for n in self.wf.nodes.values() if n.cls == SAMPLER]:
            read = any(tuple(v[:2]) in ((n.id, 1), (n.id, 2)) for m in self.wf.nodes.values() for v in m.links.values())
            if "optional_cond_images" in n.links or read or not all(k in n.links for k in SOCKETS) or \
                    not set(n.links) <= declared:
                continue  # a picture conditioned, its prompts read on, a socket unwired or not its own: as before
            w = self.named(n)
            size = {"width": w.get("width", 768), "height": w.get("height", 512), "length": w.get("num_frames", 97),
                    "batch_size": 1}
            wired = {k: n.links[k] for k in ("width", "height") if k in n.links and k not in w}
            if "num_frames" in n.links and "num_frames" not in w:
                wired["length"] = n.links["num_frames"]
            latent = self.core(n, "EmptyLTXVLatentVideo", {k: v for k, v in size.items()
                                                          if k not in wired}, wired, nid=f"{n.id}:latent")
            self.core(n, "SamplerCustomAdvanced", {}, {**{k: n.links[k] for k in SOCKETS},
                                                       "latent_image": (latent.id, 0)})
            self.said.append(f"{n.named()} is read as EmptyLTXVLatentVideo of its width, height and num_frames "
                             "sampled by SamplerCustomAdvanced with its noise, guider, sampler and sigmas (it is given "
                             "no picture: a text to video)")


def translate(wf) -> list[str]:
    """Rewrites ``wf``'s picture-less LTXVBaseSampler into the core nodes that mean the same, in place; the sentences
    saying so (none when the workflow has none)."""
    return _BaseSampler.translate(wf)
