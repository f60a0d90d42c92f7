"""A drawn spline as a path, and the points a track editor samples along it: the geometry of KJNodes' SplineEditor
(its web editor builds an SVG path from the control points by the chosen interpolation and samples it; read for
meaning at kijai/ComfyUI-KJNodes 3f20054, web/js/editors/interpolation.js and spline_editor_canvas.js; nothing of
it is copied or run). The path is a list of segments (a line, a quadratic or a cubic Bezier curve, each as its
control points), flattened finely to measure lengths as a browser's getPointAtLength does. Plain numpy."""
from __future__ import annotations

import numpy as np

from studio.core import json_limits
from studio.core.errors import StudioError

INTERPOLATIONS = ("linear", "cardinal", "monotone", "basis", "step-before", "step-after", "bezier", "catmull-rom")
SAMPLINGS = ("path", "time", "controlpoints", "speed", "uniform")
FINE = 256  # pieces each curved segment is measured in
MAX_SPLINES = 1000
MAX_CONTROL_POINTS = 10_000


def _cardinal_tangents(p: np.ndarray, tension: float) -> np.ndarray:
    """Tangents at the inner points (n - 2 of them): (1 - tension) / 2 times the chord between the neighbours."""
    return (1.0 - tension) / 2.0 * (p[2:] - p[:-2])


def _monotone_tangents(p: np.ndarray) -> np.ndarray:
    """A tangent at every point keeping y monotone between points (Fritsch-Carlson, as protovis' monotone)."""
    n = len(p)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = (p[1:, 1] - p[:-1, 1]) / (p[1:, 0] - p[:-1, 0])
    m = np.concatenate([[d[0]], (d[:-1] + d[1:]) / 2, [d[-1]]])
    dx = np.concatenate([[p[1, 0] - p[0, 0]], (p[2:, 0] - p[:-2, 0]) / 2, [p[-1, 0] - p[-2, 0]]])
    for i in range(n - 1):
        if abs(d[i]) < 1e-7:
            m[i] = m[i + 1] = 0.0
    for i in range(n - 1):
        if abs(m[i]) >= 1e-5 and abs(m[i + 1]) >= 1e-5:
            a, b = m[i] / d[i], m[i + 1] / d[i]
            s = a * a + b * b
            if s > 9:
                k = 3 / np.sqrt(s)
                m[i], m[i + 1] = k * a * d[i], k * b * d[i]
    denom = 1 + m * m
    return np.stack([dx / 3 / denom, m * dx / 3 / denom], -1)


def _hermite(p: np.ndarray, t: np.ndarray) -> list[np.ndarray]:
    """Segments through the points with the tangents ``t``: one per point (monotone) or one per inner point
    (cardinal: a quadratic curve at each end)."""
    quad = len(p) != len(t)
    segs: list[np.ndarray] = []
    cur, k = p[0], 1
    if quad:
        segs.append(np.stack([p[0], p[1] - t[0] * 2 / 3, p[1]]))
        cur, k = p[1], 2
    prev_t, last = t[0], p[1] if quad else p[0]
    if len(t) > 1:
        h, j = p[k], t[1]
        segs.append(np.stack([cur, cur + t[0], h - j, h]))
        k += 1
        prev_end, prev_c2 = h, h - j
        for idx in range(2, len(t)):
            h, j = p[k], t[idx]
            segs.append(np.stack([prev_end, 2 * prev_end - prev_c2, h - j, h]))  # SVG 'S': the reflected control
            prev_end, prev_c2 = h, h - j
            k += 1
        last, prev_t = prev_end, j
    if quad:
        segs.append(np.stack([last, last + prev_t * 2 / 3, p[k]]))
    return segs


def _basis(p: np.ndarray) -> list[np.ndarray]:
    """The cubic B-spline through the points' hull, its ends pinned (protovis' basis)."""
    segs: list[np.ndarray] = []
    cur = p[0]

    def seg(b0, b1, b2, b3):
        nonlocal cur
        c1, c2 = 2 / 3 * b1 + 1 / 3 * b2, 1 / 3 * b1 + 2 / 3 * b2
        end = 1 / 6 * b1 + 2 / 3 * b2 + 1 / 6 * b3
        segs.append(np.stack([cur, c1, c2, end]))
        cur = end
    b = [p[0], p[0], p[0], p[1]]
    seg(*b)
    for i in range(2, len(p)):
        b = [b[1], b[2], b[3], p[i]]
        seg(*b)
    b = [b[1], b[2], b[3], b[3]]
    seg(*b)
    b = [b[1], b[2], b[3], b[3]]
    seg(*b)
    return segs


def _bezier(points: list[dict]) -> list[np.ndarray]:
    """Cubic curves between the points by their handles (h1x/h1y before, h2x/h2y after; a quarter of the chord
    between the neighbours where a point has none)."""
    xy = np.array([[q["x"], q["y"]] for q in points], np.float64)
    segs = []
    for i in range(1, len(points)):
        a, b = points[i - 1], points[i]
        ha, hb = _handles(xy, i - 1, a), _handles(xy, i, b)
        segs.append(np.stack([xy[i - 1], ha[1], hb[0], xy[i]]))
    return segs


def _handles(xy: np.ndarray, i: int, q: dict) -> tuple[np.ndarray, np.ndarray]:
    if all(isinstance(q.get(k), (int, float)) for k in ("h1x", "h1y", "h2x", "h2y")):
        return np.array([q["h1x"], q["h1y"]], float), np.array([q["h2x"], q["h2y"]], float)
    d = (xy[min(len(xy) - 1, i + 1)] - xy[max(0, i - 1)]) * 0.25
    return xy[i] - d, xy[i] + d


def segments(points: list[dict], interpolation: str, tension: float) -> list[np.ndarray]:
    """The path's segments ([k, 2] control points each: 2 a line, 3 quadratic, 4 cubic) for the control points
    ``points`` ({'x', 'y'} dicts); an interpolation not listed is drawn as lines, as the editor draws it."""
    p = np.array([[q["x"], q["y"]] for q in points], np.float64)
    if len(p) < 2:
        return []
    if interpolation == "cardinal" and len(p) > 2:
        return _hermite(p, _cardinal_tangents(p, tension))
    if interpolation == "monotone" and len(p) > 2:
        return _hermite(p, _monotone_tangents(p))
    if interpolation == "basis" and len(p) > 2:
        return _basis(p)
    if interpolation == "bezier":
        return _bezier(points)
    if interpolation == "catmull-rom" and len(p) > 2:  # uniform Catmull-Rom, the ends doubled (LTX's track editor)
        q = np.concatenate([p[:1], p, p[-1:]])
        return [np.stack([q[i + 1], q[i + 1] + (q[i + 2] - q[i]) / 6, q[i + 2] - (q[i + 3] - q[i + 1]) / 6, q[i + 2]])
                for i in range(len(q) - 3)]
    if interpolation in ("step-before", "step-after"):
        segs = []
        for a, b in zip(p[:-1], p[1:]):
            mid = np.array([a[0], b[1]]) if interpolation == "step-before" else np.array([b[0], a[1]])
            segs += [np.stack([a, mid]), np.stack([mid, b])]
        return segs
    return [np.stack([a, b]) for a, b in zip(p[:-1], p[1:])]


def flattened(segs: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The path as a fine polyline [M, 2] and the length along it at each of its points [M]."""
    s = np.linspace(0.0, 1.0, FINE + 1)[:, None]
    pieces = []
    for c in segs:
        if len(c) == 2:
            pts = np.stack([c[0], c[1]])
        elif len(c) == 3:
            pts = (1 - s) ** 2 * c[0] + 2 * (1 - s) * s * c[1] + s * s * c[2]
        else:
            pts = (1 - s) ** 3 * c[0] + 3 * (1 - s) ** 2 * s * c[1] + 3 * (1 - s) * s * s * c[2] + s ** 3 * c[3]
        pieces.append(pts if not pieces else pts[1:])
    line = np.concatenate(pieces) if pieces else np.zeros((1, 2))
    length = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(line, axis=0), axis=1))])
    return line, length


def _at_parameter(segs: list[np.ndarray], n: int) -> np.ndarray:
    """'uniform': ``n`` points even in the curve's parameter (each segment as many), not in its length (LTX's track
    editor samples its Catmull-Rom spline so: faster where its control points are further apart)."""
    g = np.arange(n) / (n - 1) * len(segs)
    k = np.minimum(g.astype(np.int64), len(segs) - 1)
    out = np.zeros((n, 2))
    for j in range(len(segs)):
        on = k == j
        s = (g[on] - j)[:, None]
        c = segs[j]
        if len(c) == 2:
            out[on] = (1 - s) * c[0] + s * c[1]
        elif len(c) == 3:
            out[on] = (1 - s) ** 2 * c[0] + 2 * (1 - s) * s * c[1] + s * s * c[2]
        else:
            out[on] = (1 - s) ** 3 * c[0] + 3 * (1 - s) ** 2 * s * c[1] + 3 * (1 - s) * s * s * c[2] + s ** 3 * c[3]
    return out


def at_length(line: np.ndarray, length: np.ndarray, d) -> np.ndarray:
    """The points at lengths ``d`` along the polyline (clamped to its ends)."""
    d = np.clip(np.asarray(d, np.float64), 0.0, length[-1])
    return np.stack([np.interp(d, length, line[:, 0]), np.interp(d, length, line[:, 1])], -1)


def _at_x(line, length, target: float) -> np.ndarray:
    """The editor's search for the point at x ``target`` ('time'): halving the length while the path's x is below
    it, to half a pixel, keeping the nearest point seen."""
    lo, hi = 0.0, float(length[-1])
    best = at_length(line, length, 0.0)
    while hi - lo > 0.5:
        mid = (lo + hi) / 2
        q = at_length(line, length, mid)
        if abs(q[0] - target) < abs(best[0] - target):
            best = q
        if abs(q[0] - target) < 0.5:
            return q
        if q[0] < target:
            lo = mid
        else:
            hi = mid
    return best


def _by_speed(points: list[dict], line, length, n: int) -> np.ndarray:
    """'speed': as many samples between each pair of control points, so the track is faster where they are far
    apart (each control point placed at the nearest of 101 places along the path)."""
    total = float(length[-1])
    if total < 0.001:
        return np.array([[points[0]["x"], points[0]["y"]]], np.float64)
    places = np.linspace(0.0, total, 101)
    where = at_length(line, length, places)
    cps = np.array([[q["x"], q["y"]] for q in points], np.float64)
    pos = np.sort(places[np.argmin(np.linalg.norm(cps[:, None] - where[None], axis=-1), axis=1)])
    dens = 1 / np.maximum(np.diff(pos), 1e-4)
    cum = np.cumsum(dens / dens.sum())
    t = np.arange(n) / (n - 1)
    seg = np.minimum(np.searchsorted(cum, t - 1e-12), len(cum) - 1)
    start = np.where(seg > 0, cum[np.maximum(seg - 1, 0)], 0.0)
    frac = (t - start) / np.maximum(cum[seg] - start, 1e-12)
    d = pos[seg] + frac * (pos[seg + 1] - pos[seg])
    d[0], d[-1] = 0.0, total
    return at_length(line, length, d)


def sampled(points: list[dict], count: int, method: str, interpolation: str, tension: float,
            width: float, single: bool = False) -> np.ndarray:
    """[count, 2] points the editor samples along one spline (``count`` points; 'controlpoints': the control
    points themselves): 'path' evenly along its length, 'time' evenly in x across ``width`` (the editor's frame),
    'speed' as many between each pair of control points, 'uniform' even in the curve's parameter; on 'path' and 'time' the last point's y is the last
    control point's. One point (or ``single``) is held for every sample."""
    if not points:
        return np.zeros((0, 2))
    if method == "controlpoints":
        return np.array([[q["x"], q["y"]] for q in points], np.float64)
    if single or len(points) == 1:
        return np.repeat(np.array([[points[0]["x"], points[0]["y"]]], np.float64), count, 0)
    if count < 2:
        return np.array([[points[0]["x"], points[0]["y"]]], np.float64)
    segs = segments(points, interpolation, tension)
    if method == "uniform":
        return _at_parameter(segs, count)
    line, length = flattened(segs)
    if method == "speed":
        return _by_speed(points, line, length, count)
    if method == "time":
        out = np.stack([_at_x(line, length, width / (count - 1) * i) for i in range(count)])
    else:
        out = at_length(line, length, length[-1] / (count - 1) * np.arange(count))
    out[-1, 1] = points[-1]["y"]
    return out


def read_splines(text: str) -> list[tuple[list[dict], bool]]:
    """The splines of the 'splines' text: each its control points ({'x', 'y'}, handles kept) and whether it is one
    point held; a list of splines ('[{"points": [...]}, ...]', as the editor saves them) or one spline's points
    ('[{"x": .., "y": ..}, ...]'), or a list of such lists (LTX's track editor). Refused in words."""
    try:
        data = json_limits.loads(text or "[]")
    except ValueError as e:
        raise StudioError(f"'splines' is not JSON: {e}") from None
    if isinstance(data, list) and data and all(isinstance(q, dict) and "points" not in q for q in data):
        data = [{"points": data}]
    elif isinstance(data, list) and data and all(isinstance(q, list) for q in data):  # a list of splines' points
        data = [{"points": q} for q in data]
    if not isinstance(data, list) or not data:
        raise StudioError("'splines' has no splines: a list of splines, each {\"points\": [{\"x\": .., \"y\": ..}, ...]}")
    if len(data) > MAX_SPLINES:
        raise StudioError(f"'splines': {len(data)} splines, at most {MAX_SPLINES}")
    out = []
    for j, s in enumerate(data, 1):
        pts = s.get("points") if isinstance(s, dict) else None
        if not isinstance(pts, list) or not pts or len(pts) > MAX_CONTROL_POINTS:
            raise StudioError(f"'splines': spline {j} has no list of points (1 to {MAX_CONTROL_POINTS:,})")
        for i, q in enumerate(pts, 1):
            if not (isinstance(q, dict) and all(isinstance(q.get(k), (int, float)) and not isinstance(q.get(k), bool)
                                                and np.isfinite(q.get(k)) for k in ("x", "y"))):
                raise StudioError(f"'splines': spline {j}, point {i} is not a point {{\"x\": .., \"y\": ..}}")
        out.append((pts, bool(s.get("isSinglePoint"))))
    return out
