"""SAM 2 video tracking as a lazy mask clip whose memory does not grow with the clip.

transformers' ``Sam2VideoModel`` runs it, frame by frame, with its own inference session. The
prompts are added as SAM 2 adds them (each prompted frame run with its clicks, on its own), then
the object is followed as ``propagate_in_video_iterator`` follows it: forward from the first
prompted frame ``k`` to the end, then backward from ``k`` to frame 0. A frame's result depends only
on the prompted frames' outputs and on the last ``W`` frames of its own pass (``num_maskmem - 1``
memories, ``max_object_pointers_in_encoder - 1`` object pointers), so that is all the session keeps:

* the video is not held: the session's frames are a stand-in of the clip's length that prepares
  frame i (resize, ImageNet mean/std) when the model asks for it; the session keeps the vision
  features of one frame (its default);
* each pass keeps the outputs of its last ``W`` frames (the high-resolution masks dropped once the
  memory is encoded; the library keeps every frame's);
* the backward pass starts from the forward outputs of frames k+1..k+W (as SAM 2's does, which
  runs after the forward one), kept when the forward pass makes them: a pull of a frame before
  ``k`` first runs the forward pass to k+W;
* every mask made is kept, packed to a bit a pixel and zlib-compressed (typically a few kB a
  frame), so a frame pulled again, or in any order, is not made again.

The frames are prepared as the folder's preprocessor_config.json says, with torch: the
transformers processor itself needs torchvision, which has no build for this CPU torch."""
from __future__ import annotations

from studio.core import json_limits
import os
import threading
import zlib

import numpy as np

OBJ_ID = 1


def read_preprocessing(path: str) -> dict:
    """The folder's preprocessor_config.json (size, mean, std)."""
    with open(os.path.join(path, "preprocessor_config.json"), encoding="utf-8") as f:
        return json_limits.loads(f.read())


def preprocess(frames: np.ndarray, cfg: dict, device):
    """(T, H, W, C) float frames in [0, 1] -> the model's pixel values (T, 3, S, S), as the
    processor config asks (size, mean, std; bilinear resize with antialiasing)."""
    import torch
    import torch.nn.functional as F
    size = cfg.get("size") or {"height": 1024, "width": 1024}
    mean = torch.tensor(cfg.get("image_mean", (0.485, 0.456, 0.406)), dtype=torch.float32).view(1, 3, 1, 1)
    std = torch.tensor(cfg.get("image_std", (0.229, 0.224, 0.225)), dtype=torch.float32).view(1, 3, 1, 1)
    x = torch.from_numpy(np.array(frames[..., :3], np.float32)).permute(0, 3, 1, 2)
    if x.shape[1] == 1:
        x = x.expand(-1, 3, -1, -1)
    x = F.interpolate(x, size=(size["height"], size["width"]), mode="bilinear", align_corners=False, antialias=True)
    return ((x - mean) / std).to(device)


def add_prompt(session, frame: int, fp, size: int) -> None:
    """One frame's clicks and box into the session as the processor adds them (coordinates in the
    model's input size; a box as two corner points labelled 2 and 3, before the clicks)."""
    import torch
    obj_idx = session.obj_id_to_idx(OBJ_ID)
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


def upscale(logits, height: int, width: int, size: int) -> np.ndarray:
    """Logits at the model's mask size -> a (H, W) mask in {0, 1}: up to the input size, then to
    the frame's (the processor's post_process_masks for an unpadded square input)."""
    import torch.nn.functional as F
    m = F.interpolate(logits, (size, size), mode="bilinear", align_corners=False)
    m = F.interpolate(m, (height, width), mode="bilinear", align_corners=False)
    return (m[0, 0] > 0.0).cpu().numpy()


class LazyFrames:
    """The session's frames: the clip's length, frame i prepared when the model asks for it."""

    def __init__(self, clip, cfg: dict, device):
        self.clip, self.cfg, self.device = clip, cfg, device

    def __len__(self) -> int:
        return len(self.clip)

    def __getitem__(self, i: int):
        return preprocess(self.clip.frame(i)[None], self.cfg, self.device)[0]


class Sam2Track:
    """Masks of one object, made on demand in SAM 2's order with bounded state (see the module)."""

    def __init__(self, model, clip, prompts: dict, cfg: dict, device, threshold: float = 0.0,
                 on_empty=None, check=None):
        import torch
        from transformers.models.sam2_video.modeling_sam2_video import Sam2VideoInferenceSession
        self.model, self.n, self.h, self.w = model, len(clip), clip.height, clip.width
        self.size = int((cfg.get("size") or {"height": 1024})["height"])
        self.threshold, self.on_empty, self.check = threshold, on_empty, check
        s = Sam2VideoInferenceSession(video=None, video_height=self.h, video_width=self.w, inference_device=device,
                                      inference_state_device=device, video_storage_device=device,
                                      dtype=torch.float32)
        s.processed_frames = LazyFrames(clip, cfg, device)
        self.session, self.k = s, min(prompts)
        pointers = min(self.n, int(model.config.max_object_pointers_in_encoder))
        self.window = max(1, int(model.num_maskmem) - 1, pointers - 1)
        self.masks: dict[int, bytes] = {}
        self.passes = {False: {"next": self.k, "outputs": {}, "empty_said": False},
                       True: {"next": self.k - 1, "outputs": None, "empty_said": False}}
        self.seed: dict = {}  # forward outputs of frames k+1..k+W: where the backward pass starts
        self.lock = threading.RLock()
        with torch.inference_mode():
            for f, fp in prompts.items():  # each prompted frame on its own, with its clicks
                add_prompt(s, f, fp, self.size)
                self.model(s, frame_idx=f)
        s.frames_tracked_per_obj[0].clear()

    def _step(self, reverse: bool) -> None:
        """Make the next frame of one pass and drop what its next frame will not look at."""
        import torch
        p = self.passes[reverse]
        t = p["next"]
        od = self.session.output_dict_per_obj[0]
        od["non_cond_frame_outputs"] = p["outputs"]
        with torch.inference_mode():
            o = self.model(self.session, frame_idx=t, reverse=reverse)
        got = p["outputs"].get(t)
        if got is not None:
            got.pop("high_res_masks", None)
            if not reverse and t - self.k <= self.window:
                self.seed[t] = got
        nxt = t - 1 if reverse else t + 1
        for f in [f for f in p["outputs"] if abs(f - nxt) > self.window]:
            del p["outputs"][f]
        self.session.frames_tracked_per_obj[0].clear()
        mask = upscale(o.pred_masks[0:1].float() - self.threshold, self.h, self.w, self.size)
        self.masks[t] = zlib.compress(np.packbits(mask).tobytes(), 1)
        if not mask.any() and not p["empty_said"] and self.on_empty is not None:
            p["empty_said"] = True
            self.on_empty(t, reverse)
        p["next"] = nxt

    def mask(self, i: int) -> np.ndarray:
        """Frame i's mask, (H, W) bool."""
        with self.lock:
            while i not in self.masks:
                if self.check is not None:
                    self.check()
                if i >= self.k:
                    self._step(False)
                    continue
                if self.passes[True]["outputs"] is None:  # the forward frames the backward pass looks at first
                    end = min(self.n - 1, self.k + self.window)
                    while self.passes[False]["next"] <= end:
                        self._step(False)
                    self.passes[True]["outputs"] = dict(self.seed)
                self._step(True)
            packed = self.masks[i]
        bits = np.unpackbits(np.frombuffer(zlib.decompress(packed), np.uint8), count=self.h * self.w)
        return bits.reshape(self.h, self.w).astype(bool)

    def kept_bytes(self) -> int:
        """The bytes of the masks kept (compressed)."""
        return sum(len(b) for b in self.masks.values())
