"""Wan Dancer: a start image of a person, music (Load Audio) and a dance style make a dance video with
Wan-AI's Wan-Dancer-14B, its two models run as the release runs them (dancer.py, dancer_pipeline.py;
DiffSynth-Studio@fed7b18 examples/wanvideo/model_inference/Wan-Dancer-14B-{global,local}.py):

1. the **global** model draws the take's keyframes: 149 frames over the whole take's music, at the rate
   the music gives (``30 / round(rows / 149)``: 7.5 fps for a 20 s take), the start image its first
   keyframe, decoded one latent frame at a time (38 keyframes);
2. the **local** model renders the take in segments of 149 frames at 30 fps (4.97 s each), the keyframes
   spread over them (dancer_pipeline.segment_slots: each segment's last frame and the next one's first hold
   the same keyframe), each segment hearing its own stretch of the music.

Load Video Model loads each file as the Wan 2.1 I2V denoiser it is (its Dancer tensors set aside:
Wan's SingleFile own_modules); this node reads those tensors itself (dancer.load_parts, kept with the loaded model).
The take is as long as the whole segments the music covers ('segments' 0) or the segments asked; the music
is the Load Audio's (its in/out range as it gives it), cut to the take and put on the output. The release
gives the global model the take's music; ComfyUI's template gives it the whole trimmed song and renders the
first segments of it: here the keyframes span the take."""
from __future__ import annotations

import os

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Choice, Float, Int, Text
from studio.core.spec import In, Out
from studio.engine.clip import ArrayClip

from ....base.errors import ModelError
from ....loading.inputs import video_model_input
from ....sampling.generators import COMMON, TAKE_PARAMS, GeneratorNode, preview_and_steps
from . import dancer

SEGMENT = 149  # frames a local segment (and the global take) makes: the release's num_frames
SIZE = (720, 1280)  # the release's examples' width and height
NEGATIVE = ("色调艳丽，过曝，静态，细节模糊不清，字幕，风格，作品，画作，画面，静止，整体发灰，最差质量，低质量，JPEG压缩残留，丑陋的，残缺的，"
            "多余的手指，画得不好的手部，画得不好的脸部，畸形的，毁容的，形态畸形的肢体，手指融合，静止不动的画面，杂乱的背景，三条腿，背景人很多，"
            "倒着走")  # the release's examples' negative prompt
_OWN = ("frames", "steps", "width", "height", "guidance_2", "fps", "window", "overlap") + TAKE_PARAMS


class DancerError(StudioError):
    pass


def _say(msg: str) -> DancerError:
    return DancerError(f"Wan Dancer: {msg}")


def read_parts(ref, transformer, which: str):
    """The model's Wan Dancer tensors (dancer.load_parts), read from its file once and kept with the model."""
    kept = ref.shared.own_modules
    key = ("dancer_parts", ref.path)
    if key not in kept:
        from safetensors import safe_open

        from ..humo.humo_node import humo_files
        state = {}
        try:
            files = humo_files(ref.path)
        except StudioError as e:
            raise _say(str(e).replace("Wan HuMo: ", "").replace("HuMo's audio layers", "Wan Dancer's layers")) from None
        for f in files:
            with safe_open(f, "pt") as st:
                state.update({k: st.get_tensor(k) for k in st.keys() if any(m in k for m in dancer.MARKERS)})
        try:
            kept[key] = dancer.load_parts(state, transformer, ref.path, ref.dtype)
        except ModelError as e:
            raise _say(f"the {which} model: " + str(e).replace("Wan Dancer: ", "") +
                       " (load wan2.2_dancer_14b_global / _local, ComfyUI's diffusion_models/)") from None
    return kept[key]


def music_of(audio, seconds: float) -> tuple[np.ndarray, int]:
    """The music's first ``seconds`` as [channels, samples] floats and its rate; refused in words."""
    from studio.core.values import Audio
    if not isinstance(audio, Audio):
        raise _say("'audio' must be sound: connect Load Audio")
    if audio.duration + 1e-6 < seconds:
        raise _say(f"the music lasts {audio.duration:.2f} s, shorter than the take's {seconds:.2f} s: give longer "
                   "music or fewer segments")
    from studio.engine.voice_budget import voice_span
    s = voice_span(audio, 0, int(round(seconds * audio.rate)))  # only the take's span decoded
    if not np.isfinite(s).all():
        raise _say("the music holds NaN or infinite samples")
    if float(np.abs(s).max(initial=0.0)) < 1e-4:
        raise _say("the music is silent (no sample above -80 dBFS): Wan Dancer dances to its beats; give music")
    return np.ascontiguousarray(s.T), audio.rate


def take_size(w: int, h: int) -> tuple[int, int]:
    """The size asked (0: the release's 720 x 1280), checked: multiples of 16 whose token grid splits into the
    music's 8 groups a frame."""
    w, h = (w or SIZE[0]), (h or SIZE[1])
    if w % 16 or h % 16 or (w // 16) * (h // 16) % dancer.GROUPS:
        raise _say(f"the size {w}x{h} must be multiples of 16 with (width/16 x height/16) a multiple of 8 (the music "
                   "is injected in 8 groups of a frame's tokens): the release's 720x1280, or 480x832, 512x512 ...")
    return w, h


def segments_of(segments: int, seconds: float) -> int:
    """The take's segments: those asked, or (0) the whole ones ``seconds`` of music cover."""
    return int(segments) or int(seconds / (SEGMENT / dancer.BASE_FPS) + 1e-6)


def reach_of(rows: int) -> int:
    """The rotary positions the global model's keyframes span for ``rows`` of music features (30 a second):
    dancer.time_positions at the take's keyframe rate, as _time_table reads them."""
    fps = dancer.frame_rate(rows, SEGMENT)
    return max(dancer.time_positions((SEGMENT - 1) // 4 + 1, fps)[0]) + 2 if fps else 0


def take_problem(n_seg: int, seconds: float | None, rows: int | None, positions: int | None) -> str | None:
    """Why the take cannot be made, in words, or None: one check, asked by validation (WanDancer.advise, from the
    music's declared length and the model's config) and by the run (from the music and the loaded model), so what
    validates runs. ``rows``: the music's feature rows (None: about 30 a second of the take); ``positions``:
    the global model's rotary positions (its config's rope_max_seq_len; None: not known)."""
    seg_s = SEGMENT / dancer.BASE_FPS
    if n_seg < 1:
        return (f"the music lasts {seconds or 0:.2f} s, shorter than one segment ({seg_s:.2f} s: {SEGMENT} frames at "
                "30 fps): give longer music")
    if seconds is not None and seconds + 1e-6 < n_seg * seg_s:
        return (f"the music lasts {seconds:.2f} s, shorter than the take's {n_seg * seg_s:.2f} s: give longer music or "
                "fewer segments")
    rows = n_seg * SEGMENT if rows is None else rows
    if not dancer.frame_rate(rows, SEGMENT):
        return f"the music gives {rows} feature rows for {SEGMENT} frames: too short to draw keyframes"
    reach = reach_of(rows)
    if positions and reach > positions:
        most = next((k for k in range(n_seg - 1, 0, -1) if reach_of(k * SEGMENT) <= positions), 0)
        if not most:
            return (f"its global model holds {positions} rotary positions (its config's rope_max_seq_len), fewer "
                    f"than one segment's {(SEGMENT - 1) // 4 + 1} keyframes reach ({reach_of(SEGMENT)}): it is not "
                    "Wan Dancer's model (its Wan 2.1 I2V 14B base holds 1024)")
        return (f"a {rows / dancer.BASE_FPS:.1f} s take spreads the global model's keyframes over {reach} rotary "
                f"positions, past its {positions}: set 'segments' to {most} or fewer ({most * seg_s:.0f} s)")
    return None


class WanDancer(GeneratorNode):
    """Make a person dance to music with Wan-Dancer-14B: a start image (the dancer), the music (Load Audio) and a
    dance style. Two models: the global one draws keyframes over the take, the local one renders it at 30 fps in
    segments of 149 frames (4.97 s) between them. The release's settings: 48 global steps, 24 local, guidance 5;
    with a step-distilled LoRA (lightx2v's, as ComfyUI's template) set guidance 1 and a few steps."""
    id = "video_models.wan_dancer"
    title = "Wan Dancer"
    code_version = 1  # 1: CLIP sees the whole frame squashed to its square, as the release (was diffusers' centre crop)
    task = "i2v"
    streams_output = False  # the keyframes first, then the segments
    keywords = ("dance", "dancer", "music", "beat", "wan", "audio driven", "wantodance")
    inputs = (In("global_model", "Video Model", help="Wan Dancer's global model (wan2.2_dancer_14b_global) with Wan 2.1's "
                                                   "VAE, UMT5 and CLIP ViT-H"),
              In("local_model", "Video Model", help="Wan Dancer's local model (wan2.2_dancer_14b_local)"),
              In("image", "Image", help="the dancer: the take's first frame and reference"),
              In("audio", "Audio", help="the music (Load Audio)"),
              In("prompt", "Text", optional=True, help="a dance style in words of one's own (replaces 'style')"))
    outputs = (Out("video", "Video"),)
    params = (Choice("style", "Latin Dance", choices=tuple(dancer.STYLES),
                     help="the dance (the release's prompt names it in Chinese: 拉丁舞 ...)"),
              Choice("amplitude", "medium", choices=tuple(dancer.AMPLITUDES), help="how wide the motion is (local model)"),
              Int("segments", 0, min=0, max=200, special="as the music covers",
                  help="segments of 149 frames at 30 fps (4.97 s each); 0: as many whole ones as the music covers"),
              Int("width", 0, min=0, max=4096, special="720", help="0: the release's 720"),
              Int("height", 0, min=0, max=4096, special="1280", help="0: the release's 1280"),
              Int("steps_global", 48, min=1, max=500, help="the global model's steps (the release's 48)"),
              Int("steps", 24, min=1, max=500, help="the local model's steps per segment (the release's 24)"),
              Text("negative_prompt", NEGATIVE)) + tuple(q for q in COMMON if q.name not in _OWN)

    @classmethod
    def model_families(cls) -> list[dict]:
        return [{"kind": "video", "family": "wan-dancer", "name": "Wan Dancer (Wan 2.1 I2V 14B: a global and a local model)",
                 "variants": ["global (keyframes over the take)", "local (30 fps segments of 149 frames)",
                              "long takes in segments"],
                 "tasks": ["music to dance video"],
                 "inputs": {"music to dance video": ["image (the dancer)", "audio (the music: Load Audio)", "prompt"]},
                 "formats": ["ComfyUI diffusion_models/wan2.2_dancer_14b_{global,local}*.safetensors",
                             "the release's global_model.safetensors / local_model.safetensors"]}]

    @classmethod
    def advise(cls, params, base_dir, inputs):
        """The take checked before the run (take_problem, the run's own check) from the music's declared length
        (Load Audio) and the global model's rotary positions (its config, Load Video Model)."""
        said = list(super().advise(params, base_dir, inputs))
        seconds = (inputs.get("audio") or {}).get("seconds")
        positions = (inputs.get("global_model") or {}).get("positions")
        if seconds is None and not int(params.get("segments") or 0):
            return said
        why = take_problem(segments_of(int(params.get("segments") or 0), seconds or 0.0),
                           None if seconds is None else float(seconds), None, positions)
        return said + ([("error", why)] if why else [])

    def run(self, ctx, global_model, local_model, image, audio, prompt=None):
        p = ctx.params
        refs = [video_model_input(m) for m in (global_model, local_model)]
        for which, ref in zip(("global", "local"), refs):
            if ref.fam.key != "wan":
                raise _say(f"the {which} model '{ref.path}' is a {ref.fam.title} model: give Wan Dancer's {which} "
                           "model (wan2.2_dancer_14b_" + which + ")")
        style = prompt.strip() if isinstance(prompt, str) and prompt.strip() else p.style
        w, h = take_size(int(p.width), int(p.height))
        seconds = float(getattr(audio, "duration", 0.0))
        n_seg = segments_of(int(p.segments), seconds)
        why = take_problem(n_seg, seconds, None, None)
        if why:
            raise _say(why)
        wave, rate = music_of(audio, n_seg * SEGMENT / dancer.BASE_FPS)
        still = np.asarray(image.frame(0) if hasattr(image, "frame") else image, np.float32)[..., :3]
        keys = self._keyframes(ctx, refs[0], still, wave, rate, style, w, h)
        frames = self._segments(ctx, refs[1], still, keys, wave, rate, style, n_seg, w, h)
        from studio.core.values import Audio
        sound = Audio(wave.T[:int(round(len(frames) / dancer.BASE_FPS * rate))], rate)
        return self._made(ctx, ArrayClip(frames, float(dancer.BASE_FPS), audio=sound), w, h)

    def _pass(self, ctx, ref, which: str):
        from ....sampling.sampler import Sampler
        from .dancer_pipeline import DancerPipeline
        s = Sampler(ctx, ref, self.task)
        tr = s.pipe.transformer
        if tr.config.in_channels != 36 or not tr.config.image_dim:
            raise _say(f"the {which} model '{ref.path}' reads {tr.config.in_channels} channels without CLIP image "
                       "tokens: Wan Dancer's models are Wan 2.1 I2V 14B shaped (36 channels, CLIP ViT-H)")
        parts = read_parts(ref, tr, which)
        s.pipe = DancerPipeline(s.pipe)
        return s, parts

    def _run(self, ctx, s, starts, n, window, kwargs_at, steps, size):
        from ....resume.windows import ClipMaking
        making = ClipMaking(s, starts, n, window, 0, kwargs_at, None, ctx.params.previews, steps, size, blend=False)
        making.open()
        while not making.complete:
            making.step()
        making.close()
        return making.out

    def _keyframes(self, ctx, ref, still, wave, rate, style, w, h) -> np.ndarray:
        """The global pass: [38, h, w, 3] keyframes over the take."""
        s, parts = self._pass(ctx, ref, "global")
        feats = dancer.music_features(wave, rate)
        fps = dancer.frame_rate(len(feats), SEGMENT)
        keys = np.zeros((SEGMENT,) + still.shape, np.float32)
        keys[0] = still
        n_keys = (SEGMENT - 1) // 4 + 1
        why = take_problem(max(1, round(len(feats) / SEGMENT)), None, len(feats),
                           int(s.pipe.transformer.config.rope_max_seq_len))
        if why:
            raise _say(why)
        if abs(fps - 7.5) > 1e-6:
            ctx.info(f"the global model draws its keyframes at {fps:g} fps: it was trained at 7.5 (a take of 4 segments,"
                     " 19.9 s)")
        _, self.steps = preview_and_steps(ctx, s.on_cpu)
        steps = int(ctx.params.steps_global)
        kw = {"prompt": dancer.prompt_for(style, fps), "negative_prompt": ctx.params.negative_prompt or None,
              "keyframes": keys, "keyframes_mask": [1] + [0] * (SEGMENT - 1), "reference": still, "music": feats,
              "fps": fps, "dancer_parts": parts, "height": h, "width": w, "num_frames": SEGMENT,
              "num_inference_steps": steps, "guidance_scale": float(ctx.params.guidance), "framewise": True}
        ctx.info(f"Wan Dancer: {n_keys} keyframes from the global model over {len(feats) / dancer.BASE_FPS:.2f} s of "
                 f"music at {fps:g} fps ({os.path.basename(ref.path)})")
        return self._run(ctx, s, [0], n_keys, n_keys, lambda a, still_: dict(kw), steps, (w, h))

    def _segments(self, ctx, ref, still, keys, wave, rate, style, n_seg, w, h) -> np.ndarray:
        """The local passes: n_seg x 149 frames at 30 fps, each segment between its keyframes."""
        from .dancer_pipeline import segment_slots
        s, parts = self._pass(ctx, ref, "local")
        slots = segment_slots(len(keys), SEGMENT, n_seg)
        per = int(round(SEGMENT / dancer.BASE_FPS * rate))
        _, self.steps = preview_and_steps(ctx, s.on_cpu)

        def kwargs_at(start, _still):
            k = start // SEGMENT
            frames = np.zeros((SEGMENT, h, w, 3), np.float32)
            mask = [0] * SEGMENT
            for pos, i in slots[k]:
                frames[pos], mask[pos] = _fit(keys[i], w, h), 1
            feats = dancer.music_features(wave[:, k * per:(k + 1) * per], rate)
            fps = dancer.frame_rate(len(feats), SEGMENT)
            return {"prompt": dancer.prompt_for(style, fps, ctx.params.amplitude),
                    "negative_prompt": ctx.params.negative_prompt or None, "keyframes": frames, "keyframes_mask": mask,
                    "reference": still, "music": feats, "fps": fps, "dancer_parts": parts, "height": h, "width": w,
                    "num_frames": SEGMENT, "num_inference_steps": self.steps,
                    "guidance_scale": float(ctx.params.guidance)}
        ctx.info(f"Wan Dancer: {n_seg} segment{'s' if n_seg > 1 else ''} of {SEGMENT} frames at 30 fps from the local "
                 f"model ({os.path.basename(ref.path)})")
        starts = [k * SEGMENT for k in range(n_seg)]
        return self._run(ctx, s, starts, n_seg * SEGMENT, SEGMENT, kwargs_at, self.steps, (w, h))


def _fit(img: np.ndarray, w: int, h: int) -> np.ndarray:
    import cv2
    img = np.asarray(img, np.float32)[..., :3]
    return img if img.shape[:2] == (h, w) else cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA)
