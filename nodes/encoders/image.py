"""Image encoder: a small ResNet (basic blocks, GroupNorm so a frame's features never depend on
which other frames share its batch) giving feature maps and a pooled vector per frame.

The clip is streamed in chunks (never materialised); only the per-frame results are kept.
Weights come from the seed (to train with a generator through the node's 'model' output) or
from a local safetensors checkpoint written by :func:`save_image_encoder`.
"""
from __future__ import annotations

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from studio.core.params import Bool, Int, Path, Seed
from studio.core.spec import CLIP, In, Node, Out
from studio.core.values import Features, ModelRef
from studio.engine.clip import StillClip, as_clip

from .common import load_state, read_checkpoint, save_checkpoint, seeded

MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)


def _norm(c: int) -> nn.GroupNorm:
    return nn.GroupNorm(min(8, c), c)


class BasicBlock(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.n1 = _norm(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.n2 = _norm(cout)
        self.skip = None if (stride == 1 and cin == cout) else nn.Sequential(
            nn.Conv2d(cin, cout, 1, stride, bias=False), _norm(cout))

    def forward(self, x):
        y = F.relu(self.n1(self.conv1(x)))
        y = self.n2(self.conv2(y))
        return F.relu(y + (x if self.skip is None else self.skip(x)))


class ResNetEncoder(nn.Module):
    """[B, 3, H, W] in [0, 1] -> (maps [B, C, H/8, W/8], pooled [B, dim])."""

    def __init__(self, width: int = 32, dim: int = 128, blocks: int = 1, in_channels: int = 3):
        super().__init__()
        self.config = {"kind": "image.resnet", "width": width, "dim": dim, "blocks": blocks,
                       "in_channels": in_channels}
        w = width
        self.stem = nn.Sequential(nn.Conv2d(in_channels, w, 3, 2, 1, bias=False), _norm(w), nn.ReLU())
        stages, c = [], w
        for i, (cout, stride) in enumerate(((w, 1), (2 * w, 2), (4 * w, 2))):
            for b in range(blocks):
                stages.append(BasicBlock(c, cout, stride if b == 0 else 1))
                c = cout
        self.stages = nn.Sequential(*stages)
        self.channels = c
        self.head = nn.Linear(c, dim)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if x.shape[1] == 3:
            x = (x - MEAN.to(x)) / STD.to(x)
        maps = self.stages(self.stem(x))
        return maps, self.head(maps.mean(dim=(2, 3)))


def save_image_encoder(module: ResNetEncoder, path: str) -> None:
    save_checkpoint(module, module.config, path)


def load_image_encoder(path: str) -> ResNetEncoder:
    config, state = read_checkpoint(path, "image.resnet")
    m = ResNetEncoder(**{k: v for k, v in config.items() if k != "kind"})
    load_state(m, state, path)
    return m


def prepare(frames: np.ndarray, width: int, height: int) -> torch.Tensor:
    """[N, H, W, C] float frames -> [N, 3, height, width] tensor (grey and RGBA made RGB)."""
    out = np.empty((len(frames), height, width, 3), np.float32)
    for k, f in enumerate(frames):
        if not np.all(np.isfinite(f)):
            raise ValueError("a frame contains NaN or infinite values")
        r = cv2.resize(np.ascontiguousarray(f), (width, height), interpolation=cv2.INTER_AREA)
        r = r.reshape(height, width, -1)
        out[k] = np.repeat(r, 3, axis=2) if r.shape[2] == 1 else r[..., :3]
    return torch.from_numpy(out).permute(0, 3, 1, 2)


class ImageEncoder(Node):
    """A ResNet-style CNN over every frame: feature maps [T, C, h, w] and a pooled vector [T, D].
    An Image gives clip-level features ([D], [C, h, w]). The clip is streamed in chunks."""
    id = "encode.image"
    title = "Image Encoder"
    category = "Encode"
    timing = CLIP
    code_version = 1
    inputs = (In("video", "Video", help="a clip, or an Image"),)
    outputs = (Out("features", "Features", help="pooled [T, D] per frame ([D] for an image)"),
               Out("maps", "Features", help="feature maps [T, C, h, w] at 1/8 of the input size"),
               Out("model", "Model", help="the CNN (to train with a generator)"))
    params = (Int("size", 128, min=16, max=1024, help="frames are resized to this width (height keeps the aspect)"),
              Int("dim", 128, min=4, max=2048, help="pooled feature size"),
              Int("width", 32, min=4, max=256, help="channels of the first stage (maps have 4x)"),
              Bool("keep_maps", True, help="output the feature maps (memory: T*C*h*w floats)"),
              Int("chunk", 16, min=1, max=256, help="frames per batch"),
              Path("checkpoint", "", mode="open", filters="Safetensors (*.safetensors)",
                   help="trained weights; empty: initialised from the seed"),
              Seed("seed", 0, help="initialises the CNN"))

    def run(self, ctx, video):
        p = ctx.params
        clip = as_clip(video)
        if clip.n_frames == 0:
            raise ValueError("the clip has no frames")
        if p.checkpoint:
            module = load_image_encoder(p.checkpoint)
        else:
            module = seeded(lambda: ResNetEncoder(p.width, p.dim), ctx.seed)
        module = module.to(ctx.device).eval()
        w = p.size - p.size % 8 or 8
        h = max(8, int(round(clip.height * w / clip.width / 8)) * 8)
        still = isinstance(clip, StillClip)
        n = 1 if still else clip.n_frames
        pooled, maps = [], []
        with torch.no_grad():
            for a, chunk in clip.chunks(p.chunk, 0, n, check=ctx.check_cancelled):
                m, v = module(prepare(chunk, w, h).to(ctx.device))
                pooled.append(v.cpu())
                if p.keep_maps:
                    maps.append(m.cpu())
                ctx.progress(a + len(chunk), n, frame=a + len(chunk) - 1)
        pooled_t = torch.cat(pooled)
        maps_t = torch.cat(maps) if maps else None
        fps = None if still else clip.fps
        if still:
            pooled_t = pooled_t[0]
            maps_t = maps_t[0] if maps_t is not None else None
        return {"features": Features(pooled_t, per_frame=not still, fps=fps),
                "maps": Features(maps_t, per_frame=not still, fps=fps, extras={"kind": "maps"}) if maps_t is not None else None,
                "model": ModelRef(module, module.config, "image.resnet")}
