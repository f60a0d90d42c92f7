"""What a family making still pictures is (Stable Diffusion 1.5, SDXL: the start picture many shared workflows make
before an image-to-video model animates it): a take of one frame, a call for more refused in words, and what it
lacks of the capabilities and why, one declaration for them. Plain data and stdlib."""
from __future__ import annotations

from .capabilities import (NOT_MODULAR, NOT_TRAINED, NO_CONDITIONS, NO_DRAFTS, NO_LAST_FRAME, NO_LORA_NAMES,
                           NO_TRACKS, NO_WINDOWS, ONE_DENOISER, SINGLE_FILE_AS_IS, Conditions, ContextWindows, Drafts,
                           FirstLast, LoraNames, LoraTraining, Modular, PromptRecipe, ResumeKeeps, SingleFile,
                           TimeTiles, Tracks, TwoExperts, VaeTiles)
from .family import Family


class StillFamily(Family):
    """A family whose call makes one picture (``title`` names it in the refusal)."""

    def refuse_call(self, task: str, frames: int, height: int, width: int) -> None:
        from .errors import ModelError
        if frames != 1:
            raise ModelError(f"{self.title} makes a still picture (one frame a take): {frames} frames asked; "
                             "set frames to 1 and animate the picture with an image-to-video model")


def still_lacks(prompt_recipe: str) -> dict:
    """The capabilities a still family lacks -> why; ``prompt_recipe``: why its prompts are not cached."""
    return {TwoExperts: ONE_DENOISER, ContextWindows: NO_WINDOWS, Drafts: NO_DRAFTS, LoraNames: NO_LORA_NAMES,
            PromptRecipe: prompt_recipe,
            ResumeKeeps: "a still of a few seconds: a re-run makes it again",
            VaeTiles: "a still picture: its image VAE decodes it whole", TimeTiles: "one frame: nothing to tile in time",
            LoraTraining: NOT_TRAINED, Conditions: NO_CONDITIONS, Tracks: NO_TRACKS, FirstLast: NO_LAST_FRAME,
            Modular: NOT_MODULAR, SingleFile: SINGLE_FILE_AS_IS}
