"""Sentences the converter writes name what the file holds (benchmarks/sentence_checks.py found each class on the
corpus and the held-out sets): a node named by an id the file gives it, never by an id made while reading a pack's
node as several of ComfyUI's ('<id>:guidance', '<id>:neg', '<id>:lora1', '<id>:sampler')."""
from __future__ import annotations

import json
import re

from studio.convert.mapping.convert import convert
from studio.convert.mapping.file_ids import file_id, said_ids
from tests.convert.test_comfy_framepack_wrapper import _workflow


def _texts(conv) -> list[str]:
    return list(conv.log) + [n["text"] for n in conv.graph.ui.get("notes", [])]


def test_a_pack_node_read_as_several_is_named_by_its_own_id():
    doc = _workflow()
    ids = {str(n["id"]) for n in doc["nodes"]}
    conv = convert(doc, "framepack")
    said = {m for t in _texts(conv) for m in re.findall(r"#([0-9](?:[0-9A-Za-z_:.]*[0-9A-Za-z_])?)", t)}
    assert said and said <= ids, said - ids  # (was: '#6:guidance', the sampler's guidance read as a node of its own)
    assert any("the generator's guidance" in t and re.search(r"\(FramePackSampler, #\d+\)", t) for t in _texts(conv))


def test_the_file_id_is_the_longest_part_that_is_a_node_of_the_file():
    read = frozenset({"5", "7", "246", "246:221", "1293:1164"})
    assert file_id("246:221:neg", read) == "246:221"  # (a subgraph's node: not its instance, '#246')
    assert file_id("1293:1164.guide5", read) == "1293:1164"
    assert file_id("5:lora1", read) == "5" and file_id("7", read) == "7" and file_id("x:y", read) == "x:y"
    made = {"5:lora1", "246:221:neg", "7"}
    assert said_ids("'S' (Stack, #5:lora1) and (#246:221:neg): node 5:lora1; #7, #246:221.", read, made) == \
        "'S' (Stack, #5) and (#246:221): node 5; #7, #246:221."


def test_an_input_of_a_pack_node_read_as_a_core_one_is_said_by_the_pack_nodes_name():
    from tests.convert.test_comfy_wrappers import UI, _common, _sampler, _save
    w = UI()
    model, text, vae = _common(w)
    clip = w.add("VHS_LoadVideo", {"video": "dance.mp4", "force_rate": 0, "frame_load_cap": 0})
    step = w.add("GetImageSizeAndCount", [], image=(clip, 0))
    enc = w.add("WanVideoEncode", [True, 272, 272, 144, 128, 0.0, 1.0], vae=(vae, 0), image=(step, 0))
    emb = w.add("WanVideoEmptyEmbeds", [832, 480, 81])
    _save(w, _sampler(w, model, text, emb, widgets=(30, 6.0, 5.0, 7, "fixed", True, "unipc", 0, 0.6),
                      samples=(enc, 0)), vae)
    said = [t for t in convert(w.doc(), "v2v").log if f"'WanVideoEncode' (#{enc})'s" in t]
    # WanVideoEncode, read as ComfyUI's VAEEncode, takes its pictures on 'image' (VAEEncode's is 'pixels')
    assert said and all(f"(#{enc})'s 'image'" in t and "'pixels'" not in t for t in said), said


def _kandinsky5() -> dict:
    # wildminder's Kandinsky 5 pack (API JSON): its encoder giving both prompts
    doc = {"1": {"class_type": "CLIPLoader", "inputs": {"clip_name": "clip_l.safetensors", "type": "stable_diffusion"}},
           "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "qwen_2.5_vl_7b.safetensors",
                                                        "type": "qwen_image"}},
           "3": {"class_type": "KandinskyV5_Loader", "inputs": {"variant": "pretrain_5s", "use_magcache": False}},
           "4": {"class_type": "EmptyKandinskyV5_Latent", "inputs": {"width": 768, "height": 512, "time_length": 5,
                                                                    "batch_size": 1}},
           "5": {"class_type": "KandinskyV5_TextEncode", "inputs": {"clip": ["1", 0], "qwen_vl": ["2", 0],
                                                                   "text": "a lizard in a swivel chair",
                                                                   "negative_text": "blurry", "content_type": "video"}},
           "6": {"class_type": "KandinskyV5_Sampler", "inputs": {"model": ["3", 0], "seed": 7, "steps": 50, "cfg": 5,
                                                                "scheduler_scale": 5, "positive": ["5", 0],
                                                                "negative": ["5", 1], "latent_image": ["4", 0]}},
           "7": {"class_type": "VAELoader", "inputs": {"vae_name": "hunyuan_video_vae_bf16.safetensors"}},
           "8": {"class_type": "VAEDecodeTiled", "inputs": {"samples": ["6", 0], "vae": ["7", 0], "tile_size": 128,
                                                           "overlap": 32, "temporal_size": 32, "temporal_overlap": 4}},
           "9": {"class_type": "CreateVideo", "inputs": {"images": ["8", 0], "fps": 24}},
           "10": {"class_type": "SaveVideo", "inputs": {"video": ["9", 0], "filename_prefix": "video/k5",
                                                        "format": "auto", "codec": "auto"}}}
    return doc


def test_a_pack_encoder_whose_text_is_kept_for_a_held_task_is_not_listed_as_not_converted():
    conv = convert(_kandinsky5(), "k5")  # (now read as Kandinsky 5: comfy_kandinsky_ada.py; its text the prompt)
    assert any(n.params.get("prompt") == "a lizard in a swivel chair" for n in conv.graph.nodes.values())
    assert "5" not in conv.dropped  # (its text is the Text Prompt: it is read, not 'not converted')
    assert not any("(KandinskyV5_TextEncode, #5)" in t for t in _texts(conv) if t.startswith("ComfyUI nodes not"))


def test_a_node_of_a_held_task_in_a_subgraph_is_named_by_its_own_id_not_its_subgraphs():
    from studio.convert.mapping import held_models
    from studio.convert.reading.workflow import CNode
    lora = CNode("538:12", "LoraLoaderModelOnly", "Lightning Lora")  # (a subgraph's node, as the flat workflow has it)
    assert held_models._name(lora) == "'Lightning Lora' (LoraLoaderModelOnly, #538:12)"  # (was '#538': the instance)


def test_the_stages_of_a_pack_sampler_of_two_models_are_said_as_its_inputs_and_its_id():
    from tests.convert.test_comfy_sets45_mends import _api
    sampler = ("ZetaDuoExpertSampler", {"model_high": ["1", 0], "model_low": ["2", 0], "positive": ["5", 0],
                                        "negative": ["6", 0], "latent_image": ["7", 0], "seed": 7, "steps": 8,
                                        "cfg_high": 3.5, "cfg_low": 1.0, "sampler_name": "euler",
                                        "scheduler": "simple", "switch_step": 4, "sigma_shift": 5.0})
    text = "\n".join(_texts(convert(_api(sampler), "duo.json")))
    assert "each sampling on from the one before (its 'model_high', then its 'model_low')" in text
    assert "#8~" not in text and "'model_high' (#" not in text  # (was: "'model_high' (#8), 'model_low' (#8~2)")


def _director(n_images: int) -> tuple[dict, int]:
    """WhatDreamsCost's LTX Director with ``n_images`` image segments on its timeline (UI JSON), and its guide's id."""
    from tests.convert.test_comfy_wrappers import UI
    segs = [{"start": 16 * i, "length": 16, "prompt": f"shot {i}", "type": "image", "imageFile": f"k{i}.png"}
            for i in range(n_images)]
    raw = ["", 97, 4, json.dumps({"segments": segs}), "", "", 0.001, "", False, 24, "seconds", 704, 480, "crop", 32, 18]
    w = UI()
    clip = w.add("CLIPLoader", ["gemma.safetensors", "ltxv", "default"])
    unet, vae = w.add("UNETLoader", ["ltx2.safetensors", "default"]), w.add("VAELoader", ["ltx2_vae.safetensors"])
    d = w.add("LTXDirector", raw, model=(unet, 0), clip=(clip, 0), audio_vae=(vae, 0))
    w.nodes[-1]["outputs"] = [{"name": t.lower(), "type": t, "links": [1]} for t in (
        "MODEL", "CONDITIONING", "LATENT", "LATENT", "GUIDE_DATA", "FLOAT", "AUDIO")]
    cond = w.add("LTXVConditioning", [24], positive=(d, 1), negative=(d, 1), frame_rate=(d, 5))
    g = w.add("LTXDirectorGuide", ["None", 1, 1], positive=(cond, 0), negative=(cond, 1), latent=(d, 2),
              guide_data=(d, 4), model=(d, 0), vae=(vae, 0))
    w.nodes[-1]["outputs"] = [{"name": t.lower(), "type": t, "links": [1]} for t in (
        "CONDITIONING", "CONDITIONING", "LATENT", "MODEL", "FLOAT")]
    cat = w.add("LTXVConcatAVLatent", [], video_latent=(g, 2), audio_latent=(d, 3))
    guider = w.add("CFGGuider", [1.0], model=(g, 3), positive=(g, 0), negative=(g, 1))
    noise = w.add("RandomNoise", [1, "fixed"])
    sampler = w.add("KSamplerSelect", ["euler"])
    sig = w.add("ManualSigmas", ["1.0, 0.5, 0.0"])
    s = w.add("SamplerCustomAdvanced", [], noise=(noise, 0), guider=(guider, 0), sampler=(sampler, 0),
              sigmas=(sig, 0), latent_image=(cat, 0))
    sep = w.add("LTXVSeparateAVLatent", [], av_latent=(s, 0))
    dec = w.add("VAEDecode", [], samples=(sep, 0), vae=(vae, 0))
    w.add("SaveVideo", ["ltx", "auto", "auto"], video=(w.add("CreateVideo", [24], images=(dec, 0)), 0))
    return w.doc(), g



def test_a_guide_not_taken_is_said_as_the_node_type_the_file_has():
    doc, guide = _director(5)
    said = [x for t in _texts(convert(doc, "director")) for x in t.split("\n") if "is not taken: four keyframes" in x]
    assert said and all(f"(LTXDirectorGuide, #{guide})" in x for x in said), said  # (was: 'LTXVAddGuide, #6.guide5')


def test_a_node_reaching_no_output_names_what_it_feeds_in_the_file_not_as_a_pack_is_read():
    # the wrapper's LoRA select (#4) read as ComfyUI's LoraLoaderModelOnly takes the model of #5, the node it fed
    doc = {"1": {"class_type": "WanVideoBlockSwap", "inputs": {"blocks_to_swap": 20}},
           "2": {"class_type": "WanVideoSetBlockSwap", "inputs": {"block_swap_args": ["1", 0]}},
           "4": {"class_type": "WanVideoLoraSelect", "inputs": {"lora": "fast.safetensors", "strength": 1.0}},
           "5": {"class_type": "WanVideoSetLoRAs", "inputs": {"model": ["2", 0], "lora": ["4", 0]}},
           "6": {"class_type": "LoadImage", "inputs": {"image": "a.png"}},
           "7": {"class_type": "SaveImage", "inputs": {"images": ["6", 0], "filename_prefix": "a"}}}
    said = [t for t in convert(doc, "idle.json").log if "(WanVideoSetBlockSwap, #2) reaches no output" in t]
    assert said and all("it feeds only 'WanVideoSetLoRAs' (#5)'s 'model'" in t for t in said), said


def test_a_step_on_a_utilitys_way_says_a_wired_setting_as_the_value_wired_in():
    """The sentence checks found 'its settings: width 512, height 512' of an ImageResizeKJ on a control clip's way
    whose width and height are wired from another resize's 480x832 (a UI file keeps the stale widget value beside the
    link): the values said are the ones wired in."""
    from studio.convert.finishing.utility import _step
    from studio.convert.reading.workflow import Workflow
    from tests.convert.test_comfy_heldout10_mends import _restore
    wf = _restore(("AcmeClipSharpen", {"amount": 0.4, "strength": ["30", 0]}))
    wf["30"] = {"class_type": "PrimitiveFloat", "inputs": {"value": 0.75}}
    w = Workflow.read(wf)
    n = w.nodes["10"]
    n.widgets["strength"] = 0.2  # (the value a UI file keeps for a setting wired over)
    line = _step(w, n, w.nodes["21"], w.nodes["25"])
    assert "strength 0.75" in line and "amount 0.4" in line and "0.2" not in line
