"""A control clip drawn from tracks (VideoX-Fun's and EasyAnimate's 'control trajectory', KJNodes'
CreateShapeImageOnPath, LTX-2's motion-track drawing): the editors' tracks (track_editors: Spline Tracks, Merge Tracks
where a node lists several editors' coordinates) drawn by Studio's Track Shapes, wired to the generator's input; the
drawn clip's own saves made (drawn_saves).

Told by declared types, not by the names of the nodes: a drawer gives pictures from a wired text of coordinates and
nothing of a model. What it draws is read from its declared shape settings (shape, frame size, shape size, colours,
blur, intensity, trailing, border); a drawer declaring none draws in a way its declaration does not say, so only
VideoX-Fun's (CreateTrajectoryBasedOnKJNodes: a Gaussian blob on black sized by the frame, the frame the size of the
mask it is given) and LTX's (LTXVDrawTracks: an age trail) are read by their names. Functions on the builder ``b``;
plain data and stdlib."""
from __future__ import annotations

from ..families import registry as families
from ..reading.workflow import CNode
from ..tracing.resizes import is_resize, scale_params
from . import drawn_saves
from .track_editors import COORDS, MAX_JOINED, SPLINE, editors, integer, joiner, node_type, settings, tracks_node

MERGE, SHAPES = "motion.merge_tracks", "motion.track_shapes"
# what the drawer draws is not in its declaration (two inputs, no setting): VideoX-Fun's comfyui_nodes.py, read for
# meaning: a 200-px Gaussian (sigma 40) cut at its circle, resized into a box of 50 px * sqrt(area / 1280x720) about
# each point, on black, the frame the size of the mask it is given
DRAWN_BY_NAME = {"CreateTrajectoryBasedOnKJNodes": "gaussian"}  # (and the families' 'track_drawers': LTX's)
SHAPE_NAMES = frozenset({"circle", "square", "triangle"})
COLOURS = {"white": "#ffffff", "black": "#000000", "red": "#ff0000", "green": "#008000", "lime": "#00ff00",
           "blue": "#0000ff", "yellow": "#ffff00", "cyan": "#00ffff", "magenta": "#ff00ff", "gray": "#808080",
           "grey": "#808080", "orange": "#ffa500", "purple": "#800080"}


def _drawer(n: CNode) -> tuple[str, str] | None:
    """(its coordinates input, 'shapes', 'gaussian' or 'age trail') where ``n`` draws pictures from a wired text of
    coordinates."""
    t = node_type(n)
    if t is None or not t.outputs or t.outputs[0].type != "IMAGE":
        return None
    wired = [i for i in t.inputs or () if not i.widget or i.name in n.links]  # (a setting turned into an input: wired)
    texts = [i.name for i in wired if i.type == "STRING"]
    if len(texts) != 1 or any(i.type not in ("STRING", "MASK", "FLOAT", "INT") for i in wired):
        return None
    shape = next((i for i in t.inputs or () if i.widget and i.name == "shape" and i.options), None)
    if shape is not None and set(shape.options) <= SHAPE_NAMES:
        return texts[0], "shapes"
    named = {**DRAWN_BY_NAME, **families.lookup("track_drawers")}
    style = named.get(n.shown_cls) or named.get(n.cls)
    return (texts[0], style) if style else None


def _colour(v) -> str | None:
    """'#rrggbb' for a colour as KJNodes' shape nodes take it (a name, '#rrggbb', 'r, g, b'), else None."""
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


def control(b, node: CNode, port: str, into: str, said: list[str]) -> tuple[str, str] | None:
    """Studio's Track Shapes (over Spline Tracks) for the drawn tracks wired into ``node``'s ``port`` (the generator's
    ``into``), said; None where that is not a drawing of editors' tracks Studio reads."""
    wf = b.wf
    s = node.links.get(port)
    drawer = wf.nodes.get(s[0]) if s else None
    resize, behind = _resize(drawer) or (None, None)  # (one resize of the drawn pictures on the way: LTX's to a
    if resize is not None:  # multiple of 32)
        s, drawer = behind, wf.nodes.get(behind[0])
    if drawer is None or not drawer.enabled or s[1] != 0 or (kind := _drawer(drawer)) is None:
        return None
    found = editors(wf, drawer, kind[0])
    if not found:
        return None
    params, lines = _shape_params(wf, drawer, kind[1], found)
    if params is None:
        return None
    frame = (drawer, params["width"], params["height"]) if params.get("width") and params.get("height") else None
    ends = [tracks_node(b, ed, said, frame) for ed in found]  # (an editor giving no frame: the drawer's)
    out = ends[0]
    for other in ends[1:]:
        m = b.add(MERGE, {}, drawer)
        b.g.connect(*out, m, "a")
        b.g.connect(*other, m, "b")
        out = (m, "keypoints")
    nid = b.add(SHAPES, params, drawer)
    b.g.connect(*out, nid, "keypoints")
    b.loaded[f"{drawer.id}>shapes"] = nid  # (a save's merge of the take with it: finishing.tracks_merged)
    made = _resized(b, resize, nid, node.of(port), said)
    joined = [x for x in _between(wf, drawer, kind[0]) if x.id not in {e.id for e in found}]
    b.used |= {drawer.id, *(x.id for x in joined), *(e.id for e in found)}
    names = ", ".join(e.named() for e in found)
    what = ("Gaussian blobs on black" if kind[1] == "gaussian" else "an age trail (each track's last 50 points as "
            "dots growing and turning from blue to red)" if kind[1] == "age trail" else
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
    said += drawn_saves.saved(b, drawer, nid, [e[0] for e in ends if b.g.nodes[e[0]].type_id in (SPLINE, COORDS)],
                              made if made[0] != nid else None)
    return made


def _resize(n: CNode | None) -> tuple[CNode, tuple[str, int]] | None:
    """(``n``, the link of its one picture input) where ``n`` is an enabled resize of one picture input."""
    if n is None or not n.enabled or not is_resize(n) or (t := node_type(n)) is None:
        return None
    pics = [i.name for i in t.inputs or () if (i.type == "IMAGE" or "MATCHTYPE" in i.type) and i.name in n.links]  # (a
    # V3 node's input of the type it is given: ResizeImageMaskNode's)
    return (n, n.links[pics[0]]) if len(pics) == 1 else None


def _resized(b, resize: CNode | None, nid: str, where: str, said: list[str]) -> tuple[str, str]:
    """Track Shapes' video through Studio's Scale where ``resize`` (between the drawer and ``where``) has a fixed
    size; else as drawn (the resize left to its own sentence, not applied)."""
    params = scale_params(b.wf, resize) if resize is not None else None
    if not params:
        return nid, "video"
    sid = b.add("transform.scale", params, resize)
    b.g.connect(nid, "video", sid, "video")
    b.used.add(resize.id)
    said.append(f"{resize.named()} resizes the drawn clip on its way to {where}: Studio's Scale")
    return sid, "video"


def _between(wf, n: CNode, port: str, depth: int = 0) -> list[CNode]:
    """The joiners between ``n``'s ``port`` and its editors."""
    s = n.links.get(port)
    src = wf.nodes.get(s[0]) if s else None
    if src is None or depth > MAX_JOINED or not joiner(src):
        return []
    return [src] + [x for p in src.links for x in _between(wf, src, p, depth + 1)]


def _shape_params(wf, d: CNode, style: str, found: list[CNode]) -> tuple[dict | None, list[str]]:
    """Track Shapes' settings for drawer ``d`` and the sentences of what is not taken; (None, []) where its frame's
    size cannot be known."""
    lines: list[str] = []
    if style == "age trail":  # its frame: its width x height, else the tracks' own (the picture they are drawn on)
        w, h = integer(wf.value(d, "width")), integer(wf.value(d, "height"))
        return {"shape": "age trail", "width": w or 0, "height": h or 0, "scale": False}, lines
    if style == "gaussian":  # its frame: the mask it is given, an editor's (mask_width x mask_height)
        s = next((v for k, v in d.links.items() if node_type(d) and any(i.name == k and i.type == "MASK"
                                                                   for i in node_type(d).inputs)), None)
        ed = next((e for e in found if s and e.id == s[0]), None)
        w, h = (integer(settings(ed).get("mask_width")), integer(settings(ed).get("mask_height"))) if ed else (None, None)
        if not w or not h:
            return None, []
        return {"shape": "gaussian", "width": w, "height": h, "scale": False}, lines
    v = {k: wf.value(d, k) for k in ("shape", "frame_width", "frame_height", "shape_width", "shape_height",
                                      "shape_color", "bg_color", "blur_radius", "intensity", "trailing", "border_width",
                                      "border_color")}
    w, h = integer(v["frame_width"]), integer(v["frame_height"])
    if not w or not h or v["shape"] not in SHAPE_NAMES:
        return None, []
    params = {"shape": v["shape"], "width": w, "height": h, "scale": False,
              "shape_width": integer(v["shape_width"]), "shape_height": integer(v["shape_height"]),
              "blur": v["blur_radius"], "intensity": v["intensity"], "trailing": v["trailing"],
              "border": integer(v["border_width"])}
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
