"""A prompt a workflow writes by captioning its start picture (kijai's ComfyUI-Florence2: a loader -> Florence2Run ->
its caption STRING -> string nodes -> a text encoder) made as Studio's Caption wired into the generator's prompt: the
task, the model's folder, beams and tokens read; find-and-replace nodes, joins and appends around the caption kept
as its 'replace', 'before' and 'after'; a UI file of an older pack version read by place. Where the Caption cannot
keep what ComfyUI does (another task, a text not known), it is not made and the sentence says why. Hand-built
workflows (API, and UI in the layout UmeAiRT's files have), no model run."""
from __future__ import annotations

import copy

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wrappers import UI

I2V = {
    "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_i2v_480p_14B_fp8.safetensors", "weight_dtype": "default"}},
    "2": {"class_type": "CLIPTextEncode", "inputs": {"text": ["32", 0], "clip": ["12", 0]}},
    "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["12", 0]}},
    "4": {"class_type": "LoadImage", "inputs": {"image": "cat.png"}},
    "7": {"class_type": "WanImageToVideo", "inputs": {"positive": ["2", 0], "negative": ["3", 0], "vae": ["13", 0],
                                                     "start_image": ["4", 0], "width": 480, "height": 832,
                                                     "length": 33, "batch_size": 1}},
    "8": {"class_type": "KSampler", "inputs": {"model": ["1", 0], "positive": ["7", 0], "negative": ["7", 1],
                                               "latent_image": ["7", 2], "seed": 3, "steps": 6, "cfg": 5.0,
                                               "sampler_name": "euler", "scheduler": "simple", "denoise": 1.0}},
    "9": {"class_type": "VAEDecode", "inputs": {"samples": ["8", 0], "vae": ["13", 0]}},
    "10": {"class_type": "CreateVideo", "inputs": {"images": ["9", 0], "fps": 16}},
    "11": {"class_type": "SaveVideo", "inputs": {"video": ["10", 0], "filename_prefix": "cat"}},
    "12": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5.safetensors", "type": "wan"}},
    "13": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_vae.safetensors"}},
    "30": {"class_type": "DownloadAndLoadFlorence2Model", "inputs": {"model": "microsoft/Florence-2-large",
                                                                     "precision": "fp16", "attention": "sdpa"}},
    "31": {"class_type": "Florence2Run", "inputs": {"image": ["4", 0], "florence2_model": ["30", 0], "text_input": "",
                                                    "task": "more_detailed_caption", "max_new_tokens": 512,
                                                    "num_beams": 3, "do_sample": False, "seed": 1}},
    "33": {"class_type": "easy promptReplace", "inputs": {"prompt": ["31", 2], "find1": "photo", "replace1": "video",
                                                          "find2": "image", "replace2": "clip", "find3": "",
                                                          "replace3": ""}},
    "34": {"class_type": "ShowText|pysssss", "inputs": {"text": ["33", 0]}},
    "32": {"class_type": "StringConcatenate", "inputs": {"string_a": ["34", 0], "string_b": "Slow movements.",
                                                         "delimiter": " "}},
}


def _said(conv) -> str:
    return "\n".join(conv.log)


def _caption(conv):
    return [n for n in conv.graph.nodes.values() if n.type_id == "encode.caption"]


def _wired(conv, dst: str, port: str):
    link = conv.graph.input_link(dst, port)
    return (conv.graph.nodes[link.src], link.src_port) if link else (None, None)


def test_a_florence_caption_replaced_and_joined_is_made_as_a_caption_wired_into_the_prompt():
    conv = convert(copy.deepcopy(I2V), "caption")
    [cap] = _caption(conv)
    p = cap.params
    assert (p["model"], p["task"], p["max_tokens"], p["beams"], p["every"]) == (
        "Florence-2-large", "more detailed", 512, 3, 0)
    assert (p["replace"], p["before"], p["after"]) == ("photo -> video\nimage -> clip", "", " Slow movements.")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.image_to_video")
    src, port = _wired(conv, gen.id, "prompt")
    assert src is cap and port == "text" and gen.params["prompt"] == ""
    pic, _ = _wired(conv, cap.id, "image")
    assert pic.type_id == "io.load_image" and pic.params["path"] == "cat.png"
    said = _said(conv)
    assert ("'Florence2Run' (Florence2Run, #31) captions the picture of Studio's 'Load Image' with "
            "'DownloadAndLoadFlorence2Model' (DownloadAndLoadFlorence2Model, #30)'s model 'microsoft/Florence-2-large' "
            "(task 'more_detailed_caption'): made as Studio's Caption, model 'Florence-2-large'") in said
    assert "(easy promptReplace, #33) replaces 'photo' by 'video', 'image' by 'clip'" in said
    assert "(StringConcatenate, #32) joins it" in said and "do_sample" not in said
    assert "no captioner" not in said and "is written by ComfyUI's" not in said
    assert not {"30", "31", "32", "33", "34"} & set(conv.dropped)


def test_a_plain_concatenation_of_a_wrapper_encoders_prompt_is_kept_and_its_unset_sentence_taken_back():
    wf = copy.deepcopy(I2V)  # heldout14 11's way: JWStringConcat (a + b) into the prompt
    wf["32"] = {"class_type": "JWStringConcat", "inputs": {"a": "anime illustration of ", "b": ["34", 0]}}
    conv = convert(wf, "jw")
    [cap] = _caption(conv)
    assert (cap.params["before"], cap.params["after"]) == ("anime illustration of ", "")
    assert "(JWStringConcat, #32) appends the words around it" in _said(conv)
    assert "whose value Studio cannot work out" not in _said(conv)


def test_a_task_the_caption_does_not_make_and_an_unknown_join_are_said_and_nothing_is_made():
    wf = copy.deepcopy(I2V)
    wf["31"]["inputs"]["task"] = "ocr"
    conv = convert(wf, "ocr")
    assert not _caption(conv)
    assert "its task 'ocr' is not one Studio's Caption makes" in _said(conv)
    wf = copy.deepcopy(I2V)
    wf["35"] = {"class_type": "InventedWords", "inputs": {"seed": 4}}
    wf["32"]["inputs"]["string_b"] = ["35", 0]
    conv = convert(wf, "unknown")
    assert not _caption(conv)
    assert "(StringConcatenate, #32) joins it with a text Studio cannot work out when converting" in _said(conv)
    assert "no captioner" not in _said(conv)
    wf = copy.deepcopy(I2V)
    wf["36"] = {"class_type": "Florence2LoraLoader", "inputs": {"lora": "tags.safetensors"}}
    wf["30"]["inputs"]["lora"] = ["36", 0]
    conv = convert(wf, "lora")  # a LoRA of the captioner: not dropped silently by a Caption that takes none
    assert not _caption(conv) and "takes 'lora' from another node, which Studio's Caption does not" in _said(conv)


def test_an_older_ui_file_read_by_place_keeps_the_replacements_and_the_appended_words():
    w = UI()  # the layout UmeAiRT's LTXV_Img2Video saves: older pack versions, values by place
    unet = w.add("UNETLoader", ["wan2.1_i2v_480p_14B_fp8.safetensors", "default"])
    clip = w.add("CLIPLoader", ["umt5.safetensors", "wan", "default"])
    vae = w.add("VAELoader", ["wan_vae.safetensors"])
    img = w.add("LoadImage", ["cat.png", "image"])
    flo = w.add("DownloadAndLoadFlorence2Model", ["MiaoshouAI/Florence-2-base-PromptGen-v2.0", "fp16", "sdpa"])
    run = w.add("Florence2Run", ["", "detailed_caption", True, False, 1024, 3, True, "", 7, "fixed"],
                image=(img, 0), florence2_model=(flo, 0))
    rep = w.add("Text Find and Replace", ["photo", "video"], text=(run, 2))
    words = w.add("Text Multiline", [""])
    app = w.add("StringFunction|pysssss", ["append", "no", "", "", "Real footage.", "(the text it showed)"],
                text_a=(rep, 0), text_b=(words, 0))
    pos = w.add("CLIPTextEncode", ["A big cat."], clip=(clip, 0), text=(app, 0))
    neg = w.add("CLIPTextEncode", ["blurry"], clip=(clip, 0))
    i2v = w.add("WanImageToVideo", [480, 832, 33, 1], positive=(pos, 0), negative=(neg, 0), vae=(vae, 0),
                start_image=(img, 0))
    ks = w.add("KSampler", [3, "fixed", 6, 5.0, "euler", "simple", 1.0], model=(unet, 0), positive=(i2v, 0),
               negative=(i2v, 1), latent_image=(i2v, 2))
    dec = w.add("VAEDecode", [], samples=(ks, 0), vae=(vae, 0))
    w.add("SaveVideo", ["cat", "auto", "auto"], video=(w.add("CreateVideo", [16], images=(dec, 0)), 0))
    conv = convert(w.doc(), "ui")
    [cap] = _caption(conv)
    p = cap.params
    assert (p["model"], p["task"], p["replace"], p["after"]) == (
        "Florence-2-base-PromptGen-v2.0", "detailed", "photo -> video", "Real footage.")
    said = _said(conv)
    assert f"(StringFunction|pysssss, #{app}) appends the words around it" in said
    assert "sampled with do_sample in ComfyUI" in said  # the pack samples; Studio's beam search is deterministic
    assert "the text 'A big cat.' the encoder saved is not used" in said
    assert not {str(x) for x in (flo, run, rep, words, app)} & set(conv.dropped)
