"""kijai's ComfyUI-WanVideoWrapper's Fun camera embeds given to a WanVideoImageToVideoEncode's 'control_embeds', read
as ComfyUI's WanCameraImageToVideo with a WanCameraEmbedding (Studio's Camera Path into Wan Fun Camera: comfy_motion,
the mapping's 'WanCameraImageToVideo' task), the encode's start image, size and length (heldout57 09, faces9).

The camera embeds are told by their declared types: a node given camera poses (an input declared CAMERACTRL_POSES)
whose output is the wrapper's image embeds. What the poses are is the node that makes them: the wrapper's
fun_camera/nodes.py (WanVideoFunCameraEmbeds, Apache-2.0, read for meaning, nothing copied) turns every pose (its lens
fx, fy, cx, cy as fractions of a 1280x720 recording stretched onto the take's shape, its world-to-camera matrix,
poses relative to the first) into the Plücker rays of the take's size, as Studio's Camera Path and Wan Fun Camera do.
How a poses node moves the camera cannot be known from its declaration (a COMBO, a FLOAT and an INT say nothing of the
step a frame), so the makers read here are named with their facts: Kosinkadink's ComfyUI-AnimateDiff-Evolved
ADE_CameraPoseBasic (animatediff/nodes_cameractrl.py, read for the facts: the CameraCtrl table Studio's presets
follow, frame i moved (i / 16) x speed of a unit of it, whatever frame_length; ADE's lens fx 0.474812461,
fy 0.844111024, cx = cy = 0.5, for 1280x720), its 'Roll' moves ComfyUI's 'ClockWise (CW)' / 'Anti Clockwise (ACW)'.
Studio's preset at frame i of n has moved (i / n) x speed, so its speed is the poses' speed x n / 16. Any other poses
node, a move Studio has no preset for (ADE's tilts), poses joined to earlier ones (prev_poses), a speed Camera Path
cannot take: None, with why said (the encode's sentence then says the control is not applied). Plain stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, finite, in_type
from studio.core.shown import number

from . import comfy_wrapper_flf as flf

POSES = "CAMERACTRL_POSES"
BASE_FRAMES = 16  # ADE's get_camera_motion: frame i has moved i / 16 of the way at speed 1 (its 'base')
ADE_LENS = {"fx": 0.474812461, "fy": 0.844111024, "cx": 0.5, "cy": 0.5}  # ADE's ndarray_to_poses defaults
# the poses makers read (named: their motion is not in their declaration) -> (move, speed, length) settings, lens
MAKERS = {"ADE_CameraPoseBasic": (("motion_type", "speed", "frame_length"), ADE_LENS)}
# ADE's moves -> ComfyUI's WanCameraEmbedding's (the same CameraCtrl table; comfy_motion.CAMERA_PRESETS reads those)
MOVES = {"Static": "Static", "Pan Up": "Pan Up", "Pan Down": "Pan Down", "Pan Left": "Pan Left",
         "Pan Right": "Pan Right", "Zoom In": "Zoom In", "Zoom Out": "Zoom Out",
         "Roll Clockwise": "ClockWise (CW)", "Roll Anticlockwise": "Anti Clockwise (ACW)"}
MAX_SPEED = 10.0  # Camera Path's speed's range (0..10)

_name = CNode.named


def poses_input(n: CNode) -> str | None:
    """The input of ``n`` declared (or saved) as camera poses, wired; None for a node given none."""
    return next((k for k in n.links if in_type(n, k) == POSES), None)


def _value(t, n: CNode, k: str):
    return t.wf.value(n, k)


def _read(t, ctrl: CNode, src: CNode | None) -> tuple[dict, str] | str:
    """(WanCameraEmbedding's settings, the words of how) for the poses ``src`` makes; else why not (a sentence's
    end)."""
    if src is None or src.cls not in MAKERS:
        what = _name(src) if src is not None else "a node"
        return (f"its camera poses come from {what}, whose moves Studio does not read (Studio reads "
                "ADE_CameraPoseBasic's presets into a Camera Path)")
    (move_k, speed_k, length_k), lens = MAKERS[src.cls]
    if any(in_type(src, k) == POSES for k in src.links):
        return (f"its camera poses from {_name(src)} continue earlier poses (its prev_poses): Studio's Camera Path "
                "makes one preset move")
    move, speed, length = (_value(t, src, k) for k in (move_k, speed_k, length_k))
    preset = MOVES.get(move) if isinstance(move, str) else None
    if preset is None:
        return (f"{_name(src)}'s {move_k} {move!r} is not one of Studio's Camera Path presets (Static, pans, zooms, "
                "rolls)")
    if not finite(speed) or not isinstance(length, int) or isinstance(length, bool) or length < 1:
        return f"{_name(src)}'s speed or frame_length is not a number Studio can work out"
    studio_speed = speed * length / BASE_FRAMES
    if not 0 <= studio_speed <= MAX_SPEED:
        return (f"{_name(src)}'s speed {number(speed)} over {length} frames (Camera Path's speed "
                f"{number(studio_speed)}) is outside Camera Path's 0 to {number(MAX_SPEED)}")
    widgets = {"camera_pose": preset, "length": length, "speed": round(studio_speed, 9), **lens}
    how = (f"{_name(src)}'s {move_k} '{move}' at speed {number(speed)} over {length} frames (a sixteenth of its speed "
           f"a frame) is made as Studio's Camera Path '{MOVES_SHOWN.get(preset, preset)}' at speed "
           f"{number(round(studio_speed, 9))} "
           f"({number(speed)} x {length} / 16: Camera Path moves its speed over the whole path), {length} frames, the "
           f"poses' lens (fx {number(lens['fx'])}, fy {number(lens['fy'])} of a 1280x720 frame)")
    return widgets, how


MOVES_SHOWN = {"ClockWise (CW)": "Orbit CW", "Anti Clockwise (ACW)": "Orbit ACW"}  # Camera Path's names for them


def camera(t, emb: CNode, ctrl: CNode, pos, neg):
    """Camera embeds ``ctrl`` given to image-to-video encode ``emb`` as WanCameraImageToVideo in ``emb``'s place (its
    camera a WanCameraEmbedding in ``ctrl``'s): (latent, positive, negative); None with why said where they cannot be
    read."""
    port = poses_input(ctrl)
    if port is None or emb.cls != "WanVideoImageToVideoEncode":
        return None
    src = t.wf.nodes.get(t.link(ctrl, port)[0])
    read = _read(t, ctrl, src)
    if isinstance(read, str):
        t.said.append(f"{_name(ctrl)}: {read}")
        return None
    widgets, how = read
    e = t.named(emb)
    start = t.link(emb, "start_image")
    if start is None:
        t.said.append(f"{_name(ctrl)}: the encode {_name(emb)} has no start image: Studio's Wan Fun Camera starts from "
                      "one")
        return None
    differs = []
    strength, first, last = (_value(t, ctrl, k) for k in ("strength", "start_percent", "end_percent"))
    if finite(strength) and strength != 1:
        differs.append(f"its strength {number(strength)} (the camera's latents scaled) is not taken: Studio's Wan Fun "
                       "Camera reads the camera at full strength")
    if (finite(first) and first > 0) or (finite(last) and last < 1):
        end = number(last if finite(last) else 1)
        differs.append(f"it steers only from {number(first or 0)} to {end} of the steps "
                       "(start_percent, end_percent): not taken, Studio's Wan Fun Camera steers every step")
    frames = e.get("num_frames")
    if isinstance(frames, int) and frames != widgets["length"]:
        differs.append(f"its {widgets['length']} poses are not the encode's {frames} frames: " + (
            f"Studio's Wan Fun Camera makes the encode's {frames} from the path's first {frames}"
            if widgets["length"] > frames else "Studio's Wan Fun Camera refuses a path shorter than the take: set "
            "Camera Path's frames"))
    for k in ("width", "height"):  # the rays are made at the take's size: said where the embeds name another
        mine, theirs = t.link(ctrl, k), t.link(emb, k)
        if (mine is not None and mine != theirs) or (mine is None and theirs is None and
                                                      _value(t, ctrl, k) != e.get(k)):
            differs.append(f"its {k} ({'wired' if mine is not None else number(_value(t, ctrl, k))}) is not the "
                           f"encode's: Studio's Wan Fun Camera makes the camera's rays at the take's size")
    for k in ("end_image", "temporal_mask", "extra_latents", "add_cond_latents"):
        if k in emb.links:
            differs.append(f"{_name(emb)}'s {k} is not taken: Studio's Wan Fun Camera reads the start image and the "
                           "camera")
    flf.said(t, emb, start, None, e)  # its noise on the start picture and its strengths
    t.said.append(f"{_name(emb)}'s control_embeds are the Fun camera embeds of {_name(ctrl)}: read as Studio's Wan Fun "
                  f"Camera from the encode's start image, size and length; {how}" +
                  "".join(f"; {_name(ctrl)}: {d}" for d in differs))
    t.wf.taken.add(src.id)
    cam = t.core(ctrl, "WanCameraEmbedding", {**widgets, "width": e.get("width"), "height": e.get("height")}, {})
    links = {k: v for k, v in (("positive", pos), ("negative", neg), ("vae", t.link(emb, "vae")),
                               ("start_image", start), ("clip_vision_output", t.link(emb, "clip_embeds")),
                               ("camera_conditions", (cam.id, 0))) if v is not None}
    c = t.core(emb, "WanCameraImageToVideo", {"width": e.get("width"), "height": e.get("height"),
                                              "length": frames, "batch_size": 1}, links)
    c.ports.update(clip_vision_output="clip_embeds", camera_conditions="control_embeds")
    return (c.id, 2), (c.id, 0), (c.id, 1)
