"""Sentences that name what the workflow's node declares, said once, and nothing read left unsaid: an input of a node
read as another named as its own node declares it (the catalogue's inputs), one LoRA's sentence once, a model patch
on a held output said in the Log."""
from __future__ import annotations

from studio.convert.catalogue import node_type
from studio.convert.reading.workflow import CNode
from studio.convert.tracing import resizes


def test_a_read_as_nodes_input_is_named_as_its_node_declares_it():
    ctrl = CNode("23", "WanFunControlToVideo", origin="WanVideoControlEmbeds", ports={"control_video": "latents"})
    scale = CNode("5", "ImageScale")
    said = resizes.said(scale, {"width": 832, "height": 480}, "control_video", ctrl)
    declared = {i.name for i in node_type("WanVideoControlEmbeds").inputs}
    assert "latents" in declared and "control_video" not in declared
    assert said.startswith("'latents' of 'WanVideoControlEmbeds' is scaled to 832x480"), said
    assert "control_video" not in said
    # an input not renamed: the node named as the workflow has it, not the type it is read as
    plain = CNode("7", "WanFunControlToVideo", origin="WanVideoControlEmbeds")
    assert plain.of("positive") == "'positive' of 'WanVideoControlEmbeds'"


def _held_triple(saves: int = 1) -> dict:
    """Wan 2.2 sampled by an invented three-stage pack sampler, a LoRA on its middle stage's model only, its latent
    made by a node no pack declares (the output held), saved ``saves`` times."""
    from tests.convert.test_comfy_sets45_mends import WAN22
    nodes = {**WAN22, "11": ("LoraLoaderModelOnly", {"model": ["1", 0], "lora_name": "lightx2v_high.safetensors",
                                                     "strength_model": 1.0}),
             "7": ("MysteryLatentMaker", {"image": ["12", 0], "width": 832}), "12": ("LoadImage", {"image": "a.png"}),
             "8": ("OmegaTripleStager", {"base": ["1", 0], "fast_high": ["11", 0], "fast_low": ["2", 0],
                                         "positive": ["5", 0], "negative": ["6", 0], "latent": ["7", 0], "seed": 3,
                                         "steps": 6, "sampler_name": "euler", "scheduler": "beta"})}
    for k in range(1, saves):
        nodes[f"4{k}"] = ("SaveWEBM", {"images": ["9", 0], "filename_prefix": f"again{k}", "codec": "vp9",
                                       "fps": 16.0, "crf": 32})
    return {k: {"class_type": c, "inputs": i} for k, (c, i) in nodes.items()}


def test_a_lora_on_a_later_stage_of_a_held_output_is_said_once():
    from studio.convert.mapping.convert import convert
    for saves in (1, 2):
        conv = convert(_held_triple(saves), "triple.json")
        assert conv.tasks and not any(t["generator"] for t in conv.tasks), conv.tasks
        lines = [x for x in conv.log if "LoRA 'lightx2v_high.safetensors'" in x]
        assert len(lines) == 1, conv.log
        assert "on 'OmegaTripleStager' (#8) only: not applied" in lines[0] and "held with no generator" in lines[0]


def test_a_model_patch_and_a_lora_on_a_held_outputs_model_are_said_in_the_log():
    from studio.convert.mapping.convert import convert
    from tests.convert.test_comfy_patch_inputs import _wan_through_basic_pipe
    api = _wan_through_basic_pipe()
    api["9"] = {"class_type": "MysteryLatentMaker", "inputs": {"image": ["12", 0], "width": 832}}
    api["12"] = {"class_type": "LoadImage", "inputs": {"image": "a.png"}}
    api["40"] = {"class_type": "LoraLoaderModelOnly", "inputs": {"model": ["1", 0], "lora_name": "heron.safetensors",
                                                                 "strength_model": 0.8}}
    api["30"]["inputs"]["model"] = ["40", 0]
    conv = convert(api, "nag")
    assert conv.tasks and not any(t["generator"] for t in conv.tasks), conv.tasks
    log = "\n".join(conv.log)
    assert ("'AcmeNegGuide' (AcmeNegGuide, #30: a model patch) between the model loader and 'KSampler' (#13) is not "
            "applied") in log and "(the task is held with no generator)" in log, log
    assert "LoRA 'heron.safetensors' (strength 0.8) loaded by 'LoraLoaderModelOnly' (LoraLoaderModelOnly, #40) on " \
           "the model of the held task: not applied" in log, log
    for nid in ("30", "40"):  # each said somewhere (the Log), none dropped unsaid
        assert nid not in conv.dropped and f"#{nid}" in log
