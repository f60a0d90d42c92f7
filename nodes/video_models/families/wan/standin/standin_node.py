"""The Stand-In node: a prompt and a face picture make a video of that person with Wan 2.1 T2V 14B and Stand-In's
file (standin.py, after WeChatCV/Stand-In@cceec58 ``infer.py``: the face picture VAE-encoded as one frame, its
tokens in every block's self-attention, the video's tokens attending to them).

The release's preprocessing (``preprocessor/image_input_preprocessor.py``, FaceProcessor) crops the face, pads it
square on white, scales it to 512 x 512 and whitens the background; this node takes the picture as given, pads it
square on white and scales it to 'face_size' (512: the release's), so a face crop on white made first (Face Crops,
a background remover) is what it reads best. kijai's WanVideoWrapper reads the same things: the Stand-In file given
as a LoRA to its model loader (its strength here 'strength'), WanVideoEncode of the picture into
WanVideoAddStandInLatent (its 'freq_offset' here 'reference_offset'), WanVideoEmptyEmbeds' size and frames.

One take of 4k + 1 frames in one call (the release's 81); the file and the model are checked before any large
allocation, the file from its header."""
from __future__ import annotations

import os

import numpy as np

from studio.core.params import Float, Int, Path, Text
from studio.core.spec import In, Out

from ....base.errors import ModelError
from ....loading.inputs import video_model_input
from ....sampling.generators import COMMON, GeneratorNode, output_size, preview_and_steps, prompt_of
from .....model_file_checks import model_file_checks
from .standin import FOLDER, StandInError, build_module, find_file, read_file

TITLE = "Stand-In"
FACE_SIZE = 512  # FaceProcessor.process(resize_to=512)
TRAINED = 81  # infer.py's take (the pipeline's num_frames default)
# the release's negative prompt (infer.py --negative_prompt's default)
NEGATIVE = ("色调艳丽，过曝，静态，细节模糊不清，字幕，风格，作品，画作，画面，静止，整体发灰，最差质量，低质量，JPEG压缩残留，丑陋的，残缺的，"
            "多余的手指，画得不好的手部，画得不好的脸部，畸形的，毁容的，形态畸形的肢体，手指融合，静止不动的画面，杂乱的背景，三条腿，背景人很多，"
            "倒着走")
# one call: no windows; its own self-attention processors: no NAG (it sets the cross-attention's, fine) kept out
# with the step caches and compile, which would run the blocks otherwise than the release
LEFT_OUT = ("window", "overlap", "long_take", "context_schedule", "hold_colour", "guidance_2", "nag_scale", "nag_tau",
            "nag_alpha", "step_cache", "compile")


def face_square(img: np.ndarray, size: int) -> np.ndarray:
    """[size, size, 3] float32 in [0, 1]: ``img`` padded square on white (centred, as the release's
    _pad_to_square) and scaled to ``size`` (area, as it scales)."""
    import cv2
    img = np.atleast_3d(np.asarray(img, np.float32))
    img = np.repeat(img[..., :1], 3, -1) if img.shape[2] < 3 else img[..., :3]
    h, w = img.shape[:2]
    side = max(h, w)
    out = np.ones((side, side, 3), np.float32)
    top, left = (side - h) // 2, (side - w) // 2
    out[top:top + h, left:left + w] = img
    if side != size:
        out = cv2.resize(out, (size, size), interpolation=cv2.INTER_AREA)
    return np.clip(out, 0.0, 1.0)


class StandIn(GeneratorNode):
    """Make a video of the person in a face picture from a prompt with Stand-In (Wan 2.1 T2V 14B and Stand-In's
    file): the face is kept through the clip. Give a face crop on a white background (Face Crops, then a
    background remover) as the release prepares it; other pictures are padded square on white as they are."""
    id = "video_models.standin"
    title = TITLE
    task = "t2v"
    streams_output = False  # one call makes the take
    keywords = ("stand-in", "standin", "identity", "face", "subject", "reference", "id preserving", "wan")
    inputs = (In("model", "Video Model", help="Wan 2.1 T2V 14B: Stand-In's base model"),
              In("face", "Image", help="the person's face, best cropped on a white background"),
              In("prompt", "Text", optional=True))
    outputs = (Out("video", "Video"),)
    params = (Path("standin", "", label="Stand-In file", lookup=True, filters="Stand-In file (*.safetensors)",
                   help=f"Stand-In's file, or its name in a models folder's {FOLDER}/ "
                        "(Stand-In_wan2.1_T2V_14B_ver1.0.safetensors)"),
              Text("prompt", "a person smiling at the camera"),
              Text("negative_prompt", NEGATIVE, help="the release's by default"),
              Float("strength", 1.0, min=0.0, max=10.0,
                    help="the Stand-In weights' strength (the wrapper's LoRA strength; 1: as trained)"),
              Int("reference_offset", 1, min=0, max=100,
                  help="the face's frame position before the video's first (the wrapper's freq_offset; 1: the "
                       "release's)"),
              Int("face_size", FACE_SIZE, min=16, max=2048,
                  help="the face picture's side once padded square on white (the release's 512), a multiple of 16")) + \
        tuple(q for q in COMMON if q.name not in LEFT_OUT)

    @classmethod
    def model_families(cls) -> list[dict]:
        return [{"kind": "video", "family": "wan-standin", "name": "Stand-In (Wan 2.1 T2V 14B + Stand-In file)",
                 "variants": ["one face picture"], "tasks": ["text and face to video"],
                 "inputs": {"text and face to video": ["face (a crop on white)", "prompt"]},
                 "formats": ["Kijai's Stand-In_wan2.1_T2V_14B_ver1.0.safetensors (loras/)"]}]

    preflight, signature_files = model_file_checks(  # the file: its error before a run, its fingerprint
        lambda cls, params, base_dir: find_file(params.get("standin") or "", base_dir, cls.title), StandInError)

    def _module(self, ctx, ref, tr):
        """The Stand-In weights, read once per file (from its header first) and kept with the loaded model; this
        run's 'strength' set on them."""
        p = ctx.params
        path = find_file(p.standin, getattr(ctx.options.get("graph"), "base_dir", None), self.title)
        key = ("standin", path, os.stat(path).st_mtime_ns)
        kept = ref.shared.own_modules
        if key not in kept:
            cfg = tr.config
            state = read_file(path, int(cfg.num_attention_heads * cfg.attention_head_dim), int(cfg.num_layers),
                              self.title)
            kept[key] = build_module(state, int(cfg.num_layers))
        kept[key].strength = float(p.strength)
        return kept[key]

    def _check_model(self, ref):
        if ref.fam.key != "wan":
            raise ModelError(f"{self.title}: model '{ref.path}' is a {ref.fam.title} model: Stand-In is trained on "
                             "Wan 2.1 T2V 14B")
        cfg = ref.module.transformer.config
        if int(cfg.in_channels) != int(cfg.out_channels) or cfg.get("image_dim") is not None or \
                ref.module.config.get("expand_timesteps"):
            raise ModelError(f"{self.title}: model '{ref.path}' is not Wan 2.1 T2V (it reads {cfg.in_channels} "
                             "channels): Stand-In is trained on Wan 2.1 T2V 14B")
        if getattr(ref.module, "transformer_2", None) is not None:
            raise ModelError(f"{self.title}: model '{ref.path}' has two experts (Wan 2.2 A14B): the Stand-In file is "
                             "Wan 2.1 T2V 14B's, one denoiser (the release has a file per Wan 2.2 expert, not read "
                             "here)")

    def _face_latent(self, s, img: np.ndarray, size: int):
        """The face picture as Stand-In reads it: padded square on white, 'face_size', [-1, 1], VAE-encoded as one
        frame (its mean) and normalised as the video's latents."""
        import torch
        from diffusers.pipelines.wan.pipeline_wan_i2v import retrieve_latents

        from ..latents import normalised
        px = torch.from_numpy(face_square(img, size)).permute(2, 0, 1)[None, :, None] * 2 - 1
        vae = s.pipe.vae
        with torch.inference_mode():
            z = retrieve_latents(vae.encode(px.to(vae.device, vae.dtype)), sample_mode="argmax")
            return normalised(vae, z)

    def run(self, ctx, model, face, prompt=None):
        from ....sampling.sampler import Sampler, filter_kwargs
        from .standin import standin_applied
        ref = video_model_input(model)
        self._check_model(ref)
        p = ctx.params
        if int(p.face_size) % 16:
            raise StandInError(f"{self.title}: 'face_size' {int(p.face_size)} must be a multiple of 16 (the VAE's 8 "
                               "and the 2x2 patches)")
        module = self._module(ctx, ref, ref.module.transformer)  # the file checked before the sampler is made
        s = Sampler(ctx, ref, self.task)
        self.preview, self.steps = preview_and_steps(ctx, s.on_cpu)
        asked = int(p.frames) or TRAINED
        n = max(1, (asked - 1) // 4 * 4 + 1)
        if n != asked:
            ctx.info(f"Wan makes 4k+1 frames: {asked} asked, making {n}")
        fps = p.fps or s.fam.fps
        img = np.asarray(face.frame(0) if hasattr(face, "frame") else face, np.float32)
        w, h = output_size(ctx, s, p.width, p.height, None, self.preview)
        s.fam.refuse_call(self.task, n, h, w)
        latent = self._face_latent(s, img, int(p.face_size))
        tr = s.pipe.transformer
        scale = int(s.pipe.vae_scale_factor_spatial)
        _, ph, pw = tr.config.patch_size
        grid = (h // scale // ph, w // scale // pw)
        base = filter_kwargs(s.pipe, {"prompt": prompt_of(ctx, prompt), "negative_prompt": p.negative_prompt or None,
                                      "height": h, "width": w, "num_frames": n, "num_inference_steps": self.steps,
                                      "guidance_scale": p.guidance, **s.fam.rate_args(fps)}, ctx.warn)
        ctx.info(f"{TITLE}: {n} frames at {w}x{h} keeping the face of the {img.shape[1]}x{img.shape[0]} picture "
                 f"(padded square on white, {int(p.face_size)} px), Stand-In strength {float(p.strength):g}, its frame "
                 f"position -{int(p.reference_offset)}; the unconditional call sees the face too (as the release's)")
        with standin_applied(tr, module, latent, grid, int(p.reference_offset)):
            clip = s.generate(n, n, 0, lambda start, still: dict(base), fps, previews=p.previews, steps=self.steps,
                              size=(w, h))
        return self._made(ctx, clip, w, h)
