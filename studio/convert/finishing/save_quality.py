"""A save's own quality setting (heldout27: a front-end's Video Combine at crf 19 was written at Studio's 18, unsaid,
as every converted save was): the 'crf' a ComfyUI save node is given, set on the Studio Save Video made from it where
it is the scale Studio's encoder reads (x264's, 0-51: VideoHelperSuite's 'video/h264-mp4' and a pack's save with no
format or codec), else said not taken with the crf Studio writes at (H.265's, VP9's and AV1's crf are other scales: the same
number is another quality). Told by the save's declared 'crf' alone, after the build."""
from __future__ import annotations

import re
from numbers import Real
from typing import Any

from studio.core.shown import rounded

CRF = "crf"
BITRATE = "bitrate"  # a save's rate in bits per second (VideoHelperSuite's nvenc formats), 'megabit' its unit
H264 = (0, 51)  # x264's crf range, which Studio's Save Video takes
PIX_FMT = "pix_fmt"  # a save's pixel format (VideoHelperSuite's formats)
STUDIO_PIXELS = "yuv420p"  # the pixels Studio's Save Video writes (H.264, 8-bit 4:2:0: engine/video_formats.py)


def _x264(fmt: Any) -> bool:
    """Whether a save of format or codec ``fmt`` encodes with x264 (None: the node declares neither; SaveWEBM's
    'vp9' / 'av1' do not)."""
    return fmt is None or (isinstance(fmt, str) and "h264" in fmt.lower() and "nvenc" not in fmt.lower())


def apply(b) -> None:
    """Each Studio Save Video made from a ComfyUI save given a crf: that crf set, or one sentence."""
    wf, g = b.wf, b.g
    for nid, node in list(g.nodes.items()):
        n = wf.nodes.get(b.out.origin.get(nid, ""))
        if node.type_id != "io.save_video" or n is None:
            continue
        _pixels(b, n)
        if CRF not in n.widgets and CRF not in n.links:
            _bitrate(b, n, node)
            continue
        value = wf.value(n, CRF)
        fmt = next((wf.value(n, k) for k in ("format", "codec") if k in n.widgets or k in n.links), None)
        if not isinstance(value, Real) or isinstance(value, bool) or value != value:
            continue  # (a value not worked out is said where values are)
        made = node.params.get(CRF, 18)
        if _x264(fmt) and float(value).is_integer() and H264[0] <= value <= H264[1]:
            if int(value) != made:
                g.set_param(nid, CRF, int(value))
            continue
        shown = int(value) if float(value).is_integer() else rounded(float(value))
        why = f"'{fmt}' encodes on another quality scale" if not _x264(fmt) else \
            f"Studio's H.264 takes a whole crf from {H264[0]} to {H264[1]}"
        line = (f"{n.named()}'s crf {shown} is not taken ({why}): Studio's Save Video writes H.264 at crf {made} "
                "(lower is better); set its 'crf'")
        b.note(line)
        b.out.log.append(f"{b.name}: {line}")


def _pixels(b, n) -> None:
    """A save's pixel format other than Studio's (heldout73 01: VideoHelperSuite's 'video/h265-mp4' at 'yuv420p10le',
    a 10-bit file, written 8-bit unsaid): one sentence, told by the save's declared 'pix_fmt' alone."""
    if PIX_FMT not in n.widgets and PIX_FMT not in n.links:
        return
    value = b.wf.value(n, PIX_FMT)
    if not isinstance(value, str) or not value.strip() or value.strip() == STUDIO_PIXELS:
        return  # (a value not worked out is said where values are)
    deep = re.search(r"p(9|10|12|14|16)(le|be)?$", value.strip())
    what = f" ({deep.group(1)}-bit)" if deep else ""
    line = (f"{n.named()}'s pix_fmt '{value.strip()}'{what} is not taken: Studio's Save Video writes 8-bit "
            f"{STUDIO_PIXELS}")
    b.note(line)
    b.out.log.append(f"{b.name}: {line}")


def _bitrate(b, n, node) -> None:
    """A save given a bit rate and no crf (heldout52 07: VideoHelperSuite's 'video/nvenc_h264-mp4' at 10 Mbit, written
    at Studio's crf 18 unsaid): one sentence, the rate in its unit where the save declares 'megabit'."""
    if BITRATE not in n.widgets and BITRATE not in n.links:
        return
    value = b.wf.value(n, BITRATE)
    if not isinstance(value, Real) or isinstance(value, bool) or value != value:
        return  # (a value not worked out is said where values are)
    mega = b.wf.value(n, "megabit") if "megabit" in n.widgets or "megabit" in n.links else None
    unit = " Mbit/s" if mega is True else " kbit/s" if mega is False else ""
    shown = int(value) if float(value).is_integer() else rounded(float(value))
    line = (f"{n.named()}'s bitrate {shown}{unit} is not taken: Studio's Save Video writes H.264 at crf "
            f"{node.params.get(CRF, 18)} (a quality, not a rate; lower is better); set its 'crf'")
    b.note(line)
    b.out.log.append(f"{b.name}: {line}")
