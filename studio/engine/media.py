"""Media files through PyAV: lazy video decoding with its audio, audio loading, and the
H.264 + AAC writer that stores the graph in the container's metadata."""
from __future__ import annotations

import json
import os
import threading
from fractions import Fraction
from typing import Callable, Iterable

import numpy as np

from studio.core.checked_open import ReadRefused, library_path
from studio.core.errors import DiskError, MediaError, disk_problem
from studio.core.limits import check_frame_size
from studio.core.paths import finish_atomic
from studio.core.values import Audio

from .clip import Clip
from .media_open import open_media as _open
from .sound_spans import open_sound
from .video_encode import (SoundFeed, add_video_stream, encode_frames, encoder_size, frame_maker,
                           frame_range, pick_format, render_temp, video_muxer)

GRAPH_META_KEY = "studio_graph"
# a run's option: {name: text} kept in every file its Save nodes write (a video's tags, a PNG's text
# chunks): a ComfyUI client's workflow, as ComfyUI keeps it (studio.serve.bridge.embed)
FILE_TAGS = "file_tags"
VIDEO_EXTS = (".mp4", ".mov", ".mkv", ".avi", ".webm", ".m4v", ".gif")
AUDIO_EXTS = (".wav", ".mp3", ".flac", ".ogg", ".m4a", ".aac", ".opus")


def _av():
    import av
    return av


def declared_frames(path: str) -> int:
    """The frame count a video file's container declares (its header: nothing is decoded), 0 when it
    declares none; what validation can tell of a clip's length before a run (studio.engine.foresight)."""
    c = _open(path, "video")
    try:
        return int(c.streams.video[0].frames or 0) if c.streams.video else 0
    finally:
        c.close()


class VideoFileClip(Clip):
    """Frames decoded on demand. Sequential reads continue the decoder; a jump seeks to the
    nearest keyframe before the frame. The audio track is decoded on first use."""

    def __init__(self, path: str):
        self.path = path
        self._lock = threading.RLock()
        c = _open(path, "video")
        try:
            if not c.streams.video:
                raise MediaError(f"'{os.path.basename(path)}' has no video stream")
            s = c.streams.video[0]
            pts, keys, damaged = [], [], False
            try:
                for pkt in c.demux(s):
                    if pkt.pts is not None and pkt.size > 0:
                        pts.append(pkt.pts)
                        if pkt.is_keyframe:
                            keys.append(pkt.pts)
            except _av().error.FFmpegError as e:
                if not pts:
                    raise MediaError(f"cannot read video '{os.path.basename(path)}': {e.strerror or e}") from None
                damaged = True
            pts.sort()
            if not pts:
                raise MediaError(f"video '{os.path.basename(path)}' has no frames")
            rate = s.average_rate or s.guessed_rate or Fraction(24)
            fps = float(rate)
            w, h = s.codec_context.width, s.codec_context.height
            if not w or not h:
                raise MediaError(f"video '{os.path.basename(path)}' has no frame size")
            why = check_frame_size(w, h, f"video '{os.path.basename(path)}'")
            if why:
                raise MediaError(why)
            self.declared_frames = int(s.frames or 0)  # what the container says; 0: unknown
            self._time_base = s.time_base
            self._has_audio = bool(c.streams.audio)
            first = _first_frame(c, path)
            if damaged or self.declared_frames > len(pts):  # cut short: count what decodes, once
                pts = pts[:_decodable_count(c, pts, sorted(keys))]
        finally:
            c.close()
        from . import video_formats as vf
        self.colour = vf.source_colour(first)
        self.rotation = int(round((first.rotation or 0) / 90.0)) % 4 * 90  # counter-clockwise, for display
        if self.rotation in (90, 270):
            w, h = h, w
        self._map, fps, self.cfr_rule = vf.cfr_map(pts, self._time_base, fps)
        self._pts = pts
        self._index = {p: i for i, p in enumerate(pts)}
        self._container = None
        self._iter = None
        self._next = -1
        self._last: tuple[int, np.ndarray, np.ndarray | None] | None = None  # (source index, rgb, alpha)
        self._audio: Audio | None = None
        self._audio_loaded = False
        n = len(pts) if self._map is None else len(self._map)
        super().__init__(n, fps, w, h, 3, None)

    def notes(self) -> list[str]:
        """What was done to show the file as stored frames can't say: rotation, frame-rate
        conversion, colour. For the loader to report."""
        out = []
        if self.rotation:
            out.append(f"rotated {self.rotation} degrees counter-clockwise, as its rotation tag asks")
        if self.cfr_rule:
            out.append(self.cfr_rule)
        out.append("colour: " + self.colour.describe() + (", 16-bit RGB decode" if self.colour.deep else ""))
        return out

    def alpha_clip(self) -> "Clip":
        """The file's alpha channel as a 1-channel clip (opaque when it has none)."""
        return _VideoAlphaClip(self)

    # audio is decoded lazily --------------------------------------------------------------
    @property
    def audio(self) -> Audio | None:
        if not self._audio_loaded:
            with self._lock:
                if not self._audio_loaded:
                    self._audio = open_sound(self.path) if self._has_audio else None
                    self._audio_loaded = True
        return self._audio

    @audio.setter
    def audio(self, value) -> None:
        if value is not None:
            self._audio, self._audio_loaded = value, True
        self._audio_from = None

    def _reopen(self, target_pts: int) -> None:
        if self._container is None:
            self._container = _open(self.path, "video")
            # slice threads: as fast as frame threads here (960x540 H.264: 1.4-1.6 against 1.8 ms a
            # frame on 2 cores) and no frames held in flight across the seeks of random access
            self._container.streams.video[0].thread_type = "SLICE"
        s = self._container.streams.video[0]
        self._container.seek(int(target_pts), stream=s, backward=True, any_frame=False)
        self._iter = self._container.decode(s)

    def _frame(self, i: int) -> np.ndarray:
        return self.read(i)[0]

    def read(self, i: int) -> tuple[np.ndarray, np.ndarray | None]:
        """(rgb, alpha or None) of output frame ``i``, upright, at full precision."""
        j = i if self._map is None else int(self._map[i])
        with self._lock:
            last = self._last
            if last is not None and last[0] == j:  # a frame repeated by the frame-rate rule
                return last[1], last[2]
            rgb, alpha = self._decode(j)
            if self.rotation:
                k = self.rotation // 90
                rgb = np.ascontiguousarray(np.rot90(rgb, k))
                alpha = np.ascontiguousarray(np.rot90(alpha, k)) if alpha is not None else None
            rgb.flags.writeable = False
            self._last = (j, rgb, alpha)
            return rgb, alpha

    def _decode(self, i: int) -> tuple[np.ndarray, np.ndarray | None]:
        from .video_formats import frame_to_rgb
        with self._lock:
            target = self._pts[i]
            if self._iter is None or i != self._next:
                self._reopen(target)
            try:
                for fr in self._iter:
                    if fr.pts is None or fr.pts < target:
                        continue
                    self._next = self._index.get(fr.pts, i) + 1
                    return frame_to_rgb(fr, self.colour)
            except _av().error.FFmpegError as e:
                self._iter = None
                for fr in _drain(self._container.streams.video[0]):  # frames the decoder still held
                    if fr.pts is not None and fr.pts >= target:
                        return frame_to_rgb(fr, self.colour)
                raise MediaError(f"video '{os.path.basename(self.path)}' is corrupt at frame {i}: "
                                 f"{e.strerror or e}") from None
            self._iter = None
            raise MediaError(f"video '{os.path.basename(self.path)}' ended before frame {i}")

    def close(self) -> None:
        with self._lock:
            self._last = None
            if self._container is not None:
                self._container.close()
            self._container, self._iter = None, None

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001
            pass


def _first_frame(c, path: str):
    """The first decoded frame (its rotation, pixel format and colour tags describe the clip)."""
    s = c.streams.video[0]
    # slice threads, as for every decode here: frame threads hold back the first frame until
    # several packets are in, and a file cut short then fails before its first frame
    s.thread_type = "SLICE"
    c.seek(0, stream=s) if s.start_time is None else c.seek(int(s.start_time), stream=s, backward=True)
    try:
        for fr in c.decode(s):
            return fr
    except _av().error.FFmpegError as e:
        # a file cut short: the decoder may still hold the first frame (B-frame reordering holds
        # it back until later packets, one of which was the broken one): drain it
        try:
            for fr in s.codec_context.decode(None):
                return fr
        except _av().error.FFmpegError:
            pass
        raise MediaError(f"cannot decode video '{os.path.basename(path)}': {e.strerror or e}") from None
    raise MediaError(f"video '{os.path.basename(path)}' has no decodable frames")


def _drain(s) -> list:
    """The frames a decoder still holds after a broken packet (B-frame reordering holds some
    back), in order; none when draining fails too."""
    out = []
    try:
        for fr in s.codec_context.decode(None):
            out.append(fr)
    except _av().error.FFmpegError:
        pass
    return out


def _decodable_count(c, pts: list[int], keys: list[int]) -> int:
    """How many of a damaged file's frames (sorted ``pts``) decode: its last group of pictures is
    decoded (then the one before, while nothing decodes), the frames the decoder still holds
    after the broken packet included. The clip then ends where the file stops being readable,
    so its length is the same for the loader, the Log, the timeline and every node reading it."""
    s = c.streams.video[0]
    index = {p: i for i, p in enumerate(pts)}
    for key in reversed(keys or pts[:1]):
        last = -1
        c.seek(int(key), stream=s, backward=True, any_frame=False)
        frames = []
        try:
            for fr in c.decode(s):
                frames.append(fr)
        except _av().error.FFmpegError:
            frames += _drain(s)
        for fr in frames:
            last = max(last, index.get(fr.pts, -1))
        if last >= index.get(key, 0):
            return last + 1
    return 1  # the first frame decoded (_first_frame): at least that one


class _VideoAlphaClip(Clip):
    def __init__(self, src: VideoFileClip):
        super().__init__(src.n_frames, src.fps, src.width, src.height, 1)
        self.src = src

    def _frame(self, i: int) -> np.ndarray:
        a = self.src.read(i)[1]
        return a if a is not None else np.ones((self.height, self.width, 1), np.float32)


def write_video(path: str, clip: Clip, frames: Iterable[int] | range | None = None, *,
                audio: Audio | None = None, graph_json: str | None = None, crf: int = 18,
                preset: str = "medium", chunk: int = 8,
                on_chunk: Callable[[int, int], None] | None = None,
                check: Callable[[], None] | None = None, producer: str = "",
                codec: str = "h264", alpha: Clip | None = None, matrix: str = "bt709",
                color_range: str = "limited", bits: int = 8, tags: dict[str, str] | None = None) -> int:
    """Encode ``clip`` (frames ``frames``, default all) with AAC sound (a .webm: Opus at 48 kHz): H.264 (default), H.265,
    ProRes 422 HQ / 4444 (with ``alpha``), or FFV1 lossless (see :mod:`.video_formats`).
    ``matrix`` ('bt709'/'bt601') and ``color_range`` ('limited'/'full') set both the RGB->YUV
    conversion and the file's colour tags; ``bits`` 10 writes 10-bit H.264/H.265 (16-bit FFV1).
    ``tags``: more of the container's metadata, written with it (a ComfyUI client's workflow: the
    server's run options, studio.serve.bridge.embed); Studio's own tags are never replaced by one.

    Writes to a temporary file and renames it over ``path`` at the end, so a failed or
    cancelled render never leaves a half-written file where a good one was. Returns the
    number of frames written."""
    av = _av()
    from . import video_formats as vf
    spec, encoder, deep, pix_fmt = pick_format(vf, path, clip, codec, alpha, bits)
    rng = frame_range(clip, frames)
    tmp = render_temp(path)
    fps = Fraction(clip.fps).limit_denominator(1001)
    W, H = encoder_size(clip, pix_fmt)
    try:
        ext = os.path.splitext(path)[1].lower()
        fmt = {".mkv": "matroska", ".mov": "mov", ".avi": "avi", ".webm": "webm"}.get(ext, "mp4")
        opts = {"movflags": "use_metadata_tags+faststart"} if fmt in ("mp4", "mov") else {}
        c = av.open(tmp, "w", format=fmt, options=opts)
        try:
            c.metadata.update({k: v for k, v in (tags or {}).items() if k not in (GRAPH_META_KEY, "encoder_app")})
            if graph_json:
                c.metadata[GRAPH_META_KEY] = graph_json
            c.metadata["encoder_app"] = "Studio"
            vs = add_video_stream(c, vf, spec, encoder, fmt, fps, (W, H), pix_fmt, crf=crf,
                                  preset=preset, matrix=matrix, color_range=color_range)
            sound = SoundFeed(av, c, audio, clip.fps, rng[0], rng[-1] + 1,
                              codec="libopus" if fmt == "webm" else "aac")
            n_written = encode_frames(
                vf, clip, rng, vs, video_muxer(c), sound,
                frame_maker(av, vf, clip, (W, H), pix_fmt, deep, alpha, producer),
                (pix_fmt, matrix, color_range, spec.rgb), fps,
                chunk=chunk, check=check, on_chunk=on_chunk)
        finally:
            c.close()
        finish_atomic(tmp, path)  # the user's umask, not mkstemp's 0600
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        why = disk_problem(e, path) if isinstance(e, OSError) else None
        if why:  # name the output, not the temporary file the encoder was writing
            raise DiskError(why) from None
        raise
    return n_written


def read_graph_json(path: str) -> str | None:
    """The graph a clip was rendered from, or None when it carries none (an animated WEBP, GIF or PNG written by
    Save Animation: read from its metadata by animation_write)."""
    from .animation_write import format_of, read_graph
    if format_of(path) is not None:
        return read_graph(path)
    av = _av()
    try:  # a file the user opens in the window: checked as every read is (a FIFO there would hang the window)
        with library_path(path, "video", named=True) as opened, av.open(opened) as c:
            meta = dict(c.metadata)
    except (av.error.FFmpegError, OSError, ReadRefused):
        return None
    text = meta.get(GRAPH_META_KEY) or meta.get(GRAPH_META_KEY.upper())  # (Matroska, WEBM: tags upper-cased)
    if not text:
        return None
    try:
        json.loads(text)
    except ValueError:
        return None
    return text


def probe(path: str) -> dict:
    """Frame count, fps, size and audio facts of a media file (for tests and the CLI)."""
    av = _av()
    with av.open(path) as c:
        info: dict = {"format": c.format.name, "duration": (c.duration or 0) / 1e6}
        if c.streams.video:
            s = c.streams.video[0]
            info.update(width=s.codec_context.width, height=s.codec_context.height,
                        fps=float(s.average_rate or 0), codec=s.codec_context.name)
            info["frames"] = sum(1 for _ in c.decode(s))
        c.seek(0)
    with av.open(path) as c:
        if c.streams.audio:
            a = c.streams.audio[0]
            info.update(audio_codec=a.codec_context.name, audio_rate=a.codec_context.sample_rate,
                        audio_channels=a.codec_context.channels)
    return info
