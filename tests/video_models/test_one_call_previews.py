"""The families' own one-call nodes stream live step previews through the one Sampler (issue 98): each ran its
pipeline with a step callback of its own that reported progress only. A tiny render with previews on reports a
preview image at its steps and progress over every step of the call (Framepack: every section's)."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.clip import ArrayClip
from studio.engine.events import NodeProgress
from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph

pytest.importorskip("diffusers")

STILL = source("test.one_call_still", "image", "Image",
               lambda p: (np.random.RandomState(4).randint(0, 256, (32, 32, 3)) / 255.0).astype(np.float32))


def _edges(p) -> ArrayClip:
    f = np.zeros((5, 32, 32, 3), np.float32)
    for i in range(5):
        f[i, 8:24, 4 + 3 * i] = 1.0
    return ArrayClip(f, 16.0)


CONTROL = source("test.one_call_control", "video", "Video", _edges)
RUN = {"prompt": "a red fox", "steps": 2, "seed": 3, "previews": True, "preview_size": "off"}
CASES = {  # tiny model (key, settings), node, its settings, what is wired in, the steps progress counts
    "sana": (("sana-video", {}), "video_models.sana_video",
             dict(RUN, width=32, height=32, frames=5, binning=False), {}, 2),
    "framepack": (("framepack", {}), "video_models.framepack",
                  dict(RUN, width=32, height=32, frames=6, window=2), {"image": (STILL, "image")}, 4),
    "chronoedit": (("chronoedit", {}), "video_models.chronoedit", RUN, {"image": (STILL, "image")}, 2),
    "cogvideox_fun": (("cogvideox-fun-control", {}), "video_models.cogvideox_fun_control", RUN,
                      {"control": (CONTROL, "video")}, 2),
    "cogvideox_fun_inp": (("cogvideox-fun-inp", {}), "video_models.cogvideox_fun_inp",
                          dict(RUN, width=32, height=32, frames=5), {"image": (STILL, "image")}, 2),
    "easyanimate_control": (("easyanimate", {"kind": "control"}), "video_models.easyanimate_control", RUN,
                            {"control": (CONTROL, "video")}, 2),
    "cosmos_transfer": (("cosmos25-transfer", {}), "video_models.cosmos_transfer", dict(RUN, chunk=5),
                        {"control": (CONTROL, "video")}, 2),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_one_call_node_streams_step_previews(case, tiny):
    (key, built), node, params, feeds, steps = CASES[case]
    ev = []
    Executor().run(model_graph(tiny(key, **built), node, params, **feeds), targets=["gen"], device="cpu",
                   use_cache=False, on_event=ev.append)
    prog = [e for e in ev if isinstance(e, NodeProgress) and e.node_id == "gen" and e.total == steps]
    assert prog and prog[-1].step == steps, [(e.step, e.total) for e in ev if isinstance(e, NodeProgress)]
    shown = [e.preview for e in prog if e.preview is not None]
    assert shown and all(p.ndim == 3 and p.shape[-1] == 3 and np.isfinite(p).all() for p in shown)
