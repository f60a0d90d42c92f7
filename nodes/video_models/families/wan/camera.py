"""Wan Fun Camera: a camera path (Camera Path: a preset or keys) steers a Wan 2.1 Fun V1.1 camera model
(1.3B / 14B) from a start image.

After the released code, aigc-apps/VideoX-Fun (Apache-2.0) at commit 804a425:
``videox_fun/models/wan_camera_adapter.py`` (``SimpleAdapter``: PixelUnshuffle by 8, a convolution
with the patch's kernel and stride, residual blocks), ``videox_fun/models/wan_transformer3d.py``
(``WanTransformer3DModel.forward``: the adapter's output added to the patch-embedded latents) and
``videox_fun/pipeline/pipeline_wan_fun_control.py`` (``__call__`` with ``control_camera_video``): the
path's Plücker embedding ([F, H, W, 6] at the take's size: nodes/motion/camera.py), its first frame
repeated four times so the frames pack by the VAE's temporal stride into 24 channels a latent frame
(value c of the group's k-th frame at channel ``4 c + k``), read by the adapter; the denoiser reads ``cat([latents, start])`` (32 = 2 x 16 channels: the start image's
latent in the first latent frame of zeros) and the start image's CLIP tokens (zeros for a model
loaded without its CLIP vision, as the reference's run without a clip image).

Why not diffusers alone: its ``WanTransformer3DModel`` (0.42) has no camera adapter, so loading a Fun
camera file drops the ``control_adapter.*`` tensors as unexpected keys, and no diffusers pipeline
takes a camera embedding. Studio reads those tensors from the model's file itself into its own small
module (:class:`CameraAdapter`) and adds its output by a forward hook on the denoiser's
``patch_embedding``, beside the Fun hook that adds the start image's channels (fun.py) to diffusers'
``WanPipeline`` call; both are removed however the call ends, so the cached model is left as it was."""
from __future__ import annotations

import glob
import os

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Text
from studio.core.spec import In, Out

from ...base.errors import ModelError
from ...loading.inputs import video_model_input
from ...sampling.generators import COMMON, TAKE_PARAMS, GeneratorNode, output_size, preview_and_steps, prompt_of, \
    say_frame_rule
from .fun import encode_frames, fun_applied

PREFIX = "control_adapter."
PLUCKER, TEMPORAL = 6, 4  # values a pixel; frames a latent frame packs (the VAE's temporal stride)


def _torch_module():
    import torch.nn as nn

    class Residual(nn.Module):
        def __init__(self, dim):
            super().__init__()
            self.conv1 = nn.Conv2d(dim, dim, 3, padding=1)
            self.conv2 = nn.Conv2d(dim, dim, 3, padding=1)

        def forward(self, x):
            return x + self.conv2(self.conv1(x).relu())

    class CameraAdapter(nn.Module):
        """VideoX-Fun's SimpleAdapter, its parameters under the same names: [B, C, F, H, W] ->
        [B, dim, F, H / (8 k), W / (8 k)] (k the patch's kernel and stride)."""

        def __init__(self, in_dim, dim, kernel, downscale, blocks):
            super().__init__()
            self.downscale = downscale
            self.conv = nn.Conv2d(in_dim * downscale * downscale, dim, kernel_size=kernel, stride=kernel)
            self.residual_blocks = nn.Sequential(*[Residual(dim) for _ in range(blocks)])

        def forward(self, x):
            import torch.nn.functional as F
            b, c, f, h, w = x.shape
            y = F.pixel_unshuffle(x.permute(0, 2, 1, 3, 4).reshape(b * f, c, h, w), self.downscale)
            y = self.residual_blocks(self.conv(y))
            return y.reshape(b, f, *y.shape[1:]).permute(0, 2, 1, 3, 4)
    return CameraAdapter


def adapter_files(path: str) -> list[str]:
    """The safetensors files that hold a model's denoiser: the file itself, or a diffusers folder's
    transformer files."""
    if os.path.isfile(path):
        return [path]
    sub = os.path.join(path, "transformer")
    return sorted(glob.glob(os.path.join(sub if os.path.isdir(sub) else path, "*.safetensors")))


def adapter_state(path: str) -> dict:
    """The camera adapter's tensors of the model at ``path`` (names after ``control_adapter.``, any
    prefix before it dropped: ComfyUI's ``model.diffusion_model.``), {} when it has none."""
    from safetensors import safe_open
    if path.lower().endswith(".gguf"):
        raise ModelError(f"model '{path}' is a GGUF file: Studio reads a Fun camera adapter from safetensors files "
                         "only; give the model's .safetensors file")
    state = {}
    for f in adapter_files(path):
        with safe_open(f, "pt") as st:
            for k in st.keys():
                if PREFIX in k:
                    state[k.split(PREFIX, 1)[1]] = st.get_tensor(k)
    return state


def load_adapter(path: str, dim: int, patch: tuple[int, int]):
    """The camera adapter of the model at ``path``, its shape read from its tensors and checked against
    the denoiser (``dim`` wide, ``patch`` its spatial patch); None when the file has none."""
    state = adapter_state(path)
    if not state:
        return None
    w = state.get("conv.weight")
    if w is None or w.ndim != 4:
        raise ModelError(f"model '{path}' has camera adapter tensors but no 4-D control_adapter.conv.weight: not a "
                         "VideoX-Fun camera adapter Studio knows")
    in_dim = PLUCKER * TEMPORAL
    ds = int(round((w.shape[1] / in_dim) ** 0.5))
    if ds * ds * in_dim != w.shape[1] or w.shape[0] != dim or tuple(w.shape[2:]) != tuple(patch):
        raise ModelError(f"model '{path}': its camera adapter's convolution is {tuple(w.shape)}, which does not read "
                         f"{in_dim} channels a latent frame into the denoiser's {dim} with its {patch} patches")
    blocks = len({k.split(".")[1] for k in state if k.startswith("residual_blocks.")})
    adapter = _torch_module()(in_dim, dim, tuple(patch), ds, blocks)
    adapter.load_state_dict({k: v.float() for k, v in state.items()}, strict=True)
    return adapter.eval().requires_grad_(False)


def pack_camera(emb):
    """[T, H, W, 6] Plücker values (T = 4k + 1) as the adapter reads them: [1, 24, k + 1, H, W], the first
    frame repeated four times and each group of four frames on the channels (value c of the group's
    k-th frame at channel 4 c + k), as VideoX-Fun's pipeline packs ``control_camera_video``."""
    import torch
    x = emb.permute(3, 0, 1, 2)  # [6, T, H, W]
    x = torch.cat([x[:, :1].expand(-1, TEMPORAL, -1, -1), x[:, 1:]], 1)
    c, f, h, w = x.shape
    return x.reshape(c, f // TEMPORAL, TEMPORAL, h, w).permute(0, 2, 1, 3, 4).reshape(1, c * TEMPORAL, -1, h, w)


class camera_applied:
    """The adapter's output added to the patch-embedded latents of each denoiser call (a forward hook
    on ``patch_embedding`` of every denoiser) inside the block, removed however it ends."""

    def __init__(self, pipe, adapter, packed):
        self.pipe, self.adapter, self.packed = pipe, adapter, packed
        self._handles: list = []
        self._made: dict = {}

    def _add(self, module, args, out):
        import torch
        key = (out.device, out.dtype)
        if key not in self._made:  # once per call: the camera does not change between steps
            with torch.no_grad():
                a = self.adapter.to(out.device, torch.float32)
                self._made = {key: a(self.packed.to(out.device, torch.float32)).to(out.dtype)}
        add = self._made[key]
        if add.shape[2:] != out.shape[2:]:
            raise ModelError(f"the camera embedding makes a grid {tuple(add.shape[2:])} but the denoiser's latents are "
                             f"{tuple(out.shape[2:])}")
        return out + add.expand(out.shape[0], -1, -1, -1, -1)

    def __enter__(self):
        for attr in ("transformer", "transformer_2"):
            mod = getattr(self.pipe, attr, None)
            if mod is not None:
                self._handles.append(mod.patch_embedding.register_forward_hook(self._add))
        return self

    def __exit__(self, *exc):
        for h in self._handles:
            h.remove()
        self._handles.clear()
        self._made = {}
        self.adapter.to("cpu")
        return False


def start_condition(pipe, start: np.ndarray, n_frames: int, h: int, w: int):
    """[1, 16, F', h/8, w/8]: the start image's latent in the first latent frame, zeros after."""
    import torch
    first = encode_frames(pipe, start[None])
    out = first.new_zeros(first.shape[0], first.shape[1], (n_frames - 1) // TEMPORAL + 1, *first.shape[3:])
    out[:, :, :1] = first
    return out


def clip_tokens(components: dict, image: np.ndarray):
    """The start image's CLIP tokens (the vision model's penultimate states, as Wan 2.1 I2V reads them)
    when the model has its CLIP vision, else None."""
    enc, proc = components.get("image_encoder"), components.get("image_processor")
    if enc is None or proc is None:
        return None
    import torch
    px = proc(images=(np.clip(image, 0, 1) * 255).round().astype(np.uint8), return_tensors="pt").pixel_values
    with torch.inference_mode():
        return enc(pixel_values=px.to(enc.device, enc.dtype), output_hidden_states=True).hidden_states[-2]


def _fitted_image(img: np.ndarray, w: int, h: int) -> np.ndarray:
    import cv2
    img = np.atleast_3d(np.asarray(img, np.float32))
    img = np.repeat(img[..., :1], 3, -1) if img.shape[2] < 3 else img[..., :3]
    return img if img.shape[:2] == (h, w) else cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA)


class WanFunCamera(GeneratorNode):
    """Make a clip with a Wan 2.1 Fun V1.1 camera model from a start image, the camera moving along a path
    (Camera Path: a preset such as Zoom In or Pan Left, or keys). One call makes the take."""
    streams_output = False  # one call
    id = "video_models.wan_fun_camera"
    keywords = ("fun camera", "camera control", "videox-fun", "camera path", "wan camera", "dolly", "orbit")
    title = "Wan Fun Camera"
    task = "t2v"
    inputs = (In("model", "Video Model", help="a Wan 2.1 Fun V1.1 camera model (its file holds control_adapter)"),
              In("camera", "Camera", help="the camera's path (Camera Path)"),
              In("image", "Image", help="the first frame"),
              In("prompt", "Text", optional=True))
    outputs = (Out("video", "Video"),)
    params = (Text("prompt", "a quiet street at dusk, cinematic"), Text("negative_prompt", "")) + \
        tuple(q for q in COMMON if q.name not in ("window", "overlap") + TAKE_PARAMS)

    def _checked(self, ref, s):
        """The denoiser's camera adapter, refused in words when the model is not a Fun camera model."""
        if ref.fam.key != "wan":
            raise ModelError(f"model '{ref.path}' is a {ref.fam.title} model: Wan Fun Camera needs a Wan 2.1 Fun V1.1 "
                             "camera model")
        tr = s.pipe.transformer
        cfg = tr.config
        if int(cfg.in_channels) != 2 * int(cfg.out_channels):
            raise ModelError(f"model '{ref.path}' reads {cfg.in_channels} channels, not the {2 * int(cfg.out_channels)} "
                             "of a Wan 2.1 Fun camera model (the noise and the start image): give a Wan 2.1 Fun V1.1 "
                             "camera model (Wan 2.2 Fun camera models, which read a mask beside the start image, are "
                             "not run yet)")
        adapter = load_adapter(ref.path, int(tr.patch_embedding.out_channels), tuple(cfg.patch_size[1:]))
        if adapter is None:
            raise ModelError(f"model '{ref.path}' has no camera adapter (control_adapter): give a Wan 2.1 Fun V1.1 "
                             "camera model")
        return adapter

    def _frames(self, ctx, s, camera) -> int:
        from ...base.family import valid_frames
        p = ctx.params
        want = p.frames or camera.n_frames
        n = valid_frames(s.fam, want)
        a, b = s.fam.frame_multiple
        if not p.frames and n > camera.n_frames:  # the path's own length, down to the family's rule (4k+1)
            n = max(b, (camera.n_frames - b) // a * a + b)
        say_frame_rule(ctx, s.fam, want, n)
        if camera.n_frames < n:
            raise StudioError(f"the camera path has {camera.n_frames} frames but {n} are made: give a path of at least "
                              f"{n} frames (Camera Path's 'frames'), or set frames to {camera.n_frames} or fewer")
        if camera.n_frames > n:
            ctx.info(f"the camera path's first {n} of {camera.n_frames} frames are used (the take's length)")
        return n

    def run(self, ctx, model, camera, image, prompt=None):
        from ...sampling.sampler import Sampler, filter_kwargs
        from ....motion.camera import plucker
        ref = video_model_input(model)
        s = Sampler(ctx, ref, "t2v")
        adapter = self._checked(ref, s)
        p = ctx.params
        self.preview, self.steps = preview_and_steps(ctx, s.on_cpu)
        n = self._frames(ctx, s, camera)
        img = np.asarray(image.frame(0) if hasattr(image, "frame") else image, np.float32)
        w, h = output_size(ctx, s, p.width, p.height, (img.shape[1], img.shape[0]), self.preview)
        start = _fitted_image(img, w, h)
        import torch
        with torch.inference_mode():
            cond = start_condition(s.pipe, start, n, h, w)
        packed = pack_camera(plucker(camera, w, h, n))
        tokens = clip_tokens(ref.module.components, start) if getattr(s.pipe.transformer.config, "image_dim", None) \
            else None
        fps = p.fps or s.fam.fps
        base = filter_kwargs(s.pipe, {"prompt": prompt_of(ctx, prompt), "negative_prompt": p.negative_prompt or None,
                                      "height": h, "width": w, "num_frames": n, "num_inference_steps": self.steps,
                                      "guidance_scale": p.guidance}, ctx.warn)
        ctx.info(f"Wan Fun Camera: the camera path ({camera.label or 'given'}) read by the model's camera adapter, the "
                 "start image beside the noise" + ("" if tokens is not None or not s.pipe.transformer.config.image_dim
                                                    else "; no CLIP vision in this model: its image tokens are zeros"))
        with fun_applied(s.pipe, cond, tokens), camera_applied(s.pipe, adapter, packed):
            clip = s.generate(n, n, 0, lambda start_at, still: dict(base), fps, previews=p.previews, steps=self.steps,
                              size=(w, h))
        return self._made(ctx, clip, w, h)
