"""Inputs and outputs: video, image and audio files, text prompts, video rendering."""
from __future__ import annotations

import os

import cv2
import numpy as np

from studio.core.errors import MediaError
from studio.core.limits import MAX_FRAME_PIXELS, check_frame_size, regular_file_problem
from studio.core.params import Bool, Choice, Int, Path, String, Text
from studio.core.spec import CLIP, SOURCE, In, Node, Out
from studio.core.fileformat import graph_to_json
from studio.engine.animated_picture import AnimatedPictureClip, frame_count, is_animated_picture
from studio.engine.clip import Clip
from studio.engine import sequence as S
from studio.engine.media import FILE_TAGS, VideoFileClip, write_video
from studio.engine.png_text import write_png
from studio.engine.sound_spans import FileSound, open_sound
from studio.engine.video_encode import aac_rate

VIDEO_FILTER = "Video (*.mp4 *.mov *.mkv *.avi *.webm *.m4v *.gif *.webp)"
IMAGE_FILTER = "Image (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp *.exr)"
AUDIO_FILTER = "Audio (*.wav *.mp3 *.flac *.ogg *.m4a *.aac *.opus)"


class LoadVideo(Node):
    """A video file, decoded lazily frame by frame, with its sound. Rotation tags are applied,
    a variable frame rate is made constant (the rule is reported), colour follows the file's
    tags, 10-bit sources keep their precision, and an alpha channel (ProRes 4444, FFV1) comes
    out as a Mask. An animated WEBP or GIF is read frame by frame with Pillow (every frame once, its rate from
    the frames' durations), as ComfyUI's LoadImage reads one."""
    id = "io.load_video"
    keywords = ("read", "plate", "footage", "clip", "import")
    title = "Load Video"
    category = "Input"
    timing = SOURCE
    outputs = (Out("video", "Video"), Out("audio", "Audio"),
               Out("alpha", "Mask", help="the file's alpha channel; opaque when it has none"))
    params = (Path("path", "", mode="open", filters=VIDEO_FILTER, help="the video file to read"),)

    @classmethod
    def first_frame(cls, params, base_dir):
        if not params.get("path"):
            return None
        clip = _open_video(params["path"])
        try:
            return clip.frame(0)
        finally:
            clip.close()

    @classmethod
    def open_clip(cls, params, base_dir):
        """The file opened, its frames decoded as they are pulled (a plate scrubbed before a run)."""
        return _open_video(params["path"]) if params.get("path") else None

    @classmethod
    def foresee(cls, params, base_dir, inputs):
        """The frames its container declares (validation tells a generator's frames against them)."""
        from studio.engine.media import declared_frames
        path = params.get("path")
        n = (frame_count(path) if is_animated_picture(path) else declared_frames(path)) if path else 0
        return {"video": {"frames": n}, "alpha": {"frames": n}} if n else {}

    def run(self, ctx, **_):
        clip = _open_video(ctx.params.path)
        declared = clip.declared_frames
        if declared and declared > clip.n_frames:
            ctx.warn(f"'{ctx.params.path}' declares {declared} frames but only {clip.n_frames} can be read "
                     f"(cut short or damaged?): using those {clip.n_frames}, everywhere")
        for note in clip.notes():
            ctx.info(note)
        return {"video": clip, "audio": clip.audio, "alpha": clip.alpha_clip()}


def _open_video(path: str):
    """The file as a lazy clip: an animated picture (WEBP, GIF) through Pillow, any other through FFmpeg."""
    return AnimatedPictureClip(path) if is_animated_picture(path) else VideoFileClip(path)


def image_size(path: str) -> tuple[int, int] | None:
    """(width, height) from the file's header, without decoding the pixels; None when Pillow
    does not know the format (EXR): cv2 then reads it under its own pixel limit."""
    import warnings

    from PIL import Image
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with S.checked_image(path, "image") as opened, Image.open(opened) as im:  # reads the header only
                return im.size
    except Image.DecompressionBombError as e:
        import re
        m = re.search(r"\((\d+) pixels\)", str(e))
        n = int(m.group(1)) if m else MAX_FRAME_PIXELS + 1
        raise MediaError(f"image '{os.path.basename(path)}' is {n / 1e6:.0f} Mpx; the largest frame Studio "
                         f"reads is {MAX_FRAME_PIXELS / 1e6:.0f} Mpx (MAX_FRAME_PIXELS)") from None
    except MediaError:
        raise
    except Exception:  # noqa: BLE001 - not a format Pillow knows, or a broken header: cv2 decides
        return None


def read_image(path: str) -> np.ndarray:
    """Any image cv2 reads -> float32 RGB [H, W, 3] in [0, 1]. The size in the header is checked
    against the frame limits before any pixel is decoded (a 1 MB PNG can claim 20000x20000)."""
    return read_image_alpha(path)[0]


def read_image_alpha(path: str) -> tuple[np.ndarray, np.ndarray | None]:
    """(RGB [H, W, 3], alpha [H, W, 1] or None when the file has none), float32 in [0, 1]."""
    if not path:
        raise MediaError("no image file chosen")
    if not os.path.exists(path):
        raise MediaError(f"image file not found: {path}")
    why = regular_file_problem(path)
    if why:
        raise MediaError(f"cannot read image '{path}': {why}")
    if path.lower().endswith(".exr"):  # cv2 here is built without OpenEXR: the OpenEXR package reads it
        w, h = S.image_size(path)
        why = check_frame_size(w, h, f"image '{os.path.basename(path)}'")
        if why:
            raise MediaError(why)
        rgb, alpha, _depth = S.read_frame(path)  # values as stored (scene-linear, not clipped)
        return rgb, alpha
    size = image_size(path)
    if size is not None:
        why = check_frame_size(size[0], size[1], f"image '{os.path.basename(path)}'")
        if why:
            raise MediaError(why)
    try:
        with S.checked_image(path, "image") as opened:  # OpenCV decodes the checked file (studio.core.checked_open)
            img = cv2.imread(opened, cv2.IMREAD_UNCHANGED)
    except cv2.error:
        img = None  # OpenCV refuses (e.g. past its own pixel limit): say it in our words
    if img is None or img.size == 0:
        raise MediaError(f"cannot read image '{os.path.basename(path)}': corrupt or not an image")
    scale = {np.uint8: 255.0, np.uint16: 65535.0}.get(img.dtype.type, 1.0)
    alpha = None
    # peak memory: the decoded file, one float32 copy, and (for 4 channels) the alpha plane; the
    # channel swap and the scaling happen in place (a 38 Mpx PNG peaked near 1.5 GB)
    if img.ndim == 2:
        img = cv2.cvtColor(img, cv2.COLOR_GRAY2RGB)
    elif img.shape[2] == 4:
        alpha = img[:, :, 3:4].copy()
        img = cv2.cvtColor(img, cv2.COLOR_BGRA2RGB)
    else:
        cv2.cvtColor(img, cv2.COLOR_BGR2RGB, dst=img)

    def unit(a: np.ndarray) -> np.ndarray:
        f = a.astype(np.float32)
        if scale != 1.0:
            f *= np.float32(1.0 / scale)
            np.clip(f, 0, 1, out=f)
        return f
    rgb = unit(img)
    del img
    return rgb, (unit(alpha) if alpha is not None else None)


class LoadImage(Node):
    """A still image (PNG, JPEG, TIFF, ...), as float RGB, and its alpha channel as a Mask (opaque
    when the file has none)."""
    id = "io.load_image"
    title = "Load Image"
    category = "Input"
    timing = SOURCE
    outputs = (Out("image", "Image"), Out("alpha", "Mask", help="the file's alpha channel; opaque when it has none"))
    params = (Path("path", "", mode="open", filters=IMAGE_FILTER, help="the image file to read"),)

    @classmethod
    def first_frame(cls, params, base_dir):
        return read_image(params["path"]) if params.get("path") else None

    @classmethod
    def open_clip(cls, params, base_dir):
        """The image: all there is to scrub."""
        return cls.first_frame(params, base_dir)

    @classmethod
    def foresee(cls, params, base_dir, inputs):
        """Its size, from the file's header (a generator sized by its image is timed at it before F5)."""
        size = image_size(params["path"]) if params.get("path") else None
        if not size:
            return {}
        w, h = size
        return {"image": {"width": w, "height": h, "frames": 1}, "alpha": {"width": w, "height": h, "frames": 1}}

    def run(self, ctx, **_):
        rgb, alpha = read_image_alpha(ctx.params.path)
        if alpha is None:
            alpha = np.ones(rgb.shape[:2] + (1,), np.float32)
        return {"image": rgb, "alpha": alpha}


class LoadAudio(Node):
    """A sound file, decoded to float samples."""
    id = "io.load_audio"
    title = "Load Audio"
    category = "Input"
    timing = SOURCE
    outputs = (Out("audio", "Audio"),)
    params = (Path("path", "", mode="open", filters=AUDIO_FILTER, help="the audio file to read"),
              Int("rate", 0, min=0, max=192000, help="resample to this rate in Hz; 0 keeps the file's"),
              Bool("mono", False, help="mix down to one channel"))

    @classmethod
    def foresee(cls, params, base_dir, inputs):
        """The length its container declares, in seconds (validation tells a take against it), at the file's
        own rate and channels ('rate' and 'mono' change neither)."""
        from studio.engine.sound_file import declared_seconds
        s = declared_seconds(params["path"]) if params.get("path") else 0.0
        return {"audio": {"seconds": s}} if s > 0 else {}

    def run(self, ctx, **_):
        a = open_sound(ctx.params.path, ctx.params.rate or None, ctx.params.mono)
        if isinstance(a, FileSound):
            ctx.info(f"'{os.path.basename(ctx.params.path)}' lasts {a.duration / 60:.0f} minutes: its sound is decoded "
                     "where a node reads it, not held whole")
        if a.n_samples == 0:
            raise MediaError(f"audio file '{os.path.basename(ctx.params.path)}' has no samples")
        return a


class TextPrompt(Node):
    """A text prompt or caption."""
    id = "io.text"
    title = "Text Prompt"
    category = "Input"
    timing = SOURCE
    outputs = (Out("text", "Text"),)
    params = (Text("text", "a red circle moving left", help="the prompt"),)

    def run(self, ctx, **_):
        return ctx.params.text


class SaveVideo(Node):
    """Render a clip to an H.264 MP4 with AAC sound. The graph is stored in the file, so the
    clip can be dropped back onto the canvas to get its graph."""
    id = "io.save_video"
    keywords = ("write", "render", "export", "deliver")
    title = "Save Video"
    category = "Output"
    timing = CLIP
    is_output = True
    streams_input = "video"  # writes frames in order: a long clip comes in as it is made
    inputs = (In("video", "Video"), In("audio", "Audio", optional=True,
                                       help="sound to mux; default: the clip's own"))
    outputs = (Out("video", "Video"),)
    params = (Path("path", "out.mp4", mode="save", filters="MP4 video (*.mp4)", help="where to write"),
              Int("crf", 18, min=0, max=51, help="quality: lower is better, 18 is visually lossless"),
              Choice("preset", "medium", choices=("ultrafast", "veryfast", "fast", "medium", "slow"),
                     label="Encoder preset", help="encoder speed against file size"),
              Bool("embed_graph", True, help="store the graph in the file's metadata"))

    def run(self, ctx, video, audio=None):
        p = ctx.params
        rng = ctx.frames_to_render(video.n_frames)
        graph = ctx.options.get("graph")
        gj = graph_to_json(graph, indent=None) if (p.embed_graph and graph is not None) else None
        producer = video.producer[1] if video.producer else ""

        def on_chunk(done, total):
            ctx.progress(done, total, frame=rng.start + done - 1)

        sound = audio if audio is not None else video.audio
        if sound is not None and sound.n_samples and aac_rate(sound.rate) != sound.rate:
            ctx.info(f"the sound ({sound.rate} Hz) is written at {aac_rate(sound.rate)} Hz, the next rate an AAC "
                     "track holds")
        from studio.engine.previews import output_path
        path, marks = output_path(ctx, p.path)
        write_video(path, video, rng, audio=audio if audio is not None else video.audio, graph_json=gj,
                    crf=p.crf, preset=p.preset, on_chunk=on_chunk, check=ctx.check_cancelled,
                    producer=producer, tags=ctx.options.get(FILE_TAGS))
        if audio is not None and audio is not video.audio:
            video = WithSound(video, audio)  # the output is what the file holds: its picture and sound
        if marks and not video.preview:
            video.preview = "; ".join(marks)
        return video


class WithSound(Clip):
    """A clip's frames (pulled lazily from it) with the sound that was muxed beside them: Save
    Video's output plays in the viewer with the audio its file has (issue 15: the music
    visualiser showed 'no sound' because the sound came in on the separate audio input)."""

    def __init__(self, src: Clip, audio):
        super().__init__(src.n_frames, src.fps, src.width, src.height, src.channels, audio)
        self.src = src
        self.producer = src.producer
        self.preview = src.preview

    def _frame(self, i: int) -> np.ndarray:
        return self.src.frame(i)

    def _chunk(self, a: int, b: int) -> np.ndarray:
        return self.src.chunk(a, b)


class SaveImages(Node):
    """Write each frame as a numbered PNG (or EXR for float data)."""
    id = "io.save_images"
    title = "Save Image Sequence"
    category = "Output"
    timing = CLIP
    is_output = True
    streams_input = "video"  # writes frames in order: a long clip comes in as it is made
    inputs = (In("video", "Video"),)
    outputs = (Out("video", "Video"),)
    params = (Path("folder", "frames", mode="dir", help="folder to write into (created)"),
              String("pattern", "frame_{:05d}.png",
                     help="file name with the frame number as #####, %05d, {frame:05} or {:05d} (never evaluated)"),)

    def run(self, ctx, video):
        from studio.core.patterns import pattern_problem, substitute
        p = ctx.params
        why = pattern_problem(p.pattern)
        if why:
            raise MediaError(f"pattern {p.pattern!r}: {why}")
        if os.path.exists(p.folder) and not os.path.isdir(p.folder):
            raise MediaError(f"'{p.folder}' is not a folder: choose a folder to write the frames into")
        os.makedirs(p.folder, exist_ok=True)
        rng = ctx.frames_to_render(video.n_frames)
        texts = ctx.options.get(FILE_TAGS) or {}  # kept in each PNG as ComfyUI keeps a workflow (png_text.py)
        for i in rng:
            ctx.progress(i - rng.start + 1, len(rng), frame=i)
            f = video.frame(i)
            u8 = np.clip(f * 255 + 0.5, 0, 255).astype(np.uint8)
            bgr = cv2.cvtColor(u8, cv2.COLOR_RGB2BGR) if u8.shape[2] == 3 else u8
            name = os.path.join(p.folder, substitute(p.pattern, i))  # checked before the run (preflight)
            if texts and name.lower().endswith(".png"):
                write_png(name, bgr, texts)
            elif not cv2.imwrite(name, bgr):
                raise MediaError(f"cannot write {name}")
        return video



class Preview(Node):
    """Show a value in the viewer. An output node: running the graph runs what feeds it."""
    id = "io.preview"
    title = "Preview"
    category = "Output"
    timing = CLIP
    is_output = True
    inputs = (In("value", "Any"),)
    outputs = (Out("value", "Any"),)

    def run(self, ctx, value):
        return value
