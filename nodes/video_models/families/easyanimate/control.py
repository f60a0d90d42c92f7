"""EasyAnimate Control: a video made from a control clip (pose, depth, edges: Studio's Pose, Depth and Edges nodes
make them), a prompt and, if given, a reference image, by an EasyAnimate V5.1 Control folder: diffusers'
``EasyAnimateControlPipeline`` (pipelines/easyanimate/pipeline_easyanimate_control.py in diffusers 0.42.1). Its
transformer reads the control clip's and the reference image's VAE latents beside the noise on its channels
(``in_channels`` three times the latents'); the take is as long as the control clip given it (4k + 1 frames)
and made in one call by the one Sampler (sampling/one_call.py: previews, Stop inside a step, progress and
estimates as every generator's).

Two mends make diffusers 0.42.1's pipeline run at all, each put on the loaded pipeline only while diffusers lacks
it (:func:`mend`), copying none of it: its ``__call__`` passes ``encode_prompt`` a ``text_encoder_index`` that
this pipeline's encode_prompt does not take (a TypeError before the first step: diffusers issue 13638), and then
decodes with ``self.decode_latents``, which the pipeline no longer has (diffusers pull request 10626 moved the
decode into its siblings' ``__call__`` and removed the method, the call to it left). The first is given an
``encode_prompt`` that drops the index (the pipeline has one text encoder: index 0 is it); the second the decode
the method had in that pull request and the siblings do inline (the latents over the VAE's scaling factor,
decoded).

Camera control (EasyAnimate V5.1 Control-Camera): a camera model's transformer reads, beside the noise, a camera's
Plücker embedding (6 values a pixel: the ray's moment ``o x d`` and its direction ``d``) and the reference image's
latents, ``2 x latents + 6`` channels in; the pipeline's ``control_camera_video`` ([1, 6, T, H, W] at the take's
size) is resized to the latents' grid (the first frame alone, the rest over the remaining latent frames) and
scaled by 6, the release's recipe and diffusers' alike. The release makes that embedding with CameraCtrl's
``process_pose_file`` / ``process_pose_params`` (aigc-apps/EasyAnimate ``easyanimate/data/dataset_image_video.py``,
its ComfyUI node from the same camera presets as VideoX-Fun's), which is what Studio's Camera Path makes
(``nodes/motion/camera.py``'s ``plucker``: the same rays, poses relative to the first, a 1280 x 720 recording's
lens), one pose a frame of the take (the release's script steps a 24 fps pose file by 24 / 8 frames; a Camera
Path is already one pose a frame, as its ComfyUI node's are).

Everything is checked before the call: the model (a Control folder; a camera model given a camera path, a clip
model a control clip), the control clip or camera path (long enough), the frame count (4k + 1) and the size
(multiples of 16, the control clip's own by default, the reference image's for a camera)."""
from __future__ import annotations

import inspect

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Text
from studio.core.spec import In, Out

from ...sampling.generators import prompt_of
from ...sampling.one_call import RUN, Call, OneCallNode, clip_take_settings, shared

PIPELINE = "EasyAnimateControlPipeline"
FPS = 8.0  # EasyAnimate's frame rate (the family's)
PLUCKER = 6  # a camera's values a pixel: the ray's moment and direction


def reads_camera(transformer, vae) -> bool:
    """Whether an EasyAnimate Control transformer is a camera model: it reads the noise, a camera's Plücker
    embedding and the reference image's latents (2 x latents + 6 channels), where a clip model reads three
    latents' worth."""
    return int(transformer.config.in_channels) == 2 * int(vae.config.latent_channels) + PLUCKER


class EasyAnimateControlError(StudioError):
    pass


def mend(pipe) -> None:
    """``pipe`` (an EasyAnimateControlPipeline) given what diffusers 0.42.1's ``__call__`` asks of it and it
    lacks (module docstring): nothing where diffusers has it already."""
    enc = pipe.encode_prompt
    if "text_encoder_index" not in inspect.signature(enc).parameters:
        def encode_prompt(*args, text_encoder_index: int = 0, **kwargs):
            return enc(*args, **kwargs)  # one text encoder: index 0 is the only one
        encode_prompt.mended = True
        pipe.encode_prompt = encode_prompt
    if not hasattr(pipe, "decode_latents"):
        def decode_latents(latents):
            return pipe.vae.decode(latents / pipe.vae.config.scaling_factor, return_dict=False)[0]
        pipe.decode_latents = decode_latents


class EasyAnimateControl(OneCallNode):
    """Make a clip that follows a control clip or a camera path with EasyAnimate: connect Load Video Model (a
    diffusers EasyAnimate V5.1 Control folder) and the control clip (Pose, Depth, Edges, as the model was trained
    on), or for a Control-Camera model a Camera Path; a reference image, if connected, is what the take's first
    frame looks like. The take is as long as the control clip or the camera path (or 'frames' of it)."""
    id = "video_models.easyanimate_control"
    title = "EasyAnimate Control"
    family_key, pipelines, error = "easyanimate", (PIPELINE,), EasyAnimateControlError
    wanted, how = "EasyAnimate Control", "load a diffusers EasyAnimate V5.1 Control folder in Load Video Model"
    keywords = ("easyanimate", "control", "controlnet", "pose", "depth", "edges", "canny", "reference",
                "camera control", "camera path")
    inputs = (In("model", "Video Model", help="a diffusers EasyAnimate V5.1 Control folder"),
              In("control", "Video", optional=True, help="the control clip (pose, depth or edges) the take follows"),
              In("camera", "Camera", optional=True, help="the camera's path (Camera Path), for a Control-Camera model"),
              In("image", "Image", optional=True, help="a reference image: what the take's first frame looks like"),
              In("prompt", "Text", optional=True))
    outputs = (Out("video", "Video"),)
    params = (Text("prompt", "a dancer in a red dress on a stage, cinematic"),
              Text("negative_prompt", ""),
              *clip_take_settings("the control clip's or camera path", "frames to make (4k + 1, the release's "
                                  "49) from the control clip's or the camera path's first; 0: all of it",
                                  "the control clip's or reference image's", "a multiple of 16 (0: the control "
                                  "clip's, or for a camera path the reference image's)")) + \
        shared("steps", "guidance", steps={"default": 50, "help": "denoising steps (the pipeline's 50)"},
               guidance={"default": 5.0, "help": "classifier-free guidance (the pipeline's 5)"}) + shared(*RUN)

    def call(self, ctx, s, control=None, camera=None, image=None, prompt=None) -> Call:
        import torch

        p, pipe = ctx.params, s.pipe
        mend(pipe)
        still = self._still(image)
        if reads_camera(pipe.transformer, pipe.vae):
            n, w, h, more = self._camera(p, camera, control, still)
            follows = f"along the camera path ({camera.label or 'given'})"
        else:
            n, w, h, more = self._clip(p, control, camera)
            follows = "following the control clip"
        if still is not None:
            more["ref_image"] = torch.from_numpy(still).permute(2, 0, 1)[None, :, None]  # (1, C, 1, H, W)
        ctx.info(f"{n} frames at {w}x{h}, {follows}" + (", from the reference image" if still is not None else ""))
        return Call({"prompt": prompt_of(ctx, prompt), "negative_prompt": p.negative_prompt, "num_frames": n,
                     "height": h, "width": w, "num_inference_steps": self.steps, "guidance_scale": float(p.guidance),
                     **more}, n, FPS, (w, h), self.steps)

    @staticmethod
    def _still(image):
        """The reference image as float32 (H, W, 3) in 0..1, or None."""
        if image is None:
            return None
        from ...base.calls import to_pil
        return np.asarray(to_pil(image.frame(0) if hasattr(image, "frame") else image), np.float32) / 255.0

    def _frames_rule(self, n: int, have: int) -> None:
        if (n - 1) % 4:
            k = (n - 1) // 4 * 4 + 1
            raise EasyAnimateControlError(f"{self.title}: {n} frames: EasyAnimate makes 4k + 1 frames; set frames to "
                                          f"{k}" + (f" or {k + 4}" if k + 4 <= have else ""))

    def _clip(self, p, control, camera):
        """(frames, width, height, the call's control_video) of a clip model's take."""
        import torch

        from studio.engine.clip import as_clip

        from ...base.calls import clip_take
        if camera is not None:
            raise EasyAnimateControlError(f"{self.title}: this model reads a control clip, not a camera path: a camera "
                                          "path needs an EasyAnimate V5.1 Control-Camera model")
        if control is None:
            raise EasyAnimateControlError(f"{self.title}: connect the control clip (Pose, Depth, Edges) this model "
                                          "follows")
        clip = as_clip(control)
        n, w, h = clip_take(self.title, clip, p.frames, p.width, p.height, 16, EasyAnimateControlError)
        self._frames_rule(n, len(clip))
        frames = np.stack([np.asarray(clip.frame(i), np.float32)[..., :3] for i in range(n)])
        video = torch.from_numpy(frames).permute(3, 0, 1, 2)[None]  # (1, C, T, H, W) in 0..1, as diffusers takes it
        return n, w, h, {"control_video": video}

    def _camera(self, p, camera, control, still):
        """(frames, width, height, the call's control_camera_video) of a camera model's take: the path's Plücker
        embedding at the take's size, [1, 6, T, H, W] as the release's scripts give it."""
        from ....motion.camera import plucker
        if control is not None:
            raise EasyAnimateControlError(f"{self.title}: this is an EasyAnimate Control-Camera model: it reads a "
                                          "camera path (Camera Path), not a control clip: disconnect the control clip")
        if camera is None:
            raise EasyAnimateControlError(f"{self.title}: this is an EasyAnimate Control-Camera model: connect a "
                                          "Camera Path (and a reference image: the first frame)")
        n = int(p.frames) or camera.n_frames
        if camera.n_frames < n:
            raise EasyAnimateControlError(f"{self.title}: the camera path has {camera.n_frames} frames but {n} are "
                                          f"asked: give a longer path (Camera Path's 'frames') or set frames to "
                                          f"{camera.n_frames} or fewer")
        self._frames_rule(n, camera.n_frames)
        w = int(p.width) or (still.shape[1] if still is not None else 0)
        h = int(p.height) or (still.shape[0] if still is not None else 0)
        if not w or not h:
            raise EasyAnimateControlError(f"{self.title}: set width and height (a camera path has no size; without a "
                                          "reference image nothing gives one)")
        if w % 16 or h % 16:
            raise EasyAnimateControlError(f"{self.title}: the size {w}x{h} must be multiples of 16 (set width and "
                                          "height)")
        self._camera_room(n, w, h)
        emb = plucker(camera, w, h, n)  # [T, H, W, 6]
        return n, w, h, {"control_camera_video": emb.permute(3, 0, 1, 2)[None]}

    def _camera_room(self, n: int, w: int, h: int) -> None:
        """The camera's embedding (6 float32 values a pixel a frame, made and then permuted) against the host memory
        free, before it is made."""
        from studio.engine.model_cache import host_available

        from ...memory.sizes import fmt_gb
        need, free = 2 * n * w * h * PLUCKER * 4, host_available()
        if need > free:
            raise EasyAnimateControlError(f"{self.title}: the camera's embedding of {n} frames at {w}x{h} needs "
                                          f"{fmt_gb(need)} of memory, {fmt_gb(free)} is free: lower width, height or "
                                          "frames")
