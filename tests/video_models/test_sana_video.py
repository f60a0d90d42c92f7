"""Sana Video as a Studio family (issue 72): its text- and image-to-video folders load through Load Video
Model and are listed with its family; the Sana Video node makes, frame for frame, what SanaVideoPipeline
and SanaImageToVideoPipeline called directly make with the same seed (tiny random models, CPU)."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, spy_call

pytest.importorskip("diffusers")
PARAMS = {"width": 32, "height": 32, "frames": 5, "steps": 2, "guidance": 6.0, "binning": False,
          "prompt": "a red fox running", "negative_prompt": "static", "seed": 8}


def _still() -> np.ndarray:
    return (np.random.RandomState(9).randint(0, 256, (32, 32, 3)) / 255.0).astype(np.float32)


STILL = source("test.sana_still", "image", "Image", lambda p: _still())


@pytest.mark.parametrize("i2v", [False, True])
def test_sana_video_is_its_pipeline_called_directly(tiny, monkeypatch, i2v):
    import diffusers
    import torch
    from PIL import Image

    from nodes.video_models.catalog.listing import describe_folder
    folder = tiny("sana-video", i2v=i2v)
    e = describe_folder(folder)
    assert (e.family, e.variant) == ("sana_video", "Sana Video I2V" if i2v else "Sana Video T2V")
    cls = diffusers.SanaImageToVideoPipeline if i2v else diffusers.SanaVideoPipeline
    calls, orig = spy_call(monkeypatch, cls, dict)
    feeds = {"image": (STILL, "image")} if i2v else {}
    clip = Executor().run(model_graph(folder, "video_models.sana_video", PARAMS, **feeds), targets=["gen"],
                          device="cpu", use_cache=False).value("gen")
    kw = calls[0]
    more = {"image": Image.fromarray(np.round(_still() * 255).astype(np.uint8))} if i2v else {}
    out = orig(cls.from_pretrained(folder), prompt="a red fox running", negative_prompt="static", height=32, width=32,
               frames=5, num_inference_steps=2, guidance_scale=6.0, use_resolution_binning=False, output_type="np",
               generator=torch.Generator().manual_seed(kw["generator"].initial_seed()), **more).frames[0]
    assert clip.n_frames == 5 and np.isfinite(out).all() and np.array_equal(clip.frames, np.clip(out, 0, 1))


def test_a_sana_model_in_text_to_video_is_sent_to_its_own_node(tiny, monkeypatch):
    """Sana Video is run by its own node: wired into Text to Video it is said so while editing, naming that node,
    and a run is refused in the same words before anything loads (it had said nothing before F5, then failed in
    the node with "do not do text to video (they do: )")."""
    from studio.core.errors import StudioError
    from studio.engine.edit_checks import node_checks
    g = model_graph(str(tiny("sana-video")), "video_models.text_to_video", {"prompt": "a fox", "width": 32,
                                                                            "height": 32, "frames": 5, "steps": 1})
    said = node_checks(g, "gen")
    assert ("error", "this model (Sana Video) is run by its own node: use 'Sana Video'") in said, said
    with pytest.raises(StudioError, match="is run by its own node: use 'Sana Video'"):
        Executor().run(g, targets=["gen"], device="cpu", use_cache=False)
    own = model_graph(str(tiny("sana-video")), "video_models.sana_video", PARAMS)  # its own node: nothing said
    assert not [w for _l, w in node_checks(own, "gen") if "own node" in w]
    from nodes.video_models.sampling.advice import advise
    from nodes.video_models.families.framepack.node import FramepackVideo
    from nodes.video_models.base.registry import FAMILIES
    assert advise(FramepackVideo, {}, {"model": {"family": "framepack", "title": FAMILIES["framepack"].title,
                                                 "path": "x"}}) == []  # Framepack's node on a Framepack model
