"""Workflows made with kandinskylab's own Kandinsky 5 nodes (the kandinsky-5 repository's comfyui folder, its
kandinsky5_lite_T2V / _I2V workflows) read as ComfyUI's core Kandinsky 5 nodes (api.PackTranslation).

The pack loads its DiT (Kandinsky5LoadDiT), encodes each prompt (Kandinsky5TextEncode, optionally the text
expand_prompt writes with Qwen2.5-VL when the workflow runs), and samples in one node (Kandinsky5Generate: steps,
size, length, cfg, the flow schedule's shift as 'scheduler_scale', the seed, and an image latent for image to
video) before its own decode. ``translate`` rewrites them, in place, into what means the same in ComfyUI's core
(UNETLoader, CLIPTextEncode, ModelSamplingSD3, Kandinsky5ImageToVideo with its start image, KSampler, VAEDecode),
so the converter makes Studio's Text / Image to Video on the Kandinsky 5 DiT of them. Before this, such a workflow
gave no node and no sentence. Its text-encoder and VAE loaders name folders of the repository's own layout,
which Load Video Model does not read: said. A latent the sampler starts from that is no encoded image is held in
one sentence.

The settings' names and order are those of the pack's nodes_kandinsky.py and its workflows (read for meaning;
github kandinskylab/kandinsky-5, comfyui/). Plain data and stdlib: nothing of the pack is imported or run."""
from __future__ import annotations

from studio.convert.api import CONTROL, CNode, PackTranslation, Workflow

from .comfy_text import as_prompt

PACK = "kandinskylab's Kandinsky 5"
HELD = "Kandinsky5HeldInput"  # a sampler input Studio cannot carry: the task held, said (comfy.py declares it)
WIDGETS: dict[str, tuple[str, ...]] = {
    "Kandinsky5LoadDiT": ("dit",),
    "Kandinsky5LoadTextEmbedders": ("qwen", "clip", "qwen_quantized"),
    "Kandinsky5LoadVAE": ("vae",),
    "Kandinsky5TextEncode": ("prompt",),
    "expand_prompt": ("prompt",),
    "Kandinsky5Generate": ("steps", "width", "height", "length", "cfg", "scheduler_scale", "precision", "seed",
                           CONTROL),
    "Kandinsky5VAEDecode": (),
    "Kandinsky5VAEImageEncode": (),
}
FOLDERS = ("Kandinsky5LoadTextEmbedders", "Kandinsky5LoadVAE")  # name folders of the repository's layout


class _Translation(PackTranslation):
    PACK, PREFIXES, WIDGETS, HELD = PACK, tuple(WIDGETS), WIDGETS, HELD

    def steps(self) -> None:
        nodes = list(self.wf.nodes.values())
        for n in nodes:
            if n.cls == "Kandinsky5LoadDiT":
                self.core(n, "UNETLoader", {"unet_name": self.named(n).get("dit"), "weight_dtype": "default"}, {})
            elif n.cls == "Kandinsky5TextEncode":
                self.text(n)
            elif n.cls == "Kandinsky5VAEDecode":
                self.core(n, "VAEDecode", {}, {"samples": n.links["latent"]} if "latent" in n.links else {})
        for n in nodes:
            if n.cls == "Kandinsky5Generate":
                self.sampler(n, self.named(n))
        folders = [n for n in nodes if n.cls in FOLDERS and n.enabled]
        if folders:
            names = ", ".join(f"'{v}'" for n in folders for k, v in self.named(n).items() if k in ("qwen", "clip", "vae"))
            self.said.append(f"its text-encoder and VAE loaders name folders of the kandinsky-5 repository's layout "
                             f"({names}), which Load Video Model does not read: give it ComfyUI's Kandinsky 5 files "
                             "(Qwen2.5-VL, CLIP-L, the HunyuanVideo VAE) or a diffusers Kandinsky 5 folder as 'base'")
            self.wf.taken.update(n.id for n in folders)

    def text(self, n: CNode) -> None:
        """Its prompt; where expand_prompt writes it when the workflow runs (on 'extended_text': Qwen2.5-VL rewriting
        the user's prompt, from the start image too), the prompt before expansion, said; never the expander's link,
        through which the start image would seem to reach the sampler by a node Studio does not read."""
        src = self.wf.nodes.get(n.links["extended_text"][0]) if "extended_text" in n.links else None
        if src is None:
            as_prompt(self, n, "prompt", self.named(n).get("prompt"))
            return
        before = self.named(src).get("prompt") if src.cls == "expand_prompt" else None
        as_prompt(self, n, "prompt", before if isinstance(before, str) else "")
        self.wf.taken.add(src.id)
        self.said.append(f"the prompt of '{n.title or n.cls}' (#{n.id}) is written by '{src.title or src.shown_cls}' "
                         f"({src.shown_cls}, #{src.id}) when the workflow runs; Studio does not run it: "
                         + (f"the prompt before expansion ({before!r}) is used; " if isinstance(before, str) else "")
                         + "write the expanded prompt in the generator's prompt")

    def sampler(self, n: CNode, w: dict) -> None:
        image = self.image(n)
        if "image_latent" in n.links and image is None:
            latent, pos, neg = self.held(n, "image_latent", "a latent to start from"), None, None
        else:
            size = {"width": w.get("width"), "height": w.get("height"), "length": w.get("length"), "batch_size": 1}
            links = {k: v for k, v in (("positive", n.links.get("positive_emb")),
                                       ("negative", n.links.get("negative_emb")), ("start_image", image)) if v}
            task = self.core(n, "Kandinsky5ImageToVideo", size, links, nid=f"{n.id}:task")
            latent, pos, neg = (task.id, 2), (task.id, 0), (task.id, 1)
            if image is not None:
                self.wf.taken.add(n.links["image_latent"][0])  # its encode: read as the image itself
                self.said.append(f"with a start image, '{n.title or n.cls}' (#{n.id}) makes the video at the image's "
                                 "aspect ratio in about 768x512's area, not at its width and height: set Studio's "
                                 "width and height to that")
        model = n.links.get("model")
        shift = w.get("scheduler_scale")
        if model is not None and isinstance(shift, (int, float)) and not isinstance(shift, bool) and shift > 0:
            model = (self.core(n, "ModelSamplingSD3", {"shift": shift}, {"model": model}, nid=f"{n.id}:shift").id, 0)
        links = {k: v for k, v in (("model", model), ("positive", pos), ("negative", neg), ("latent_image", latent))
                 if v is not None}
        self.core(n, "KSampler", {"seed": w.get("seed"), "steps": w.get("steps"), "cfg": w.get("cfg"),
                                  "sampler_name": "euler", "scheduler": "simple", "denoise": 1.0}, links)

    def image(self, n: CNode):
        """The picture behind the sampler's image latent (its Kandinsky5VAEImageEncode's 'image'), else None."""
        enc = self.wf.nodes.get(n.links["image_latent"][0]) if "image_latent" in n.links else None
        return enc.links.get("image") if enc is not None and enc.cls == "Kandinsky5VAEImageEncode" else None


def translate(wf: Workflow) -> list[str]:
    """Rewrites ``wf``'s nodes of kandinskylab's pack into the core nodes that mean the same, in place; the sentences
    that say what was read as what, and what was not taken (none when the workflow has none of them)."""
    return _Translation.translate(wf)
