"""The step a VideoX-Fun Wan 2.2 A14B sampler passes from its high-noise to its low-noise expert (proxymine24, left25).
The pack's Wan 2.2 pipelines sample a step on the high-noise expert while its timestep is at or above boundary x 1000
(aigc-apps/VideoX-Fun videox_fun/pipeline/pipeline_wan2_2_fun_control.py, pipeline_wan2_2_vace_fun.py at 804a4258:
``if t >= boundary * self.scheduler.config.num_train_timesteps``). Its ComfyUI samplers make the scheduler at the
sampler's shift (comfyui/wan2_1/nodes.py get_wan_scheduler: 1000 training steps, no dynamic shifting) and call the
pipeline without a shift, so the pipeline's own default, 5, is the ``shift`` its timesteps are set with (comfyui/wan2_2,
wan2_2_fun, wan2_2_vace_fun nodes.py: no ``shift=`` in their pipeline calls; the pipelines' ``shift: int = 5``):

* 'Flow': diffusers' FlowMatchEulerDiscreteScheduler at the sampler's shift, whose timesteps for n steps are n points
  evenly from 1 down to its shifted smallest sigma, each shifted again (its set_timesteps), times 1000;
* 'Flow_Unipc': the pack's FlowUniPCMultistepScheduler (videox_fun/utils/fm_solvers_unipc.py): its training sigmas
  ``1 - linspace(1, 1/1000, 1000)`` reversed, shifted at the sampler's shift when made (the largest: sigma_max, the
  smallest 0); ``set_timesteps(n, shift=5)``: n points of linspace(sigma_max, 0, n + 1), each shifted at 5, times 1000,
  cast to int64;
* 'Flow_DPM++': its FlowDPMSolverMultistepScheduler (fm_solvers.py): the pipeline's get_sampling_sigmas(n, 5) (n points
  of linspace(1, 0, n + 1) shifted at 5) handed as ``sigmas``, which its set_timesteps shifts again at the sampler's
  shift (its config's), times 1000, cast to int64.

The translation's two KSamplerAdvanced were split at half the steps, which the note then said as the workflow's
("first sampler runs steps 0-25 of 50" where the pack's boundary 0.875 at shift 12 gives 32). Plain stdlib
arithmetic (read for its arithmetic; nothing of the pack is imported or run)."""
from __future__ import annotations

import struct

from studio.convert.api import finite

TRAIN = 1000  # the scheduler's training timesteps
CALL_SHIFT = 5  # the pipelines' own shift, which the pack's ComfyUI samplers do not pass


def _shifted(s: float, shift: float) -> float:
    return shift * s / (1 + (shift - 1) * s)


def _f32(x: float) -> float:
    """``x`` as a float32 holds it (the pack's UniPC scheduler keeps its training sigmas in float32)."""
    return struct.unpack("f", struct.pack("f", x))[0]


def _sigmas(steps: int, shift: float, scheduler: str) -> list[float] | None:
    """The sigmas the pack's ``scheduler`` samples ``steps`` steps at, its sampler's ``shift``; None: not one of its."""
    if scheduler == "Flow":
        low = _shifted(1 / TRAIN, shift)  # the scheduler's smallest sigma (its training sigmas shifted at its making)
        return [_shifted(1 - i * (1 - low) / (steps - 1), shift) for i in range(steps)]
    if scheduler == "Flow_Unipc":
        top = _f32(_shifted(_f32(1 - 1 / TRAIN), shift))  # its sigma_max (its smallest: 0)
        return [_shifted(top - i * top / steps, CALL_SHIFT) for i in range(steps)]
    if scheduler == "Flow_DPM++":
        return [_shifted(_shifted(1 - i / steps, CALL_SHIFT), shift) for i in range(steps)]
    return None


def high_steps(steps, shift, boundary, scheduler) -> int | None:
    """The count of the first steps the pack samples on the high-noise expert, for its 'Flow', 'Flow_Unipc' and
    'Flow_DPM++' schedulers; None where another scheduler is named or a value is not a number."""
    if not (isinstance(steps, int) and not isinstance(steps, bool) and steps > 1):
        return None
    if not (finite(shift) and shift > 0 and finite(boundary)):
        return None
    sigmas = _sigmas(steps, shift, scheduler)
    if sigmas is None:
        return None
    whole = scheduler != "Flow"  # (its UniPC and DPM++ schedulers cast their timesteps to whole numbers)
    return sum(1 for s in sigmas if (int(s * TRAIN) if whole else s * TRAIN) >= boundary * TRAIN)
