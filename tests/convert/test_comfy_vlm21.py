"""A prompt written from the start picture by a vision-language model when the workflow runs (1038lab's AILab_QwenVL,
held-out 92/07-08's way: a picture resized for it, its custom prompt joined from text nodes, its RESPONSE shown by
Preview as Text and encoded), read by its declared types: made as Studio's Caption with that Qwen-VL model, the words
it is asked as the instruction, max tokens and seed, wired into the generator's prompt; where the model is not one
Caption runs (a GGUF, a model on an Ollama server, a name not a Qwen-VL, not saved) or its words are a preset the
pack keeps, the hold stays with a sentence saying why. Hand-built API workflows, no model run."""
from __future__ import annotations

import copy

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_caption import I2V

ASK = "You direct a fashion film. Describe 8 seconds of natural movement."
NOTE = "subtle expressions in face."
QWEN = {
    "31": {"class_type": "AILab_QwenVL", "inputs": {
        "image": ["35", 0], "custom_prompt": ["36", 0], "model_name": "Qwen3-VL-4B-Instruct",
        "quantization": "None (FP16)", "attention_mode": "sdpa", "preset_prompt": "🖼️ Ultra Detailed Description",
        "max_tokens": 256, "keep_model_loaded": False, "seed": 943882687}},
    "35": {"class_type": "ResizeImagesByLongerEdge", "inputs": {"images": ["4", 0], "longer_edge": 1400}},
    "36": {"class_type": "Text Concatenate", "inputs": {"text_a": ["37", 0], "text_b": ["38", 0], "delimiter": "\n",
                                                         "clean_whitespace": "false"}},
    "37": {"class_type": "Text Multiline", "inputs": {"text": ASK}},
    "38": {"class_type": "Text Multiline", "inputs": {"text": NOTE}},
    "32": {"class_type": "PreviewAny", "inputs": {"source": ["31", 0]}},
}


def _flow(**changes) -> dict:
    wf = {k: v for k, v in copy.deepcopy(I2V).items() if k not in ("30", "31", "32", "33", "34")}
    wf.update(copy.deepcopy(QWEN))
    for key, value in changes.items():
        wf["31"]["inputs"][key] = value
    return wf


def _as_ui(api: dict, wired: dict) -> dict:
    """``api`` saved as ComfyUI's page saves it: each node's widget values in its pack's declared order (a seed's
    'fixed' after it), links by slot; ``wired`` {node: {input: (link, the value its widget keeps)}}: a widget given
    on a wire, its value as saved kept in the widgets."""
    from studio.convert import catalogue
    ids = {k: i + 1 for i, k in enumerate(api)}
    nodes, links = [], []
    for k, n in api.items():
        t = catalogue.node_type(n["class_type"])
        ins = {**n["inputs"], **{name: link for name, (link, _) in wired.get(k, {}).items()}}
        values, inputs = [], []
        for i in t.widgets:
            kept = wired.get(k, {}).get(i.name, (None, ins.get(i.name)))[1]
            values += [kept, "fixed"] if i.control else [kept]
        for name, v in ins.items():
            if isinstance(v, list):
                kind = catalogue.node_type(api[v[0]]["class_type"]).outputs[v[1]].type
                links.append([len(links) + 1, ids[v[0]], v[1], ids[k], len(inputs), kind])
                inputs.append({"name": name, "type": kind, "link": len(links)})
        outs = [{"name": o.name, "type": o.type, "links": [x[0] for x in links if x[1] == ids[k] and x[2] == j]}
                for j, o in enumerate(t.outputs)]
        nodes.append({"id": ids[k], "type": n["class_type"], "mode": 0, "inputs": inputs, "outputs": outs,
                      "widgets_values": values})
    return {"nodes": nodes, "links": links}


def _caption(conv):
    return [n for n in conv.graph.nodes.values() if n.type_id == "encode.caption"]


def test_a_qwen3_vl_writing_the_prompt_from_the_picture_is_made_as_a_caption():
    conv = convert(_flow(), "qwenvl")
    [cap] = _caption(conv)
    p = cap.params
    assert (p["model"], p["instruction"], p["system"], p["max_tokens"], p["seed"], p["every"]) == (
        "Qwen3-VL-4B-Instruct", f"{ASK}\n{NOTE}", "", 256, 943882687, 0)
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.image_to_video")
    link = conv.graph.input_link(gen.id, "prompt")
    assert link is not None and link.src == cap.id and link.src_port == "text" and gen.params["prompt"] == ""
    pic = conv.graph.nodes[conv.graph.input_link(cap.id, "image").src]
    assert pic.type_id == "io.load_image" and pic.params["path"] == "cat.png"
    said = "\n".join(conv.log)
    assert ("'AILab_QwenVL' (AILab_QwenVL, #31) writes a text of the picture of Studio's 'Load Image' (ComfyUI reads "
            "it after 'ResizeImagesByLongerEdge' (ResizeImagesByLongerEdge, #35), not applied to the caption) with its "
            "model 'Qwen3-VL-4B-Instruct', asked the words on 'custom_prompt' (from 'Text Concatenate' (Text "
            "Concatenate, #36)): made as Studio's Caption, model 'Qwen3-VL-4B-Instruct'") in said
    assert "max_tokens 256, seed 943882687" in said and "decodes greedily, so its words may differ" in said
    assert "its preset_prompt '🖼️ Ultra Detailed Description' not applied" in said
    assert "its quantization 'None (FP16)', attention_mode 'sdpa', keep_model_loaded False not applied" in said
    assert "is written by ComfyUI's" not in said and "not in the converted prompt" not in said
    assert not {"31", "32", "36", "37", "38"} & set(conv.dropped)
    assert not any("which Studio does not read there" in line for line in conv.log)


def test_the_advanced_nodes_qwen2_5_vl_is_made_its_sampling_said_not_applied_its_tokens_kept_in_range():
    wf = _flow()
    wf["31"] = {"class_type": "AILab_QwenVL_Advanced", "inputs": {
        **QWEN["31"]["inputs"], "model_name": "Qwen2.5-VL-7B-Instruct", "temperature": 0.6, "top_p": 0.9,
        "num_beams": 1, "repetition_penalty": 1.2, "frame_count": 16, "use_torch_compile": False, "device": "auto",
        "max_tokens": 9000}}
    conv = convert(wf, "qwenvl")
    [cap] = _caption(conv)
    assert (cap.params["model"], cap.params["max_tokens"]) == ("Qwen2.5-VL-7B-Instruct", 4096)
    said = "\n".join(conv.log)
    assert "temperature 0.6, top_p 0.9" in said and "not applied (Studio loads and runs the model its own way)" in said


def test_a_model_caption_does_not_run_keeps_the_hold_saying_why():
    cases = {
        "Qwen3-VL-4B-Instruct-Q4_K_M.gguf": "its model 'Qwen3-VL-4B-Instruct-Q4_K_M.gguf' is one file (gguf), "
                                            "not a folder",
        "llava-v1.6-7b": "its model 'llava-v1.6-7b' is not one of the kinds Caption runs, by its name",
    }
    for model, why in cases.items():
        conv = convert(_flow(model_name=model), "qwenvl")
        assert not _caption(conv)
        said = "\n".join(conv.log)
        assert f"not made ({why}: Studio's Caption runs Florence-2, Qwen2.5-VL, Qwen3-VL, " \
               "JoyCaption's LLaVA layout, Llama 3.2 Vision and Idefics3 / SmolVLM folders in transformers' layout), so it is not in the converted prompt" in said, said
    wf = _flow()
    wf["31"]["class_type"] = "AILab_QwenVL_GGUF"  # (its pack's GGUF runner, told by its declared display name)
    for k in ("quantization", "attention_mode"):
        del wf["31"]["inputs"][k]
    said = "\n".join(convert(wf, "gguf").log)
    assert "not made (it runs its model 'Qwen3-VL-4B-Instruct' as a GGUF file (llama.cpp's format): Studio's " \
           "Caption runs" in said and "with the model's folder in transformers' layout a Caption can run it" in said
    wf = _flow()
    del wf["31"]["inputs"]["model_name"]  # (an API export that lost the node's settings: held-out 92/07)
    said = "\n".join(convert(wf, "qwenvl").log)
    assert "not made (its model is not known when converting (the file does not save it)" in said


def test_an_ollama_vision_node_and_a_preset_only_instruction_keep_the_hold():
    wf = _flow()
    wf["31"] = {"class_type": "OllamaVision", "inputs": {
        "images": ["35", 0], "query": "describe the image", "debug": "disable", "url": "http://127.0.0.1:11434",
        "model": "qwen2.5vl:7b", "keep_alive": 5, "format": "text", "seed": 1}}
    conv = convert(wf, "ollama")
    assert not _caption(conv)
    assert ("its model 'qwen2.5vl:7b' runs on the server at its 'url': Studio's Caption runs Florence-2, Qwen2.5-VL, "
            "Qwen3-VL, JoyCaption's LLaVA layout, Llama 3.2 Vision and Idefics3 / SmolVLM folders in transformers' "
            "layout; with the model's folder in transformers' layout a Caption "
            "can run it") in "\n".join(conv.log)
    wf = _flow()
    wf["31"]["inputs"]["custom_prompt"] = ""
    conv = convert(wf, "preset")
    assert not _caption(conv)
    assert ("it is asked its 'preset_prompt' '🖼️ Ultra Detailed Description', whose words its pack keeps "
            "('custom_prompt' is empty): write them in a Caption's 'instruction'") in "\n".join(conv.log)


def test_the_caption_writes_the_refining_upscales_prompt_too_as_the_takes():
    """Held-out 92/08's way: the refining passes are guided by the same encoder the vision model writes, so each
    LTX-2 Latent Upscale's 'prompt' (the take's, which its refine needs) is the Caption's text too, said so."""
    from tests.convert.test_comfy_ltx2_three_stages import UPSCALE, _three_stages
    wf = _three_stages()
    wf["li"] = {"class_type": "LoadImage", "inputs": {"image": "coat.png"}}
    wf["iv"] = {"class_type": "LTXVImgToVideoInplace", "inputs": {"vae": ["ck", 2], "image": ["li", 0],
                                                                  "latent": ["v", 0], "strength": 1.0,
                                                                  "bypass": False}}
    wf["av"]["inputs"]["video_latent"] = ["iv", 0]
    wf["31"] = copy.deepcopy(QWEN["31"])
    wf["31"]["inputs"].update({"image": ["li", 0], "custom_prompt": ASK})
    wf["p"]["inputs"]["text"] = ["31", 0]
    conv = convert(wf, "triple_vl.json")
    [cap] = _caption(conv)
    g = conv.graph
    ups = [n for n in g.nodes.values() if n.type_id == UPSCALE]
    gen = next(n for n in g.nodes.values() if n.type_id == "video_models.ltx2")
    assert len(ups) == 2 and all(g.input_link(n.id, "prompt").src == cap.id for n in [gen, *ups])
    text = "\n".join(n["text"] for n in g.ui.get("notes", []))
    assert "the Caption's text is wired into each LTX-2 Latent Upscale's 'prompt' too" in text  # (both: fixcap21)
    assert "write the take's prompt" not in text
    assert "and into the 'prompt' of each of the 2 'LTX-2 Latent Upscale' after it (the take's prompt their refines " \
        "take)" in "\n".join(conv.log)


def test_a_refining_upscale_given_the_encoders_saved_text_is_given_the_captions_instead():
    """Thinni63's ltx-2.3-i2v-auto: the encoder saved a text ComfyUI replaces by the vision model's; the upscale's
    refine, given that saved text as the take's prompt, takes the Caption's text instead, as the generator does."""
    from tests.convert.test_comfy_ltx2_three_stages import UPSCALE, _three_stages
    wf = _three_stages()
    wf["li"] = {"class_type": "LoadImage", "inputs": {"image": "coat.png"}}
    wf["iv"] = {"class_type": "LTXVImgToVideoInplace", "inputs": {"vae": ["ck", 2], "image": ["li", 0],
                                                                  "latent": ["v", 0], "strength": 1.0,
                                                                  "bypass": False}}
    wf["av"]["inputs"]["video_latent"] = ["iv", 0]
    conv = convert(copy.deepcopy(wf), "saved.json")  # (as saved, the encoder's text is the take's prompt)
    assert all(n.params["prompt"] == "a lighthouse at dusk" for n in conv.graph.nodes.values()
               if n.type_id == UPSCALE)
    wf["31"] = copy.deepcopy(QWEN["31"])
    wf["31"]["inputs"].update({"image": ["li", 0], "custom_prompt": ASK})
    conv = convert(_as_ui(wf, {"p": {"text": (["31", 0], "a lighthouse at dusk")}}), "saved_vl.json")
    [cap] = _caption(conv)
    ups = [n for n in conv.graph.nodes.values() if n.type_id == UPSCALE]
    assert ups and all(n.params["prompt"] == "" and conv.graph.input_link(n.id, "prompt").src == cap.id for n in ups)
    assert "(the text 'a lighthouse at dusk' the encoder saved is not used" in "\n".join(conv.log)
