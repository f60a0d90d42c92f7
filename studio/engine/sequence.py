"""Image sequences: find the frames of a pattern, read them lazily, write them.

Formats: PNG, JPEG, TIFF (8 and 16 bit, through OpenCV) and EXR (half or float, through the
``OpenEXR`` package: the opencv-python wheels are built without OpenEXR, so cv2 can neither read
nor write .exr here; OpenEXR is the format's reference library and reads straight into numpy).

Patterns: ``name.####.exr`` (one ``#`` per digit of padding), ``name.%04d.exr``,
``name.{frame}.exr`` / ``name.{frame:04d}.exr``, one file of a numbered sequence (its siblings are
found), or a folder (its largest numbered sequence of images).

Frames come out as float32 RGB ``[H, W, 3]``: 8/16-bit files scaled to [0, 1], EXR values as
stored (scene-linear, not clipped). Alpha is kept apart, as a 1-channel clip (a Mask).
"""
from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass, field

import cv2
import numpy as np

from studio.core import patterns as P
from studio.core.checked_open import ReadRefused, library_path
from studio.core.confine import refuse_links_leading_out
from studio.core.errors import MediaError

from .clip import Clip

SEQ_EXTS = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".exr")
_NUM_TAIL = re.compile(r"^(.*?)(\d+)(\.[A-Za-z0-9]+)$")


def _openexr():
    try:
        import OpenEXR
    except ImportError as e:  # pinned in pyproject; this only fires in a broken install
        raise MediaError("reading or writing EXR needs the 'OpenEXR' package (pip install OpenEXR)") from e
    return OpenEXR


# -- finding the frames ---------------------------------------------------------------------------
@dataclass
class Sequence:
    """The files of a numbered sequence, in frame order, and what was found wrong with them."""
    pattern: str                       # printable, e.g. /shots/a/plate.####.exr
    numbers: list[int]                 # frame numbers found, sorted
    files: list[str]                   # one per number
    gaps: list[tuple[int, int]] = field(default_factory=list)  # runs of absent numbers [a, b], inclusive
    others: list[str] = field(default_factory=list)    # other sequences in the folder, not used

    def name_of(self, number: int) -> str:
        """The file name a (possibly missing) frame number would have."""
        return frame_name(self.pattern, number)

    @property
    def n_missing(self) -> int:
        return sum(b - a + 1 for a, b in self.gaps)

    @property
    def span(self) -> int:
        """Frames from the first number to the last, gaps included."""
        return self.numbers[-1] - self.numbers[0] + 1 if self.numbers else 0

    def missing_head(self, k: int) -> list[int]:
        """The first ``k`` missing numbers (without listing the others)."""
        out: list[int] = []
        for a, b in self.gaps:
            out += range(a, min(b, a + k - len(out) - 1) + 1)
            if len(out) >= k:
                break
        return out[:k]

    def gaps_text(self, limit: int = 20) -> str:
        """'5, 9-12' for the gaps, the first ``limit`` runs and how many more."""
        shown = [str(a) if a == b else f"{a}-{b}" for a, b in self.gaps[:limit]]
        more = f" and {len(self.gaps) - limit} more gap(s)" if len(self.gaps) > limit else ""
        return ", ".join(shown) + more


class HeldOrder:
    """The file index each frame shows when gaps are held: frame ``i`` is number ``first + i``,
    showing the last file at or before it. Computed per frame by bisection: memory is what the
    files cost, whatever the span of their numbers."""

    def __init__(self, numbers: list[int]):
        self.numbers = numbers

    def __len__(self) -> int:
        return self.numbers[-1] - self.numbers[0] + 1 if self.numbers else 0

    def __getitem__(self, i: int) -> int:
        import bisect
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        return bisect.bisect_right(self.numbers, self.numbers[0] + i) - 1

    def __iter__(self):
        return (self[i] for i in range(len(self)))


def span_problem(seq: "Sequence", what: str = "") -> str | None:
    """Why holding the gaps of ``seq`` would make a clip longer than MAX_CLIP_FRAMES, or None."""
    from studio.core.limits import MAX_CLIP_FRAMES
    if seq.span <= MAX_CLIP_FRAMES:
        return None
    return (f"{what or os.path.basename(seq.pattern)}: frame numbers {seq.numbers[0]} to {seq.numbers[-1]} "
            f"({len(seq.files)} files) would make a clip of {seq.span:,} frames with the gaps held; the longest "
            f"clip is {MAX_CLIP_FRAMES:,} frames (MAX_CLIP_FRAMES): set 'gaps' to close, or 'first'/'last'")


def frame_name(pattern: str, number: int) -> str:
    """The file name of frame ``number`` (a regex substitution: the pattern is never evaluated)."""
    return P.substitute(pattern, number)


def pattern_regex(base: str) -> tuple[re.Pattern, str] | None:
    """A regex with one group for the frame number, from a base name holding one pattern token."""
    rx = P.regex_for(base)
    return None if rx is None else (rx, base)


def _collect(folder: str, rx: re.Pattern) -> dict[int, str]:
    found: dict[int, str] = {}
    try:
        names = os.listdir(folder)
    except OSError as e:
        raise MediaError(f"cannot list folder {folder}: {e.strerror}") from None
    refuse_links_leading_out(folder, [n for n in names if rx.match(n)], "the image sequence's folder")
    for name in names:
        m = rx.match(name)
        if m:
            n = int(m.group(1))
            # two spellings of one number (1 and 0001): keep the first by name, deterministic
            if n not in found or name < os.path.basename(found[n]):
                found[n] = os.path.join(folder, name)
    return found


def find_sequence(path: str) -> Sequence:
    """The sequence ``path`` names: a pattern, a numbered file, or a folder."""
    if not path:
        raise MediaError("no image sequence chosen")
    path = os.path.expanduser(path)
    if os.path.isdir(path):
        return _sequence_in_folder(path)
    folder, base = os.path.split(path)
    folder = folder or "."
    spec = pattern_regex(base)
    if spec is None:
        m = _NUM_TAIL.match(base)
        if m is None or not os.path.exists(path):
            if not os.path.exists(path):
                raise MediaError(f"image sequence not found: {path} (use name.####.ext, %04d, "
                                 f"{{frame}} or a folder)")
            raise MediaError(f"'{base}' has no frame number: use name.####.ext, %04d, {{frame}} or a folder")
        base = m.group(1) + "#" * len(m.group(2)) if m.group(2).startswith("0") else m.group(1) + "{frame}"
        base += m.group(3)
        spec = pattern_regex(base)
    if not os.path.isdir(folder):
        raise MediaError(f"image sequence folder not found: {folder}")
    rx, base = spec
    found = _collect(folder, rx)
    if not found:
        raise MediaError(f"no frames match {os.path.join(folder, base)}")
    return make_sequence(os.path.join(folder, base), found)


def pattern_fingerprint(path: str) -> str | None:
    """Names, sizes and modification times of the files a frame pattern matches (for the engine's
    cache key: a re-rendered plate re-runs its loader), or None when ``path`` is no pattern."""
    folder, base = os.path.split(os.path.expanduser(path))
    spec = pattern_regex(base)
    if spec is None or not os.path.isdir(folder or "."):
        return None
    import hashlib
    h = hashlib.sha256()
    for n, f in sorted(_collect(folder or ".", spec[0]).items()):
        try:
            st = os.stat(f)
        except OSError:
            continue
        h.update(f"{n}:{st.st_size}:{st.st_mtime_ns};".encode())
    return f"{os.path.abspath(path)}:{h.hexdigest()[:16]}"


def _sequence_in_folder(folder: str) -> Sequence:
    """The largest numbered sequence of images in a folder. The frame number is the run of digits
    that varies from file to file (the last one, as in plate.1001.exr, or an earlier one, as in
    KITTI's 000123_10.png); padded and unpadded spellings of one pattern merge."""
    names = [n for n in sorted(os.listdir(folder)) if os.path.splitext(n)[1].lower() in SEQ_EXTS]
    refuse_links_leading_out(folder, names, "the image sequence's folder")
    groups: dict[tuple[str, str], dict[int, str]] = {}
    pads: dict[tuple[str, str], int] = {}
    for name in names:
        for m in re.finditer(r"\d+", name):
            key = (name[:m.start()], name[m.end():])
            d = groups.setdefault(key, {})
            n = int(m.group())
            if n not in d:
                d[n] = os.path.join(folder, name)
            if m.group().startswith("0") and len(m.group()) > 1:
                pads[key] = max(pads.get(key, 0), len(m.group()))
    if not groups:
        raise MediaError(f"no numbered images ({', '.join(SEQ_EXTS)}) in folder {folder}")
    # most frames; on a tie the later digit run (the frame number sits last by convention)
    (pre, post), found = max(groups.items(), key=lambda kv: (len(kv[1]), len(kv[0][0])))
    pad = pads.get((pre, post), 0)
    token = "#" * pad if pad else "{frame}"
    seq = make_sequence(os.path.join(folder, pre + token + post), found)
    used = set(seq.files)
    rest = sorted({os.path.splitext(n)[1].lower() + ":" + re.sub(r"\d+", "#", n) for n in names
                   if os.path.join(folder, n) not in used})
    if rest:
        seq.others = [r.split(":", 1)[1] for r in rest]
    return seq


def make_sequence(pattern: str, found: dict[int, str]) -> Sequence:
    """The sequence of the files ``found`` (number -> file); gaps as runs, costing what the files
    cost (frames 1 and 999,999,999 make one gap, not a billion numbers)."""
    numbers = sorted(found)
    gaps = [(a + 1, b - 1) for a, b in zip(numbers, numbers[1:]) if b - a > 1]
    return Sequence(pattern, numbers, [found[n] for n in numbers], gaps)


def ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7, 9, 10] -> '1-3, 7, 9-10'."""
    out, i = [], 0
    while i < len(numbers):
        j = i
        while j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1:
            j += 1
        out.append(str(numbers[i]) if i == j else f"{numbers[i]}-{numbers[j]}")
        i = j + 1
    return ", ".join(out)


# -- sizes without decoding -----------------------------------------------------------------------
@contextlib.contextmanager
def checked_image(path: str, what: str = "frame"):
    """The path the image libraries open for ``path``: its checked descriptor's (studio.core.checked_open: a
    regular file inside the folders a graph may read, whatever the name has become since the check)."""
    try:
        with library_path(path, what) as opened:
            yield opened
    except ReadRefused as e:
        if not os.path.lexists(path):
            raise MediaError(f"{what} file is missing: {path}") from None
        raise MediaError(str(e)) from None


def image_size(path: str) -> tuple[int, int]:
    """(width, height) from the file's header: Pillow for PNG/JPEG/TIFF, OpenEXR for EXR."""
    if path.lower().endswith(".exr"):
        try:
            with checked_image(path, "image") as opened, _openexr().File(opened, header_only=True) as f:
                lo, hi = f.header()["dataWindow"]
        except MediaError:
            raise
        except Exception as e:  # noqa: BLE001 - the library raises plain RuntimeErrors
            raise MediaError(f"cannot read EXR '{os.path.basename(path)}': {e}") from None
        return int(hi[0] - lo[0] + 1), int(hi[1] - lo[1] + 1)
    from PIL import Image, UnidentifiedImageError
    try:
        with checked_image(path, "image") as opened, Image.open(opened) as im:
            return im.size
    except (OSError, UnidentifiedImageError) as e:
        raise MediaError(f"cannot read image '{os.path.basename(path)}': {e}") from None


# -- reading --------------------------------------------------------------------------------------
def read_frame(path: str) -> tuple[np.ndarray, np.ndarray | None, str]:
    """(rgb float32 [H, W, 3], alpha float32 [H, W, 1] or None, depth) of one image file.
    ``depth`` is '8', '16', 'half' or 'float'."""
    if path.lower().endswith(".exr"):
        return _read_exr(path)
    with checked_image(path) as opened:
        img = cv2.imread(opened, cv2.IMREAD_UNCHANGED)
    if img is None or img.size == 0:
        if not os.path.exists(path):
            raise MediaError(f"frame file is missing: {path}")
        raise MediaError(f"cannot read '{os.path.basename(path)}': corrupt or not an image")
    depth = {np.uint8: "8", np.uint16: "16"}.get(img.dtype.type, "float")
    scale = {"8": 1 / 255, "16": 1 / 65535}.get(depth)
    alpha = None
    if img.ndim == 2:
        rgb = cv2.cvtColor(img, cv2.COLOR_GRAY2RGB)
    elif img.shape[2] == 4:
        rgb = cv2.cvtColor(img, cv2.COLOR_BGRA2RGB)
        alpha = img[..., 3:4]
    else:
        rgb = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
    if scale is not None:  # astype then scale in place: 2x faster than np.multiply(..., dtype=float32)
        rgb = rgb.astype(np.float32)
        rgb *= np.float32(scale)
        if alpha is not None:
            alpha = alpha.astype(np.float32)
            alpha *= np.float32(scale)
    else:
        rgb = rgb.astype(np.float32, copy=False)
        alpha = alpha.astype(np.float32, copy=False) if alpha is not None else None
    return rgb, alpha, depth


def _read_exr(path: str) -> tuple[np.ndarray, np.ndarray | None, str]:
    OpenEXR = _openexr()
    try:
        # plain RGB(A) files come back interleaved in one read (the fast path); others by channel
        with checked_image(path) as opened, OpenEXR.File(opened) as f:
            ch = {k: v.pixels for k, v in f.channels().items()}
        px = ch.get("RGBA", ch.get("RGB"))
        if px is not None and px.ndim == 3:
            depth = "half" if px.dtype == np.float16 else "float"
            rgb = np.ascontiguousarray(px[..., :3], np.float32)
            alpha = px[..., 3:4].astype(np.float32) if px.shape[2] == 4 else None
            return rgb, alpha, depth
        with checked_image(path) as opened, OpenEXR.File(opened, separate_channels=True) as f:
            ch = {k: v.pixels for k, v in f.channels().items()}
    except MediaError:
        raise
    except Exception as e:  # noqa: BLE001
        if not os.path.exists(path):
            raise MediaError(f"frame file is missing: {path}") from None
        raise MediaError(f"cannot read EXR '{os.path.basename(path)}': {e}") from None
    # plain R, G, B (A) or Y; a layered file: its first layer with R, G and B (layer.R, ...);
    # else its first channels by name
    layers = sorted({k[:-1] for k in ch if k.endswith("R") and k[:-1] + "G" in ch and k[:-1] + "B" in ch})
    if layers:
        pre = "" if "" in layers else layers[0]
        names = [pre + "R", pre + "G", pre + "B"]
        if pre + "A" in ch:
            ch["A"] = ch[pre + "A"]
    else:
        names = ["Y"] * 3 if "Y" in ch else sorted(ch)[:3]
    if not names:
        raise MediaError(f"EXR '{os.path.basename(path)}' has no channels")
    while len(names) < 3:
        names.append(names[-1])
    first = ch[names[0]]
    depth = "half" if first.dtype == np.float16 else "float"
    h, w = first.shape
    rgb = np.empty((h, w, 3), np.float32)
    for k, n in enumerate(names):
        rgb[..., k] = ch[n]
    alpha = ch.get("A")
    if alpha is not None:
        alpha = alpha.astype(np.float32)[..., None]
    return rgb, alpha, depth


class SequenceClip(Clip):
    """A numbered image sequence, one file per frame, read when the frame is pulled.

    ``order[i]`` is the file index frame ``i`` shows (gaps held or closed up by the caller)."""

    def __init__(self, seq: Sequence, fps: float, order=None):
        self.seq = seq
        self.order = order if order is not None else list(range(len(seq.files)))
        w, h = image_size(seq.files[0])
        super().__init__(len(self.order), fps, w, h, 3)

    def path_of(self, i: int) -> str:
        return self.seq.files[self.order[i]]

    def read(self, i: int) -> tuple[np.ndarray, np.ndarray | None]:
        path = self.path_of(i)
        rgb, alpha, _ = read_frame(path)
        if rgb.shape[:2] != (self.height, self.width):
            raise MediaError(f"{os.path.basename(path)} is {rgb.shape[1]}x{rgb.shape[0]}, the sequence "
                             f"is {self.width}x{self.height}")
        return rgb, alpha

    def _frame(self, i: int) -> np.ndarray:
        return self.read(i)[0]


class SequenceAlphaClip(Clip):
    """The alpha channel of a sequence as a 1-channel clip (opaque where a file has none)."""

    def __init__(self, src: SequenceClip):
        super().__init__(src.n_frames, src.fps, src.width, src.height, 1)
        self.src = src

    def _frame(self, i: int) -> np.ndarray:
        alpha = self.src.read(i)[1]
        return alpha if alpha is not None else np.ones((self.height, self.width, 1), np.float32)


# -- writing --------------------------------------------------------------------------------------
WRITE_DEPTHS = {".png": ("8", "16"), ".jpg": ("8",), ".jpeg": ("8",), ".tif": ("8", "16", "float"),
                ".tiff": ("8", "16", "float"), ".exr": ("half", "float")}


EXR_COMPRESSIONS = ("zip", "piz", "dwaa", "none")


def write_frame(path: str, rgb: np.ndarray, alpha: np.ndarray | None = None, depth: str = "8",
                quality: int = 95, compression: str = "zip") -> None:
    """Write one frame atomically (temporary file, then rename). ``rgb`` float [H, W, C] with C 1
    or 3; ``alpha`` float [H, W(, 1)] or None. 8/16-bit files are clipped to [0, 1] and rounded;
    EXR and float TIFF keep the values as they are."""
    ext = os.path.splitext(path)[1].lower()
    if ext not in WRITE_DEPTHS:
        raise MediaError(f"cannot write '{ext}' frames (use {', '.join(WRITE_DEPTHS)})")
    if depth not in WRITE_DEPTHS[ext]:
        raise MediaError(f"{ext} cannot hold {depth}-bit frames (it holds: {', '.join(WRITE_DEPTHS[ext])})")
    if rgb.ndim == 2:
        rgb = rgb[..., None]
    if rgb.shape[2] == 1:
        rgb = np.repeat(rgb, 3, axis=2)
    elif rgb.shape[2] != 3:
        raise MediaError(f"cannot write a {rgb.shape[2]}-channel frame as an image")
    if alpha is not None:
        alpha = alpha.reshape(rgb.shape[0], rgb.shape[1], 1)
        if ext in (".jpg", ".jpeg"):
            raise MediaError("JPEG has no alpha channel: write PNG, TIFF or EXR")
    from studio.core.paths import atomic_path
    with atomic_path(path, prefix=".frame-", durable=False) as tmp:
        if ext == ".exr":
            _write_exr(tmp, rgb, alpha, depth, compression)
        else:
            data = np.concatenate([rgb, alpha], axis=2) if alpha is not None else rgb
            if depth == "float":
                out = data.astype(np.float32)
            else:
                top = 255.0 if depth == "8" else 65535.0
                out = np.clip(data * np.float32(top) + np.float32(0.5), 0, top).astype(
                    np.uint8 if depth == "8" else np.uint16)
            out = cv2.cvtColor(out, cv2.COLOR_RGBA2BGRA if out.shape[2] == 4 else cv2.COLOR_RGB2BGR)
            params = [cv2.IMWRITE_JPEG_QUALITY, int(quality)] if ext in (".jpg", ".jpeg") else []
            if not cv2.imwrite(tmp, out, params):
                raise MediaError(f"cannot write {path}")




def _write_exr(path: str, rgb: np.ndarray, alpha: np.ndarray | None, depth: str, compression: str = "zip") -> None:
    OpenEXR = _openexr()
    dt = np.float16 if depth == "half" else np.float32
    chans = {n: np.ascontiguousarray(rgb[..., k], dtype=dt) for k, n in enumerate("RGB")}
    if alpha is not None:
        chans["A"] = np.ascontiguousarray(alpha[..., 0], dtype=dt)
    comp = {"zip": OpenEXR.ZIP_COMPRESSION, "piz": OpenEXR.PIZ_COMPRESSION, "dwaa": OpenEXR.DWAA_COMPRESSION,
            "none": OpenEXR.NO_COMPRESSION}.get(compression)
    if comp is None:
        raise MediaError(f"unknown EXR compression '{compression}' (use {', '.join(EXR_COMPRESSIONS)})")
    header = {"compression": comp, "type": OpenEXR.scanlineimage}
    try:
        with OpenEXR.File(header, chans) as f:
            f.write(path)
    except Exception as e:  # noqa: BLE001
        raise MediaError(f"cannot write EXR {path}: {e}") from None
