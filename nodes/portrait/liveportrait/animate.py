"""The driving-video path of LivePortrait's pipeline, written after the release's
src/live_portrait_pipeline.py (execute: a source picture driven by a video), src/live_portrait_wrapper.py
(get_kp_info, transform_keypoint, stitching, warp_decode) and src/utils/camera.py (the pose bins, the
rotation matrix) at github:KwaiVGI/LivePortrait@1986663be3b6902605d32200c01f4bfd36cda83d (MIT).
Eye / lip retargeting and the release's lip normalisation need its 203-point face landmarks, which
Studio has no detector for; they are not offered."""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

REGIONS = ("all", "exp", "pose", "lip", "eyes")
LIP = (6, 12, 14, 17, 19, 20)  # the release's lip keypoints
EYES = (11, 13, 15, 16, 18)  # and its eye keypoints
EXP = (1, 2, 6, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20)  # the expression keypoints an absolute drive copies


@dataclass
class Motion:
    """One picture's implicit keypoint information: canonical keypoints kp [b, k, 3], pose in degrees
    (pitch, yaw, roll [b, 1]) and its rotation R [b, 3, 3], expression deltas exp [b, k, 3],
    translation t [b, 3], scale [b, 1]."""
    kp: torch.Tensor
    R: torch.Tensor
    exp: torch.Tensor
    t: torch.Tensor
    scale: torch.Tensor


def pose_degrees(bins: torch.Tensor) -> torch.Tensor:
    """The release's headpose_pred_to_degree: the softmax-expected bin, 3 degrees a bin, centred at 97.5."""
    idx = torch.arange(bins.shape[1], dtype=bins.dtype, device=bins.device)
    return (F.softmax(bins, dim=1) * idx).sum(dim=1) * 3 - 97.5


def rotation(pitch: torch.Tensor, yaw: torch.Tensor, roll: torch.Tensor) -> torch.Tensor:
    """The release's get_rotation_matrix (degrees in, [b, 3, 3] out: (Rz Ry Rx) transposed)."""
    x, y, z = (a.reshape(-1) * math.pi / 180 for a in (pitch, yaw, roll))
    one, zero = torch.ones_like(x), torch.zeros_like(x)
    rx = torch.stack([one, zero, zero, zero, x.cos(), -x.sin(), zero, x.sin(), x.cos()], 1).view(-1, 3, 3)
    ry = torch.stack([y.cos(), zero, y.sin(), zero, one, zero, -y.sin(), zero, y.cos()], 1).view(-1, 3, 3)
    rz = torch.stack([z.cos(), -z.sin(), zero, z.sin(), z.cos(), zero, zero, zero, one], 1).view(-1, 3, 3)
    return (rz @ ry @ rx).permute(0, 2, 1)


def motion_of(motion_extractor, x: torch.Tensor) -> Motion:
    """M on pictures [b, 3, 256, 256] in [0, 1]."""
    out = {k: v.float() for k, v in motion_extractor(x).items()}
    b = x.shape[0]
    return Motion(kp=out["kp"].view(b, -1, 3), exp=out["exp"].view(b, -1, 3), t=out["t"], scale=out["scale"],
                  R=rotation(pose_degrees(out["pitch"]), pose_degrees(out["yaw"]), pose_degrees(out["roll"])))


def keypoints(m: Motion) -> torch.Tensor:
    """The release's transform_keypoint (its Eqn. 2): scale * (kp R + exp) + t, t's z left out."""
    x = (m.kp @ m.R + m.exp) * m.scale[..., None]
    return torch.cat([x[..., :2] + m.t[:, None, :2], x[..., 2:]], dim=-1)


def drive(src: Motion, d: Motion, d0: Motion, relative: bool, region: str) -> torch.Tensor:
    """The driven keypoints x_d,i of the release's loop (a source picture, a driving video) before
    stitching: relative to the driving clip's first frame, or absolute; over the region asked."""
    pose = region in ("all", "pose")
    b = d.exp.shape[0]
    exp_s, R_s, kp_s = (v.expand(b, *v.shape[1:]) for v in (src.exp, src.R, src.kp))
    delta = exp_s.clone()
    if relative:
        R = (d.R @ d0.R.transpose(1, 2)) @ R_s if pose else R_s
        moved = exp_s + (d.exp - d0.exp)
        if region in ("all", "exp"):
            delta = moved
        else:
            for i in {"lip": LIP, "eyes": EYES}.get(region, ()):
                delta[:, i] = moved[:, i]
        scale = src.scale * (d.scale / d0.scale) if region == "all" else src.scale.expand(b, 1)
        t = src.t + (d.t - d0.t) if pose else src.t.expand(b, 3)
    else:
        R = d.R if pose else R_s
        if region in ("all", "exp"):
            delta[:, EXP] = d.exp[:, EXP]
            delta[:, 3:5, 1] = d.exp[:, 3:5, 1]
            delta[:, 5, 2] = d.exp[:, 5, 2]
            delta[:, 8, 2] = d.exp[:, 8, 2]
            delta[:, 9, 1:] = d.exp[:, 9, 1:]
        else:
            for i in {"lip": LIP, "eyes": EYES}.get(region, ()):
                delta[:, i] = d.exp[:, i]
        scale = src.scale.expand(b, 1)
        t = d.t if pose else src.t.expand(b, 3)
    t = torch.cat([t[:, :2], torch.zeros_like(t[:, 2:])], dim=1)  # the release zeroes tz
    return scale[..., None] * (kp_s @ R + delta) + t[:, None, :]


def motion_multiplier(x_s: torch.Tensor, x_d0: torch.Tensor) -> float:
    """The release's calc_motion_multiplier ('expression-friendly'): the square root of the ratio of the
    keypoints' convex-hull volumes, the source's over the first driven frame's."""
    from scipy.spatial import ConvexHull
    return math.sqrt(ConvexHull(x_s[0].double().cpu().numpy()).volume) / math.sqrt(
        ConvexHull(x_d0[0].double().cpu().numpy()).volume)


def stitch(stitcher, x_s: torch.Tensor, x_d: torch.Tensor) -> torch.Tensor:
    """The release's stitching: the MLP's deltas on the driven keypoints and their x, y."""
    b, k = x_d.shape[:2]
    delta = stitcher(torch.cat([x_s.expand(b, -1, -1).reshape(b, -1), x_d.reshape(b, -1)], dim=1))
    out = x_d + delta[:, :3 * k].view(b, k, 3)
    return torch.cat([out[..., :2] + delta[:, None, 3 * k:3 * k + 2], out[..., 2:]], dim=-1)


def render(warper, generator, f_s: torch.Tensor, x_s: torch.Tensor, x_d: torch.Tensor) -> torch.Tensor:
    """The release's warp_decode: G(W(f_s; x_s, x_d)) -> [b, 3, H, W] in [0, 1]."""
    b = x_d.shape[0]
    feat = warper(f_s.expand(b, *f_s.shape[1:]), kp_driving=x_d, kp_source=x_s.expand(b, -1, -1))
    return generator(feat).float()
