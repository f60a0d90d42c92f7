"""SCAIL's scheduler shift as Studio gives it to the model read from ComfyUI's files (parts.py builds the flow-match
Euler scheduler with it). Plain data, read by the converter's mapping (comfy.py, comfy_preview.py) too, which imports
no module of the model's: a workflow's ModelSamplingSD3 / sampler shift is said against it (rejudge16: "shift 5: not
applied (the generator has no shift setting: the model folder's scheduler's)" was said where Studio samples with 5)."""
from __future__ import annotations

SHIFT = 5.0  # ComfyUI's SCAIL-2 templates: ModelSamplingSD3 shift 5, euler, 6 steps (with the lightx2v LoRA); SCAIL-
# Preview's release the same: zai-org/SCAIL@33122ea configs/video_model/Wan2.1-i2v-14Bsc-pose-xc-latent.yaml, RFSampler
# hunyuan_schedule shift_scale 5 (sampling.py make_flow_timesteps: sigma = 5s / (1 + 4s)), 50 steps, CFG 4
SHIFT_FROM = {True: "ComfyUI's templates", False: "the release's"}
