"""Kandinsky 6's own prompt and sampler nodes read as ComfyUI's core ones (api.PackTranslation).

Kandinsky6TextEncode takes a video caption and what is heard, which it appends as '<AUDCAP>...<ENDAUDCAP>' before
encoding the one text (Kandinsky 6's prompt format, which diffusers' Kandinsky6TI2VAPipeline reads in its prompt
too): a CLIPTextEncode of that text. Kandinsky6Sampler is ComfyUI's KSampler with Kandinsky 6's defaults (it runs
the distilled models' PiFlow itself): a KSampler of the same settings. Before this, a workflow on them was held as
'a node pack's sampler' with no generator. The nodes' settings are those of the Kandinsky 6 ComfyUI nodes
(nodes_kandinsky6.py, read for meaning). Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CONTROL, PackTranslation, Workflow

from ..kandinsky5.comfy_text import as_prompt

TEXT, SAMPLER = "Kandinsky6TextEncode", "Kandinsky6Sampler"
WIDGETS = {TEXT: ("video_caption", "audio_caption"),
           SAMPLER: ("seed", CONTROL, "steps", "cfg", "sampler_name", "scheduler", "denoise")}
SAMPLER_INPUTS = ("model", "positive", "negative", "latent_image")


class _Translation(PackTranslation):
    PACK, PREFIXES, WIDGETS = "Kandinsky 6's", (TEXT, SAMPLER), WIDGETS

    def steps(self) -> None:
        for n in list(self.wf.nodes.values()):
            if n.cls == TEXT:
                video, heard = self.wf.value(n, "video_caption"), self.wf.value(n, "audio_caption")
                if not isinstance(heard, str) and "audio_caption" in n.links:
                    self.said.append(f"'{n.title or TEXT}' (#{n.id})'s audio caption is made by another node when the "
                                     "workflow runs: write what is heard between <AUDCAP> and <ENDAUDCAP> at the end of "
                                     "the generator's prompt")
                text = video if not isinstance(video, str) or not isinstance(heard, str) or not heard.strip() \
                    else f"{video} <AUDCAP>{heard}<ENDAUDCAP>"
                as_prompt(self, n, "video_caption", text)
                self.made[TEXT] = "CLIPTextEncode (what is heard as <AUDCAP>...<ENDAUDCAP>)"
            elif n.cls == SAMPLER:
                self.core(n, "KSampler", self.named(n), {k: v for k, v in n.links.items() if k in SAMPLER_INPUTS})


# Kandinsky6EmptyLatent comes in two forms: (width, height, length, batch_size), its frame rate fixed at the model's
# 24, and a later one that sets the rate too, between length and batch_size (and gives it as its output 1). A UI file
# saves five values for the later: read by place as the first, its rate would be taken as the batch size and lost.
EMPTY = "Kandinsky6EmptyLatent"
EMPTY_WITH_FPS = ("width", "height", "length", "fps", "batch_size")


def _empty_latents(wf: Workflow) -> None:
    """The later Kandinsky6EmptyLatent's five values of a UI file named by their places (its frame rate read)."""
    for n in wf.nodes.values():
        if n.cls == EMPTY and isinstance(n.raw, list) and len(n.raw) == len(EMPTY_WITH_FPS):
            n.widgets = dict(zip(EMPTY_WITH_FPS, n.raw))


def translate(wf: Workflow) -> list[str]:
    """Rewrites ``wf``'s Kandinsky 6 prompt and sampler nodes as CLIPTextEncode and KSampler, in place (and names the
    later empty latent's values by their places); what is said."""
    _empty_latents(wf)
    return _Translation.translate(wf)
