"""Speech to Video (S2V): Wan 2.2 S2V 14B driven by a voice (Speech Features, wav2vec2 'all' layers),
from a reference image and a prompt, optionally moved by a pose clip; a take longer than one window
is continued by the model's own motion frames (pipeline.py, after the release's speech2video.py).

Everything the node is given is checked before the model allocates anything: the model (a Wan S2V
file), the speech features (wav2vec2's stacked hidden states of the width and depth the model's
audio encoder reads; not silent and as long as the take by base/voice.py's check, shared with
InfiniteTalk and HuMo), the pose clip (the take's length), the size."""
from __future__ import annotations

import math

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Int, Text
from studio.core.spec import In, Out

from ...base.voice import check_voice, voice_frames
from ...sampling.one_call import RUN, Call, OneCallNode, shared
from .family import PIPELINE

AREA = 832 * 480  # the release's 480p S2V area (its generate.py defaults to 1280*720, --size 832*480 here)


class S2VError(StudioError):
    pass


def fit_size(w: int, h: int, area: int = AREA) -> tuple[int, int]:
    """The take's (width, height) for an image of w x h, as the release's get_size_less_than_area
    (speech2video.py, divisor 64): the largest of 100 scales from the one that fills ``area`` down to the
    one that leaves room for padding (an image already smaller is not enlarged) whose sides, each rounded
    up to a multiple of 64, fit in ``area``; else the aspect at ``area`` in multiples of 64."""
    if h * w <= area:
        lo, hi = 0.1, 1.0
    else:
        d = 63
        b, a, c = d * (h + w), h * w, d * d - area
        lo, hi = (-b + math.sqrt(b * b - 2 * a * c)) / (2 * a), math.sqrt(area / (h * w))
    for i in range(100):
        s = hi - (hi - lo) * i / 100
        nh, nw = int(h * s), int(w * s)
        ph, pw = nh + (64 - nh % 64) % 64, nw + (64 - nw % 64) % 64
        if ph * pw <= area:
            return max(64, pw), max(64, ph)
    aspect = w / h
    tw, th = int((area * aspect) ** 0.5 // 64 * 64), int((area / aspect) ** 0.5 // 64 * 64)
    if tw >= w or th >= h:
        tw, th = w // 64 * 64, h // 64 * 64
    return max(64, tw), max(64, th)


def covered(img: np.ndarray, w: int, h: int) -> np.ndarray:
    """[h, w, 3] float32 in [0, 1] as the release frames its reference and pose frames (speech2video.py:
    torchvision's Resize(min(h, w)), the shorter side to the take's shorter side (PIL bilinear), then
    CenterCrop((h, w)), which pads with black where the image is narrower than the take)."""
    from PIL import Image
    ih, iw = img.shape[:2]
    s = min(w, h)
    nw, nh = (s, int(s * ih / iw)) if iw <= ih else (int(s * iw / ih), s)
    pil = Image.fromarray((np.clip(img[..., :3], 0, 1) * 255 + 0.5).astype(np.uint8))
    x = np.asarray(pil.resize((nw, nh), Image.BILINEAR), dtype=np.float32) / 255.0
    if nw < w or nh < h:  # torchvision's center_crop pads first: (left, top) the floor of half the shortfall
        pw, ph = max(0, w - nw), max(0, h - nh)
        x = np.pad(x, ((ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    top, left = int(round((x.shape[0] - h) / 2.0)), int(round((x.shape[1] - w) / 2.0))
    return x[top:top + h, left:left + w]


class SpeechToVideo(OneCallNode):
    """Make a talking (or singing) person from one image and a voice with Wan 2.2 S2V 14B: connect Load
    Video Model (the S2V file with umt5_xxl and wan_2.1_vae), the image, Speech Features (a wav2vec2
    model, layers 'all') and the voice on 'audio' to hear it in the take. A pose clip (Draw Pose) moves
    the body. Load LoRA nodes before it put their LoRAs on S2V's Wan blocks for the take. Takes longer
    than 'window' frames continue window by window from the model's own last frames; nag_scale above 1 guides its
    text cross-attention away from the negative prompt (NAG, as Wan's). The call is made by
    the one Sampler (sampling/one_call.py): previews, kept steps and windows, resume after a Stop."""
    id = "video_models.wan_s2v"
    title = "Speech to Video (S2V)"
    code_version = 2  # 2: frames 0 is the voice's length (voice_frames), zeros past the voice; LoRAs applied
    keywords = ("s2v", "talking", "lip sync", "speech", "wan", "portrait", "audio driven")
    family_key, pipelines, error = "wan_s2v", (PIPELINE,), S2VError
    wanted, how = "Wan S2V", "load wan2.2_s2v_14B_bf16.safetensors with umt5_xxl and wan_2.1_vae in Load Video Model"
    inputs = (In("model", "Video Model", help="a Wan S2V model (wan2.2_s2v_14B with its text encoder and VAE)"),
              In("image", "Image", help="the person: the take's reference (a clip's first frame)"),
              In("speech", "Features", help="Speech Features (wav2vec2-large, layers 'all') of the voice; at 30 fps "
                                            "they are the release's own (sampled to the take's 16 fps here)"),
              In("audio", "Audio", optional=True, help="the voice, put on the take (cut or padded to its length)"),
              In("pose", "Video", optional=True, help="a pose clip (Draw Pose) of the take's length"),
              In("prompt", "Text", optional=True))
    outputs = (Out("video", "Video"),)
    params = (Text("prompt", "a person talking to the camera, natural expressions"),
              Text("negative_prompt", ""),
              Int("frames", 0, min=0, max=100_000, special="the speech's length",
                  help="frames to make at 16 fps; 0: as long as the speech"),
              Int("window", 80, min=4, max=400, help="frames per window (a multiple of 4; the release's 80); "
                                                      "the first gives 3 fewer"),
              *shared("steps", "guidance",
                      steps={"default": 40, "help": "denoising steps per window (the release's 40)"},
                      guidance={"default": 4.5, "help": "classifier-free guidance (the release's 4.5)"}),
              *shared("sampler", "shift"),  # (0 / auto: the release's UniPC at shift 3; base/schedulers.py swaps them)
              *shared("nag_scale", "nag_tau", "nag_alpha"),  # (Wan's NAG on its blocks: sampling/nag_call.py)
              Int("width", 0, min=0, max=4096, special="from the image",
                  help="0: the image's aspect in the release's 832x480 area, sides multiples of 64"),
              Int("height", 0, min=0, max=4096, special="from the image")) + shared(*RUN)

    @classmethod
    def voice_seconds(cls, params) -> float | None:
        """The seconds of the voice its windows read (every window whole, at 16 fps; None: 'frames' 0, the voice's
        length): what Speech Features encodes for it (studio.engine.voice_budget)."""
        from .pipeline import S2V_FPS, take_plan
        frames = int(params.get("frames") or 0)
        return take_plan(frames, max(4, int(params.get("window") or 80)))[1] / S2V_FPS if frames > 0 else None

    def call(self, ctx, s, image, speech, audio=None, pose=None, prompt=None) -> Call:
        import torch

        from ...sampling.generators import output_size
        from ..wan.own_take import OwnTake
        from .pipeline import S2V_FPS, audio_buckets, take_plan
        p = ctx.params
        feats = self._features(speech, s.pipe.transformer.config)
        # the voice's frames only: past it the release's buckets read zeros, not Speech Features' padded silence
        n = int(p.frames) or check_voice(speech, self.title, 0, S2V_FPS, S2VError)
        check_voice(speech, self.title, n, S2V_FPS, S2VError)
        feats = feats[:voice_frames(speech)]
        if p.window % 4:
            raise S2VError(f"{self.title}: 'window' is {p.window}: it must be a multiple of 4 (the release's 80)")
        still = image.frame(0) if hasattr(image, "frame") else np.asarray(image)
        w, h = (int(p.width), int(p.height)) if p.width and p.height else fit_size(still.shape[1], still.shape[0])
        if not (w % 16 or h % 16):
            w, h = output_size(ctx, s, w, h, None, self.preview)  # 'preview size': smaller, said
        if w % 16 or h % 16 or min(w, h) < 64:
            raise S2VError(f"{self.title}: the size {w}x{h} must be multiples of 16 and at least 64 (the motion "
                           "frames are packed 8 latents to one)" + (" (at 'preview size': set it to off)"
                                                                    if self.preview else ""))
        pose_t = self._pose(ctx, pose, n, w, h)
        ref = torch.from_numpy(covered(still, w, h)).permute(2, 0, 1)[None] * 2 - 1
        text = prompt if isinstance(prompt, str) and prompt.strip() else p.prompt
        windows, _ = take_plan(n, int(p.window))
        ctx.info(f"{n} frames at {w}x{h} in {windows} window{'s' if windows > 1 else ''} of {p.window}"
                 + (", each after the first continuing from the model's last 73 frames" if windows > 1 else ""))
        kwargs = dict(image=ref, audio=audio_buckets(feats, float(speech.fps), windows * int(p.window)), prompt=text,
                      negative_prompt=p.negative_prompt or None, pose=pose_t, num_frames=n, window=int(p.window),
                      num_inference_steps=self.steps, guidance_scale=float(p.guidance), height=h, width=w)
        kwargs["take"] = OwnTake(ctx, s, (n, h, w), windows, "written window by window", kwargs)
        return Call(kwargs, n, float(S2V_FPS), (w, h), self.steps, loops=windows)

    def finish(self, ctx, s, clip, c: Call, audio=None, **inputs):
        c.kwargs["take"].finish()
        return {"video": self._clip(clip, audio)}

    def _features(self, speech, cfg):
        """[T, layers, C] from Speech Features' per-frame vectors, checked against the audio encoder."""
        import torch
        from studio.core.values import Features
        if not isinstance(speech, Features) or not speech.per_frame or not speech.fps:
            raise S2VError(f"{self.title}: 'speech' must be Speech Features' output (features per video frame)")
        ex = speech.extras or {}
        layers, width = int(ex.get("layers", 1)), int(ex.get("width", speech.dim))
        if layers != cfg.audio_layers or width != cfg.audio_dim:
            raise S2VError(f"{self.title}: the speech features are {layers} hidden state{'s' if layers != 1 else ''} "
                           f"of {width} values; this model's audio encoder reads {cfg.audio_layers} of {cfg.audio_dim} "
                           "(wav2vec2-large: set Speech Features' layers to 'all' with a wav2vec2 large model)")
        data = torch.as_tensor(np.asarray(speech.data, dtype=np.float32))
        if not torch.isfinite(data).all():
            raise S2VError(f"{self.title}: the speech features hold NaN or infinite values")
        return data.reshape(len(data), layers, width)

    def _pose(self, ctx, pose, n: int, w: int, h: int):
        """[1, 3, n, h, w] in [-1, 1], or None; refused when shorter than the take."""
        if pose is None:
            return None
        import torch
        from studio.engine.clip import as_clip
        clip = as_clip(pose)
        if len(clip) < n:
            raise S2VError(f"{self.title}: the pose clip has {len(clip)} frames, the take {n}: give a pose clip of the "
                           "take's length (or set 'frames' to the pose clip's)")
        if len(clip) > n:
            ctx.info(f"the pose clip has {len(clip)} frames: its first {n} move the take")
        frames = [covered(f, w, h) for _, c in clip.chunks(16, 0, n, ctx.check_cancelled) for f in c]
        return torch.from_numpy(np.stack(frames)).permute(3, 0, 1, 2)[None] * 2 - 1

    def _clip(self, clip, audio):
        """The take with the voice on it, cut or padded to the picture's duration."""
        from .pipeline import S2V_FPS
        if audio is not None:
            from studio.core.values import Audio

            from ....edit.audio import fit_length
            n = int(round(clip.n_frames / S2V_FPS * audio.rate))
            from studio.engine.voice_budget import voice_span
            clip.audio = Audio(fit_length(voice_span(audio, 0, n), n), audio.rate)  # only the take's span decoded
        return clip
