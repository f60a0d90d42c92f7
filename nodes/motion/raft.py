"""RAFT optical flow (Teed & Deng, ECCV 2020) in torch, run from a checkpoint the user supplies.

The network follows princeton-vl/RAFT's ``core/raft.py`` (the "large" model) so its published
checkpoints load as they are: ``raft-things.pth``, ``raft-sintel.pth`` ... (a state dict,
read by studio.engine.torch_zip, never unpickled) or the same tensors in a ``.safetensors``
file. No weights ship with Studio and none are downloaded.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from studio.core.errors import StudioError
from studio.core.params import Choice, Int, Path
from studio.core.spec import WINDOW, In, Node, Out
from studio.engine.frame_clip import frame_node_clip


# -- network (parameter names match princeton-vl/RAFT) ----------------------------------------
class ResidualBlock(nn.Module):
    def __init__(self, in_planes, planes, norm_fn="group", stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, padding=1, stride=stride)
        self.conv2 = nn.Conv2d(planes, planes, 3, padding=1)
        self.relu = nn.ReLU(inplace=True)
        norm = (lambda c: nn.BatchNorm2d(c)) if norm_fn == "batch" else (lambda c: nn.InstanceNorm2d(c))
        self.norm1, self.norm2 = norm(planes), norm(planes)
        if stride != 1:
            self.norm3 = norm(planes)
            self.downsample = nn.Sequential(nn.Conv2d(in_planes, planes, 1, stride=stride), self.norm3)
        else:
            self.downsample = None

    def forward(self, x):
        y = self.relu(self.norm1(self.conv1(x)))
        y = self.relu(self.norm2(self.conv2(y)))
        if self.downsample is not None:
            x = self.downsample(x)
        return self.relu(x + y)


class BasicEncoder(nn.Module):
    def __init__(self, output_dim=128, norm_fn="batch"):
        super().__init__()
        self.norm1 = nn.BatchNorm2d(64) if norm_fn == "batch" else nn.InstanceNorm2d(64)
        self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3)
        self.relu1 = nn.ReLU(inplace=True)
        dims, layers, inp = (64, 96, 128), [], 64
        for k, (d, s) in enumerate(zip(dims, (1, 2, 2))):
            layers.append(nn.Sequential(ResidualBlock(inp, d, norm_fn, s), ResidualBlock(d, d, norm_fn, 1)))
            inp = d
        self.layer1, self.layer2, self.layer3 = layers
        self.conv2 = nn.Conv2d(128, output_dim, 1)

    def forward(self, x):
        x = self.relu1(self.norm1(self.conv1(x)))
        return self.conv2(self.layer3(self.layer2(self.layer1(x))))


class BasicMotionEncoder(nn.Module):
    def __init__(self, corr_planes=4 * 81):
        super().__init__()
        self.convc1 = nn.Conv2d(corr_planes, 256, 1)
        self.convc2 = nn.Conv2d(256, 192, 3, padding=1)
        self.convf1 = nn.Conv2d(2, 128, 7, padding=3)
        self.convf2 = nn.Conv2d(128, 64, 3, padding=1)
        self.conv = nn.Conv2d(64 + 192, 128 - 2, 3, padding=1)

    def forward(self, flow, corr):
        cor = F.relu(self.convc2(F.relu(self.convc1(corr))))
        flo = F.relu(self.convf2(F.relu(self.convf1(flow))))
        return torch.cat([F.relu(self.conv(torch.cat([cor, flo], 1))), flow], 1)


class SepConvGRU(nn.Module):
    def __init__(self, hidden_dim=128, input_dim=192 + 128):
        super().__init__()
        c = hidden_dim + input_dim
        self.convz1 = nn.Conv2d(c, hidden_dim, (1, 5), padding=(0, 2))
        self.convr1 = nn.Conv2d(c, hidden_dim, (1, 5), padding=(0, 2))
        self.convq1 = nn.Conv2d(c, hidden_dim, (1, 5), padding=(0, 2))
        self.convz2 = nn.Conv2d(c, hidden_dim, (5, 1), padding=(2, 0))
        self.convr2 = nn.Conv2d(c, hidden_dim, (5, 1), padding=(2, 0))
        self.convq2 = nn.Conv2d(c, hidden_dim, (5, 1), padding=(2, 0))

    def forward(self, h, x):
        for cz, cr, cq in ((self.convz1, self.convr1, self.convq1), (self.convz2, self.convr2, self.convq2)):
            hx = torch.cat([h, x], 1)
            z, r = torch.sigmoid(cz(hx)), torch.sigmoid(cr(hx))
            q = torch.tanh(cq(torch.cat([r * h, x], 1)))
            h = (1 - z) * h + z * q
        return h


class FlowHead(nn.Module):
    def __init__(self, input_dim=128, hidden_dim=256):
        super().__init__()
        self.conv1 = nn.Conv2d(input_dim, hidden_dim, 3, padding=1)
        self.conv2 = nn.Conv2d(hidden_dim, 2, 3, padding=1)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        return self.conv2(self.relu(self.conv1(x)))


class BasicUpdateBlock(nn.Module):
    def __init__(self, hidden_dim=128):
        super().__init__()
        self.encoder = BasicMotionEncoder()
        self.gru = SepConvGRU(hidden_dim, 128 + hidden_dim)
        self.flow_head = FlowHead(hidden_dim, 256)
        self.mask = nn.Sequential(nn.Conv2d(128, 256, 3, padding=1), nn.ReLU(inplace=True), nn.Conv2d(256, 64 * 9, 1))

    def forward(self, net, inp, corr, flow):
        net = self.gru(net, torch.cat([inp, self.encoder(flow, corr)], 1))
        return net, 0.25 * self.mask(net), self.flow_head(net)


def _coords_grid(b, h, w, device):
    y, x = torch.meshgrid(torch.arange(h, device=device), torch.arange(w, device=device), indexing="ij")
    return torch.stack([x, y], 0).float()[None].repeat(b, 1, 1, 1)


class RAFT(nn.Module):
    """RAFT (large): ``forward(image1, image2, iters)`` on [B, 3, H, W] in 0..255, H and W
    multiples of 8; returns the full-resolution flow [B, 2, H, W]."""
    levels, radius = 4, 4

    def __init__(self):
        super().__init__()
        self.hidden_dim = self.context_dim = 128
        self.fnet = BasicEncoder(256, "instance")
        self.cnet = BasicEncoder(256, "batch")
        self.update_block = BasicUpdateBlock(128)

    def _corr_pyramid(self, f1, f2):
        b, d, h, w = f1.shape
        corr = torch.matmul(f1.view(b, d, h * w).transpose(1, 2), f2.view(b, d, h * w))
        corr = (corr / d ** 0.5).reshape(b * h * w, 1, h, w)
        pyr = [corr]
        for _ in range(self.levels - 1):
            corr = F.avg_pool2d(corr, 2, stride=2)
            pyr.append(corr)
        return pyr

    def _lookup(self, pyr, coords):
        r = self.radius
        b, _, h, w = coords.shape
        c = coords.permute(0, 2, 3, 1).reshape(b * h * w, 1, 1, 2)
        d = torch.linspace(-r, r, 2 * r + 1, device=coords.device)
        delta = torch.stack(torch.meshgrid(d, d, indexing="ij"), -1).view(1, 2 * r + 1, 2 * r + 1, 2)
        out = []
        for i, corr in enumerate(pyr):
            g = c / 2 ** i + delta
            H, W = corr.shape[-2:]
            gx = 2 * g[..., 0:1] / max(W - 1, 1) - 1
            gy = 2 * g[..., 1:2] / max(H - 1, 1) - 1
            s = F.grid_sample(corr, torch.cat([gx, gy], -1), align_corners=True)
            out.append(s.view(b, h, w, -1))
        return torch.cat(out, -1).permute(0, 3, 1, 2).contiguous().float()

    @staticmethod
    def _upsample(flow, mask):
        n, _, h, w = flow.shape
        mask = torch.softmax(mask.view(n, 1, 9, 8, 8, h, w), dim=2)
        up = F.unfold(8 * flow, [3, 3], padding=1).view(n, 2, 9, 1, 1, h, w)
        up = torch.sum(mask * up, dim=2).permute(0, 1, 4, 2, 5, 3)
        return up.reshape(n, 2, 8 * h, 8 * w)

    def forward(self, image1, image2, iters: int = 12, flow_init=None):
        image1 = 2 * (image1 / 255.0) - 1.0
        image2 = 2 * (image2 / 255.0) - 1.0
        fmaps = self.fnet(torch.cat([image1, image2], 0))
        f1, f2 = torch.split(fmaps, image1.shape[0], 0)
        pyr = self._corr_pyramid(f1.float(), f2.float())
        net, inp = torch.split(self.cnet(image1), [self.hidden_dim, self.context_dim], 1)
        net, inp = torch.tanh(net), torch.relu(inp)
        b, _, h, w = image1.shape
        coords0 = _coords_grid(b, h // 8, w // 8, image1.device)
        coords1 = coords0.clone()
        if flow_init is not None:
            coords1 = coords1 + flow_init
        mask = None
        for _ in range(iters):
            corr = self._lookup(pyr, coords1)
            net, mask, delta = self.update_block(net, inp, corr, coords1 - coords0)
            coords1 = coords1 + delta
        return self._upsample(coords1 - coords0, mask)


# -- checkpoints -------------------------------------------------------------------------------
def load_state_dict(path: str) -> dict[str, torch.Tensor]:
    """Tensors of a checkpoint, without unpickling: .safetensors, or a torch state dict read
    with ``weights_only=True``. Strips DataParallel's ``module.`` prefix."""
    if not path:
        raise StudioError("no RAFT checkpoint chosen (a raft-*.pth or .safetensors file)")
    if not os.path.isfile(path):
        raise StudioError(f"RAFT checkpoint not found: {path}")
    try:
        if path.lower().endswith(".safetensors"):
            from safetensors.torch import load_file
            sd = load_file(path, device="cpu")
        else:  # torch's zip format read without unpickling (studio.engine.torch_zip)
            from studio.engine.torch_zip import read_torch_file
            sd = read_torch_file(path, "RAFT checkpoint")
    except Exception as e:  # noqa: BLE001 - any read failure is the file's fault
        from studio.engine.torch_zip import TorchFileError
        if isinstance(e, TorchFileError):
            raise StudioError(f"cannot read {e}") from None
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise StudioError(f"cannot read RAFT checkpoint {os.path.basename(path)}: {first[:200]}") from None
    for key in ("state_dict", "model"):
        if isinstance(sd, dict) and isinstance(sd.get(key), dict):
            sd = sd[key]
    if not isinstance(sd, dict) or not all(isinstance(v, torch.Tensor) for v in sd.values()):
        raise StudioError(f"{os.path.basename(path)} is not a state dict of tensors")
    return {(k[7:] if k.startswith("module.") else k): v for k, v in sd.items()}


def build_model(path: str, device) -> RAFT:
    sd = load_state_dict(path)
    model = RAFT()
    own = model.state_dict()
    # norm3 and downsample.1 are one module under two names; safetensors keeps only one of them
    for k in own:
        if k not in sd:
            alias = (k.replace(".norm3.", ".downsample.1.") if ".norm3." in k
                     else k.replace(".downsample.1.", ".norm3."))
            if alias != k and alias in sd:
                sd[k] = sd[alias]
    missing = [k for k in own if k not in sd]
    unexpected = [k for k in sd if k not in own]
    wrong = [k for k in own if k in sd and tuple(sd[k].shape) != tuple(own[k].shape)]
    if missing or unexpected or wrong:
        def few(x):
            return ", ".join(x[:4]) + (f" (+{len(x) - 4} more)" if len(x) > 4 else "")
        parts = [f"missing {few(missing)}" if missing else "", f"unexpected {few(unexpected)}" if unexpected else "",
                 f"wrong shape {few(wrong)}" if wrong else ""]
        raise StudioError(f"{os.path.basename(path)} does not match RAFT (large, princeton-vl layout): "
                          + "; ".join(p for p in parts if p))
    model.load_state_dict(sd)
    return model.to(device).eval()


_MODELS: OrderedDict[tuple, RAFT] = OrderedDict()
_MODELS_LOCK = threading.Lock()


def get_model(path: str, device) -> RAFT:
    """A loaded model, cached by file (path, size, mtime) and device."""
    st = os.stat(path) if path and os.path.isfile(path) else None
    key = (os.path.abspath(path) if path else "", st.st_size if st else 0, st.st_mtime_ns if st else 0, str(device))
    with _MODELS_LOCK:
        m = _MODELS.get(key)
        if m is not None:
            _MODELS.move_to_end(key)
            return m
    m = build_model(path, device)
    with _MODELS_LOCK:
        _MODELS[key] = m
        while len(_MODELS) > 2:
            _MODELS.popitem(last=False)
    return m


@torch.inference_mode()
def raft_flow(model: RAFT, img0: np.ndarray, img1: np.ndarray, iters: int = 12, device=None) -> np.ndarray:
    """Flow img0 -> img1 (float RGB [0, 1], H x W x 3) as float32 H x W x 2."""
    dev = device if device is not None else next(model.parameters()).device
    h, w = img0.shape[:2]
    if h < 64 or w < 64:
        raise ValueError(f"RAFT needs frames of at least 64x64, got {w}x{h}")
    ph, pw = (8 - h % 8) % 8, (8 - w % 8) % 8
    pad = [pw // 2, pw - pw // 2, ph // 2, ph - ph // 2]  # centred, like RAFT's InputPadder('sintel')

    def prep(a):
        a = np.asarray(a, np.float32)[..., :3]
        t = torch.from_numpy(np.array(a, np.float32)).permute(2, 0, 1)[None].to(dev) * 255.0
        return F.pad(t, pad, mode="replicate")

    f = model(prep(img0), prep(img1), iters=iters)
    f = f[..., pad[2]:pad[2] + h, pad[0]:pad[0] + w]
    return f[0].permute(1, 2, 0).float().cpu().numpy()


class RaftFlow(Node):
    """Optical flow with RAFT from a checkpoint you supply (princeton-vl/RAFT raft-things.pth,
    raft-sintel.pth ... or the same tensors as .safetensors). Same conventions as Optical Flow:
    forward t -> t+1 (last frame zero), backward t -> t-1 (first frame zero). Lazy."""
    id = "motion.raft_flow"
    title = "Optical Flow (RAFT)"
    category = "Motion"
    timing = WINDOW
    window = (-1, 1)
    inputs = (In("video", "Video"),)
    outputs = (Out("flow", "Flow"),)
    params = (Path("checkpoint", "", mode="open", filters="RAFT checkpoint (*.pth *.pt *.safetensors)",
                   help="the RAFT (large) weights"),
              Int("iterations", 12, min=1, max=64, help="refinement steps (more: slower, finer)"),
              Choice("direction", "forward", choices=("forward", "backward")))

    def run(self, ctx, video):
        self._n = len(video)
        self._model = get_model(ctx.params.checkpoint, ctx.device)  # fail early on a bad file
        self._lock = threading.Lock()
        return frame_node_clip(self, ctx, {"video": video})

    def output_shape(self, ctx, video, **_):
        if video.width < 64 or video.height < 64:
            raise ValueError(f"RAFT needs frames of at least 64x64, got {video.width}x{video.height}")
        return {"channels": 2, "audio": None}

    def frames_window(self, ctx, i, video):
        prev, cur, nxt = video
        fwd = ctx.params.direction == "forward"
        if (fwd and i >= self._n - 1) or (not fwd and i <= 0):
            return np.zeros(cur.shape[:2] + (2,), np.float32)
        ctx.check_cancelled()
        with self._lock:  # one inference at a time per node
            return raft_flow(self._model, cur, nxt if fwd else prev, ctx.params.iterations, ctx.device)
