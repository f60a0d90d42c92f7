"""Workflows made with kijai's ComfyUI-MochiWrapper read as ComfyUI's own nodes (api.PackTranslation).

The wrapper's loader gives the Mochi model and its VAE from two files; its text node gives a prompt (and the
text encoder on); its sampler takes the size, length, steps, cfg and seed. ``translate`` rewrites them, in
place, into the core nodes that mean the same (UNETLoader and VAELoader, CLIPTextEncode, EmptyMochiLatentVideo,
KSampler, VAEDecode), so the converter reads a wrapper workflow as it reads a core one (text to video, Mochi's
only task in Studio). A latent the sampler starts from (MochiImageEncode: the wrapper's video to video) is held
in one sentence; its custom sigma and cfg schedules and its speed nodes are said as not taken.

The settings' names and order are those of the wrapper's nodes.py (INPUT_TYPES, read for meaning; github
kijai/ComfyUI-MochiWrapper at e1bd052). Plain data and stdlib: nothing of the wrapper is imported or run."""
from __future__ import annotations

from studio.convert.api import CONTROL, CNode, PackTranslation, Workflow

PACK = "ComfyUI-MochiWrapper"
PREFIXES = ("Mochi", "DownloadAndLoadMochi")
HELD = "MochiHeldInput"  # a sampler input Studio cannot carry: the task held, said (comfy.py declares it)
WIDGETS: dict[str, tuple[str, ...]] = {
    "DownloadAndLoadMochiModel": ("model", "vae", "precision", "attention_mode", "cublas_ops", "rms_norm_func"),
    "MochiModelLoader": ("model_name", "precision", "attention_mode", "cublas_ops", "rms_norm_func"),
    "MochiVAELoader": ("model_name", "precision"),
    "MochiTextEncode": ("prompt", "strength", "force_offload"),
    "MochiSampler": ("width", "height", "num_frames", "steps", "cfg", "seed", CONTROL),
}
SETTINGS_ONLY = ("MochiTorchCompileSettings", "MochiFasterCache")
# what the translation reads by name -> the settings it reads (settings-only nodes: none), declared to the converter
TRANSLATED = {**dict.fromkeys(SETTINGS_ONLY, ()), **WIDGETS}
DECODERS = ("MochiDecode", "MochiDecodeSpatialTiling")


class _Translation(PackTranslation):
    PACK, PREFIXES, WIDGETS, SETTINGS_ONLY, HELD = "MochiWrapper", PREFIXES, WIDGETS, SETTINGS_ONLY, HELD

    def steps(self) -> None:
        self.loaders()
        self.texts()
        self.decoders(*DECODERS)
        self.samplers()

    def loaders(self) -> None:
        for n in list(self.wf.nodes.values()):
            w = self.named(n)
            if n.cls == "DownloadAndLoadMochiModel":  # (model, vae) from two files: a loader of each
                self.core(n, "UNETLoader", {"unet_name": w.get("model")}, {})
                vae = self.core(n, "VAELoader", {"vae_name": w.get("vae")}, {}, nid=f"{n.id}:vae")
                self.rewire((n.id, 1), (vae.id, 0), {vae.id})
            elif n.cls == "MochiModelLoader":
                self.core(n, "UNETLoader", {"unet_name": w.get("model_name")}, {})
            elif n.cls == "MochiVAELoader":
                self.core(n, "VAELoader", {"vae_name": w.get("model_name")}, {})

    def texts(self) -> None:
        """MochiTextEncode: a CLIPTextEncode; what its 'clip' output fed reads the text encoder it read."""
        for n in list(self.wf.nodes.values()):
            if n.cls == "MochiTextEncode":
                self.clip_text(n, self.named(n).get("prompt"))

    def samplers(self) -> None:
        for n in list(self.wf.nodes.values()):
            if n.cls == "MochiSampler":
                self.sampler(n, self.named(n))

    def sampler(self, n: CNode, w: dict) -> None:
        if "samples" in n.links:  # the wrapper's video to video: a latent to start from
            latent = self.held(n, "samples", "a latent to start from")
        else:
            latent = (self.core(n, "EmptyMochiLatentVideo", {"width": w.get("width"), "height": w.get("height"),
                                                             "length": w.get("num_frames"), "batch_size": 1}, {},
                                nid=f"{n.id}:latent").id, 0)
        self.not_taken(n, ("opt_sigmas", "cfg_schedule", "fastercache"),
                       "the pipeline's own schedule and Studio's speed settings are used instead")
        links = {k: v for k, v in (("model", n.links.get("model")), ("positive", n.links.get("positive")),
                                   ("negative", n.links.get("negative")), ("latent_image", latent)) if v is not None}
        self.core(n, "KSampler", {"seed": w.get("seed"), "steps": w.get("steps"), "cfg": w.get("cfg"),
                                  "sampler_name": "euler", "scheduler": "simple"}, links)


def translate(wf: Workflow) -> list[str]:
    """Rewrites ``wf``'s MochiWrapper nodes into the core nodes that mean the same, in place; the sentences that
    say what was read as what, and what was not taken (none when the workflow has no wrapper node)."""
    return _Translation.translate(wf)
