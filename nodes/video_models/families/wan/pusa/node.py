"""Wan Pusa: a video from a prompt with pictures kept at its frames, by Pusa V1 (Yaofang-Liu/Pusa-VidGen: a LoRA
on Wan 2.1 T2V 14B, or one for each of Wan 2.2 T2V A14B's experts, trained with a timestep per frame): a start
frame (image to video: a picture on 'start'), an end frame (with a start frame: start and end frames), or a clip's
last frames on 'start' (the clip extended: the take begins with them). pipeline.py samples it, the conditioning
frames at their own timesteps (their noise multipliers: 0 keeps a frame clean).

Wire Load Video Model (the Wan T2V model) through Video LoRA (the Pusa LoRA: Wan21_PusaV1_LoRA_14B_rank512_bf16,
or Wan22_PusaV1_lora_HIGH / _LOW on each expert); the release's strength is 1.3 to 1.5. Everything given is
checked before anything is sampled: a model that is not text-to-video Wan (an I2V one reads an image another way),
the size, the noise multipliers, the clip's length."""
from __future__ import annotations

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Float, Int, Text
from studio.core.spec import In, Out

from ....sampling.one_call import RUN, Call, OneCallNode, shared
from . import schedule

TITLE = "Wan Pusa"
KEY = "pusa"  # its pipeline among the model's task pipelines (the loaded components shared)


class PusaError(StudioError):
    pass


def fitted(img: np.ndarray, w: int, h: int) -> np.ndarray:
    """[h, w, 3] float32 in [0, 1]: ``img`` cut to w:h about its middle, then scaled to w x h (area)."""
    import cv2
    x = np.ascontiguousarray(np.asarray(img, np.float32)[..., :3])
    ih, iw = x.shape[:2]
    if iw * h > ih * w:
        cw = max(1, round(ih * w / h))
        x = x[:, (iw - cw) // 2:(iw - cw) // 2 + cw]
    elif iw * h < ih * w:
        ch = max(1, round(iw * h / w))
        x = x[(ih - ch) // 2:(ih - ch) // 2 + ch]
    if x.shape[:2] != (h, w):
        x = cv2.resize(np.ascontiguousarray(x), (w, h), interpolation=cv2.INTER_AREA).reshape(h, w, 3)
    return np.clip(x, 0.0, 1.0)


def pixels(frames: list, w: int, h: int):
    """[1, 3, T, h, w] in [-1, 1] of pictures [H, W, 3] in [0, 1]."""
    import torch
    a = np.stack([fitted(f, w, h) for f in frames])
    return torch.from_numpy(a).permute(3, 0, 1, 2)[None] * 2 - 1


def still_of(image) -> np.ndarray:
    return image.frame(0) if hasattr(image, "frame") else np.asarray(image)


class WanPusa(OneCallNode):
    """Make a video with Pusa V1 (a Wan text-to-video model with the Pusa LoRA) from a prompt and pictures kept at
    its frames. 'start' is a picture kept as its first frame or a clip extended (the take begins with its last
    'clip_frames' frames), 'last_image' its last frame, 'key_image' the frame 'key_frame' (its latent frame: 4
    frames each after the first); the LoRA goes on the model through Video LoRA. Each kept picture has a noise multiplier: 0
    keeps it clean, more lets the model change it (the release suggests 0.2 for a start frame, 0.5 for an end
    frame). The call is made by the one Sampler (sampling/one_call.py): previews, kept steps, resume after a Stop."""
    id = "video_models.wan_pusa"
    title = TITLE
    code_version = 1
    keywords = ("pusa", "wan", "image to video", "start end frames", "first last frame", "extend", "extension",
                "vectorised timesteps", "per-frame timesteps")
    family_key, error = "wan", PusaError
    needs = "a Wan text-to-video model (Wan 2.1 T2V 14B, Wan 2.2 T2V A14B) with the Pusa LoRA through Video LoRA"
    inputs = (In("model", "Video Model", help="Wan T2V (2.1 14B or 2.2 A14B) with the Pusa LoRA (Video LoRA)"),
              In("start", "Video", optional=True,
                 help="a picture kept as the first frame, or a clip to extend: its last 'clip_frames' frames begin "
                      "the take"),
              In("last_image", "Image", optional=True, help="kept as the last frame"),
              In("key_image", "Image", optional=True, help="kept at the frame 'key_frame'"),
              In("prompt", "Text", optional=True))
    outputs = (Out("video", "Video"),)
    params = (Text("prompt", "a red panda on a bamboo stem"),
              Text("negative_prompt", "", help="used with guidance above 1"),
              Int("frames", 81, min=1, max=10_000, help="frames to make (4k + 1; others are made up to it and cut)"),
              Int("width", 832, min=16, max=4096, help="a multiple of 16"),
              Int("height", 480, min=16, max=4096, help="a multiple of 16"),
              *shared("steps", "guidance", "guidance_2",
                      steps={"default": 10, "help": "denoising steps (the release's 10; 4 with a LightX2V LoRA)"},
                      guidance={"default": 3.0, "help": "classifier-free guidance (the release's 3; 1 with a "
                                                        "LightX2V LoRA)"}),
              Float("shift", 5.0, min=0.0, max=100.0, help="the flow's sigma shift (the release's 5)"),
              Text("noise", "0.2", help="noise multipliers of the start frame or of the clip's latent frames (one a "
                                        "latent frame, 4 frames each after the first; a shorter list's last value "
                                        "repeated): 0 keeps them clean"),
              Float("last_noise", 0.5, min=0.0, max=1.0, help="the last frame's noise multiplier (0: clean)"),
              Int("key_frame", 40, min=-10_000, max=10_000,
                  help="the frame 'key_image' is kept at (its latent frame; negative: from the end, -1 the last)"),
              Float("key_noise", 0.3, min=0.0, max=1.0, help="the key image's noise multiplier (0: clean)"),
              Int("clip_frames", 13, min=0, max=10_000, special="all the frames given",
                  help="the clip's last frames kept at the take's start (13: 4 latent frames, the release's example)"),
              Int("noisy_steps", 1, min=-1, max=1000,
                  help="steps before which a kept frame with noise above 0 is noised to its level (the release's "
                       "1: the first; -1: every step, as kijai's WanVideoWrapper's default)")) + shared(*RUN)

    @classmethod
    def model_families(cls) -> list[dict]:
        return [{"kind": "video", "family": "wan-pusa",
                 "name": "Pusa V1 (a LoRA on Wan 2.1 T2V 14B, or on each of Wan 2.2 T2V A14B's experts)",
                 "variants": ["Wan 2.1 T2V 14B + Wan21_PusaV1_LoRA_14B_rank512",
                              "Wan 2.2 T2V A14B + Wan22_PusaV1_lora_HIGH / _LOW"],
                 "tasks": ["image to video", "start and end frames", "frames kept at any frame", "video extension"],
                 "inputs": {"image to video": ["start (a picture)", "prompt"],
                            "start and end frames": ["start (a picture)", "last_image", "prompt"],
                            "frames kept at any frame": ["start (a picture)", "key_image", "last_image", "prompt"],
                            "video extension": ["start (a clip: its last frames)", "prompt"]},
                 "formats": ["the Wan T2V model Load Video Model reads, the Pusa LoRA through Video LoRA"]}]

    @classmethod
    def preflight(cls, params, base_dir):
        """The size and the noise multipliers, refused at validation (before a run)."""
        out = []
        w, h = int(params.get("width", 832)), int(params.get("height", 480))
        if w % 16 or h % 16:
            out.append(f"the size {w}x{h} must be multiples of 16 (the VAE's 8 and the 2x2 patches)")
        try:
            schedule.noise_list(params.get("noise", "0.2"))
        except ValueError as e:
            out.append(f"'noise' is not a list of multipliers: {e}")
        return out

    def pipeline_of(self, ref):
        """The model's WanPusaPipeline, made from its loaded components once (diffusers' from_pipe)."""
        from .pipeline import pipeline_class
        return ref.derived_pipeline(KEY, pipeline_class())

    def prepared(self, ctx, ref, inputs: dict):
        """A model Pusa cannot run refused in words before its pipeline is made or anything sampled."""
        cfg = getattr(getattr(ref.module, "transformer", None) or getattr(ref.module, "transformer_2", None),
                      "config", None)
        if cfg is None or cfg.get("in_channels") != cfg.get("out_channels") or cfg.get("out_channels") != 16 or \
                getattr(ref.module.config, "expand_timesteps", False):
            raise PusaError(f"{TITLE}: model '{ref.path}' is not a Wan text-to-video model with 16 latent channels "
                            "(an image-to-video or TI2V 5B one reads pictures another way): load Wan 2.1 T2V 14B or "
                            "Wan 2.2 T2V A14B and wire the Pusa LoRA through Video LoRA")
        if not ref.loras:
            ctx.warn(f"{TITLE}: no LoRA on the model: Pusa keeps its pictures only with the Pusa LoRA (wire it "
                     "through Video LoRA between the loader and this node)")
        return ref

    def call(self, ctx, s, start=None, last_image=None, key_image=None, prompt=None) -> Call:
        from studio.engine.clip import as_clip

        from ...wan.own_take import OwnTake
        from ....sampling.generators import output_size
        p = ctx.params
        n, w, h, noise = self._checked(p, start, last_image, key_image)
        w, h = output_size(ctx, s, w, h, None, self.preview)  # 'preview size': smaller, said
        conditions, said = [], []
        clip = as_clip(start) if start is not None else None
        if clip is not None and len(clip) > 1:
            k = kept_frames(p, clip)
            frames = [clip.frame(i) for i in range(len(clip) - k, len(clip))]
            conditions.append((0, pixels(frames, w, h), noise))
            said.append(f"the clip's last {k} frames kept from frame 0 ({(k - 1) // 4 + 1} latent frames, noise "
                        f"{', '.join(f'{v:g}' for v in noise)})")
        elif clip is not None:
            conditions.append((0, pixels([clip.frame(0)], w, h), noise[:1]))
            said.append(f"the picture kept as frame 0 (noise {noise[0]:g})")
        if last_image is not None:
            last = schedule.latent_index(-1, schedule_frames(n))
            conditions.append((last, pixels([still_of(last_image)], w, h), [float(p.last_noise)]))
            said.append(f"the last image kept as the last frame (noise {float(p.last_noise):g})")
        if key_image is not None:
            at = schedule.latent_index(int(p.key_frame), schedule_frames(n))
            conditions.append((at, pixels([still_of(key_image)], w, h), [float(p.key_noise)]))
            said.append(f"the key image kept at frame {int(p.key_frame)} (latent frame {at}, noise "
                        f"{float(p.key_noise):g})")
        ctx.info(f"{TITLE}: {n} frames at {w}x{h}; " + ("; ".join(said) or "no picture kept: text to video"))
        text = prompt if isinstance(prompt, str) and prompt.strip() else p.prompt
        kwargs = dict(prompt=text, negative_prompt=p.negative_prompt or None, conditions=conditions, num_frames=n,
                      height=h, width=w, num_inference_steps=self.steps, guidance_scale=float(p.guidance),
                      guidance_scale_2=float(p.guidance_2) or None,
                      shift=float(p.shift), noisy_steps=int(p.noisy_steps))
        kwargs["take"] = OwnTake(ctx, s, (n, h, w), 1, "written when made", kwargs)
        fps = clip.fps if clip is not None and len(clip) > 1 and clip.fps > 0 else 16.0
        return Call(kwargs, n, fps, (w, h), self.steps)

    def finish(self, ctx, s, clip, c: Call, **inputs):
        c.kwargs["take"].finish()
        return {"video": clip}

    def _checked(self, p, start, last_image, key_image=None) -> tuple[int, int, int, list[float]]:
        """(frames, width, height, the noise multipliers), refused in words before anything large is made."""
        from studio.engine.clip import as_clip
        w, h = int(p.width), int(p.height)
        if w % 16 or h % 16:
            raise PusaError(f"{TITLE}: the size {w}x{h} must be multiples of 16 (the VAE's 8 and the 2x2 patches)")
        try:
            noise = schedule.noise_list(p.noise)
        except ValueError as e:
            raise PusaError(f"{TITLE}: 'noise' ({p.noise!r}) is not a list of multipliers: {e}") from None
        if not noise:
            noise = [0.0]
        n = int(p.frames)
        if start is not None:
            clip = as_clip(start)
            if len(clip) == 0:
                raise PusaError(f"{TITLE}: the clip on 'start' has no frames")
            k = kept_frames(p, clip)
            if len(clip) > 1 and k >= n:
                raise PusaError(f"{TITLE}: 'clip_frames' keeps {k} frames of the clip, the take is {n}: make the take "
                                "longer than the frames kept")
        if key_image is not None:
            taken = {schedule.latent_index(int(p.key_frame), schedule_frames(n))}
            first = kept_frames(p, as_clip(start)) if start is not None else 0
            if first and min(taken) < (first - 1) // 4 + 1:
                raise PusaError(f"{TITLE}: 'key_frame' {int(p.key_frame)} falls on the frames 'start' keeps: set it "
                                "after them")
            if last_image is not None and schedule.latent_index(-1, schedule_frames(n)) in taken:
                raise PusaError(f"{TITLE}: 'key_frame' {int(p.key_frame)} falls on the last frame 'last_image' keeps: "
                                "set it before it")
        if last_image is not None and schedule_frames(n) < 5:
            raise PusaError(f"{TITLE}: a take of {n} frames has one latent frame: a last image needs 5 frames or more")
        return n, w, h, noise


def kept_frames(p, clip) -> int:
    """The frames of the clip on 'start' kept at the take's start: its last 'clip_frames' (0: all of them)."""
    k = int(p.clip_frames)
    return len(clip) if k <= 0 else min(k, len(clip))


def schedule_frames(n: int) -> int:
    """The frames the take is made as (4k + 1)."""
    return n + (-(n - 1)) % 4
