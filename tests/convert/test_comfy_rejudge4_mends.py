"""Three false sentences the catalogue's new packs brought on the merged main, found by re-reading held-out sets 30-34
(benchmarks/results/heldout30-34_final_2026-11-29.md), each mended by the types the catalogue declares."""
from __future__ import annotations

from types import SimpleNamespace

from studio.convert import catalogue
from studio.convert.mapping.convert import convert
from studio.convert.reading import folders
from studio.convert.reading.by_types import widget_names_of
from tests.convert.workflow_shapes import wan_i2v_api


def test_a_variant_is_read_as_the_base_whose_inputs_it_has_all_of():
    """30/02: NIN-I2V-Maker's motion image to video shares 9 inputs with both WanImageToVideo and
    WanFunInpaintToVideo and has no 'end_image': it was read as the latter, "whose inputs and outputs it has"."""
    wf = wan_i2v_api(["21", 0], **{
        "21": {"class_type": "LoadImage", "inputs": {"image": "heron.png"}},
        "6": {"class_type": "NINI2VWanMotionI2V", "inputs": {
            "positive": ["4", 0], "negative": ["5", 0], "vae": ["3", 0], "start_image": ["21", 0], "width": 832,
            "height": 480, "length": 33, "batch_size": 1, "motion_amplitude": 1.15, "noise_strength": 0.0}}})
    said = "\n".join(convert(wf, "nin.json").log)
    assert "(NINI2VWanMotionI2V, #6) is read as WanImageToVideo" in said, said
    assert "WanFunInpaintToVideo" not in said


def test_a_reading_whose_count_fits_but_puts_a_word_on_a_switch_is_not_taken():
    """33/15: ResizeImage_F2 saves 10 values for 8 widgets (its upload button's 'image' and a trailing ''): the
    reading counting a control value after its seed gave 'stop' the word 'image' (said "stop image: not applied")."""
    t = catalogue.node_type("ResizeImage_F2")
    named = widget_names_of(t, ["start.jpg", "longest", 100, 1, 0, 0.015, 1234, False, "image", ""])
    assert named["stop"] is False and named["noise_seed"] == 1234 and named["image"] == "start.jpg"
    # a hand-written file's True in a seed's control place still reads by count (no other reading fits it)
    ks = widget_names_of(catalogue.node_type("KSampler"), [987654321, True, 8, 3.5, "euler", "normal", 0.0])
    assert ks["steps"] == 8 and ks["cfg"] == 3.5


def test_a_folder_loader_with_no_folder_or_switched_off_is_not_a_folder_of_pictures():
    """31/07: JoyLTX's folder loaders saved ['(none)', false] (the pack loads nothing then) were made as Load Image
    Sequence nodes of a folder '(none)', their 'enabled' False said nowhere."""
    def node(folder, enabled):
        return SimpleNamespace(cls="JoyLTX_ImageFolder", widgets={"folder": folder, "enabled": enabled}, links={},
                               origin=None)
    for folder, enabled in (("(none)", True), ("shots", False), ("(none)", False)):
        n = node(folder, enabled)
        assert not folders.as_folder(n) and n.cls == "JoyLTX_ImageFolder", (folder, enabled)
    n = node("shots", True)
    assert folders.as_folder(n) and n.widgets["directory"] == "shots"


def test_a_twin_whose_inputs_are_named_otherwise_is_said_so():
    """31/06: JoyLTX's model loader, read as ComfyUI's UNETLoader, was said to declare its inputs "too" while it
    names its file 'model_name', not 'unet_name': the names it uses are said."""
    wf = wan_i2v_api(["21", 0], **{
        "21": {"class_type": "LoadImage", "inputs": {"image": "heron.png"}},
        "1": {"class_type": "JoyLTX_LoadModel", "inputs": {"model_name": "wan2.1_i2v_480p_14B_fp16.safetensors",
                                                           "weight_dtype": "default"}}})
    said = "\n".join(convert(wf, "twin.json").log)
    assert "(JoyLTX_LoadModel, #1) is read as ComfyUI's UNETLoader, whose inputs it declares too (under its own " \
           "names: its 'model_name' as 'unet_name')" in said, said
