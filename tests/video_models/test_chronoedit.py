"""ChronoEdit as a Studio family (issue 72): its folder loads through Load Video Model and is listed with its
family; the ChronoEdit Image Edit node makes, frame for frame, what ChronoEditPipeline called directly makes with
the same seed (a tiny random model, CPU), its picture the clip's last frame; with temporal reasoning too."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, spy_call

pytest.importorskip("diffusers")
PARAMS = {"prompt": "a red fox running", "negative_prompt": "static", "steps": 2, "seed": 3}


def _still() -> np.ndarray:
    return (np.random.RandomState(11).randint(0, 256, (32, 16, 3)) / 255.0).astype(np.float32)


STILL = source("test.chronoedit_still", "image", "Image", lambda p: _still())


@pytest.mark.parametrize("reasoning", [0, 1])
def test_chronoedit_is_its_pipeline_called_directly(tiny, monkeypatch, reasoning):
    import diffusers
    import torch
    from PIL import Image

    from nodes.video_models.catalog.listing import describe_folder
    folder = tiny("chronoedit")
    e = describe_folder(folder)
    assert (e.family, e.variant) == ("chronoedit", "ChronoEdit")
    calls, orig = spy_call(monkeypatch, diffusers.ChronoEditPipeline, dict)
    res = Executor().run(model_graph(folder, "video_models.chronoedit",
                                     dict(PARAMS, reasoning_steps=reasoning, reasoning_frames=9), image=(STILL, "image")),
                         targets=["gen"], device="cpu", use_cache=False)
    kw = calls[0]
    pipe = diffusers.ChronoEditPipeline.from_pretrained(folder)
    out = orig(pipe, image=Image.fromarray(np.round(_still() * 255).astype(np.uint8)), prompt="a red fox running",
               negative_prompt="static", height=32, width=16, num_frames=9 if reasoning else 5,
               num_inference_steps=2, guidance_scale=5.0, output_type="np",
               enable_temporal_reasoning=bool(reasoning), num_temporal_reasoning_steps=reasoning,
               generator=torch.Generator().manual_seed(kw["generator"].initial_seed())).frames[0]
    clip, picture = res.value("gen", "video"), res.value("gen", "image")
    assert (kw["height"], kw["width"]) == (32, 16)  # the picture's aspect, in multiples of 16
    assert np.isfinite(out).all() and np.array_equal(clip.frames, out) and np.array_equal(picture, out[-1])


def test_the_image_edit_kind_names_its_picture_the_picture_to_edit():
    """`main.py families` says what ChronoEdit takes: the picture to edit, not a start image (a first frame)."""
    from nodes.video_models.catalog.family_records import family_record
    from nodes.video_models.families.chronoedit.family import FAMILY
    assert family_record(FAMILY)["inputs"]["image_edit"] == ["image", "prompt"]


def _tiny_lora(folder: str, path) -> str:
    """A LoRA in diffusers' names on the tiny transformer's attention (random A and B, so it changes the frames)."""
    import torch
    from diffusers import ChronoEditTransformer3DModel
    from safetensors.torch import save_file
    t, g, sd = ChronoEditTransformer3DModel.from_pretrained(folder, subfolder="transformer"), \
        torch.Generator().manual_seed(5), {}
    for i in range(len(t.blocks)):
        for c in ("to_q", "to_k", "to_v", "to_out.0"):
            m = t.get_submodule(f"blocks.{i}.attn1.{c}")
            sd[f"transformer.blocks.{i}.attn1.{c}.lora_A.weight"] = torch.randn(2, m.in_features, generator=g)
            sd[f"transformer.blocks.{i}.attn1.{c}.lora_B.weight"] = torch.randn(m.out_features, 2, generator=g)
    save_file(sd, str(path))
    return str(path)


def test_draft_is_the_pipeline_with_the_distilled_lora_loaded_directly(tiny, monkeypatch, tmp_path):
    """Draft: the LoRA 'distill_lora' names on, 8 steps, guidance 1 and UniPC at flow shift 2 (diffusers' docs for
    the release's distilled LoRA): the frames diffusers' pipeline makes with that LoRA loaded and that scheduler;
    the cached model is left without the adapter."""
    import diffusers
    import torch
    from PIL import Image

    from nodes.video_models.families.chronoedit.draft import DISTILLED
    folder = tiny("chronoedit")
    lora = _tiny_lora(folder, tmp_path / "chronoedit_distill_lora.safetensors")
    calls, orig = spy_call(monkeypatch, diffusers.ChronoEditPipeline, dict)
    ex = Executor()
    res = ex.run(model_graph(folder, "video_models.chronoedit", dict(PARAMS, quality="draft", distill_lora=lora),
                             image=(STILL, "image")), targets=["gen"], device="cpu", use_cache=False)
    kw = calls[0]
    assert (kw["num_inference_steps"], kw["guidance_scale"]) == (8, 1.0) == (DISTILLED.steps, DISTILLED.cfg)
    pipe = diffusers.ChronoEditPipeline.from_pretrained(folder)
    pipe.load_lora_weights(lora)
    pipe.scheduler = diffusers.UniPCMultistepScheduler.from_config(pipe.scheduler.config, flow_shift=2.0)
    out = orig(pipe, image=Image.fromarray(np.round(_still() * 255).astype(np.uint8)), prompt="a red fox running",
               negative_prompt="static", height=32, width=16, num_frames=5, num_inference_steps=8, guidance_scale=1.0,
               output_type="np", enable_temporal_reasoning=False, num_temporal_reasoning_steps=0,
               generator=torch.Generator().manual_seed(kw["generator"].initial_seed())).frames[0]
    assert np.isfinite(out).all() and np.array_equal(res.value("gen", "video").frames, out)
    model = ex.run(model_graph(folder, "video_models.chronoedit", PARAMS), targets=["load"], device="cpu").value("load")
    assert not getattr(model.module.transformer, "peft_config", None)  # the adapter taken off after the call
    assert model.module.scheduler.config.flow_shift == 5.0  # and the model's own scheduler put back


def test_draft_without_the_distilled_lora_runs_final_and_says_so(tiny, loras):
    """Draft with no 'distill_lora' and none of the release's name in the models folders: the final settings run,
    said as information naming the file (as the other generators' Draft does where no distilled file is found);
    a 'distill_lora' named and missing is refused before the run; the release's file found by its name is used."""
    from nodes.video_models.families.chronoedit.draft import distill_lora
    from nodes.video_models.families.chronoedit.node import ChronoEditImageEdit as node
    g = model_graph(tiny("chronoedit"), "video_models.chronoedit", dict(PARAMS, quality="draft"), image=(STILL, "image"))
    said = []
    res = Executor().run(g, targets=["gen"], device="cpu", use_cache=False, on_event=said.append)
    notes = [e.text for e in said if getattr(e, "node_id", None) == "gen" and hasattr(e, "text")]
    assert any(n.startswith("draft: no distilled LoRA found for ChronoEdit") and n.endswith("the final settings run")
               for n in notes), notes
    assert any(n.startswith("edited at 16x32, 2 steps") for n in notes), notes  # the final settings ran
    assert res.value("gen", "video").frames.shape[0] == 5
    assert node.preflight({"quality": "draft", "distill_lora": ""}, None) == []
    assert node.preflight({"quality": "draft", "distill_lora": "missing.safetensors"}, None)  # named: must be there
    assert node.preflight({"quality": "final", "distill_lora": ""}, None) == []
    assert distill_lora("", None) is None
    (loras / "chronoedit_distill_lora.safetensors").write_bytes(b"")  # found by the release's name
    assert distill_lora("", None).endswith("chronoedit_distill_lora.safetensors")