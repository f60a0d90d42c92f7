"""False sentences the sets 25-29 showed when re-read on the merged main (benchmarks/results/
heldout25-29_final_2026-11-29.md), each on a small workflow."""
from studio.convert.mapping.unknown_types import clause
from studio.convert.reading import undeclared, unset_settings
from studio.convert.reading.workflow import Workflow


def test_an_input_the_catalogue_could_not_name_is_never_said_unset():
    # 29/01: vrgamedevgirl's LoRA node builds its inputs in a loop, read as one input 'unknown'; the file gives them
    wf = Workflow.read({"1": {"class_type": "VRGDG_OptionalMultiLoraTwoPassStrengths", "inputs": {
        "use_custom_loras": True, "lora_count": 2, "lora_1": "a.safetensors", "strength_1": 1.0}}})
    assert unset_settings.unset(wf.nodes["1"]) == []


def test_a_v3_group_given_by_its_parts_is_not_said_unconnected():
    # 25/06: ComfyMathExpression given 'values.a' (V3's own form of its 'values') was said "nor its required 'values'
    # (connected to nothing)"; its missing 'expression' is still said
    wf = Workflow.read({"1": {"class_type": "PrimitiveInt", "inputs": {"value": 3}},
                        "2": {"class_type": "ComfyMathExpression", "inputs": {"values.a": ["1", 0], "formula": "a*2"}}})
    said = undeclared.said(wf.nodes)
    assert len(said) == 1 and "'expression'" in said[0] and "connected to nothing" not in said[0]


def test_the_frontends_own_nodes_are_not_named_unknown():
    # 26/07: a MarkdownNote (a note Studio copies onto the canvas) was named among the types no pack declares
    wf = Workflow.read({"nodes": [
        {"id": 1, "type": "MarkdownNote", "mode": 0, "widgets_values": ["read me"], "inputs": [], "outputs": []},
        {"id": 2, "type": "CogVideoX_Sampler_NoSuchPack", "mode": 0, "widgets_values": [], "inputs": [], "outputs": []}],
        "links": []})
    words = clause(wf)
    assert "'CogVideoX_Sampler_NoSuchPack'" in words and "MarkdownNote" not in words
