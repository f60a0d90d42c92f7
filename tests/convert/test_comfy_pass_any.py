"""Nodes passing anything on read by their declared types (studio/convert/reading/pass_any.py): Impact's execution
order controller by position, KJNodes' VRAM_Debug by its one '*' socket, ControlAltAI's TwoWaySwitch (types as the
UI file saves them) by its choice fixed in the file; followed by the model's walk and the loader walk. And LTX-2's
own sound encoded again (families/ltx2/comfy_own_sound.py) not taken for a sound of the workflow's."""
from __future__ import annotations

from types import SimpleNamespace

from nodes.video_models.families.ltx2.comfy_own_sound import own_sound
from studio.convert.reading.pass_any import any_through
from studio.convert.reading.workflow import Workflow
from studio.convert.tracing.prompts import walk
from studio.convert.tracing.walks import find_loader


def _wf(nodes: dict) -> Workflow:
    return Workflow.read({k: {"class_type": c, "inputs": i} for k, (c, i) in nodes.items()})


def _switch(wf: Workflow, nid: str) -> None:
    """TwoWaySwitch's types as its UI file saves them (as ControlAltAI-Nodes declares them)."""
    n = wf.nodes[nid]
    n.in_types, n.out_types = {"input_1": "*", "input_2": "*", "selection_setting": "INT"}, ["*"]


def test_a_switch_passes_the_input_its_fixed_choice_names_and_the_model_walk_follows_it():
    wf = _wf({"1": ("UNETLoader", {"unet_name": "a.safetensors"}), "2": ("UNETLoader", {"unet_name": "b.safetensors"}),
              "3": ("TwoWaySwitch", {"selection_setting": 2, "input_1": ["1", 0], "input_2": ["2", 0]}),
              "4": ("CFGGuider", {"model": ["3", 0]})})
    assert any_through(wf, wf.nodes["3"]) == "input_2"  # catalogued now (gseth/ControlAltAI-Nodes): its types
    odd = _wf({"1": ("UNETLoader", {"unet_name": "a.safetensors"}),
               "3": ("SomeoneTwoWaySwitch", {"selection_setting": 1, "input_1": ["1", 0]})})
    assert any_through(odd, odd.nodes["3"]) is None  # a type no pack declares, in an API file: no types, not guessed
    _switch(wf, "3")
    assert any_through(wf, wf.nodes["3"]) == "input_2"
    passed: set = set()
    found = walk(wf, wf.nodes["4"], ("model",), lambda x: x.cls == "UNETLoader", passed)
    assert found is wf.nodes["2"] and passed == {"3", "4"}
    wf.nodes["3"].widgets["selection_setting"] = 1
    assert walk(wf, wf.nodes["4"], ("model",), lambda x: x.cls == "UNETLoader", set()) is wf.nodes["1"]
    del wf.nodes["3"].links["input_1"]  # the chosen input not wired: ComfyUI gives nothing, the other is not guessed
    assert any_through(wf, wf.nodes["3"]) is None
    wf.nodes["3"].widgets["selection_setting"] = 3  # no such input
    wf.nodes["3"].links["input_1"] = ("1", 0)
    assert any_through(wf, wf.nodes["3"]) is None


def test_catalogued_pass_anything_nodes_by_their_declared_types():
    wf = _wf({"1": ("LoadImage", {"image": "a.png"}), "2": ("CLIPTextEncode", {"text": "x"}),
              "3": ("ImpactExecutionOrderController", {"signal": ["1", 0], "value": ["2", 0]}),
              "4": ("VRAM_Debug", {"any_input": ["3", 1], "empty_cache": False, "gc_collect": True,
                                   "unload_all_models": False})})
    assert any_through(wf, wf.nodes["3"], 0) == "signal" and any_through(wf, wf.nodes["3"], 1) == "value"
    assert any_through(wf, wf.nodes["4"], 0) == "any_input"
    assert any_through(wf, wf.nodes["4"], 1) is None  # its IMAGE output: not what passes anything on
    pick = wf.nodes["3"]  # a node of one '*' socket with a number beside it may index what it gives: not passed on
    pick.cls, pick.links = "SomeIndexAnything", {"anything": ("1", 0)}
    pick.in_types, pick.out_types = {"anything": "*", "index": "INT"}, ["*"]
    assert any_through(wf, pick, 0) is None
    pick.in_types = {"anything": "*", "clean": "BOOLEAN"}
    assert any_through(wf, pick, 0) == "anything"


def test_the_loader_walk_goes_through_an_order_controller_without_counting_it_a_step():
    wf = _wf({"1": ("LoadVideo", {"file": "clip.mp4"}), "2": ("GetVideoComponents", {"video": ["1", 0]}),
              "3": ("LTXVConditioning", {"frame_rate": ["2", 2]}),
              "4": ("ImpactExecutionOrderController", {"signal": ["2", 0], "value": ["3", 0]}),
              "5": ("Canny", {"image": ["4", 0], "low_threshold": 0.4, "high_threshold": 0.8}),
              "6": ("LTXVAddGuide", {"image": ["5", 0], "positive": ["4", 1], "frame_idx": 0, "strength": 1})})
    loader, slot, via = find_loader(wf, wf.nodes["6"], "image", set())
    assert loader is wf.nodes["1"] and [n.id for n in via] == ["5"]


def _take(extra: dict) -> Workflow:
    return _wf({"1": ("SamplerCustomAdvanced", {}), "2": ("LTXVSeparateAVLatent", {"av_latent": ["1", 0]}),
                "3": ("LTXVAudioVAEDecode", {"samples": ["2", 1]}),
                "4": ("AudioAdjustVolume", {"audio": ["3", 0], "volume": 0}),
                "5": ("LTXVAudioVAEEncode", {"audio": ["4", 0]}), **extra})


def test_the_takes_own_sound_encoded_again_is_not_a_sound_of_the_workflows():
    wf = _take({})
    b, said = SimpleNamespace(wf=wf, used=set(), pass_key=frozenset({"1"})), []
    assert own_sound(b, wf.nodes["5"], said)
    assert b.used == {"3", "5"} and said == [
        "'LTXVAudioVAEEncode' (LTXVAudioVAEEncode, #5) encodes again the sound 'LTXVAudioVAEDecode' "
        "(LTXVAudioVAEDecode, #3) decodes from what 'SamplerCustomAdvanced' (SamplerCustomAdvanced, #1) made: the "
        "take's own sound, no sound of the workflow's; LTX-2 makes it with the picture ('sound: generated')"]
    b, said = SimpleNamespace(wf=wf, used=set(), pass_key=frozenset({"9"})), []
    assert not own_sound(b, wf.nodes["5"], said) and said == []  # another output's take: not this one's own sound
    wf = _take({"6": ("LoadAudio", {"audio": "voice.wav"}), "5": ("LTXVAudioVAEEncode", {"audio": ["6", 0]})})
    b = SimpleNamespace(wf=wf, used=set(), pass_key=frozenset({"1"}))
    assert not own_sound(b, wf.nodes["5"], said) and said == [] and b.used == set()
