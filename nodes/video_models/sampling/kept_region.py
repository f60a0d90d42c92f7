"""Inpaint, outpaint and continue a clip by a noise mask, made by the Sampler (ComfyUI's SetLatentNoiseMask /
VAEEncodeForInpaint / InpaintModelConditioning on an encoded clip sampled at denoise 1, and LanPaint's samplers): Text
to Video given a clip ('inpaint_video') and a mask clip ('inpaint_mask', white where the take is made anew) encodes
the clip with the pipeline's own VAE, brings the mask to the latent grid, and after each denoising step puts back the
kept region noised to the next step's level, so only the masked part is made anew; after the last step the kept
region is the clip as encoded.

How (written here, following diffusers' own inpainting, the Apache-2.0 StableDiffusionInpaintPipeline's
``init_latents_proper`` blend after each scheduler step, diffusers v0.35 pipeline_stable_diffusion_inpaint.py):
- the clip is resized to the take's size (bilinear), put in [-1, 1], encoded (the distribution's mode) and normalised
  as the pipeline's latents are (Wan's VAE: (z - latents_mean) / latents_std: families/wan/latents.py);
- the mask's frames are taken as the VAE groups them in time (the first frame alone, then ``vae_scale_factor_temporal``
  frames a latent frame; each latent frame the mean of its frames) and averaged over each latent cell in space, so a
  latent cell is made anew as much as its pixels are masked (ComfyUI's reshape_mask interpolates the pixel mask to
  the latent's frames, height and width; a soft mask blends as in ComfyUI);
- one noise is drawn once from the node's seed; after step i the kept region is ``(1 - s) x0 + s n`` with ``s`` the
  scheduler's next sigma (flow matching, Wan's schedulers), or the scheduler's own ``add_noise`` at its next timestep
  where it is not a flow schedule; after the last step ``x0`` itself. A denoiser taking a timestep a token (Wan 2.2
  TI2V 5B's ``expand_timesteps``) is given its kept region clean at every step and each latent frame's tokens the
  step's timestep times the frame's share made anew, as ComfyUI's Wan 2.2 5B model takes a noise mask
  (:class:`KeptRegion`'s ``per_frame``).
The blend runs in the Sampler's step callback (sampler.py), on the device, with no host sync.

Made on pipelines whose latents in the step callback are 5-D [batch, channels, frames, height, width] and whose VAE
normalises them by its ``latents_mean`` and ``latents_std`` (Wan 2.1 / 2.2 T2V 14B and TI2V 5B, and the families on
Wan's VAE); another is refused in one sentence before it loads more than its model (LTX-2's pipelines pack their
latents into tokens in the callback)."""
from __future__ import annotations

import numpy as np

from studio.core.errors import StudioError
from studio.core.spec import In

INPUTS = (In("inpaint_video", "Video", optional=True,
             help="inpaint / outpaint / continue: the clip whose unmasked region is kept (encoded by the model's VAE, "
                  "put back after every step), with 'inpaint_mask'; 'frames', 'width' and 'height' 0 take its own"),
          In("inpaint_mask", "Video", optional=True,
             help="where the take is made anew (white), per frame (a still mask: every frame); black is kept as "
                  "'inpaint_video' is (ComfyUI's SetLatentNoiseMask at denoise 1)"))
NAMES = tuple(i.name for i in INPUTS)


def wired(inputs: dict) -> bool:
    """Either input of the pair is connected."""
    return any(inputs.get(k) is not None for k in NAMES)


def checked(title: str, video, mask):
    """(video, mask) as clips, refused in words before any model part loads: both or neither, the mask one frame or
    as long as the clip, of the clip's size."""
    from studio.engine.clip import as_clip
    if video is None or mask is None:
        missing = NAMES[0] if video is None else NAMES[1]
        raise StudioError(f"{title}: inpainting takes a clip and its mask together: connect '{missing}' too, or "
                          "neither")
    n = len(video) if hasattr(video, "__len__") and not isinstance(video, np.ndarray) else 1
    video, mask = as_clip(video, n), as_clip(mask, 1)
    if mask.n_frames not in (1,) and mask.n_frames < video.n_frames:
        raise StudioError(f"{title}: 'inpaint_mask' has {mask.n_frames} frames, 'inpaint_video' {video.n_frames}: "
                          "give a mask of one frame (every frame alike) or of as many frames as the clip")
    if (mask.width, mask.height) != (video.width, video.height):
        raise StudioError(f"{title}: 'inpaint_mask' is {mask.width}x{mask.height}, 'inpaint_video' "
                          f"{video.width}x{video.height}: give a mask of the clip's size (Scale it first)")
    return video, mask


def refused(title: str, fam, pipe) -> str:
    """Why ``pipe`` cannot be sampled with a kept region ('' : it can)."""
    vae = getattr(pipe, "vae", None)
    cfg = getattr(vae, "config", None)
    if vae is not None and all(getattr(cfg, k, None) is not None for k in ("latents_mean", "latents_std", "z_dim")) \
            and hasattr(pipe, "vae_scale_factor_temporal") and hasattr(pipe, "vae_scale_factor_spatial"):
        return ""
    return (f"{title}: inpainting by a noise mask is made on 5-D latents encoded as Wan's VAE encodes them (Wan 2.1 / "
            f"2.2 and the models on its VAE); {fam.title}'s pipeline ({type(pipe).__name__}) is not read so: leave "
            "'inpaint_video' and 'inpaint_mask' unconnected")


def _frames(clip, n: int) -> np.ndarray:
    """The clip's first ``n`` frames, its last repeated past its end: [n, H, W, C] float32."""
    got = np.asarray(clip.chunk(0, min(n, clip.n_frames)), np.float32)
    if got.ndim == 3:
        got = got[..., None]
    if len(got) < n:
        got = np.concatenate([got, np.repeat(got[-1:], n - len(got), 0)], 0)
    return got


def latent_mask(frames: np.ndarray, kt: int, ks: int, height: int, width: int):
    """The mask's frames ([T, H, W(, C)] in [0, 1], T = kt k + 1) on the latent grid: [1, 1, k + 1, height // ks,
    width // ks], each latent frame the mean of the pixel frames the VAE puts in it, each cell the mean of its pixels."""
    import torch
    import torch.nn.functional as F
    m = torch.from_numpy(np.array(frames, np.float32))
    m = m.mean(dim=-1) if m.ndim == 4 else m  # [T, H, W]
    m = F.interpolate(m[:, None], size=(height, width), mode="bilinear", align_corners=False)[:, 0] \
        if m.shape[-2:] != (height, width) else m
    first, rest = m[:1], m[1:]
    groups = rest.reshape(-1, kt, height, width).mean(dim=1) if len(rest) else rest
    t = torch.cat([first, groups], 0)  # [T', H, W]
    cells = F.avg_pool2d(t[:, None], kernel_size=ks)[:, 0]  # [T', h, w]
    return cells.clamp(0, 1)[None, None]


def encoded_clip(pipe, frames: np.ndarray, height: int, width: int):
    """The clip's frames ([T, H, W, C] in [0, 1]) as the pipeline's latents: [1, z, T', h, w] on the VAE's device."""
    import torch
    import torch.nn.functional as F
    vae = pipe.vae
    x = torch.from_numpy(np.array(frames[..., :3], np.float32)).permute(0, 3, 1, 2)  # [T, 3, H, W]
    if x.shape[-2:] != (height, width):
        x = F.interpolate(x, size=(height, width), mode="bilinear", align_corners=False, antialias=True)
    x = (x.clamp(0, 1) * 2.0 - 1.0).permute(1, 0, 2, 3)[None]  # [1, 3, T, H, W] in [-1, 1]
    try:  # where the pipeline's own encode puts its input (a VAE offloaded between calls: where it runs)
        from diffusers.utils.torch_utils import get_module_execution_device
        dev = get_module_execution_device(vae)
    except ImportError:
        dev = next(vae.parameters()).device
    with torch.inference_mode():
        z = vae.encode(x.to(dev, vae.dtype)).latent_dist.mode()
        mean = torch.tensor(vae.config.latents_mean).view(1, -1, 1, 1, 1).to(z.device, z.dtype)
        std = torch.tensor(vae.config.latents_std).view(1, -1, 1, 1, 1).to(z.device, z.dtype)
        return (z - mean) / std


class KeptRegion:
    """The kept region of one call: ``clean`` the encoded clip [1, z, T', h, w], ``keep`` [1, 1, T', h, w] (1: kept,
    0: made anew), one ``noise`` drawn at the first step from ``generator``. :meth:`step` is the Sampler's per-step
    blend; ``last`` the latents after the last step (a test reads them).

    ``per_frame`` (a pipeline whose denoiser takes a timestep a token: Wan 2.2 TI2V 5B's ``expand_timesteps``): as
    ComfyUI's WAN22 model does with a noise mask (comfy/model_base.py, its process_timestep and scale_latent_inpaint;
    read for the facts), the kept region is put back clean, not noised, and each latent frame's tokens are given the
    step's timestep times the share of that frame made anew (a frame kept whole: timestep 0, as the model's own first
    frame in image to video); inside the block the denoiser's input holds the clean kept region from the first step."""

    def __init__(self, clean, keep, generator, pipe=None, per_frame: bool = False):
        self.clean, self.keep, self.generator = clean, keep, generator
        self.pipe, self.per_frame = pipe, per_frame
        self.noise = None
        self.blended = 0
        self.last = None
        self._levels: list[float] | None = None
        self._hooks: list = []
        self._factor = None  # per_frame: each token's share of its frame made anew ([seq])

    def __enter__(self):
        if self.per_frame:  # the denoisers' input through diffusers' HookRegistry (base/hooks.py), for the call
            from diffusers.hooks import ModelHook

            from ..base.hooks import denoiser_hooks
            region = self

            class _Frames(ModelHook):
                def pre_forward(self, module, *args, **kwargs):
                    return region._denoiser_input(module, args, kwargs)
            self._hooks.append(denoiser_hooks(self.pipe, "studio_kept_region", lambda mod: _Frames()).__enter__())
        return self

    def __exit__(self, *exc):
        for h in self._hooks:
            h.__exit__(*exc)
        self._hooks = []
        return False

    def _denoiser_input(self, module, args, kwargs):
        """per_frame: the denoiser's tokens' timesteps scaled by their frame's share made anew, its input's kept
        region clean."""
        ts, hs = kwargs.get("timestep"), kwargs.get("hidden_states")
        if hs is not None and tuple(hs.shape) == tuple(self.clean.shape):
            keep, clean = self.keep.to(hs.device, hs.dtype), self.clean.to(hs.device, hs.dtype)
            kwargs["hidden_states"] = hs * (1 - keep) + clean * keep
        if ts is not None and ts.ndim == 2:
            if self._factor is None or self._factor.shape[0] != ts.shape[1]:
                self._factor = self._token_factor(ts.shape[1]).to(ts.device)
            kwargs["timestep"] = ts * self._factor.to(ts.dtype)
        return args, kwargs

    def _token_factor(self, seq: int):
        """Each of the denoiser's ``seq`` tokens (frame-major) given its latent frame's share made anew."""
        share = (1.0 - self.keep.float()).mean(dim=(0, 1, 3, 4))  # [T']
        per = seq // share.shape[0]
        if per * share.shape[0] != seq:
            from ..base.errors import ModelError
            raise ModelError(f"the denoiser's {seq} tokens are not {share.shape[0]} latent frames' alike")
        return share.repeat_interleave(per)

    def _ready(self, latents, sched) -> None:
        import torch
        if tuple(latents.shape) != tuple(self.clean.shape):
            from ..base.errors import ModelError
            raise ModelError(f"the clip encodes to latents {tuple(self.clean.shape)}, the take's are "
                             f"{tuple(latents.shape)}: its pipeline's latents are not the VAE's grid")
        self.clean = self.clean.to(latents.device, latents.dtype)
        self.keep = self.keep.to(latents.device, latents.dtype)
        self.noise = torch.randn(tuple(self.clean.shape), generator=self.generator, dtype=torch.float32,
                                 device=self.generator.device).to(latents.device, latents.dtype)
        sig = getattr(sched, "sigmas", None)
        flow = "FlowMatch" in type(sched).__name__ or bool(getattr(sched.config, "use_flow_sigmas", False)) or \
            getattr(sched.config, "prediction_type", "") == "flow_prediction"
        # the schedule's levels on the host once (the scheduler keeps its sigmas on the CPU): no sync a step
        self._levels = [float(v) for v in sig.cpu()] if flow and sig is not None else None

    def noised(self, sched, i: int):
        """The kept region's latents at the level after step ``i`` (the clean latents after the last step)."""
        ts = getattr(sched, "timesteps", None)
        steps = len(ts) if ts is not None else 0
        if i + 1 >= steps or self.per_frame:  # (per_frame: clean at every step, its frames' timesteps told)
            return self.clean
        if self._levels is not None and i + 1 < len(self._levels):
            s = self._levels[i + 1]
            return (1.0 - s) * self.clean + s * self.noise
        t = sched.timesteps[i + 1: i + 2]
        return sched.add_noise(self.clean, self.noise, t)

    def step(self, pipe, i: int, kw: dict) -> dict:
        """The step callback's latents with the kept region put back at the next step's level."""
        latents = kw.get("latents")
        if latents is None:
            return kw
        sched = pipe.scheduler
        if self.noise is None:
            self._ready(latents, sched)
        kept = self.noised(sched, i)
        out = latents * (1 - self.keep) + kept * self.keep
        self.blended += 1
        self.last = out
        return dict(kw, latents=out)


def prepared(ctx, s, title: str, video, mask, win: int, width: int, height: int) -> KeptRegion:
    """The kept region of the take's one call of ``win`` frames at ``width`` x ``height``: the clip encoded, the mask
    on the latent grid, said on the node."""
    why = refused(title, s.fam, s.pipe)
    if why:
        raise StudioError(why)
    kt, ks = int(s.pipe.vae_scale_factor_temporal), int(s.pipe.vae_scale_factor_spatial)
    m = _frames(mask, win) if mask.n_frames > 1 else np.repeat(_frames(mask, 1), win, 0)
    made = latent_mask(m, kt, ks, height, width)
    clean = encoded_clip(s.pipe, _frames(video, win), height, width)
    share = float(made.mean())
    per_frame = bool(getattr(getattr(s.pipe, "config", None), "expand_timesteps", False))
    ctx.info(f"inpaint: the clip is encoded by {type(s.pipe.vae).__name__} and kept outside the mask; inside it "
             f"({share:.0%} of the latent cells) the take is made anew, " + (
                 "the kept region held clean at every step and each latent frame's timestep the step's times its "
                 "share made anew (its denoiser takes a timestep a token, as ComfyUI's Wan 2.2 5B with a noise mask)"
                 if per_frame else "the kept region put back after every step noised to the next step's level"))
    s.no_resume = "the kept region is put back at each step"  # a Stop keeps nothing: made again from the start
    return KeptRegion(clean, 1.0 - made, ctx.torch_generator(device="cpu", salt=11), s.pipe, per_frame)
