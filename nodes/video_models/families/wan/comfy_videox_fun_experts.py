"""The step a VideoX-Fun Wan 2.2 A14B sampler passes from its high-noise to its low-noise expert (proxymine24). The
pack's Wan 2.2 pipelines sample a step on the high-noise expert while its timestep is at or above boundary x 1000
(aigc-apps/VideoX-Fun videox_fun/pipeline/pipeline_wan2_2_fun_control.py, pipeline_wan2_2_vace_fun.py at 804a4258:
``if t >= boundary * self.scheduler.config.num_train_timesteps``); with its 'Flow' scheduler, diffusers'
FlowMatchEulerDiscreteScheduler at the sampler's shift (comfyui/wan2_1/nodes.py get_wan_scheduler: 1000 training
steps, no dynamic shifting), whose timesteps for n steps are n points evenly from 1 down to its shifted smallest sigma,
each shifted again (diffusers' FlowMatchEulerDiscreteScheduler.set_timesteps), times 1000. The translation's two
KSamplerAdvanced were split at half the steps, which the note then said as the workflow's ("first sampler runs steps
0-25 of 50" where the pack's boundary 0.875 at shift 12 gives 32). Plain stdlib arithmetic."""
from __future__ import annotations

from studio.convert.api import finite

TRAIN = 1000  # the scheduler's training timesteps


def _shifted(s: float, shift: float) -> float:
    return shift * s / (1 + (shift - 1) * s)


def high_steps(steps, shift, boundary, scheduler) -> int | None:
    """The count of the first steps the pack samples on the high-noise expert, for its 'Flow' scheduler; None where
    another scheduler (its UniPC and DPM++ ones space their steps their own way) or a value is not a number."""
    if scheduler != "Flow" or not (isinstance(steps, int) and not isinstance(steps, bool) and steps > 1):
        return None
    if not (finite(shift) and shift > 0 and finite(boundary)):
        return None
    low = _shifted(1 / TRAIN, shift)  # the scheduler's smallest sigma (its training sigmas shifted at its making)
    sigmas = [_shifted(1 - i * (1 - low) / (steps - 1), shift) for i in range(steps)]
    return sum(1 for s in sigmas if s * TRAIN >= boundary * TRAIN)
