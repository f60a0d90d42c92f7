"""Video to Video hands the pipeline the frames asked (issue 98): a video-to-world pipeline that takes a frame
count (Cosmos 1.0, Predict2, Predict2.5, Cosmos 3, Helios) is called with the clip's length, rounded as its
family needs, instead of its own default length (121, 93, 189, 132), which failed on the clip's size (Cosmos
1.0 and Predict2/2.5) or made many more frames than were kept (Cosmos 3, Helios)."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.clip import ArrayClip
from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, render, spy_call

pytest.importorskip("diffusers")

CLIP = source("test.v2v_frames_clip", "video", "Video",
              lambda p: ArrayClip(np.random.RandomState(1).rand(9, 32, 32, 3).astype(np.float32), 16.0))
PARAMS = {"width": 32, "height": 32, "frames": 9, "steps": 2, "guidance": 3.0, "prompt": "a red fox",
          "previews": False, "preview_size": "off", "seed": 5}


@pytest.mark.parametrize("key, made", [("cosmos1", 9), ("cosmos2", 9), ("cosmos25", 9), ("cosmos3", 9),
                                       ("helios", 33)])  # Helios makes 33k frames a call: 33, cut to the 9 asked
def test_video_to_video_calls_the_pipeline_with_the_frames_asked(key, made, tiny, monkeypatch):
    import diffusers
    folder = tiny(key)
    g = model_graph(folder, "video_models.video_to_video", PARAMS, video=(CLIP, "video"))
    ex = Executor()
    pipe = ex.run(g, targets=["load"], device="cpu").value("load").pipeline("v2v")
    calls, _ = spy_call(monkeypatch, getattr(diffusers, type(pipe).__name__),
                        lambda kw: (kw.get("num_frames"), len(kw["video"])))
    clip, _ = render(ex, g)
    assert clip.n_frames == 9 and (clip.width, clip.height) == (32, 32)
    assert calls == [(made, made)]  # one call, told the length of the clip it is given


def test_a_size_past_the_models_positions_is_refused_in_words(tiny):
    """A take wider than the denoiser's rotary positions reach (Wan: rope_max_seq_len cells of 2 latents of 8 px)
    is refused naming the largest side, where diffusers failed in its rotary table with "shape '[1, 1, 52, -1]'
    is invalid" (a queued template at full size on the tiny models, issue 104)."""
    from studio.core.errors import StudioError
    g = model_graph(tiny("wan-t2v"), "video_models.text_to_video",
                    dict(PARAMS, width=832, height=32, frames=5, steps=1))
    with pytest.raises(StudioError, match=r"832x32 is more than this model's positions reach: it makes at most 512 px"):
        Executor().run(g, targets=["gen"], device="cpu", use_cache=False)


def test_a_frame_count_a_pipeline_takes_under_no_name_is_said_not_handed_on():
    """filter_kwargs: 'num_frames' goes to a pipeline under its own name for it (Latte's 'video_length'); one that
    takes no frame count at all is told nothing and the value is said as ignored (not passed under no name)."""
    from nodes.video_models.sampling.call_args import filter_kwargs

    class Latte:
        def __call__(self, prompt=None, video_length=16):
            pass

    class NoFrames:
        def __call__(self, prompt=None, video=None):
            pass
    said = []
    assert filter_kwargs(Latte(), {"prompt": "a", "num_frames": 9}, said.append) == {"prompt": "a", "video_length": 9}
    assert filter_kwargs(NoFrames(), {"prompt": "a", "num_frames": 9}, said.append) == {"prompt": "a"}
    assert said == ["NoFrames has no 'num_frames': ignored"]
