"""Prompt writers that read a clip, and the other vision-language writers artists use (capclip22), read by their
declared types: 1038lab's AILab_QwenVL(_Advanced) given a clip's frames on 'video' made as Studio's Caption reading
that many frames sampled evenly (at most 16, said); chflame163's LayerStyle_Advance JoyCaption Beta One (a LLaVA-layout
folder) and SmolVLM (Idefics3) made as Caption with their loader's model, its other settings said not applied; a
preset-only JoyCaption, a SmolVLM2, a writer given a picture and a clip together, an Ollama model kept held, each with
its true sentence. Hand-built API workflows, no model run."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.mapping.vlm_made import kind_of
from tests.convert.test_comfy_vlm21 import _caption, _flow

ADVANCED = {"temperature": 0.6, "top_p": 0.9, "num_beams": 1, "repetition_penalty": 1.2, "frame_count": 24,
            "use_torch_compile": False, "device": "auto"}
VIDEO = {"class_type": "VHS_LoadVideo", "inputs": {"video": "walk.mp4", "force_rate": 0, "custom_width": 0,
                                                   "custom_height": 0, "frame_load_cap": 0, "skip_first_frames": 0,
                                                   "select_every_nth": 1}}


def _clip_flow(node: str = "AILab_QwenVL_Advanced", **changes) -> dict:
    """The start picture the first frame of a video, the Qwen-VL given the whole clip on 'video'."""
    wf = _flow()
    wf["31"]["class_type"] = node
    if node.endswith("Advanced"):
        wf["31"]["inputs"].update(ADVANCED)
    wf["31"]["inputs"].update(changes)
    del wf["31"]["inputs"]["image"]
    wf["31"]["inputs"]["video"] = ["40", 0]
    wf["40"] = dict(VIDEO)
    wf["4"] = {"class_type": "ImageFromBatch", "inputs": {"image": ["40", 0], "batch_index": 0, "length": 1}}
    return wf


def _said(conv) -> str:
    return "\n".join(conv.log)


def test_a_qwen_vl_given_a_clip_reads_its_frame_count_sampled_evenly():
    conv = convert(_clip_flow(), "clip")
    [cap] = _caption(conv)
    assert (cap.params["model"], cap.params["frames"], cap.params["every"]) == ("Qwen3-VL-4B-Instruct", 16, 0)
    assert cap.params["instruction"].startswith("You direct a fashion film.")
    assert conv.graph.nodes[conv.graph.input_link(cap.id, "image")[0]].type_id.startswith("io.load_video") or \
        "Video" in [o.type for o in conv.graph.nodes[conv.graph.input_link(cap.id, "image")[0]].spec.outputs]
    said = _said(conv)
    assert "writes a text of the clip of Studio's 'Load Video' (16 frames of the clip sampled evenly, first to " \
           "last (all of them where it has fewer), read together as pictures: its 'frame_count' 24 kept at 16, the most " \
           "Caption reads; ComfyUI's node gives them to the model as a video)" in said, said
    assert "not made" not in said.split("#31)")[1].split("\n")[0]
    assert "frame_count" not in said.split("not applied (Studio loads")[0].split("; its quantization")[-1]
    cap8 = _caption(convert(_clip_flow(frame_count=8), "clip8"))[0]
    assert cap8.params["frames"] == 8
    said = _said(convert(_clip_flow(frame_count=8), "clip8"))
    assert "(8 frames of the clip sampled evenly, first to last (all of them where it has fewer), read together as " \
           "pictures (its 'frame_count'); ComfyUI's node gives them to the model as a video)" in said
    said = _said(convert(_clip_flow(frame_count=1), "clip1"))
    assert "(the clip's first frame: its 'frame_count' 1; ComfyUI's node gives it to the model as a video)" in said


def test_the_plain_node_saving_no_frame_count_reads_sixteen_said():
    conv = convert(_clip_flow("AILab_QwenVL"), "plain")
    [cap] = _caption(conv)
    assert cap.params["frames"] == 16
    assert "(16 frames of the clip sampled evenly, first to last (all of them where it has fewer), read together as " \
           "pictures, the most Caption reads: the file saves no frame count for ComfyUI's node; ComfyUI's node " \
           "gives them to the model as a video)" in _said(conv)


def test_a_picture_and_a_clip_together_stay_held_saying_why():
    wf = _clip_flow()
    wf["31"]["inputs"]["image"] = ["4", 0]
    conv = convert(wf, "both")
    assert not _caption(conv)
    assert "not made (it reads 'image' and 'video' together, and Studio's Caption one picture or one clip)" \
        in _said(conv)


def _layerstyle(node: str, loader: dict, inputs: dict) -> dict:
    wf = _flow()
    wf["31"] = {"class_type": node, "inputs": {"image": ["35", 0], **inputs}}
    wf["41"] = loader
    return wf


JOY = ("LayerUtility: JoyCaptionBeta1",
       {"class_type": "LayerUtility: LoadJoyCaptionBeta1Model", "inputs": {
           "model": "fancyfeast/llama-joycaption-beta-one-hf-llava", "quantization_mode": "nf4", "device": "cuda"}},
       {"joycaption_beta1_model": ["41", 0], "caption_type": "Descriptive", "caption_length": "long",
        "max_new_tokens": 512, "top_p": 0.9, "top_k": 0, "temperature": 0.6, "user_prompt": "Write a video prompt."})
SMOL = ("LayerUtility: SmolVLM",
        {"class_type": "LayerUtility: LoadSmolVLMModel", "inputs": {"model": "SmolVLM-Instruct", "dtype": "bf16",
                                                                    "device": "cuda"}},
        {"smolVLM_model": ["41", 0], "max_new_tokens": 300, "user_prompt": "describe this image"})


def test_joycaption_and_smolvlm_writers_are_made_as_caption_with_their_loaders_model():
    conv = convert(_layerstyle(*JOY), "joy")
    [cap] = _caption(conv)
    assert (cap.params["model"], cap.params["instruction"], cap.params["max_tokens"]) == \
        ("llama-joycaption-beta-one-hf-llava", "Write a video prompt.", 512)
    said = _said(conv)
    assert "with its model 'fancyfeast/llama-joycaption-beta-one-hf-llava' from 'LayerUtility: " \
           "LoadJoyCaptionBeta1Model'" in said
    assert "LLavacheckpoints/ or smol/: its folder in transformers' layout (JoyCaption (LLaVA layout))" in said
    assert "its caption_type 'Descriptive' not applied (it is asked the words on 'user_prompt')" in said
    assert "(LayerUtility: LoadJoyCaptionBeta1Model, #41)'s quantization_mode 'nf4', device 'cuda' not applied " \
           "(Studio loads and runs the model its own way)" in said
    assert "top_p 0.9, top_k 0, temperature 0.6" in said
    conv = convert(_layerstyle(*SMOL), "smol")
    [cap] = _caption(conv)
    assert (cap.params["model"], cap.params["instruction"], cap.params["max_tokens"]) == \
        ("SmolVLM-Instruct", "describe this image", 300)
    assert "its folder in transformers' layout (Idefics3 / SmolVLM)" in _said(conv)
    assert "'s dtype 'bf16', device 'cuda' not applied" in _said(conv)


def test_a_preset_only_joycaption_and_a_smolvlm2_stay_held_saying_why():
    node, loader, inputs = JOY
    conv = convert(_layerstyle(node, loader, {**inputs, "user_prompt": ""}), "preset")
    assert not _caption(conv)
    assert "not made (it is asked its 'caption_type' 'Descriptive', whose words its pack keeps ('user_prompt' is " \
           "empty): write them in a Caption's 'instruction')" in _said(conv)
    node, loader, inputs = SMOL
    loader = {**loader, "inputs": {**loader["inputs"], "model": "SmolVLM2-2.2B-Instruct"}}
    conv = convert(_layerstyle(node, loader, inputs), "smol2")
    assert not _caption(conv)
    assert "not made (its model 'SmolVLM2-2.2B-Instruct' from 'LayerUtility: LoadSmolVLMModel' (LayerUtility: " \
           "LoadSmolVLMModel, #41) is not one of the kinds Caption runs, by its name: Studio's Caption runs " \
           "Florence-2, Qwen2.5-VL, Qwen3-VL, JoyCaption's LLaVA layout, Llama 3.2 Vision and Idefics3 / SmolVLM " \
           "folders in transformers' layout)" in _said(conv)


def test_kinds_by_name_and_an_ollama_llama_vision_held():
    assert kind_of("meta-llama/Llama-3.2-11B-Vision-Instruct") == "Llama 3.2 Vision"
    assert kind_of("Llama-3.2-90B-Vision") == "Llama 3.2 Vision"
    assert kind_of("HuggingFaceTB/SmolVLM-256M-Instruct") == "Idefics3 / SmolVLM"
    assert kind_of("SmolVLM2-500M-Video-Instruct") is None  # (another processor, with a video half)
    assert kind_of("llama-joycaption-alpha-two-hf-llava") == "JoyCaption (LLaVA layout)"
    assert kind_of("Joy_caption_two") is None and kind_of("llava-v1.6-mistral-7b") is None
    assert kind_of("Qwen2.5-VL-7B-Instruct") == "Qwen2.5-VL / Qwen3-VL"
    wf = _flow()
    wf["31"] = {"class_type": "OllamaVision", "inputs": {
        "images": ["35", 0], "query": "describe the image", "debug": "disable", "url": "http://127.0.0.1:11434",
        "model": "llama3.2-vision:11b", "keep_alive": 5, "format": "text", "seed": 1}}
    conv = convert(wf, "ollama")
    assert not _caption(conv)
    assert "its model 'llama3.2-vision:11b' runs on the server at its 'url'" in _said(conv)


def test_a_still_given_on_video_is_said_as_a_picture():
    wf = _clip_flow()
    wf["31"]["inputs"]["video"] = ["4", 0]
    wf["4"] = {"class_type": "LoadImage", "inputs": {"image": "cat.png"}}
    del wf["40"]
    conv = convert(wf, "still")
    [cap] = _caption(conv)
    said = _said(conv)
    assert "writes a text of the picture of Studio's" in said and "frames of the clip" not in said
