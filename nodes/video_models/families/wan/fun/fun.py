"""Wan Fun Control: a control clip (pose, depth, edges: Studio's Pose, Depth and Edges nodes make them)
and an optional start image steer a Wan 2.1 Fun Control model (1.3B / 14B).

After the released code, aigc-apps/VideoX-Fun (Apache-2.0) at commit 804a425,
``videox_fun/pipeline/pipeline_wan_fun_control.py`` (``WanFunControlPipeline.__call__``): the control
clip, resized to the take, is encoded by the VAE (its mode, normalised as every Wan latent is), the
start image alone likewise into the first latent frame of zeros (all zeros without one), and the
denoiser reads ``cat([latents, control, start])`` on its channels (48 = 3 x 16: the transformer's
``in_channels`` says so); a Fun model's image embedder is given zeros of CLIP ViT-H/14's 257 tokens
(the reference's ``zeros_like(clip_context)``) in both guidance calls.

Studio calls diffusers' ``WanPipeline`` (the text half, the scheduler, the decode are the same; its
noise drawn with the VAE's 16 latent channels, as the reference draws it, not the denoiser's 48) and a
hook on the denoiser adds the two condition latents and the image tokens to each call. Fun V1.1's
reference image (``ref_conv``) adds a module diffusers' transformer has not: such a file is refused,
naming it. Fun V1.1's camera models read no control clip (32 channels): the Wan Fun Camera node
(camera.py) runs them."""
from __future__ import annotations

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Text
from studio.core.spec import In, Out

from ....base.errors import ModelError
from ....base.hooks import latent_noise_hooks
from ....loading.inputs import video_model_input
from ....sampling.generators import COMMON, TAKE_PARAMS, GeneratorNode, output_size, preview_and_steps, prompt_of, \
    say_frame_rule

HOOK = "studio_wan_fun"
CLIP_TOKENS = 257  # CLIP ViT-H/14 at 224 px: 256 patches and the class token


def takes_control(transformer) -> bool:
    cfg = transformer.config
    return int(cfg.in_channels) == 3 * int(cfg.out_channels)


def encode_frames(pipe, frames: np.ndarray, generator=None):
    """[F, H, W, 3] frames in [0, 1] as Wan latents [1, C, F', H/8, W/8]: the VAE's mode, normalised by
    its latents_mean / latents_std as WanPipeline's own latents are."""
    import torch
    vae = pipe.vae
    x = torch.as_tensor(np.ascontiguousarray(frames), dtype=torch.float32).permute(3, 0, 1, 2)[None] * 2 - 1
    x = x.to(vae.device, vae.dtype)
    lat = vae.encode(x).latent_dist.mode()
    mean = torch.tensor(vae.config.latents_mean, device=lat.device, dtype=lat.dtype).view(1, -1, 1, 1, 1)
    inv_std = 1.0 / torch.tensor(vae.config.latents_std, device=lat.device, dtype=lat.dtype).view(1, -1, 1, 1, 1)
    return (lat - mean) * inv_std


def fun_condition(pipe, control: np.ndarray, start: np.ndarray | None):
    """The denoiser's extra channels: the control clip's latents, then the start image's latent in the
    first latent frame of zeros ([1, 32, F', h, w])."""
    import torch
    c = encode_frames(pipe, control)
    s = torch.zeros_like(c)
    if start is not None and c.shape[2] > 1:
        s[:, :, :1] = encode_frames(pipe, start[None])
    return torch.cat([c, s], dim=1)


def _make_hook(cond, image_dim: int | None, image_embeds=None):
    from diffusers.hooks import ModelHook

    from ....base.hooks import hidden_states_of, with_hidden_states

    class _Fun(ModelHook):
        def new_forward(self, module, *args, **kwargs):
            import torch
            x = hidden_states_of(args, kwargs)
            x = torch.cat([x, cond.to(x.device, x.dtype).expand(x.shape[0], -1, -1, -1, -1)], dim=1)
            args, kwargs = with_hidden_states(args, kwargs, x)
            if image_dim and kwargs.get("encoder_hidden_states_image") is None and image_embeds is not None:
                kwargs["encoder_hidden_states_image"] = image_embeds.to(x.device, kwargs["encoder_hidden_states"].dtype
                                                                        ).expand(x.shape[0], -1, -1)
            elif image_dim and kwargs.get("encoder_hidden_states_image") is None:
                ehs = kwargs.get("encoder_hidden_states")
                kwargs["encoder_hidden_states_image"] = torch.zeros(x.shape[0], CLIP_TOKENS, image_dim, device=x.device,
                                                                    dtype=ehs.dtype if ehs is not None else x.dtype)
            return self.fn_ref.original_forward(*args, **kwargs)
    return _Fun()


class fun_applied(latent_noise_hooks):
    """The Fun condition on the pipeline's denoisers inside the block (base.hooks), and its noise drawn
    with the VAE's channels; both undone however it ends. ``image_embeds``: the CLIP image tokens
    [1, 257, image_dim] for a denoiser that reads them (zeros when None). WanPipeline draws noise of the
    denoiser's in_channels (48 here); the reference draws the VAE's latent channels (16): latent_noise_hooks."""

    def __init__(self, pipe, cond, image_embeds=None):
        super().__init__(pipe, HOOK, lambda mod: _make_hook(cond, getattr(mod.config, "image_dim", None),
                                                            image_embeds))


def fitted(clip, n: int, w: int, h: int, ctx) -> np.ndarray:
    """The control clip's first ``n`` frames at the take's size ([n, h, w, 3]); shorter refused."""
    import cv2
    have = len(clip)
    if have < n:
        raise StudioError(f"the control clip has {have} frames but {n} are made: give a clip of at least {n} frames, "
                          f"or set frames to {have} or fewer")
    if have > n:
        ctx.info(f"the control clip's first {n} of {have} frames are used (the take's length)")
    out = np.empty((n, h, w, 3), np.float32)
    for i in range(n):
        f = np.atleast_3d(np.asarray(clip.frame(i), np.float32))
        f = np.repeat(f[..., :1], 3, -1) if f.shape[2] < 3 else f[..., :3]
        out[i] = f if f.shape[:2] == (h, w) else cv2.resize(f, (w, h), interpolation=cv2.INTER_AREA)
    return out


class WanFunControl(GeneratorNode):
    """Make a clip with a Wan 2.1 Fun Control model that follows a control clip (a pose skeleton, depth,
    edges) from a prompt, and from a start image when one is connected. One call makes the take."""
    streams_output = False  # one call
    id = "video_models.wan_fun_control"
    keywords = ("fun control", "videox-fun", "pose to video", "depth to video", "canny")
    title = "Wan Fun Control"
    task = "t2v"
    source_ports = ("control",)
    inputs = (In("model", "Video Model", help="a Wan 2.1 Fun Control model (its denoiser reads 48 channels)"),
              In("control", "Video", help="the control clip: pose, depth or edges (Pose, Depth, Edges)"),
              In("image", "Image", optional=True, help="the first frame"),
              In("prompt", "Text", optional=True))
    outputs = (Out("video", "Video"),)
    params = (Text("prompt", "a dancer on a stage, cinematic"), Text("negative_prompt", "")) + \
        tuple(q for q in COMMON if q.name not in ("window", "overlap") + TAKE_PARAMS)

    def run(self, ctx, model, control, image=None, prompt=None):
        from ....base.family import valid_frames
        from ....sampling.sampler import Sampler, filter_kwargs
        ref = video_model_input(model)
        if ref.fam.key != "wan":
            raise ModelError(f"model '{ref.path}' is a {ref.fam.title} model: Wan Fun Control needs a Wan Fun Control "
                             "model")
        text = prompt_of(ctx, prompt)
        s = Sampler(ctx, ref, "t2v", text=not self._prompts_cached(ctx, model, text))  # cached: T5 stays on disk
        tr = s.pipe.transformer
        if not takes_control(tr):
            raise ModelError(f"model '{ref.path}' reads {tr.config.in_channels} channels, not the 48 of a Wan Fun "
                             "Control model (the noise, the control clip and the start image): give a Fun Control "
                             "model, or use Wan VACE for this model"
                             + (" (a Fun camera model, with its camera adapter, runs in Wan Fun Camera)"
                                if int(tr.config.in_channels) == 2 * int(tr.config.out_channels) else ""))
        extra = [n for n in ("ref_conv", "control_adapter") if hasattr(tr, n)]
        if extra:
            raise ModelError(f"model '{ref.path}' has {', '.join(extra)} (Fun V1.1's reference image or camera), which "
                             "Studio does not run yet")
        p = ctx.params
        self.preview, self.steps = preview_and_steps(ctx, s.on_cpu)
        want = p.frames or len(control)
        n = valid_frames(s.fam, want)
        a, b = s.fam.frame_multiple
        if not p.frames and n > len(control):  # the clip's own length, down to the family's rule (4k+1)
            n = max(b, (len(control) - b) // a * a + b)
        say_frame_rule(ctx, s.fam, want, n)
        img = None if image is None else np.asarray(image.frame(0) if hasattr(image, "frame") else image, np.float32)
        w, h = output_size(ctx, s, p.width, p.height, (control.width, control.height), self.preview)
        frames = fitted(control, n, w, h, ctx)
        start = None
        if img is not None:
            import cv2
            start = img[..., :3] if img.shape[:2] == (h, w) else cv2.resize(img[..., :3], (w, h),
                                                                           interpolation=cv2.INTER_AREA)
        import torch
        with torch.inference_mode():
            cond = fun_condition(s.pipe, frames, start)
        fps = p.fps or s.fam.fps
        base = filter_kwargs(s.pipe, {**self._text_kwargs(ctx, s, text, p.negative_prompt),  # the prompt cache's
                                      "height": h, "width": w, "num_frames": n, "num_inference_steps": self.steps,
                                      "guidance_scale": p.guidance}, ctx.warn)
        ctx.info("Wan Fun Control: the control clip" + (" and the start image" if start is not None else "")
                 + " read beside the noise")
        with fun_applied(s.pipe, cond):
            clip = s.generate(n, n, 0, lambda start_at, still: dict(base), fps, previews=p.previews, steps=self.steps,
                              size=(w, h))
        return self._made(ctx, clip, w, h)
