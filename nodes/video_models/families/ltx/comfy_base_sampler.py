"""Lightricks' ComfyUI-LTXVideo's LTXVBaseSampler (the pack's sampler for LTX-Video 0.9.7 / 0.9.8, read for meaning
from its declared inputs: model, vae, width, height, num_frames, guider, sampler, sigmas, noise, and optional
conditioning pictures with their frame indices, strength, crop, crf and blur; it gives the denoised latent) read as
ComfyUI's core nodes doing the same where it is given no picture: EmptyLTXVLatentVideo of its width, height and
num_frames, sampled by SamplerCustomAdvanced with its noise, guider, sampler and sigmas - a text to video this family
makes (heldout23 14, a reels app's 0.9.8 distilled file, was held: "a sampler it has no counterpart for"). Given
pictures, each loaded picture of the batch is a guide (LTXVAddGuide) at its index, which the family reads as a
keyframe at that frame (comfy_cond_pictures: heldout33 04's three keyframes were held); pictures it cannot tell apart
one per index, or its conditioning outputs read, leave it as it was, held as before. Its refining twin
LTXVTiledSampler: comfy_tiled_sampler. Stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, PackTranslation, node_type

from .comfy_cond_pictures import guides
from .comfy_tiled_sampler import tiled

SAMPLER, TILED = "LTXVBaseSampler", "LTXVTiledSampler"
WIDGETS = {SAMPLER: ("width", "height", "num_frames", "optional_cond_indices", "strength", "crop", "crf", "blur"),
           TILED: ("horizontal_tiles", "vertical_tiles", "overlap", "latents_cond_strength", "boost_latent_similarity",
                   "crop", "optional_cond_indices", "images_cond_strengths")}
SOCKETS = ("noise", "guider", "sampler", "sigmas")


class _BaseSampler(PackTranslation):
    PACK, PREFIXES, WIDGETS = "Lightricks' ComfyUI-LTXVideo's", (SAMPLER, TILED), WIDGETS

    @classmethod
    def is_pack(cls, n: CNode) -> bool:
        return n.cls in (SAMPLER, TILED)

    def steps(self) -> None:
        t = node_type(SAMPLER)
        declared = {i.name for i in t.inputs} if t is not None else set()
        if any(m.cls.startswith(("LTXAV", "LTXVConcatAV", "LTXVEmptyLatentAudio")) for m in self.wf.nodes.values()):
            return  # LTX-2's sound and picture latents: not this family's take (held as before)
        for n in [n for n in self.wf.nodes.values() if n.cls == SAMPLER]:
            read = any(tuple(v[:2]) in ((n.id, 1), (n.id, 2)) for m in self.wf.nodes.values() for v in m.links.values())
            if read or not all(k in n.links for k in SOCKETS) or not set(n.links) <= declared:
                continue  # its prompts read on, a socket unwired or not its own: as before
            w = self.named(n)
            keyed = guides(self, n, w) if "optional_cond_images" in n.links else None
            if "optional_cond_images" in n.links and keyed is None:  # pictures Studio cannot tell apart one by one,
                self.said.append(f"{n.named()}'s pictures on 'optional_cond_images' are not read as one loaded picture "
                                 "for each frame on its 'optional_cond_indices' "
                                 f"({w.get('optional_cond_indices')!r}): it is not read as ComfyUI's own nodes")
                n.declined = ("its pictures on 'optional_cond_images' are not one loaded picture for each frame on "
                              "its 'optional_cond_indices': Studio reads it given such pictures, or none")
                continue  # or not one per index: held as before (said so: passes.held names n.declined)
            size = {"width": w.get("width", 768), "height": w.get("height", 512), "length": w.get("num_frames", 97),
                    "batch_size": 1}
            wired = {k: n.links[k] for k in ("width", "height") if k in n.links and k not in w}
            if "num_frames" in n.links and "num_frames" not in w:
                wired["length"] = n.links["num_frames"]
            latent = self.core(n, "EmptyLTXVLatentVideo", {k: v for k, v in size.items()
                                                          if k not in wired}, wired, nid=f"{n.id}:latent")
            into = keyed(latent) if keyed is not None else (latent.id, 0)
            self.core(n, "SamplerCustomAdvanced", {}, {**{k: n.links[k] for k in SOCKETS}, "latent_image": into})
            self.said.append(f"{n.named()} is read as EmptyLTXVLatentVideo of its width, height and num_frames "
                             "sampled by SamplerCustomAdvanced with its noise, guider, sampler and sigmas"
                             + (", each picture on its 'optional_cond_images' a guide (LTXVAddGuide) at its frame on "
                                "'optional_cond_indices', with its strength" if keyed
                                else " (it is given no picture: a text to video)"))
        tiled(self)


def translate(wf) -> list[str]:
    """Rewrites ``wf``'s picture-less LTXVBaseSampler into the core nodes that mean the same, in place; the sentences
    saying so (none when the workflow has none)."""
    return _BaseSampler.translate(wf)
