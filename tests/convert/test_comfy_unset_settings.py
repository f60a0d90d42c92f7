"""An API file whose nodes lack settings their packs require (as the catalogue read them) is said once, naming each
node, what it lacks and the pack@commit (reading/unset_settings.py); a file giving every required setting, a disabled
node and a UI file are not told."""
from studio.convert.mapping.convert import convert


def _api(save_inputs: dict) -> dict:
    return {"1": {"class_type": "LoadImage", "inputs": {"image": "a.png"}},
            "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], **save_inputs}}}


def test_a_required_setting_left_out_is_said_with_its_node_and_pack():
    conv = convert(_api({}), "short")
    lines = [l for l in conv.log if "settings their packs require" in l]
    assert len(lines) == 1
    assert "#2" in lines[0] and "'filename_prefix'" in lines[0] and "Comfy-Org/ComfyUI@" in lines[0]
    assert "refuses the file as saved" in lines[0]


def test_a_file_giving_every_required_setting_is_not_told():
    conv = convert(_api({"filename_prefix": "out"}), "whole")
    assert not [l for l in conv.log if "settings their packs require" in l]
