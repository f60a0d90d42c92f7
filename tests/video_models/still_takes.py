"""A still family's one-frame take checked against its diffusers pipeline (tests of families/sd15/ and
families/sdxl/): Text to Video with one frame run twice on a tiny checkpoint, then the pipeline's own call on the
same parts, seed and arguments."""
from __future__ import annotations

import numpy as np

from studio.engine.executor import Executor

from .graphs import model_graph, spy_call

PARAMS = {"width": 24, "height": 16, "frames": 1, "steps": 2, "guidance": 5.0, "prompt": "the cat",
          "negative_prompt": "", "previews": False, "preview_size": "off", "seed": 7}


def one_frame_takes(monkeypatch, checkpoint: str, pipeline_cls, words: str, parts: dict | None = None,
                    size: tuple[int, int] = (24, 16)):
    """Two takes of ``checkpoint`` (PARAMS at ``size``; ``parts``: Load Video Model's part files, its text encoders
    and VAE): one frame of the size asked, the same twice, its load said as ``words`` and nothing said ignored.
    Returns (the first take, ``pipeline_cls``'s own __call__, the call's arguments less its callbacks and generator,
    the seed)."""
    calls, orig = spy_call(monkeypatch, pipeline_cls, dict)
    said = []
    g = model_graph(checkpoint, "video_models.text_to_video", dict(PARAMS, width=size[0], height=size[1]))
    for k, v in (parts or {}).items():
        g.set_param("load", k, v)
    clips = [Executor().run(g, targets=["gen"], device="cpu", use_cache=False,
                            on_event=lambda e: said.append(str(getattr(e, "message", None) or getattr(e, "text", ""))))
             .value("gen") for _ in range(2)]
    clip = clips[0]
    assert (clip.n_frames, clip.width, clip.height) == (1, *size) and len(calls) == 2
    assert np.array_equal(clips[0].frames, clips[1].frames)  # one seed, one picture
    assert any(words in s for s in said), said
    assert not [s for s in said if "ignored" in s], [s for s in said if "ignored" in s]
    kw = {k: v for k, v in calls[0].items() if not k.startswith("callback")}
    assert kw["prompt"] == "the cat" and kw["num_inference_steps"] == 2 and "num_frames" not in kw
    seed = kw.pop("generator").initial_seed()
    return clip, orig, kw, seed


def assert_the_pipelines_picture(clip, orig, pipe, kw: dict, seed: int) -> None:
    """``clip``'s frame is the picture ``pipe`` makes by its own call (``orig``) with ``kw`` and ``seed``."""
    import torch
    want = orig(pipe, **dict(kw, output_type="np"), generator=torch.Generator().manual_seed(seed)).images
    want = np.clip(np.asarray(want, np.float32), 0, 1)
    assert want.shape == (1, clip.height, clip.width, 3) and want.std() > 0
    assert np.allclose(clip.frames, want, atol=1e-6)
