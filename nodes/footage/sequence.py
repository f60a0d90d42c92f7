"""Image sequences in and out: PNG, JPEG, TIFF (8/16 bit) and EXR (half/float)."""
from __future__ import annotations

import os
from dataclasses import replace

from studio.core.errors import MediaError
from studio.core.limits import check_frame_size
from studio.core.params import Choice, Float, Int, Path, String
from studio.core.spec import CLIP, SOURCE, In, Node, Out
from studio.engine import sequence as S

SEQ_FILTER = "Image sequence (*.exr *.png *.tif *.tiff *.jpg *.jpeg)"


def resolve_input(ctx, path: str) -> str:
    """A relative pattern (plate.####.exr names no file, so the engine's check that a relative
    input exists next to the graph cannot match it) is taken next to the graph file."""
    graph = ctx.options.get("graph")
    base = getattr(graph, "base_dir", None)
    if path and base and not os.path.isabs(path):
        return os.path.normpath(os.path.join(base, os.path.expanduser(path)))
    return path


def with_frame_token(ctx, path: str) -> str:
    """A sequence path with a frame-number token; a plain name (e.g. one the CLI's -o chose)
    gets '.####' before its extension, and the user is told."""
    base = os.path.basename(path)
    if not base:
        raise MediaError("no file name for the frames: use name.####.ext, %04d or {frame}")
    if S.pattern_regex(base) is not None:
        return path
    stem, ext = os.path.splitext(path)
    out = stem + ".####" + ext
    ctx.info(f"'{base}' has no frame number (####, %04d or {{frame}}): writing {os.path.basename(out)}")
    return out


def sequence_name_problems(path: str) -> list[str]:
    """Why the output pattern ``path`` (a plain name gets '.####') cannot be written, as a list."""
    from studio.core.patterns import has_token, pattern_problem
    base = os.path.basename(path)
    if not base:
        return ["no file name for the frames: use name.####.ext, %04d or {frame}"]
    if not has_token(base):
        stem, ext = os.path.splitext(base)
        base = stem + ".####" + ext
    why = pattern_problem(base)
    return [f"pattern {os.path.basename(path)!r}: {why}"] if why else []


def _depth_words(depth: str) -> str:
    return f"{depth}-bit" if depth in ("8", "16") else f"{depth} float" if depth == "half" else "32-bit float"


class LoadImageSequence(Node):
    """Numbered images as a clip, read lazily frame by frame. The path is a pattern
    (plate.####.exr, plate.%04d.exr, plate.{frame}.exr), one file of the sequence, or a folder.
    Alpha comes out as a Mask (opaque when the files have none). EXR values are kept as stored
    (scene-linear, not clipped); 8/16-bit files are scaled to [0, 1]."""
    id = "footage.load_sequence"
    keywords = ("read", "plate", "exr", "dpx", "import")
    title = "Load Image Sequence"
    category = "Input"
    timing = SOURCE
    outputs = (Out("video", "Video"), Out("alpha", "Mask"))
    params = (Path("path", "", mode="open", filters=SEQ_FILTER,
                   help="plate.####.exr, plate.%04d.png, plate.{frame}.tif, one file of it, or a folder"),
              Float("fps", 24.0, min=1.0, max=240.0, help="frames per second of the sequence"),
              Choice("gaps", "hold", choices=("hold", "close", "error"),
                     help="missing frame numbers: hold the previous frame (keeps timing), close up, or stop"),
              Int("first", 0, min=0, max=10_000_000, help="first frame number to use; 0 = the first found"),
              Int("last", 0, min=0, max=10_000_000, help="last frame number to use; 0 = the last found"))

    @classmethod
    def preflight(cls, params, base_dir):
        """The frames are found (one folder listing) and, with gaps held, make a clip no longer
        than MAX_CLIP_FRAMES; gaps set to 'error' with frames missing is refused too."""
        if not params.get("path"):
            return ["no image sequence chosen"]
        seq = cls._select(S.find_sequence(params["path"]), params)
        if seq.gaps and params["gaps"] == "error":
            return [f"{seq.n_missing:,} missing frame(s) in {os.path.basename(seq.pattern)}: numbers "
                    f"{seq.gaps_text()} (gaps is set to error)"]
        why = S.span_problem(seq) if seq.gaps and params["gaps"] == "hold" else None
        return [why] if why else []

    @classmethod
    def first_frame(cls, params, base_dir):
        """The first frame of the frames chosen (one folder listing, one header, one file read)."""
        if not params.get("path"):
            return None
        seq = cls._select(S.find_sequence(params["path"]), params)
        w, h = S.image_size(seq.files[0])  # the header: a frame past the limits is refused unread
        why = check_frame_size(w, h, f"frame '{os.path.basename(seq.files[0])}'")
        if why:
            raise MediaError(why)
        return S.read_frame(seq.files[0])[0]

    @staticmethod
    def _select(seq: S.Sequence, p) -> S.Sequence:
        """The frames between 'first' and 'last' (0: the first / last found)."""
        if not (p["first"] or p["last"]):
            return seq
        lo, hi = p["first"] or seq.numbers[0], p["last"] or seq.numbers[-1]
        keep = [k for k, n in enumerate(seq.numbers) if lo <= n <= hi]
        if not keep:
            raise MediaError(f"no frames of {seq.pattern} between {lo} and {hi} "
                             f"(found {S.ranges(seq.numbers[:200])}{' ...' if len(seq.numbers) > 200 else ''})")
        return replace(S.make_sequence(seq.pattern, {seq.numbers[k]: seq.files[k] for k in keep}),
                       others=seq.others)

    def run(self, ctx, **_):
        p = ctx.params
        seq = self._select(S.find_sequence(resolve_input(ctx, p.path)), p)
        others = seq.others
        if others:
            ctx.warn(f"the folder holds other sequences too, using {os.path.basename(seq.pattern)} "
                     f"({len(seq.files)} frames); not used: {', '.join(others)}")
        order = None  # every file once
        if seq.gaps:
            names = [os.path.basename(seq.name_of(n)) for n in seq.missing_head(8)]
            more = f" and {seq.n_missing - 8:,} more" if seq.n_missing > 8 else ""
            what = (f"{seq.n_missing:,} missing frame(s) in {os.path.basename(seq.pattern)}: numbers "
                    f"{seq.gaps_text()} ({', '.join(names)}{more})")
            if p.gaps == "error":
                raise MediaError(what)
            if p.gaps == "hold":
                why = S.span_problem(seq)
                if why:
                    raise MediaError(why)
                order = S.HeldOrder(seq.numbers)
                ctx.warn(what + "; each is shown as the frame before it")
            else:
                ctx.warn(what + "; closed up, so the clip is shorter than the number range")
        self._check_sizes(ctx, seq)
        clip = S.SequenceClip(seq, p.fps, order)
        alpha = S.SequenceAlphaClip(clip)
        _, a, depth = S.read_frame(seq.files[0])
        ctx.info(f"{os.path.basename(seq.pattern)}: {len(clip)} frames {clip.width}x{clip.height}, "
                 + _depth_words(depth)
                 + (", with alpha" if a is not None else ", no alpha (the mask is opaque)"))
        return {"video": clip, "alpha": alpha}

    @staticmethod
    def _check_sizes(ctx, seq: S.Sequence) -> None:
        sizes = [S.image_size(f) for f in seq.files]  # headers only
        odd = [k for k, s in enumerate(sizes) if s != sizes[0]]
        if odd:
            shown = ", ".join(f"{os.path.basename(seq.files[k])} ({sizes[k][0]}x{sizes[k][1]})" for k in odd[:6])
            more = f" and {len(odd) - 6} more" if len(odd) > 6 else ""
            raise MediaError(f"frames differ in size: {os.path.basename(seq.files[0])} is "
                             f"{sizes[0][0]}x{sizes[0][1]} but {shown}{more}; resize them to one size first")


class SaveImageSequence(Node):
    """Write each frame as a numbered image: PNG or TIFF (8/16 bit), JPEG (8 bit) or EXR
    (half/float). An optional Mask is written as the alpha channel. Each file is written
    atomically, so a cancelled render leaves whole frames only."""
    id = "footage.save_sequence"
    keywords = ("write", "render", "exr", "export")
    title = "Save Image Sequence (EXR/PNG/TIFF)"
    category = "Output"
    timing = CLIP
    is_output = True
    streams_input = "video"  # writes frames in order: a long clip comes in as it is made
    inputs = (In("video", "Video"), In("alpha", "Mask", optional=True, help="written as the alpha channel"))
    outputs = (Out("video", "Video"),)
    params = (Path("path", "render/frame.####.exr", mode="save", filters=SEQ_FILTER,
                   help="a pattern: frame.####.exr, frame.%04d.png or frame.{frame}.tif (folders are created)"),
              Choice("depth", "auto", choices=("auto", "8", "16", "half", "float"),
                     help="bits per channel; auto: 16 for PNG/TIFF, half for EXR, 8 for JPEG"),
              Int("start_number", -1, min=-1, max=10_000_000,
                  help="number of the first file; -1 = the frame's own number"),
              Int("quality", 95, min=1, max=100, help="JPEG quality"),
              Choice("exr_compression", "zip", choices=S.EXR_COMPRESSIONS,
                     help="EXR: zip and piz are lossless; dwaa is lossy and small; none reads fastest"))

    @classmethod
    def preflight(cls, params, base_dir):
        """The file name is a frame pattern (parsed, never evaluated) with an extension to write."""
        return sequence_name_problems(params.get("path") or "")

    def run(self, ctx, video, alpha=None):
        p = ctx.params
        path = with_frame_token(ctx, p.path)
        base = os.path.basename(path)
        ext = os.path.splitext(base)[1].lower()
        if ext not in S.WRITE_DEPTHS:
            raise MediaError(f"cannot write '{ext or base}' frames (use {', '.join(S.WRITE_DEPTHS)})")
        depth = p.depth if p.depth != "auto" else {".exr": "half", ".jpg": "8", ".jpeg": "8"}.get(ext, "16")
        if alpha is not None and (alpha.width, alpha.height) != (video.width, video.height):
            raise MediaError(f"the alpha is {alpha.width}x{alpha.height}, the video {video.width}x{video.height}")
        folder = os.path.dirname(os.path.abspath(path))
        os.makedirs(folder, exist_ok=True)
        rng = ctx.frames_to_render(video.n_frames)
        written = []
        for k, i in enumerate(rng):
            ctx.progress(k + 1, len(rng), frame=i)
            number = i if p.start_number < 0 else p.start_number + k
            name = S.frame_name(os.path.abspath(path), number)
            a = alpha.frame(min(i, alpha.n_frames - 1)) if alpha is not None else None
            S.write_frame(name, video.frame(i), a, depth, p.quality, p.exr_compression)
            written.append(name)
        if written:
            ctx.info(f"wrote {len(written)} {_depth_words(depth)} {ext} frames in {folder}: "
                     f"{os.path.basename(written[0])} .. {os.path.basename(written[-1])}")
        return video
