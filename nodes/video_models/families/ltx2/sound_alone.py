"""LTX-2 Sound: LTX-2's sound made alone from a prompt (text to audio), no picture.

What the audio-only mode is (facts read from the released code, none of it copied):
- Lightricks' reference, github.com/Lightricks/LTX-2 @ 295383dcbcaa9ec986febe6ab71571324a449d60,
  ``packages/ltx-pipelines/src/ltx_pipelines/t2a_one_stage.py`` (T2AOneStagePipeline): the video modality is absent
  (``VideoAudio(audio=...)``, ``v_context=None``): the transformer runs the audio stream alone, its self-attention,
  its prompt cross-attention and its feed-forward; no audio-video cross-attention. The audio latent is drawn from
  noise at the duration asked (``AudioLatentShape.from_duration``: frames / frame rate seconds), guided by CFG on the
  audio only (its modality guidance "meaningless" there, scale 1); its schedule is ``LTX2Scheduler().execute(steps)``
  with no latent, so its shift is that of 4096 tokens (the largest, ``max_shift``), not of a video's token count.
- ComfyUI-LTXVideo's ``LTXVAudioOnlyModel`` sets ComfyUI's transformer options ``run_vx``, ``a2v_cross_attn`` and
  ``v2a_cross_attn`` off (the video stream skipped, both cross-attentions off); ``LTXVAudioOnlyEmptyVideoLatent`` is
  a zero placeholder video latent of one frame, 2 x 2 latent pixels (64 x 64), "never attended to": ComfyUI's model
  splits its input by position, video first.

diffusers' ``LTX2VideoTransformer3DModel.forward`` (0.42.1) takes ``isolate_modalities=True``: both audio-video
cross-attentions off in every block. With them off, nothing of the video tokens reaches the audio stream (the audio
self-attention, prompt cross-attention, feed-forward and output layers read only the audio tokens, the audio
timestep and sigma, and the audio prompt), so the audio it denoises is the reference's audio-only output: no copy
of its forward is needed. The video stream still runs, on the placeholder's tokens alone (one latent frame of 2 x 2
latent pixels, as ComfyUI's), and its output is thrown away. The call is LTX2Pipeline's own (the one Sampler: Stop,
progress, LoRAs, the model cache); a hook on the transformer (base/hooks.py) turns the isolation on for every call,
the pipeline is given the sound's latent length (``audio_latents`` of zeros, noised whole: ``noise_scale`` 1) and
the scheduler's shift is the reference's for the call (its config's base shift set to its max shift, put back
after). STG and the modality guidance are off (the workflows' CFGGuider guides by CFG alone); guidance is the
audio's CFG."""
from __future__ import annotations

from contextlib import contextmanager

from studio.core.errors import StudioError
from studio.core.params import Float, Text
from studio.core.spec import In, Out
from studio.core.values import Audio

from ...base.errors import ModelError
from ...sampling.generators import prompt_of
from ...sampling.one_call import RUN, Call, OneCallNode, shared

HOOK = "studio_ltx2_sound_alone"
PLACEHOLDER = 2  # the placeholder video's latent pixels a side (ComfyUI-LTXVideo's 64 x 64 at LTX-2's 32x)
MAX_TOKENS = 1024  # LTX2Pipeline's own max_sequence_length


def latent_frames(pipe, seconds: float) -> int:
    """The audio latent frames of ``seconds`` as LTX2Pipeline counts them (its audio rate / hop / compression)."""
    per_s = pipe.audio_sampling_rate / pipe.audio_hop_length / float(pipe.audio_vae_temporal_compression_ratio)
    return max(1, round(seconds * per_s))


def isolating_hook():
    """The transformer's every call with both audio-video cross-attentions off (``isolate_modalities``)."""
    from diffusers.hooks import ModelHook

    class _Isolated(ModelHook):
        def new_forward(self, module, *args, **kwargs):
            return self.fn_ref.original_forward(*args, **dict(kwargs, isolate_modalities=True))
    return _Isolated()


@contextmanager
def reference_shift(pipe):
    """The call's schedule shifted as the reference's (no latent: the shift of the largest token count, the
    scheduler's max shift), not by the placeholder video's few tokens: LTX2Pipeline reads its shift from the
    scheduler's config (base and max shift across base and max token counts), set equal for the call."""
    sched = pipe.scheduler
    cfg = sched.config
    top, base = cfg.get("max_shift"), cfg.get("base_shift")
    if top is None or base is None or not cfg.get("use_dynamic_shifting", False):
        yield
        return
    sched.register_to_config(base_shift=top)
    try:
        yield
    finally:
        sched.register_to_config(base_shift=base)


@contextmanager
def sound_alone(pipe):
    """The isolation hook on ``pipe``'s transformer and the reference's shift, for one call."""
    from ...base.hooks import denoiser_hooks
    with denoiser_hooks(pipe, HOOK, lambda mod: isolating_hook()), reference_shift(pipe):
        yield


class LTX2Sound(OneCallNode):
    """Make a sound alone from a prompt with LTX-2 (text to audio: speech, music, effects): its audio stream
    denoised with no picture, as Lightricks' text-to-audio pipeline and ComfyUI's audio-only model run it.
    Save it with Save Audio."""
    id = "video_models.ltx2_sound"
    title = "LTX-2 Sound"
    keywords = ("ltx", "ltx-2", "audio", "sound", "text to audio", "t2a", "tts", "speech", "music", "foley")
    task = "t2v"  # LTX2Pipeline: the family's text pipeline, its video the placeholder
    family_key, error = "ltx2", ModelError
    wanted, how = "LTX-2", "load an LTX-2 model (it makes its sound with its own audio VAE and vocoder)"
    inputs = (In("model", "Video Model", help="an LTX-2 model (LTX2Pipeline)"),
              In("prompt", "Text", optional=True))
    outputs = (Out("audio", "Audio", help="the sound, at the vocoder's rate"),)
    params = (Text("prompt", "A warm voice says: \"Good morning, everyone.\"", help="what the sound is (speech in "
                   "quotes is spoken)"),
              Text("negative_prompt", ""),
              Float("seconds", 5.0, min=0.1, max=600.0, help="how long the sound lasts"),
              *shared("steps", "guidance", steps={"default": 30, "help": "denoising steps"},
                      guidance={"default": 7.0, "help": "classifier-free guidance of the sound (1: none; "
                                                        "LTX-2's release guides its sound at 7)"})) + \
        shared(*(q for q in RUN if q != "previews"))  # (no picture to preview)

    @classmethod
    def take_shape(cls, params, fam):
        """One call of the placeholder's one frame."""
        return 1, 1, 1

    def call(self, ctx, s, prompt=None) -> Call:
        import torch
        p, pipe = ctx.params, s.pipe
        text = prompt_of(ctx, prompt)
        if not text.strip():
            raise StudioError("no prompt: type one, or connect a Text input")
        vae = getattr(pipe, "audio_vae", None)
        if vae is None or getattr(pipe, "vocoder", None) is None:
            raise ModelError(f"{type(pipe).__name__} has no audio VAE and vocoder: {self.title} makes its sound "
                             "with them")
        frames = latent_frames(pipe, float(p.seconds))
        mels = int(vae.config.mel_bins) // int(pipe.audio_vae_mel_compression_ratio)
        zeros = torch.zeros(1, int(vae.config.latent_channels), frames, mels)  # noised whole (noise_scale 1)
        side = -(-PLACEHOLDER * int(pipe.vae_spatial_compression_ratio) // 32) * 32  # (the pipeline takes 32k)
        tokens = min(MAX_TOKENS, int(getattr(pipe.tokenizer, "model_max_length", MAX_TOKENS) or MAX_TOKENS)) \
            if getattr(pipe, "tokenizer", None) is not None else MAX_TOKENS
        g = float(p.guidance)
        kwargs = dict(prompt=text, negative_prompt=p.negative_prompt or None, height=side, width=side, num_frames=1,
                      num_inference_steps=self.steps, guidance_scale=g, audio_guidance_scale=g,
                      stg_scale=0.0, audio_stg_scale=0.0, modality_scale=1.0, audio_modality_scale=1.0,
                      guidance_rescale=0.0, audio_guidance_rescale=0.0, audio_latents=zeros, noise_scale=1.0,
                      max_sequence_length=tokens)
        self.wanted_seconds = float(p.seconds)
        return Call(kwargs, 1, float(s.fam.fps), (side, side), self.steps)

    def run(self, ctx, model, **inputs):
        """OneCallNode's run, the call made with the isolation hook and the reference's shift on (sound_alone)."""
        from ...sampling.sampler import Sampler, filter_kwargs
        ref = self.prepared(ctx, self.model_ref(model), inputs)
        s = Sampler(ctx, ref, self.task_for(ref, inputs), draft=not self.own_draft, pipe=self.pipeline_of(ref))
        self.preview, self.steps = self.run_settings(ctx, s)
        c = self.call(ctx, s, **inputs)
        base = filter_kwargs(s.pipe, c.kwargs, ctx.warn)
        with sound_alone(s.pipe):
            clip = s.generate(c.frames, c.frames, 0, lambda start, still: dict(base), c.fps, previews=False,
                              steps=c.steps, size=c.size)
        return self.finish(ctx, s, clip, c, **inputs)

    def finish(self, ctx, s, clip, c: Call, **inputs):
        made = s.sound()
        if made is None:
            raise ModelError(f"{type(s.pipe).__name__} made no sound")
        want = int(round(self.wanted_seconds * made.rate))
        if made.n_samples > want:  # the vocoder's last frame rounded up: cut to the length asked
            made = Audio(made.samples[:want], made.rate)
        ctx.info(f"sound: {made.duration:.2f} s at {made.rate} Hz, {made.channels} channel(s), made alone (no "
                 "picture)")
        return {"audio": made}
