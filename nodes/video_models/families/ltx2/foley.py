"""LTX-2 Sound for Clip: LTX-2's sound made for a given clip (video to audio, "Foley"); the clip's frames kept as given.

LTX-2 denoises picture and sound together. diffusers' LTX2ConditionPipeline (0.42.1,
``pipelines/ltx2/pipeline_ltx2_condition.py``) given one ``LTX2VideoCondition(frames=clip, index=0, strength=1.0)``
covering the whole take encodes the clip with the video VAE and, in ``apply_first_frame_conditioning``, puts its
latents in place of the take's and sets their ``conditioning_mask`` to 1 (the strength); its denoising loop gives the
video tokens the timestep ``t * (1 - conditioning_mask)`` (0: clean) and keeps their estimate
``denoised * (1 - mask) + clean * mask`` (the clip's latents) at every step, while the audio latents are drawn from
noise (``prepare_audio_latents``, ``noise_scale`` sigma 0 = 1) and denoised with the prompt and the audio-video
cross-attention reading the held video. ComfyUI marks the same with a video latent whose noise mask is 0 beside an
empty audio latent (LTXVConcatAVLatent; LTXVSeparateAVLatent after the sampler): facts only, nothing copied.

The pipeline decodes its video too; that picture is thrown away: the node's video is the clip given (its first
frames, where LTX-2's 8n+1 frame rule shortened it) with the new sound on it.

A clip longer than 'window_frames' is scored in overlapping windows of that length, one call each (the memory of one
window's), their sounds crossfaded over the frames they share (foley_windows.py: the LTX-2.3 Foley pack's windows);
the clip out is then the whole clip given."""
from __future__ import annotations

from studio.core.errors import StudioError
from studio.core.params import Float, Int, Text
from studio.core.spec import In, Out
from studio.core.values import Audio
from studio.engine.clip import ArrayClip, MapClip

from ...base.calls import to_pil
from ...base.errors import ModelError
from ...base.family import valid_frames
from ...sampling.generators import prompt_of
from ...sampling.one_call import RUN, Call, OneCallNode, shared
from .foley_windows import joined, overlap_frames, starts, window_length

MAX_TOKENS = 1024  # LTX2Pipeline's own max_sequence_length


def foley_size(clip, multiple: int) -> tuple[int, int]:
    """The size the clip is read at: its own, each side rounded to the nearest ``multiple`` (at least one)."""
    return tuple(max(multiple, int(round(v / multiple)) * multiple) for v in (clip.width, clip.height))


def foley_frames(fam, clip) -> int:
    """The frames scored: the clip's, down to LTX-2's 8n+1 (the sound lasts as long as they do)."""
    a, b = fam.frame_multiple
    return max(b, (len(clip) - b) // a * a + b) if len(clip) >= b else valid_frames(fam, len(clip))


class LTX2Foley(OneCallNode):
    """Make the sound for a clip with LTX-2 (video to audio: footsteps, impacts, voices, ambience): the clip's
    frames are held clean as the picture while only the sound is denoised from the prompt, so it follows what is
    seen. The clip comes out unchanged, with the new sound on it (Save Video writes both)."""
    id = "video_models.ltx2_foley"
    title = "LTX-2 Sound for Clip"
    keywords = ("ltx", "ltx-2", "foley", "video to audio", "v2a", "sound effects", "score", "audio")
    task = "t2v"  # the run switches to the family's condition pipeline (LTX2ConditionPipeline) before its call
    rate_ports = ("video",)  # (no 'fps' setting: its take has the clip's rate; the converter's unset_rate)
    family_key, error = "ltx2", ModelError
    wanted, how = "LTX-2", "load an LTX-2 model (it makes the sound with its own audio VAE and vocoder)"
    inputs = (In("model", "Video Model", help="an LTX-2 model (LTX2Pipeline)"),
              In("video", "Video", help="the clip to make the sound for; its frames are kept as given (all of them "
                                        "where it is scored in windows, else its first 8n+1: LTX-2's frame rule), "
                                        "its rate is the take's"),
              In("prompt", "Text", optional=True))
    outputs = (Out("video", "Video", help="the clip given, unchanged, with the new sound"),
               Out("audio", "Audio", help="the sound, at the vocoder's rate, as long as the frames kept"))
    params = (Text("prompt", "foley sound effects, footsteps, cloth movement, object handling, impacts, "
                   "synchronized with the video", help="what the sound is"),
              Text("negative_prompt", "music, singing, hiss, distorted"),
              *shared("steps", "guidance", steps={"default": 30, "help": "denoising steps"},
                      guidance={"default": 4.0, "help": "classifier-free guidance of the sound (1: none)"}),
              Float("guidance_rescale", 0.7, min=0.0, max=1.0, help="how far each guided step is scaled back to "
                    "the spread of the prompted prediction (0: none; 0.7: LTX-2's pipelines' own; ComfyUI-LTXVideo's "
                    "STG guider 'rescale')"),
              Int("window_frames", 257, min=0, max=1025, special="the whole clip in one call",
                  help="frames scored at once (8n+1): a longer clip is scored in overlapping windows of this length, "
                       "one after another (the memory of one window's), their sounds crossfaded (the LTX-2.3 Foley "
                       "pack's windows); 0: the whole clip in one call"),
              Float("overlap", 1.0, min=0.0, max=10.0, help="seconds each window shares with the next, over which "
                    "their sounds are crossfaded")) + \
        shared(*(q for q in RUN if q != "previews"))  # (the picture is the clip: nothing to preview)

    @classmethod
    def take_shape(cls, params, fam):
        """One call over the clip (its length unknown before the run: the family's take)."""
        return fam.frames, 1, 1

    def run(self, ctx, model, video=None, prompt=None):
        from ...sampling.sampler import Sampler
        from ...takes.continuation import condition_pipeline
        if video is None or len(video) == 0:
            raise StudioError("nothing is connected to 'video': LTX-2 Sound for Clip makes the sound for a clip")
        text = prompt_of(ctx, prompt)
        if not text.strip():
            raise StudioError("no prompt: type one, or connect a Text input")
        ref = self.prepared(ctx, self.model_ref(model), {})
        s = Sampler(ctx, ref, "t2v", draft=True)
        condition_pipeline(s)  # LTX2ConditionPipeline, sharing the loaded parts
        self.preview, self.steps = self.run_settings(ctx, s)
        window = window_length(int(ctx.params.window_frames))
        if window and len(video) > window:
            return self.windowed(ctx, s, video, text, window)
        sound = self.made(ctx, s, video, text)
        return self.scored(ctx, video, foley_frames(s.fam, video), float(video.fps or s.fam.fps), sound)

    def made(self, ctx, s, video, text: str, quiet: bool = False) -> Audio:
        """One call over ``video`` (its first 8n+1 frames); the sound it made."""
        from ...sampling.sampler import filter_kwargs
        c = self.call(ctx, s, video, text, quiet)
        base = filter_kwargs(s.pipe, c.kwargs, ctx.warn)
        s.generate(c.frames, c.frames, 0, lambda start, still: dict(base), c.fps, previews=False, steps=c.steps,
                   size=c.size)
        made = s.sound()
        if made is None:
            raise ModelError(f"{type(s.pipe).__name__} made no sound")
        want = int(round(c.frames / c.fps * made.rate))
        return Audio(made.samples[:want], made.rate) if made.n_samples > want else made

    def windowed(self, ctx, s, video, text: str, window: int) -> dict:
        """The clip scored in overlapping windows of ``window`` frames (foley_windows.py), their sounds crossfaded;
        the clip out is the whole clip given (no frame cut), with that sound."""
        fps, total = float(video.fps or s.fam.fps), len(video)
        shared_frames = overlap_frames(window, float(ctx.params.overlap), fps)
        firsts = starts(total, window, shared_frames)
        at = f" (starting at frames {', '.join(map(str, firsts))})" if len(firsts) <= 12 else ""
        ctx.info(f"the clip's {total} frames scored in {len(firsts)} windows of {window} frames ({window / fps:.2f} "
                 f"s){at}, each sharing at least {shared_frames} frames ({shared_frames / fps:.2f} s) with the next, "
                 "spread evenly over the clip; their sounds crossfaded over the frames they share")
        sounds = []
        for i, a in enumerate(firsts):
            ctx.check_cancelled()
            part = ArrayClip(video.chunk(a, a + window), fps)
            sounds.append((a, self.made(ctx, s, part, text, quiet=i > 0)))
        sound = joined(sounds, fps, total, window)
        ctx.info(f"sound: {sound.duration:.2f} s at {sound.rate} Hz made for the clip's {total} frames (kept as given)")
        return {"video": MapClip(video, _same, fps=fps, audio=sound), "audio": sound}

    def call(self, ctx, s, video, text: str, quiet: bool = False) -> Call:
        p, pipe = ctx.params, s.pipe
        if getattr(pipe, "audio_vae", None) is None or getattr(pipe, "vocoder", None) is None:
            raise ModelError(f"{type(pipe).__name__} has no audio VAE and vocoder: {self.title} makes the sound "
                             "with them")
        from diffusers.pipelines.ltx2.pipeline_ltx2_condition import LTX2VideoCondition
        n, fps = foley_frames(s.fam, video), float(video.fps or s.fam.fps)
        if n != len(video) and not quiet:
            ctx.info(f"the clip's {len(video)} frames scored as its first {n} (LTX-2 takes 8n+1 frames): the clip "
                     f"out is cut to them, the sound {n / fps:.2f} s")
        w, h = foley_size(video, s.fam.size_multiple)
        if (w, h) != (video.width, video.height) and not quiet:
            ctx.info(f"the clip is read by LTX-2 at {w}x{h} (multiples of {s.fam.size_multiple}), not its "
                     f"{video.width}x{video.height}; the clip out keeps its own size")
        frames = [to_pil(video.frame(i)) for i in range(n)]
        tokens = min(MAX_TOKENS, int(getattr(pipe.tokenizer, "model_max_length", MAX_TOKENS) or MAX_TOKENS)) \
            if getattr(pipe, "tokenizer", None) is not None else MAX_TOKENS
        g = float(p.guidance)
        kwargs = dict(prompt=text, negative_prompt=p.negative_prompt or None, height=h, width=w, num_frames=n,
                      frame_rate=fps, num_inference_steps=self.steps, guidance_scale=g, audio_guidance_scale=g,
                      guidance_rescale=p.guidance_rescale, audio_guidance_rescale=p.guidance_rescale,
                      conditions=[LTX2VideoCondition(frames=frames, index=0, strength=1.0)],
                      max_sequence_length=tokens)
        return Call(kwargs, n, fps, (w, h), self.steps)

    def scored(self, ctx, video, n: int, fps: float, made: Audio) -> dict:
        """The clip given (its first ``n`` frames), with the sound made for them."""
        out = ArrayClip(video.chunk(0, n), fps, made)
        ctx.info(f"sound: {made.duration:.2f} s at {made.rate} Hz made for the clip's {n} frames (kept as given)")
        return {"video": out, "audio": made}


def _same(frame):
    """A frame as it is (the clip out: the clip given, with the new sound)."""
    return frame
