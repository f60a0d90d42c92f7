"""ComfyUI's saves of an animated picture or a WEBM written as one (task anim25): SaveAnimatedWEBP, SaveAnimatedPNG,
SaveWEBM and VideoHelperSuite's Video Combine at 'image/gif', 'image/webp' or 'video/webm' were made Studio's Save
Video, an MP4, said; now the Save Video made for such a save (after the build: every way of the converter makes Save
Video, its rate by a Frame Rate before it) becomes Studio's Save Animation (nodes/save_animation.py) of that format,
with the save's settings: ComfyUI's lossless / quality / method and compress_level, VideoHelperSuite's loop_count and
lossless (its defaults where it declares them: nodes.py, a WEBP lossless unless told), a WEBM's crf (VP9's scale,
0-63). A WEBM's sound (wired into the Save Video: Video Combine's 'audio', a file's sound muxed) is wired into Save
Animation's 'audio' (Opus); a picture holds no sound: its save's sound is not wired (holds_no_sound, read by
takes.sound) and said not written (a clip's own sound said by the node when it runs). Plain data and stdlib."""
from __future__ import annotations

import re
from typing import Any

KIND = "io.save_animation"
CORE = {"SaveAnimatedWEBP": ".webp", "SaveAnimatedPNG": ".png", "SaveWEBM": ".webm"}
COMBINE = "VHS_VideoCombine"
COMBINE_FORMATS = {"image/gif": ".gif", "image/webp": ".webp", "video/webm": ".webm"}
NAMES = {".webp": "an animated WEBP", ".png": "an animated PNG", ".gif": "an animated GIF"}
VP9_CRF = (0, 63)


def extension(wf: Any, n: Any) -> str | None:
    """The extension of the animated picture ComfyUI's save ``n`` writes; None for a save of another kind."""
    if n.cls in CORE:
        return CORE[n.cls]
    if n.cls == COMBINE:
        fmt = wf.value(n, "format")
        return COMBINE_FORMATS.get(fmt) if isinstance(fmt, str) else None
    return None


def holds_no_sound(wf: Any, n: Any) -> bool:
    """ComfyUI's save ``n`` writes an animated picture (GIF, WEBP, PNG), which holds no sound: a sound given to it is
    not wired (said by _retype); a WEBM holds one (Opus)."""
    return extension(wf, n) in NAMES


def _value(wf: Any, n: Any, key: str, default: Any, kind: type) -> Any:
    v = wf.value(n, key) if key in n.widgets or key in n.links else default
    if kind is int and isinstance(v, float) and v.is_integer():
        v = int(v)
    return v if isinstance(v, kind) and not (kind is int and isinstance(v, bool)) else default


def settings(wf: Any, n: Any, ext: str) -> dict:
    """Save Animation's settings for ``n`` (ComfyUI's and VideoHelperSuite's defaults where a value is not given)."""
    if ext == ".webm":  # (a crf of another scale or not whole, an AV1 asked: said by _webm_said)
        crf = wf.value(n, "crf") if "crf" in n.widgets or "crf" in n.links else None
        ok = isinstance(crf, (int, float)) and not isinstance(crf, bool) and crf == crf
        return {"crf": min(VP9_CRF[1], max(VP9_CRF[0], int(round(crf))))} if ok else {}
    if n.cls == COMBINE:
        p: dict = {"loop": max(0, _value(wf, n, "loop_count", 0, int))}
        if ext == ".webp":
            p["lossless"] = _value(wf, n, "lossless", True, bool)
        return p
    if n.cls == "SaveAnimatedPNG":
        return {"compress_level": min(9, max(0, _value(wf, n, "compress_level", 4, int)))}
    method = wf.value(n, "method") if "method" in n.widgets else "default"
    return {"lossless": _value(wf, n, "lossless", True, bool), "quality": min(100, max(0, _value(wf, n, "quality", 80, int))),
            "method": method if method in ("default", "fastest", "slowest") else "default"}


def apply(b: Any) -> None:
    """Each Save Video made for an animated picture's save: made Save Animation in its place (its id, title, wires),
    a sound it was given said not written."""
    g = b.g
    for nid, node in list(g.nodes.items()):
        n = b.wf.nodes.get(b.out.origin.get(nid, ""))
        if node.type_id != "io.save_video" or n is None or (ext := extension(b.wf, n)) is None:
            continue
        _retype(b, nid, node, n, ext)


def _retype(b: Any, nid: str, node: Any, n: Any, ext: str) -> None:
    g = b.g
    src = g.input_link(nid, "video")
    sound = g.input_link(nid, "audio")
    after = [(l.dst, l.dst_port) for l in g.links if l.src == nid]
    path = str(node.params.get("path") or "out/ComfyUI.mp4")
    stem = path[:-4] if path.lower().endswith(".mp4") else path
    params = {"path": stem + ext, "embed_graph": node.params.get("embed_graph", True), **settings(b.wf, n, ext)}
    title, mode = node.title, node.mode
    g.remove_node(nid)
    g.add_node(KIND, params, node_id=nid, title=title, mode=mode)
    if src is not None:
        g.connect(src.src, src.src_port, nid, "video")
    for dst, port in after:
        g.connect(nid, "video", dst, port)
    _renamed(b, path, params["path"])
    _chain_line(b, n)
    _named(b, n)
    lines = _webm_said(b.wf, n, params) if ext == ".webm" else []
    if ext == ".webm":
        if sound is not None:  # (wired as Save Video's, said there: its sound is Save Animation's, as Opus)
            g.connect(sound.src, sound.src_port, nid, "audio")
    elif sound is not None or (n.cls == COMBINE and "audio" in n.links):
        lines.append(f"{n.named()} is given a sound, which {NAMES[ext]} cannot hold: Studio's Save Animation writes "
                     "the frames alone, as ComfyUI writes them")
    for line in lines:
        b.note(line)
        b.out.log.append(f"{b.name}: {line}")


def _webm_said(wf: Any, n: Any, params: dict) -> list[str]:
    """What a WEBM's save asks that Save Animation's VP9 does not take: an AV1 codec, a crf not whole (rounded)."""
    out = []
    codec = wf.value(n, "codec") if "codec" in n.widgets or "codec" in n.links else None
    if isinstance(codec, str) and codec.lower() != "vp9":
        out.append(f"{n.named()}'s codec '{codec}' is not taken: Studio's Save Animation writes a WEBM as VP9")
    crf = wf.value(n, "crf") if "crf" in n.widgets or "crf" in n.links else None
    fmt = wf.value(n, "pix_fmt") if "pix_fmt" in n.widgets or "pix_fmt" in n.links else None
    if isinstance(fmt, str) and fmt.strip() and fmt.strip() != "yuv420p":
        out.append(f"{n.named()}'s pix_fmt '{fmt.strip()}' is not taken: Studio's Save Animation writes a WEBM in "
                   "8-bit yuv420p")
    if isinstance(crf, float) and "crf" in params and crf != params["crf"]:
        out.append(f"{n.named()}'s crf {crf:g} is written as {params['crf']}: VP9 takes a whole crf from "
                   f"{VP9_CRF[0]} to {VP9_CRF[1]}")
    return out


def _renamed(b: Any, old: str, new: str) -> None:
    """The lines and notes already naming the save's file as Save Video's ('another Save Video (out/x.mp4)') made to
    name Save Animation's file."""
    def mend(text: str) -> str:
        text = text.replace(f"Save Video ({old}", f"Save Animation ({new}").replace(
            f"Save Video writes '{old}'", f"Save Animation writes '{new}'")
        return re.sub(rf"(?<![\w/.-]){re.escape(old)}(?![\w/.-])", new, text)
    b.out.log[:] = [mend(t) for t in b.out.log]
    for note in b.notes:
        note["text"] = mend(note["text"])


def _named(b: Any, n: Any) -> None:
    """The lines and notes naming the save by its id ('#12') and its Studio node as Save Video ('Studio's Frame Rate
    before Save Video', 'its Save Video writes the take without it') made to name Save Animation (another output's
    Save Video named by its file left as it is)."""
    mark = re.compile(rf"#{re.escape(str(n.id))}[),]")

    def mend(text: str) -> str:
        return re.sub(r"Save Video(?! writes ')", "Save Animation", text) if mark.search(text) else text
    b.out.log[:] = [mend(t) for t in b.out.log]
    for note in b.notes:
        note["text"] = mend(note["text"])


def _chain_line(b: Any, n: Any) -> None:
    """The line of a chain of core nodes ending in the save ('ComfyUI 'X' -> ... -> Save Video': finishing.core) made
    to end in Save Animation."""
    head = f"{b.name}: ComfyUI '{n.title or n.shown_cls}' -> "
    b.out.log[:] = [t[:-len(" -> Save Video")] + " -> Save Animation" if t.startswith(head) and
                    t.endswith(" -> Save Video") else t for t in b.out.log]
