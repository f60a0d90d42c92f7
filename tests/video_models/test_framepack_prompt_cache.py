"""The prompt-embedding cache for HunyuanVideo Framepack (issue 116: its encode was not cached, so its estimate for a
repeated prompt was a fresh encode's, 3-6x off): its encode_prompt is HunyuanVideo's, so its prompts are kept as
HunyuanVideo's are. A render with the cache off, one with it on and another seed, then the first seed again: the
last loads neither text encoder and makes the frames of the first, true CFG's negative included (the node's
'true_cfg' is what the call's true_cfg_scale is)."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph

pytestmark = pytest.mark.fresh_models  # what a load does is what it checks: it loads its model itself
pytest.importorskip("diffusers")

STILL = source("test.framepack_cache_still", "image", "Image",
               lambda p: (np.random.RandomState(6).randint(0, 256, (32, 32, 3)) / 255.0).astype(np.float32))


def test_a_cached_prompt_and_negative_load_no_text_encoder_and_make_the_same_frames(tiny, tmp_path, monkeypatch):
    from transformers import CLIPTextModel, LlamaModel

    from .prompt_cache_check import NOT_LOADED, counted_loads, off_then_cached
    loaded, loaded_2 = counted_loads(monkeypatch, LlamaModel), counted_loads(monkeypatch, CLIPTextModel)
    folder = tiny("framepack")

    def render(seed):
        params = {"width": 32, "height": 32, "frames": 3, "window": 2, "steps": 1, "prompt": "a red fox running",
                  "negative_prompt": "blurry", "true_cfg": 2.0, "seed": seed}
        said = []
        clip = Executor().run(model_graph(folder, "video_models.framepack", params, image=(STILL, "image")),
                              targets=["gen"], device="cpu", use_cache=False,
                              on_event=lambda e: said.append(getattr(e, "text", ""))).value("gen")
        return clip.frames, said
    plain, first, (second, said) = off_then_cached(monkeypatch, tmp_path, render, (loaded, loaded_2))
    assert first[-1] == (["LlamaModel"], ["CLIPTextModel"])  # the first render with the cache on encoded
    assert loaded == [] and loaded_2 == [] and NOT_LOADED in said
    assert np.array_equal(second, plain) and not np.array_equal(first[0], plain)  # another seed differs
    import glob
    import os

    from safetensors import safe_open
    (entry,) = glob.glob(os.path.join(str(tmp_path / "cache"), "**", "*.safetensors"), recursive=True)
    with safe_open(entry, "pt") as f:
        names = set(f.keys())
    assert {"prompt_embeds", "negative_prompt_embeds", "negative_pooled_prompt_embeds"} <= names  # true CFG's
