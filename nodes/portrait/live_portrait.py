"""Live Portrait: a still face animated by a driving clip, with KwaiVGI's LivePortrait (its five networks
in liveportrait/, read from the user's safetensors as ComfyUI users keep them). The source picture and the
driving frames are each taken whole as the face crop (the release's cropper needs InsightFace's detector and
its own landmark model, which Studio does not run): give a picture cropped about the face, as the release's 'do crop' off does;
the animated frames are the generator's (512 x 512 for the released model), or resized to the source
picture's size ('size': source). The release's paste-back needs that crop, so it is not offered."""
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
            self.kept = (k, self.make(self.driving.chunk(a, b)))
            self.ctx.progress(b, len(self.driving), frame=b - 1, force=True)
        return self.kept[1]

    def _frame(self, i: int) -> np.ndarray:
        return self._block(i // self.batch)[i % self.batch]

    def _chunk(self, a: int, b: int) -> np.ndarray:
        return np.stack([self._frame(i) for i in range(a, b)])


class LivePortrait(Node):
    """Animate a portrait with LivePortrait (KwaiVGI): the driving clip's head pose and expression moved onto
    the source face, relative to the driving clip's first frame (the release's default) or absolute, with
    the release's stitching. Give a picture cropped about the face and a driving clip of a face: each is
    used whole as the face crop (Studio does not run the release's face detector and landmark model), so
    there is no paste-back into a larger picture. The five files from a models folder's liveportrait/ (Kijai/LivePortrait_safetensors)."""
    id = "portrait.live_portrait"
    title = "Live Portrait"
    category = "Generate"
    keywords = ("liveportrait", "live portrait", "portrait", "face", "reenactment", "talking head", "kwai",
                "expression", "driving video")
    timing = CLIP
    inputs = (In("source", "Video", help="the face to animate: a picture cropped about the face (a clip: its first "
                                         "frame)"),
              In("driving", "Video", help="the driving clip: a face's motion (each frame used whole as the crop)"))
    outputs = (Out("video", "Video", help="the animated face, one frame per driving frame"),)
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
                          "(the release's option, relative motion only)"),
              Float("driving_multiplier", 1.0, min=-10.0, max=10.0, help="how far the driven keypoints move from "
                                                                         "the source's (1: as driven)"),
              Choice("size", "generator", choices=("generator", "source"),
                     help="generator: the frames as made (512 x 512 for the released model); source: resized to "
                          "the source picture's size"),
              Int("batch", 8, min=1, max=256, help="driving frames rendered together"),
              Choice("precision", "auto", choices=("auto", "fp16", "fp32"),
                     help="auto: fp16 on a GPU (the release's half precision), fp32 on the CPU"))

    @classmethod
    def model_families(cls) -> list[dict]:
        return [{"kind": "portrait", "family": "liveportrait", "name": "LivePortrait (portrait animation)",
                 "variants": ["LivePortrait (human)"], "tasks": ["portrait animation"],
                 "inputs": {"portrait animation": ["image", "video"]},
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

    def run(self, ctx, source, driving):
        import torch

        from studio.core.errors import ModelError

        from .liveportrait import animate, files
        p = ctx.params
        clip = as_clip(driving)
        picture = source.frame(0) if hasattr(source, "frame") else np.asarray(source, dtype=np.float32)
        if len(clip) < 1:
            raise LivePortraitError("Live Portrait: the driving clip has no frames")
        if p.driving_option == "expression-friendly" and not p.relative_motion:
            raise LivePortraitError("Live Portrait: 'expression-friendly' scales the relative motion: turn "
                                    "'relative_motion' on, or choose pose-friendly")
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
        import contextlib

        def auto():  # the release's half precision: autocast on the GPU
            return (torch.autocast(device_type=str(device).split(":")[0], dtype=torch.float16) if prec == "fp16"
                    else contextlib.nullcontext())
        with torch.no_grad(), auto():
            x_src = to_input(picture[None], device, torch.float32)
            src = animate.motion_of(nets["motion"], x_src)
            f_s = nets["appearance"](x_src).float()
            x_s = animate.keypoints(src)
            d0 = animate.motion_of(nets["motion"], to_input(clip.chunk(0, 1), device, torch.float32))
            mult = None
            if p.driving_option == "expression-friendly":
                mult = animate.motion_multiplier(x_s, animate.drive(src, d0, d0, True, p.animation_region))
        x_d0 = animate.drive(src, d0, d0, p.relative_motion, p.animation_region)
        h, w = picture.shape[:2]

        def make(frames: np.ndarray) -> np.ndarray:
            import cv2
            ctx.check_cancelled()
            with torch.no_grad(), auto():
                d = animate.motion_of(nets["motion"], to_input(frames, device, torch.float32))
                x_d = animate.drive(src, d, d0, p.relative_motion, p.animation_region)
                if mult is not None:
                    x_d = (x_d - x_d0) * mult + x_s
                if p.stitching:
                    x_d = animate.stitch(nets["stitching"]["stitching"], x_s, x_d)
                x_d = x_s + (x_d - x_s) * p.driving_multiplier
                y = animate.render(nets["warping"], nets["generator"], f_s, x_s, x_d)
            y = y.clamp(0, 1).permute(0, 2, 3, 1).cpu().numpy().astype(np.float32)
            if p.size == "source" and y.shape[1:3] != (h, w):
                y = np.stack([cv2.resize(f, (w, h), interpolation=cv2.INTER_CUBIC) for f in y]).clip(0, 1)
            return y

        first = make(clip.chunk(0, min(len(clip), p.batch)))
        ctx.info(f"Live Portrait on {device} in {prec}: {len(clip)} driving frames, "
                 f"{'relative' if p.relative_motion else 'absolute'} motion ({p.animation_region}, "
                 f"{p.driving_option}), stitching {'on' if p.stitching else 'off'}, frames "
                 f"{first.shape[2]}x{first.shape[1]}; the source and the driving frames each used whole as the "
                 f"face crop ('{os.path.basename(paths['appearance'])}' and its four companions)")
        out = LivePortraitClip(clip, make, first.shape[2], first.shape[1], p.batch, ctx)
        out.kept = (0, first)
        return out
