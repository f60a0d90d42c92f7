"""Mechanisms a thirty-fifth held-out set (benchmarks/results/heldout35_2026-11-30.md: LTX-2 / LTX-2.3 workflows
from small repositories, owners a-e) showed, each on a small hand-written workflow."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wrapper_embeds import _said
from tests.convert.workflow_shapes import wan_i2v_api


def test_an_unrun_node_feeding_an_unrun_node_and_a_switch_input_not_passed_on_names_both():
    """aster-king's 'ULTRA' LTX-2 layout (12): a TrimAudioDuration feeds, through Set/Get, both an unrun separator
    and a Crystools switch's 'on_true' the switch does not pass on as saved; it was said to feed "only" the
    separator ("it feeds only 'MelBandRoFormerSampler' (#743:588)'s 'audio', which reach no output either"): false,
    it feeds the switch too."""
    doc = wan_i2v_api(["20", 0], **{
        "20": {"class_type": "LoadImage", "inputs": {"image": "heron.png"}},
        "50": {"class_type": "LoadAudio", "inputs": {"audio": "voice.wav"}},
        "51": {"class_type": "TrimAudioDuration", "inputs": {"audio": ["50", 0], "start_index": 0, "duration": 9}},
        "52": {"class_type": "LoadAudio", "inputs": {"audio": "other.wav"}},
        "53": {"class_type": "PrimitiveBoolean", "inputs": {"value": False}},
        "54": {"class_type": "Switch any [Crystools]", "inputs": {"on_true": ["51", 0], "on_false": ["52", 0],
                                                                  "boolean": ["53", 0]}},
        "55": {"class_type": "SaveAudio", "inputs": {"audio": ["54", 0], "filename_prefix": "sound"}},
        "56": {"class_type": "TrimAudioDuration", "inputs": {"audio": ["51", 0], "start_index": 1, "duration": 2}}})
    said = _said(convert(doc, "switch.json"))
    line = next(s for s in said.split("\n") if "(TrimAudioDuration, #51) reaches no output" in s)
    assert "(#56)'s 'audio'" in line and "(Switch any [Crystools], #54)'s 'on_true', a switch's input not passed " \
                                          "on" in line, line
