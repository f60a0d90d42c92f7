"""The tracks a spline editor saves (KJNodes' SplineEditor, LTX's track editor), read into Studio's Spline Tracks
(or, where its points sampled again are not those it saved, Tracks from Coordinates of the saved ones), for a drawing
of them (drawn_tracks). Told by declared types: an editor gives a text of coordinates as its first text output from
its saved 'coordinates' (a widget holding lists of {x, y} points); a node joining editors' texts takes only wired
texts and declares no setting. How it samples its curve is read from its declared settings (points_store,
points_to_sample, sampling_method, interpolation, tension, mask_width, mask_height); an editor declaring none samples
in a way its declaration does not say (LTX's, read by its name). Its frame: its mask size, else the picture it is
drawn on, given to Spline Tracks' 'plate' once the generator's inputs are made (``plates``). Functions on the builder
``b``; plain data and stdlib (numpy loaded only where an editor's tracks are sampled again)."""
from __future__ import annotations

import json
import math

from .. import catalogue
from ..families import registry as families
from ..reading.workflow import CNode
from ..tracing.walks import find_loader

SPLINE, COORDS = "motion.spline_tracks", "motion.tracks_from_coordinates"
SAMPLINGS = frozenset({"path", "time", "controlpoints", "speed", "uniform"})
INTERPOLATIONS = frozenset({"linear", "cardinal", "monotone", "basis", "step-before", "step-after", "bezier",
                            "catmull-rom"})
MAX_JOINED = 64
TOLERANCE = 1.0  # pixels: the editor's samples read as the Studio node's where none is further off


def _sampled_by_name(n: CNode) -> tuple[str, str] | None:
    """(sampling, interpolation) of an editor declaring no sampling settings, which samples its points again when it
    runs, as its family's 'track_editors' hook says (LTX's sparse track editor)."""
    named = families.lookup("track_editors")
    return named.get(n.shown_cls) or named.get(n.cls)


def node_type(n: CNode):
    return catalogue.node_type(n.shown_cls) or catalogue.node_type(n.cls)


def settings(n: CNode) -> dict:
    """``n``'s settings by name: as read, else its saved values by the order its type declares its settings, where
    each is of the declared type (a UI file saving more values than declared: SplineEditor's trailing ones)."""
    if n.widgets:
        return n.widgets
    t, raw = node_type(n), n.raw if isinstance(n.raw, list) else None
    declared = [i for i in t.inputs or () if i.widget] if t is not None else []
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
    t = node_type(n)
    if t is None or not n.enabled:
        return None
    texts = [i for i, o in enumerate(t.outputs or ()) if o.type == "STRING"]
    if not texts or slot != texts[0] or not any(i.widget and i.name == "coordinates" for i in t.inputs or ()):
        return None
    w, again = settings(n), _sampled_by_name(n)
    return _tracks(w.get("coordinates")) or (_tracks(w.get("points_store")) if again else None)  # (one sampling
    # again when it runs: its control points, whatever 'coordinates' it saved)


def joiner(n: CNode) -> bool:
    """A node taking only wired texts, with no setting of its own, giving one text (a list of the texts)."""
    t = node_type(n)
    return (t is not None and n.enabled and t.output_types == ("STRING",) and bool(t.inputs)
            and all(i.type == "STRING" and not i.widget for i in t.inputs or ()) and bool(n.links))


def editors(wf, n: CNode, port: str, depth: int = 0) -> list[CNode] | None:
    """The editors whose tracks reach ``n``'s ``port`` (through joiners), in order; None where anything else does."""
    s = n.links.get(port)
    src = wf.nodes.get(s[0]) if s else None
    if src is None or depth > MAX_JOINED:
        return None
    if editor_tracks(src, s[1]) is not None:
        return [src]
    if not joiner(src):
        return None
    out: list[CNode] = []
    for p in node_type(src).inputs:
        if p.name in src.links:
            got = editors(wf, src, p.name, depth + 1)
            if got is None:
                return None
            out += got
    return out or None


def integer(v) -> int | None:
    """``v`` as a whole number where it is a finite number, else None."""
    return int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) else None


def tracks_node(b, ed: CNode, said: list[str], frame: tuple | None = None) -> tuple[str, str]:
    """Spline Tracks for editor ``ed`` (one however often read), or Tracks from Coordinates of its saved points where
    its points sampled again are not those it saved; ``frame``: (the drawer, width, height) the tracks are drawn on as
    pixels, their frame where the editor's settings give none (heldout125 04: not Spline Tracks' own 832x480)."""
    key = f"{ed.id}<tracks"
    if key in b.loaded:
        return b.loaded[key], "keypoints"
    w = settings(ed)
    saved = _tracks(w.get("coordinates")) or []
    width, height = integer(w.get("mask_width")), integer(w.get("mask_height"))
    drawn = frame if frame is not None and not (width and height) else None
    width, height = (drawn[1], drawn[2]) if drawn else (width, height)
    named = _sampled_by_name(ed)
    count = b.wf.value(ed, "points_to_sample") if "points_to_sample" in ed.links else w.get("points_to_sample")
    params = {"splines": w.get("points_store"), "points": integer(count),
              "sampling": w.get("sampling_method"), "interpolation": w.get("interpolation"),
              "tension": w.get("tension", 0.5), "width": width, "height": height}
    if named:
        params["sampling"], params["interpolation"] = named
    off = _resampled_off(params, saved, bool(named))
    if off is not None and (off <= TOLERANCE or named):  # (an editor sampling again when it runs: its points then)
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
    if not width or not height or drawn:
        _plate_pending(b, nid if b.g.nodes[nid].type_id == SPLINE else None, ed, said, drawn)
    return nid, "keypoints"


def _plate_pending(b, nid: str | None, ed: CNode, said: list[str], drawn: tuple | None = None) -> None:
    """An editor whose settings give no frame: its tracks are pixels of the picture it is drawn on (its one picture
    input), given to Spline Tracks' 'plate' once the generator's inputs are made (``plates``); said until then, with
    the frame read meanwhile (``drawn``: the drawer's, else Spline Tracks' own 832x480)."""
    t = node_type(ed)
    port = next((i.name for i in ((t.inputs or ()) if t else ()) if i.type == "IMAGE" and i.name in ed.links), None)
    title = "Spline Tracks" if nid else "Tracks from Coordinates"
    on = f"the {drawn[1]}x{drawn[2]} frame {drawn[0].named()} draws them on" if drawn else "its own 832x480 frame"
    line = (f"{ed.named()}'s tracks are pixels of the picture it is drawn on"
            + (f" (its '{port}')" if port else "") + f", which is not known here: {title} reads them on {on}; "
            + ("wire that picture into its 'plate' (or set its 'width' and 'height')" if nid else
               "set its 'width' and 'height' to that picture's"))
    said.append(line)
    if port and nid:
        b.__dict__.setdefault("track_plates", []).append((nid, ed, port, line))


def plates(b, gen: str, inputs: dict, said: list[str]) -> None:
    """Each Spline Tracks waiting for its plate given the picture the generator's 'image' is given, where the editor
    is drawn on a picture of the same file (its sentence said again, so)."""
    pending, b.__dict__["track_plates"] = b.__dict__.get("track_plates", []), []
    image = b.g.input_link(gen, "image") if "image" in inputs else None
    for nid, ed, port, line in pending:
        found = find_loader(b.wf, ed, port, set(), [])
        if image is None or found is None or b.g.nodes.get(nid) is None or b.g.nodes[nid].type_id != SPLINE or \
                found[0].id != inputs["image"][0].id:
            continue
        src = image
        if b.g.nodes[src.src].type_id == "edit.frame_hold" and b.g.input_link(src.src, "video") is not None:
            src = b.g.input_link(src.src, "video")  # (the picture before it is held as a clip's frames)
        b.g.connect(src.src, src.src_port, nid, "plate")
        if line in said:
            said.remove(line)
        said.append(f"{ed.named()}'s tracks are pixels of the picture it is drawn on (its '{port}'): Spline Tracks "
                    f"reads them on the picture the generator's 'image' is given (from the same file, "
                    f"'{b.file_of(found[0])}'), wired into its 'plate'")


def _resampled_off(params: dict, saved, again: bool = False) -> float | None:
    """How far (pixels, at most) the editor's control points sampled as Spline Tracks samples them are from the points
    it saved; None where its settings are not Spline Tracks' or the two differ in shape."""
    from studio.core.spline_path import read_splines  # (numpy: loaded only where an editor's drawn tracks
    # are read, never by loading the converter)
    if params["sampling"] not in SAMPLINGS or params["interpolation"] not in INTERPOLATIONS or \
            not (saved or again) or \
            not isinstance(params["tension"], (int, float)) or not params["points"] or \
            not (params["width"] or params["sampling"] == "uniform"):
        return None
    try:
        splines = read_splines(params["splines"])
    except Exception:  # noqa: BLE001 - (not points Spline Tracks reads: the saved ones are)
        return None
    if again:  # (an editor sampling again when it runs: its points then, whatever it saved)
        return 0.0 if len(splines) != len(saved) else _worst(splines, saved, params, again)
    if len(splines) != len(saved):
        return None
    return _worst(splines, saved, params, again)


def _worst(splines, saved, params: dict, again: bool) -> float | None:
    """The largest distance (pixels) of the splines sampled again from the points saved; None (0 for an editor
    sampling again when it runs) where their counts differ."""
    from studio.core.spline_path import sampled
    worst = 0.0
    for (pts, single), track in zip(splines, saved):
        mine = sampled(pts, params["points"], params["sampling"], params["interpolation"], float(params["tension"]),
                       params["width"], single)
        if len(mine) != len(track):
            return 0.0 if again else None
        worst = max(worst, max(max(abs(a - x), abs(c - y)) for (a, c), (x, y) in zip(mine.tolist(), track)))
    return worst
