"""The video writer's steps (see :func:`studio.engine.media.write_video`): the codec and pixel
format a render takes, the temporary file beside the output, the video and sound streams, how
each clip frame becomes an encoder frame, and the encoding loop."""
from __future__ import annotations

import os
import tempfile
from fractions import Fraction
from typing import Callable, Iterable

import numpy as np

from studio.core.errors import MediaError
from studio.core.paths import output_problem, sweep_stale, temp_prefix
from studio.core.values import Audio

from .clip import Clip


def _even(n: int) -> int:
    return n + (n % 2)


def encoder_size(clip: Clip, pix_fmt: str) -> tuple[int, int]:
    """(width, height) of the encoded frames: chroma subsampling needs even sizes, 4:2:0 both,
    4:2:2 the width; 4:4:4 and RGB keep the size."""
    W = _even(clip.width) if ("420" in pix_fmt or "422" in pix_fmt) else clip.width
    H = _even(clip.height) if "420" in pix_fmt else clip.height
    return W, H


def mended_dts(pts, dts, last):
    """The decode time a packet should carry. libx265 (through PyAV) hands out the packets it
    flushes at the end of a short clip with an unset decode time: whatever was in memory, a huge
    negative or positive number (seen: 6060317545617357134 for a one-frame clip), and the MP4 muxer
    refuses it ("Invalid argument"). A decode time after the presentation time, far before it, or
    not after the last one is replaced by the next one (never after the presentation time)."""
    if pts is None:
        return dts
    bad = dts is None or dts > pts or dts < pts - 4096 or (last is not None and dts <= last)
    if not bad:
        return dts
    return min(pts, last + 1) if last is not None else pts


def pick_format(vf, path: str, clip: Clip, codec: str, alpha: Clip | None, bits: int):
    """(codec spec, encoder, deep, pixel format) for the render, or a clear error for a codec,
    container, alpha or channel count that cannot be written."""
    if codec not in vf.CODECS and codec != vf.VP9.key:
        raise MediaError(f"unknown video codec '{codec}' (known: {', '.join(vf.CODECS)})")
    spec = vf.CODECS.get(codec) or vf.VP9
    if codec != "h264" or os.path.splitext(path)[1].lower() not in (".mp4", ".m4v", ""):
        vf.check_container(spec, path)
    encoder = vf.pick_encoder(spec, clip.width)
    if alpha is not None and spec.pix_fmt_alpha is None:
        raise MediaError(f"{spec.title} has no alpha channel: use ProRes 4444 or FFV1")
    deep = spec.always_deep or bits > 8
    pix_fmt = spec.pix_fmt_alpha if alpha is not None else (spec.pix_fmt_deep if bits > 8 else spec.pix_fmt)
    if spec.pix_fmt_alpha and alpha is not None and bits > 8 and codec == "ffv1":
        pix_fmt = "gbrap16le"
    if clip.channels not in (1, 3):
        raise MediaError(f"cannot encode a {clip.channels}-channel clip as video "
                         f"(flow? use 'Flow to Colour' first)")
    return spec, encoder, deep, pix_fmt


def frame_range(clip: Clip, frames: Iterable[int] | range | None):
    """The frames to write (default all), refused when empty."""
    rng = frames if frames is not None else range(clip.n_frames)
    rng = range(rng.start, rng.stop) if isinstance(rng, range) else rng
    if len(rng) == 0:
        raise MediaError("nothing to render: the frame range is empty")
    return rng


def render_temp(path: str) -> str:
    """A new temporary file beside ``path`` for the encoder (a killed render's old one swept)."""
    why = output_problem(path)
    if why:  # before any encoding: a folder or a device is never replaced by a render
        raise MediaError(f"cannot write the video: {why}")
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    sweep_stale(folder, ".render-")  # a killed render's temporary file (its process is gone)
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(".render-"), suffix=os.path.splitext(path)[1] or ".mp4",
                               dir=folder)
    os.close(fd)
    return tmp


def add_video_stream(c, vf, spec, encoder: str, fmt: str, fps: Fraction, size: tuple[int, int],
                     pix_fmt: str, *, crf: int, preset: str, matrix: str, color_range: str):
    """The container's video stream: size, pixel format, encoder options, colour tags, threads."""
    vs = c.add_stream(encoder, rate=fps)
    vs.width, vs.height = size
    vs.pix_fmt = pix_fmt
    from .device import encoder_threads
    if encoder in ("libx264", "libx265"):
        vs.options = vf.encoder_options(encoder, {"crf": str(crf), "preset": preset, **dict(spec.options)})
    elif encoder == "libvpx-vp9":  # constant quality (b 0), as ComfyUI's SaveWEBM asks libvpx-vp9
        vs.options = {"crf": str(crf), "b": "0", "row-mt": "1", **dict(spec.options)}
    else:
        vs.options = vf.encoder_options(encoder, dict(spec.options))
    if encoder == "libx265" and fmt in ("mp4", "mov"):
        vs.codec_tag = "hvc1"  # the tag Apple players need for HEVC
    vf.tag_stream(vs.codec_context, matrix, color_range, spec.rgb)
    # the encoder's threads change its decisions (x264: each thread sees less of the frames
    # before): one count per machine, whatever the app's thread policy, so the window and
    # the command line write the same file
    vs.thread_count = encoder_threads()
    return vs


# the sample rates an AAC track holds (MPEG-4's table); a sound at another rate is resampled to the
# next one up (aac_rate) as it is written
AAC_RATES = (7350, 8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 64000, 88200, 96000)


def aac_rate(rate: int) -> int:
    """The rate a sound of ``rate`` Hz is written at in an AAC track: its own, else the next AAC rate up."""
    return rate if rate in AAC_RATES else next((r for r in AAC_RATES if r > rate), AAC_RATES[-1])


OPUS_RATE = 48000  # a WEBM's sound: Opus (libopus), written at 48 kHz whatever the sound's rate (resampled)


def sound_rate(codec: str, rate: int) -> int:
    """The rate a sound of ``rate`` Hz is written at by ``codec`` ('aac' or 'libopus')."""
    return OPUS_RATE if codec == "libopus" else aac_rate(rate)


class SoundFeed:
    """The sound under the frames written, pulled a second at a time (a lazy track is computed
    only where it is written). ``stream`` is None when there is no sound to write; ``n`` is the
    samples to write, ``done`` those encoded so far, ``rate`` the sound's sample rate. ``codec``: 'aac' (an MP4's,
    a MOV's) or 'libopus' (a WEBM's, at 48 kHz)."""

    def __init__(self, av, c, audio: Audio | None, clip_fps: float, a0: int, a1: int, codec: str = "aac"):
        self._av, self._c, self._aud = av, c, audio
        self.stream = None
        self.n = 0  # samples to write
        self.done = 0  # samples encoded so far
        self._s0 = self._nch = self.rate = 0
        self._resampler, self._out = None, 0  # a sound at a rate the codec does not take: resampled as written
        if audio is not None and audio.n_samples > 0:
            self.rate = audio.rate
            out_rate = sound_rate(codec, audio.rate)
            self.stream = c.add_stream(codec, rate=out_rate)
            self.stream.layout = "stereo" if audio.channels >= 2 else "mono"
            if out_rate != audio.rate:
                self._resampler = av.AudioResampler(format=self.stream.format.name, layout=self.stream.layout.name,
                                                    rate=out_rate)
            self._s0 = max(0, int(round(a0 / clip_fps * audio.rate)))
            self.n = max(0, min(audio.n_samples, int(round(a1 / clip_fps * audio.rate))) - self._s0)
            self._nch = 2 if self.stream.layout.name == "stereo" else 1

    def encode_until(self, n_end: int) -> None:
        """Encode the sound up to sample n_end, one second per frame object, so sound
        and picture interleave in the file and no whole-track copy is ever made."""
        aud, as_, nch = self._aud, self.stream, self._nch
        n_end = min(n_end, self.n)
        while self.done < n_end:
            k1 = min(n_end, self.done + aud.rate)
            blk = aud.slice_samples(self._s0 + self.done, self._s0 + k1)
            blk = blk[:, :nch] if blk.shape[1] >= nch else np.repeat(blk, nch, axis=1)
            planar = np.ascontiguousarray(np.clip(blk, -1, 1).T, dtype=np.float32)
            fr = self._av.AudioFrame.from_ndarray(planar, format="fltp", layout=as_.layout.name)
            fr.sample_rate = aud.rate
            fr.pts = self.done
            self._encode(fr)
            self.done = k1

    def _encode(self, fr) -> None:
        """One block of sound into the track (through the resampler where there is one; None: its rest)."""
        frames = [fr] if self._resampler is None else self._resampler.resample(fr)
        for f in frames:
            if f is None:
                continue
            if self._resampler is not None:
                f.pts, self._out = self._out, self._out + f.samples
            for p in self.stream.encode(f):
                self._c.mux(p)

    def finish(self) -> None:
        """The rest of the sound, then the encoder's last packets."""
        if self.stream is not None:
            self.encode_until(self.n)
            if self._resampler is not None:
                self._encode(None)
            for p in self.stream.encode(None):
                self._c.mux(p)


def video_muxer(c) -> Callable:
    """mux(packet) for the video stream, mending decode times the muxer would refuse."""
    last_dts: list[int] = []

    def mux_video(p) -> None:
        mended = mended_dts(p.pts, p.dts, last_dts[-1] if last_dts else None)
        if mended != p.dts:
            p.dts = mended
        if p.dts is not None:
            last_dts[:] = [p.dts]
        c.mux(p)
    return mux_video


def frame_maker(av, vf, clip: Clip, size: tuple[int, int], pix_fmt: str, deep: bool,
                alpha: Clip | None, producer: str):
    """(to_frame(frame, n) -> av.VideoFrame, as_u8): how each clip frame becomes an RGB frame
    of the encoder's size (odd sizes padded), and whether the clip hands over 8-bit frames."""
    W, H = size
    scratch = np.empty((clip.height, clip.width, 3), np.float32)
    u8 = np.empty((H, W, 3), np.uint8)

    def nan_error(n: int) -> MediaError:
        who = f" made by '{producer}'" if producer else ""
        return MediaError(f"frame {n}{who} contains NaN or infinite values")

    def frame_8bit(f: np.ndarray, n: int):
        """H.264/H.265 8-bit: through a scratch buffer, no frame-sized temporaries."""
        np.multiply(f, 255.0, out=scratch[..., :f.shape[2]])
        if not np.isfinite(scratch[..., :f.shape[2]].sum()):
            raise nan_error(n)
        if f.shape[2] == 1:
            scratch[..., 1:] = scratch[..., :1]
        np.add(scratch, 0.5, out=scratch)
        np.clip(scratch, 0, 255, out=scratch)
        u8[:clip.height, :clip.width] = scratch
        if H != clip.height or W != clip.width:  # odd sizes: repeat the last row/column
            u8[clip.height:, :clip.width] = u8[clip.height - 1:clip.height, :clip.width]
            u8[:, clip.width:] = u8[:, clip.width - 1:clip.width]
        return av.VideoFrame.from_ndarray(u8, format="rgb24")

    def frame_deep(f: np.ndarray, n: int):
        """10-bit, alpha and RGB formats: through 16-bit (or 8-bit RGBA) frames."""
        f = f if f.shape[2] == 3 else np.repeat(f[..., :1], 3, axis=2)
        if not np.isfinite(f).all():
            raise nan_error(n)
        al = alpha.frame(min(n, alpha.n_frames - 1)) if alpha is not None else None
        if H != clip.height or W != clip.width:
            pad = ((0, H - clip.height), (0, W - clip.width), (0, 0))
            f = np.pad(f, pad, mode="edge")
            al = np.pad(al, pad, mode="edge") if al is not None else None
        return vf.rgb_to_frame(f, al, deep)

    def frame_u8(f: np.ndarray, n: int):
        """Frames that are already the encoder's bytes (see ``chunk_u8``): no float pass."""
        u8[:clip.height, :clip.width] = f
        if H != clip.height or W != clip.width:
            u8[clip.height:, :clip.width] = u8[clip.height - 1:clip.height, :clip.width]
            u8[:, clip.width:] = u8[:, clip.width - 1:clip.width]
        return av.VideoFrame.from_ndarray(u8, format="rgb24")

    plain = pix_fmt == "yuv420p" and alpha is None and not deep
    # a clip whose frames are stored as the 8-bit values this writer would make of them
    # (a chunked render's collect step) hands them over as they are
    as_u8 = plain and callable(getattr(clip, "chunk_u8", None))
    return (frame_u8 if as_u8 else (frame_8bit if plain else frame_deep)), as_u8


def encode_frames(vf, clip: Clip, rng, vs, mux_video: Callable, sound: SoundFeed, maker,
                  convert_args: tuple, fps: Fraction, *, chunk: int,
                  check: Callable[[], None] | None,
                  on_chunk: Callable[[int, int], None] | None) -> int:
    """Encode the frames of ``rng`` ``chunk`` at a time with the sound under each chunk, then
    flush both encoders. ``maker`` is :func:`frame_maker`'s pair, ``convert_args`` the pixel
    format, matrix, range and rgb flag for ``vf.convert_for_encoder``. Returns the frames written."""
    to_frame, as_u8 = maker
    pix_fmt, matrix, color_range, rgb = convert_args
    a0, a1 = rng[0], rng[-1] + 1
    n_written = 0
    ready = getattr(clip, "ready", None)
    for start in range(a0, a1, chunk):
        if check is not None:
            check()
        stop = min(start + chunk, a1)
        # frames still being made elsewhere (a chunked render's workers): encode the sound
        # ahead meanwhile, a second at a time (the muxer interleaves the packets)
        while (callable(ready) and sound.stream is not None and sound.done < sound.n
               and not ready(start, stop)):
            sound.encode_until(sound.done + sound.rate)
        block = clip.chunk_u8(start, stop) if as_u8 else clip.chunk(start, stop)
        for k in range(len(block)):
            frm = vf.convert_for_encoder(to_frame(block[k], start + k), pix_fmt, matrix, color_range, rgb)
            frm.pts, frm.time_base = n_written, 1 / fps  # explicit: x265 in MP4 needs them
            for p in vs.encode(frm):
                mux_video(p)
            n_written += 1
        del block
        if sound.stream is not None:
            sound.encode_until(int(round((stop - a0) / clip.fps * sound.rate)))
        if on_chunk is not None:
            on_chunk(n_written, len(rng))
    for p in vs.encode(None):
        mux_video(p)
    sound.finish()
    return n_written
