"""LoRAs on Wan 2.2 A14B's two experts: Video LoRA's 'expert' setting puts a LoRA on the high-noise
expert, the low-noise one or both; 'auto' reads the expert from the file's name (ComfyUI's Wan 2.2
LoRAs come in ``..._high_noise`` / ``..._low_noise`` pairs), else both. The frames equal diffusers'
own Wan loader called directly (``load_lora_weights``, ``load_into_transformer_2`` for the second
expert), and nothing stays on either expert after the run."""
from __future__ import annotations

import pytest
import torch

from nodes.video_models.loading.load import load_video_model
from nodes.video_models.loading.loras import lora_role, loras_applied

from . import tiny_parts as tp
from .file_formats import wan_lora

pytest.importorskip("diffusers")
CPU = torch.device("cpu")


@pytest.fixture(scope="session")
def a14b(tiny):
    return tiny("wan22-a14b")


@pytest.fixture(scope="module")
def model(a14b):
    return tp.fresh(load_video_model(a14b, base=None, device=CPU, dtype_name="fp32"))


def _lora(path, den, seed: int) -> str:
    """A ComfyUI-format LoRA on every attention projection of ``den``, random and large enough to change
    the frames."""
    return wan_lora(path, den, seed, scale=0.3)


@pytest.fixture(scope="module")
def loras(model, tmp_path_factory):
    d = tmp_path_factory.mktemp("loras")
    return {"high": _lora(str(d / "wan2.2_t2v_style_high_noise.safetensors"), model.module.transformer, 1),
            "low": _lora(str(d / "Wan2.2-Style-A14B-lora_LOW_fp16.safetensors"), model.module.transformer_2, 2),
            "plain": _lora(str(d / "style.safetensors"), model.module.transformer, 3)}


def _frames(pipe):
    return pipe(prompt="a red fox", negative_prompt="blue", height=16, width=16, num_frames=5, num_inference_steps=2,
                guidance_scale=2.0, generator=torch.Generator().manual_seed(0), output_type="pt",
                max_sequence_length=32).frames


def _studio(model, *uses):
    ref, said = model, []
    for path, expert in uses:
        ref = ref.with_lora(path, 1.0, expert)
    pipe = ref.pipeline("t2v")
    with torch.no_grad(), loras_applied(ref, pipe, info=said.append):
        on = {c: sorted(getattr(getattr(pipe, c), "peft_config", {})) for c in ("transformer", "transformer_2")}
        frames = _frames(pipe)
    return frames, on, said


def _direct(model, *loads):
    """diffusers' Wan LoRA loader called directly: (path, into the second expert?) each."""
    pipe = model.pipeline("t2v")
    try:
        for i, (path, second) in enumerate(loads):
            pipe.load_lora_weights(path, adapter_name=f"d{i}", **({"load_into_transformer_2": True} if second else {}))
        with torch.no_grad():
            return _frames(pipe)
    finally:
        pipe.unload_lora_weights()


@pytest.mark.parametrize("name,want", [("wan2.2_t2v_lightx2v_4steps_lora_v1.1_high_noise.safetensors", "high"),
                                       ("Wan2.2-Lightning_T2V-A14B-4steps-lora_LOW_fp16.safetensors", "low"),
                                       ("high_noise_and_low_noise.safetensors", ""), ("highlights.safetensors", ""),
                                       ("wan21_style.safetensors", "")])
def test_the_expert_a_lora_file_name_says(name, want):
    assert lora_role(name) == want


def test_auto_puts_each_lora_on_the_expert_its_name_says_as_diffusers_does(model, loras):
    none = _frames(model.pipeline("t2v"))
    frames, on, said = _studio(model, (loras["high"], "auto"), (loras["low"], "auto"))
    assert len(on["transformer"]) == 1 and len(on["transformer_2"]) == 1 and on["transformer"] != on["transformer_2"]
    assert torch.equal(frames, _direct(model, (loras["high"], False), (loras["low"], True)))
    assert not torch.equal(frames, none)
    assert any("on the high-noise expert ('high' in its file name)" in s for s in said)
    assert any("on the low-noise expert ('low' in its file name)" in s for s in said)
    # nothing stays on the shared, cached model
    pipe = model.pipeline("t2v")
    assert not getattr(pipe.transformer, "peft_config", {}) and not getattr(pipe.transformer_2, "peft_config", {})
    assert torch.equal(_frames(pipe), none)


def test_a_lora_whose_name_says_no_expert_goes_on_both(model, loras):
    frames, on, said = _studio(model, (loras["plain"], "auto"))
    assert on["transformer"] == on["transformer_2"] and len(on["transformer"]) == 1
    assert torch.equal(frames, _direct(model, (loras["plain"], False), (loras["plain"], True)))
    assert any("on both experts (its file name names no expert" in s for s in said)


def test_the_expert_setting_overrides_the_name(model, loras):
    frames, on, said = _studio(model, (loras["high"], "low noise"))
    assert on["transformer"] == [] and len(on["transformer_2"]) == 1
    assert torch.equal(frames, _direct(model, (loras["high"], True)))
    assert any("on the low-noise expert (its 'expert' setting)" in s for s in said)


def test_an_expert_on_a_one_denoiser_model_is_said_and_the_lora_applied(tmp_path):
    folder = tp.build(str(tmp_path / "wan21"))
    ref = load_video_model(folder, base=None, device=CPU, dtype_name="fp32")
    path = _lora(str(tmp_path / "style_low_noise.safetensors"), ref.module.transformer, 4)
    ref2, said = ref.with_lora(path, 1.0, "low noise"), []
    pipe = ref2.pipeline("t2v")
    with torch.no_grad(), loras_applied(ref2, pipe, info=said.append):
        assert len(pipe.transformer.peft_config) == 1
    assert said == ["LoRA 'style_low_noise.safetensors': expert 'low noise' is for a two-expert model (Wan 2.2 A14B); "
                    "this one has one denoiser, which the LoRA goes on"]


def test_video_lora_expert_in_a_graph_renders_and_says_which_expert(a14b, loras):
    from studio.core.fileformat import graph_to_json, parse_graph_text
    from studio.engine.events import NodeMessage
    from studio.engine.executor import Executor

    g = tp.t2v_graph("a red fox", model=a14b)
    g.add_node("video_models.lora", {"lora": loras["plain"], "expert": "low noise"}, node_id="lora")
    g.disconnect("gen", "model")
    g.connect("load", "model", "lora", "model")
    g.connect("lora", "model", "gen", "model")
    assert g.validate() == []
    back = parse_graph_text(graph_to_json(g))  # the setting is saved with the graph
    assert back.nodes["lora"].params["expert"] == "low noise"
    said = []
    Executor().run(back, targets=["gen"], device="cpu", use_cache=False, on_event=said.append)
    notes = [(e.level, e.text) for e in said if isinstance(e, NodeMessage) and e.node_id == "gen"]
    assert ("info", "LoRA 'style.safetensors' on the low-noise expert (its 'expert' setting)") in notes, notes
