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
# AnimateDiff-Evolved's beta_schedule choices that are these same betas (its BetaSchedules: 'linear (HotshotXL/default)'
# and the raw 'linear' take ComfyUI's linear_start 0.00085 and linear_end 0.012; 'linear (AnimateDiff-SDXL)' ends at
# 0.020, 'sqrt_linear (AnimateDiff)' is the square-root spacing): a choice's meaning is its declared value's, not
# knowable from the node's types
SAME_BETAS = ("linear (HotshotXL/default)", "linear")
