"""Wan Fun Camera: a camera path (Camera Path: a preset or keys) steers a Wan Fun camera model from a start
image: Wan 2.1 Fun V1.1 (1.3B / 14B) or Wan 2.2 Fun A14B (two experts).

After the released code, aigc-apps/VideoX-Fun (Apache-2.0) at commit 804a425:
``videox_fun/models/wan_camera_adapter.py`` (``SimpleAdapter``: PixelUnshuffle by 8, a convolution
with the patch's kernel and stride, residual blocks), ``videox_fun/models/wan_transformer3d.py``
(``WanTransformer3DModel.forward``: the adapter's output added to the patch-embedded latents),
``videox_fun/pipeline/pipeline_wan_fun_control.py`` and ``pipeline_wan2_2_fun_control.py``
(``__call__`` with ``control_camera_video``): the path's Plücker embedding ([F, H, W, 6] at the take's
size: nodes/motion/camera.py), its first frame repeated four times so the frames pack by the VAE's
temporal stride into 24 channels a latent frame (value c of the group's k-th frame at channel
``4 c + k``), read by the adapter. Wan 2.1 Fun V1.1's denoiser reads ``cat([latents, start])`` (32 = 2 x
16 channels: the start image's latent in the first latent frame of zeros) and the start image's CLIP
tokens (zeros for a model loaded without its CLIP vision, as the reference's run without a clip
image). Wan 2.2 Fun A14B's reads the inpaint condition of its start image (``video`` / ``mask_video``
from ``get_image_to_video_latent``: 4 mask channels, 1 on the first frame, and the latents of the
image followed by blank frames), which is what diffusers' ``WanImageToVideoPipeline`` concatenates.

Why not diffusers alone: its ``WanTransformer3DModel`` (0.42) has no camera adapter, so loading a Fun
camera file drops the ``control_adapter.*`` tensors as unexpected keys, and no diffusers pipeline
takes a camera embedding. Studio reads those tensors from the model's files itself (each expert's
from its own) into its own small module (:class:`CameraAdapter`) and adds its output by a forward hook
on the denoiser's ``patch_embedding``, around diffusers' ``WanPipeline`` call with the Fun hook that
adds the start image's channels (fun.py) for Wan 2.1, around ``WanImageToVideoPipeline``'s call for
Wan 2.2; all are removed however the call ends, so the cached model is left as it was."""
from __future__ import annotations

import glob
import os

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Text
from studio.core.spec import In, Out

from ....base.errors import ModelError
from ....base.hooks import module_hook
from ....loading.inputs import video_model_input
from ....sampling.generators import COMMON, TAKE_PARAMS, GeneratorNode, output_size, preview_and_steps, prompt_of, \
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
    transformer files (``path`` a component's folder: its files)."""
    if os.path.isfile(path):
        return [path]
    sub = os.path.join(path, "transformer")
    return sorted(glob.glob(os.path.join(sub if os.path.isdir(sub) else path, "*.safetensors")))


def denoiser_paths(ref) -> dict[str, str]:
    """Where each denoiser of the loaded model is stored: {'transformer': ..., 'transformer_2': ...}
    (Wan 2.2 A14B's high- and low-noise experts: a folder's components, or the two files, told apart by
    their names as the loader tells them, else by their slots)."""
    from ....base.experts import role
    if os.path.isdir(ref.path):
        got = {a: os.path.join(ref.path, a) for a in ("transformer", "transformer_2")
               if os.path.isdir(os.path.join(ref.path, a))}
        return got or {"transformer": ref.path}
    second = (ref.config.get("parts") or {}).get("transformer_2")
    if not second:
        return {"transformer": ref.path}
    swap = role(ref.path) == "low" or role(second) == "high"
    high, low = (second, ref.path) if swap else (ref.path, second)
    return {"transformer": high, "transformer_2": low}


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


def load_adapter(path: str, dim: int, patch: tuple[int, int], dtype=None):
    """The camera adapter of the model at ``path`` in ``dtype`` (the model's compute dtype; float32 when
    None), its shape read from its tensors and checked against the denoiser (``dim`` wide, ``patch`` its
    spatial patch); None when the file has none."""
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
    import torch
    dtype = dtype or torch.float32
    adapter.load_state_dict({k: v.to(dtype) for k, v in state.items()}, strict=True)
    return adapter.to(dtype).eval().requires_grad_(False)


def camera_room(frames: int, w: int, h: int) -> None:
    """The camera's Plücker embedding (6 float32 values a pixel a frame) and its packed copy, estimated
    against the host memory free before either is made (4096x4096 at 81 frames asked for 62 GB)."""
    from studio.engine.model_cache import host_available

    from ....memory.sizes import fmt_gb
    need = (2 * frames + 3) * h * w * 6 * 4
    free = host_available()
    if need > free:
        raise StudioError(f"Wan Fun Camera: the camera's embedding of {frames} frames at {w}x{h} needs {fmt_gb(need)} "
                          f"of memory, {fmt_gb(free)} is free: lower width, height or frames")


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
    """Each denoiser's adapter output added to its patch-embedded latents in every call (a hook after
    ``patch_embedding``'s forward, diffusers' registry; ``adapters``: denoiser attribute -> its adapter, Wan 2.2 A14B's experts
    each their own) inside the block, removed however it ends."""

    def __init__(self, pipe, adapters: dict, packed):
        self.pipe, self.adapters, self.packed = pipe, adapters, packed
        self._handles: list = []
        self._made: dict = {}

    def _hook(self, attr: str):
        def add_camera(module, args, out):
            import torch
            key = (attr, out.device, out.dtype)
            if key not in self._made:  # once per call and denoiser: the camera does not change between steps
                with torch.no_grad():  # in the model's compute dtype, as the reference runs it inside its denoiser
                    a = self.adapters[attr].to(out.device)
                    self._made[key] = a(self.packed.to(out.device, a.conv.weight.dtype)).to(out.dtype)
            add = self._made[key]
            if add.shape[2:] != out.shape[2:]:
                raise ModelError(f"the camera embedding makes a grid {tuple(add.shape[2:])} but the denoiser's latents "
                                 f"are {tuple(out.shape[2:])}")
            return out + add.expand(out.shape[0], -1, -1, -1, -1)
        return add_camera

    def __enter__(self):
        for attr, adapter in self.adapters.items():
            mod = getattr(self.pipe, attr, None)
            if mod is not None:
                self._handles.append(module_hook(mod.patch_embedding, "studio_camera", after=self._hook(attr)))
        return self

    def __exit__(self, *exc):
        for h in self._handles:
            h.remove()
        self._handles.clear()
        self._made = {}
        for a in self.adapters.values():
            a.to("cpu")
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


I2V_EXTRA = 4 + 16  # Wan's image-to-video condition: 4 mask channels and the start image's video latents


def camera_kind(ref) -> str:
    """How a Wan denoiser reads the start image: 'fun' (Wan 2.1 Fun V1.1: its latent beside the noise, 2 x 16
    channels) or 'i2v' (Wan 2.2 Fun camera: the image-to-video condition, mask and video latents, 36);
    refused in words otherwise."""
    if ref.fam.key != "wan":
        raise ModelError(f"model '{ref.path}' is a {ref.fam.title} model: Wan Fun Camera needs a Wan Fun camera model "
                         "(Wan 2.1 Fun V1.1 or Wan 2.2 Fun A14B)")
    if ref.module.config.get("expand_timesteps"):
        raise ModelError(f"model '{ref.path}' is a Wan 2.2 TI2V 5B model: Wan Fun Camera runs Wan 2.1 Fun V1.1 and Wan "
                         "2.2 Fun A14B camera models (the 5B Fun camera model is not run)")
    cfg = ref.module.transformer.config
    c_in, c_out = int(cfg.in_channels), int(cfg.out_channels)
    if c_in == 2 * c_out:
        return "fun"
    if c_in == c_out + I2V_EXTRA:
        return "i2v"
    raise ModelError(f"model '{ref.path}' reads {c_in} channels, not the {2 * c_out} of a Wan 2.1 Fun V1.1 camera model "
                     f"(the noise and the start image) nor the {c_out + I2V_EXTRA} of a Wan 2.2 Fun camera model (the "
                     "noise, a mask and the start image): give a Wan Fun camera model")


class WanFunCamera(GeneratorNode):
    """Make a clip with a Wan Fun camera model (Wan 2.1 Fun V1.1, Wan 2.2 Fun A14B) from a start image, the
    camera moving along a path (Camera Path: a preset such as Zoom In or Pan Left, or keys). One call
    makes the take."""
    streams_output = False  # one call
    id = "video_models.wan_fun_camera"
    keywords = ("fun camera", "camera control", "videox-fun", "camera path", "wan camera", "dolly", "orbit")
    title = "Wan Fun Camera"
    task = "t2v"
    length_ports = ("camera",)  # 'frames' 0: the camera path's length
    inputs = (In("model", "Video Model", help="a Wan Fun camera model (its file holds control_adapter)"),
              In("camera", "Camera", help="the camera's path (Camera Path)"),
              In("image", "Image", help="the first frame"),
              In("prompt", "Text", optional=True))
    outputs = (Out("video", "Video"),)
    params = (Text("prompt", "a quiet street at dusk, cinematic"), Text("negative_prompt", "")) + \
        tuple(q for q in COMMON if q.name not in ("window", "overlap") + TAKE_PARAMS)

    @staticmethod
    def _adapters(ref, pipe) -> dict:
        """Each denoiser's camera adapter, read from its file once and kept with the loaded model (its
        shared state); refused when one has none."""
        paths = denoiser_paths(ref)
        kept = ref.shared.own_modules
        out = {}
        for attr in ("transformer", "transformer_2"):
            tr = getattr(pipe, attr, None)
            if tr is None:
                continue
            where = paths.get(attr, ref.path)
            if ("camera_adapter", where) not in kept:
                kept[("camera_adapter", where)] = load_adapter(where, int(tr.patch_embedding.out_channels),
                                                               tuple(tr.config.patch_size[1:]), ref.dtype)
            adapter = kept[("camera_adapter", where)]
            if adapter is None:
                raise ModelError(f"model '{where}' has no camera adapter (control_adapter): give a Wan Fun camera model "
                                 "(Wan 2.1 Fun V1.1 Control-Camera, Wan 2.2 Fun A14B Control-Camera)")
            out[attr] = adapter
        return out

    def _frames(self, ctx, s, camera) -> int:
        from ....base.family import valid_frames
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

    @staticmethod
    def _start_image(ref, s, kind: str, start: np.ndarray, n: int, h: int, w: int):
        """(the block that gives the denoiser the start image, the call's own arguments, words): Fun V1.1's
        latent beside the noise and CLIP tokens (fun.py's hook), or Wan 2.2's image-to-video condition that
        WanImageToVideoPipeline makes from the image."""
        from contextlib import nullcontext

        from ....base.calls import to_pil
        if kind == "i2v":
            return nullcontext(), {"image": to_pil(start)}, "the start image as the image-to-video condition"
        import torch
        with torch.inference_mode():
            cond = start_condition(s.pipe, start, n, h, w)
        reads = getattr(s.pipe.transformer.config, "image_dim", None)
        tokens = clip_tokens(ref.module.components, start) if reads else None
        words = "the start image beside the noise" + ("; no CLIP vision in this model: its image tokens are zeros"
                                                      if reads and tokens is None else "")
        return fun_applied(s.pipe, cond, tokens), {}, words

    def run(self, ctx, model, camera, image, prompt=None):
        from ....sampling.sampler import Sampler, filter_kwargs
        from .....motion.camera import plucker
        ref = video_model_input(model)
        kind = camera_kind(ref)
        s = Sampler(ctx, ref, "i2v" if kind == "i2v" else "t2v")
        adapters = self._adapters(ref, s.pipe)
        p = ctx.params
        self.preview, self.steps = preview_and_steps(ctx, s.on_cpu)
        n = self._frames(ctx, s, camera)
        img = np.asarray(image.frame(0) if hasattr(image, "frame") else image, np.float32)
        w, h = output_size(ctx, s, p.width, p.height, (img.shape[1], img.shape[0]), self.preview)
        start = _fitted_image(img, w, h)
        camera_room(n, w, h)
        packed = pack_camera(plucker(camera, w, h, n))
        reading, extra, words = self._start_image(ref, s, kind, start, n, h, w)
        base = filter_kwargs(s.pipe, {"prompt": prompt_of(ctx, prompt), "negative_prompt": p.negative_prompt or None,
                                      "height": h, "width": w, "num_frames": n, "num_inference_steps": self.steps,
                                      "guidance_scale": p.guidance, **extra}, ctx.warn)
        if p.guidance_2 and getattr(s.pipe, "transformer_2", None) is not None:  # Wan 2.2 A14B's low-noise expert
            base["guidance_scale_2"] = p.guidance_2
        elif p.guidance_2:
            ctx.warn("guidance_2 is the low-noise expert's guidance of Wan 2.2 A14B: this model has one denoiser, "
                     "it is ignored")
        ctx.info(f"Wan Fun Camera: the camera path ({camera.label or 'given'}) read by the model's camera "
                 f"adapter{'s' if len(adapters) > 1 else ''}, {words}")
        with reading, camera_applied(s.pipe, adapters, packed):
            clip = s.generate(n, n, 0, lambda start_at, still: dict(base), p.fps or s.fam.fps, previews=p.previews,
                              steps=self.steps, size=(w, h))
        return self._made(ctx, clip, w, h)
