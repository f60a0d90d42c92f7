"""Segment: SAM 2 video masks from clicks or boxes at any frame, propagated through the clip.

The model is a Hugging Face SAM 2 video folder (``config.json`` with model_type ``sam2_video``,
``model.safetensors``, and the processor's ``preprocessor_config.json``) found in the models
folders; nothing is downloaded. transformers' ``Sam2VideoModel`` runs it with its own inference
session and ``propagate_in_video_iterator``: forward from the first frame with a prompt to the end,
then backward from it to frame 0 (SAM 2's own order). The frames are prepared as the processor's
preprocessor_config.json says (resize to its size, rescale, ImageNet mean/std) with torch: the
transformers processor itself needs torchvision, which has no build for this CPU torch."""
from __future__ import annotations

import json
import os

import numpy as np

from studio.core.errors import StudioError
from studio.core.frame_keys import parse_prompts
from studio.core.models import resolve
from studio.core.params import Float, Path, Text
from studio.core.spec import CLIP, In, Node, Out
from studio.engine.clip import Clip, as_clip

from nodes.video_models.loading.checks import refuse_pickle, safetensors_keys

MODEL = "facebook/sam2.1-hiera-tiny"
FILES = ("config.json", "model.safetensors", "preprocessor_config.json")
OBJ_ID = 1
_LOADED: dict = {}  # the last model loaded: (path, fingerprint, device) -> model (a second run loads nothing)


def check_model(name: str, base_dir: str | None = None) -> str:
    """The model folder's path, or one error naming the folder and the files expected."""
    path = resolve(name, base_dir)
    if path is None or not os.path.isdir(path):
        raise StudioError(f"SAM 2 model '{name}' not found in the models folders: put a Hugging Face SAM 2 video "
                          f"folder there ({', '.join(FILES)}), or set STUDIO_MODELS")
    missing = [f for f in FILES if not os.path.isfile(os.path.join(path, f))]
    if missing:
        for f in os.listdir(path):
            if f.endswith((".bin", ".pt", ".pth", ".ckpt")):
                refuse_pickle(os.path.join(path, f))
        raise StudioError(f"SAM 2 model folder '{path}' lacks {', '.join(missing)} (expected: {', '.join(FILES)})")
    try:
        with open(os.path.join(path, "config.json"), encoding="utf-8") as f:
            kind = json.load(f).get("model_type")
    except (OSError, ValueError) as e:
        raise StudioError(f"'{path}/config.json' cannot be read: {e}") from None
    if kind not in ("sam2_video", "sam2"):
        raise StudioError(f"'{path}' holds a '{kind}' model, not SAM 2 video (model_type 'sam2_video')")
    safetensors_keys(os.path.join(path, "model.safetensors"))  # a truncated file is caught from its header
    return path


def load_model(path: str, device):
    import torch  # noqa: F401 - transformers needs it
    from transformers import Sam2VideoModel
    st = os.stat(os.path.join(path, "model.safetensors"))
    key = (path, st.st_size, st.st_mtime_ns, str(device))
    if key not in _LOADED:
        _LOADED.clear()
        _LOADED[key] = Sam2VideoModel.from_pretrained(path, local_files_only=True).to(device).eval()
    return _LOADED[key]


def preprocess(frames: np.ndarray, path: str, device):
    """(T, H, W, C) float frames in [0, 1] -> the model's pixel values (T, 3, S, S), as the folder's
    preprocessor_config.json asks (size, mean, std; bilinear resize with antialiasing)."""
    import torch
    import torch.nn.functional as F
    with open(os.path.join(path, "preprocessor_config.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    size = cfg.get("size") or {"height": 1024, "width": 1024}
    mean = torch.tensor(cfg.get("image_mean", (0.485, 0.456, 0.406)), dtype=torch.float32).view(1, 3, 1, 1)
    std = torch.tensor(cfg.get("image_std", (0.229, 0.224, 0.225)), dtype=torch.float32).view(1, 3, 1, 1)
    x = torch.from_numpy(np.ascontiguousarray(frames[..., :3], np.float32)).permute(0, 3, 1, 2)
    if x.shape[1] == 1:
        x = x.expand(-1, 3, -1, -1)
    x = F.interpolate(x, size=(size["height"], size["width"]), mode="bilinear", align_corners=False, antialias=True)
    return ((x - mean) / std).to(device)


def session_with_prompts(model, pixels, height: int, width: int, prompts, device):
    """transformers' inference session over the clip, with the prompts of each frame added as
    the processor adds them (coordinates in the model's input size; a box as two corner points
    labelled 2 and 3, before the clicks)."""
    import torch
    from transformers.models.sam2_video.modeling_sam2_video import Sam2VideoInferenceSession
    size = pixels.shape[-1]
    session = Sam2VideoInferenceSession(video=pixels, video_height=height, video_width=width,
                                        inference_device=device, video_storage_device=device,
                                        inference_state_device=device, dtype=torch.float32)
    obj_idx = session.obj_id_to_idx(OBJ_ID)
    for frame, fp in prompts.items():
        pts = [(x * size, y * size) for x, y, _ in fp.points]
        labels = [1 if pos else 0 for _, _, pos in fp.points]
        if fp.box is not None:
            x0, y0, x1, y1 = fp.box
            pts = [(x0 * size, y0 * size), (x1 * size, y1 * size)] + pts
            labels = [2, 3] + labels
        session.add_point_inputs(obj_idx, frame, {
            "point_coords": torch.tensor(pts, dtype=torch.float32).view(1, 1, -1, 2),
            "point_labels": torch.tensor(labels, dtype=torch.int32).view(1, 1, -1)})
        session.remove_mask_inputs(obj_idx, frame)
    session.obj_with_new_inputs = [OBJ_ID]
    return session


def propagate(model, session, first: int, n: int, on_frame=None) -> dict[int, object]:
    """Low-resolution mask logits by frame: forward from ``first`` to the end, then backward to 0."""
    import torch
    out: dict[int, object] = {}
    with torch.inference_mode():
        for reverse in (False, True):
            for o in model.propagate_in_video_iterator(session, start_frame_idx=first, reverse=reverse):
                out[o.frame_idx] = o.pred_masks[0:1].float().cpu()
                if on_frame is not None:
                    on_frame(len(out), n)
    return out


def upscale(logits, height: int, width: int, size: int) -> np.ndarray:
    """Logits at the model's mask size -> a (H, W) mask in {0, 1}: up to the input size, then to
    the frame's (the processor's post_process_masks for an unpadded square input)."""
    import torch.nn.functional as F
    m = F.interpolate(logits, (size, size), mode="bilinear", align_corners=False)
    m = F.interpolate(m, (height, width), mode="bilinear", align_corners=False)
    return (m[0, 0] > 0.0).numpy()


class MaskFrames(Clip):
    def __init__(self, masks: np.ndarray, fps: float):
        n, h, w = masks.shape
        super().__init__(n, fps, w, h, 1)
        self.masks = masks

    def _frame(self, i: int) -> np.ndarray:
        return self.masks[i].astype(np.float32)[..., None]


class Segment(Node):
    """A mask of one object through the clip, from clicks (keep / leave out) or a box at any frames:
    SAM 2 follows it forward and backward. Click on the frame in the viewer with this node selected
    (Shift or right button: leave out; click a dot again to remove it)."""
    id = "preprocess.segment"
    title = "Segment"
    category = "Preprocess"
    timing = CLIP
    preflight = True
    inputs = (In("video", "Video", help="the clip to find the object in"),)
    outputs = (Out("mask", "Mask", help="1 on the object, 0 elsewhere"),)
    params = (Path("model", MODEL, mode="dir", lookup=True,
                   help="a SAM 2 video folder in the Hugging Face layout (config.json, model.safetensors, "
                        "preprocessor_config.json), in the models folders"),
              Text("prompts", "", help="clicks and boxes by frame, as fractions of the frame: "
                                       "'0: +0.5 0.4, -0.1 0.2; 12: box 0.3 0.3 0.6 0.7' (+ keep, - leave out); "
                                       "click in the viewer to add them"),
              Float("threshold", 0.0, min=-20.0, max=20.0, help="mask logit above which a pixel is the object"))

    @classmethod
    def preflight(cls, params, base_dir):
        problems = []
        try:
            if not parse_prompts(params.get("prompts", "")):
                problems.append("no clicks or boxes: select the node and click the object in the viewer")
        except StudioError as e:
            problems.append(str(e))
        try:
            check_model(params.get("model", MODEL), base_dir)
        except StudioError as e:
            problems.append(str(e))
        return problems

    def run(self, ctx, video):
        import torch
        p = ctx.params
        clip = as_clip(video)
        prompts = parse_prompts(p.prompts)
        if not prompts:
            raise StudioError("no clicks or boxes: select the node and click the object in the viewer")
        late = [f for f in prompts if f >= len(clip)]
        if late:
            raise StudioError(f"a prompt is at frame {late[0]} but the clip has {len(clip)} frames (0..{len(clip) - 1})")
        path = check_model(p.model)
        device = ctx.device if ctx.device is not None else torch.device("cpu")
        ctx.note(f"SAM 2 on {device}: {len(clip)} frames")
        model = load_model(path, device)
        frames = np.stack([clip.frame(i) for i in range(len(clip))])
        h, w = clip.height, clip.width
        pixels = preprocess(frames, path, device)
        del frames
        session = session_with_prompts(model, pixels, h, w, prompts, device)
        logits = propagate(model, session, min(prompts), len(clip),
                           lambda k, n: ctx.progress(k, n))
        size = pixels.shape[-1]
        masks = np.zeros((len(clip), h, w), bool)
        for i, lg in logits.items():
            masks[i] = upscale(lg - p.threshold, h, w, size)
        ctx.info(f"Segment ran on {device}")
        empty = np.flatnonzero(~masks.reshape(len(clip), -1).any(1))
        if len(empty):
            after = empty[empty >= min(prompts)]
            first = int(after[0]) if len(after) else int(empty[0])
            ctx.info(f"the mask is empty from frame {first} ({len(empty)} empty frames): the object was lost or "
                     "left the frame; add a click there")
        return MaskFrames(masks, clip.fps)
