"""Pose Estimate: ViTPose (body COCO-17, or COCO-WholeBody 133 where the checkpoint has them) top
down from Detect People's boxes: every box of a batch of frames through the model at once, on its
device. Out: Keypoints, one group of K points per person id (the ids Detect People kept), with
the model's confidences."""
from __future__ import annotations

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Int
from studio.core.spec import CLIP, In, Node, Out
from studio.core.values import Keypoints
from studio.engine.clip import as_clip

from .hf import BATCH, CATEGORY, batch_for, model_input
from .people import frames_without, to_uint8

LAYOUTS = {17: "coco17", 133: "wholebody133"}


def estimate(ref, images: list[np.ndarray], boxes: list[np.ndarray], dataset_index: int | None = None):
    """Keypoints [M, K, 2] and scores [M, K] of each image's boxes (COCO x, y, w, h), the model
    called once on every box of the batch."""
    import torch
    proc, model = ref.processor, ref.module
    inputs = proc(images, boxes=[b.tolist() for b in boxes], return_tensors="pt").to(ref.device)
    kw = {}
    if dataset_index is not None:
        kw["dataset_index"] = torch.full((inputs["pixel_values"].shape[0],), dataset_index, device=ref.device)
    with torch.inference_mode():
        out = model(**inputs, **kw)
    res = proc.post_process_pose_estimation(out, boxes=[b.tolist() for b in boxes])
    k = int(out.heatmaps.shape[1])
    return [(np.stack([r["keypoints"].float().numpy() for r in per]) if per else np.zeros((0, k, 2), np.float32),
             np.stack([r["scores"].float().numpy() for r in per]) if per else np.zeros((0, k), np.float32))
            for per in res]


def experts(model) -> int:
    return int(getattr(model.config.backbone_config, "num_experts", 1) or 1)


class PoseEstimate(Node):
    """Find each person's joints (ViTPose, top down from Detect People's boxes): 17 body points
    (COCO), or 133 whole-body points (body, feet, face, hands) with a whole-body checkpoint, each
    with the model's confidence; the ids Detect People kept. Frames with nobody get an empty pose
    (said on which). Feed Draw Pose."""
    id = "preprocess.pose_estimate"
    title = "Pose Estimate"
    category = CATEGORY
    timing = CLIP
    inputs = (In("video", "Video"), In("people", "Keypoints", help="Detect People's boxes"),
              In("model", "Model", help="Load Preprocessor, kind 'pose'"))
    outputs = (Out("pose", "Keypoints", help="K points per person, confidences, ids across frames"),)
    params = (BATCH,
              Int("dataset_index", 0, min=0, max=5, help="ViTPose++ (several experts) only: which head "
                                                        "(0: COCO body; 5: COCO-WholeBody)"))

    def run(self, ctx, video, people, model):
        ref = model_input(model, "pose", self.title)
        if not isinstance(people, Keypoints) or people.layout != "box":
            raise StudioError("Pose Estimate's people input wants Detect People's boxes "
                              f"(got {type(people).__name__}{' ' + people.layout if isinstance(people, Keypoints) else ''})")
        clip, p = as_clip(video), ctx.params
        n = len(clip)
        if people.n_frames != n:
            raise StudioError(f"the people ({people.n_frames} frames) and the video ({n} frames) differ in length: "
                              "detect people on the same clip")
        K = int(ref.module.config.num_labels)
        P = people.n_persons
        sx, sy = clip.width / people.width, clip.height / people.height
        corners = people.points.reshape(n, P, 2, 2) * np.float32([sx, sy])
        coco = np.concatenate([corners[..., 0, :], corners[..., 1, :] - corners[..., 0, :]], -1)  # x, y, w, h
        # a box under a pixel wide or high has no crop to look at (its affine warp would be singular)
        present = people.visible.reshape(n, P, 2).all(-1) & (coco[..., 2:] >= 1).all(-1)
        pts = np.zeros((n, P, K, 2), np.float32)
        sc = np.zeros((n, P, K), np.float32)
        ds = p.dataset_index if experts(ref.module) > 1 else None
        ctx.note(f"estimating poses on {ref.device}")
        batch = batch_for(ref, p.batch)
        for a in range(0, n, batch):
            ctx.check_cancelled()
            b = min(n, a + batch)
            ts = [t for t in range(a, b) if present[t].any()]
            if ts:
                images = to_uint8(clip.chunk(a, b))
                got = estimate(ref, [images[t - a] for t in ts], [coco[t, present[t]] for t in ts], ds)
                for t, (kp, s) in zip(ts, got):
                    pts[t, present[t]] = kp
                    sc[t, present[t]] = s
            ctx.progress(b, n, frame=a)
        vis = np.repeat(present[..., None], K, -1)
        seen = present.any(1)
        ctx.info(f"{LAYOUTS.get(K, f'{K}-point')} poses of {P} people over {n} frames on {ref.device}"
                 + (f"; no person on frames {frames_without(seen)} (an empty pose there)" if not seen.all() else ""))
        return Keypoints(pts.reshape(n, P * K, 2), vis.reshape(n, P * K), clip.width, clip.height, clip.fps,
                         sc.reshape(n, P * K), people.person_ids.copy(), LAYOUTS.get(K, f"{K}"))
