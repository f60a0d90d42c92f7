"""MMAudio's sound for a clip, or for words alone: the clip's frames taken at 8 a second for CLIP (squashed to
384 px) and at 25 a second for the Synchformer (224 px, the short side scaled and the middle cut), the prompt and
the negative prompt through CLIP's text side, the latents flowed from noise in even Euler steps with classifier-free
guidance against the empty conditions (the negative prompt's text features where one is given), un-normalised by
the network's latent statistics, decoded to a mel spectrogram by the VAE and to 44.1 kHz by the vocoder (after
hkchengrex/MMAudio @974010a: mmaudio/eval_utils.py's generate, model/utils/features_utils.py, model/
sequence_config.py; the frames taken at their times as its av_utils.py reads a video at 8 and 25 fps). The sound
is cut to the duration asked (the latents cover a little more: whole latent frames of 1,024 samples)."""
from __future__ import annotations

import numpy as np

from . import clip_file, net

CLIP_FPS, SYNC_FPS, SYNC_SIZE = 8, 25, 224
RATE = 44_100  # the 44k models' (ext/mel_converter.py)
HOP = 512


def frames_at(frames: np.ndarray, fps: float, rate: float, count: int) -> np.ndarray:
    """``count`` frames of a clip at ``fps`` taken at ``rate`` a second: the frame shown at each time i / rate."""
    idx = np.minimum(np.floor(np.arange(count) * fps / rate + 1e-6).astype(int), len(frames) - 1)
    return frames[idx]


def clip_input(frames: np.ndarray, size: int):
    """(T, H, W, 3) in [0, 1] -> (T, 3, size, size), squashed (bicubic), as MMAudio's CLIP transform."""
    import torch
    import torch.nn.functional as F
    x = torch.from_numpy(np.ascontiguousarray(frames[..., :3], dtype=np.float32)).permute(0, 3, 1, 2)
    return F.interpolate(x, size=(size, size), mode="bicubic", align_corners=False, antialias=True).clamp(0, 1)


def sync_input(frames: np.ndarray):
    """(T, H, W, 3) in [0, 1] -> (T, 3, 224, 224) in [-1, 1]: the short side to 224 (bicubic), the middle cut."""
    import torch
    import torch.nn.functional as F
    x = torch.from_numpy(np.ascontiguousarray(frames[..., :3], dtype=np.float32)).permute(0, 3, 1, 2)
    h, w = x.shape[-2:]
    s = SYNC_SIZE / min(h, w)
    nh, nw = max(SYNC_SIZE, round(h * s)), max(SYNC_SIZE, round(w * s))
    x = F.interpolate(x, size=(nh, nw), mode="bicubic", align_corners=False, antialias=True).clamp(0, 1)
    top, left = (nh - SYNC_SIZE) // 2, (nw - SYNC_SIZE) // 2
    return x[..., top:top + SYNC_SIZE, left:left + SYNC_SIZE] * 2 - 1


def sync_features(sync, frames, dtype):
    """(T, 3, 224, 224) -> (1, segments * 8, D): segments of 16 frames stepping 8 (features_utils.py)."""
    import torch
    n = (len(frames) - 16) // 8 + 1
    segs = torch.stack([frames[i * 8:i * 8 + 16] for i in range(n)])
    return torch.cat([sync(segs[i:i + 1].to(dtype)) for i in range(n)]).reshape(1, n * 8, -1)


def generate(models: dict, tokenizer, *, frames: np.ndarray | None, fps: float, duration: float, prompt: str,
             negative: str, steps: int, cfg: float, seed: int, device, dtype, step_done=None,
             mask_away_clip: bool = False) -> np.ndarray:
    """The sound (samples,) float32 at 44.1 kHz for ``duration`` seconds of ``frames`` at ``fps`` (None: words only)."""
    import torch
    lens = net.seq_lengths(duration, RATE, HOP)
    dit, clip, sync = models["net"], models["clip"], models["sync"]
    with torch.inference_mode():
        text = clip_file.text_features(clip, clip_file.tokens(tokenizer, [prompt]).to(device))
        neg = clip_file.text_features(clip, clip_file.tokens(tokenizer, [negative]).to(device))  # "" too, as kijai's
        if frames is not None:
            size = clip.config.vision_config.image_size
            if mask_away_clip:  # the pack's mask_away_clip: CLIP's frames left out, the empty clip features
                clip_f = dit.empty(1, lens["clip"], lens["sync"])[0]
            else:
                cf = clip_input(frames_at(frames, fps, CLIP_FPS, lens["clip_frames"]), size).to(device, dtype)
                clip_f = torch.cat([clip_file.image_features(clip, cf[i:i + 16]) for i in range(0, len(cf), 16)])[None]
            sf = sync_input(frames_at(frames, fps, SYNC_FPS, lens["sync_frames"])).to(device)
            sync_f = sync_features(sync, sf, dtype)
        else:
            clip_f, sync_f, _ = dit.empty(1, lens["clip"], lens["sync"])
        cond = dit.conditions(clip_f.to(dtype), sync_f.to(dtype), text.to(dtype), lens["latent"])
        e_clip, e_sync, e_text = dit.empty(1, lens["clip"], lens["sync"], neg.to(dtype))
        empty = dit.conditions(e_clip, e_sync, e_text, lens["latent"])
        g = torch.Generator("cpu").manual_seed(int(seed) & 0xFFFF_FFFF_FFFF_FFFF)
        x0 = torch.randn(1, lens["latent"], dit.latent_dim, generator=g).to(device, dtype)
        x = net.euler(dit, x0, cond, empty, cfg, steps, step_done)
        x = x * dit.latent_std + dit.latent_mean
        mel = models["vae"].vae.decode(x.transpose(1, 2).float())
        wave = models["vocoder"](mel, return_dict=False)[0]
    return wave.reshape(-1).float().cpu().numpy()[:int(round(duration * RATE))]
