"""Framepack Long Image to Video: a long take from a still (and an optional last image) by diffusers'
HunyuanVideoFramepackPipeline in one call, made by the one Sampler (sampling/one_call.py: previews of the section
under way, Stop inside a step, progress over every section's steps, estimates). The pipeline makes the take in
sections of ``latent_window_size`` latent frames, each conditioned on the still and on the sections made before
(its anti-drifting order: the last section first, so the end stays on the still's look); it makes whole
sections, so a few more frames than asked: the first frames asked are kept (said). Timed prompts ('prompts':
'seconds: prompt' lines) and up to three keyframe images at seconds condition the sections they fall in (timed.py).
With no image it makes text to video as FramePack's T2V nodes do: from a start latent of zeros and no image
embedding (blank.py), at 'width' x 'height'."""
from __future__ import annotations

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Choice, Float, Int, Text
from studio.core.spec import In, Out

from ...sampling.generators import output_size, prompt_of
from ...sampling.one_call import RUN, Call, OneCallNode, shared
from .buckets import BUCKETS, nearest
from .cost import decoded, sections, take_shape
from .family import NODE, PIPELINE
from .timed import SectionHook, parse_timed, prompt_per_section, section_of

SAMPLINGS = ("inverted_anti_drifting", "vanilla")
KEYS = 3  # keyframe images at seconds (timed.py)
BUCKET_CHOICES = ("off",) + tuple(str(k) for k in BUCKETS)  # the resolutions FramePack's release declares buckets at


class FramepackVideo(OneCallNode):
    """Make a long take from a still (and an optional last image) with HunyuanVideo Framepack, section by
    section in one call; timed prompts and keyframe images (key_1..3 at their seconds) steer the sections that
    hold them; the first 'frames' frames it makes are kept."""

    @classmethod
    def take_shape(cls, params, fam):
        """Its sections in one call, as its family's Cost declares them (cost.py)."""
        return take_shape(params)

    id = "video_models.framepack"
    title = NODE
    keywords = ("framepack", "long take", "image to video", "hunyuan", "long video", "anti-drifting")
    task = "i2v"
    family_key, pipelines = "framepack", (PIPELINE,)
    needs = f"a HunyuanVideo Framepack model ({PIPELINE})"
    inputs = (In("model", "Video Model", help="a HunyuanVideo Framepack model (HunyuanVideoFramepackPipeline)"),
              In("image", "Image", optional=True, help="the first frame (none: text to video, from a start latent of "
                 "zeros and no image embedding, as FramePack's T2V nodes make it)"),
              In("last_image", "Image", optional=True, help="the last frame (a move between two stills)"),
              In("prompt", "Text", optional=True)) + \
        tuple(In(f"key_{i}", "Image", optional=True, help=f"a keyframe: conditions the section holding second "
                 f"'key_{i}_at' (as that section's start image: its latent and image embedding)")
              for i in range(1, KEYS + 1))
    outputs = (Out("video", "Video"),)
    params = (Text("prompt", "the girl dances gracefully, with clear movements, full of charm"),
              Text("prompts", "", help="timed prompts, 'seconds: prompt' lines: a section whose start falls at or "
                   "after a line's second (and before the next's) takes that line's prompt, earlier sections "
                   "'prompt' (empty: 'prompt' throughout)"),
              Text("negative_prompt", "", help="used with true_cfg above 1 only"),
              Int("frames", 129, min=1, max=10000, help="frames kept (the pipeline makes whole sections: a few "
                                                       "more, cut)")) + \
        shared("width", "height", width={"help": "0: the image's, in multiples of 16"},
               height={"help": "0: the image's, in multiples of 16"}) + \
        (Choice("bucket", BUCKET_CHOICES[0], choices=BUCKET_CHOICES, help="640: where width and height are 0, the "
                "size among FramePack's 640 buckets nearest the image's aspect (its release's table), the image "
                "stretched to it; off: the image's own size"),
         Int("window", 9, min=2, max=33, help="latent frames a section (latent_window_size; the release: 9)"),
         Int("sections", 0, min=0, max=1000, help="whole sections to make, each 'window' latent frames, with the "
             "start's: window x 4 x sections + 1 frames, the first 'frames' kept (0: as many as 'frames' needs, "
             "each section counted as (window - 1) x 4 + 1 frames: the pipeline's own count; a ComfyUI FramePack "
             "sampler's own count of sections is set here)"),) + \
        shared("steps", "guidance", steps={"default": 25, "help": "denoising steps a section"},
               guidance={"default": 10.0, "help": "the embedded (distilled) guidance"}) + \
        (Float("true_cfg", 1.0, min=1.0, max=30.0, help="classifier-free guidance with the negative prompt "
                                                        "(1: off, one pass a step)"),
         Choice("sampling", SAMPLINGS[0], choices=SAMPLINGS, help="inverted_anti_drifting: FramePack's "
                                                                  "order; vanilla: forward (FramePack-F1)"),
         Float("fps", 30.0, min=1.0, max=240.0)) + \
        tuple(Float(f"key_{i}_at", 0.0, min=0.0, max=3600.0, help=f"the second of keyframe 'key_{i}'")
              for i in range(1, KEYS + 1)) + \
        (Float("timed_fps", 0.0, min=0.0, max=240.0, help="the frame rate the seconds of 'prompts' "
               "and the keyframes are counted at, a section being window x 4 frames (0: 'fps'; ComfyUI's FramePack "
               "forks count at FramePack's 30)"),) + shared(*RUN)

    def run(self, ctx, model, **inputs):
        """As every one-call node, its text encoder left on disk where every prompt of the run is in the prompt
        cache (its family's PromptRecipe: the call is given the kept embeddings)."""
        from ...sampling.prompt_cache import all_cached
        text = prompt_of(ctx, inputs.get("prompt"))
        texts = [text] + [q for _, q in parse_timed(ctx.params.prompts)]
        self.text_needed = not (text.strip() and all(all_cached(ctx, self.model_ref(model), self.task, t,
                                                                ctx.params.negative_prompt, pipeline=PIPELINE)
                                                     for t in texts))
        self._undo = []
        try:
            return super().run(ctx, model, **inputs)
        finally:
            while self._undo:  # the pipeline as loaded again (it is kept between runs)
                self._undo.pop()()

    def pipeline_of(self, ref):
        return ref.own_pipeline(text=getattr(self, "text_needed", True))

    def call(self, ctx, s, image=None, last_image=None, prompt=None, **keys) -> Call:
        from ...sampling.sampler import to_pil
        p = ctx.params
        text = prompt_of(ctx, prompt)
        if not text.strip():
            raise StudioError("no prompt: type one, or connect a Text input")
        if image is None and last_image is not None:
            raise StudioError("a last image without a first one: connect 'image' (or neither, for text to video)")
        first = None if image is None else np.asarray(image.frame(0) if hasattr(image, "frame") else image, np.float32)
        like = None if first is None else (first.shape[1], first.shape[0])
        if first is not None and p.bucket != BUCKET_CHOICES[0] and not p.width and not p.height:  # FramePack's bucket nearest the image's aspect (buckets.py)
            bh, bw = nearest(first.shape[0], first.shape[1], int(p.bucket))
            like = (bw, bh)
        w, h = output_size(ctx, s, p.width, p.height, like, self.preview)
        words = self._text_kwargs(ctx, s, text, p.negative_prompt)  # the prompt cache's embeddings, else the words
        if first is None:  # text to video: a start latent of zeros, no image embedding (blank.py)
            first = np.zeros((h, w, 3), np.float32)  # (read by nothing: the call's image stands for none)
        call = {"image": to_pil(first), **words, "height": h,
                "width": w, "num_frames": p.frames, "latent_window_size": p.window, "num_inference_steps": self.steps,
                "guidance_scale": p.guidance, "true_cfg_scale": p.true_cfg, "sampling_type": p.sampling}
        if last_image is not None:
            last = last_image.frame(0) if hasattr(last_image, "frame") else last_image
            call["last_image"] = to_pil(np.asarray(last, np.float32))
        temporal = s.pipe.vae_scale_factor_temporal
        n, made = self._count(p, temporal)
        if p.sections:  # (the pipeline counts a section (window - 1) x 4 + 1 frames: it makes these n)
            call["num_frames"] = n * ((p.window - 1) * temporal + 1)
        if image is None:  # (before the timed sections' hook, which wraps its start latent in turn)
            from . import blank
            self._undo.append(blank.install(s.pipe))
        self._sections(ctx, s, text, n, (w, h), keys)
        return Call(call, p.frames, p.fps, (w, h), self.steps, made=made, loops=n, decoded=decoded(n, p.window, temporal),
                    cut="Framepack made {made} frames in whole sections of " + f"{p.window} latent frames: the first "
                        f"{p.frames} kept")

    @staticmethod
    def _count(p, temporal: int) -> tuple[int, int]:
        """(the sections the call makes, the frames they make): 'sections' where set (each 'window' latent frames
        after the start's: window x 4 x n + 1 frames, refused in words where fewer than 'frames'), else as many as
        'frames' needs by the pipeline's own count (cost.sections)."""
        if not p.sections:
            n = sections(p.frames, p.window, temporal)
            return n, n * ((p.window - 1) * temporal + 1)
        made = p.sections * p.window * temporal + 1
        if made < p.frames:
            raise StudioError(f"'sections' {p.sections} of {p.window} latent frames make {made} frames, fewer than "
                              f"'frames' {p.frames}: raise 'sections', or set it to 0 (as many as 'frames' needs)")
        return p.sections, made

    def _sections(self, ctx, s, text, n, size, keys) -> None:
        """The timed prompts' and keyframes' conditioning of the ``n`` sections, hooked on the pipeline for this call
        (timed.py); nothing where neither is given."""
        import torch

        from ...sampling.sampler import to_pil
        p = ctx.params
        timed = parse_timed(p.prompts)
        rate = p.timed_fps or p.fps
        per = prompt_per_section(text, timed, n, p.window, rate)
        prompts = [None] * n
        encoded = {}
        with torch.no_grad():
            for j, q in enumerate(per):
                if q == text:
                    continue
                if q not in encoded:  # each prompt encoded once
                    words = self._text_kwargs(ctx, s, q, None)
                    if "prompt_embeds" in words:
                        encoded[q] = (words["prompt_embeds"], words["prompt_attention_mask"],
                                      words["pooled_prompt_embeds"])
                    else:
                        e, pooled, mask = s.pipe.encode_prompt(prompt=q, device=s.ref.execution_device(s.pipe))
                        encoded[q] = (e, mask, pooled)
                prompts[j] = encoded[q]
            late = [f"'{q[:30]}' at {at:g} s" for at, q in timed if section_of(at, n, p.window, rate) >= n]
            if late:
                ctx.warn(f"timed prompt{'s' if len(late) > 1 else ''} {', '.join(late)} start after the take's "
                         f"{n} sections: not used")
            held = [None] * n
            for i in range(1, KEYS + 1):
                img = keys.get(f"key_{i}")
                if img is None:
                    continue
                at = float(getattr(p, f"key_{i}_at"))
                j = section_of(at, n, p.window, rate)
                if j >= n:
                    ctx.warn(f"keyframe 'key_{i}' at {at:g} s is after the take's {n} sections: not used")
                    continue
                if held[j] is not None:
                    ctx.warn(f"keyframes 'key_{held[j][0]}' and 'key_{i}' fall in the same section ({j + 1} of {n}): "
                             f"'key_{i}' is used")
                first = np.asarray(img.frame(0) if hasattr(img, "frame") else img, np.float32)
                held[j] = (i, self._key(s, to_pil(first), size))
        keys_of = [k[1] if k is not None else None for k in held]
        if any(q is not None for q in prompts) or any(k is not None for k in keys_of):
            hook = SectionHook(n, forward=p.sampling == "vanilla", prompts=prompts, keys=keys_of)
            hook.install(s.pipe)
            self._undo.append(hook.remove)

    @staticmethod
    def _key(s, pil, size):
        """A keyframe's (latent, SigLIP embedding) as the pipeline makes its start image's, the latent its VAE's
        mean (deterministic: the call's generator untouched)."""
        pipe = s.pipe
        device = s.ref.execution_device(pipe)
        x = pipe.video_processor.preprocess(pil, size[1], size[0])
        latent = pipe.vae.encode(x.unsqueeze(2).to(device, pipe.vae.dtype)).latent_dist.mode()
        return latent * pipe.vae.config.scaling_factor, type(pipe).encode_image(pipe, x, device=device)  # (its class's:
        # text to video answers the call's own with none, blank.py)
