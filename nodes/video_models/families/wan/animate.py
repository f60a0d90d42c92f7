"""Wan Animate: a reference character moved by a pose video and a face video (mode 'animate'), or
put in place of the person in a clip (mode 'replace': the clip on 'background', the person's mask
on 'mask'), with diffusers' WanAnimatePipeline.

The pipeline makes a long clip itself, segment by segment, each segment starting from the last
1 or 5 frames the one before made ('overlap'); the node hands it the whole clip in one call so
its segments are exactly the pipeline's own. Around that call the node shares what every
video-model node has (sampling.Sampler, resume.windows.ClipMaking): progress over every segment's
steps, latent previews, Stop inside a step, LoRAs, the memory and speed settings, the model
cache, the seed."""
from __future__ import annotations

from studio.core.errors import StudioError
from studio.core.params import Choice, Float, Int, Text
from studio.core.spec import In, Out
from studio.engine.clip import ArrayClip, as_clip

from ...base.errors import ModelError
from .family import ANIMATE_DENOISER
from ...loading.inputs import video_model_input
from ...sampling.generators import COMMON, TAKE_PARAMS, GeneratorNode, output_size, preview_and_steps, prompt_of

MODES = ("animate", "replace")
OVERLAPS = ("1", "5")  # the frames a segment takes from the one before: the pipeline takes 1 or 5
SEGMENT = 77  # the pipeline's segment length (4k+1 frames)
MODEL = "Wan-AI/Wan2.2-Animate-14B-Diffusers"
_OWN = ("steps", "guidance", "guidance_2", "window", "overlap") + TAKE_PARAMS  # declared here, or not taken


def segment_plan(n: int, window: int, overlap: int) -> tuple[int, int]:
    """(segments, frames made) of the pipeline's own plan for ``n`` frames in segments of ``window``
    overlapping by ``overlap``: the clip is padded (its frames reflected) up to whole segments."""
    eff = window - overlap
    last = (n - overlap) % eff
    target = n + (eff - last if last else 0)
    return target // eff, target


def segment_length(fam, n: int, asked: int, overlap: int) -> int:
    """The frames of one segment: 'window' made 4k+1 as the pipeline makes it (k = window // 4), no longer
    than the clip needs (a short clip is one segment of the clip's length rounded up to 4k+1)."""
    a, b = fam.frame_multiple
    win = max(1, asked // a * a + b)
    need = max(overlap + 1, n)
    need = -(-(need - b) // a) * a + b
    return min(win, need)


class WanAnimate(GeneratorNode):
    """Animate a character with Wan 2.2 Animate: the reference image's character moves as the pose
    video (Draw Pose of Pose Estimate) and makes the faces of the face video (Face Crops). Mode
    'replace' puts the character in the background clip where the mask is white (the person there
    is replaced, the rest of the clip kept). Clips longer than 'window' are made in segments, each
    continuing from the last 'overlap' frames of the one before, as WanAnimatePipeline makes them."""
    id = "video_models.wan_animate"
    title = "Wan Animate"
    task = "animate"
    streams_output = False  # one pipeline call makes every segment: nothing to hand on before it ends
    length_ports = ("pose",)  # 'frames' 0: the driving pose video's length
    rate_ports = ("pose",)  # 'fps' 0: the driving pose video's rate
    like_ports = ("pose",)  # 'width' and 'height' 0: the driving pose video's size (run's output_size)
    inputs = (In("model", "Video Model", help=f"a Wan Animate model (WanAnimatePipeline), e.g. {MODEL}"),
              In("reference", "Image", help="the character to animate (a still; a clip's first frame)"),
              In("pose", "Video", help="the driving pose video (Draw Pose): its length is the clip's"),
              In("face", "Video", help="the driving face crops (Face Crops; 512x512 for the released model)"),
              In("background", "Video", optional=True, help="replace: the clip the character is put into"),
              In("mask", "Mask", optional=True, help="replace: white where the person to replace is"),
              In("prompt", "Text", optional=True))
    outputs = (Out("video", "Video"),)
    params = (Text("prompt", "a person dancing, high quality"), Text("negative_prompt", ""),
              Choice("mode", "animate", choices=MODES, help="animate: the character on its own background; "
                                                            "replace: the character in the background clip"),
              Int("steps", 20, min=1, max=500, help="denoising steps"),
              Float("guidance", 1.0, min=0.0, max=30.0, help="classifier-free guidance (above 1: on; Wan Animate "
                                                             "is made to run without it)"),
              Int("window", SEGMENT, min=5, max=1000, help="frames per segment (4k+1; the pipeline's 77)"),
              Choice("overlap", "1", choices=OVERLAPS, help="frames each segment takes from the one before")) + \
        tuple(q for q in COMMON if q.name not in _OWN)

    def run(self, ctx, model, reference, pose, face, background=None, mask=None, prompt=None):
        from ...resume.windows import ClipMaking
        from ...sampling.sampler import Sampler, call_frames_limit, filter_kwargs, to_pil
        ref = video_model_input(model)
        p = ctx.params
        den = getattr(ref.module, "transformer", None)
        if type(den).__name__ != ANIMATE_DENOISER:
            raise ModelError(f"model '{ref.path}' is not a Wan Animate model (its transformer is a "
                             f"{type(den).__name__}): load a Wan 2.2 Animate folder such as {MODEL}"
                             + (" (a Wan Animate 2 model goes with the Wan Animate 2 node: a driving video, no pose "
                                "or face clips)" if type(den).__name__ == "WanAnimate2Transformer3DModel" else ""))
        pose, face = as_clip(pose), as_clip(face)
        bg = as_clip(background) if background is not None else None
        msk = as_clip(mask) if mask is not None else None
        n, overlap = self._frames(ctx, pose, face, bg, msk), int(p.overlap)
        text = prompt_of(ctx, prompt)
        s = Sampler(ctx, ref, self.task, text=not self._prompts_cached(ctx, model, text))  # cached: T5 stays on disk
        self.preview, self.steps = preview_and_steps(ctx, s.on_cpu)
        win = segment_length(s.fam, n, p.window, overlap)
        if win <= overlap:
            raise StudioError(f"the window ({win} frames: 'window' {p.window} made 4k+1) must be longer than "
                              f"the overlap ({overlap})")
        most = call_frames_limit(s.pipe, s.fam)
        if most is not None and win > most:
            raise StudioError(f"a segment of {win:,} frames is more than this model's positions reach ({most:,}): "
                              f"set 'window' to {most} or less")
        segments, padded = segment_plan(n, win, overlap)
        w, h = output_size(ctx, s, p.width, p.height, (pose.width, pose.height), self.preview)
        self._room(s, padded, w, h, face, p.mode == "replace")
        if win != p.window:
            why = f"the clip's {n} frames need no more" if win < segment_length(s.fam, 10 ** 9, p.window, overlap) \
                else "the pipeline makes 4k+1"
            ctx.info(f"segments of {win} frames ({p.window} asked: {why})")
        ctx.info(f"{n:,} frames in {segments} segment{'s' if segments > 1 else ''} of {win}, each continuing from "
                 f"the last {overlap} of the one before" if segments > 1 else f"{n:,} frames in one segment of {win}")
        size = int(s.pipe.transformer.config.motion_encoder_size)
        if (face.width, face.height) != (size, size):
            ctx.info(f"the face crops are {face.width}x{face.height}: the pipeline resizes them to the {size}x{size} "
                     "its motion encoder takes")
        still = reference.frame(0) if hasattr(reference, "frame") else reference
        fps = p.fps or pose.fps
        replace = p.mode == "replace"

        def pil(clip):  # 8-bit images as the pipeline takes them, pulled a chunk at a time (not n float frames)
            return [to_pil(f) for _, c in clip.chunks(16, 0, n, ctx.check_cancelled) for f in c]

        base = filter_kwargs(s.pipe, {"height": h, "width": w, "num_inference_steps": self.steps,
                                      "guidance_scale": p.guidance, "mode": p.mode, "segment_frame_length": win,
                                      "prev_segment_conditioning_frames": overlap,
                                      **self._text_kwargs(ctx, s, text, p.negative_prompt)},  # the prompt cache's
                             ctx.warn)

        def make(start, _still):
            kw = dict(base, image=to_pil(still), pose_video=pil(pose), face_video=pil(face))
            if replace:
                kw.update(background_video=pil(bg), mask_video=pil(msk))
            return kw
        s.segments = segments
        making = ClipMaking(s, [0], n, n, 0, make, None, p.previews, self.steps * segments, (w, h))
        making.open()
        making.step()  # closes the making itself when it stops or fails
        making.close()
        return self._made(ctx, ArrayClip(making.out, fps), w, h)

    def _frames(self, ctx, pose, face, bg, msk) -> int:
        """The frames to make (the pose video's, or fewer), every input checked before anything is
        allocated: replace needs its background and mask, each at least as long as the clip."""
        p = ctx.params
        n = len(pose)
        if p.frames > n:
            ctx.warn(f"{p.frames} frames asked but the pose video has {n}: making {n}")
        n = min(n, p.frames) if p.frames else n
        if n <= int(p.overlap):
            raise StudioError(f"the pose video has {n} frame{'s' if n != 1 else ''}: Wan Animate needs more than the "
                              f"overlap ({p.overlap})")
        if p.mode == "replace":
            missing = [name for name, v in (("background", bg), ("mask", msk)) if v is None]
            if missing:
                raise StudioError(f"mode 'replace' needs {' and '.join(missing)}: the clip the character goes into on "
                                  "'background', white where the person to replace is on 'mask'")
        elif bg is not None or msk is not None:
            ctx.warn("mode 'animate' does not use 'background' or 'mask': set mode to 'replace' to use them")
        for name, clip in (("face", face), ("background", bg if p.mode == "replace" else None),
                           ("mask", msk if p.mode == "replace" else None)):
            if clip is not None and len(clip) < n:
                raise StudioError(f"the {name} video has {len(clip)} frames, fewer than the {n} the pose video makes: "
                                  f"give every input the pose video's length")
        return n

    def _room(self, s, frames: int, w: int, h: int, face, replace: bool) -> None:
        """Refuse a clip whose conditioning the pipeline could not hold on the GPU: it takes the pose,
        face (and background and mask) videos of the whole clip as float32 on the device at once."""
        from ...memory.modes import free_memory
        from ...memory.sizes import fmt_gb
        free = free_memory(s.ref.device)
        size = int(s.pipe.transformer.config.motion_encoder_size)
        need = frames * 4 * (3 * w * h + 3 * size * size + (4 * w * h if replace else 0))
        if free is not None and need > free:
            raise StudioError(f"the pipeline holds the whole clip's conditioning on the GPU: {frames:,} frames at "
                              f"{w}x{h} need {fmt_gb(need)}, {fmt_gb(free)} is free: set 'frames' lower (render the "
                              "clip in parts) or lower the size")
