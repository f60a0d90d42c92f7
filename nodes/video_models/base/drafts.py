"""Draft recipes: a family's distilled path (a distill LoRA found in the models folder's ``loras``, or
a distilled checkpoint loaded as the model) with the steps, guidance, shift and sampler it was
distilled for, as ComfyUI's own templates set them. Each family's folder declares its own
(a family's ``Drafts`` capability); sampling/draft.py picks one for a run. Plain data: importing costs nothing."""
from __future__ import annotations

from dataclasses import dataclass

QUALITIES = ("final", "draft")
QUALITY_HELP = ("draft: the family's distilled recipe found in the models folder (a distill LoRA with its steps, "
                "cfg, shift and sampler, or a distilled checkpoint); the node says which, or which file it did not "
                "find (then the final settings run). final: the model as it is, with the settings here. The seed is "
                "the same in both")


@dataclass(frozen=True)
class DraftRecipe:
    title: str  # 'lightx2v 4-step LoRA (Wan 2.2 T2V)'
    # the ComfyUI template the values come from (comfyui-workflow-templates' file name), or, for a model ComfyUI
    # has no template of, the library page that gives them ('diffusers docs: api/pipelines/helios.md')
    template: str
    steps: int
    cfg: float
    shift: float = 0.0  # 0: the model's own
    sampler: str = "auto"  # a SAMPLER_CHOICES value (base/schedulers.py)
    # the template's own sigmas (ComfyUI's ManualSigmas, without the terminal 0), run as given: the model's
    # scheduler unshifted for the run and the pipeline given them, where it takes 'sigmas'; (): its own schedule
    sigmas: tuple[float, ...] = ()
    # the distill LoRAs: (expert, name fragments that must all be in the file's name, lower case); expert
    # '' for a one-denoiser model, 'high noise' / 'low noise' for Wan 2.2 A14B's two
    loras: tuple[tuple[str, tuple[str, ...]], ...] = ()
    strength: float = 1.0
    checkpoint: tuple[str, ...] = ()  # a distilled checkpoint: fragments of the loaded model's file name
    tasks: tuple[str, ...] = ()  # the generator tasks it serves ('t2v', 'i2v', 'v2v', 'vace'); (): every one
    experts: int = 1  # the denoisers the model has (Wan 2.2 A14B: 2)
    variants: tuple[str, ...] = ()  # the variant titles it is for (prefixes; (): any not refused below)
    not_variants: tuple[str, ...] = ()  # variant titles it is never for ('Wan 2.2 TI2V-5B')

    def fits(self, task: str, experts: int, variant: str) -> bool:
        """Whether this recipe serves a run of ``task`` on a model of ``experts`` denoisers and ``variant``."""
        if self.tasks and task not in self.tasks:
            return False
        if experts != self.experts or any(variant.startswith(v) for v in self.not_variants):
            return False
        return not self.variants or any(variant.startswith(v) for v in self.variants)

    def words(self) -> str:
        """'4 steps, cfg 1.0, shift 5, sampler euler (ComfyUI template video_wan2_2_14B_t2v.json)'."""
        shift = f", shift {self.shift:g}" if self.shift else ""
        sampler = f", sampler {self.sampler}" if self.sampler != "auto" else ""
        sigmas = f", the template's sigmas {', '.join(f'{x:g}' for x in self.sigmas)}" if self.sigmas else ""
        source = f"ComfyUI template {self.template}" if self.template.endswith(".json") else self.template
        return f"{self.steps} steps, cfg {self.cfg:.1f}{shift}{sampler}{sigmas} ({source})"

    def looked_for(self) -> str:
        """The files it looks for, in words: 'a LoRA named *lightx2v*4steps*high_noise* (high noise)'."""
        out = [f"'*{'*'.join(frags)}*'" + (f" ({expert} expert)" if expert else "") for expert, frags in self.loras]
        return " and ".join(out)
