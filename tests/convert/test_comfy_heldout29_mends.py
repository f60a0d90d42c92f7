"""Mechanisms a twenty-ninth held-out set (benchmarks/results/heldout29_2026-11-29.md: any video workflow an artist
shares - WanVideoWrapper examples as copied into forks and services, LTX-2.3 packs' templates, API mocks) showed, each
on a small hand-written workflow."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_vace_module import _wire
from tests.convert.test_comfy_wrapper_embeds import _said
from tests.convert.test_comfy_wrappers import UI, _common, _nodes, _sampler, _save

LQ = "WanVideo\\FlashVSR\\Wan2_1_FlashVSR_LQ_proj_model_bf16.safetensors"


def test_a_wrapper_extra_model_is_not_called_a_vace_module():
    """saha18uiuc's FlashVSR example (12): "'WanVideoExtraModelSelect' (#113) adds the VACE module
    '...FlashVSR_LQ_proj_model_bf16.safetensors' ..." (false: WanVideoExtraModelSelect's 'extra_model' is any part the
    wrapper merges into its model; a select declaring its file 'vace_model' still names a VACE module)."""
    w = UI()
    model, text, vae = _common(w)
    sel = w.add("WanVideoExtraModelSelect", [LQ])
    _wire(w, sel, model, "extra_model")
    _save(w, _sampler(w, model, text, w.add("WanVideoEmptyEmbeds", [640, 352, 49])), vae)
    said = _said(convert(w.doc(), "extra.json"))
    assert f"(WanVideoExtraModelSelect, #{sel}) adds the extra model '{LQ}' to 'WanVideoModelLoader' (#{model})'s" \
        in said
    assert "VACE module '" not in said and "the module steers a VACE take" not in said
    assert "(Load Video Model merges a module for a Wan VACE take only)" in said
    assert _nodes(convert(w.doc(), "extra.json"), "video_models.load")[0].params["vace_module"] == ""
