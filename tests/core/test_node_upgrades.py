"""Issue 75: LTX-2 has one sound input. A graph saved when it had two ('audio' and a reference 'voice')
still loads: the voice wired into 'audio' with 'sound: voice', said once; saved back as node version 2."""
from __future__ import annotations

import copy
import json

import pytest

from studio.core.fileformat import graph_from_dict, graph_to_dict


def old_doc(sound: str, ports: tuple[str, ...]) -> dict:
    """A version-1 file: Load Audio nodes wired into the named LTX-2 inputs."""
    nodes = [{"id": "gen", "type": "video_models.ltx2", "params": {"sound": sound, "steps": 2}}]
    links = []
    for port in ports:
        nodes.append({"id": port + "_file", "type": "io.load_audio", "params": {"path": port + ".wav"}})
        links.append({"from": [port + "_file", "audio"], "to": ["gen", port]})
    return {"format": "studio-graph", "version": 1, "nodes": nodes, "links": links}


def wired(g, port):
    link = g.input_link("gen", port)
    return link[0] if link else None


def test_an_old_voice_input_is_the_one_sound_input_with_sound_voice_said_once():
    doc = old_doc("generated", ("voice",))
    kept = copy.deepcopy(doc)
    g = graph_from_dict(doc)
    assert doc == kept  # the caller's dict is left as it was
    assert wired(g, "audio") == "voice_file" and g.nodes["gen"].params["sound"] == "voice"
    assert g.nodes["gen"].params["steps"] == 2
    assert g.upgraded == ["node 'LTX-2 Video + Sound' (gen), saved by an older Studio: its reference voice now "
                          "comes in on 'audio' with 'sound: voice' (LTX-2 has one sound input)"]
    assert g.warnings() == g.upgraded
    saved = graph_to_dict(g)
    assert next(n for n in saved["nodes"] if n["id"] == "gen")["node_version"] == 2
    again = graph_from_dict(saved)  # read back: nothing to upgrade, nothing said
    assert again.upgraded == [] and wired(again, "audio") == "voice_file"
    assert again.nodes["gen"].params["sound"] == "voice"


@pytest.mark.parametrize("sound, kept, said", [
    ("generated", "voice_file", "the track on 'audio', which 'sound: generated' did not use, is disconnected"),
    ("drive", "audio_file", "the reference voice on 'voice' is disconnected"),
])
def test_both_old_sound_inputs_keep_the_one_the_old_node_used(sound, kept, said):
    g = graph_from_dict(old_doc(sound, ("audio", "voice")))
    assert wired(g, "audio") == kept and len(g.links) == 1
    assert g.nodes["gen"].params["sound"] == ("voice" if sound == "generated" else sound)
    assert said in g.upgraded[0]


def test_an_old_file_without_a_voice_loads_as_it_was_and_says_nothing():
    g = graph_from_dict(old_doc("drive", ("audio",)))
    assert wired(g, "audio") == "audio_file" and g.nodes["gen"].params["sound"] == "drive" and g.upgraded == []


def camera_doc(poses: list[dict], preset: str = "Custom") -> dict:
    """A version-1 file (before 'interpolation'): one Camera Path."""
    return {"format": "studio-graph", "version": 1, "links": [],
            "nodes": [{"id": "cam", "type": "motion.camera_path", "params": {"preset": preset, "poses": json.dumps(poses)}}]}


THREE_KEYS = [{"frame": 0, "position": [0, 0, 0]}, {"frame": 40, "position": [1, 0, 0]},
              {"frame": 80, "position": [1, 0, 2]}]


def test_an_old_custom_camera_path_of_three_keys_stays_straight_between_them_said_once():
    g = graph_from_dict(camera_doc(THREE_KEYS))
    assert g.nodes["cam"].params["interpolation"] == "linear"
    assert len(g.upgraded) == 1 and "straight lines between its keys" in g.upgraded[0]
    again = graph_from_dict(graph_to_dict(g))
    assert again.upgraded == [] and again.nodes["cam"].params["interpolation"] == "linear"


@pytest.mark.parametrize("poses, preset", [(THREE_KEYS[:2], "Custom"), (THREE_KEYS, "Orbit CW")])
def test_an_old_camera_path_that_curving_would_not_change_loads_as_it_was(poses, preset):
    g = graph_from_dict(camera_doc(poses, preset))
    assert g.upgraded == [] and g.nodes["cam"].params["interpolation"] == "smooth"
