"""The distilled Cosmos 3 as Cosmos 3's Draft (issue 72): a modular folder of diffusers' Cosmos3DistilledBlocks with
its fixed schedule (distilled_sigmas) is the Cosmos 3 distilled family; Image to Video at quality 'draft' runs its
recipe (its 4 steps, no guidance), said, and makes frame for frame what diffusers' modular pipeline called directly
with the same arguments makes (tiny random model, CPU, fp32, 32 x 32, 5 frames); Final at other steps is refused
in words before the call, as the pipeline refuses them, and so is a last image (its blocks take none)."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, said, spy_call

pytest.importorskip("diffusers")

PARAMS = {"width": 32, "height": 32, "frames": 5, "steps": 25, "guidance": 5.0, "prompt": "a red fox running",
          "previews": False, "preview_size": "off", "seed": 5}


def _still() -> np.ndarray:
    """A 32 x 32 still of whole bytes (the node's PIL image is this one exactly)."""
    return (np.random.RandomState(3).randint(0, 256, (32, 32, 3)) / 255.0).astype(np.float32)


STILL = source("test.cosmos3_distilled_still", "image", "Image", lambda p: _still())


def test_a_distilled_folder_is_its_family_and_listed_so_and_a_base_modular_one_refused(tiny, tmp_path):
    import json
    import os

    from nodes.video_models.base.capabilities import Drafts
    from nodes.video_models.base.errors import ModelError
    from nodes.video_models.base.registry import FAMILIES
    from nodes.video_models.catalog.listing import describe_folder
    from nodes.video_models.loading.load import load_video_model
    e = describe_folder(tiny("cosmos3-distilled"))
    assert (e.family, e.variant) == ("cosmos3_distilled", "Cosmos 3 distilled") and e.denoiser_params > 0
    assert "Cosmos 3 distilled family's draft" in FAMILIES["cosmos3"].why_without(Drafts)
    base = tiny.copy("cosmos3-distilled", str(tmp_path / "base-modular"))  # Cosmos 3's base blocks, no fixed schedule
    path = os.path.join(base, "modular_model_index.json")
    with open(path) as f:
        index = json.load(f)
    with open(path, "w") as f:
        json.dump(dict(index, _blocks_class_name="Cosmos3OmniBlocks", distilled_sigmas=None), f)
    with pytest.raises(ModelError, match=r"is Cosmos 3's modular pipeline \(Cosmos3OmniBlocks\) without a distilled "
                                         r"checkpoint's fixed schedule .*Studio reads the base Cosmos 3 from its "
                                         r"model_index.json"):
        load_video_model(base, base=None, device="cpu")


def test_draft_runs_its_fixed_schedule_and_is_the_modular_pipeline_called_directly(tiny, monkeypatch):
    import torch
    from diffusers import ModularPipeline
    from diffusers.modular_pipelines import Cosmos3OmniModularPipeline as C3
    from PIL import Image

    from nodes.video_models.families.cosmos.guardrail import safety_checker
    folder = tiny("cosmos3-distilled")
    calls, orig = spy_call(monkeypatch, C3, dict)
    ev = []
    final = model_graph(folder, "video_models.image_to_video", PARAMS, image=(STILL, "image"))
    with pytest.raises(Exception, match=r"Cosmos 3 distilled \(few steps\) is a distilled checkpoint: its schedule "
                                        r"is fixed at 4 steps .*not 25: set 'steps' to 4, or 'quality' to draft"):
        Executor().run(final, targets=["gen"], device="cpu", use_cache=False)
    last = model_graph(folder, "video_models.image_to_video", dict(PARAMS, quality="draft"), image=(STILL, "image"),
                       last_image=(STILL, "image"))
    with pytest.raises(Exception, match=r"Cosmos 3 distilled \(few steps\) takes no last image: leave 'last_image' "
                                        r"unconnected"):
        Executor().run(last, targets=["gen"], device="cpu", use_cache=False)
    assert calls == []  # both refused before the call
    g = model_graph(folder, "video_models.image_to_video", dict(PARAMS, quality="draft", negative_prompt="static"),
                    image=(STILL, "image"))
    r = Executor().run(g, targets=["gen", "load"], device="cpu", use_cache=False, on_event=ev.append)
    clip, msgs = r.value("gen"), said(ev, "gen")
    assert (r.value("load").fam.key, clip.n_frames, clip.width, clip.height, clip.audio) == \
        ("cosmos3_distilled", 5, 32, 32, None)
    assert any(m.startswith("draft: Cosmos 3 distilled (its fixed 4-step schedule, guidance baked in) "
                            "('cosmos3-distilled' is the distilled model): 4 steps, cfg 1.0") for m in msgs), msgs
    assert any("takes no negative prompt" in m for m in msgs) and not any("'guidance' is not used" in m for m in msgs)
    kw = dict(calls[0])
    assert (kw["num_inference_steps"], kw["fps"], len(calls)) == (4, 24.0, 1) and "guidance_scale" not in kw
    still = Image.fromarray(np.round(_still() * 255).astype(np.uint8))
    assert np.array_equal(np.asarray(kw.pop("image")), np.asarray(still))
    seed = kw.pop("generator").initial_seed()
    pipe = ModularPipeline.from_pretrained(folder)
    pipe.load_components(dtype=torch.float32)
    pipe.enable_safety_checker(safety_checker())
    want = orig(pipe, **kw, image=still, generator=torch.Generator().manual_seed(seed)).get("videos")
    assert clip.frames.std() > 0.01 and np.array_equal(clip.frames, np.clip(np.asarray(want, np.float32), 0, 1))
