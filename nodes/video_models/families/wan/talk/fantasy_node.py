"""The FantasyTalking node: a start image, a prompt and a voice's speech features make a talking clip with
Wan 2.1 I2V 14B and FantasyTalking's audio attention (fantasy.py, after Fantasy-AMAP/fantasy-talking@8c2d0c9
``infer.py``: one call of 4k+1 frames, at most 81 by default, at 23 fps; the voice's wav2vec2 features over the
take's seconds projected and sliced per latent frame; diffusers' ``WanImageToVideoPipeline`` with the audio
attention hooked in, through the one Sampler).

The voice as the release reads it: wav2vec2 (facebook/wav2vec2-base-960h) last hidden state at its own 50
a second, not interpolated to the video's frames: Speech Features with layers 'last' and its fps set to 50
gives that (its frames over the take's seconds are the release's sequence; the per-latent-frame slices are
taken by their share of the take, whatever the features' rate)."""
from __future__ import annotations

import numpy as np

from studio.core.params import Float, Int, Path, Text
from studio.core.spec import In, Out

from ....base.voice import check_voice
from ....loading.inputs import video_model_input
from ....sampling.generators import COMMON, TAKE_PARAMS, GeneratorNode, output_size, preview_and_steps, prompt_of
from .....model_file_checks import model_file_checks
from ..module_file import kept_for_file
from .fantasy import EXAMPLE, VAE_SCALE, FantasyError, audio_tokens, build_weights, fantasy_applied, find_weights, \
    read_weights
from .talk import NEGATIVE, check_wan_i2v, fitted

FPS = 23.0  # the release's --fps
TRAINED_FRAMES = 81  # the release's --max_num_frames
ENCODER_HZ = 50.0  # wav2vec2's hidden states a second
LEFT_OUT = ("frames", "fps", "window", "overlap", "guidance_2") + TAKE_PARAMS
# the release's negative prompt (infer.py, in Chinese) opens with "the person motionless"; the rest is Wan's own
NEGATIVE_FT = "the person motionless, " + NEGATIVE


def speech_of(features, in_dim: int, title: str):
    """The features as [T, in_dim] float32 (wav2vec2's last hidden state); Speech Features' layers 'all' read
    at their last; refused in words."""
    import torch
    x = torch.as_tensor(np.asarray(features.data) if not isinstance(features.data, torch.Tensor) else features.data)
    if x.ndim != 2 or not features.per_frame:
        raise FantasyError(f"{title}: 'speech' is not per-frame features: connect Speech Features")
    x = x.float()
    if x.shape[1] != in_dim and x.shape[1] % in_dim == 0:  # layers 'all': the last hidden state is the last
        x = x[:, -in_dim:]
    if x.shape[1] != in_dim:
        raise FantasyError(f"{title}: the speech features are {x.shape[1]} values a frame but FantasyTalking reads "
                           f"{in_dim} (wav2vec2-base's last hidden state): encode the voice with wav2vec2-base-960h")
    if not torch.isfinite(x).all():
        raise FantasyError(f"{title}: the speech features hold NaN or infinite values")
    return x


class FantasyTalking(GeneratorNode):
    """Make a talking clip from a start image and a voice with FantasyTalking (Wan 2.1 I2V 14B and its
    FantasyTalking file): the lips, face and body move with the speech. Connect Speech Features of the voice
    (wav2vec2-base-960h, layers 'last', fps 50: the encoder's own rate, as the release reads it). One call of
    4k+1 frames (81 by default, as the release)."""
    streams_output = False
    id = "video_models.fantasytalking"
    title = "Fantasy Talking"  # (two words: the palette wraps a name between words, never inside one)
    keywords = ("fantasytalking", "talking head", "talking portrait", "lip sync", "speech", "voice", "audio driven")
    task = "i2v"
    inputs = (In("model", "Video Model", help="Wan 2.1 I2V 14B: FantasyTalking's base model"),
              In("image", "Image", help="the speaker: the first frame"),
              In("speech", "Features", help="Speech Features of the voice (wav2vec2-base-960h, layers 'last', fps 50)"),
              In("prompt", "Text", optional=True))
    outputs = (Out("video", "Video"),)
    params = (Path("weights", "", label="FantasyTalking file", lookup=True, filters="FantasyTalking (*.safetensors)",
                   help=f"FantasyTalking's file, or its name in a models folder's diffusion_models/ ({EXAMPLE})"),
              Text("prompt", "a person is talking"),
              Text("negative_prompt", NEGATIVE_FT, help="the release's by default (translated)"),
              Int("frames", TRAINED_FRAMES, min=0, max=100_000, special="the voice's length",
                  help="frames made (4k+1) in one call; 0: as many as the voice covers (the release: at most 81)"),
              Float("fps", FPS, min=1.0, max=120.0, help="the clip's frame rate (the release's 23)"),
              Float("audio_scale", 1.0, min=0.0, max=10.0,
                    help="the audio attention's strength (the release's audio_scale; 1: as trained)"),
              Float("audio_guidance", 0.0, min=0.0, max=30.0,
                    help="the voice's guidance (the release's audio_cfg_scale, 4-5 with guidance 5): the "
                         "unconditional call silent, one more model call a step where it differs from guidance; "
                         "0: off, both calls hear the voice")) + \
        tuple(q for q in COMMON if q.name not in LEFT_OUT)

    @classmethod
    def model_families(cls) -> list[dict]:
        return [{"kind": "video", "family": "wan", "name": "FantasyTalking (Wan 2.1 I2V 14B + audio attention)",
                 "variants": ["one speaker"], "tasks": ["speech to video"],
                 "inputs": {"speech to video": ["image", "speech (Speech Features: wav2vec2-base-960h, layers 'last', "
                                                "fps 50)", "prompt"]},
                 "formats": [f"ComfyUI {EXAMPLE} (kijai's)", "the release's safetensors (proj_model.*, "
                                                              "audio_processor.*)"]}]

    preflight, signature_files = model_file_checks(
        lambda cls, params, base_dir: find_weights(params.get("weights") or "", base_dir, cls.title), FantasyError)

    @classmethod
    def voice_seconds(cls, params) -> float | None:
        """The seconds of its voice a take reads ('frames' at 'fps'; None: 'frames' 0, the voice's length): what Speech
        Features encodes for it (studio.engine.voice_budget)."""
        from studio.engine.voice_budget import take_seconds
        return take_seconds(params, FPS)

    @classmethod
    def foresee(cls, params, base_dir, inputs):
        """'frames' 0: the frames the voice covers at the take's rate (Speech Features' foresight counts its own, 50 a
        second for the release's features), 4k+1 as run() makes them."""
        voice = inputs.get("speech") or {}
        have, rate = int(voice.get("voice_frames") or voice.get("frames") or 0), float(voice.get("fps") or 0)
        if not int(params.get("frames") or 0) and have and rate:
            n = int(have / rate * float(params.get("fps") or FPS) + 1e-6)
            if n >= 1 + VAE_SCALE:
                params = dict(params, frames=(n - 1) // VAE_SCALE * VAE_SCALE + 1)
        return super().foresee(params, base_dir, inputs)

    @classmethod
    def take_shape(cls, params, fam):
        want = int(params.get("frames") or 0)
        return None if want < 1 + VAE_SCALE else ((want - 1) // VAE_SCALE * VAE_SCALE + 1, 1, 1)

    def _weights(self, ctx, ref, tr):
        path = find_weights(ctx.params.weights, getattr(ctx.options.get("graph"), "base_dir", None), self.title)
        cfg = tr.config

        def made():
            mod = build_weights(read_weights(path, self.title), int(cfg.num_attention_heads * cfg.attention_head_dim),
                                int(cfg.num_layers), self.title, path)
            return mod.to(ref.dtype) if ref.dtype is not None else mod
        return kept_for_file(ref, "fantasytalking", path, made)

    def _check_model(self, ref):
        check_wan_i2v(ref, self.title, "FantasyTalking is for Wan 2.1 I2V 14B")

    def _frames(self, ctx, speech) -> int:
        p = ctx.params
        have = check_voice(speech, self.title, 0, fps=p.fps, error=FantasyError)  # silent refused; its frames at fps
        want = p.frames or have
        n = (want - 1) // VAE_SCALE * VAE_SCALE + 1
        if n < 1 + VAE_SCALE:
            raise FantasyError(f"{self.title}: {want} frames: FantasyTalking makes 4k+1 frames, at least 5 (the voice "
                               f"covers {have} at {p.fps:g} fps)")
        if n != want:
            ctx.info(f"FantasyTalking makes 4k+1 frames: {want} asked, making {n}")
        check_voice(speech, self.title, n, fps=p.fps, error=FantasyError,
                    fit=lambda h: (h - 1) // VAE_SCALE * VAE_SCALE + 1)
        return n

    def run(self, ctx, model, image=None, speech=None, prompt=None):
        import torch
        from ....base.calls import to_pil
        from ....sampling.sampler import Sampler, filter_kwargs
        if image is None:
            raise FantasyError(f"{self.title}: no picture: connect the speaker's image")
        p = ctx.params
        ref = video_model_input(model)
        self._check_model(ref)
        n = self._frames(ctx, speech)
        rate = float(getattr(speech, "fps", 0) or 0) or p.fps
        if abs(rate - ENCODER_HZ) > 1e-6:
            ctx.info(f"the speech features are at {rate:g} a second; FantasyTalking was trained on wav2vec2's own "
                     f"{ENCODER_HZ:g} (Speech Features' fps {ENCODER_HZ:g})")
        weights = self._weights(ctx, ref, ref.module.transformer)  # the file read and checked before sampling
        s = Sampler(ctx, ref, "i2v")
        feats = speech_of(speech, weights.proj_model.proj.in_features, self.title)
        length = max(2, min(int(feats.shape[0]), int(round(n / p.fps * rate))))
        with torch.inference_mode():
            tokens, lens = audio_tokens(weights, feats[:length], n)
        self.preview, self.steps = preview_and_steps(ctx, s.on_cpu)
        img = np.asarray(image.frame(0) if hasattr(image, "frame") else image, np.float32)
        w, h = output_size(ctx, s, p.width, p.height, (img.shape[1], img.shape[0]), self.preview)
        kwargs = filter_kwargs(s.pipe, {"prompt": prompt_of(ctx, prompt), "negative_prompt": p.negative_prompt or None,
                                        "image": to_pil(fitted(img, w, h)), "height": h, "width": w, "num_frames": n,
                                        "num_inference_steps": self.steps, "guidance_scale": p.guidance}, ctx.warn)
        a = float(p.audio_guidance) or None
        ctx.info(f"FantasyTalking: {n} frames ({n / p.fps:.2f} s) lip-synced to the voice ({length} feature frames, "
                 f"{tokens.shape[2]} audio tokens a latent frame)"
                 + (f"; the voice guided at {a:g} (the unconditional call silent"
                    + (", one more call a step)" if abs(a - max(1.0, p.guidance)) > 1e-9 else ")") if a else ""))
        with fantasy_applied(s.pipe, weights, tokens, lens, p.audio_scale, a, p.guidance):
            clip = s.generate(n, n, 0, lambda start_at, still: dict(kwargs), p.fps, previews=p.previews,
                              steps=self.steps, size=(w, h))
        from studio.engine.clip import ArrayClip
        frames = np.asarray(clip.frames if hasattr(clip, "frames") else clip.chunk(0, n), np.float32)
        return self._made(ctx, ArrayClip(frames, p.fps), w, h)
