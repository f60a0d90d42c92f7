"""Text2Video-Zero (Picsart AI Research, Khachatryan et al. 2023), diffusers' ``TextToVideoZeroPipeline``
(pipelines/deprecated/text_to_video_synthesis in diffusers 0.42.1): zero-shot text to video from a Stable
Diffusion 1.x image model (a UNet2DConditionModel, its image VAE, CLIP text), no video training. Its call samples
the first frame down to step T1 and on to T0, copies that latent to the other frames warped by a global motion
field, noises them back to T1, then denoises every frame from T1 with the first frame's keys and values in each
frame's self-attention (cross-frame attention). Run by the generic Text to Video; read as a diffusers folder saved
as a TextToVideoZeroPipeline.

What its pipeline needs that the generic call does not give (``pipeline_call``, said here, not hidden): T1 and T0
are steps counted from the end of the schedule (``t1``, ``t0``: 47 and 44 of the release's 50 steps); they are
scaled to the call's steps, so a take of fewer steps keeps the release's proportions. Its call takes no
``callback_on_step_end``: the Sampler's step work runs after each scheduler step (sampling/call_adapters.py), so
the first frame's steps to T0 are counted as steps too (``t1 - t0`` more than the steps asked, said as the
pipeline's ``num_timesteps``), their one-frame latent handed to the step work as the clip's, whose shape it keeps
for a Stop to resume from (``first_frame_as_the_clip``). Its output is the
frames alone, one clip of channels-last floats in ``images`` (``Outputs``: ``take``). Its folder's safety checker
is not loaded (``load_kwargs``)."""
from __future__ import annotations

from dataclasses import dataclass

from ...base.capabilities import Outputs, PreviewLayout, SingleFile, folder_image_vae_lacks
from ...base.family import Family

T2V = "TextToVideoZeroPipeline"
IMAGE_VAE = "its VAE is Stable Diffusion's image VAE (frames decoded one by one)"
FOLDER = ("Text2Video-Zero is read as a diffusers folder saved as a TextToVideoZeroPipeline (a Stable Diffusion "
          "1.x model's components; ComfyUI has no Text2Video-Zero nodes)")
T1, T0, RELEASE_STEPS = 47, 44, 50  # the pipeline's defaults, for its 50 steps


def timesteps_back(steps: int) -> tuple[int, int]:
    """(t1, t0) for ``steps`` steps: the release's 47 and 44 of 50 in proportion, 0 <= t0 < t1 < steps."""
    t1 = max(1, min(steps - 1, round(T1 * steps / RELEASE_STEPS)))
    return t1, max(0, min(t1 - 1, round(T0 * steps / RELEASE_STEPS)))


@dataclass(frozen=True)
class ImagesOutput(Outputs):
    """Its output: one clip, [T, H, W, C] floats in [0, 1] in ``images`` (a numpy array whatever the
    ``output_type``), given as diffusers' "pt" frames are, [T, C, H, W]."""
    def take(self, out, pipe=None):
        import torch
        return torch.from_numpy(out.images).permute(0, 3, 1, 2)


def first_frame_as_the_clip(on_step, alone: int, frames: int):
    """The Sampler's step work (``on_step``) with the first ``alone`` steps (the first frame's alone, to T0) handed
    the first frame's latent as every frame's: the step work keeps a latent of one shape for a Stop (every frame's,
    as the later steps have it) and shows it; a kept step put back there is the first frame's again."""
    seen = [0]

    def each(pipe, i, t, kw):
        seen[0] += 1
        if seen[0] > alone or "latents" not in kw:
            return on_step(pipe, i, t, kw)
        clip = kw["latents"].expand(frames, -1, -1, -1)
        back = on_step(pipe, i, t, dict(kw, latents=clip))
        return kw if back.get("latents") is clip else dict(back, latents=back["latents"][:1])
    return each


class TextToVideoZero(Family):
    def load_kwargs(self, info) -> dict:
        """Its pipeline asks for Stable Diffusion's safety checker and its image processor, which a folder saved
        without them records as null and diffusers then refuses to load: Studio runs no image safety checker on a
        video (no family's pipeline does but Cosmos's guardrail), so neither is loaded, said at the load."""
        info(f"{self.title}: Stable Diffusion's safety checker is not loaded (Studio's generators run none)")
        return {"safety_checker": None, "feature_extractor": None, "requires_safety_checker": False}

    def pipeline_call(self, pipe, call: dict) -> dict:
        """The call as TextToVideoZeroPipeline needs it (see the module's docstring)."""
        from ...base.errors import ModelError
        steps = int(call.get("num_inference_steps") or RELEASE_STEPS)
        if steps < 2:
            raise ModelError("Text2Video-Zero samples its first frame to a step T1 before the others: it needs at "
                             "least 2 steps (the release: 50)")
        t1, t0 = timesteps_back(steps)
        # the steps its call makes, as a pipeline's num_timesteps says them to the Sampler's step work: the first
        # frame's from T1 to T0 besides the steps asked
        pipe.num_timesteps = steps + t1 - t0
        call = dict(call, t1=t1, t0=t0)
        on_step = call.get("callback_on_step_end")
        if on_step is not None:
            frames = int(call.get("video_length") or 8)  # the pipeline's default
            call["callback_on_step_end"] = first_frame_as_the_clip(on_step, steps - t0 - 1, frames)
        return call


FAMILY = TextToVideoZero(
    "text2video_zero", "Text2Video-Zero", (T2V,), t2v=T2V, denoiser="unet", frames=8, size_multiple=8, fps=4.0,
    key_rank=200, part_titles=(("CLIP-L text", "CLIP-L text (Text2Video-Zero)"),),
    has=(SingleFile(refusal=FOLDER), ImagesOutput(frames="images", batched=False)),
    lacks={**folder_image_vae_lacks(FOLDER, "Stable Diffusion's CLIP", IMAGE_VAE),
           PreviewLayout: "its latents are an image model's, a frame a batch item: no preview was fitted on them"},
    not_built=(("a Stable Diffusion 1.x folder as released (its model_index.json names StableDiffusionPipeline)",
                "Load Video Model reads a folder as the pipeline its index names: an image model's folder is not "
                "taken for Text2Video-Zero's; saved as one (TextToVideoZeroPipeline.from_pretrained(folder)"
                ".save_pretrained(new folder)) it is read"),
               ("video to video, pose, edges, depth (Text2Video-Zero's ControlNet and Video Instruct-Pix2Pix uses)",
                "diffusers ships them as attention processors over other pipelines (CrossFrameAttnProcessor), not as "
                "a video pipeline: not built"),
               ("Text2Video-Zero over SDXL (TextToVideoZeroSDXLPipeline)", "an SDXL model's two text encoders are not "
                                                                           "built yet")),
    variants=(("Text2Video-Zero", lambda idx, cfg: True),))
