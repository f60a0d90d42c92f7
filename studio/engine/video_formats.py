"""Video formats: the codecs Studio writes, colour tags, and frame conversion both ways.

Colour rule (reading): a frame is converted to RGB with the matrix and range its file is tagged
with. An untagged YUV file is taken as BT.709 when it is 720 lines or taller, else BT.601 (what
players do), in limited range unless its pixel format is a full-range one (yuvj*).
Writing tags the file with what it was converted with: BT.709 limited range unless asked otherwise.

Precision: sources deeper than 8 bits (10-bit H.265/ProRes, 16-bit FFV1) are decoded to 16-bit RGB
and reach the float frames at full precision; 8-bit sources go through 8-bit RGB (exact, faster).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from studio.core.errors import MediaError


@dataclass(frozen=True)
class VideoCodec:
    key: str
    title: str
    encoders: tuple[str, ...]          # FFmpeg encoders tried in order (ProRes: FFmpeg's 'prores'
                                       # (prores_aw) first: 3-4x faster than prores_ks on 1080p grain)
    exts: tuple[str, ...]              # containers that hold it (first is the default)
    pix_fmt: str                       # 8-bit picture
    pix_fmt_deep: str                  # 10-bit (or 16-bit) picture
    pix_fmt_alpha: str | None = None   # with an alpha channel, None = no alpha
    options: tuple[tuple[str, str], ...] = ()
    lossless: bool = False
    rgb: bool = False                  # stores RGB (no matrix, no range)
    always_deep: bool = False          # the format is 10-bit whatever is asked


CODECS: dict[str, VideoCodec] = {c.key: c for c in (
    VideoCodec("h264", "H.264", ("libx264",), (".mp4", ".mov", ".mkv"), "yuv420p", "yuv420p10le"),
    VideoCodec("h265", "H.265 / HEVC", ("libx265",), (".mp4", ".mov", ".mkv"), "yuv420p", "yuv420p10le",
               options=(("x265-params", "log-level=error"),)),
    VideoCodec("prores_422", "ProRes 422 HQ", ("prores", "prores_ks"), (".mov",), "yuv422p10le",
               "yuv422p10le", options=(("profile", "3"),), always_deep=True),
    VideoCodec("prores_4444", "ProRes 4444 (alpha)", ("prores", "prores_ks"), (".mov",), "yuv444p10le",
               "yuv444p10le", "yuva444p10le", options=(("profile", "4"),), always_deep=True),
    VideoCodec("ffv1", "FFV1 lossless", ("ffv1",), (".mkv", ".avi"), "bgr0", "gbrp16le", "bgra",
               options=(("level", "3"), ("slicecrc", "1")), lossless=True, rgb=True),
)}


# a WEBM's picture, as ComfyUI's SaveWEBM writes one (Save Animation's .webm, without sound: kept out of CODECS,
# whose every codec Write Video offers with AAC sound, which a WEBM does not hold)
VP9 = VideoCodec("vp9", "VP9", ("libvpx-vp9",), (".webm",), "yuv420p", "yuv420p10le")


def encoder_options(encoder: str, base: dict[str, str]) -> dict[str, str]:
    """``base`` plus what makes the same frames give the same bytes on this machine (issue 28).

    libx264's AVX-512 routines make different decisions from run to run on the same frames and
    settings (measured with the x264 in PyAV 18, one thread or several: of 10 encodes of 48
    music_visualiser frames in one process, 7 or 8 distinct files; with AVX2 at most, 20 of 20
    identical), so on a CPU with AVX-512 x264 is held to its AVX2 routines: 2-6 % more encoder CPU
    time (benchmarks/bench_repeatable_encode.py). A CPU without AVX-512 runs those routines anyway."""
    out = dict(base)
    if encoder == "libx264" and cpu_has_avx512():
        extra = "asm=AVX2,Cache64"
        out["x264-params"] = f"{out['x264-params']}:{extra}" if out.get("x264-params") else extra
    return out


_AVX512: bool | None = None


def cpu_has_avx512() -> bool:
    """Whether this x86 CPU has AVX-512 (Linux: /proc/cpuinfo; macOS: sysctl; Windows: the
    kernel's feature query). False where it cannot tell: x264 then keeps its own choice."""
    global _AVX512
    if _AVX512 is None:
        _AVX512 = _detect_avx512()
    return _AVX512


def _detect_avx512() -> bool:
    import platform
    import sys
    if platform.machine().lower() not in ("x86_64", "amd64", "x86", "i686", "i386"):
        return False
    try:
        if sys.platform.startswith("linux"):
            with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
                for line in f:
                    if line.startswith("flags"):
                        return " avx512f" in line
            return False
        if sys.platform == "darwin":
            import subprocess
            out = subprocess.run(["sysctl", "-n", "hw.optional.avx512f"], capture_output=True, text=True, timeout=5)
            return out.stdout.strip() == "1"
        if sys.platform == "win32":
            import ctypes
            return bool(ctypes.windll.kernel32.IsProcessorFeaturePresent(41))  # PF_AVX512F_INSTRUCTIONS_AVAILABLE
    except (OSError, ValueError, AttributeError):
        return False
    return False


def pick_encoder(codec: VideoCodec, width: int = 0) -> str:
    """The first of the codec's encoders this FFmpeg build has, or a clear error. FFmpeg's 'prores'
    encoder refuses odd widths: an odd-width frame goes to prores_ks (which keeps the size)."""
    import av
    for name in codec.encoders:
        if name == "prores" and width % 2 and len(codec.encoders) > 1:
            continue
        try:
            av.codec.Codec(name, "w")
            return name
        except Exception:  # noqa: BLE001 - av raises UnknownCodecError / ValueError by version
            continue
    have = [k for k, c in CODECS.items() if k != codec.key and _has_any(c.encoders)]
    raise MediaError(f"this FFmpeg build (PyAV) has no {codec.title} encoder ({', '.join(codec.encoders)}); "
                     f"available here: {', '.join(have) or 'none'}")


def _has_any(names: tuple[str, ...]) -> bool:
    import av
    for n in names:
        try:
            av.codec.Codec(n, "w")
            return True
        except Exception:  # noqa: BLE001
            pass
    return False


def check_container(codec: VideoCodec, path: str) -> None:
    import os
    ext = os.path.splitext(path)[1].lower()
    if ext not in codec.exts:
        raise MediaError(f"{codec.title} cannot go in a '{ext or 'no extension'}' file: use "
                         f"{' or '.join(codec.exts)}")


# -- colour ----------------------------------------------------------------------------------------
MATRICES = {"bt709": "ITU709", "bt601": "ITU601"}
RANGES = {"limited": "MPEG", "full": "JPEG"}
# tags written with each matrix: (colorspace, primaries, transfer) as FFmpeg's enum values
_TAGS = {"bt709": (1, 1, 1), "bt601": (6, 6, 6)}  # BT709 / SMPTE170M (NTSC 601)


def tag_stream(cc, matrix: str, rng: str, rgb: bool) -> None:
    """Write the colour tags into an encoder context before it opens."""
    space, prim, trc = _TAGS[matrix]
    cc.color_primaries = prim
    cc.color_trc = trc
    cc.colorspace = 0 if rgb else space  # 0 = RGB (GBR) for RGB formats
    cc.color_range = 2 if (rng == "full" or rgb) else 1  # 1 = MPEG (limited), 2 = JPEG (full)


@dataclass
class SourceColour:
    matrix: str              # 'bt709' / 'bt601' / 'bt2020' / 'rgb'
    range: str               # 'limited' / 'full'
    tagged: bool             # False: guessed by the rule in this module's docstring
    deep: bool               # more than 8 bits a component
    alpha: bool
    pix_fmt: str

    def describe(self) -> str:
        if self.matrix == "rgb":
            return f"{self.pix_fmt} (RGB)"
        m = {"bt709": "BT.709", "bt601": "BT.601", "bt2020": "BT.2020"}[self.matrix]
        how = "" if self.tagged else " (untagged: assumed by frame height)"
        return f"{self.pix_fmt}, {m} {self.range} range{how}"


_SPACE_NAMES = {1: "bt709", 5: "bt601", 6: "bt601", 7: "bt601", 9: "bt2020", 10: "bt2020"}


def source_colour(frame) -> SourceColour:
    """What a decoded frame's tags say (or the rule's guess) about how to make it RGB."""
    fmt = frame.format
    name = fmt.name
    comps = fmt.components
    deep = max((c.bits for c in comps), default=8) > 8
    alpha = any(getattr(c, "is_alpha", False) for c in comps) or name.startswith(("yuva", "gbrap")) \
        or name in ("bgra", "rgba", "argb", "abgr", "ya8", "rgba64le", "rgba64be")
    if name.startswith(("gbr", "rgb", "bgr", "argb", "abgr", "gray")) or name in ("rgba", "bgra", "ya8"):
        return SourceColour("rgb", "full", True, deep, alpha, name)
    space = int(frame.colorspace or 2)
    matrix = _SPACE_NAMES.get(space)
    tagged = matrix is not None
    if matrix is None:
        matrix = "bt709" if frame.height >= 720 else "bt601"
    r = int(frame.color_range or 0)
    rng = "full" if (r == 2 or name.startswith("yuvj")) else "limited"
    return SourceColour(matrix, rng, tagged, deep, alpha, name)


_SWS_SPACE = {"bt709": "ITU709", "bt601": "ITU601", "bt2020": "BT2020"}


def frame_to_rgb(frame, colour: SourceColour) -> tuple[np.ndarray, np.ndarray | None]:
    """float32 RGB [H, W, 3] in [0, 1] (and alpha [H, W, 1] or None) of a decoded frame."""
    fmt = ("rgba64le" if colour.alpha else "rgb48le") if colour.deep else ("rgba" if colour.alpha else "rgb24")
    kw = {"threads": 1} if colour.alpha else {}  # see convert_for_encoder: threaded alpha is unsafe
    if colour.matrix == "rgb":
        out = frame.reformat(format=fmt, **kw)
    else:
        out = frame.reformat(format=fmt, src_colorspace=_SWS_SPACE[colour.matrix],
                             dst_colorspace=_SWS_SPACE[colour.matrix],
                             src_color_range=RANGES[colour.range], dst_color_range="JPEG", **kw)
    arr = out.to_ndarray().astype(np.float32)  # astype, then scale in place (the fastest here)
    arr *= np.float32(1 / 65535 if colour.deep else 1 / 255)
    if colour.alpha:
        return np.ascontiguousarray(arr[..., :3]), np.ascontiguousarray(arr[..., 3:4])
    return arr, None


def rgb_to_frame(rgb: np.ndarray, alpha: np.ndarray | None, deep: bool):
    """An RGB(A) av.VideoFrame from float frames (clipped to [0, 1]), 8 or 16 bits a component."""
    import av
    data = np.concatenate([rgb, alpha], axis=2) if alpha is not None else rgb
    if deep:
        a = np.clip(data * np.float32(65535) + np.float32(0.5), 0, 65535).astype(np.uint16)
        return av.VideoFrame.from_ndarray(a, format="rgba64le" if alpha is not None else "rgb48le")
    a = np.clip(data * np.float32(255) + np.float32(0.5), 0, 255).astype(np.uint8)
    return av.VideoFrame.from_ndarray(a, format="rgba" if alpha is not None else "rgb24")


def convert_for_encoder(frame, pix_fmt: str, matrix: str, rng: str, rgb: bool):
    """Reformat an RGB frame to the encoder's pixel format with the chosen matrix and range.
    With alpha, swscale runs on one thread: its threaded RGBA64 -> YUVA444P10 conversion writes
    a wrong run of alpha pixels on some widths (161 px: row 33 came out 0.5; measured with the
    FFmpeg bundled in PyAV 18, 10 of 10 conversions wrong threaded, 0 of 10 on one thread)."""
    kw = {"threads": 1} if pix_fmt.startswith(("yuva", "gbrap", "rgba", "bgra", "argb", "abgr")) else {}
    if rgb:
        return frame.reformat(format=pix_fmt, **kw)
    return frame.reformat(format=pix_fmt, src_colorspace=MATRICES[matrix], dst_colorspace=MATRICES[matrix],
                          src_color_range="JPEG", dst_color_range=RANGES[rng], **kw)


# -- variable frame rate ---------------------------------------------------------------------------
STANDARD_RATES = (23.976, 24.0, 25.0, 29.97, 30.0, 48.0, 50.0, 59.94, 60.0, 120.0)


def cfr_map(pts: list[int], time_base, rate_hint: float | None) -> tuple[np.ndarray | None, float, str]:
    """(source frame shown at each output frame, fps, the rule as a sentence) for a clip's sorted
    presentation times; the map is None when the clip is already constant-rate.

    Rule: a variable-rate clip is made constant at its nominal rate, the rate of its most common
    frame interval (the median; snapped to a standard rate within 1.5%), as a phone that slows
    down in low light is still a 30 fps clip; output frame i shows the source frame on screen at
    time i / fps (the last one that started at or before it), so frames are repeated (or, where
    frames came faster, dropped) and the duration is kept."""
    p = np.asarray(pts, np.int64)
    tb = float(time_base)
    if len(p) < 3:
        return None, float(rate_hint or 24.0), ""
    d = np.diff(p)
    med = float(np.median(d))
    if med <= 0 or (d.max() - d.min()) <= max(1.0, 0.05 * med):
        return None, float(rate_hint or 1 / (med * tb)), ""
    duration = (p[-1] - p[0] + med) * tb
    fps = 1.0 / (med * tb)
    near = min(STANDARD_RATES, key=lambda r: abs(fps - r))
    if abs(fps - near) <= 0.015 * near:
        fps = near
    n = max(1, int(round(duration * fps)))
    t = p[0] + np.arange(n) / fps / tb
    idx = np.clip(np.searchsorted(p, t + 0.5, side="right") - 1, 0, len(p) - 1)
    repeated = n - len(np.unique(idx))
    dropped = len(p) - len(np.unique(idx))
    rule = (f"variable frame rate ({1 / (d.max() * tb):.3g}-{1 / (max(d.min(), 1) * tb):.3g} fps) made constant "
            f"at {fps:g} fps, keeping its {duration:.2f} s: each frame shows the source frame on screen "
            f"at its time ({repeated} repeated, {dropped} dropped)")
    return idx, fps, rule
