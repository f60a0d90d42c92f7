"""Wan HuMo: a person made from a prompt, a reference image and a voice with ByteDance's HuMo 17B
(Phantom-video/HuMo, a Wan 2.1 14B image-to-video denoiser that also hears Whisper's features).

Load Video Model loads the HuMo file as the Wan denoiser it is (its audio tensors set aside:
Wan's SingleFile own_modules); this node reads those tensors itself (humo.load_audio, kept with the loaded model),
and samples with humo_pipeline.HumoPipeline on the loaded components: the release's conditioning and its
text / audio guidance, one take of at most the voice's length (4k+1 frames). The voice comes as
Speech Features (Whisper large-v3, layers 'all', aligned to the video's frames at 25 fps: the rate HuMo
was trained at); the node groups its 33 hidden states as the release does (humo.whisper_groups)."""
from __future__ import annotations

import os

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Choice, Float, Text
from studio.core.spec import In, Out
from studio.core.values import Features
from studio.engine.clip import ArrayClip

from ....base.errors import ModelError
from ....base.voice import check_voice
from ....loading.inputs import video_model_input
from ....sampling.generators import COMMON, TAKE_PARAMS, GeneratorNode, output_size, preview_and_steps, prompt_of
from .humo_rate import FPS  # HuMo's frame rate

STATES, TRAINED = 33, 97  # Whisper large-v3's hidden states (embeddings + 32 layers); HuMo's take length (the
# release's generate.yaml)
NEGATIVE = ("色调艳丽，过曝，静态，细节模糊不清，字幕，风格，作品，画作，画面，静止，整体发灰，最差质量，低质量，JPEG压缩残留，丑陋的，残缺的，"
            "多余的手指，画得不好的手部，画得不好的脸部，畸形的，毁容的，形态畸形的肢体，手指融合，静止不动的画面，杂乱的背景，三条腿，背景人很多，"
            "倒着走")  # the release's generate.yaml sample_neg_prompt (also humo_pipeline.NEGATIVE)
_OWN = ("guidance", "guidance_2", "window", "overlap") + TAKE_PARAMS


class HumoError(StudioError):
    pass


def _say(msg: str) -> HumoError:
    return HumoError(f"Wan HuMo: {msg}")


def humo_files(path: str) -> list[str]:
    """The safetensors files holding the model's denoiser (the file, or a folder's transformer files)."""
    from ..fun.camera import adapter_files
    if path.lower().endswith(".gguf"):
        raise _say(f"model '{path}' is a GGUF file: Studio reads HuMo's audio layers from safetensors files only")
    return adapter_files(path)


def read_audio(ref, transformer):
    """HuMo's audio module of the loaded model, read from its file once and kept with the model."""
    kept = ref.shared.own_modules
    key = ("humo_audio", ref.path)
    if key not in kept:
        from safetensors import safe_open

        from .humo import MARKERS, load_audio
        state = {}
        for f in humo_files(ref.path):
            with safe_open(f, "pt") as st:
                state.update({k: st.get_tensor(k) for k in st.keys() if any(m in k for m in MARKERS)})
        if not state:
            raise _say(f"model '{ref.path}' is not a HuMo model (its file has no audio_proj / audio cross-attention "
                       "tensors): load humo_17B_*.safetensors (ComfyUI's diffusion_models/) or the released HuMo-17B")
        c = transformer.config
        try:
            kept[key] = load_audio(state, c.num_attention_heads * c.attention_head_dim, c.num_attention_heads,
                                   c.num_layers, ref.path, ref.dtype)
        except ModelError as e:
            raise _say(str(e)) from None
    return kept[key]


def voice(features, frames: int) -> tuple["np.ndarray", int]:
    """([T, 5, C] grouped Whisper features, frames made): the input checked, in words naming the node."""
    import torch

    from .humo import whisper_groups
    if not isinstance(features, Features) or not features.per_frame:
        raise _say("'features' must be per-frame speech features: connect Speech Features (Whisper large-v3, "
                   "layers 'all')")
    ex = features.extras or {}
    layers = int(ex.get("layers") or 1)
    if not str(ex.get("encoder", "Whisper")).startswith("Whisper") or layers != STATES:
        raise _say(f"HuMo reads Whisper large-v3's {STATES} hidden states; the features are {ex.get('encoder', '?')}'s "
                   f"{layers}: set Speech Features' model to Whisper large-v3 and its layers to 'all'")
    data = torch.as_tensor(np.asarray(features.data, np.float32))
    have = check_voice(features, "Wan HuMo", frames, features.fps or FPS, HumoError, lambda h: 4 * ((h - 1) // 4) + 1)
    n = frames or have  # 0: the voice's frames, not the silence Speech Features padded past it
    n = 4 * ((n - 1) // 4) + 1  # the release's frame rule
    if n < 1 or data.shape[0] < n:
        raise _say(f"the features hold {data.shape[0]} frames, fewer than the {n} of the take")
    return whisper_groups(data[:n].reshape(n, STATES, -1)), n


class WanHuMo(GeneratorNode):
    """Make a person speak with HuMo 17B: a prompt, a reference image of the person (optional: text and
    voice only) and the voice as Speech Features (Whisper large-v3, layers 'all', 25 fps). One take of at
    most the voice's length; guidance 'release' is HuMo's own text / audio guidance (3 model calls a step),
    'off' one call a step (distilled LoRAs such as lightx2v's, as ComfyUI's HuMo template runs them)."""
    id = "video_models.wan_humo"
    title = "Wan HuMo"
    code_version = 2  # 1: frames 0 is the voice's length (voice_frames), not the padded features'; 2: a take reworked
    task = "t2v"
    streams_output = False  # one call makes the take
    keywords = ("humo", "talking", "lip sync", "voice", "speech", "audio driven", "reference")
    length_ports = ("features",)  # 'frames' 0: the voice's length (Speech Features' foresight)
    inputs = (In("model", "Video Model", help="a HuMo 17B model (humo_17B_*.safetensors) with Wan 2.1's VAE and T5"),
              In("features", "Features", help="the voice: Speech Features (Whisper large-v3, layers 'all')"),
              In("reference", "Image", optional=True, help="the person (none: text and voice only)"),
              In("prompt", "Text", optional=True),
              In("video", "Video", optional=True, help="a take to rework at 'strength' (a refine pass; none: a take "
                                                      "made from noise)"))
    outputs = (Out("video", "Video"),)
    params = (Text("prompt", "a person talking to the camera"), Text("negative_prompt", NEGATIVE),
              Choice("guidance_mode", "release", choices=("release", "off"),
                     help="release: HuMo's text and audio guidance; off: one model call a step (distilled LoRAs)"),
              Float("scale_text", 5.0, min=0.0, max=30.0, help="text guidance (the release's scale_t)"),
              Float("scale_audio", 5.5, min=0.0, max=30.0, help="audio guidance (the release's scale_a)"),
              Float("strength", 1.0, min=0.01, max=1.0, help="with a video: how far from it (the share of the steps "
                                                           "run; 1: ignore it)")) + \
        tuple(q for q in COMMON if q.name not in _OWN)

    @classmethod
    def voice_seconds(cls, params) -> float | None:
        """The seconds of the voice a take reads: 'frames' of the features, counted at the slower of its 'fps' and
        HuMo's 25 (None: 'frames' 0, the voice's length): what Speech Features encodes for it."""
        frames = int(params.get("frames") or 0)
        return frames / min(float(params.get("fps") or FPS), FPS) if frames > 0 else None

    def run(self, ctx, model, features, reference=None, prompt=None, video=None):
        from ....resume.windows import ClipMaking
        from ....sampling.sampler import Sampler, filter_kwargs
        from .humo_pipeline import HumoPipeline
        p = ctx.params
        ref = video_model_input(model)
        if ref.fam.key != "wan":
            raise _say(f"model '{ref.path}' is a {ref.fam.title} model: HuMo runs a HuMo 17B file")
        grouped, n = voice(features, p.frames or (len(video) if video is not None else 0))  # (a take: its length)
        fps = p.fps or features.fps or FPS
        if n > TRAINED:
            ctx.info(f"{n} frames in one take: HuMo was trained on takes of {TRAINED} ({TRAINED / FPS:.2f} s at "
                     f"{FPS:g} fps, the release's generate.yaml); longer takes drift more")
        if abs(fps - FPS) > 1e-6:
            ctx.info(f"the take is at {fps:g} fps: HuMo was trained at {FPS:g}")
        s = Sampler(ctx, ref, self.task)
        tr = s.pipe.transformer
        audio = read_audio(ref, tr)
        if grouped.shape[-1] != audio.channels:
            raise _say(f"the voice's features are {grouped.shape[-1]} wide; this HuMo model reads Whisper features "
                       f"{audio.channels} wide (Whisper large-v3's)")
        if tr.config.in_channels != 36:
            raise _say(f"model '{ref.path}' reads {tr.config.in_channels} channels, not HuMo 17B's 36 (the noise, a "
                       "mask, the reference's latents)")
        self.preview, self.steps = preview_and_steps(ctx, s.on_cpu)
        img = None
        if reference is not None:
            img = np.asarray(reference.frame(0) if hasattr(reference, "frame") else reference, np.float32)
        given = (video.width, video.height) if video is not None else (img.shape[1], img.shape[0]) if img is not None \
            else None
        w, h = output_size(ctx, s, p.width, p.height, given, self.preview)
        if video is not None and len(video) < n:
            raise _say(f"the video to rework has {len(video)} frames, fewer than the {n} of the take")
        take = video.chunk(0, n) if video is not None and p.strength < 1 else None
        s.pipe = HumoPipeline(s.pipe)  # the loaded Wan pipeline, sampled as HuMo samples
        base = filter_kwargs(s.pipe, {"prompt": prompt_of(ctx, prompt), "negative_prompt": p.negative_prompt or None,
                                      "image": img, "audio_embeds": grouped, "humo_audio": audio, "height": h,
                                      "width": w, "num_frames": n, "num_inference_steps": self.steps,
                                      "scale_t": p.scale_text, "scale_a": p.scale_audio,
                                      "guidance": p.guidance_mode, "video": take, "strength": p.strength}, ctx.warn)
        calls = 1 if p.guidance_mode == "off" else 3
        ctx.info(f"HuMo: {n} frames from {'the reference, ' if img is not None else ''}the prompt and the voice, "
                 f"{calls} model call{'s' if calls > 1 else ''} a step ({os.path.basename(ref.path)})")
        making = ClipMaking(s, [0], n, n, 0, lambda start, still: dict(base), None, p.previews, self.steps, (w, h))
        making.open()
        making.step()  # closes the making itself when it stops or fails
        making.close()
        return self._made(ctx, ArrayClip(making.out, fps), w, h)
