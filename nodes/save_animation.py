"""Save Animation: a clip written as an animated WEBP, GIF or PNG (the file's extension says which), as ComfyUI's
SaveAnimatedWEBP / SaveAnimatedPNG and VideoHelperSuite's Video Combine (image/gif, image/webp) write one; the
writing is studio.engine.animation_write's (Pillow). A .webm: VP9 with its sound as Opus (48 kHz) through Save
Video's FFmpeg writer (studio.engine.media.write_video), as ComfyUI's SaveWEBM / Video Combine's video/webm write one;
a picture (WEBP, GIF, PNG) holds no sound."""
from __future__ import annotations

from studio.core.errors import MediaError
from studio.core.fileformat import graph_to_json
from studio.core.params import Bool, Choice, Float, Int, Path
from studio.core.spec import CLIP, In, Node, Out
from studio.engine.animation_write import WEBP_METHODS, format_of, write_animation
from studio.engine.clip import Clip
from studio.engine.media import FILE_TAGS, write_video
from studio.engine.video_encode import OPUS_RATE

ANIMATION_FILTER = "Animation (*.webp *.gif *.png *.webm)"


class SaveAnimation(Node):
    """Write a clip as an animated WEBP, GIF or PNG (by the file's extension), each frame once at the clip's rate
    (or 'fps'), with a loop count; or as a WEBM (VP9 at 'crf') with the sound (the audio input, else the clip's
    own) as Opus at 48 kHz; a picture holds no sound. The graph is kept in the file (a PNG's text, a WEBP's
    EXIF, a GIF's comment), so the file dropped on the canvas gives its graph back. Every frame is held as an 8-bit
    picture until the file is written (Pillow writes an animation whole)."""
    id = "io.save_animation"
    keywords = ("write", "export", "gif", "webp", "apng", "animated", "loop")
    title = "Save Animation"
    category = "Output"
    timing = CLIP
    is_output = True
    inputs = (In("video", "Video"), In("audio", "Audio", optional=True,
                                       help="a WEBM's sound (Opus); default: the clip's own. A picture holds none"))
    outputs = (Out("video", "Video"),)
    params = (Path("path", "out.webp", mode="save", filters=ANIMATION_FILTER,
                   help="where to write: .webp, .gif or .png (animated), or .webm (VP9)"),
              Float("fps", 0.0, min=0.0, max=1000.0, help="frames a second; 0 keeps the clip's rate"),
              Int("loop", 0, min=0, max=65535,
                  help="0 loops for ever; else a WEBP or PNG plays this many times, a GIF repeats this many times"),
              Bool("lossless", True, help="WEBP: lossless (quality then sets the effort)"),
              Int("quality", 80, min=0, max=100, help="WEBP: quality 0-100"),
              Choice("method", "default", choices=tuple(WEBP_METHODS), help="WEBP: encoder effort"),
              Int("compress_level", 4, min=0, max=9, help="PNG: zlib compression 0-9"),
              Int("crf", 32, min=0, max=63, help="WEBM: VP9 quality, lower is better"),
              Bool("embed_graph", True, help="store the graph in the file"))

    def run(self, ctx, video, audio=None):
        p = ctx.params
        webm = p.path.lower().endswith(".webm")
        if format_of(p.path) is None and not webm:
            raise MediaError(f"'{p.path}': Save Animation writes .webp, .gif, .png or .webm (an MP4: Save Video)")
        fps = p.fps or float(video.fps or 0)
        if not fps > 0:
            raise MediaError("the clip has no frame rate: set 'fps' (frames a second) above 0")
        rng = ctx.frames_to_render(video.n_frames)
        graph = ctx.options.get("graph")
        gj = graph_to_json(graph, indent=None) if (p.embed_graph and graph is not None) else None
        from studio.engine.previews import output_path
        path, marks = output_path(ctx, p.path)

        def on_chunk(done, total):
            ctx.progress(done, total, frame=rng.start + done - 1)

        tags = ctx.options.get(FILE_TAGS) if p.embed_graph else None
        sound = audio if audio is not None else video.audio
        if sound is not None and not getattr(sound, "n_samples", 0):
            sound = None
        if webm:
            if sound is not None and sound.rate != OPUS_RATE:
                ctx.info(f"the sound ({sound.rate} Hz) is written at {OPUS_RATE} Hz, the rate of a WEBM's Opus track")
            # the sound under the frames as they are shown (at fps): from the first frame's time, as long as they play
            n = write_video(path, _AtRate(video, fps), rng, audio=sound, graph_json=gj, crf=p.crf, codec="vp9",
                            on_chunk=on_chunk, check=ctx.check_cancelled, tags=tags)
        else:
            n = write_animation(path, video, rng, fps, loop=p.loop, lossless=p.lossless, quality=p.quality,
                                method=p.method, compress_level=p.compress_level, graph_json=gj, tags=tags,
                                on_chunk=on_chunk, check=ctx.check_cancelled)
            if sound is not None:
                ctx.info(f"the {'sound given' if audio is not None else 'clip' + chr(39) + 's sound'} is not in "
                         f"{p.path.rsplit('/', 1)[-1]}: an animated picture holds none (a WEBM or Save Video's MP4 "
                         "writes a sound)")
        ctx.info(f"wrote {n} frames at {fps:g} fps")
        if webm and audio is not None and audio is not video.audio:
            from nodes.io import WithSound
            video = WithSound(video, audio)  # the output is what the file holds: its picture and sound
        if marks and not video.preview:
            video.preview = "; ".join(marks)
        return video


class _AtRate(Clip):
    """A clip's frames (pulled lazily) at another frame rate: the rate a WEBM is written at."""

    def __init__(self, src: Clip, fps: float):
        super().__init__(src.n_frames, fps, src.width, src.height, src.channels, None)
        self.src = src

    def _frame(self, i: int):
        return self.src.frame(i)

    def _chunk(self, a: int, b: int):
        return self.src.chunk(a, b)
