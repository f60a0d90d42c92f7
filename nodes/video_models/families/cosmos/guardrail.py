"""Cosmos's guardrail. Every diffusers Cosmos pipeline takes a ``safety_checker`` and refuses to run
without one (pipelines/cosmos in diffusers 0.42.1: with none given it builds ``cosmos_guardrail``'s
CosmosSafetyChecker, which downloads its own models; with None it refuses each call). Studio gives the
pipeline cosmos_guardrail's checker where that package is installed and its models are on disk (Studio
reads no network at run time); else a stand-in that passes the prompt and the frames through, said in
the Load Video Model's messages: the NVIDIA Open Model License asks whoever runs a Cosmos model to keep
a guardrail fit for their use, which is then the artist's to keep."""
from __future__ import annotations

UNCHECKED = ("Cosmos guardrail: cosmos_guardrail is not installed (or its models are not on disk): prompts and "
             "frames are not checked; the NVIDIA Open Model License asks for a guardrail fit for your use")


def _stand_in():
    import torch

    class PassThrough(torch.nn.Module):
        """Takes the guardrail's place: every prompt passes, every frame is returned as it is. Its one
        value gives it a device and a dtype, which a pipeline reads of each of its modules."""

        def __init__(self):
            super().__init__()
            self.register_buffer("placed", torch.zeros(1), persistent=False)

        @property
        def device(self):
            return self.placed.device

        @property
        def dtype(self):
            return self.placed.dtype

        def check_text_safety(self, prompt: str) -> bool:
            return True

        def check_video_safety(self, frames):
            return frames

    return PassThrough()


def safety_checker(info=None):
    """cosmos_guardrail's CosmosSafetyChecker when it loads offline, else the pass-through stand-in (said
    through ``info``)."""
    try:
        from cosmos_guardrail import CosmosSafetyChecker  # optional: not a dependency of Studio
        return CosmosSafetyChecker()
    except Exception:  # not installed, or its models not on disk (offline): the stand-in, said
        if info is not None:
            info(UNCHECKED)
        return _stand_in()
