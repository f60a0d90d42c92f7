"""The ComfyUI-Wan22FMLF pack's WanAdvancedI2V middle picture read as Image to Video's middle picture
(sampling/middle_frame.py: 'middle_image', 'middle_frame', 'middle_strength' for the high-noise expert,
'middle_strength_2' for the low-noise one).

Facts read from the pack (cochese9000/ComfyUI-Wan22FMLF wan_advanced_i2v.py, its versions from b57b723 (Nov 2025) to
eb7960c; no licence file in the repository: read for facts only): its middle picture is laid at frame
``max(4, min(int(length * middle_frame_ratio) // 4 * 4, length - 5))``, held with ``high_noise_mid_strength`` by the
high-noise expert's conditioning (positive_high, and negative) and ``low_noise_mid_strength`` by the low-noise one's
(positive_low). Its UI values in order, every version: width, height, length, batch_size, mode, middle_frame_ratio,
video_frame_offset, long_video_mode, continue_frames_count, then its strengths: four (high mid, low start, low mid,
low end: Nov 2025), five (the same and structural_repulsion_boost: 28 Nov), six (high start first: 29 Dec on), then
enable_middle_frame (one boolean: Nov 2025) or enable_start / middle / end_frame (three: later).

Made only where Studio's condition is the pack's: NORMAL mode; no long_video_mode 'SVI' / 'LATENT_CONTINUE'; every
start and end strength 1 (the pictures held whole, as Wan's first-and-last-frame condition holds them); no
structural boost; the middle frame enabled. Else the middle picture stays said as not taken, with why."""
from __future__ import annotations

from studio.convert.api import CNode, finite

ADVANCED = "WanAdvancedI2V"
FMLF = "WanFirstMiddleLastFrameToVideo"  # the pack's first node: the same strengths, no long video modes
# siraxe's ComfyUI-WanVideoWrapper_QQ's WanFMLF (nodes/wan_first_middle_last.py, read for facts: its UI values
# width, height, length, batch_size, middle_frame_ratio, high_noise_strength, low_noise_strength, motion_amplitude):
# the same rule (the middle at frame max(4, min(int(length x ratio) // 4 x 4, length - 5)), held 1 - mask =
# high_noise_strength by positive_high and low_noise_strength by positive_low, the low one encoded without the
# picture at 0); not the same: its negative is passed on as given (no picture), and motion_amplitude above 1
# pushes the condition's later latent frames away from the first (left19)
QQ = "WanFMLF"
QQ_NAMES = {"middle_frame_ratio": "middle_frame_ratio", "high_noise_strength": "high_noise_mid_strength",
            "low_noise_strength": "low_noise_mid_strength", "motion_amplitude": "motion_amplitude"}
# the translated node's input for it: a name no ComfyUI node has, so that only the pictures read here reach Image to
# Video's middle_image (another pack's middle picture on a node read as WanFirstLastFrameToVideo stays said)
PORT = "wan22fmlf_middle_image"
MODES = ("NORMAL", "SINGLE_PERSON")  # its 'mode' choices: the middle frame ratio follows it in every version
LONG = ("DISABLED", "AUTO_CONTINUE", "SVI_SHOT", "SVI", "LATENT_CONTINUE")
# its strengths after continue_frames_count, by how many a version has
STRENGTHS = {4: ("high_noise_mid_strength", "low_noise_start_strength", "low_noise_mid_strength",
                 "low_noise_end_strength"),
             5: ("high_noise_mid_strength", "low_noise_start_strength", "low_noise_mid_strength",
                 "low_noise_end_strength", "structural_repulsion_boost"),
             6: ("high_noise_start_strength", "high_noise_mid_strength", "low_noise_start_strength",
                 "low_noise_mid_strength", "low_noise_end_strength", "structural_repulsion_boost")}
WHOLE = ("high_noise_start_strength", "low_noise_start_strength", "low_noise_end_strength")  # to be 1
DEFAULTS = {"middle_frame_ratio": 0.5, "high_noise_mid_strength": 0.8, "low_noise_mid_strength": 0.2,
            "high_noise_start_strength": 1.0, "low_noise_start_strength": 1.0, "low_noise_end_strength": 1.0,
            "structural_repulsion_boost": 1.0, "enable_middle_frame": True, "mode": "NORMAL",
            "long_video_mode": "DISABLED"}


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and finite(v)


def _fmlf(raw: list) -> tuple[dict, set[int]] | None:
    """WanFirstMiddleLastFrameToVideo's UI values (its Nov 2025 on layout: width, height, length, batch_size, mode,
    middle_frame_ratio, then 4 strengths (high mid, low start, low mid, low end) or 5 (and structural_repulsion_boost))
    by place; None for another layout (its Oct 2025 ones: no mode)."""
    if len(raw) not in (10, 11) or raw[4] not in MODES or not all(_number(v) for v in raw[5:]):
        return None
    got = {"mode": raw[4], "middle_frame_ratio": raw[5]}
    got.update(zip(STRENGTHS[len(raw) - 6] if len(raw) - 6 == 5 else STRENGTHS[4], raw[6:]))
    return {**DEFAULTS, **got}, set(range(4, len(raw)))


def _qq(n: CNode) -> tuple[dict, set[int]] | None:
    """WanFMLF's middle settings under the pack's names (its own by name, else its 8 UI values by place)."""
    raw = n.raw if isinstance(n.raw, list) else []
    if n.widgets:  # (its UI values named: the places they were saved at read too)
        got = {QQ_NAMES[k]: v for k, v in n.widgets.items() if k in QQ_NAMES}
        return {**DEFAULTS, "motion_amplitude": 1.15, **got}, set(range(4, len(raw)))  # (1.15: its declared default)
    if len(raw) != 8 or not all(_number(v) for v in raw):
        return None
    return {**DEFAULTS, **dict(zip(QQ_NAMES.values(), raw[4:]))}, set(range(4, 8))


def read(n: CNode) -> tuple[dict, set[int]] | None:
    """(its middle settings by name, the UI places read) of WanAdvancedI2V, WanFirstMiddleLastFrameToVideo or WanFMLF
    ``n``; None where not read (a layout of no version named above)."""
    if n.cls == QQ:
        return _qq(n)
    if n.widgets:
        return {k: n.widgets.get(k, v) for k, v in DEFAULTS.items()}, set()
    raw = n.raw if isinstance(n.raw, list) else []
    if n.cls == FMLF:
        return _fmlf(raw)
    at = [k for k, v in enumerate(raw) if isinstance(v, str) and v in MODES]
    long = [k for k, v in enumerate(raw) if isinstance(v, str) and v in LONG]
    if len(at) != 1 or len(long) != 1 or long[0] != at[0] + 3 or not _number(raw[at[0] + 1]):
        return None
    got = {"mode": raw[at[0]], "middle_frame_ratio": raw[at[0] + 1], "long_video_mode": raw[long[0]],
           "_long_at": long[0]}
    floats = long[0] + 2
    end = floats
    while end < len(raw) and _number(raw[end]):
        end += 1
    names = STRENGTHS.get(end - floats)
    bools = [k for k in range(end, min(len(raw), end + 3)) if isinstance(raw[k], bool)]
    if names is None or len(bools) not in (1, 3):
        return None
    got.update(zip(names, raw[floats:end]))
    middle = bools[0] if len(bools) == 1 else bools[1]
    got["enable_middle_frame"] = raw[middle]
    if len(bools) == 3 and not (raw[bools[0]] and raw[bools[2]]):
        got["start_or_end_disabled"] = True
    places = {at[0], at[0] + 1} | set(range(floats, end)) | {middle} | (
        {at[0] + 2} if "video_frame_offset" in n.links else set())  # (a linked input's saved value: the link's said)
    return {**DEFAULTS, **got}, places


def why_not(s: dict) -> str:
    """Why the middle picture cannot be Studio's as the pack holds it ('' where it can)."""
    if not s.get("enable_middle_frame", True):
        return "its enable_middle_frame is off (the pack leaves it out)"
    if s.get("mode") != "NORMAL":
        return f"its mode {s.get('mode')!r} conditions the low-noise expert on the start picture alone"
    if s.get("long_video_mode") in ("SVI", "SVI_SHOT", "LATENT_CONTINUE"):
        return f"its long_video_mode {s.get('long_video_mode')!r} makes another condition"
    off = [f"{k} {s[k]!r}" for k in WHOLE if s.get(k) != 1]
    if off:
        return f"its {', '.join(off)} (Studio holds the first and last pictures whole)"
    if s.get("structural_repulsion_boost", 1.0) > 1.001:
        return f"its structural_repulsion_boost {s['structural_repulsion_boost']!r} (not made)"
    if _number(s.get("motion_amplitude", 1.0)) and s.get("motion_amplitude", 1.0) > 1.001:
        return (f"its motion_amplitude {s['motion_amplitude']!r} pushes the condition's later latent frames away from "
                "the first (not made with a middle picture)")
    if s.get("start_or_end_disabled"):
        return "its start or end frame is disabled"
    for k in ("high_noise_mid_strength", "low_noise_mid_strength", "middle_frame_ratio"):
        if not _number(s.get(k)) or not 0 <= s[k] <= 1:
            return f"its {k} {s.get(k)!r} is not a strength from 0 to 1"
    return ""


def frame(ratio: float, length) -> int | None:
    """The pack's middle frame for a take of ``length`` frames (None where its length is not a number here)."""
    if not isinstance(length, int) or isinstance(length, bool) or length < 9:
        return None
    at = min(max(0, int(length * float(ratio)) // 4 * 4), length - 1)
    return max(4, min(at, length - 5))


def taken(t, n: CNode, link: tuple, length) -> tuple[dict, set[str], set[int], str] | str | None:
    """(the translated node's middle settings, the names and UI places read, its sentence) where WanAdvancedI2V
    ``n``'s middle picture ``link`` is made as Image to Video's; why not, in words, where it cannot be; None where
    its settings are not read."""
    if n.cls not in (ADVANCED, FMLF, QQ):
        return None
    got = read(n)
    if got is None:
        return None
    s, places = got
    if "middle_frame_ratio" in n.links:  # (given by another node: its value where known here)
        s = {**s, "middle_frame_ratio": t.wf.value(n, "middle_frame_ratio")}
    if why_not(s):
        return why_not(s)
    at = frame(s["middle_frame_ratio"], length)
    if at is None:
        return f"its length {length!r} is not read as a number of frames here"
    hi, lo = float(s["high_noise_mid_strength"]), float(s["low_noise_mid_strength"])
    words = (f"{t.name(n)}'s middle_image {t.picture(link)} is read as Image to Video's middle picture at frame {at} "
             f"(middle_frame_ratio {s['middle_frame_ratio']!r}{' (wired)' if 'middle_frame_ratio' in n.links else ''} "
             f"of {length} frames, as the pack aligns it), held with "
             f"strength {hi:g} by the high-noise expert and {lo:g} by the low-noise one"
             + (" (its condition encoded without the picture, as the pack's)" if lo <= 0 else "")
             + ("; its negative is passed on as given in ComfyUI (no picture in it), where Studio's negative pass "
                "sees the same pictures as the positive one (alike where cfg is 1)" if n.cls == QQ else ""))
    names = {"middle_frame_ratio", "high_noise_mid_strength", "low_noise_mid_strength", "enable_middle_frame",
             "mode", "low_noise_start_strength", "low_noise_end_strength", "high_noise_start_strength",
             "structural_repulsion_boost"} | (set(QQ_NAMES) if n.cls == QQ else set())
    if s["long_video_mode"] == "DISABLED" and "motion_frames" not in n.links:  # (the pack's three pictures alone:
        names |= {"long_video_mode", "continue_frames_count"}  # the condition Studio makes)
        places |= {s["_long_at"], s["_long_at"] + 1} if "_long_at" in s else set()
    return {"middle_frame": at, "middle_strength": hi, "middle_strength_2": lo}, names, places, words
