"""What the converter knows of the ComfyUI workflows of video models Studio does not run (api.ComfyMapping,
found by studio.convert's registry through its MODULES setting): their task nodes, each with the task in
words, the model and what Studio cannot do (said first where a workflow uses one), their empty latents and
the names their model files carry. not_read.py beside it says the same models' reasons in the Families
dialog. Plain data and stdlib: nothing of ComfyUI is imported or run."""
from __future__ import annotations

from studio.convert.api import ComfyMapping, Task

MAPPING = ComfyMapping(
    key="not_read", title="models Studio does not run",
    tasks={"ARVideoI2V": Task("image to video by causal forcing", None, family="an autoregressive Wan",
                              cannot="sample a video autoregressively (causal forcing)"),
           "BerniniConditioning": Task("video editing", None, family="Bernini-R", cannot="run Bernini-R"),
           "VOIDInpaintConditioning": Task("object removal (video inpainting)", None, family="VOID",
                                           cannot="run VOID")})  # Cosmos and Mochi: families/cosmos, families/mochi
