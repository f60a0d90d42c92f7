"""Wan Animate 2: the character of a reference image moved as the person of a driving video moves (a
plain video of someone moving: no pose drawing, no face crops), with diffusers' modular
WanAnimate2ModularPipeline (or its distilled few-step WanAnimate2DistilledModularPipeline), called as
diffusers documents it (docs/api/pipelines/wan_animate_2, diffusers 0.42.1):
``pipe(prompt=..., image=..., driving_video=..., height=..., width=..., segment_frame_length=...,
prev_segment_conditioning_frames=..., num_inference_steps=..., generator=..., output_type='np')``.

ComfyUI's WanAnimate2ToVideo (comfy_extras/nodes_wan.py, Comfy-Org/ComfyUI@679f171) takes the same
things: 'reference_image' (here 'reference'), 'pose_video' (the driving video, here 'driving'),
'positive_pose' (the motion prompt, here 'prompt_ref'), width, height, length; its pose strength,
pose window and reference strength have no argument in diffusers' pipeline (the converter says them).

One call makes the whole clip, segment by segment (each of 'window' frames, continuing from the last
'overlap' frames the one before made, the tail padded by reflected frames and cut off again: the
pipeline's own plan). Around the call the node says what it does, refuses what the model cannot take
before anything large is allocated, counts its scheduler steps as progress, shows a step preview now and
then and stops at the next step when Stop is pressed (sampling/chain_steps.py, as for every modular pipeline)."""
from __future__ import annotations

import math

from studio.core.errors import StudioError
from studio.core.params import Float, Int, Seed, Text
from studio.core.spec import In, Out
from studio.engine.clip import ArrayClip, as_clip

from ...base.errors import ModelError
from ...sampling.generators import GeneratorNode
from .family import DISTILLED, TRANSFORMER

MODEL = "Wan-AI/Wan2.2-Animate-2-14B-Diffusers"
PROMPT_REF = "人物动作的参考视频"  # diffusers' default motion prompt ("a reference video of a person's motion")
STEPS = {False: 40, True: 10}  # the pipelines' own num_inference_steps (base, distilled)
TITLE = "Wan Animate 2"


def plan(n: int, window: int, overlap: int) -> tuple[int, int]:
    """(segments, frames made before the cut) of the pipeline's own plan for ``n`` driving frames
    (WanAnimate2ProcessVideosInputStep: the tail padded with reflected frames to whole segments)."""
    step = window - overlap
    left = (n - overlap) % step if n > overlap else 0
    total = n + (step - left if left else 0)
    return (total - overlap + step - 1) // step, total


def segments_for(n: int, window: int, overlap: int) -> tuple[int, list[tuple[str, str]]]:
    """The segment length ``n`` driving frames are made in for the 'window' and 'overlap' asked, and what is
    said of it as (level, words), level "error" where the pipeline cannot make them. One check, asked by
    validation (WanAnimate2.advise, from the driving clip's declared frames) and by the run (from the frames it
    has), so what validates runs. The pipeline pads the last segment with the clip's own last frames mirrored
    (WanAnimate2ProcessVideosInputStep) and takes no more mirrored frames than the clip holds: a clip shorter
    than half a segment came out short and failed inside attention ("Each sample must hold exactly `seq_len`
    tokens"). Such a clip is made in one shorter segment instead, said."""
    said = []
    win = (window - 1) // 4 * 4 + 1
    if win != window:
        said.append(("warning", f"'window' {window} is not 4k + 1 frames (the VAE's time stride): segments of {win}"))
    if overlap >= win:
        return win, said + [("error", f"'overlap' {overlap} must be fewer than the {win} frames of a segment "
                                      "('window')")]
    if n < 3:
        return win, said + [("error", f"the driving video gives {n} frame{'s' if n != 1 else ''}: Wan Animate 2 makes "
                                      "3 or more (connect a longer clip or raise 'frames')")]
    pad = plan(n, win, overlap)[1] - n
    if pad > n:  # the mirrored tail would need more frames than the clip has: the longest segment it fills
        fit = (min(win, 2 * n) - 1) // 4 * 4 + 1
        if fit <= overlap:
            return win, said + [("error", f"{n} driving frames in segments of {win} need {pad} mirrored frames, more "
                                          f"than the clip's {n}, and a shorter segment cannot keep the 'overlap' of "
                                          f"{overlap}: lower 'overlap' or give more frames")]
        said.append(("warning", f"{n} driving frames are fewer than half a segment of {win} (the pipeline mirrors "
                                f"at most the clip's own frames into its last segment): made in one segment of {fit}"))
        win = fit
    return win, said


def resolved_size(width: int, height: int, ref_w: int, ref_h: int, multiple: int = 16) -> tuple[int, int]:
    """The frame the pipeline makes for the area ``width`` x ``height`` at the reference image's aspect
    (WanAnimate2ProcessImagesInputStep, the reference first made a multiple of 16 as its processor does)."""
    rh = round(math.sqrt(ref_w * ref_h * ref_h / ref_w)) // multiple * multiple
    rw = round(math.sqrt(ref_w * ref_h * ref_w / ref_h)) // multiple * multiple
    aspect = rh / max(1, rw)
    area = height * width
    return int(math.sqrt(area / aspect)) // multiple * multiple, int(math.sqrt(area * aspect)) // multiple * multiple


class WanAnimate2(GeneratorNode):
    """Animate a character with Wan Animate 2: the reference image's character makes the motion, face
    and hands of the person in the driving video (a plain video: no pose or face preparation). The
    output has the reference image's aspect ('width' x 'height' is its area); a clip longer than
    'window' is made in segments, each continuing from the last 'overlap' frames of the one before.
    Load the Wan Animate 2 diffusers folder (or its distilled one, which samples in a few steps
    without guidance); Video LoRA nodes before it put ComfyUI's Wan LoRAs on its transformer for the run."""
    id = "video_models.wan_animate_2"
    title = TITLE
    task = ""  # not a field of the Family: 'drive' (character animation from a driving video), its own node
    streams_output = False  # one pipeline call makes every segment
    source_ports = ("driving",)
    inputs = (In("model", "Video Model", help=f"a Wan Animate 2 model (WanAnimate2ModularPipeline), e.g. {MODEL}"),
              In("reference", "Image", help="the character to animate (a still; a clip's first frame)"),
              In("driving", "Video", help="the driving video: a person moving (its length is the clip's)"),
              In("prompt", "Text", optional=True))
    outputs = (Out("video", "Video"),)
    params = (Text("prompt", "Character Description: a person\nBackground description: a plain room",
                   help="the character and the background (the released model's prompts say both)"),
              Text("negative_prompt", "", help="used with guidance above 1"),
              Text("prompt_ref", PROMPT_REF, help="the motion prompt, read with the driving video (ComfyUI's "
                                                  "positive_pose)"),
              Int("frames", 0, min=0, max=100000, special="default",
                  help="0 (default): the driving video's length; else at most that many of its frames"),
              Int("width", 832, min=16, max=4096, help="with height, the output's area: its aspect is the "
                                                       "reference image's"),
              Int("height", 480, min=16, max=4096, help="with width, the output's area"),
              Int("steps", 0, min=0, max=500, special="default",
                  help="denoising steps; 0: the model's own (40, the distilled model's 10)"),
              Float("guidance", 0.0, min=0.0, max=30.0,
                    help="classifier-free guidance; 0: the model's own (3, the distilled model's 1: no guidance)"),
              Int("window", 81, min=5, max=1000, help="frames per segment (4k + 1)"),
              Int("overlap", 1, min=1, max=100, help="frames each segment takes from the one before"),
              Float("fps", 0.0, min=0.0, max=240.0,
                    help="0: the driving video's frame rate; else its frames are resampled to this rate"),
              Seed("seed", 0))

    @classmethod
    def advise(cls, params, base_dir, inputs):
        """The generators' advice, and the segments the driving clip's declared frames give (segments_for:
        the run's own check). Its frames resampled to another rate are known at the run only."""
        said = list(super().advise(params, base_dir, inputs))
        m = int((inputs.get("driving") or {}).get("frames") or 0)
        if m and not float(params.get("fps") or 0):
            frames = int(params.get("frames") or 0)
            said += segments_for(min(m, frames) if frames else m, int(params.get("window") or 81),
                                 int(params.get("overlap") or 1))[1]
        return said

    def run(self, ctx, model, reference, driving, prompt=None):
        from ...loading.inputs import not_this_model, video_model_input
        from ...sampling.generators import prompt_of
        ref = video_model_input(model)
        pipe, p = ref.module, ctx.params
        den = getattr(pipe, "transformer", None)
        if ref.fam.key != "wan_animate2" or type(den).__name__ != TRANSFORMER:
            raise not_this_model(TITLE, ref, f"a Wan Animate 2 model (its transformer is a {type(den).__name__})",
                                 f"load a Wan Animate 2 diffusers folder such as {MODEL}"
                                 + (" (a Wan 2.2 Animate model goes with the Wan Animate node)"
                                    if "Animate" in (ref.variant or "") else ""), ModelError)
        clip = as_clip(driving)
        n, made, window = self._frames(ctx, clip)
        overlap = int(p.overlap)
        still = reference.frame(0) if hasattr(reference, "frame") else reference
        rh, rw = still.shape[0], still.shape[1]
        w, h = resolved_size(p.width, p.height, rw, rh)
        if w < 16 or h < 16:
            raise StudioError(f"{TITLE}: an area of {p.width}x{p.height} at the reference's aspect ({rw}x{rh}) gives "
                              f"{w}x{h}: raise width and height")
        segments, padded = plan(made, window, overlap)
        self._room(ref, padded, w, h)
        distilled = DISTILLED in type(pipe).__name__
        steps = p.steps or STEPS[distilled]
        text = prompt_of(ctx, prompt)
        src_fps = float(getattr(clip, "fps", 0) or 0)
        fps = p.fps or src_fps or ref.fam.fps
        ctx.info(f"{made:,} frames in {segments} segment{'s' if segments > 1 else ''} of {window}"
                 + (f", each continuing from the last {overlap} of the one before" if segments > 1 else "")
                 + f"; {w}x{h} (the area {p.width}x{p.height} at the reference's aspect), {steps} steps")
        kw = dict(prompt=text, prompt_ref=p.prompt_ref, image=self._pil(still), driving_video=self._pils(ctx, clip, n),
                  height=p.height, width=p.width, segment_frame_length=window,
                  prev_segment_conditioning_frames=overlap, num_inference_steps=steps, output_type="np")
        if p.negative_prompt.strip():
            kw["negative_prompt"] = p.negative_prompt
        if p.fps and src_fps and abs(p.fps - src_fps) > 1e-6:  # resampled by the pipeline (nearest frames)
            kw.update(driving_video_fps=src_fps, fps=p.fps)
            ctx.info(f"the driving video's {src_fps:g} fps resampled to {p.fps:g} fps (nearest frames)")
        frames = self._call(ctx, ref, kw, distilled, segments * self._calls(steps, pipe, p.guidance, distilled),
                            segments, w, h)
        self.steps = steps
        return self._made(ctx, ArrayClip(frames, fps), frames.shape[2], frames.shape[1])

    def _frames(self, ctx, clip) -> tuple[int, int, int]:
        """(driving frames given to the pipeline, frames it makes after resampling, segment length), checked
        before anything is allocated (segments_for, the check validation makes too)."""
        p = ctx.params
        n = len(clip)
        if n < 1:
            raise StudioError(f"{TITLE}: the driving video has no frames: connect a video of a person moving to "
                              "'driving'")
        if p.frames > n:
            ctx.warn(f"{p.frames} frames asked but the driving video has {n}: making {n}")
        n = min(n, p.frames) if p.frames else n
        src = float(getattr(clip, "fps", 0) or 0)
        made = int(n / src * p.fps) if p.fps and src and abs(p.fps - src) > 1e-6 else n  # the pipeline's resampling
        window, said = segments_for(made, int(p.window), int(p.overlap))
        for level, words in said:
            if level == "error":
                raise StudioError(f"{TITLE}: {words}")
            ctx.warn(words)
        return n, made, window

    def _room(self, ref, frames: int, w: int, h: int) -> None:
        """Refuse a clip whose driving video the pipeline could not hold: it letterboxes every frame of the
        padded clip into a float32 tensor on the device at once."""
        from ...memory.modes import free_memory
        from ...memory.sizes import fmt_gb
        need = frames * 3 * w * h * 4 * 2  # the frames and their letterboxed copy
        free = free_memory(ref.device)
        if free is not None and need > free:
            raise StudioError(f"{TITLE}: the pipeline holds the whole driving video on the device: {frames:,} frames "
                              f"at {w}x{h} need {fmt_gb(need)}, {fmt_gb(free)} is free: set 'frames' lower (render "
                              "the clip in parts) or lower width and height")

    @staticmethod
    def _pil(frame):
        from ...sampling.sampler import to_pil
        return to_pil(frame)

    def _pils(self, ctx, clip, n: int) -> list:
        """The driving frames as 8-bit images, pulled a chunk at a time (not n float frames)."""
        return [self._pil(f) for _, c in clip.chunks(16, 0, n, ctx.check_cancelled) for f in c]

    @staticmethod
    def _calls(steps: int, pipe, guidance: float, distilled: bool) -> int:
        """Denoiser calls of one segment: the reference pass, then one (two with guidance) a step."""
        scale = guidance or float(getattr(getattr(pipe, "guider", None), "guidance_scale", 1.0) or 1.0)
        return 1 + steps * (2 if scale > 1.0 else 1)

    def _call(self, ctx, ref, kw: dict, distilled: bool, total: int, segments: int, w: int, h: int):
        """The pipeline called once (its guider set to 'guidance' for the call and put back after), making
        ``segments`` segments of ``w`` x ``h``: each scheduler step counted as progress, Stop checked after it
        and a step preview shown now and then (sampling/chain_steps.py: its blocks take no step callback); Stop
        checked before every block too (base/guard.py's RunGuard; ``total``: its denoiser calls)."""
        import numpy as np

        from ...base.guard import RunGuard
        from .lora import animate2_loras
        p, pipe = ctx.params, ref.module
        old = getattr(pipe, "guider", None)
        if p.guidance:
            from diffusers import ClassifierFreeGuidance
            if distilled and p.guidance > 1.0:
                ctx.warn("the distilled Wan Animate 2 samples without guidance: 'guidance' above 1 runs two passes a "
                         "step it was not made for")
            pipe.update_components(guider=ClassifierFreeGuidance(guidance_scale=float(p.guidance)))
        from ...sampling.chain_steps import ChainSteps
        from ...sampling.modular_run import modular_call
        steps = ChainSteps(ctx, ref, segments * int(kw["num_inference_steps"]),
                           bool(getattr(p, "previews", True)))  # its node has no switch: always on
        try:
            # the modular road (sampling/modular_run.py): each segment's steps (its scheduler's) get the Sampler's
            # step work, progress, Stop at the next step and a step preview now and then; Stop before every block
            # too, not the CPU's splitting of large operations (estimate=False): it runs each attention processor
            # under a torch function mode, and this model's processors apply their rotary embeddings in Python loops
            # of small operations, each of which it would then intercept. The generator made once they are on (the
            # LoRAs' setup draws from torch's seeded generator, as before). Its frames in a stack chunk of their own:
            # from inside the node, torch's flex attention crossed a chunk's edge 2,880 times a run (0.61 s against
            # 0.52 s, two CPU threads)
            state = modular_call(ref, lambda: dict(kw, generator=ctx.torch_generator(device="cpu", salt=0)), steps,
                                 kw["segment_frame_length"], h, w, segments,
                                 around=(animate2_loras(ref, pipe.transformer, ctx.warn),
                                         RunGuard(ctx, pipe, "transformer", total, estimate=False)))
        finally:
            if p.guidance and old is not None:
                pipe.update_components(guider=old)
        return np.clip(np.asarray(state.get("videos")[0], np.float32), 0, 1)
