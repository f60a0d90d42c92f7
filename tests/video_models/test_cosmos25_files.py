"""A Cosmos Predict2.5 transformer saved alone in diffusers' names (issue 72): told Predict2.5 by the tensors
Predict2 has not (the projection of Qwen2.5-VL's states, 'crossattn_proj'; Transfer2.5's image context,
'img_context_proj'), so it loads with its Predict2.5 base folder, where it was told Predict2 and refused; the same
blocks without them (a Predict2 file) are refused against that base in words before anything is loaded."""
from __future__ import annotations

import os

import pytest

from studio.core.errors import StudioError
from studio.core.graph import Graph
from studio.engine.executor import Executor

pytest.importorskip("diffusers")


def _load(model: str, base: str):
    g = Graph()
    g.add_node("video_models.load", {"model": model, "base": base}, node_id="load")
    return Executor().run(g, targets=["load"], device="cpu", use_cache=False).value("load")


def test_a_predict25_transformer_file_loads_with_its_base_and_a_predict2_one_is_refused(tiny, tmp_path):
    from safetensors.torch import load_file, save_file

    from nodes.video_models.base.recognise import Tensors
    from nodes.video_models.families.cosmos.recognise import recognise
    base = tiny("cosmos25")
    state = load_file(os.path.join(base, "transformer", "diffusion_pytorch_model.safetensors"))
    assert "crossattn_proj.0.weight" in state  # as every released Predict2.5 transformer has it
    one = str(tmp_path / "cosmos_predict25_transformer.safetensors")
    save_file(state, one)
    ref = _load(one, base)
    assert (ref.fam.key, ref.variant.split(" (")[0]) == ("cosmos25", "Cosmos Predict2.5")
    shapes = {k: tuple(v.shape) for k, v in state.items() if not k.startswith("crossattn_proj.")}
    assert recognise(Tensors(shapes)).family == "cosmos2"  # Predict2's blocks alone
    transfer = {**shapes, "img_context_proj.0.weight": (2048, 1152), "learnable_pos_embed.pos_emb_t": (128, 32)}
    assert recognise(Tensors(transfer)).family == "cosmos25"  # Transfer2.5's image context, not Cosmos 1.0's
    save_file({k: v for k, v in state.items() if not k.startswith("crossattn_proj.")},
              str(tmp_path / "cosmos_predict2_transformer.safetensors"))
    with pytest.raises(StudioError, match="is a Cosmos Predict2 file but the base .* is a Cosmos Predict2.5 model"):
        _load(str(tmp_path / "cosmos_predict2_transformer.safetensors"), base)
