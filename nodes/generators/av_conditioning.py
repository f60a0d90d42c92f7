"""Audio + image conditioning: a generator that makes a clip from a still and a sound.

One path, in training and in sampling alike::

    still (a clip's first frame) -> Image Encoder (frozen ResNet) -> feature maps [C, h, w], flattened --+
    the clip's sound -> Audio Encoder 'features' (log-mel, MFCC, onset, beat, loudness per frame) [T, D] -+
        -> per-column normalisation (fitted on the training clips)
        -> fusion (gated, FiLM or cross-attention from nodes.fusion.modules), per frame: [T, dim]
        -> temporal readout (an MLP over the frames in order: a rising pitch and a falling one have the
           same mean, so the clip's average would lose the direction the sound moves in)
        -> cond [cond_dim]
        -> keyframe-flow diffusion whose key frame is the FIRST frame: the UNet denoises it with the
           still concatenated to its input (spatial conditioning, as image-to-video models do) and cond
           through FiLM; the velocity head reads the motion (pixels per frame) from cond.

The normalisation, fusion, readout and generator train jointly; the image encoder is frozen (its
weights travel in the checkpoint and their hash in the config, so a checkpoint made with another
encoder is refused by name); the audio features have no weights. In training the image features are
dropped for half the clips (the fusion's learned null embedding stands in), so the motion has to be
read from the sound and cannot rest on the still alone (on the synthetic set the start position
alone gives the direction away). Why maps and not the pooled vector: pooling averages position out,
and the start position is what the still says about the motion.

In a graph: Train Generator (conditioning 'audio+image', its image_encoder input from the Image
Encoder's model output) -> Audio + Image Fusion (applies the trained fusion to the encoders'
Features) -> Sample Generator (features, and the still on its image input).
"""
from __future__ import annotations

import hashlib

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from studio.core.errors import StudioError
from studio.core.params import Choice, Int
from studio.core.spec import CLIP, In, Node, Out
from studio.core.values import Audio, Features, ModelRef

from nodes.encoders.audio import analyse
from nodes.encoders.image import ResNetEncoder, prepare
from nodes.fusion.modules import MODULES

from .diffusion import VideoDiffusion
from .nets import STUNet, rand_on, randn_on, to_model

AV_KIND = "audio+image"
FUSIONS = ("gated", "film", "cross_attention")
AUDIO_COLUMNS = ("mel", "mfcc", "onset_strength", "onset", "beat", "loudness")  # the Audio Encoder's order
DEFAULT_ENCODER = {"width": 8, "dim": 32, "blocks": 1}


# -- the encoders, exactly as their nodes run them --------------------------------------------------
def encode_size(width: int, height: int, size: int) -> tuple[int, int]:
    """The size the Image Encoder node resizes a ``width x height`` frame to for its ``size`` param."""
    w = size - size % 8 or 8
    h = max(8, int(round(height * w / width / 8)) * 8)
    return w, h


@torch.no_grad()
def image_maps(encoder: nn.Module, frames: np.ndarray, size: int, chunk: int = 64) -> torch.Tensor:
    """[N, H, W, 3] frames -> the Image Encoder node's feature maps [N, C, h, w] (CPU)."""
    frames = np.asarray(frames, np.float32)
    w, h = encode_size(frames.shape[2], frames.shape[1], size)
    dev = next(encoder.parameters()).device
    out = [encoder(prepare(frames[a:a + chunk], w, h).to(dev))[0].cpu() for a in range(0, len(frames), chunk)]
    return torch.cat(out)


def audio_features(audio: Audio, n_frames: int, fps: float, mels: int = 64, mfcc: int = 20) -> torch.Tensor:
    """The Audio Encoder node's 'features' output [T, mels + mfcc + 4] for ``n_frames`` at ``fps``."""
    per = analyse(audio, n_frames, fps, mels, mfcc)["per_frame"]
    return torch.cat([per[k] for k in AUDIO_COLUMNS], dim=1).float()


def weights_hash(module: nn.Module) -> str:
    h = hashlib.sha256()
    for k, v in sorted(module.state_dict().items()):
        h.update(k.encode())
        h.update(v.detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()[:12]


# -- config -----------------------------------------------------------------------------------------
def av_conditioning_info(encoder: ResNetEncoder, width: int, height: int, frames: int, fps: float,
                         fusion: str = "gated", fusion_dim: int = 64, cond_dim: int = 64,
                         mels: int = 64, mfcc: int = 20, image_dropout: float = 0.5) -> dict:
    """The ``conditioning`` entry of a model config: everything that must be the same at sampling."""
    if fusion not in FUSIONS:
        raise ValueError(f"unknown fusion '{fusion}' (use {', '.join(FUSIONS)})")
    enc_cfg = {k: v for k, v in getattr(encoder, "config", {}).items()}
    if enc_cfg.get("kind") != "image.resnet":
        raise StudioError("the image_encoder input is not the Image Encoder's model (a 'image.resnet' network)")
    size = int(width)
    w, h = encode_size(width, height, size)
    dev = next(encoder.parameters()).device
    with torch.no_grad():
        maps = encoder(torch.zeros(1, enc_cfg.get("in_channels", 3), h, w, device=dev))[0].shape[1:]
    digest = weights_hash(encoder)
    audio_dim = mels + mfcc + 4
    summary = (f"image.resnet#{digest}@{size}px maps+audio.features(mels {mels}, mfcc {mfcc}, "
               f"{frames} frames at {fps:g} fps)+fusion.{fusion}({fusion_dim})")
    return {"kind": AV_KIND, "encoder": summary, "dim": int(cond_dim),
            "image": {"encoder": enc_cfg, "hash": digest, "size": size, "maps": [int(x) for x in maps]},
            "audio": {"mels": int(mels), "mfcc": int(mfcc), "frames": int(frames), "fps": float(fps),
                      "dim": audio_dim},
            "fusion": {"kind": fusion, "dim": int(fusion_dim)}, "image_dropout": float(image_dropout)}


def default_image_encoder(seed: int = 0) -> ResNetEncoder:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return ResNetEncoder(**DEFAULT_ENCODER)


def av_model_config(dataset, encoder: ResNetEncoder | None = None, fusion: str = "gated", **arch) -> dict:
    """A diffusion config conditioned on a still and a sound, for ``dataset``'s clips."""
    encoder = encoder if encoder is not None else default_image_encoder()
    cond = av_conditioning_info(encoder, dataset.width, dataset.height, dataset.n_frames, dataset.fps, fusion,
                                **{k: arch.pop(k) for k in ("fusion_dim", "cond_dim", "image_dropout") if k in arch})
    return {"family": "diffusion", "frames": dataset.n_frames, "width": dataset.width, "height": dataset.height,
            "fps": dataset.fps, "cond_dim": cond["dim"], "conditioning": cond,
            "dataset": {"name": dataset.name, "hash": dataset.hash, "clips": len(dataset.indices("train"))},
            "motion": "keyframe-flow", "key_frame": "first", "image_concat": True, **arch}


def is_av(config: dict) -> bool:
    return (config.get("conditioning") or {}).get("kind") == AV_KIND


# -- networks ---------------------------------------------------------------------------------------
class AVConditioner(nn.Module):
    """(image features [B, Di], audio features [B, T, Da]) -> (cond [B, out_dim], fusion info)."""

    def __init__(self, image_dim: int, audio_dim: int, frames: int, fusion: str = "gated", dim: int = 64,
                 out_dim: int = 64):
        super().__init__()
        self.frames = int(frames)
        for name, d in (("image", image_dim), ("audio", audio_dim)):
            self.register_buffer(f"{name}_mean", torch.zeros(d))
            self.register_buffer(f"{name}_std", torch.ones(d))
        self.register_buffer("fitted", torch.zeros(()))
        kw = {"heads": 4} if fusion == "cross_attention" else {}
        self.fusion = MODULES[fusion]([image_dim, audio_dim], dim, names=["image", "audio"], **kw)
        self.readout = nn.Sequential(nn.Linear(self.frames * self.fusion.out_dim, out_dim), nn.SiLU(),
                                     nn.Linear(out_dim, out_dim))

    @torch.no_grad()
    def fit(self, image: torch.Tensor, audio: torch.Tensor) -> None:
        """Per-column mean and spread of the training clips' features (kept in the checkpoint)."""
        for name, x in (("image", image.reshape(image.shape[0], -1)), ("audio", audio.reshape(-1, audio.shape[-1]))):
            m, s = x.mean(0), x.std(0) if len(x) > 1 else torch.ones(x.shape[1])
            getattr(self, f"{name}_mean").copy_(m)
            getattr(self, f"{name}_std").copy_(s.clamp_min(1e-3 + 0.05 * float(s.mean())))
        self.fitted.fill_(1.0)

    def forward(self, image: torch.Tensor | None, audio: torch.Tensor | None,
                keep_image: torch.Tensor | None = None) -> tuple[torch.Tensor, dict]:
        img = None if image is None else (image.reshape(image.shape[0], -1) - self.image_mean) / self.image_std
        aud = None if audio is None else (audio - self.audio_mean) / self.audio_std
        kinds = [None if img is None else "clip", None if aud is None else "frame"]
        out, info = self.fusion([img, aud], kinds)
        if keep_image is not None and img is not None:
            alone, _ = self.fusion([None, aud], [None, kinds[1]])
            out = torch.where(keep_image[:, None, None], out, alone.expand_as(out))
        if out.shape[1] != self.frames:  # no per-frame input: the same fused vector every frame
            out = out.expand(out.shape[0], self.frames, out.shape[2])
            info = {k: (v.expand(v.shape[0], self.frames, *v.shape[2:]) if isinstance(v, torch.Tensor)
                        and v.ndim >= 2 and v.shape[1] == 1 else v) for k, v in info.items()}
        return self.readout(out.reshape(out.shape[0], -1)), info


class ConcatSTUNet(STUNet):
    """The generators' space-time UNet with ``extra`` image channels concatenated to its input
    (the still, repeated over the frames being denoised); it still predicts ``channels``."""

    def __init__(self, channels: int, extra: int, base: int, mults, emb: int, cond_dim: int, temporal: bool):
        super().__init__(channels, base, mults, emb, cond_dim, temporal)
        self.out_channels = channels
        self.inp = nn.Conv2d(channels + extra, self.inp.out_channels, 3, padding=1)


class AVDiffusion(VideoDiffusion):
    """Key-frame diffusion of the first frame from a still, moved by the motion read from the fused
    still-and-sound features. ``sample(cond, gen, ..., image=still)``."""
    needs_image = True

    def __init__(self, config: dict):
        if not is_av(config):
            raise ValueError("AVDiffusion needs an audio+image conditioning config")
        if config.get("motion", "keyframe-flow") != "keyframe-flow" or config.get("latent"):
            raise ValueError("audio+image conditioning works with motion 'keyframe-flow' in pixel space")
        super().__init__({**config, "motion": "keyframe-flow", "key_frame": "first", "image_concat": True})
        cfg, c = self.config, self.config["conditioning"]
        self.key_index = 0  # the clip starts from the still
        self.unet = ConcatSTUNet(3, 3, cfg["base"], tuple(cfg["mults"]), cfg["emb"], cfg["cond_dim"], temporal=False)
        enc = {k: v for k, v in c["image"]["encoder"].items() if k != "kind"}
        self.image_encoder = ResNetEncoder(**enc).eval()
        for p in self.image_encoder.parameters():
            p.requires_grad_(False)
        self.conditioner = AVConditioner(int(np.prod(c["image"]["maps"])), c["audio"]["dim"], c["audio"]["frames"],
                                         c["fusion"]["kind"], c["fusion"]["dim"], cfg["cond_dim"])

    def train(self, mode: bool = True):
        super().train(mode)
        self.image_encoder.eval()  # frozen
        return self

    # -- data ---------------------------------------------------------------------------------
    def conditioning_inputs(self, dataset, idx, frames: np.ndarray, check=lambda: None) -> dict:
        """Per-clip inputs of the training clips: the encoders' features of each clip's first frame
        and of its sound. Fits the normalisation the first time (a resumed model keeps its own)."""
        c = self.config["conditioning"]
        a = c["audio"]
        img = image_maps(self.image_encoder, frames[:, 0], c["image"]["size"]).flatten(1)
        auds = []
        for k, i in enumerate(idx):
            if k % 32 == 0:
                check()
            item = dataset.items[i]
            if getattr(item, "audio", None) is None:
                raise StudioError(f"{dataset.name}: clip {i} ('{item.caption}') has no sound; audio+image "
                                  "conditioning trains on clips with a sound track (the synthetic set has one)")
            auds.append(audio_features(item.audio(), a["frames"], a["fps"], a["mels"], a["mfcc"]))
        aud = torch.stack(auds)
        if float(self.conditioner.fitted) == 0.0:
            self.conditioner.fit(img, aud)
        return {"image_feats": img, "audio_feats": aud}

    def inputs_for(self, still: np.ndarray, audio: Audio) -> dict:
        """The per-clip inputs of one still [H, W, 3] and its sound, as the training clips' are made."""
        c = self.config["conditioning"]
        a = c["audio"]
        img = image_maps(self.image_encoder, np.asarray(still, np.float32)[None], c["image"]["size"]).flatten(1)
        aud = audio_features(audio, a["frames"], a["fps"], a["mels"], a["mfcc"])[None]
        return {"image_feats": img, "audio_feats": aud}

    # -- training -----------------------------------------------------------------------------
    def losses(self, batch: dict, gen: torch.Generator) -> dict[str, torch.Tensor]:
        video = batch["video"]
        b, dev = video.shape[0], video.device
        keep = rand_on(dev, gen, b) >= self.config["conditioning"].get("image_dropout", 0.0)
        cond, _ = self.conditioner(batch["image_feats"], batch["audio_feats"], keep_image=keep)
        return {"diffusion": self.v_loss(video[:, :, :1], cond, gen, image=video[:, :, 0]),
                "velocity": F.mse_loss(self.velocity(cond), batch["velocity"])}

    # -- sampling -----------------------------------------------------------------------------
    def condition(self, batch: dict, use: str = "image and audio") -> tuple[torch.Tensor, dict]:
        img = None if use == "audio only" else batch["image_feats"]
        aud = None if use == "image only" else batch["audio_feats"]
        return self.conditioner(img, aud)

    def _v(self, x, t, cond, guidance, image=None):
        b = x.shape[0]
        tt = torch.full((b,), int(t), device=x.device, dtype=torch.long)
        if guidance == 1.0:
            return self.unet(x, tt, cond, image=image)
        both = self.unet(torch.cat([x, x]), torch.cat([tt, tt]), torch.cat([cond, cond]),
                         torch.cat([torch.zeros(b, dtype=torch.bool, device=x.device),
                                    torch.ones(b, dtype=torch.bool, device=x.device)]),
                         image=torch.cat([image, image]))
        vc, vu = both.chunk(2)
        return vu + guidance * (vc - vu)

    @torch.no_grad()
    def sample(self, cond, gen, steps=25, guidance=1.0, progress=None, image=None):
        """``image``: the stills [N or 1, 3, H, W] in [-1, 1] the clips start from."""
        if image is None:
            raise StudioError("this generator makes clips from a still: give it the image the features were "
                              "made from (Sample Generator's image input)")
        n = cond.shape[0]
        image = image.to(cond.device, torch.float32)
        if image.shape[1:] != (3,) + self.shape:
            raise StudioError(f"the still is {image.shape[-1]}x{image.shape[-2]}, the model makes "
                              f"{self.shape[1]}x{self.shape[0]} clips")
        if image.shape[0] == 1 and n > 1:
            image = image.expand(n, -1, -1, -1)
        cfg = self.config
        x = randn_on(cond.device, gen, (n, 3, 1) + self.shape)
        ts = torch.linspace(cfg["timesteps"] - 1, 0, max(1, steps)).round().long().tolist()
        x0 = x
        for k, t in enumerate(ts):
            a = self.acp[t]
            v = self._v(x, t, cond, guidance, image)
            x0 = (a.sqrt() * x - (1 - a).sqrt() * v).clamp(-1, 1)
            eps = (x - a.sqrt() * x0) / (1 - a).sqrt().clamp_min(1e-4)
            a_prev = self.acp[ts[k + 1]] if k + 1 < len(ts) else torch.tensor(1.0, device=x.device)
            x = a_prev.sqrt() * x0 + (1 - a_prev).sqrt() * eps
            if progress is not None:
                progress(k + 1, len(ts), self._finish(x0, cond))
        return self._finish(x0, cond)

    def check_still(self, still: np.ndarray, maps: torch.Tensor) -> None:
        """Raise unless ``maps`` are this model's frozen image encoder's maps of ``still``: the
        features and the still a clip starts from must belong together."""
        c = self.config["conditioning"]["image"]
        mine = image_maps(self.image_encoder, np.asarray(still, np.float32)[None, ..., :3], c["size"])[0]
        maps = torch.as_tensor(maps).float()
        maps = maps.reshape(mine.shape) if maps.numel() == mine.numel() else None
        if maps is None or not torch.allclose(mine, maps, rtol=1e-3, atol=1e-4 * (1.0 + float(mine.abs().max()))):
            raise StudioError("the image features were not made from this still by the image encoder the model was "
                              "trained with: feed the same still to the Image Encoder and to Sample's image input, "
                              "and use the Image Encoder whose model output trained the generator")

    @torch.no_grad()
    def sample_batch(self, batch: dict, gen, steps=10, guidance=1.0, progress=None):
        """Clips from a training batch's own stills and sounds (previews)."""
        cond, _ = self.condition(batch)
        return self.sample(cond, gen, steps, guidance, progress, image=batch["video"][:, :, 0])


def still_tensor(image, width: int, height: int) -> torch.Tensor:
    """An Image [H, W, C] in [0, 1] -> [1, 3, height, width] in [-1, 1] (resized to the model's size)."""
    a = np.array(image, np.float32)  # a copy: frames on the wires are read-only
    if a.ndim == 2:
        a = a[..., None]
    if a.ndim != 3:
        raise StudioError(f"the still must be an image [H, W, C], got shape {a.shape}")
    if not np.isfinite(a).all():
        raise StudioError("the still has NaN or infinite pixels")
    a = np.repeat(a, 3, axis=2) if a.shape[2] == 1 else a[..., :3]
    if a.shape[:2] != (height, width):
        a = cv2.resize(np.ascontiguousarray(a), (width, height), interpolation=cv2.INTER_AREA).reshape(height, width, 3)
    return to_model(a[None, None])[:, :, 0]


# -- nodes ------------------------------------------------------------------------------------------
def _check_model(model) -> dict:
    if not isinstance(model, ModelRef) or not hasattr(model.module, "sample"):
        raise StudioError("the model input is not a trained generator")
    cfg = model.config
    c = cfg.get("conditioning") or {}
    if c.get("kind") != AV_KIND or not hasattr(model.module, "conditioner"):
        raise StudioError(f"the model was trained on '{c.get('kind')}' conditioning ({c.get('encoder')}), not "
                          f"audio+image: train it with Train Generator > conditioning 'audio+image'")
    return cfg


def features_from_encoders(cfg: dict, image, audio) -> tuple[torch.Tensor | None, torch.Tensor | None]:
    """The Image Encoder's maps and the Audio Encoder's features as the model's inputs, with a clear
    error for each way they can differ from what the model was trained on."""
    c = cfg["conditioning"]
    img = aud = None
    if image is not None:
        if not isinstance(image, Features):
            raise StudioError(f"the image input is {type(image).__name__}, not Features")
        x = torch.as_tensor(image.data).float()
        if x.ndim == 4 and x.shape[0] == 1:  # maps of a one-frame clip
            x = x[0]
        want = tuple(c["image"]["maps"])
        if x.ndim != 3:
            raise StudioError(f"the image features have shape {tuple(x.shape)}: connect the Image Encoder's "
                              f"'maps' output (maps {list(want)}), not its pooled features")
        if tuple(x.shape) != want:
            raise StudioError(f"the image maps are {list(x.shape)} but the model was trained on {list(want)}: "
                              f"set the Image Encoder's size to {c['image']['size']} and use the encoder the "
                              f"model was trained with")
        if not torch.isfinite(x).all():
            raise StudioError("the image features contain NaN or infinite values")
        img = x.reshape(1, -1)
    if audio is not None:
        if not isinstance(audio, Features):
            raise StudioError(f"the audio input is {type(audio).__name__}, not Features")
        a = c["audio"]
        x = torch.as_tensor(audio.data).float()
        if x.ndim != 2 or not audio.per_frame:
            raise StudioError(f"the audio features have shape {tuple(x.shape)}: connect the Audio Encoder's "
                              f"'features' output (per frame, [T, {a['dim']}])")
        fps_ok = audio.fps is None or abs(float(audio.fps) - a["fps"]) < 1e-6
        if x.shape[0] != a["frames"] or not fps_ok:
            raise StudioError(f"the audio features are {x.shape[0]} frames at {audio.fps} fps; the model was trained "
                              f"on {a['frames']} frames at {a['fps']:g} fps: set the Audio Encoder's fps to "
                              f"{a['fps']:g} and frames to {a['frames']}")
        if x.shape[1] != a["dim"]:
            raise StudioError(f"the audio features have {x.shape[1]} columns; the model was trained on {a['dim']} "
                              f"(Audio Encoder mode 'features', mels {a['mels']}, mfcc {a['mfcc']})")
        if not torch.isfinite(x).all():
            raise StudioError("the audio features contain NaN or infinite values")
        aud = x[None]
    return img, aud


class AVFusion(Node):
    """Fuse a still's image features and a sound's audio features with the fusion network a
    generator was trained with (conditioning 'audio+image'): gated, FiLM or cross-attention, then a
    readout over the frames in order. The result conditions Sample Generator. The extras show, frame
    by frame, how much the still and the sound drive the result."""
    id = "gen.av_fusion"
    title = "Audio + Image Fusion"
    category = "Fusion"
    timing = CLIP
    inputs = (In("image", "Features", help="the Image Encoder's maps of the still"),
              In("audio", "Features", help="the Audio Encoder's features of the sound"),
              In("model", "Model", help="a generator trained with audio+image conditioning"))
    outputs = (Out("features", "Features", help="the conditioning [D] for Sample Generator"),
               Out("info", "Text"))
    params = (Choice("use", "image and audio", choices=("image and audio", "audio only", "image only"),
                     help="leave one input out (its learned null embedding stands in): what does each drive?"),)

    def run(self, ctx, image, audio, model):
        cfg = _check_model(model)
        use = ctx.params.use
        if image is None:
            raise StudioError("no image features: turn the Image Encoder's keep_maps on (the fusion reads its maps)")
        if audio is None:
            raise StudioError("no audio features: connect the Audio Encoder's features output")
        img, aud = features_from_encoders(cfg, image, audio)
        net = model.module
        dev = next(net.parameters()).device
        with torch.no_grad():
            cond, info = net.condition({"image_feats": img.to(dev), "audio_feats": aud.to(dev)}, use)
        cond = cond[0].detach().float().cpu()
        extras = {"modalities": ["image", "audio"], "present": [use != "audio only", use != "image only"],
                  "conditioning": cfg["conditioning"], "fusion": cfg["conditioning"]["fusion"]["kind"],
                  "image_maps": img.reshape(cfg["conditioning"]["image"]["maps"])}  # Sample checks its still with them
        for k, v in info.items():
            if isinstance(v, torch.Tensor):
                extras[k] = v[0].detach().float().cpu()
        dom = extras.get("dominance")
        share = f"; the still drives {float(dom[:, 0].mean()):.0%} of the fusion, the sound " \
                f"{float(dom[:, 1].mean()):.0%}" if isinstance(dom, torch.Tensor) and dom.ndim == 2 else ""
        text = f"{cfg['conditioning']['fusion']['kind']} fusion of {use} -> {cond.shape[0]}-d conditioning{share}"
        return {"features": Features(cond, extras=extras), "info": text}


class FrameToImage(Node):
    """One frame of a clip as a still Image (e.g. the first frame, to animate it)."""
    id = "gen.frame_image"
    title = "Frame to Image"
    category = "Transform"
    timing = CLIP
    inputs = (In("video", "Video"),)
    outputs = (Out("image", "Image"),)
    params = (Int("frame", 0, min=-1_000_000, max=1_000_000, help="frame index (negative: from the end)"),)

    def run(self, ctx, video):
        n = len(video)
        i = ctx.params.frame
        if not -n <= i < n:
            raise ValueError(f"frame {i} is outside the clip (it has {n} frames)")
        return np.ascontiguousarray(video.frame(i)[..., :3] if video.channels >= 3 else video.frame(i))


__all__ = ["AV_KIND", "AVConditioner", "AVDiffusion", "ConcatSTUNet", "av_model_config", "audio_features",
           "image_maps", "still_tensor", "features_from_encoders", "is_av"]
