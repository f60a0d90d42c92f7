"""minor25: small truths rejudge25 found (benchmarks/results/rejudge25_2026-12-01.md, 'Loose'): the values a settings
node holds named as that node's, not its sampler's."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said
from tests.convert.test_comfy_left25 import _t2v


def test_framepack_f1_t2v_guidance_shift_and_memory_are_said_as_the_sampler_settings_nodes():
    """heldout114 04: FramePackF1T2VSamplerSettings (#18) holds the guidance 7, shift 3 and gpu_memory_preservation 6
    its sampler (#20) takes through 'sampler_settings': each sentence names #18."""
    text = said(convert(_t2v("a red fox running in the snow", 12), "t2v"))
    held = "'FramePackF1T2VSamplerSettings' (FramePackF1T2VSamplerSettings, #18)"
    assert f"{held} 7: the generator's guidance" in text
    assert "shift 3 (FramePackF1T2VSamplerSettings's own, #18)" in text
    assert f"{held}'s gpu_memory_preservation 6 (GB kept free) is not applied" in text
    assert "(FramePackF1T2VSampler, #20) 7" not in text and "FramePackF1T2VSampler's own, #20" not in text
    assert "(FramePackF1T2VSampler, #20)'s gpu_memory" not in text


def test_framepack_f1_t2v_without_a_settings_node_names_its_sampler():
    """No sampler settings node: the sampler's own guidance 10 is said as the sampler's (#20)."""
    text = said(convert(_t2v("a cat", 5, settings=False), "bare"))
    assert "'FramePackF1T2VSampler' (FramePackF1T2VSampler, #20) 10: the generator's guidance" in text
    assert "#18" not in text
