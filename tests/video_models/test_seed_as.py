"""Issue 102 item 3: the generators say how their seed becomes the generator's, and 'seed_as: diffusers' seeds the
generator with the 'seed' setting itself, as a diffusers script does (torch.Generator().manual_seed(seed)), so an
artist matching a script gets its noise; Studio's own derivation stays the default."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.context import Context, derive_seed
from studio.engine.executor import Executor

from .graphs import model_graph, spy_call

GENERATORS = ("video_models.text_to_video", "video_models.image_to_video", "video_models.video_to_video")


def _ctx(params: dict, seed: int = 123) -> Context:
    return Context("gen", "Text to Video", params, seed, "cpu", runtime=None)


def test_diffusers_seed_is_the_setting_itself_and_studio_the_hashed_one():
    import torch
    ours = _ctx({"seed": 42, "seed_as": "diffusers"}).torch_generator(device="cpu")
    assert torch.equal(torch.randn(8, generator=ours), torch.randn(8, generator=torch.Generator().manual_seed(42)))
    assert _ctx({"seed": 42, "seed_as": "diffusers"}).torch_generator(device="cpu", salt=2).initial_seed() == 44
    studio = _ctx({"seed": 42, "seed_as": "studio"}).torch_generator(device="cpu", salt=1)
    assert studio.initial_seed() == 123 * 1_000_003 + 1  # as before: the node's hashed seed
    assert _ctx({"seed": 42}).generator_seed() == 123 * 1_000_003  # a node without the setting: Studio's


def test_the_generators_say_how_their_seed_is_made_and_offer_diffusers_seed():
    from studio.core.registry import default_registry
    reg = default_registry()
    for node in GENERATORS:
        params = {p.name: p for p in reg.get(node).params}
        assert params["seed_as"].default == "studio" and params["seed_as"].choices == ("studio", "diffusers")
        assert "1,000,003" in params["seed"].help and "not a diffusers script's seed 0" in params["seed"].help
        assert "torch.Generator().manual_seed(seed)" in params["seed_as"].help
    assert derive_seed(0, "gen", 0) * 1_000_003 != 0  # seed 0 here is not diffusers' 0


def test_text_to_video_with_diffusers_seed_is_the_script_with_that_seed(wan_dir, monkeypatch):
    pytest.importorskip("diffusers")
    import diffusers
    import torch
    calls, orig = spy_call(monkeypatch, diffusers.WanPipeline, dict)
    p = {"frames": 5, "width": 16, "height": 16, "steps": 1, "prompt": "a fox", "negative_prompt": "",
         "previews": False, "preview_size": "off", "seed": 42, "seed_as": "diffusers"}
    clip = Executor().run(model_graph(wan_dir, "video_models.text_to_video", p), targets=["gen"], device="cpu",
                          use_cache=False).value("gen")
    kw = dict(calls[0])
    assert "latents" not in kw  # the noise is the generator's
    assert kw["generator"].initial_seed() == 42
    pipe = diffusers.WanPipeline.from_pretrained(wan_dir)
    kw.update(generator=torch.Generator().manual_seed(42), output_type="np", callback_on_step_end=None)
    out = orig(pipe, **kw).frames[0]
    assert out.std() > 0.01 and np.array_equal(clip.frames, out)
