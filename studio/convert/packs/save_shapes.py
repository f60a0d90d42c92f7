"""A node pack's save of a video Studio has no rule for, read by the shape of its declared types (issue 112, item 2;
heldout18 09: a WebM-with-alpha save after a background removal, no pack in the catalogue declaring it): an output
node (its pack declares OUTPUT_NODE; an uncatalogued node: what its UI or API file lists) with no output or only file
names out (STRING, VHS_FILENAMES), one picture socket wired (IMAGE; an AUDIO beside it kept), a frame rate setting and
a file name setting, and no setting that sends or uploads. Read as VideoHelperSuite's Video Combine (Studio's Save
Video: its rate, file name prefix, sound, save_output), or, where its format names still pictures (PNG, JPEG...), as
ComfyUI's SaveImage (Studio's Save Image Sequence). One sentence a node: what it is read as, and what Studio does not
write of it (a WebM, a GIF, a ProRes: Studio writes an H.264 MP4, which keeps no transparency; its other settings).
A preview (no file name setting), a still's save (no rate) and a sender stay what they were. Plain data and stdlib."""
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
H264 = ("video/h264-mp4", "h264-mp4", "mp4", "h264", "libx264", "avc", "h.264", "auto")
STILLS = ("png", "jpg", "jpeg", "tif", "tiff", "bmp", "exr", "image/png", "image/jpeg", "png sequence",
          "png_sequence", "jpg sequence")
KEPT = ("save_output", "pingpong", "trim_to_audio")  # Video Combine's own switches, said or applied as for it


def _output_node(wf: Workflow, n: CNode, outs: list[str]) -> bool:
    """Its pack declares it an output node; an uncatalogued node: nothing out, or only file names (unread)."""
    t = catalogue.node_type(n.shown_cls)
    if t is not None and t.inputs is not None:
        return t.output_node and all(o in NAMES_OUT for o in t.output_types)
    return all(o in NAMES_OUT for o in outs)


def _still_format(v: Any) -> bool:
    return isinstance(v, str) and v.strip().lower().lstrip(".") in STILLS


def _read(wf: Workflow, n: CNode) -> str | None:
    ins, outs = declared_of(wf, n)
    if not ins or not _output_node(wf, n, outs):
        return None
    sockets = [(k, t) for k, t, w in ins if not w]
    wired = [(k, t) for k, t in sockets if k in n.links]
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
        return None  # a preview (no file), a still's save (no rate)
    value = wf.value(n, rate) if rate in n.links else settings.get(rate)
    if rate not in n.links and (isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0):
        return None
    prefix = settings.get(name) if name not in n.links else None
    formats = {k: settings.get(k) for k in names if FORMAT.match(k) and k not in n.links}
    stills = any(_still_format(v) for v in formats.values())
    other = [f"{k} {shown(v)}" for k, v in settings.items() if isinstance(k, str) and k not in (rate, name)
             and k not in formats and k not in KEPT and k not in n.links and not k.startswith("#")]
    other += [f"{k} (wired)" for k in n.links if k not in (rate, name, pictures[0], *sound)]
    lost = {k: v for k, v in formats.items() if not (isinstance(v, str) and v.strip().lower() in H264)}
    links = {"images": n.links[pictures[0]]}
    ports = {"images": pictures[0]} if pictures[0] != "images" else {}
    where = f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"
    declared = catalogue.node_type(n.shown_cls) is not None
    told = (f"{'an output node its pack declares' if declared else 'a node'} with "
            f"{'no output' if not outs else 'only file names out'}, a picture input "
            f"'{pictures[0]}', a frame rate '{rate}' and a file name '{name}'")
    if stills:  # pictures, one a frame: ComfyUI's SaveImage (Studio's Save Image Sequence)
        n.origin, n.cls, n.widgets, n.links = n.shown_cls, "SaveImage", {"filename_prefix": prefix or "ComfyUI"}, links
        n.ports.update(ports)
        fmt = ", ".join(f"{k} {shown(v)}" for k, v in formats.items())
        line = (f"{where} saves the frames as pictures ({fmt}), told by its types ({told}){placed(by_place, n)}: read "
                f"as ComfyUI's SaveImage (Studio's Save Image Sequence writes PNG pictures, one a frame); its rate "
                f"{shown(value)} is not written (pictures have none)")
        other += [f"{k} {shown(v)}" for k, v in formats.items() if str(v).strip().lower().lstrip(".") not in (
            "png", "image/png")]  # (another picture format: written as PNG)
        if sound:
            other.append(f"{sound[0]} (wired: pictures keep no sound)")
        if other:
            line += f"; its {', '.join(other)} {'are' if len(other) > 1 else 'is'} not applied"
        return line
    widgets = {"filename_prefix": prefix if isinstance(prefix, str) and prefix.strip() else "ComfyUI",
               "format": "video/h264-mp4"}  # (what Studio writes instead said here, once)
    if rate in n.links:
        links["frame_rate"] = n.links[rate]
    else:
        widgets["frame_rate"] = value
    if sound:
        links["audio"] = n.links[sound[0]]
        if sound[0] != "audio":
            ports["audio"] = sound[0]
    if name in n.links:
        links["filename_prefix"] = n.links[name]
    widgets.update({k: settings[k] for k in KEPT if isinstance(settings.get(k), bool)})
    n.origin, n.cls, n.widgets, n.links = n.shown_cls, "VHS_VideoCombine", widgets, links
    n.ports.update(ports)
    line = (f"{where} saves a video, told by its types ({told}){placed(by_place, n)}: read as a video output, "
            f"written by Studio's Save Video at its rate {shown(value) if rate not in n.links else '(wired)'}")
    if lost:
        line += (f"; written as an H.264 MP4 (which keeps no transparency), not with its "
                 f"{', '.join(f'{k} {shown(v)}' for k, v in lost.items())}: Studio writes no other")
    if other:
        line += (f"; its {', '.join(other)} {'are' if len(other) > 1 else 'is'} not applied (Studio's Save Video has "
                 "no such setting)")
    return line


def translate(wf: Workflow) -> list[str]:
    """Each node of a video save's shape rewritten in place as the save Studio reads; one sentence each."""
    return [line for n in list(unread(wf)) if (line := _read(wf, n))]
