"""DaSiWa's 'Resolution Scale Calculator' (DaSiWa_ResolutionScaleCalculator, issue 112 values5: heldout31's DaSiWa
LTX-2.3 workflows size their takes by it, and Studio said their size 'a value Studio cannot work out'). No pack in
Studio's catalogue declares it and what it does is said by its pack's source alone (read for these facts, none
copied), so its type is named here: a pixel budget picked by name (its presets, in megapixels of 1024 x 1024 pixels),
an aspect from the picture it is given or, with 'scale_from_image' off, from a preset ratio ('9:16 - Social'; 'CUSTOM':
its custom width and height), turned where 'swap_aspect_when_not_image'; the sides sqrt(pixels x ratio) and
sqrt(pixels / ratio), each rounded to a multiple by its 'mode' ('WAN/LTX (Div32)' 32, 'LTX 2-Stage (Div64)' 64,
'CUSTOM' its divisor, 'Standard' 1; at least one multiple); 'no_scale' gives the source's own sides. Its outputs:
width and height as INT, then as FLOAT (the sides before that floor of one multiple).

A UI file saves its nine settings by place (the pack's order below); an API file by name. Another layout (an older
release's eleven settings) is not read. The picture's size where Studio works it out (a resize to a fixed size),
else None: said worked out when the workflow runs. Plain stdlib."""
from __future__ import annotations

import math
from typing import Any, Callable

TYPE = "DaSiWa_ResolutionScaleCalculator"
ORDER = ("resolution_preset", "no_scale", "scale_from_image", "aspect_preset_when_not_image",
         "swap_aspect_when_not_image", "custom_aspect_width", "custom_aspect_height", "mode", "custom_divisor")
KINDS = (str, bool, bool, str, bool, int, int, str, int)
BUDGETS = {"144p": 0.0352, "240p": 0.0977, "360p": 0.22, "480p": 0.391, "540p": 0.494, "576p": 0.396, "720p": 0.879,
           "900p": 1.373, "1080p": 1.978, "1152p": 2.25, "1440p": 3.516, "2160p": 7.91, "2K": 3.906, "4K": 7.91,
           "0.26 MP - Preview": 0.26, "0.36 MP - Small": 0.36, "0.52 MP - SD": 0.52, "0.65 MP - Balanced": 0.65,
           "0.83 MP - HD": 0.83, "1.05 MP - HD+": 1.05, "1.20 MP - HD++": 1.20, "1.35 MP - 2K lite": 1.35,
           "1.55 MP - 2K": 1.55, "1.65 MP - 2K+": 1.65, "1.75 MP - QHD": 1.75, "2.10 MP - FHD": 2.10,
           "3.30 MP - QHD+": 3.30, "4.75 MP - 2K Pro": 4.75, "6.50 MP - Production": 6.50, "8.30 MP - UHD": 8.30}
RATIOS = {"1:1 - Square": (1, 1), "2:3 - Classic": (2, 3), "3:4 - Photo": (3, 4), "5:8 - Tall": (5, 8),
          "9:16 - Social": (9, 16), "9:21 - Cinema": (9, 21)}
MODES = {"Standard": 1, "WAN/LTX (Div32)": 32, "LTX 2-Stage (Div64)": 64}


def _settings(n, value: Callable[[str], Any]) -> dict | None:
    if n.widgets or n.links.keys() - {"image"}:  # (an API file's, by name; or a UI file's settings wired: by name)
        got = {k: value(k) for k in ORDER}
    elif isinstance(n.raw, list) and len(n.raw) == len(ORDER):
        got = dict(zip(ORDER, n.raw))
    else:
        return None
    fits = all(isinstance(got[k], t) and (t is bool or not isinstance(got[k], bool)) for k, t in zip(ORDER, KINDS))
    return got if fits else None


def calculated(n, slot: int, value: Callable[[str], Any], picture: Callable[[], tuple[int, int] | None]) -> Any:
    """Output ``slot`` of the calculator ``n`` (see the module); None for another node or where not known."""
    if (n.origin or n.cls) != TYPE or not 0 <= slot < 4 or (s := _settings(n, value)) is None:
        return None
    if s["scale_from_image"]:
        size = picture() if "image" in n.links else None
        if not size:
            return None
        sw, sh = float(size[0]), float(size[1])
    else:
        ratio = (s["custom_aspect_width"], s["custom_aspect_height"]) if s["aspect_preset_when_not_image"] == "CUSTOM" \
            else RATIOS.get(s["aspect_preset_when_not_image"], (1, 1))
        sw, sh = (float(ratio[1]), float(ratio[0])) if s["swap_aspect_when_not_image"] else map(float, ratio)
    if s["no_scale"]:
        w, h = int(sw), int(sh)
        return (w, h, float(w), float(h))[slot]
    if sw <= 0 or sh <= 0 or (s["mode"] not in MODES and s["mode"] != "CUSTOM"):
        return None
    pixels = BUDGETS.get(s["resolution_preset"], 0.52) * 1024 * 1024
    cw, ch = math.sqrt(pixels * sw / sh), math.sqrt(pixels / (sw / sh))
    d = max(1, int(s["custom_divisor"])) if s["mode"] == "CUSTOM" else MODES[s["mode"]]
    w, h = int(round(cw / d) * d), int(round(ch / d) * d)
    return (max(w, d), max(h, d), float(w), float(h))[slot]
