"""A control clip drawn from tracks (VideoX-Fun's and EasyAnimate's 'control trajectory', KJNodes'
CreateShapeImageOnPath): the tracks a spline editor saves, read into Studio's Spline Tracks (Merge Tracks where a
node lists several editors' coordinates), drawn by Studio's Track Shapes, wired to the generator's input.

Told by declared types, not by the names of the nodes: a drawer gives pictures from a wired text of coordinates
(a STRING it declares as an input, never a widget) and nothing of a model; a track editor gives that text as its first
text output from its saved 'coordinates' (a widget holding lists of {x, y} points); a node joining editors' texts
takes only wired texts and declares no setting. How the editor samples its curve is read from its declared settings
(points_store, points_to_sample, sampling_method, interpolation, tension, mask_width, mask_height), the points sampled
again and compared with those the file saved: where they differ by more than a pixel (the editor keeps an older
sampling of a spline that was not the one edited), the saved points are read (Tracks from Coordinates). What a drawer
draws is read from its declared shape settings (shape, frame size, shape size, colours, blur, intensity, trailing,
border); a drawer declaring none draws in a way its declaration does not say, so only the one of VideoX-Fun's
(CreateTrajectoryBasedOnKJNodes: a Gaussian blob on black sized by the frame, the frame the size of the mask it is
given) is read by its name. Functions on the builder ``b``; plain data and stdlib."""
from __future__ import annotations

import json
import math


from .. import catalogue
from ..finishing.finish import save_node
from ..reading.workflow import CNode
from .kinds import OUTPUTS

SPLINE, COORDS, MERGE, SHAPES = ("motion.spline_tracks", "motion.tracks_from_coordinates", "motion.merge_tracks",
                                 "motion.track_shapes")
# what the drawer draws is not in its declaration (two inputs, no setting): VideoX-Fun's comfyui_nodes.py, read for
# meaning: a 200-px Gaussian (sigma 40) cut at its circle, resized into a box of 50 px * sqrt(area / 1280x720) about
# each point, on black, the frame the size of the mask it is given
DRAWN_BY_NAME = {"CreateTrajectoryBasedOnKJNodes": "gaussian"}
SHAPE_NAMES = frozenset({"circle", "square", "triangle"})
SAMPLINGS = frozenset({"path", "time", "controlpoints", "speed"})
INTERPOLATIONS = frozenset({"linear", "cardinal", "monotone", "basis", "step-before", "step-after", "bezier"})
COLOURS = {"white": "#ffffff", "black": "#000000", "red": "#ff0000", "green": "#008000", "lime": "#00ff00",
           "blue": "#0000ff", "yellow": "#ffff00", "cyan": "#00ffff", "magenta": "#ff00ff", "gray": "#808080",
           "grey": "#808080", "orange": "#ffa500", "purple": "#800080"}
MAX_JOINED = 64
TOLERANCE = 1.0  # pixels: the editor's samples read as the Studio node's where none is further off


def _type(n: CNode):
    return catalogue.node_type(n.shown_cls) or catalogue.node_type(n.cls)


def settings(n: CNode) -> dict:
    """``n``'s settings by name: as read, else its saved values by the order its type declares its settings, where
    each is of the declared type (a UI file saving more values than declared: SplineEditor's trailing ones)."""
    if n.widgets:
        return n.widgets
    t, raw = _type(n), n.raw if isinstance(n.raw, list) else None
    declared = [i for i in t.inputs if i.widget] if t is not None else []
    if not raw or len(raw) < len(declared):
        return {}
    out = {}
    for i, v in zip(declared, raw):
        ok = (isinstance(v, str) if i.type == "STRING" else
              isinstance(v, int) and not isinstance(v, bool) if i.type == "INT" else
              isinstance(v, (int, float)) and not isinstance(v, bool) if i.type == "FLOAT" else
              v in i.options if i.type == "COMBO" and i.options else True)
        if not ok:
            return {}
        out[i.name] = v
    return out


def _tracks(text) -> list[list[tuple[float, float]]] | None:
    """The tracks a saved text of coordinates holds (a list of {x, y} points, or a list of such lists), else None."""
    try:
        data = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None
    if isinstance(data, list) and data and all(isinstance(q, dict) for q in data):
        data = [data]
    if not isinstance(data, list) or not data:
        return None
    out = []
    for t in data:
        if not isinstance(t, list) or not t or not all(
                isinstance(q, dict) and all(isinstance(q.get(k), (int, float)) and not isinstance(q.get(k), bool)
                                            and math.isfinite(q.get(k)) for k in ("x", "y")) for q in t):
            return None
        out.append([(float(q["x"]), float(q["y"])) for q in t])
    return out


def editor_tracks(n: CNode, slot: int):
    """The tracks editor ``n`` gives on output ``slot``: its saved 'coordinates' where the slot is its first text
    output; else None."""
    t = _type(n)
    if t is None or not n.enabled:
        return None
    texts = [i for i, o in enumerate(t.outputs) if o.type == "STRING"]
    if not texts or slot != texts[0] or not any(i.widget and i.name == "coordinates" for i in t.inputs):
        return None
    return _tracks(settings(n).get("coordinates"))


def _joiner(n: CNode) -> bool:
    """A node taking only wired texts, with no setting of its own, giving one text (a list of the texts)."""
    t = _type(n)
    return (t is not None and n.enabled and t.output_types == ("STRING",) and bool(t.inputs)
            and all(i.type == "STRING" and not i.widget for i in t.inputs) and bool(n.links))


def editors(wf, n: CNode, port: str, depth: int = 0) -> list[CNode] | None:
    """The editors whose tracks reach ``n``'s ``port`` (through joiners), in order; None where anything else does."""
    s = n.links.get(port)
    src = wf.nodes.get(s[0]) if s else None
    if src is None or depth > MAX_JOINED:
        return None
    if editor_tracks(src, s[1]) is not None:
        return [src]
    if not _joiner(src):
        return None
    out: list[CNode] = []
    for p in _type(src).inputs:
        if p.name in src.links:
            got = editors(wf, src, p.name, depth + 1)
            if got is None:
                return None
            out += got
    return out or None


def _drawer(n: CNode) -> tuple[str, str] | None:
    """(its coordinates input, 'shapes' or 'gaussian') where ``n`` draws pictures from a wired text of coordinates."""
    t = _type(n)
    if t is None or not t.outputs or t.outputs[0].type != "IMAGE":
        return None
    wired = [i for i in t.inputs if not i.widget]
    texts = [i.name for i in wired if i.type == "STRING"]
    if len(texts) != 1 or any(i.type not in ("STRING", "MASK", "FLOAT", "INT") for i in wired):
        return None
    shape = next((i for i in t.inputs if i.widget and i.name == "shape" and i.options), None)
    if shape is not None and set(shape.options) <= SHAPE_NAMES:
        return texts[0], "shapes"
    style = DRAWN_BY_NAME.get(n.shown_cls) or DRAWN_BY_NAME.get(n.cls)
    return (texts[0], style) if style else None


def _colour(v) -> str | None:
    if isinstance(v, str):
        s = v.strip().lower()
        if s in COLOURS:
            return COLOURS[s]
        if len(s) == 7 and s[0] == "#" and all(c in "0123456789abcdef" for c in s[1:]):
            return s
        parts = [p.strip() for p in s.strip("()[]").split(",")]
        if len(parts) == 3 and all(p.isdigit() and int(p) <= 255 for p in parts):
            return "#%02x%02x%02x" % tuple(int(p) for p in parts)
    return None


def _int(v) -> int | None:
    return int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) else None


def _spline(b, ed: CNode, said: list[str]) -> tuple[str, str]:
    """Spline Tracks for editor ``ed`` (one however often read), or Tracks from Coordinates of its saved points where
    its points sampled again are not those it saved."""
    key = f"{ed.id}<tracks"
    if key in b.loaded:
        return b.loaded[key], "keypoints"
    w = settings(ed)
    saved = _tracks(w.get("coordinates")) or []
    width, height = _int(w.get("mask_width")), _int(w.get("mask_height"))
    params = {"splines": w.get("points_store"), "points": _int(w.get("points_to_sample")),
              "sampling": w.get("sampling_method"), "interpolation": w.get("interpolation"),
              "tension": w.get("tension"), "width": width, "height": height}
    off = _resampled_off(params, saved)
    if off is not None and off <= TOLERANCE:
        nid = b.add(SPLINE, params, ed)
    else:
        whole = [[{"x": round(x), "y": round(y)} for x, y in t] for t in saved]
        p = {"coordinates": json.dumps(whole, separators=(",", ":")), "width": width, "height": height}
        nid = b.add(COORDS, p, ed)
        why = (f"its points sampled again are up to {round(off, 1):g} px from those it saved (the editor keeps "
               "an older sampling of a spline it was not editing)" if off is not None else
               "how it samples its curve is not one Studio's Spline Tracks makes")
        said.append(f"{ed.named()}: {why}: the points it saved are read, as Tracks from Coordinates (whole pixels, as "
                    "it gives them)")
    b.loaded[key] = nid
    b.used.add(ed.id)
    return nid, "keypoints"


def _resampled_off(params: dict, saved) -> float | None:
    """How far (pixels, at most) the editor's control points sampled as Spline Tracks samples them are from the points
    it saved; None where its settings are not Spline Tracks' or the two differ in shape."""
    from studio.core.spline_path import read_splines, sampled  # (numpy: loaded only where an editor's drawn tracks
    # are read, never by loading the converter)
    if params["sampling"] not in SAMPLINGS or params["interpolation"] not in INTERPOLATIONS or not saved or \
            not isinstance(params["tension"], (int, float)) or not params["points"] or not params["width"]:
        return None
    try:
        splines = read_splines(params["splines"])
    except Exception:  # noqa: BLE001 - (not points Spline Tracks reads: the saved ones are)
        return None
    if len(splines) != len(saved):
        return None
    worst = 0.0
    for (pts, single), track in zip(splines, saved):
        mine = sampled(pts, params["points"], params["sampling"], params["interpolation"], float(params["tension"]),
                       params["width"], single)
        if len(mine) != len(track):
            return None
        worst = max(worst, max(max(abs(a - x), abs(c - y)) for (a, c), (x, y) in zip(mine.tolist(), track)))
    return worst


def control(b, node: CNode, port: str, into: str, said: list[str]) -> tuple[str, str] | None:
    """Studio's Track Shapes (over Spline Tracks) for the drawn tracks wired into ``node``'s ``port`` (the generator's
    ``into``), said; None where that is not a drawing of editors' tracks Studio reads."""
    wf = b.wf
    s = node.links.get(port)
    drawer = wf.nodes.get(s[0]) if s else None
    if drawer is None or not drawer.enabled or s[1] != 0 or (kind := _drawer(drawer)) is None:
        return None
    found = editors(wf, drawer, kind[0])
    if not found:
        return None
    params, lines = _shape_params(wf, drawer, kind[1], found)
    if params is None:
        return None
    ends = [_spline(b, ed, said) for ed in found]
    out = ends[0]
    for other in ends[1:]:
        m = b.add(MERGE, {}, drawer)
        b.g.connect(*out, m, "a")
        b.g.connect(*other, m, "b")
        out = (m, "keypoints")
    nid = b.add(SHAPES, params, drawer)
    b.g.connect(*out, nid, "keypoints")
    joined = [x for x in _between(wf, drawer, kind[0]) if x.id not in {e.id for e in found}]
    b.used |= {drawer.id, *(x.id for x in joined), *(e.id for e in found)}
    names = ", ".join(e.named() for e in found)
    what = ("Gaussian blobs on black" if kind[1] == "gaussian" else
            f"a {params['shape']} of {params.get('shape_width', 128)}x{params.get('shape_height', 128)} px at each "
            "point")
    size = f", {params['width']}x{params['height']}" if params.get("width") else ""
    said.append(f"{drawer.named()} draws the tracks of {names}"
                + (f" (listed by {', '.join(x.named() for x in joined)})" if joined else "")
                + f" as {what}{size}, the control clip {node.of(port)} reads: made as Studio's "
                + " and ".join(sorted({b.g.registry.get(b.g.nodes[e[0]].type_id).title for e in ends}))
                + (" (one for each editor), Merge Tracks" if len(found) > 1 else "")
                + f" and Track Shapes, wired to the generator's '{into}'")
    said += lines
    said += _saved(b, drawer, nid, [e[0] for e in ends if b.g.nodes[e[0]].type_id in (SPLINE, COORDS)])
    return nid, "video"


def _saved(b, drawer: CNode, nid: str, tracks: list[str]) -> list[str]:
    """Studio's saves for the saves reading the drawer's pictures themselves (VideoX-Fun's 'Trajectory Outputs'), at
    the save's frame rate (the tracks' own), said."""
    lines = []
    for r in sorted(b.wf.nodes.values(), key=lambda x: x.id):
        if r.cls not in OUTPUTS or not r.enabled or r.id in b.used or \
                not any(v and v[0] == drawer.id and v[1] == 0 for v in r.links.values()):
            continue
        rate = b.wf.value(r, "frame_rate")
        if isinstance(rate, (int, float)) and not isinstance(rate, bool) and 1 <= rate <= 240:
            for t in tracks:  # (the clip drawn is as fast as its tracks)
                b.g.nodes[t].params["fps"] = float(rate)
        sv = save_node(b, r)
        b.g.connect(nid, "video", sv, "video")
        b.used.add(r.id)
        lines.append(f"{r.named()} writes the control clip {drawer.named()} draws: Studio's "
                     f"{b.g.registry.get(b.g.nodes[sv].type_id).title} of Track Shapes")
    return lines


def _between(wf, n: CNode, port: str, depth: int = 0) -> list[CNode]:
    """The joiners between ``n``'s ``port`` and its editors."""
    s = n.links.get(port)
    src = wf.nodes.get(s[0]) if s else None
    if src is None or depth > MAX_JOINED or not _joiner(src):
        return []
    return [src] + [x for p in src.links for x in _between(wf, src, p, depth + 1)]


def _shape_params(wf, d: CNode, style: str, found: list[CNode]) -> tuple[dict | None, list[str]]:
    """Track Shapes' settings for drawer ``d`` and the sentences of what is not taken; (None, []) where its frame's
    size cannot be known."""
    lines: list[str] = []
    if style == "gaussian":  # its frame: the mask it is given, an editor's (mask_width x mask_height)
        s = next((v for k, v in d.links.items() if _type(d) and any(i.name == k and i.type == "MASK"
                                                                   for i in _type(d).inputs)), None)
        ed = next((e for e in found if s and e.id == s[0]), None)
        w, h = (_int(settings(ed).get("mask_width")), _int(settings(ed).get("mask_height"))) if ed else (None, None)
        if not w or not h:
            return None, []
        return {"shape": "gaussian", "width": w, "height": h, "scale": False}, lines
    v = {k: wf.value(d, k) for k in ("shape", "frame_width", "frame_height", "shape_width", "shape_height",
                                      "shape_color", "bg_color", "blur_radius", "intensity", "trailing", "border_width",
                                      "border_color")}
    w, h = _int(v["frame_width"]), _int(v["frame_height"])
    if not w or not h or v["shape"] not in SHAPE_NAMES:
        return None, []
    params = {"shape": v["shape"], "width": w, "height": h, "scale": False,
              "shape_width": _int(v["shape_width"]), "shape_height": _int(v["shape_height"]),
              "blur": v["blur_radius"], "intensity": v["intensity"], "trailing": v["trailing"],
              "border": _int(v["border_width"])}
    for k, into in (("shape_color", "color"), ("bg_color", "background"), ("border_color", "border_color")):
        if v[k] is None:
            continue
        c = _colour(v[k])
        if c is None:
            lines.append(f"{d.where(k)} {str(v[k])[:40]!r} is not a colour Studio reads: Track Shapes' '{into}' keeps "
                         "its own; set it")
        params[into] = c
    if "size_multiplier" in d.links:
        lines.append(f"{d.where('size_multiplier')} (the shape's size frame by frame, wired) is not taken: Track Shapes "
                     "draws every frame's shape at 'shape_width' x 'shape_height'")
    return {k: x for k, x in params.items() if x is not None}, lines
