"""Live Portrait: a face animated by a driving clip, with KwaiVGI's LivePortrait (its five networks in
liveportrait/, read from the user's safetensors as ComfyUI users keep them). Given the source's whole-body poses
(Pose Estimate), the face is cropped as the release crops it (liveportrait/crop.py: a square about the face, turned
upright, from its 68 face points), animated, and pasted back into the source picture with the release's feathered
mask; given the driving clip's poses, its frames are cropped to one box about the face (the release's driving crop).
Without poses each picture is taken whole as the face crop (the release's 'do crop' off). A source clip gives each
driving frame its own source frame (video to video, its last frame held), or its first frame alone."""
from __future__ import annotations

import os

import numpy as np

from studio.core import models as model_paths
from studio.core.errors import StudioError
from studio.core.params import Bool, Choice, Float, Int, Path
from studio.core.spec import CLIP, In, Node, Out
from studio.engine.clip import Clip, as_clip

FOLDER = "liveportrait"
INPUT = 256  # the release's input_shape


class LivePortraitError(StudioError):
    pass


def _file_param(part: str, name: str, what: str):
    return Path(f"{part}_model", name, lookup=True, filters="LivePortrait (*.safetensors)",
                help=f"the {what} (Kijai/LivePortrait_safetensors' {name}), or its name in a models folder's {FOLDER}/")


def find_paths(params, base_dir) -> dict[str, str]:
    from .liveportrait.files import FILE_NAMES, PARTS
    out = {}
    for part in PARTS:
        key = f"{part}_model"
        name = (params.get(key) if hasattr(params, "get") else getattr(params, key)) or ""
        out[part] = model_paths.model_file(name, base_dir, None, FOLDER, LivePortraitError, f"LivePortrait {part} file",
                                           ".safetensors file", FILE_NAMES[part], prefix="Live Portrait: ")
    return out


def to_input(frames: np.ndarray, device, dtype):
    """[n, H, W, C] float in [0, 1] -> [n, 3, 256, 256] (the release's cv2.resize of the whole crop)."""
    import cv2
    import torch
    small = np.stack([cv2.resize(np.ascontiguousarray(f[..., :3]), (INPUT, INPUT), interpolation=cv2.INTER_LINEAR)
                      for f in frames])
    if small.shape[-1] == 1 or small.ndim == 3:
        small = np.repeat(small.reshape(*small.shape[:3], 1), 3, axis=-1)
    return torch.from_numpy(np.clip(small, 0, 1)).permute(0, 3, 1, 2).to(device=device, dtype=dtype)


class LivePortraitClip(Clip):
    """The animated frames, made a batch of driving frames at a time as they are pulled."""

    def __init__(self, driving: Clip, make, width: int, height: int, batch: int, ctx):
        super().__init__(len(driving), driving.fps, width, height, 3, audio_from=driving)
        self.driving, self.make, self.batch, self.ctx = driving, make, batch, ctx
        self.kept: tuple[int, np.ndarray] | None = None

    def _block(self, k: int) -> np.ndarray:
        if self.kept is None or self.kept[0] != k:
            a, b = k * self.batch, min(len(self.driving), (k + 1) * self.batch)
            self.kept = (k, self.make(a, b))
            self.ctx.progress(b, len(self.driving), frame=b - 1, force=True)
        return self.kept[1]

    def _frame(self, i: int) -> np.ndarray:
        return self._block(i // self.batch)[i % self.batch]

    def _chunk(self, a: int, b: int) -> np.ndarray:
        return np.stack([self._frame(i) for i in range(a, b)])


class LivePortrait(Node):
    """Animate a portrait with LivePortrait (KwaiVGI): the driving clip's head pose and expression moved onto
    the source face, relative to the driving clip's first frame (the release's default) or absolute, with
    the release's stitching. Wire Pose Estimate's whole-body poses of the source to 'source_pose' to crop the
    face as the release does and paste the animated face back into the picture; of the driving clip to
    'driving_pose' to crop its frames about the face. Without them each picture is used whole as the face
    crop. A source clip: each driving frame animates its own source frame (video to video), or the first
    frame alone. The five files from a models folder's liveportrait/ (Kijai/LivePortrait_safetensors)."""
    id = "portrait.live_portrait"
    title = "Live Portrait"
    category = "Generate"
    keywords = ("liveportrait", "live portrait", "portrait", "face", "reenactment", "talking head", "kwai",
                "expression", "driving video", "paste back", "face crop")
    timing = CLIP
    inputs = (In("source", "Video", help="the face to animate: a picture, or a clip (see 'source_clip')"),
              In("driving", "Video", help="the driving clip: a face's motion"),
              In("source_pose", "Keypoints", optional=True,
                 help="Pose Estimate's whole-body poses of the source: the face cropped as the release does, "
                      "and pasted back"),
              In("driving_pose", "Keypoints", optional=True,
                 help="Pose Estimate's whole-body poses of the driving clip: its frames cropped to one box about "
                      "the face (the release's driving crop); without them each frame is used whole"))
    outputs = (Out("video", "Video", help="the animated face (pasted back: the source pictures), one frame per "
                                          "driving frame"),)
    params = (_file_param("appearance", "appearance_feature_extractor.safetensors", "appearance feature extractor"),
              _file_param("motion", "motion_extractor.safetensors", "motion extractor"),
              _file_param("warping", "warping_module.safetensors", "warping module"),
              _file_param("generator", "spade_generator.safetensors", "SPADE generator"),
              _file_param("stitching", "stitching_retargeting_module.safetensors", "stitching / retargeting module"),
              Bool("relative_motion", True, help="the driving motion relative to its first frame, added to the "
                                                 "source's pose and expression (the release's default); off: the "
                                                 "driving frames' pose and expression as they are"),
              Bool("stitching", True, help="the release's stitching network on the driven keypoints"),
              Choice("animation_region", "all", choices=("all", "exp", "pose", "lip", "eyes"),
                     help="what the driving clip moves: all, expression, pose, lips or eyes (the release's regions)"),
              Choice("driving_option", "pose-friendly", choices=("pose-friendly", "expression-friendly"),
                     help="expression-friendly: the relative motion scaled by the faces' keypoint-hull ratio "
                          "(the release's option, relative motion only, one source picture)"),
              Float("driving_multiplier", 1.0, min=-10.0, max=10.0, help="how far the driven keypoints move from "
                                                                         "the source's (1: as driven)"),
              Choice("source_clip", "first frame", choices=("first frame", "each frame"),
                     help="a source clip: its first frame animated, or each driving frame animating the source "
                          "frame at its place (video to video; a shorter source's last frame held)"),
              Int("person", 0, min=0, max=1000, help="whose face on the poses (in id order)"),
              Float("face_threshold", 0.3, min=0.0, max=1.0, help="face points of lower confidence are not used"),
              Int("crop_size", 512, min=64, max=2048, help="the face crop's side before the networks' 256 (the "
                                                           "release's dsize)"),
              Float("crop_scale", 2.3, min=1.0, max=4.0, help="the source crop's side over the face points' extent "
                                                              "(the release's scale)"),
              Float("vx_ratio", 0.0, min=-1.0, max=1.0, help="the source crop moved across the face, times its side"),
              Float("vy_ratio", -0.125, min=-1.0, max=1.0, help="the source crop moved along the face, times its side "
                                                                "(negative: up, more forehead)"),
              Bool("rotate", True, help="the source crop turned so the face is upright (the release's)"),
              Bool("paste_back", True, help="with source poses: the animated face pasted back into the source picture "
                                            "(the release's feathered mask); off: the animated crop"),
              Choice("size", "generator", choices=("generator", "source"),
                     help="frames not pasted back: as made (512 x 512 for the released model), or resized to the "
                          "source picture's size"),
              Int("batch", 8, min=1, max=256, help="driving frames rendered together"),
              Choice("precision", "auto", choices=("auto", "fp16", "fp32"),
                     help="auto: fp16 on a GPU (the release's half precision), fp32 on the CPU"))

    @classmethod
    def model_families(cls) -> list[dict]:
        return [{"kind": "portrait", "family": "liveportrait", "name": "LivePortrait (portrait animation)",
                 "variants": ["LivePortrait (human)"], "tasks": ["portrait animation"],
                 "inputs": {"portrait animation": ["source (a picture or a clip)", "driving (a clip)"]},
                 "formats": [".safetensors (Kijai/LivePortrait_safetensors: five files)"]}]

    @classmethod
    def preflight(cls, params, base_dir):
        """The five files found and their headers read and checked (nothing loaded)."""
        from studio.core.errors import ModelError

        from .liveportrait import files
        try:
            files.plan(find_paths(params, base_dir))
        except LivePortraitError as e:
            return [str(e)]
        except ModelError as e:
            return [f"Live Portrait: {e}"]
        return []

    @classmethod
    def signature_files(cls, params, base_dir=None) -> list[str]:
        try:
            return list(find_paths(params, base_dir).values())
        except LivePortraitError:
            return []

    def run(self, ctx, source, driving, source_pose=None, driving_pose=None):
        from studio.core.errors import ModelError

        from .liveportrait import files
        from .liveportrait.faces import NoFace, crops
        from .liveportrait.frames import Frames, Pictures
        p = ctx.params
        clip = as_clip(driving)
        src_clip = as_clip(source) if hasattr(source, "frame") else None
        n_src = 1 if src_clip is None else len(src_clip) if p.source_clip == "each frame" else min(1, len(src_clip))
        if len(clip) < 1 or n_src < 1:
            raise LivePortraitError(f"Live Portrait: the {'driving clip' if len(clip) < 1 else 'source'} has no frames")
        pictures = Pictures(src_clip if src_clip is not None else source, n_src)
        if p.driving_option == "expression-friendly" and not p.relative_motion:
            raise LivePortraitError("Live Portrait: 'expression-friendly' scales the relative motion: turn "
                                    "'relative_motion' on, or choose pose-friendly")
        if p.driving_option == "expression-friendly" and n_src > 1:
            raise LivePortraitError("Live Portrait: 'expression-friendly' takes one source picture: set "
                                    "'source_clip' to first frame, or choose pose-friendly")
        try:
            src_maps, drv_map = crops(p, pictures, clip, source_pose, driving_pose, ctx.info)
        except NoFace as e:
            raise LivePortraitError(f"Live Portrait: {e}") from None
        device = ctx.device
        gpu = str(device).split(":")[0] != "cpu"
        prec = p.precision if p.precision != "auto" else ("fp16" if gpu else "fp32")
        if prec == "fp16" and not gpu:
            raise LivePortraitError("Live Portrait: fp16 runs on a GPU only; set 'precision' to auto or fp32")
        paths = find_paths(p, getattr(ctx.options.get("graph"), "base_dir", None))
        try:
            planned = files.plan(paths)
            nets = files.load(paths, planned, device)
        except ModelError as e:
            raise LivePortraitError(f"Live Portrait: {e}") from None
        frames = Frames(nets, p, pictures, clip, src_maps, drv_map, device, prec == "fp16", to_input, INPUT,
                        ctx.check_cancelled)
        make = frames.make
        first = make(0, min(len(clip), p.batch))
        how = ("the source's face cropped from its poses" + (" and pasted back" if p.paste_back else "")
               if src_maps is not None else "the source used whole as the face crop")
        how += ", the driving frames cropped to one box about the face" if drv_map is not None \
            else ", the driving frames used whole"
        ctx.info(f"Live Portrait on {device} in {prec}: {len(clip)} driving frames, "
                 f"{'relative' if p.relative_motion else 'absolute'} motion ({p.animation_region}, "
                 f"{p.driving_option}), stitching {'on' if p.stitching else 'off'}, "
                 f"{n_src} source frame{'s' if n_src > 1 else ''}, frames {first.shape[2]}x{first.shape[1]}; {how} "
                 f"('{os.path.basename(paths['appearance'])}' and its four companions)")
        out = LivePortraitClip(clip, make, first.shape[2], first.shape[1], p.batch, ctx)
        out.kept = (0, first)
        return out
