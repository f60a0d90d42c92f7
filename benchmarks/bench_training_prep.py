"""How long a large training set keeps the first step waiting (issue 44): the text_to_video_gpu
template's data (2,048 scenes at 64x64x16, dense-flow motion), its optical flow measured first
(as on the CPU) or in the background (as on a GPU: background_flows.py).

    .venv/bin/python benchmarks/bench_training_prep.py [--count 2048]

Reports, for each way, the seconds until the first batch can be drawn and until every clip's flow
is in, on this machine's worker threads. Nothing trains: the seconds are the data's alone."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import benchmarks  # noqa: E402,F401  (allows the temporary folder it works in: benchmarks/__init__.py)

import torch  # noqa: E402

from nodes.generators.checkpoint import build_model  # noqa: E402
from nodes.generators.scenes import scenes_dataset  # noqa: E402
from nodes.generators.train import TrainSettings, _Data, model_config  # noqa: E402
from studio.engine.device import worker_threads  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=2048)
    a = ap.parse_args()
    ds = scenes_dataset(count=a.count, n_frames=16, width=64, height=64, test_scenes=0, seed=0)
    model = build_model(model_config("diffusion", ds, "text", motion="dense-flow", base=8, flow_base=8,
                                     refine_base=8, tokens=24))
    s = TrainSettings(steps=1, batch=16)
    out = {"clips": len(ds.indices("train")), "threads": worker_threads(), "cores": os.cpu_count()}
    t = time.perf_counter()
    _Data(ds, model, torch.device("cpu"), lambda: None, s)
    out["first_all_s"] = round(time.perf_counter() - t, 2)
    ds._cache.clear()
    t = time.perf_counter()
    d = _Data(ds, model, torch.device("cpu"), lambda: None, s, background=True)
    d.batch(16, torch.Generator().manual_seed(0), step=0)
    out["background_first_batch_s"] = round(time.perf_counter() - t, 2)
    d.batch(16, torch.Generator().manual_seed(0), step=10**9)
    out["background_all_s"] = round(time.perf_counter() - t, 2)
    d.close()
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
