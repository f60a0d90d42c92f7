"""SCAIL-2's conditioning, after the release (zai-org/SCAIL-2 at 3dee8c4, ``sample_video.py``:
``extract_and_compress_mask_to_latent``, the long-video segments and the history of the segment before)
and ComfyUI's nodes for what the release leaves to its user (comfy_extras/nodes_scail.py,
comfyanonymous/ComfyUI@1320142: the identity palette, the replace-mode reference composite; GPL: read,
not copied).

- Identity masks are colour videos: each identity painted one colour of the palette the model was
  trained on (blue, red, green, magenta, cyan, yellow), the background black in animate mode, white in
  replace mode (the reference's mask always on black).
- A colour mask becomes 28 binary channels at the latent's size without the VAE: 7 classes (white, red,
  green, blue, yellow, magenta, cyan: each of R, G, B above 225/255 or not), area-averaged to the latent
  size (three halvings, rounding up), the first frame repeated 4 times and every 4 frames stacked
  (channel = 7 * frame-in-latent + class).
- A take longer than one window is made in segments of ``window`` frames (81) starting every
  ``window - overlap`` frames (76); each after the first carries the last ``overlap`` (5) frames the one
  before made: encoded (2 latent frames), held clean in the first latent frames, marked by the history
  mask (ones there), and cut from its output."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

PALETTE = ((0.0, 0.0, 1.0), (1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (1.0, 0.0, 1.0), (0.0, 1.0, 1.0), (1.0, 1.0, 0.0))
ON = 225.0 / 255.0  # sample_video.py _ON_THRESH: (225 - 127.5) / 127.5 on [-1, 1], i.e. 225/255 on [0, 1]
WINDOW, OVERLAP = 81, 5  # sample_video.py: 81-frame segments every 76 frames, 5 frames of history
HISTORY_LATENTS = 2  # 5 history frames -> 2 latent frames (history_mask[:, :2] = 1)


def latent_size(n: int, extra_down: int = 1) -> int:
    """A side at the latent's size: ``n // extra_down`` halved three times, rounding up."""
    n = n // extra_down
    for _ in range(3):
        n = (n + 1) // 2
    return n


def colour_classes(rgb: torch.Tensor) -> torch.Tensor:
    """[T, 3, H, W] colours in [0, 1] -> [T, 7, H, W] binary: white, red, green, blue, yellow, magenta, cyan."""
    r, g, b = ((rgb[:, i:i + 1].float() > ON).float() for i in range(3))
    nr, ng, nb = 1 - r, 1 - g, 1 - b
    return torch.cat([r * g * b, r * ng * nb, nr * g * nb, nr * ng * b, r * g * nb, r * ng * b, nr * g * b], dim=1)


def mask_latent(rgb: torch.Tensor, extra_down: int = 1) -> torch.Tensor:
    """[T, 3, H, W] colour mask in [0, 1] (T = 4k + 1) -> [28, k + 1, h, w] (extract_and_compress_mask_to_latent)."""
    t, _, h, w = rgb.shape
    if (t - 1) % 4:
        raise ValueError(f"a colour mask of {t} frames: SCAIL-2 reads 4k + 1")
    classes = F.interpolate(colour_classes(rgb), size=(latent_size(h, extra_down), latent_size(w, extra_down)),
                            mode="area")
    padded = torch.cat([classes[:1].repeat(4, 1, 1, 1), classes[1:]], dim=0)
    return padded.reshape((t - 1) // 4 + 1, 28, *classes.shape[-2:]).permute(1, 0, 2, 3)


def reference_mask_latent(rgb: torch.Tensor, latent_frames: int) -> torch.Tensor:
    """[1, 3, H, W] the reference's colour mask -> [28, 1 + latent_frames, h, w]: its latent, then zeros
    over the video's latent frames (sample_video.py ref_sam_latent_full)."""
    one = mask_latent(rgb[:1])
    return torch.cat([one, one.new_zeros(28, latent_frames, *one.shape[-2:])], dim=1)


def history_mask(latent_frames: int, h: int, w: int, carried: int = HISTORY_LATENTS) -> torch.Tensor:
    """[4, latent_frames, h, w]: ones on the first ``carried`` latent frames (the history), zeros after."""
    m = torch.zeros(4, latent_frames, h, w)
    m[:, :carried] = 1.0
    return m


def paint(masks: np.ndarray, background: float) -> np.ndarray:
    """[T, H, W, N] identity masks in [0, 1] (N <= 6) -> [T, H, W, 3] colours: identity i in the palette's
    i-th colour where its mask is above 0.5 (the first such identity where they overlap), ``background``
    (0 black, 1 white) elsewhere."""
    if masks.ndim == 3:
        masks = masks[..., None]
    n = masks.shape[-1]
    if n > len(PALETTE):
        raise ValueError(f"{n} identities: SCAIL-2's palette has {len(PALETTE)} colours")
    out = np.full(masks.shape[:3] + (3,), float(background), dtype=np.float32)
    on = masks > 0.5
    for i in reversed(range(n)):
        out[on[..., i]] = PALETTE[i]
    return out


def composite_reference(image: torch.Tensor, ref_mask_rgb: torch.Tensor) -> torch.Tensor:
    """Replace mode's reference: the image [.., 3, H, W] in [-1, 1] kept where its colour mask (same size,
    [0, 1]) has any channel above 0.1, black (-1) elsewhere (ComfyUI's WanSCAILToVideo composite)."""
    keep = (ref_mask_rgb.amax(dim=-3, keepdim=True) > 0.1).to(image.dtype)
    return (image + 1) * keep - 1


def segments(n: int, window: int = WINDOW, overlap: int = OVERLAP) -> list[tuple[int, int]]:
    """(first frame, frames) of each segment of a take of ``n`` frames: ``window`` frames every ``window -
    overlap``, the last one as long as what is left (made 4k + 1 by repeating the driving video's last
    frame, the extra cut after). A take of at most ``window`` frames is one segment."""
    if window < 5 or (window - 1) % 4 or overlap < 1 or overlap >= window:
        raise ValueError(f"window {window}, overlap {overlap}: the window must be 4k + 1 and longer than the overlap")
    out, start = [(0, min(n, window))], window - overlap
    while out[-1][0] + out[-1][1] < n:
        out.append((start, min(window, n - start)))
        start += window - overlap
    return out


def padded_length(frames: int) -> int:
    """The segment's frames made: ``frames`` up to the next 4k + 1."""
    return frames + (-(frames - 1)) % 4
