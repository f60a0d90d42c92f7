"""Pose Estimate's cost against the transformers models called directly in a loop (issue 46).

    .venv/bin/python benchmarks/bench_pose.py [--frames 120] [--size 512] [--people 2] [--threads N]

Real configurations with random weights, on the CPU: RT-DETR r50vd (RTDetrConfig's defaults, one
class: 'person') and ViTPose-base (768 wide, 12 layers, 256x192 crops). The graph is Synthetic
Shapes -> Detect People -> Pose Estimate, run by the Executor; the loop calls the same processors
and models frame by frame on the same frames. A random detector's scores are meaningless, so both
keep the 'people' highest-scoring boxes of each frame (threshold 0). Then the graph runs again with
the output cache off: its loaders hit the model cache (nothing is loaded) and the nodes run again.
Target: node / loop <= 1.05. With --repeat N the node run (output cache off) and the loop then
take turns N more times and the fastest of each is compared too: on a machine shared with other
work the load swings between phases, and the fastest run is the one it disturbed least. Prints
figures, asserts nothing."""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
import benchmarks  # noqa: E402,F401  (allows the temporary folder it works in: benchmarks/__init__.py)

from nodes.preprocess.hf import processor_class  # noqa: E402
from studio.core.graph import Graph  # noqa: E402
from studio.engine.executor import Executor  # noqa: E402


def build(d: str) -> tuple[str, str]:
    from transformers import (RTDetrConfig, RTDetrForObjectDetection, VitPoseBackboneConfig, VitPoseConfig,
                              VitPoseForPoseEstimation)
    torch.manual_seed(0)
    rt = os.path.join(d, "rtdetr")
    RTDetrForObjectDetection(RTDetrConfig(id2label={0: "person"}, label2id={"person": 0})).save_pretrained(rt)
    processor_class("people")().save_pretrained(rt)
    vp = os.path.join(d, "vitpose")
    backbone = VitPoseBackboneConfig(hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                                     intermediate_size=3072, image_size=[256, 192], patch_size=[16, 16],
                                     out_indices=[12])
    VitPoseForPoseEstimation(VitPoseConfig(backbone_config=backbone, num_labels=17)).save_pretrained(vp)
    processor_class("pose")().save_pretrained(vp)
    return rt, vp


def graph(rt: str, vp: str, frames: int, size: int, people: int, batch: int = 0) -> tuple[Graph, str, str]:
    g = Graph()
    src = g.add_node("source.shapes", {"frames": frames, "width": size, "height": size, "sound": False, "count": 3})
    lr = g.add_node("preprocess.load", {"kind": "people", "model": rt})
    lp = g.add_node("preprocess.load", {"kind": "pose", "model": vp})
    det = g.add_node("preprocess.detect_people", {"threshold": 0.0, "max_people": people, "batch": batch})
    pe = g.add_node("preprocess.pose_estimate", {"batch": batch})
    g.connect(src.id, "video", det.id, "video")
    g.connect(lr.id, "model", det.id, "model")
    g.connect(src.id, "video", pe.id, "video")
    g.connect(det.id, "people", pe.id, "people")
    g.connect(lp.id, "model", pe.id, "model")
    return g, src.id, pe.id


def direct_loop(rt: str, vp: str, clip, people: int) -> float:
    """Seconds for the plain loop: per frame, RT-DETR then ViTPose on its person boxes."""
    from transformers import RTDetrForObjectDetection, VitPoseForPoseEstimation
    det, dp = RTDetrForObjectDetection.from_pretrained(rt).eval(), processor_class("people").from_pretrained(rt)
    pose, pp = VitPoseForPoseEstimation.from_pretrained(vp).eval(), processor_class("pose").from_pretrained(vp)
    t0 = time.perf_counter()
    for i in range(len(clip)):
        img = np.clip(np.rint(clip.frame(i)[..., :3] * 255), 0, 255).astype(np.uint8)
        with torch.inference_mode():
            out = det(**dp(images=[img], return_tensors="pt"))
        r = dp.post_process_object_detection(out, threshold=0.0, target_sizes=[img.shape[:2]])[0]
        keep = (r["labels"] == 0).numpy()
        b, s = r["boxes"].numpy()[keep], r["scores"].numpy()[keep]
        b = b[np.argsort(-s, kind="stable")[:people]]
        if len(b):
            boxes = [np.concatenate([b[:, :2], b[:, 2:] - b[:, :2]], -1).tolist()]
            with torch.inference_mode():
                out = pose(**pp([img], boxes=boxes, return_tensors="pt"))
            pp.post_process_pose_estimation(out, boxes=boxes)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--frames", type=int, default=120)
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--people", type=int, default=2)
    ap.add_argument("--batch", type=int, default=0, help="the nodes' 'batch' (frames through a model at once; 0 auto)")
    ap.add_argument("--repeat", type=int, default=0, help="more turns of node run and loop (fastest compared)")
    ap.add_argument("--threads", type=int, default=0, help="torch's CPU threads (0: its default); on a shared "
                                                           "machine 1 keeps the figures from swinging with the load")
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; {a.frames} frames {a.size}x{a.size}, "
          f"{a.people} people a frame, node batch {a.batch}")
    with tempfile.TemporaryDirectory() as d:
        rt, vp = build(d)
        g, src, pe = graph(rt, vp, a.frames, a.size, a.people, a.batch)
        ex = Executor(frame_caching=False)
        t0 = time.perf_counter()
        r = ex.run(g, device="cpu")
        first = time.perf_counter() - t0
        node = r.times[pe] + r.times[next(n for n in r.times if g.nodes[n].type_id == "preprocess.detect_people")]
        loads = r.times.get(next(n for n in g.nodes if g.nodes[n].type_id == "preprocess.load"), 0.0)
        clip = r.value(src)
        loop = direct_loop(rt, vp, clip, a.people)
        t0 = time.perf_counter()
        r2 = ex.run(g, device="cpu", use_cache=False)
        second = time.perf_counter() - t0
        node2 = sum(r2.times[n] for n in r2.times if g.nodes[n].type_id.startswith("preprocess.") and
                    g.nodes[n].type_id != "preprocess.load")
        print(f"nodes (Detect People + Pose Estimate): {node:.2f} s; loop: {loop:.2f} s; ratio {node / loop:.3f} "
              f"(target <= 1.05)")
        print(f"first run {first:.2f} s (a loader {loads:.2f} s); second run {second:.2f} s, nodes {node2:.2f} s, "
              f"loads in it: {ex.run_counts['preprocess.load'] - 2} (model cache: {ex.models.loads} loads, "
              f"{ex.models.hits} hits)")
        nodes, loops = [node, node2], [loop]
        for _ in range(a.repeat):
            r3 = ex.run(g, device="cpu", use_cache=False)
            nodes.append(sum(r3.times[n] for n in r3.times if g.nodes[n].type_id in
                             ("preprocess.detect_people", "preprocess.pose_estimate")))
            loops.append(direct_loop(rt, vp, clip, a.people))
        if a.repeat:
            print(f"node runs: {', '.join(f'{t:.2f}' for t in nodes)} s; loops: {', '.join(f'{t:.2f}' for t in loops)} s; "
                  f"fastest node / fastest loop {min(nodes) / min(loops):.3f}; loads after the first run: "
                  f"{ex.run_counts['preprocess.load'] - 2}")


if __name__ == "__main__":
    main()
