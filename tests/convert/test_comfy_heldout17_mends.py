"""Mechanisms a seventeenth held-out set (benchmarks/results/heldout17_2026-11-29.md: LTX-2 / LTX-2.3 workflows from
small repositories, RunPod workers and app files) showed, each on a small hand-written workflow: an API file with an
object of notes beside its nodes refused."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_outputs import _notes


def _said(conv) -> str:
    return "\n".join(conv.log) + "\n" + _notes(conv)


def _ltx2_t2v() -> dict:
    """An API file: LTX-2.3 text to video in one pass (checkpoint, Gemma encoder, empty latents, a sampler, a save)."""
    return {
        "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "ltx-2.3-22b-dev-fp8.safetensors"}},
        "2": {"class_type": "LTXAVTextEncoderLoader", "inputs": {"text_encoder": "gemma_3_12B_it.safetensors",
                                                                "ckpt_name": "ltx-2.3-22b-dev-fp8.safetensors",
                                                                "device": "default"}},
        "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "a red fox in snow", "clip": ["2", 0]}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "5": {"class_type": "LTXVConditioning", "inputs": {"positive": ["3", 0], "negative": ["4", 0],
                                                           "frame_rate": 24}},
        "6": {"class_type": "EmptyLTXVLatentVideo", "inputs": {"width": 768, "height": 512, "length": 97,
                                                               "batch_size": 1}},
        "7": {"class_type": "KSampler", "inputs": {"seed": 5, "steps": 20, "cfg": 3.0, "sampler_name": "euler",
                                                   "scheduler": "simple", "denoise": 1.0, "model": ["1", 0],
                                                   "positive": ["5", 0], "negative": ["5", 1],
                                                   "latent_image": ["6", 0]}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["7", 0], "vae": ["1", 2]}},
        "9": {"class_type": "CreateVideo", "inputs": {"images": ["8", 0], "fps": 24}},
        "10": {"class_type": "SaveVideo", "inputs": {"video": ["9", 0], "filename_prefix": "fox", "format": "auto",
                                                     "codec": "auto"}},
    }


def test_an_api_file_with_an_object_of_notes_beside_its_nodes_is_read():
    """koala-penguin's API files hold '_readme': {title, structure, patch_points} beside their nodes: refused as 'not
    a ComfyUI workflow' (heldout17 05, 06). Its nodes are read; the entry is said skipped, as a text comment is; a
    number under '_' still is no workflow, nor an entry that is a node (class_type) under '_'."""
    wf = _ltx2_t2v()
    wf["_readme"] = {"title": "LTX-2.3 text to video", "patch_points": {"3.inputs.text": "the prompt"}}
    conv = convert(wf, "readme.json")
    assert any(n.type_id.startswith("video_models.ltx2") for n in conv.graph.nodes.values())
    assert ("the file holds 1 entry beside its nodes ('_readme'), notes to its reader: not nodes, skipped"
            in _said(conv))
    from studio.convert.reading.workflow import is_workflow
    assert is_workflow({"_readme": {"title": "x"}}) is None and is_workflow({"_c": 1, **_ltx2_t2v()}) is None
    assert is_workflow({"_n": {"class_type": "KSampler", "inputs": {}}}) == "api"
