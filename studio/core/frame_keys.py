"""Keyed-by-frame prompts written as text in a parameter, read and written in one place: Segment's
clicks and boxes, and Control Mask's shape keys. The node that runs them and the viewer that edits
them (studio.ui.preview.mask_edit) both use these functions, so what the viewer writes is what the
node reads. Coordinates are fractions of the frame (0..1), so they hold at any size.

Segment: ``'0: +0.52 0.40, -0.10 0.20; 12: box 0.30 0.30 0.60 0.70'``: per frame, clicks
(``+`` keep, ``-`` leave out) and at most one box (x0 y0 x1 y1).

Control Mask: ``'0: 0.5 0.5 0.3 0.3; 24: 0.7 0.5 0.3 0.3'``: per frame, centre x, centre y,
width, height; a polygon: ``'0: 0.2 0.2, 0.8 0.2, 0.5 0.8; 24: ...'``: per frame, its points (x y),
the same number in every key (each point moves from key to key)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .errors import StudioError


@dataclass
class FramePrompt:
    """What is given at one frame: clicks (x, y, positive) and at most one box (x0, y0, x1, y1)."""
    points: list[tuple[float, float, bool]] = field(default_factory=list)
    box: tuple[float, float, float, float] | None = None


def _num(tok: str, where: str) -> float:
    try:
        return float(tok)
    except ValueError:
        raise StudioError(f"{where}: '{tok}' is not a number") from None


def parse_prompts(text: str) -> dict[int, FramePrompt]:
    """Segment's clicks and boxes by frame. Every coordinate must lie on the frame (0..1): a click
    outside it is refused here, so before a run (validate calls it)."""
    out: dict[int, FramePrompt] = {}
    for part in text.replace("\n", ";").split(";"):
        if not part.strip():
            continue
        f, sep, rest = part.partition(":")
        if not sep or not f.strip().isdigit():
            raise StudioError(f"'{part.strip()}' is not 'frame: +x y, -x y, box x0 y0 x1 y1' "
                              "(e.g. 0: +0.5 0.4)")
        if not f.strip().isascii() or len(f.strip()) > 9:  # '²' is a digit to isdigit, not to int()
            shown = f.strip() if len(f.strip()) <= 12 else f.strip()[:12] + f"… ({len(f.strip()):,} digits)"
            raise StudioError(f"frame '{shown}' is not a frame number (0 to 999999999 in the digits 0-9)")
        frame = int(f)
        fp = out.setdefault(frame, FramePrompt())
        for item in rest.split(","):
            toks = item.split()
            if not toks:
                continue
            where = f"frame {frame}, '{item.strip()}'"
            if toks[0] == "box":
                if len(toks) != 5:
                    raise StudioError(f"{where}: a box is 'box x0 y0 x1 y1'")
                x0, y0, x1, y1 = (_num(t, where) for t in toks[1:])
                if not (x0 < x1 and y0 < y1):
                    raise StudioError(f"{where}: a box needs x0 < x1 and y0 < y1")
                coords = (x0, y0, x1, y1)
                if fp.box is not None:
                    raise StudioError(f"frame {frame} has two boxes: one box a frame")
                fp.box = coords
            else:
                sign = toks[0][0] if toks[0][:1] in "+-" else "+"
                toks = [toks[0].lstrip("+-")] + toks[1:] if toks[0][:1] in "+-" else toks
                toks = [t for t in toks if t]
                if len(toks) != 2:
                    raise StudioError(f"{where}: a click is '+x y' (keep) or '-x y' (leave out)")
                coords = (_num(toks[0], where), _num(toks[1], where))
                fp.points.append((coords[0], coords[1], sign == "+"))
            if not all(0.0 <= c <= 1.0 for c in coords):
                raise StudioError(f"{where} lies outside the frame: coordinates are fractions of the frame, 0 to 1")
    return {f: p for f, p in sorted(out.items()) if p.points or p.box is not None}


def format_prompts(prompts: dict[int, FramePrompt]) -> str:
    parts = []
    for f in sorted(prompts):
        p = prompts[f]
        items = ([f"box {p.box[0]:.4g} {p.box[1]:.4g} {p.box[2]:.4g} {p.box[3]:.4g}"] if p.box else []) + \
            [f"{'+' if pos else '-'}{x:.4g} {y:.4g}" for x, y, pos in p.points]
        if items:
            parts.append(f"{f}: " + ", ".join(items))
    return "; ".join(parts)


SHAPE_RANGE = 10.0  # a centre from -10 to 10 and a size up to 10 frames: well past the frame, never overflowing


def parse_shape_keys(text: str) -> list[tuple[int, tuple[float, float, float, float]]]:
    """'0: 0.5 0.5 0.3 0.3; 24: 0.7 0.5 0.3 0.3' -> [(frame, (cx, cy, w, h))], sorted by frame.
    Values are fractions of the frame (centre x, centre y, width, height): a frame 0 or more, a
    centre from -SHAPE_RANGE to SHAPE_RANGE, a size from 0 to SHAPE_RANGE (nan and inf refused)."""
    keys: dict[int, tuple[float, float, float, float]] = {}
    for part in text.replace("\n", ";").split(";"):
        if not part.strip():
            continue
        f, sep, rest = part.partition(":")
        vals = rest.replace(",", " ").split()
        try:
            if not sep or len(vals) != 4:
                raise ValueError
            frame, v = int(f), tuple(float(x) for x in vals)
        except ValueError:
            raise StudioError(f"shape key '{part.strip()}' is not 'frame: cx cy w h' (fractions of the frame, "
                              "e.g. 0: 0.5 0.5 0.3 0.3)") from None
        if frame < 0:
            raise StudioError(f"shape key '{part.strip()}': the frame must be 0 or more")
        if not all(abs(c) <= SHAPE_RANGE for c in v[:2]) or not all(0 <= d <= SHAPE_RANGE for d in v[2:]):
            raise StudioError(f"shape key '{part.strip()}': the centre must be from {-SHAPE_RANGE:g} to "
                              f"{SHAPE_RANGE:g} and the width and height from 0 to {SHAPE_RANGE:g} (fractions of the "
                              "frame; not nan or inf)")
        keys[frame] = v  # type: ignore[assignment]
    if not keys:
        raise StudioError("no shape keys: give at least one 'frame: cx cy w h'")
    return sorted(keys.items())


def format_shape_keys(keys: list[tuple[int, tuple[float, float, float, float]]]) -> str:
    return "; ".join(f"{f}: " + " ".join(f"{v:.4g}" for v in s) for f, s in sorted(keys))


def shape_at(keys: list[tuple[int, tuple[float, float, float, float]]], i: int) -> tuple[float, ...]:
    """The shape at frame ``i``: linear between keys, held before the first and after the last."""
    if i <= keys[0][0]:
        return tuple(keys[0][1])
    for (fa, a), (fb, b) in zip(keys, keys[1:]):
        if i <= fb:
            t = (i - fa) / max(1, fb - fa)
            return tuple(x + (y - x) * t for x, y in zip(a, b))
    return tuple(keys[-1][1])


Polygon = tuple[tuple[float, float], ...]
MIN_POLYGON = 3  # points


def parse_polygon_keys(text: str) -> list[tuple[int, Polygon]]:
    """'0: 0.2 0.2, 0.8 0.2, 0.5 0.8; 24: ...' -> [(frame, ((x, y), ...))], sorted by frame. Points
    are fractions of the frame from -SHAPE_RANGE to SHAPE_RANGE (nan and inf refused); a key has at
    least MIN_POLYGON points and every key the same number (a point moves between keys)."""
    keys: dict[int, Polygon] = {}
    for part in text.replace("\n", ";").split(";"):
        if not part.strip():
            continue
        f, sep, rest = part.partition(":")
        pairs = [item.split() for item in rest.split(",")]
        try:
            if not sep or any(len(xy) != 2 for xy in pairs):
                raise ValueError
            frame, pts = int(f), tuple((float(x), float(y)) for x, y in pairs)
        except ValueError:
            raise StudioError(f"polygon key '{part.strip()}' is not 'frame: x y, x y, x y' (points as fractions "
                              "of the frame, e.g. 0: 0.2 0.2, 0.8 0.2, 0.5 0.8)") from None
        if frame < 0:
            raise StudioError(f"polygon key '{part.strip()}': the frame must be 0 or more")
        if len(pts) < MIN_POLYGON:
            raise StudioError(f"polygon key at frame {frame} has {len(pts)} point(s): a polygon needs "
                              f"{MIN_POLYGON} or more")
        if not all(abs(c) <= SHAPE_RANGE for xy in pts for c in xy):
            raise StudioError(f"polygon key at frame {frame}: points must be from {-SHAPE_RANGE:g} to "
                              f"{SHAPE_RANGE:g} (fractions of the frame; not nan or inf)")
        keys[frame] = pts
    if not keys:
        raise StudioError("no polygon: draw one on the frame in the viewer (click its points, then the first "
                          "again) or type 'frame: x y, x y, x y'")
    out = sorted(keys.items())
    f0, p0 = out[0]
    for f, p in out[1:]:
        if len(p) != len(p0):
            raise StudioError(f"polygon key at frame {f} has {len(p)} points, the key at frame {f0} has "
                              f"{len(p0)}: every key needs the same points (each moves from key to key)")
    return out


def format_polygon_keys(keys: list[tuple[int, Polygon]]) -> str:
    return "; ".join(f"{f}: " + ", ".join(f"{x:.4g} {y:.4g}" for x, y in pts) for f, pts in sorted(keys))


def polygon_at(keys: list[tuple[int, Polygon]], i: int) -> Polygon:
    """The polygon at frame ``i``: each point linear between keys, held before the first and after the last."""
    flat = shape_at([(f, tuple(c for xy in pts for c in xy)) for f, pts in keys], i)
    return tuple(zip(flat[0::2], flat[1::2]))


TrackKey = tuple[int, float, float, bool]  # frame, x, y (fractions of the frame), visible
HIDDEN = "hidden"


def parse_track_keys(text: str, max_tracks: int | None = None) -> list[list[TrackKey]]:
    """Drawn Tracks' keys: '0: 0.2 0.3, 24: 0.6 0.3; 0: 0.5 0.5, 12: 0.5 0.7 hidden' -> one list of
    keys (frame, x, y, visible) per track, each sorted by frame. Tracks are separated by ';' (or a
    new line), a track's keys by ','; 'hidden' after a key's point hides the track from that key to
    the next. Points are fractions of the frame from -SHAPE_RANGE to SHAPE_RANGE (nan and inf
    refused); a frame 0 or more, once a track; at most ``max_tracks`` tracks. Empty text: none."""
    tracks: list[list[TrackKey]] = []
    for part in text.replace("\n", ";").split(";"):
        if not part.strip():
            continue
        n = len(tracks) + 1
        if max_tracks is not None and n > max_tracks:
            raise StudioError(f"more than {max_tracks} tracks: at most {max_tracks}")
        keys: dict[int, TrackKey] = {}
        for item in part.split(","):
            if not item.strip():
                continue
            f, sep, rest = item.partition(":")
            vals = rest.split()
            hidden = bool(vals) and vals[-1].lower() == HIDDEN
            vals = vals[:-1] if hidden else vals
            try:
                if not sep or len(vals) != 2:
                    raise ValueError
                frame, x, y = int(f), float(vals[0]), float(vals[1])
            except ValueError:
                raise StudioError(f"track {n}, key '{item.strip()}' is not 'frame: x y' or 'frame: x y hidden' "
                                  "(the point as fractions of the frame, e.g. 0: 0.5 0.4)") from None
            if frame < 0:
                raise StudioError(f"track {n}, key '{item.strip()}': the frame must be 0 or more")
            if not all(abs(c) <= SHAPE_RANGE for c in (x, y)):
                raise StudioError(f"track {n}, key at frame {frame}: the point must be from {-SHAPE_RANGE:g} to "
                                  f"{SHAPE_RANGE:g} (fractions of the frame; not nan or inf)")
            if frame in keys:
                raise StudioError(f"track {n} has two keys at frame {frame}: one key a frame")
            keys[frame] = (frame, x, y, not hidden)
        if not keys:
            raise StudioError(f"track {n} has no keys: give 'frame: x y' (separate tracks with ';', keys with ',')")
        tracks.append(sorted(keys.values()))
    return tracks


def format_track_keys(tracks: list[list[TrackKey]]) -> str:
    return "; ".join(", ".join(f"{f}: {x:.4g} {y:.4g}" + ("" if vis else f" {HIDDEN}") for f, x, y, vis in sorted(t))
                     for t in tracks if t)


def track_at(keys: list[TrackKey], i: int) -> tuple[float, float, bool]:
    """A track at frame ``i``: its point linear between keys, held before the first and after the
    last; visible as its last key at or before ``i`` says (before the first key: as the first)."""
    x, y = shape_at([(f, (kx, ky)) for f, kx, ky, _ in keys], i)
    vis = keys[0][3]
    for f, _, _, v in keys:
        if f > i:
            break
        vis = v
    return x, y, vis
