"""EasyAnimate (Alibaba PAI's EasyAnimate V5.1), diffusers' EasyAnimatePipeline and EasyAnimateInpaintPipeline
(pipelines/easyanimate/ in diffusers 0.42.1): an EasyAnimateTransformer3DModel (an MMDiT over 3D rotary positions),
the MagViT VAE (AutoencoderKLMagvit: 8x, 4x, the first frame alone), a Qwen2-VL text encoder reading the prompt as a
chat turn. Run by the generic Text to Video (a text-to-video folder) and Image to Video (an InP folder: its
transformer reads the noise beside a mask and the masked clip's latents). Read as a diffusers folder.

Two things its pipelines need that the generic call does not give, supplied by ``pipeline_call`` (and said here,
not hidden): its encode_prompt iterates the negative prompt, so an empty one (None) fails; '' is given instead,
which is what the model's own scripts pass for 'no negative prompt'. Its InP pipeline takes the start image as a
clip and a mask (diffusers' own get_image_to_video_latent makes them from the still), and reads the VAE config's
``cache_mag_vae``, which AutoencoderKLMagvit does not declare: a folder whose VAE config lacks it fails on every
image to video; it is set to True (the first frame encoded alone, as this VAE's latent count (n - 1) / 4 + 1
says) on the loaded VAE when absent.

First and last frame (Image to Video's 'last_image', declared by FirstLast): the InP pipeline has no
``last_image``; its end image is the clip's last frame, kept by the mask, as diffusers' get_image_to_video_latent
makes them from a start and an end image (the release's predict_i2v's validation_image_end)."""
from __future__ import annotations

from ...base.capabilities import OwnNodes
from ...base.capabilities import (NOT_MODULAR, NOT_TRAINED, NO_CONDITIONS, NO_DRAFTS, NO_LORA_NAMES,
                                  NO_TRACKS, NO_WINDOWS, ONE_DENOISER, Conditions, ContextWindows, Drafts, FirstLast,
                                  LoraNames, LoraTraining, Modular, PartReader, PreviewLayout, PromptRecipe,
                                  ResumeKeeps, SingleFile, TimeTiles, Tracks, TwoExperts, VaeTiles)
from ...base.family import Family
from ...base.tasks import Maker

T2V, INP, CONTROL = "EasyAnimatePipeline", "EasyAnimateInpaintPipeline", "EasyAnimateControlPipeline"
MAGVIT = "its MagViT VAE's decode was not read for tiles: the pipeline decodes the whole clip"


def _kind(components: dict) -> str:
    """What the transformer reads beside the noise, from its channels: 'inpaint' (a mask and the masked clip's
    latents: 2 x latents + 1), 'control' (a control clip's and a reference image's latents: 3 x latents; a camera
    model's Plücker embedding and a reference image's latents: 2 x latents + 6), else 't2v'."""
    den, vae = components.get("transformer"), components.get("vae")
    ins = getattr(getattr(den, "config", None), "in_channels", None)
    lat = getattr(getattr(vae, "config", None), "latent_channels", None)
    if ins is None or lat is None or ins == lat:
        return "t2v"
    return "control" if ins in (3 * lat, 2 * lat + 6) else "inpaint"


def _ready_for_end_image(ctx, pipe) -> None:
    """Nothing to ready: the end image enters through ``pipeline_call`` (the InP clip and mask)."""


class EasyAnimate(Family):
    def refuse_pipeline(self, task: str, components: dict, config: dict, path: str) -> None:
        from ...base.errors import ModelError
        from ...base.tasks import TASKS
        kind = _kind(components)
        if kind == "control":
            raise ModelError(f"'{path}' is an EasyAnimate Control model: it makes video from a control clip or a "
                             "camera path, not "
                             f"{TASKS[task]}: use the EasyAnimate Control node")
        if task == "t2v" and kind == "inpaint":
            raise ModelError(f"'{path}' is EasyAnimate's image-to-video (InP) model: connect a start image (Image to "
                             "Video), or load a text-to-video folder for Text to Video")
        if task == "i2v" and kind != "inpaint":
            raise ModelError(f"'{path}' is EasyAnimate's text to video: its image to video needs the InP model (a "
                             "transformer reading the mask and the masked clip beside the noise)")
        if task == "v2v" and kind != "inpaint":  # (diffusers 0.42.1's InP pipeline given a text-to-video
            # transformer keeps the clip's latents at every step, or fails noising them: its video to video is the InP's)
            raise ModelError(f"'{path}' is EasyAnimate's text to video: its video to video needs the InP model (the "
                             "clip noised by the strength and denoised by EasyAnimateInpaintPipeline)")

    def pipeline_call(self, pipe, call: dict) -> dict:
        """The call as EasyAnimate's pipelines need it (see the module's docstring)."""
        call = dict(call)
        if call.get("negative_prompt") is None and call.get("negative_prompt_embeds") is None:
            call["negative_prompt"] = ""  # its encode_prompt iterates None and fails
        image, last = call.pop("image", None), call.pop("last_image", None)
        if image is None and isinstance(call.get("video"), (list, tuple)) and type(pipe).__name__ == INP:
            from . import v2v  # Video to Video's frames as the InP pipeline's clip (its own strength noises it)
            call["video"] = v2v.clip_tensor(call["video"], int(call["height"]), int(call["width"]))
            call.setdefault("num_frames", int(call["video"].shape[2]))
            steps = int(call.get("num_inference_steps") or 50)  # at least one step kept, as the node counts them
            call["strength"] = max(float(call.get("strength", 1.0)), 1.0 / steps)  # (0 kept: an empty schedule fails)
            if "cache_mag_vae" not in pipe.vae.config:
                pipe.vae.register_to_config(cache_mag_vae=True)
        elif image is not None and type(pipe).__name__ == INP:
            from diffusers.pipelines.easyanimate.pipeline_easyanimate_inpaint import get_image_to_video_latent
            call["video"], call["mask_video"] = get_image_to_video_latent(  # the end image, if any, as the last frame
                image, last, call["num_frames"], (call["height"], call["width"]))  # kept (mask 0), as diffusers does
            if "cache_mag_vae" not in pipe.vae.config:
                pipe.vae.register_to_config(cache_mag_vae=True)
            call["generator"] = _on_the_pipelines_device(pipe, call.get("generator"))
        return call


def _on_the_pipelines_device(pipe, gen):
    """The seed's generator on the device the call runs on, where it is elsewhere: an InP transformer with
    ``add_noise_in_inpaint_model`` (the release's default) noises the start image with ``torch.randn(...,
    generator=generator, device=image.device)`` (diffusers 0.42.1, pipeline_easyanimate_inpaint.py), which
    refuses a CPU generator for a CUDA tensor, where the rest of diffusers (randn_tensor) draws on the
    generator's device and moves the noise. The same seed on each device: the same frames there."""
    import torch
    from diffusers.utils.torch_utils import get_module_execution_device
    if not isinstance(gen, torch.Generator) or not getattr(pipe.transformer.config, "add_noise_in_inpaint_model",
                                                             False):
        return gen
    device = get_module_execution_device(pipe.transformer)  # offload hooks' device included
    if torch.device(device).type == gen.device.type:
        return gen
    return torch.Generator(device).manual_seed(gen.initial_seed())


FAMILY = EasyAnimate(
    "easyanimate", "EasyAnimate", (T2V, INP, CONTROL), t2v=T2V, i2v=INP,
    v2v=INP,  # an InP folder: the clip and the strength are its pipeline's own (v2v.py)
    frames=49, frame_multiple=(4, 1), size_multiple=16, fps=8.0, key_rank=200,
    task_kinds_by_inputs=("first_last", "control", "camera"),  # Image to Video's last image (InP); the EasyAnimate
    # Control node's control clip or camera path (control.py)
    has=(SingleFile(refusal="EasyAnimate is read as a diffusers folder"), FirstLast(_ready_for_end_image),
         OwnNodes(makers=(Maker("control", "video_models.easyanimate_control", ("control", "image", "prompt")),
                          Maker("camera", "video_models.easyanimate_control", ("camera", "image", "prompt"))))),
    lacks={TwoExperts: ONE_DENOISER, ContextWindows: NO_WINDOWS, Drafts: NO_DRAFTS, LoraNames: NO_LORA_NAMES,
           PartReader: "read as a diffusers folder", PromptRecipe: "its prompt is a chat turn read with an attention "
           "mask the prompt cache does not keep yet", ResumeKeeps: "its decode was not read for a lone redo: the "
           "lighter retry only", VaeTiles: MAGVIT, TimeTiles: MAGVIT,
           PreviewLayout: "its latent layout was not declared for previews between steps", LoraTraining: NOT_TRAINED,
           Conditions: NO_CONDITIONS, Tracks: NO_TRACKS, Modular: NOT_MODULAR},
    not_built=(("LoRAs", "diffusers 0.42.1's EasyAnimate pipelines have no LoRA loader"),
               ("single files", "a diffusers folder is needed: the release's own files and the ComfyUI wrapper's "
                                "are not told apart by Studio yet")),
    variants=(("EasyAnimate InP I2V", lambda idx, cfg: idx.get("_class_name") == INP),
              ("EasyAnimate Control-Camera", lambda idx, cfg: idx.get("_class_name") == CONTROL  # 2 x latents + 6 in
               and cfg.get("in_channels") == 2 * (cfg.get("out_channels") or 0) + 6),
              ("EasyAnimate Control", lambda idx, cfg: idx.get("_class_name") == CONTROL),
              ("EasyAnimate T2V", lambda idx, cfg: True)))
