"""ComfyUI-LTXVideo's low-memory loaders (low_vram_loaders.py, read for their inputs and outputs only):
LowVRAMCheckpointLoader loads a checkpoint as ComfyUI's CheckpointLoaderSimple does (its model, CLIP and VAE), and
LowVRAMAudioVAELoader the audio VAE as LTXVAudioVAELoader does, LowVRAMLatentUpscaleModelLoader the latent
upsampler as LatentUpscaleModelLoader does, each with an optional 'dependencies' input of any
type that only makes ComfyUI load it after the node wired there (its memory freed first). Read as those loaders,
in place; the ordering said, once. Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import Workflow

TWINS = {"LowVRAMCheckpointLoader": ("CheckpointLoaderSimple", "ckpt_name"),  # -> (read as, its file's setting)
         "LowVRAMAudioVAELoader": ("LTXVAudioVAELoader", "ckpt_name"),
         "LowVRAMLatentUpscaleModelLoader": ("LatentUpscaleModelLoader", "model_name")}


def low_vram(wf: Workflow) -> list[str]:
    """The pack's low-memory loaders read as ComfyUI's loaders (in place); what is said of them."""
    said = []
    for n in wf.nodes.values():
        if n.cls not in TWINS or not n.enabled:
            continue
        raw = n.raw if isinstance(n.raw, list) else []
        cls, key = TWINS[n.cls]
        file = raw[0] if raw and isinstance(raw[0], str) else n.widgets.get(key)
        after = wf.source(n, "dependencies")
        n.origin, n.cls, n.widgets = n.cls, cls, {key: file}
        n.links.pop("dependencies", None)
        n.in_types.pop("dependencies", None)
        said.append(f"'{n.title or n.origin}' ({n.origin}, #{n.id}) is read as ComfyUI's {n.cls} of '{file}'"
                    + (f"; its 'dependencies' input (from '{after.title or after.shown_cls}' ({after.shown_cls}, "
                       f"#{after.id})) only has ComfyUI load it after that node: nothing to apply" if after else ""))
    return said
