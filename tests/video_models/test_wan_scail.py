"""Zhipu's SCAIL and SCAIL-2 denoisers (issue 57): Wan 2.1 14B I2V's blocks plus patch embeddings of
their own (pose; SCAIL-2 also a 28-channel mask). SCAIL-2 is read by its own family (families/wan_scail,
test_wan_scail2.py); SCAIL (SCAIL-Preview, no mask embedding) is the same family's second model
(test_wan_scail_preview.py), never taken for a Wan 2.1 14B I2V model (which its names and shapes otherwise pass
for); in diffusers' names both are told and refused with the reason; the ComfyUI templates that run SCAIL-2
convert to the SCAIL-2 node."""
from __future__ import annotations

import json
import os

import pytest

from nodes.video_models.base.errors import ModelError
from nodes.video_models.base.recognise import family_from_keys, recognise
from nodes.video_models.catalog.listing import describe_file
from nodes.video_models.files.weight_formats import check_single_file
from nodes.video_models.loading.checks import check_file

from . import layouts as L


def _scail(mask: bool, prefix: str = "model.diffusion_model.") -> dict:
    s = L.wan(5120, 20, 2, i2v=True)  # SCAIL's patch embedding takes 20 channels (16 + 4 mask), as its pose one
    s["patch_embedding_pose.weight"], s["patch_embedding_pose.bias"] = (5120, 20, 1, 2, 2), (5120,)
    if mask:
        s["patch_embedding_mask.weight"], s["patch_embedding_mask.bias"] = (5120, 28, 1, 2, 2), (5120,)
    return {prefix + k: v for k, v in s.items()}


def test_scail_preview_files_are_the_families_second_model(tmp_path):
    path = L.write(str(tmp_path / "wan2.1_14B_SCAIL_preview_fp16.safetensors"), _scail(False))
    e = describe_file(path)
    assert (e.kind, e.family, e.variant) == ("denoiser", "wan_scail", "Wan 2.1 SCAIL-Preview (width 5120, 2 blocks)")
    assert "not the released SCAIL-Preview 14B" in e.note


def test_scail_in_diffusers_names_is_told_and_refused_with_the_reason(tmp_path):
    shapes = {"scale_shift_table": (1, 2, 5120), "condition_embedder.time_proj.weight": (30720, 5120),
              "condition_embedder.image_embedder.ff.net.0.proj.weight": (1280, 1280),
              "patch_embedding.weight": (5120, 20, 1, 2, 2), "patch_embedding_pose.weight": (5120, 20, 1, 2, 2),
              "blocks.0.attn1.to_q.weight": (5120, 5120)}  # the names the Wan recogniser reads, diffusers' layout
    path = L.write(str(tmp_path / "scail_preview_diffusers.safetensors"), shapes)
    e = describe_file(path)
    assert (e.kind, e.family, e.variant) == ("denoiser", "", "Wan 2.1 SCAIL-Preview 14B")
    assert "in the original layout" in e.note
    for entry in (check_single_file, check_file):
        with pytest.raises(ModelError) as err:
            entry(path)
        assert "is the denoiser of Wan 2.1 SCAIL-Preview 14B; Studio cannot run it" in str(err.value)


def test_scail2_files_are_its_own_family():
    r = recognise(_scail(True))
    assert (r.kind, r.family) == ("denoiser", "wan_scail")


def test_scail_is_not_taken_for_wan_i2v_nor_wan_animate():
    assert family_from_keys(_scail(False, "")).key == "wan_scail"
    bundled = {**_scail(False, ""), "vae.decoder.conv1.weight": (4, 16, 3, 3, 3)}  # with a VAE: a checkpoint of it
    assert (recognise(bundled).family, recognise(bundled).variant) == ("wan_scail",
                                                                       "Wan 2.1 SCAIL-Preview (width 5120, 2 blocks)")
    plain = {"model.diffusion_model." + k: v for k, v in L.wan(5120, 36, 2, i2v=True).items()}
    r = recognise(plain, filename="wan2.1_i2v_480p_14B_fp16.safetensors")
    assert (r.family, r.variant) == ("wan", "Wan 2.1 14B I2V")  # the plain I2V file still is one
    animate = {**plain, "pose_patch_embedding.weight": (5120, 16, 1, 2, 2)}
    assert recognise(animate).variant == "Wan 2.2 Animate 14B"


def _first_segment_saved_last(doc: dict) -> dict:
    """The workflow with its first segment's Save Video numbered after every other node: the converter, which
    takes the outputs by number, meets the continued take before its first segment (as in workflows that
    artists number otherwise)."""
    first = next(n["id"] for n in doc["nodes"] if n["type"] == "SaveVideo" and "First" in (n.get("title") or ""))
    last = max(n["id"] for n in doc["nodes"]) + 1
    for n in doc["nodes"]:
        n["id"] = last if n["id"] == first else n["id"]
    for link in doc["links"]:
        link[1], link[3] = (last if link[1] == first else link[1]), (last if link[3] == first else link[3])
    return doc


@pytest.mark.parametrize("order", ["as saved", "first segment saved last"])
def test_the_scail2_templates_convert_to_the_scail2_node(order):
    templates = pytest.importorskip("comfyui_workflow_templates_json")
    from studio.convert.mapping.convert import convert
    folder = os.path.join(os.path.dirname(templates.__file__), "templates")
    for name in ("video_wan21_scail2_character_replacement", "video_wan21_scail2_character_replacement_int8"):
        with open(os.path.join(folder, name + ".json"), encoding="utf-8") as f:
            doc = json.load(f)
        conv = convert(doc if order == "as saved" else _first_segment_saved_last(doc), name)
        g = conv.graph
        scail = [n for n in g.nodes.values() if n.type_id == "video_models.scail2"]
        # one take of the whole driving video; the first segment's output is its first 81 frames (made once)
        assert [(n.params["mode"], n.params["frames"]) for n in scail] == [("replace", 0)], name
        assert all((n.params["steps"], n.params["guidance"]) == (6, 1.0) for n in scail)  # with the LoRAs, kept
        trim = [n for n in g.nodes.values() if n.type_id == "edit.time"]
        assert [(n.params["mode"], n.params["start"], n.params["length"]) for n in trim] == [("trim", 0, 81)], name
        assert g.input_link(trim[0].id, "video").src == scail[0].id
        saves = {g.input_link(n.id, "video").src for n in g.nodes.values() if n.type_id == "io.save_video"}
        assert saves == {scail[0].id, trim[0].id}, name
        assert len([n for n in g.nodes.values() if n.type_id == "video_models.load"]) == 1, name
        loras = sorted(n.params["lora"] for n in g.nodes.values() if n.type_id == "video_models.lora")
        assert loras == sorted(["lightx2v_I2V_14B_480p_cfg_step_distill_rank64_bf16.safetensors",
                                "wan2.1_SCAIL_2_DPO_lora_bf16.safetensors"]), name
        notes = "\n".join(n["text"] for n in g.ui.get("notes", []))
        assert "makes the whole driving video as one take, in segments of 81" in notes, name
        assert "the first 81 frames of the SCAIL-2 take, cut by a Time node (trim)" in notes, name
        assert conv.graph.validate() == [], name
