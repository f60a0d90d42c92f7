"""The older video families as Studio families (issue 72): a Latte, I2VGen-XL and ModelScope folder loads through
Load Video Model, is listed with its family, and the generic Text to Video, Image to Video and Video to Video
make, frame for frame, what LattePipeline, I2VGenXLPipeline, TextToVideoSDPipeline and VideoToVideoSDPipeline
called directly make with the arguments the node gave (tiny random models, CPU, 16 x 16, 2 steps). Latte's
frame count reaches its call as 'video_length' (16 made, the clip cut to the 8 asked); I2VGen-XL's CLIP
skip runs under transformers 5 (loading/clip_text_compat.py), given alike to the direct call's pipeline; its
still's latents are drawn from torch's global generator (the pipeline passes it no generator), which the node
seeds from the call's seed (sampling/global_noise.py): rendered from an unrelated global state, its frames are
the direct call's under that seeding, so every render of the seed makes them (no second render needed); its
frame-rate condition (target_fps) is the node's 'fps'."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, spy_call

pytest.importorskip("diffusers")
PARAMS = {"width": 16, "height": 16, "frames": 8, "steps": 2, "guidance": 4.0, "prompt": "a red fox running",
          "negative_prompt": "static", "previews": False, "preview_size": "off", "seed": 4}
STILL = source("test.older_still", "image", "Image",
               lambda p: (np.random.RandomState(3).randint(0, 256, (16, 16, 3)) / 255.0).astype(np.float32))
CLIP = source("test.older_clip", "video", "Video", lambda p: _clip())

CASES = {  # family: (tiny builder and settings, node, pipeline, feeds, its family's variant)
    "latte": (("latte", {}), "video_models.text_to_video", "LattePipeline", {}, "Latte"),
    "i2vgen_xl": (("i2vgen-xl", {}), "video_models.image_to_video", "I2VGenXLPipeline",
                  {"image": (STILL, "image")}, "I2VGen-XL"),
    "modelscope_t2v": (("modelscope-t2v", {}), "video_models.text_to_video", "TextToVideoSDPipeline", {},
                       "ModelScope"),
    "modelscope_v2v": (("modelscope-t2v", {"v2v": True}), "video_models.video_to_video", "VideoToVideoSDPipeline",
                       {"video": (CLIP, "video")}, "ModelScope"),
    "animatediff": (("animatediff", {}), "video_models.text_to_video", "AnimateDiffPipeline", {}, "AnimateDiff"),
    "animatediff_v2v": (("animatediff", {}), "video_models.video_to_video", "AnimateDiffVideoToVideoPipeline",
                        {"video": (CLIP, "video")}, "AnimateDiff"),
}


def _clip():
    from studio.engine.clip import ArrayClip
    return ArrayClip((np.random.RandomState(6).randint(0, 256, (8, 16, 16, 3)) / 255.0).astype(np.float32), 8.0)


@pytest.mark.parametrize("case", list(CASES))
def test_older_family_is_its_pipeline_called_directly(tiny, monkeypatch, case):
    import diffusers
    import torch

    from nodes.video_models.catalog.listing import describe_folder
    from nodes.video_models.loading.clip_text_compat import give_text_model
    (key, settings), node, pipeline, feeds, variant = CASES[case]
    folder = tiny(key, **settings)
    e = describe_folder(folder)
    assert e.family == {"modelscope_v2v": "modelscope_t2v", "animatediff_v2v": "animatediff"}.get(case, case)
    assert e.variant.startswith(variant)
    from nodes.video_models.sampling.global_noise import seeded_noise
    cls = getattr(diffusers, pipeline)
    calls, orig = spy_call(monkeypatch, cls, dict)
    i2v = case == "i2vgen_xl"
    g = model_graph(folder, node, dict(PARAMS, fps=8.0) if i2v else PARAMS, **feeds)
    if i2v:  # the global generators' state at the call left as it comes (the engine's seeding of them at the
        # node's start off, as for a clip streamed later): the frames must not depend on it
        monkeypatch.setattr("studio.engine.executor.seed_torch_for", lambda *a: None)
        torch.manual_seed(1)
    clip = Executor().run(g, targets=["gen"], device="cpu", use_cache=False).value("gen")
    assert (clip.n_frames, clip.width, clip.height) == (8, 16, 16) and len(calls) == 1
    kw = {k: v for k, v in calls[0].items() if not k.startswith("callback")}
    if case == "latte":  # a call is its transformer's 16 frames, named as Latte's pipeline names them
        assert kw["video_length"] == 16 and "num_frames" not in kw
    if i2v:  # its frame-rate condition is the node's fps (the pipeline's own 16 unless set)
        assert kw["target_fps"] == 8 and clip.fps == 8.0
    seed = kw.pop("generator").initial_seed()
    pipe = cls.from_pretrained(folder)
    give_text_model(pipe)
    with seeded_noise(seed, "cpu"):  # the global noise seeded as the node seeds it
        want = orig(pipe, **dict(kw, output_type="np"), generator=torch.Generator().manual_seed(seed)).frames[0]
    want = np.clip(np.asarray(want, np.float32)[:8], 0, 1)
    assert np.isfinite(want).all() and want.std() > 0 and np.array_equal(clip.frames, want)
