"""Detect People: RT-DETR's person boxes on every frame, in batches on the model's device, with
ids kept across frames (tracks.assign_ids). Out: Keypoints of layout 'box' (each person's top-left
and bottom-right corners, the detection score as their confidence)."""
from __future__ import annotations

import numpy as np

from studio.core.params import Float, Int
from studio.core.spec import CLIP, In, Node, Out
from studio.core.values import Keypoints
from studio.engine.clip import as_clip

from .hf import BATCH, CATEGORY, batch_for, model_input
from .tracks import assign_ids


def to_uint8(chunk: np.ndarray) -> list[np.ndarray]:
    """Frames [B, H, W, C] in 0..1 as the RGB uint8 images the image processors take."""
    c = chunk.shape[-1]
    rgb = chunk[..., :3] if c >= 3 else np.repeat(chunk[..., :1], 3, axis=-1)
    return list(np.clip(np.rint(rgb * 255.0), 0, 255).astype(np.uint8))


def person_label(model) -> int:
    """The class id the detector calls 'person' (COCO's 0 when its labels have no names)."""
    names = {int(k): str(v).lower() for k, v in (model.config.id2label or {}).items()}
    return next((k for k, v in names.items() if v == "person"), 0)


def detect(ref, images: list[np.ndarray], threshold: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """Person boxes [M, 4] (x0, y0, x1, y1 in pixels) and scores [M] of each image, the model
    called once on the batch."""
    import torch
    proc, model = ref.processor, ref.module
    inputs = proc(images=images, return_tensors="pt").to(ref.device)
    with torch.inference_mode():
        out = model(**inputs)
    sizes = [(im.shape[0], im.shape[1]) for im in images]
    res = proc.post_process_object_detection(out, threshold=threshold, target_sizes=sizes)
    person = person_label(model)
    found = []
    for r in res:
        keep = (r["labels"] == person).cpu().numpy()
        found.append((r["boxes"].float().cpu().numpy()[keep], r["scores"].float().cpu().numpy()[keep]))
    return found


def frames_without(flags: np.ndarray) -> str:
    """'3-5, 9' for the frames where ``flags`` is False."""
    idx = np.flatnonzero(~flags)
    if not len(idx):
        return ""
    runs = np.split(idx, np.flatnonzero(np.diff(idx) > 1) + 1)
    return ", ".join(f"{r[0]}" if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


class DetectPeople(Node):
    """Find the people in every frame (RT-DETR): a box per person with its score, the same id for
    the same person from frame to frame (boxes matched by overlap). Feed Pose Estimate."""
    id = "preprocess.detect_people"
    keywords = ("matte", "person", "human", "key")
    title = "Detect People"
    category = CATEGORY
    timing = CLIP
    inputs = (In("video", "Video"), In("model", "Model", help="Load Preprocessor, kind 'people'"))
    outputs = (Out("people", "Keypoints", help="each person's box corners, ids kept across frames"),)
    params = (Float("threshold", 0.5, min=0.0, max=1.0, help="lowest detection score kept"),
              Int("max_people", 8, min=1, max=100, help="most people kept in a frame (the surest)"),
              Float("match_iou", 0.3, min=0.0, max=1.0, help="overlap that keeps a person's id to the next frame"),
              BATCH)

    def run(self, ctx, video, model):
        ref = model_input(model, "people", self.title)
        clip, p = as_clip(video), ctx.params
        n = len(clip)
        ctx.note(f"detecting people on {ref.device}")
        boxes, scores = [], []
        batch = batch_for(ref, p.batch)
        for a, chunk in clip.chunks(batch, check=ctx.check_cancelled):
            for b, s in detect(ref, to_uint8(chunk), p.threshold):
                top = np.argsort(-s, kind="stable")[:p.max_people]
                boxes.append(b[top])
                scores.append(s[top])
            ctx.progress(min(a + batch, n), n, frame=a)
        kp = people_keypoints(boxes, scores, assign_ids(boxes, p.match_iou), clip)
        seen = kp.visible.any(1) if kp.n_points else np.zeros(n, bool)
        ctx.info(f"{kp.n_persons} people over {n} frames on {ref.device}"
                 + (f"; no person on frames {frames_without(seen)}" if not seen.all() else ""))
        return kp


def people_keypoints(boxes, scores, ids, clip) -> Keypoints:
    """Per-frame boxes, scores and ids as Keypoints of layout 'box' ([T, 2 x people, 2])."""
    T = len(boxes)
    n_ids = max((int(i.max()) + 1 for i in ids if len(i)), default=0)
    pts = np.zeros((T, n_ids, 2, 2), np.float32)
    vis = np.zeros((T, n_ids, 2), bool)
    sc = np.zeros((T, n_ids, 2), np.float32)
    for t, (b, s, i) in enumerate(zip(boxes, scores, ids)):
        pts[t, i] = b.reshape(-1, 2, 2)
        vis[t, i] = True
        sc[t, i] = s[:, None]
    return Keypoints(pts.reshape(T, -1, 2), vis.reshape(T, -1), clip.width, clip.height, clip.fps,
                     sc.reshape(T, -1), np.arange(n_ids), "box")
