"""A node pack's save of a video Studio has no rule for, read by the shape of its declared types (issue 112, item 2;
heldout18 09: a WebM-with-alpha save after a background removal, no pack in the catalogue declaring it): an output
node (its pack declares OUTPUT_NODE; an uncatalogued node: what its UI or API file lists) with no output or only
texts or file names out (STRING, VHS_FILENAMES), one picture socket wired (IMAGE; an AUDIO beside it kept), a frame
rate setting and a file name setting, and no setting that sends or uploads. Read as VideoHelperSuite's Video
Combine (Studio's Save Video: its rate, file name prefix, sound, save_output), or, where its format names still
pictures (PNG, JPEG...), as ComfyUI's SaveImage (Studio's picture save, PNG). One sentence a node: what it is read
as, and what Studio does not write of it (a WebM, a GIF, a ProRes: Studio writes an H.264 MP4, which keeps no
transparency; its other settings). A preview (no file name setting), a still's save (no rate) and a sender stay
what they were. Plain data and stdlib."""
from __future__ import annotations

import re
from typing import Any

from .. import catalogue
from ..reading.workflow import CNode, Workflow
from .shapes import declared_of, placed, settings_of, shown, unread

PICTURES = ("IMAGE",)
SOUND = "AUDIO"
NAMES_OUT = ("STRING", "VHS_FILENAMES")  # what a save gives: the names of the files it wrote
RATE = re.compile(r"^(frame_?rate|fps|framerate|frames_per_second)$", re.I)
NAME = re.compile(r"^(filename_prefix|filename|file_name|prefix|output_name|name_prefix|save_prefix)$", re.I)
FORMAT = re.compile(r"^(format|codec|video_format|file_format|extension|container|vcodec)$", re.I)
SENDS = re.compile(r"url|http|webhook|endpoint|host|token|api_key|upload|send|server|discord|telegram|websocket|"
                   r"link_id|bucket", re.I)
FRAMES = re.compile(r"^(images?|frames|video_frames|pictures)$", re.I)  # a save's picture input, by its name
H264 = ("video/h264-mp4", "h264-mp4", "mp4", "h264", "libx264", "avc", "h.264", "auto")
STILLS = ("png", "jpg", "jpeg", "tif", "tiff", "bmp", "exr", "image/png", "image/jpeg", "png sequence",
          "png_sequence", "jpg sequence")
KEPT = ("save_output", "pingpong", "trim_to_audio")  # Video Combine's own switches, said or applied as for it


def _output_node(wf: Workflow, n: CNode, outs: list[str]) -> bool:
    """Its pack declares it an output node; an uncatalogued node: nothing out, or only texts or file names. A
    declared node that is no output node but gives only a file's name, wired on (catalog6: bluee-utils' H.264 writer
    feeding an upload its path), is run by ComfyUI for what reads that name: a writer all the same (an unwired one
    is not run)."""
    t = catalogue.node_type(n.shown_cls)
    if t is not None and t.inputs is not None:
        names = all(o in NAMES_OUT for o in t.output_types)
        return names and (t.output_node or bool(t.output_types) and n.out_links > 0)
    return all(o in NAMES_OUT for o in outs)


def _source_type(wf: Workflow, n: CNode, k: str) -> str:
    """The type of what input ``k`` is given, as its source declares it (an API file types no socket of its own)."""
    src, slot = n.links[k]
    m = wf.nodes.get(src)
    t = catalogue.node_type(m.shown_cls) if m is not None else None
    types = list(t.output_types) if t is not None and t.outputs is not None else list(m.out_types) if m else []
    if not types and m is not None and t is None and slot == 0 and FRAMES.match(k):
        return _finished(wf, m)  # an uncatalogued step of an API file, untyped, between the pictures and the save
    return types[slot] if 0 <= slot < len(types) else ""


def _finished(wf: Workflow, m: CNode) -> str:
    """IMAGE where uncatalogued node ``m`` (an API file saves no types of its own) is given pictures on one input
    alone, by its source's declared type, and gives its first output to a save's frames (heldout93 01: a finishing
    node between VAE Decode and a pack's MP4 save, its sound beside them): the pictures it passes on, or changes as
    Studio cannot know (said where it is passed over), are the save's frames; else ''."""
    given = [k for k in m.links if _source_type(wf, m, k) in PICTURES]
    return PICTURES[0] if len(given) == 1 else ""


def _outputs(n: CNode, outs: list[str], declared: bool) -> str:
    if not declared and not n.in_types and not n.out_types:  # (an API file saves no output of its own)
        return "nothing read from it" if not outs else f"only {', '.join(sorted(set(outs)))} read from it"
    return "no output" if not outs else f"only {', '.join(sorted(set(outs)))} out"


def _still_format(v: Any) -> bool:
    return isinstance(v, str) and v.strip().lower().lstrip(".") in STILLS


def _parts(wf: Workflow, n: CNode) -> dict | None:
    """What a save of ``n``'s shape is read with (its picture and sound inputs, its rate, file name, formats and
    other settings), or None where its shape is not a save's."""
    ins, outs = declared_of(wf, n)
    if not ins or not _output_node(wf, n, outs):
        return None
    wired = [(k, t or _source_type(wf, n, k)) for k, t, w in ins if not w and k in n.links]
    pictures = [k for k, t in wired if t in PICTURES]
    sound = [k for k, t in wired if t == SOUND]
    if len(pictures) != 1 or len(sound) > 1 or len(wired) != 1 + len(sound):
        return None  # another input wired (a mask, a batch manager, a VAE): what it carries would be lost
    settings, by_place = settings_of(n, ins)
    names = [k for k, _, w in ins if w] or [k for k in settings if isinstance(k, str)]
    if any(SENDS.search(k) for k in names):
        return None  # a node that sends or uploads its pictures: not a save
    rate = next((k for k in names if RATE.match(k)), None)
    name = next((k for k in names if NAME.match(k)), None)
    if rate is None or name is None:
        return _unnamed(wf, n, outs, pictures[0], sound, settings)  # a preview (no file), a still's save (no rate)
    value = wf.value(n, rate) if rate in n.links else settings.get(rate)
    if rate not in n.links and (isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0):
        return None
    formats = {k: settings.get(k) for k in names if FORMAT.match(k) and k not in n.links}
    other = [f"{k} {shown(v)}" for k, v in settings.items() if isinstance(k, str) and k not in (rate, name)
             and k not in formats and k not in KEPT and k not in n.links and not k.startswith("#")]
    other += [f"{k} (wired)" for k in n.links if k not in (rate, name, pictures[0], *sound)]
    t = catalogue.node_type(n.shown_cls)
    declared = t is not None
    kind = ("an output node its pack declares" if t.output_node else "a node its pack declares (not an output node: "
            "run for the node its file name is wired to)") if t is not None else "a node"
    told = (f"{kind} with "
            f"{_outputs(n, outs, declared)}, a picture input "
            f"'{pictures[0]}', a frame rate '{rate}' and a file name '{name}'")
    return {"picture": pictures[0], "sound": sound[0] if sound else None, "settings": settings, "rate": rate,
            "value": value, "name": name, "prefix": settings.get(name) if name not in n.links else None,
            "formats": formats, "other": other, "told": f"{told}){placed(by_place, n)}",
            "where": f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"}


def _unnamed(wf: Workflow, n: CNode, outs: list[str], picture: str, sound: list[str], settings: dict) -> dict | None:
    """The parts of a save its UI file names none of the settings of (heldout98 09, 10: Pixaroma's MP4 save, its
    values saved by place alone, a MiniMax H3 take and its sound given to it): an uncatalogued node listing no output,
    given the frames on a frames' input (and a sound), where no node of the workflow is an output node by a declared
    type, so that ComfyUI, which runs a workflow from its output nodes, runs it from this one: read as a video output,
    its settings not read (what each is, is not known); None for any other node."""
    if catalogue.node_type(n.shown_cls) is not None or not n.in_types or outs or not FRAMES.match(picture) \
            or any(not str(k).startswith("#") for k in settings):
        return None
    for m in wf.nodes.values():
        t = catalogue.node_type(m.shown_cls) if m.enabled and m is not n else None
        if t is not None and t.output_node:
            return None  # (another output node: this one may be a display, or another pack's node)
    other = [f"{k} {shown(v)}" for k, v in settings.items()] or (
        [f"#{i} {shown(v)}" for i, v in enumerate(n.raw)] if isinstance(n.raw, list) else [])  # (by place, as saved)
    told = (f"a node no pack in Studio's catalogue declares, its UI file listing no output and naming none of its "
            f"settings, given the frames on '{picture}'{f' and a sound on {sound[0]!r}' if sound else ''}, where no "
            "node is an output node by a declared type (ComfyUI runs a workflow from those: it runs this one))")
    return {"picture": picture, "sound": sound[0] if sound else None, "settings": settings, "rate": None,
            "value": None, "name": None, "prefix": None, "formats": {}, "other": other, "told": told,
            "where": f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"}


def _as_pictures(n: CNode, p: dict) -> str:
    """``n`` as ComfyUI's SaveImage (Studio's Save Image Sequence: pictures, one a frame), said."""
    prefix = p["prefix"] if isinstance(p["prefix"], str) and p["prefix"].strip() else "ComfyUI"
    n.origin, n.cls, n.widgets, n.links = n.shown_cls, "SaveImage", {"filename_prefix": prefix}, {
        "images": n.links[p["picture"]]}
    if p["picture"] != "images":
        n.ports["images"] = p["picture"]
    fmt = ", ".join(f"{k} {shown(v)}" for k, v in p["formats"].items())
    line = (f"{p['where']} saves the frames as pictures ({fmt}), told by its types ({p['told']}: read as ComfyUI's "
            f"SaveImage (Studio writes the frames as PNG pictures, one a frame); its rate {shown(p['value'])} "
            "is not written (pictures have none)")
    other = p["other"] + [f"{k} {shown(v)}" for k, v in p["formats"].items() if str(v).strip().lower().lstrip(".")
                          not in ("png", "image/png")]  # (another picture format: written as PNG)
    if p["sound"]:
        other.append(f"{p['sound']} (wired: pictures keep no sound)")
    if other:
        line += f"; its {', '.join(other)} {'are' if len(other) > 1 else 'is'} not applied"
    return line


def _as_video(n: CNode, p: dict) -> str:
    """``n`` as VideoHelperSuite's Video Combine writing an H.264 MP4 (Studio's Save Video), said."""
    rate, name, sound = p["rate"], p["name"], p["sound"]
    prefix = p["prefix"] if isinstance(p["prefix"], str) and p["prefix"].strip() else "ComfyUI"
    widgets = {"filename_prefix": prefix}  # (no format: Video Combine's door reads H.264; what is not, said here once)
    links, ports = {"images": n.links[p["picture"]]}, {}
    if p["picture"] != "images":
        ports["images"] = p["picture"]
    if rate is None:
        pass  # (a save whose settings its file does not name: written at the take's own rate, said)
    elif rate in n.links:
        links["frame_rate"] = n.links[rate]
    else:
        widgets["frame_rate"] = p["value"]
    if sound:
        links["audio"] = n.links[sound]
        if sound != "audio":
            ports["audio"] = sound
    if name is not None and name in n.links:
        links["filename_prefix"] = n.links[name]
    widgets.update({k: p["settings"][k] for k in KEPT if isinstance(p["settings"].get(k), bool)})
    n.origin, n.cls, n.widgets, n.links = n.shown_cls, "VHS_VideoCombine", widgets, links
    n.ports.update(ports)
    at = ("the take's own rate (the generator's)" if rate is None else f"its rate {shown(p['value'])}"
          if rate not in n.links else f"the rate wired into its '{rate}'")
    line = (f"{p['where']} saves a video, told by its types ({p['told']}: read as a video output, which Studio's Save "
            f"Video writes at {at}")
    lost = {k: v for k, v in p["formats"].items() if not (isinstance(v, str) and v.strip().lower() in H264)}
    if lost:
        line += (f"; as an H.264 MP4 (which keeps no transparency), not with its "
                 f"{', '.join(f'{k} {shown(v)}' for k, v in lost.items())}: Studio writes no other")
    if p["other"] and rate is None:
        line += (f"; its settings, which its file does not name, {', '.join(p['other'])}, are not read (what each is, "
                 "is not known)")
    elif p["other"]:
        line += (f"; its {', '.join(p['other'])} {'are' if len(p['other']) > 1 else 'is'} not applied (Studio's Save "
                 "Video has no such setting)")
    return line


def _read(wf: Workflow, n: CNode) -> tuple[str, str] | None:
    """The sentence of ``n`` read as a save, and the one said instead where Studio makes nothing for it (its task held:
    heldout27 04's "read as a video output, which Studio's Save Video writes at its rate 16" of a held loop)."""
    p = _parts(wf, n)
    if p is None:
        return None
    pictures = any(_still_format(v) for v in p["formats"].values())
    line = _as_pictures(n, p) if pictures else _as_video(n, p)
    what = "the frames as pictures" if pictures else "a video"
    return line, (f"{p['where']} saves {what}, told by its types ({p['told']}: read as "
                  f"{'a picture save' if pictures else 'a video output'}, not made: Studio makes nothing it saves, so "
                  "none of it is written")


def said(wf: Workflow) -> list[tuple[str, str, str]]:
    """Each node of a video save's shape rewritten in place as the save Studio reads: (its id, its sentence, the
    sentence where nothing is made for it: mapping.unmade_saves)."""
    out = []
    for n in list(unread(wf)):
        if read := _read(wf, n):
            out.append((n.id, *read))
            wf.__dict__.pop("_consumers", None)  # (its links renamed: the table of who reads whom made again)
    return out


def translate(wf: Workflow) -> list[str]:
    """Each node of a video save's shape rewritten in place as the save Studio reads; one sentence each."""
    return [line for _, line, _ in said(wf)]
