"""ReCamMaster: a clip re-shot along a new camera path (one of the release's ten, or a Studio Camera Path), by
ReCamMaster (pipeline.py, after KwaiVGI/ReCamMaster's inference_recammaster.py) on Wan 2.1 T2V 1.3B.

ComfyUI's WanVideoWrapper reads the same things: WanVideoEncode of the source clip into
WanVideoReCamMasterCameraEmbed's 'latents', its 'camera_poses' from WanVideoReCamMasterDefaultCamera's
'camera_type' (here 'camera_path', the same ten names) or WanVideoReCamMasterGenerateOrbitCamera.

Everything the node is given is checked before the model allocates anything: the model (a ReCamMaster file), the
size (multiples of 16), the frames (at most 81: the release's paths and training)."""
from __future__ import annotations

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Choice, Int, Text
from studio.core.spec import In, Out

from ...sampling.one_call import RUN, Call, OneCallNode, shared
from . import cameras
from .family import PIPELINE
from .schedule import FRAMES, GUIDANCE, HEIGHT, STEPS, WIDTH

TITLE = "ReCamMaster"


class ReCamMasterError(StudioError):
    pass


def cover(img: np.ndarray, w: int, h: int) -> np.ndarray:
    """[h, w, 3] float32: ``img`` scaled to cover w x h (bilinear, as the release resizes) and its centre cut."""
    import cv2
    ih, iw = img.shape[:2]
    s = max(w / iw, h / ih)
    nw, nh = max(w, int(round(iw * s))), max(h, int(round(ih * s)))
    x = cv2.resize(np.ascontiguousarray(img[..., :3], dtype=np.float32), (nw, nh), interpolation=cv2.INTER_LINEAR)
    top, left = (nh - h) // 2, (nw - w) // 2
    return np.clip(x[top:top + h, left:left + w], 0.0, 1.0)


class ReCamMaster(OneCallNode):
    """Re-shoot a clip along a new camera path with ReCamMaster: the scene and its motion kept, the camera moved
    (one of the release's ten paths, or a Camera Path wired into 'camera', its units read as metres). Connect Load
    Video Model (the ReCamMaster file with umt5_xxl and wan_2.1_vae) and the source clip. The call is made by the one
    Sampler (sampling/one_call.py): previews, kept steps, resume after a Stop."""
    id = "video_models.recammaster"
    title = TITLE
    code_version = 1
    keywords = ("recammaster", "recam", "camera", "re-shoot", "reshoot", "novel view", "camera path", "wan")
    rate_ports = ("source",)
    family_key, pipelines, error = "wan_recam", (PIPELINE,), ReCamMasterError
    wanted, how = "ReCamMaster", "load Wan2_1_kwai_recammaster_1_3B_step20000_bf16.safetensors with umt5_xxl and " \
        "wan_2.1_vae in Load Video Model"
    inputs = (In("model", "Video Model", help="a ReCamMaster model (Wan2_1_kwai_recammaster_1_3B with umt5_xxl and "
                                              "wan_2.1_vae)"),
              In("source", "Video", help="the clip to re-shoot"),
              In("camera", "Camera", optional=True,
                 help="a camera path (Camera Path) in place of 'camera_path', its units read as metres"),
              In("prompt", "Text", optional=True))
    outputs = (Out("video", "Video"),)
    params = (Text("prompt", "", help="what the clip shows (the release describes the source clip)"),
              Text("negative_prompt", "", help="used with guidance above 1"),
              Choice("camera_path", "pan_right", choices=cameras.PRESETS,
                     help="the release's ten paths (pan, tilt, zoom, translate and arc, each way); a wired 'camera' "
                          "takes its place"),
              Int("frames", 0, min=0, max=FRAMES, special="the source clip's length (at most 81)",
                  help="0: as long as the source clip; else its first frames (at most 81: the release's paths)"),
              *shared("steps", "guidance",
                      steps={"default": STEPS, "help": "denoising steps (the release's 50)"},
                      guidance={"default": GUIDANCE, "help": "classifier-free guidance (the release's 5; 1: none)"}),
              Int("width", WIDTH, min=0, max=4096, special="the source clip's width",
                  help="a multiple of 16 (the release's 832; 0: the source clip's)"),
              Int("height", HEIGHT, min=0, max=4096, special="the source clip's height",
                  help="a multiple of 16 (the release's 480; 0: the source clip's)")) + shared(*RUN)

    @classmethod
    def preflight(cls, params, base_dir):
        """The size, refused at validation (before a run)."""
        w, h = int(params.get("width", WIDTH)), int(params.get("height", HEIGHT))
        if w % 16 or h % 16:  # (0: the source clip's, checked when it is known)
            return [f"the size {w}x{h} must be multiples of 16 (the VAE's 8 and the 2x2 patches)"]
        return []

    def call(self, ctx, s, source, camera=None, prompt=None) -> Call:
        import torch

        from studio.engine.clip import as_clip

        from ...sampling.generators import output_size
        from ..wan.latents import padded_length
        from ..wan.own_take import OwnTake
        p = ctx.params
        clip = as_clip(source)
        n, w, h = self._checked(p, clip)
        made = padded_length(n)
        cam = self._camera(ctx, p, camera, made)
        w, h = output_size(ctx, s, w, h, None, self.preview)  # 'preview size': smaller, said
        frames = np.stack([cover(clip.frame(i), w, h) for i in range(n)])
        video = torch.from_numpy(frames).permute(3, 0, 1, 2)[None] * 2 - 1
        ctx.info(f"{n} frames at {w}x{h}")
        if not int(p.frames) and len(clip) > n:
            ctx.info(f"the source clip's first {n} of its {len(clip)} frames are re-shot: ReCamMaster's paths are "
                     f"{FRAMES} frames")
        text = prompt if isinstance(prompt, str) and prompt.strip() else p.prompt
        kwargs = dict(source=video, camera=torch.from_numpy(cam), prompt=text,
                      negative_prompt=p.negative_prompt or None, num_inference_steps=self.steps,
                      guidance_scale=float(p.guidance), num_frames=n, height=h, width=w)
        kwargs["take"] = OwnTake(ctx, s, (n, h, w), 1, "written when made", kwargs)
        return Call(kwargs, n, clip.fps if clip.fps > 0 else 16.0, (w, h), self.steps)

    def finish(self, ctx, s, clip, c: Call, **inputs):
        c.kwargs["take"].finish()
        return {"video": clip}

    def _camera(self, ctx, p, camera, made: int) -> np.ndarray:
        """[latent frames, 12]: the wired camera path's or the chosen preset's embedding for a take of ``made``."""
        if camera is None:
            ctx.info(f"camera: the release's '{p.camera_path}' ({cameras.SHOWN[p.camera_path]})")
            return cameras.preset_embedding(p.camera_path, made)
        c2w = np.asarray(getattr(camera, "c2w", camera), np.float64)
        if c2w.ndim != 3 or c2w.shape[1:] != (4, 4):
            raise ReCamMasterError(f"{TITLE}: 'camera' is not a camera path (poses [frames, 4, 4])")
        if len(c2w) < made:
            raise ReCamMasterError(f"{TITLE}: the camera path has {len(c2w)} poses, the take {made} frames (4k + 1): "
                                   f"give a path of {made} frames or more")
        ctx.info(f"camera: the wired path ({getattr(camera, 'label', '') or 'Camera'}), its units read as metres; "
                 f"'camera_path' ({p.camera_path}) is not used")
        return cameras.path_embedding(c2w, made)

    def _checked(self, p, clip) -> tuple[int, int, int]:
        """(frames, width, height), refused in words before anything large is made."""
        if len(clip) == 0:
            raise ReCamMasterError(f"{TITLE}: the source clip has no frames")
        w, h = int(p.width) or clip.width, int(p.height) or clip.height
        if w % 16 or h % 16:
            whose = "the source clip's size" if not (int(p.width) and int(p.height)) else "the size"
            raise ReCamMasterError(f"{TITLE}: {whose} {w}x{h} must be multiples of 16 (the VAE's 8 and the 2x2 "
                                   "patches): set width and height")
        n = int(p.frames) or min(len(clip), FRAMES)
        if n > len(clip):
            raise ReCamMasterError(f"{TITLE}: 'frames' is {n}, but the source clip has {len(clip)}: set it to "
                                   f"{len(clip)} or fewer (0: all, at most {FRAMES})")
        return n, w, h
