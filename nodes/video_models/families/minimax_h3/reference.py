"""MiniMax H3 Reference to Video: diffusers' 'ref2va' workflow (modular_pipelines/minimax_h3/ in
diffusers 0.42.1: references.py's MiniMaxH3ImageReference / VideoReference / AudioReference, packed
in order by MiniMaxH3Ref2VAPrepareLayoutStep and denoised by the 'transformer_ref' partition), as
ComfyUI's MiniMaxH3ReferenceToVideo node takes them (templates video_minimax_h3_r2v.json,
video_fasth3_ominiref_r2v.json: up to 9 reference images, 3 reference videos with their own
soundtracks, 3 sounds; 'ref_image_size' match / max).

The references are given to the pipeline in the order ComfyUI presents them: the images (image_1,
image_2 ... as connected), then the videos, then the sounds; the prompt names them '<Picture 1>',
'<Video 1>', '<Audio 1>' in that order. What the pipeline would refuse (too many, a sound alone,
an image beyond 1:4) is refused here first, naming the input, before the reference transformer is
read from the folder (on the first reference run, the text-to-video one set aside: partitions.py)."""
from __future__ import annotations

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Choice, Text
from studio.core.spec import In, Out

from ...loading.inputs import video_model_input
from ...sampling.generators import COMMON, GeneratorNode, prompt_of

IMAGES, VIDEOS, SOUNDS, TOTAL = 9, 3, 3, 12  # MiniMaxH3Ref2VASetupStep's max_images / videos / audios / references
IMAGE_INPUTS = tuple(f"image_{i}" for i in range(1, IMAGES + 1))
VIDEO_INPUTS = tuple(f"video_{i}" for i in range(1, VIDEOS + 1))
SOUND_INPUTS = tuple(f"audio_{i}" for i in range(1, SOUNDS + 1))
SIZES = ("match", "max")
SIZE_HELP = ("the reference images' short edge: 'match' the video's (faster, as ComfyUI's default), 'max' the "
             "model's own (2048 for the released one: stronger likeness, slower)")
_KEPT = ("frames", "width", "height", "quality", "steps", "fps", "seed", "previews", "preview_size")


def _still(name: str, value) -> np.ndarray:
    img = value.frame(0) if hasattr(value, "frame") else value
    img = np.asarray(img, np.float32)
    if img.ndim != 3 or img.shape[2] != 3:
        raise StudioError(f"'{name}' is not an RGB image (shape {tuple(img.shape)}): MiniMax H3 takes RGB references")
    h, w = img.shape[:2]
    if w > 4 * h or h > 4 * w:
        raise StudioError(f"'{name}' is {w}x{h}: MiniMax H3 takes reference images between 1:4 and 4:1")
    return img


def _waveform(ctx, name: str, audio, rate_to: int):
    """(a (channels, samples) float32 tensor, its rate) of a sound; refused when it holds no sound.
    Another rate than the audio VAE's is resampled by Studio (nodes.edit.audio.resample) where
    torchaudio, which diffusers resamples with, is not installed (said)."""
    import importlib.util

    import torch

    from studio.core.values import Audio
    from studio.engine.voice_budget import reference_span
    audio = Audio(reference_span(audio, ctx.info, f"'{name}'"), audio.rate)  # its first minute at most, said
    if audio.n_samples == 0 or not np.any(audio.samples):
        raise StudioError(f"'{name}' holds no sound ({audio.n_samples} samples, all silent): connect a voice or "
                          "music, or leave it unconnected")
    if audio.channels > 2:
        raise StudioError(f"'{name}' has {audio.channels} channels: MiniMax H3 takes mono or stereo sound")
    if audio.rate != rate_to and importlib.util.find_spec("torchaudio") is None:
        from nodes.edit.audio import resample
        ctx.info(f"'{name}': its {audio.rate} Hz resampled to the audio VAE's {rate_to} Hz by Studio (torchaudio, "
                 "which diffusers resamples with, is not installed)")
        audio = resample(audio, rate_to)
    return torch.from_numpy(np.ascontiguousarray(audio.samples.T)), audio.rate


def _clip_frames(clip, n: int) -> tuple[np.ndarray, float]:
    """The frames of a reference clip the pipeline reads (at most the ``n`` frames made, at its 24 fps)."""
    need = min(clip.n_frames, int(np.ceil(n * clip.fps / 24.0)) + 1)
    return np.stack([np.asarray(clip.frame(i), np.float32) for i in range(need)]), float(clip.fps)


def gather_references(ctx, pipe, refs: dict, n: int) -> list:
    """The pipeline's reference objects for the connected inputs, in ComfyUI's order (images, videos
    with their soundtracks, sounds), checked as diffusers' setup step checks them, naming the input."""
    from diffusers.modular_pipelines.minimax_h3 import (MiniMaxH3AudioReference, MiniMaxH3ImageReference,
                                                        MiniMaxH3VideoReference)

    from ...sampling.sampler import to_pil
    images = [k for k in IMAGE_INPUTS if refs.get(k) is not None]
    videos = [k for k in VIDEO_INPUTS if refs.get(k) is not None]
    sounds = [k for k in SOUND_INPUTS if refs.get(k) is not None]
    if not images and not videos:
        raise StudioError("no reference image or video is connected: MiniMax H3's reference to video needs at "
                          "least one" + (f" (a sound ({', '.join(sounds)}) cannot be the only reference)" if sounds
                                         else " (for a prompt alone use Text to Video)"))
    if len(images) + len(videos) + len(sounds) > TOTAL:
        said = ", ".join(f"{len(x)} {w}{'s' if len(x) != 1 else ''}" for x, w in ((images, "image"), (videos, "video"),
                                                                                 (sounds, "sound")))
        raise StudioError(f"{len(images) + len(videos) + len(sounds)} references are connected ({said}): MiniMax H3 "
                          f"takes at most {TOTAL} ({IMAGES} images, {VIDEOS} videos, {SOUNDS} sounds)")
    for k in videos:
        if getattr(refs[k], "n_frames", 1) < 2:
            raise StudioError(f"'{k}' is a still (one frame): connect it on an image input, or a clip here")
    if videos:
        from .processor import torchvision_missing
        if torchvision_missing() or getattr(pipe.processor, "video_processor", None) is None:
            raise StudioError(f"'{videos[0]}': MiniMax H3 reads a reference video through Qwen3-VL's video processor, "
                              "which needs torchvision (not installed here): install torchvision, or give stills")
    rate = int(pipe.audio_vae.config.sampling_rate)
    out = [MiniMaxH3ImageReference(image=to_pil(_still(k, refs[k]))) for k in images]
    for k in videos:
        frames, fps = _clip_frames(refs[k], n)
        sound = getattr(refs[k], "audio", None)
        if sound is None or sound.n_samples == 0 or not np.any(sound.samples):
            ctx.info(f"'{k}' has no sound (or a silent one): it is a reference for motion and camera only")
            wave, wave_rate = None, None
        else:
            wave, wave_rate = _waveform(ctx, f"{k}'s sound", sound, rate)
        out.append(MiniMaxH3VideoReference(frames=(frames * 255).round().clip(0, 255).astype(np.uint8), fps=fps,
                                           audio=wave, sample_rate=wave_rate))
    for k in sounds:
        wave, wave_rate = _waveform(ctx, k, refs[k], rate)
        out.append(MiniMaxH3AudioReference(audio=wave, sample_rate=wave_rate))
    return out


class MiniMaxH3ReferenceToVideo(GeneratorNode):
    """MiniMax H3 from references: up to 9 images (a face, a character, a style, a place), 3 clips (a
    motion or a camera move, with their own sound) and 3 sounds (a voice, music), at most 12 in all,
    woven into one clip with the prompt, which names them '<Picture 1>', '<Video 1>', '<Audio 1>' in
    the order connected. Diffusers' 'ref2va' workflow in one call (the folder's transformer_ref); the
    soundtrack it makes with the video (a voice, sound, music) goes with the clip."""
    id = "video_models.minimax_h3_reference"
    title = "MiniMax H3 Reference to Video"
    task = "r2v"
    streams_output = False  # one call makes the clip
    inputs = ((In("model", "Video Model", help="a MiniMax H3 folder (modular_model_index.json) with transformer_ref/"),
               In("prompt", "Text", optional=True, help="names the references '<Picture 1>', '<Video 1>', "
                                                        "'<Audio 1>' in the order connected"))
              + tuple(In(k, "Image", optional=True, help=f"reference picture {i} ('<Picture {i}>' if the ones "
                                                          "before it are connected)")
                      for i, k in enumerate(IMAGE_INPUTS, start=1))
              + tuple(In(k, "Video", optional=True, help=f"reference clip {i}: its motion and camera, with its "
                                                          "own sound when it has one")
                      for i, k in enumerate(VIDEO_INPUTS, start=1))
              + tuple(In(k, "Audio", optional=True, help=f"reference sound {i} (a voice, music): never the only "
                                                          "reference")
                      for i, k in enumerate(SOUND_INPUTS, start=1)))
    outputs = (Out("video", "Video", help="the clip, with the soundtrack the model made"),)
    params = (Text("prompt", "<Picture 1> walks through the rain, looks up and smiles"),
              Choice("reference_size", "match", choices=SIZES, help=SIZE_HELP)) + \
        tuple(q for q in COMMON if q.name in _KEPT)

    @classmethod
    def advise(cls, params, base_dir, inputs):
        """Before the run: a model of another family foreseen on 'model' (the generators' own advice
        knows the tasks of pipeline fields, which this node's is not)."""
        from ...sampling.advice import family_wired
        fam, title = family_wired(inputs)
        if fam is not None and fam.key != "minimax_h3":
            return [("error", f"this model ({title}) is not a MiniMax H3: {cls.title} needs a MiniMax H3 folder "
                              "(modular_model_index.json)")]
        return []

    def run(self, ctx, model, prompt=None, **refs):
        ref = video_model_input(model)
        if ref.fam.key != "minimax_h3":
            raise StudioError(f"'model' is a {ref.fam.title} model: MiniMax H3 Reference to Video needs a MiniMax H3 "
                              "folder (modular_model_index.json)")
        from ...base.registry import valid_frames
        n = valid_frames(ref.fam, ctx.params.frames or ref.fam.frames)
        ref.fam.refuse_call(self.task, n, 0, 0)  # 5 frames (ComfyUI's shortest) to 15 seconds, before anything is read
        references = gather_references(ctx, ref.module, refs, n)  # every refusal before the transformer is read
        from .partitions import partition_folder
        partition_folder(ref, "transformer_ref")  # a folder without it refused before anything runs
        size = ctx.params.reference_size

        def configs(w: int, h: int) -> dict:
            if size == "max":
                return {}
            ctx.info(f"reference images at the video's short edge ({min(w, h)} px: reference size 'match')")
            return {"reference_image_short_edge": min(w, h)}
        return self._modular(ctx, ref, prompt_of(ctx, prompt), "", None, None, {}, references=references,
                             configs=configs, keep_sound=True)
