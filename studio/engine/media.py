"""Media files through PyAV: lazy video decoding with its audio, audio loading, and the
H.264 + AAC writer that stores the graph in the container's metadata."""
from __future__ import annotations

import json
import os
import tempfile
import threading
from fractions import Fraction
from typing import Callable, Iterable

import numpy as np

from studio.core.errors import MediaError
from studio.core.limits import MAX_AUDIO_SAMPLES, check_frame_size, regular_file_problem
from studio.core.paths import finish_atomic, output_problem
from studio.core.values import Audio

from .clip import Clip

GRAPH_META_KEY = "studio_graph"
VIDEO_EXTS = (".mp4", ".mov", ".mkv", ".avi", ".webm", ".m4v", ".gif")
AUDIO_EXTS = (".wav", ".mp3", ".flac", ".ogg", ".m4a", ".aac", ".opus")


def _av():
    import av
    return av


def _open(path: str, what: str):
    av = _av()
    if not path:
        raise MediaError(f"no {what} file chosen")
    if not os.path.exists(path):
        raise MediaError(f"{what} file not found: {path}")
    if os.path.isdir(path):
        raise MediaError(f"{path} is a folder, not a {what} file")
    why = regular_file_problem(path)
    if why:  # a FIFO would block the open forever, a device never ends
        raise MediaError(f"cannot read {what} '{path}': {why}")
    if os.path.getsize(path) == 0:
        raise MediaError(f"{what} file is empty: {path}")
    try:
        return av.open(path)
    except av.error.FFmpegError as e:
        raise MediaError(f"cannot read {what} '{os.path.basename(path)}': corrupt or not a {what} "
                         f"file ({e.strerror or type(e).__name__})") from None


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
            pts = []
            try:
                for pkt in c.demux(s):
                    if pkt.pts is not None and pkt.size > 0:
                        pts.append(pkt.pts)
            except _av().error.FFmpegError as e:
                if not pts:
                    raise MediaError(f"cannot read video '{os.path.basename(path)}': {e.strerror or e}") from None
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
        finally:
            c.close()
        self._pts = pts
        self._index = {p: i for i, p in enumerate(pts)}
        self._container = None
        self._iter = None
        self._next = -1
        self._audio: Audio | None = None
        self._audio_loaded = False
        super().__init__(len(pts), fps, w, h, 3, None)

    # audio is decoded lazily --------------------------------------------------------------
    @property
    def audio(self) -> Audio | None:
        if not self._audio_loaded:
            with self._lock:
                if not self._audio_loaded:
                    self._audio = load_audio(self.path) if self._has_audio else None
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
        with self._lock:
            target = self._pts[i]
            if self._iter is None or i != self._next:
                self._reopen(target)
            try:
                for fr in self._iter:
                    if fr.pts is None or fr.pts < target:
                        continue
                    self._next = self._index.get(fr.pts, i) + 1
                    arr = fr.to_ndarray(format="rgb24")
                    return arr.astype(np.float32) * np.float32(1 / 255)
            except _av().error.FFmpegError as e:
                self._iter = None
                raise MediaError(f"video '{os.path.basename(self.path)}' is corrupt at frame {i}: "
                                 f"{e.strerror or e}") from None
            self._iter = None
            raise MediaError(f"video '{os.path.basename(self.path)}' ended before frame {i}")

    def close(self) -> None:
        with self._lock:
            if self._container is not None:
                self._container.close()
            self._container, self._iter = None, None

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001
            pass


def load_audio(path: str, rate: int | None = None, mono: bool = False) -> Audio:
    """Decode a file's first audio stream to float32 [n, channels]."""
    av = _av()
    c = _open(path, "audio")
    try:
        if not c.streams.audio:
            raise MediaError(f"'{os.path.basename(path)}' has no audio stream")
        s = c.streams.audio[0]
        src_rate = s.codec_context.sample_rate or 44100
        layout = "mono" if mono or (s.codec_context.channels or 1) == 1 else "stereo"
        out_rate = int(rate or src_rate)
        res = av.AudioResampler(format="flt", layout=layout, rate=out_rate)
        parts = []
        total = 0
        try:
            for fr in c.decode(s):
                for r in res.resample(fr):
                    parts.append(r.to_ndarray())
                    total += r.samples
                if total > MAX_AUDIO_SAMPLES:  # decoded as it goes: stop before memory runs out
                    raise MediaError(f"the sound of '{os.path.basename(path)}' is longer than "
                                     f"{MAX_AUDIO_SAMPLES / 48000 / 3600:.0f} hours at 48 kHz, the most Studio "
                                     "holds at once (MAX_AUDIO_SAMPLES)")
            for r in res.resample(None):
                parts.append(r.to_ndarray())
        except av.error.FFmpegError as e:
            if not parts:
                raise MediaError(f"cannot decode audio of '{os.path.basename(path)}': {e.strerror or e}") from None
        finally:
            pass
    finally:
        c.close()
    nch = 1 if layout == "mono" else 2
    if not parts:
        return Audio(np.zeros((0, nch), np.float32), out_rate)
    data = np.concatenate([p.reshape(-1) for p in parts]).reshape(-1, nch)  # packed 'flt' is interleaved
    return Audio(data, out_rate)


def _even(n: int) -> int:
    return n + (n % 2)


def to_uint8(frames: np.ndarray) -> np.ndarray:
    """float [.., C] in [0, 1] -> uint8 RGB; 1 channel is repeated to grey."""
    out = np.clip(frames * 255.0 + 0.5, 0, 255).astype(np.uint8)
    if out.shape[-1] == 1:
        out = np.repeat(out, 3, axis=-1)
    return out


def write_video(path: str, clip: Clip, frames: Iterable[int] | range | None = None, *,
                audio: Audio | None = None, graph_json: str | None = None, crf: int = 18,
                preset: str = "medium", chunk: int = 8,
                on_chunk: Callable[[int, int], None] | None = None,
                check: Callable[[], None] | None = None, producer: str = "") -> int:
    """Encode ``clip`` (frames ``frames``, default all) as H.264 MP4 with AAC sound.

    Writes to a temporary file and renames it over ``path`` at the end, so a failed or
    cancelled render never leaves a half-written file where a good one was. Returns the
    number of frames written."""
    av = _av()
    if clip.channels not in (1, 3):
        raise MediaError(f"cannot encode a {clip.channels}-channel clip as video "
                         f"(flow? use 'Flow to Colour' first)")
    rng = frames if frames is not None else range(clip.n_frames)
    rng = range(rng.start, rng.stop) if isinstance(rng, range) else rng
    if len(rng) == 0:
        raise MediaError("nothing to render: the frame range is empty")
    why = output_problem(path)
    if why:  # before any encoding: a folder or a device is never replaced by a render
        raise MediaError(f"cannot write the video: {why}")
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".render-", suffix=os.path.splitext(path)[1] or ".mp4", dir=folder)
    os.close(fd)
    fps = Fraction(clip.fps).limit_denominator(1001)
    W, H = _even(clip.width), _even(clip.height)
    n_written = 0
    try:
        c = av.open(tmp, "w", format="mp4", options={"movflags": "use_metadata_tags+faststart"})
        try:
            if graph_json:
                c.metadata[GRAPH_META_KEY] = graph_json
            c.metadata["encoder_app"] = "Studio"
            vs = c.add_stream("libx264", rate=fps)
            vs.width, vs.height, vs.pix_fmt = W, H, "yuv420p"
            from .device import worker_threads
            vs.options = {"crf": str(crf), "preset": preset}
            vs.thread_count = worker_threads()  # leave a core to the window when one is open
            aud = audio
            as_ = None
            if aud is not None and aud.n_samples > 0:
                as_ = c.add_stream("aac", rate=aud.rate)
                as_.layout = "stereo" if aud.channels >= 2 else "mono"
            a0, a1 = rng[0], rng[-1] + 1
            # the sound under the frames written, pulled a second at a time (a lazy track is
            # computed only where it is written)
            s0 = max(0, int(round(a0 / clip.fps * aud.rate))) if as_ is not None else 0
            n_audio = (max(0, min(aud.n_samples, int(round(a1 / clip.fps * aud.rate))) - s0)
                       if as_ is not None else 0)
            samples = n_audio if as_ is not None else None
            nch = (2 if as_.layout.name == "stereo" else 1) if as_ is not None else 0
            a_done = 0  # samples encoded so far

            def encode_audio_until(n_end: int) -> None:
                """Encode the sound up to sample n_end, one second per frame object, so sound
                and picture interleave in the file and no whole-track copy is ever made."""
                nonlocal a_done
                n_end = min(n_end, n_audio)
                while a_done < n_end:
                    k1 = min(n_end, a_done + aud.rate)
                    blk = aud.slice_samples(s0 + a_done, s0 + k1)
                    blk = blk[:, :nch] if blk.shape[1] >= nch else np.repeat(blk, nch, axis=1)
                    planar = np.ascontiguousarray(np.clip(blk, -1, 1).T, dtype=np.float32)
                    fr = av.AudioFrame.from_ndarray(planar, format="fltp", layout=as_.layout.name)
                    fr.sample_rate = aud.rate
                    fr.pts = a_done
                    for p in as_.encode(fr):
                        c.mux(p)
                    a_done = k1

            scratch = np.empty((clip.height, clip.width, 3), np.float32)
            u8 = np.empty((H, W, 3), np.uint8)
            for start in range(a0, a1, chunk):
                if check is not None:
                    check()
                stop = min(start + chunk, a1)
                block = clip.chunk(start, stop)
                for k in range(len(block)):
                    # one frame at a time through a scratch buffer: no chunk-sized temporaries
                    np.multiply(block[k], 255.0, out=scratch[..., :block.shape[3]])
                    if not np.isfinite(scratch[..., :block.shape[3]].sum()):
                        who = f" made by '{producer}'" if producer else ""
                        raise MediaError(f"frame {start + k}{who} contains NaN or infinite values")
                    if block.shape[3] == 1:
                        scratch[..., 1:] = scratch[..., :1]
                    scratch += 0.5
                    np.clip(scratch, 0, 255, out=scratch)
                    u8[:clip.height, :clip.width] = scratch
                    if H != clip.height or W != clip.width:  # odd sizes: repeat the last row/column
                        u8[clip.height:, :clip.width] = u8[clip.height - 1:clip.height, :clip.width]
                        u8[:, clip.width:] = u8[:, clip.width - 1:clip.width]
                    for p in vs.encode(av.VideoFrame.from_ndarray(u8, format="rgb24")):
                        c.mux(p)
                    n_written += 1
                del block
                if samples is not None:
                    encode_audio_until(int(round((stop - a0) / clip.fps * aud.rate)))
                if on_chunk is not None:
                    on_chunk(n_written, len(rng))
            for p in vs.encode(None):
                c.mux(p)
            if samples is not None:
                encode_audio_until(n_audio)
                for p in as_.encode(None):
                    c.mux(p)
        finally:
            c.close()
        finish_atomic(tmp, path)  # the user's umask, not mkstemp's 0600
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return n_written


def read_graph_json(path: str) -> str | None:
    """The graph a clip was rendered from, or None when it carries none."""
    av = _av()
    try:
        with av.open(path) as c:
            meta = dict(c.metadata)
    except (av.error.FFmpegError, OSError):
        return None
    text = meta.get(GRAPH_META_KEY)
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
