"""The VAE decode said while it runs (issue 61 item 2: after "step 8 / 8" nothing moved for one to two
minutes while 121 frames were decoded, and the artist took it for a hang).

As the last denoising step ends the node says "decoding 121 frames with the VAE…" (under the node,
in the status bar, once in the Log); while the decode runs, "decoding 40 / 121 frames" (shown, not
logged) at most every half second. A VAE that decodes latent frame by latent frame (Wan's: its
decoder called once per latent frame, every ``temporal`` frames of video) is counted by a forward
hook on its decoder (diffusers' hook registry: base/hooks.module_hook), which does nothing but count
and read a clock (no device sync); time tiles (time_tiles.decode_take) say each tile as it lands on the host.
A VAE that decodes in overlapping time tiles itself (diffusers' ``_temporal_tiled_decode`` with its
``use_framewise_decoding`` on: HunyuanVideo's, which Kandinsky 5 and 6 use) calls its decoder once a tile:
counted the same way, a tile's stride of frames a call (issue 104's walk: Kandinsky 6 decoded 121 frames
for about 50 s behind a full progress bar and a note said once)."""
from __future__ import annotations

import time

HOOK = "studio_decode_progress"
INTERVAL = 0.5  # seconds between two progress lines


def framewise(vae) -> bool:
    """The VAE's decode calls its decoder once per latent frame (its family's VaeTiles says so: Wan's)."""
    from .vae_tiles import declared
    d = declared(vae)
    return d is not None and d.framewise


def temporal_ratio(pipe) -> int:
    """Video frames a latent frame makes (Wan's pipelines call it vae_scale_factor_temporal, LTX's
    vae_temporal_compression_ratio)."""
    for name in ("vae_scale_factor_temporal", "vae_temporal_compression_ratio"):
        v = getattr(pipe, name, None)
        if isinstance(v, int) and v > 0:
            return v
    return 1


def time_tiles(vae, latent_frames: int) -> tuple[int, int] | None:
    """(decoder calls, video frames a tile's stride) of a VAE whose decode runs in blended time tiles, one
    decoder call a tile (the family's VaeTiles says BLENDED; the VAE's ``use_framewise_decoding`` on, no spatial
    tiling, and the latent longer than a tile, as diffusers' ``_decode`` decides); None otherwise."""
    from ..base.capabilities import BLENDED
    from .vae_tiles import declared
    d = declared(vae)
    t = int(getattr(vae, "temporal_compression_ratio", 0) or getattr(getattr(vae, "config", None),
                                                                         "temporal_compression_ratio", 0) or 0)
    size, stride = (getattr(vae, k, None) for k in ("tile_sample_min_num_frames", "tile_sample_stride_num_frames"))
    if d is None or d.how != BLENDED or not getattr(vae, "use_framewise_decoding", False) or \
            getattr(vae, "use_tiling", False) or not (isinstance(size, int) and isinstance(stride, int)) or t < 1:
        return None
    if latent_frames <= size // t or stride // t < 1:
        return None
    return len(range(0, latent_frames, stride // t)), stride


def started(ctx, frames: int) -> None:
    """The decode begins: said once (the Log too)."""
    ctx.note(f"decoding {frames} frames with the VAE…")


def said(ctx, done: int, frames: int, left: float | None = None) -> None:
    """The frames decoded so far, and (``left``: the run's estimate of its seconds to go) the time left."""
    from ..base.guard import fmt_duration
    ctx.note(f"decoding {min(done, frames)} / {frames} frames" +
             (f" · about {fmt_duration(left)} left" if left is not None else ""), logged=False)


class DecodeProgress:
    """Around a pipeline call that decodes its latents itself: counts the decoder's calls of a
    frame-by-frame VAE and says the frames decoded; for another VAE only that the decode began
    (the last step's callback calls :meth:`begin`)."""

    def __init__(self, ctx, vae, frames: int, temporal: int, pace=None):
        self.ctx, self.frames, self.temporal = ctx, int(frames), max(1, int(temporal))
        self.pace = pace  # (share of the decode made, its seconds so far): the run's estimate kept up (guard.py)
        self.t_begin = 0.0
        self.latent_frames = (self.frames - 1) // self.temporal + 1
        # the decoder's calls the decode makes: a latent frame each (the first gives one video frame, each later
        # ``temporal``), or a time tile each (its frames blend into the next tile's: said as the share of tiles)
        tiles = None if framewise(vae) else time_tiles(vae, self.latent_frames)
        self.calls_made = tiles[0] if tiles else self.latent_frames
        self.by_tiles = tiles is not None
        self.decoder = getattr(vae, "decoder", None) if framewise(vae) or tiles else None
        self.vae = vae
        self.handle = None
        self.calls = 0
        self.begun = False
        self.last = 0.0

    def __enter__(self):
        tiled = bool(getattr(self.vae, "use_tiling", False))  # the decoder runs per tile too: not counted
        if self.decoder is not None and not tiled and hasattr(self.decoder, "forward"):
            from ..base.hooks import module_hook
            self.handle = module_hook(self.decoder, HOOK, after=self._called)
        return self

    def __exit__(self, *exc):
        if self.handle is not None:
            self.handle.remove()
            self.handle = None
        return False

    def begin(self) -> None:
        """The last step is done: the decode starts now."""
        if not self.begun:
            self.begun = True
            self.calls = 0
            self.t_begin = time.perf_counter()
            started(self.ctx, self.frames)

    def _called(self, module, args, output) -> None:
        if not self.begun:  # a call before the last step is not the decode
            return
        self.calls += 1  # latent frame (or time tile) k decoded: the first gives one frame more than the later
        now = time.perf_counter()
        if now - self.last >= INTERVAL or self.calls >= self.calls_made:
            self.last = now
            left = None
            if self.pace is not None and 2 <= self.calls < self.calls_made:
                left = self.pace(self.calls / self.calls_made, now - self.t_begin)  # the time left, kept up
            said(self.ctx, self.frames * self.calls // self.calls_made if self.by_tiles else
                 1 + (self.calls - 1) * self.temporal, self.frames, left if isinstance(left, (int, float)) else None)
