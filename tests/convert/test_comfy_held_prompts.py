"""A held task (a wrapper's sampler fed a node Studio has no counterpart for) keeps its prompts as Text Prompt nodes
named with their encoder's '#id' in the held sentence; its text encoder's loader, its VAE encode of a loaded picture
and that VAE's loader are passed, each with a sentence naming it; nothing of them is listed as not converted."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_hunyuan_mochi_wrappers import NEGATIVE, PROMPT, _common, _finish
from tests.convert.test_comfy_wrappers import UI, _nodes


def _texts(conv) -> dict[str, str]:
    return {n.title: n.params["text"] for n in _nodes(conv, "io.text")}


def test_a_held_hunyuan_wrapper_task_keeps_its_prompts_and_passes_its_encoders_and_loaders():
    w = UI()  # HunyuanCustom's reference image: held (SkyReels V1's start image, held here before, is made now)
    loader, te, vae = _common(w, model="hyvideo\\hunyuan_video_custom_720p_bf16.safetensors")
    img = w.add("LoadImage", ["man.png", "image"])
    enc = w.add("HyVideoEncode", [False, 64, 256, True, 0.04, 1], vae=(vae, 0), image=(img, 0))
    text = w.add("HyVideoTextEncode", [PROMPT, NEGATIVE, "video"], text_encoders=(te, 0))
    _finish(w, loader, text, vae, image_cond_latents=(enc, 0))
    conv = convert(w.doc(), "held")
    assert not any(t["generator"] for t in conv.tasks)
    assert _texts(conv) == {"Prompt": PROMPT, "Negative prompt": NEGATIVE}
    first = conv.log[0]
    assert f"prompt '{PROMPT}' as a Text Prompt (from 'HyVideoTextEncode' (HyVideoTextEncode, #{text})" in first
    assert f"negative prompt '{NEGATIVE}'" in first and "image 'man.png'" in first
    for nid in (text, te, enc, vae):  # read, or passed with a sentence naming it
        assert str(nid) not in conv.dropped, (nid, conv.dropped)
    assert {str(te), str(enc), str(vae)} <= set(conv.passed)
    said = "\n".join(conv.log)
    assert f"(DownloadAndLoadHyVideoTextEncoder, #{te}) loads the text encoders" in said
    assert "'Kijai/llava-llama-3-8b-text-encoder-tokenizer'" in said  # (its quantization 'disabled': no file, said as
    assert "'disabled'" not in said.replace("quantization 'disabled'", "")  # the setting it is: held23)
    assert f"(HyVideoEncode, #{enc}) encodes the pictures on its 'image' (from 'man.png'" in said
    assert f"'image_cond_latents'" in said


def test_an_empty_positive_is_said_empty_and_no_text_node_is_made_for_it():
    w = UI()  # leapfusion: an empty prompt, a negative one
    loader, te, vae = _common(w, loras=[("hyvid\\img2vid.safetensors", 1.0)])
    enc = w.add("HyVideoEncode", [False, 64, 256, True], vae=(vae, 0), image=(w.add("LoadImage", ["mai.png", "image"]), 0))
    text = w.add("HyVideoTextEncode", ["", NEGATIVE, "video"], text_encoders=(te, 0))
    _finish(w, loader, text, vae, samples=(enc, 0))
    conv = convert(w.doc(), "held")
    assert _texts(conv) == {"Negative prompt": NEGATIVE}
    assert f"an empty positive prompt ('HyVideoTextEncode' (HyVideoTextEncode, #{text}))" in conv.log[0]
    assert set(conv.origin.values()) <= {str(k) for k in range(1, 20)}  # the workflow's own ids
    assert not {str(text), str(te), str(enc), str(vae)} & set(conv.dropped)


def test_a_captioners_model_loader_is_read_into_the_caption_never_listed_not_converted():
    from tests.convert.test_comfy_mask_and_aux_steps import FUN, _said
    import copy
    wf = copy.deepcopy(FUN)
    wf["30"] = {"class_type": "DownloadAndLoadFlorence2Model", "inputs": {"model": "microsoft/Florence-2-base",
                                                                         "precision": "fp16", "attention": "sdpa"}}
    wf["31"] = {"class_type": "Florence2Run", "inputs": {"image": ["5", 0], "florence2_model": ["30", 0],
                                                        "text_input": "", "task": "more_detailed_caption"}}
    wf["32"] = {"class_type": "StringConcatenate", "inputs": {"string_a": "cinematic, ", "string_b": ["31", 2],
                                                             "delimiter": ""}}
    wf["2"]["inputs"]["text"] = ["32", 0]
    conv = convert(wf, "caption")  # made as Studio's Caption (tests/convert/test_comfy_caption.py): its loader read
    assert not {"30", "31", "32"} & set(conv.dropped) and not {"30", "31", "32"} & set(conv.passed)
    assert "(DownloadAndLoadFlorence2Model, #30)'s model 'microsoft/Florence-2-base'" in _said(conv)


def test_a_pose_estimator_not_read_is_said_never_run_or_beside_the_node_it_feeds():
    from tests.convert.test_comfy_mask_and_aux_steps import FUN, _said
    import copy
    dw = {"class_type": "DWPreprocessor", "inputs": {"image": ["5", 0], "detect_hand": "enable", "detect_body": "enable",
                                                      "detect_face": "enable", "resolution": 512}}
    wf = copy.deepcopy(FUN)
    wf["40"] = dict(dw)  # read by nothing: ComfyUI does not run it (the catalogue holds its outputs, not its inputs)
    conv = convert(wf, "idle_pose")
    assert "40" in conv.passed and "'DWPreprocessor' (DWPreprocessor, #40) reaches no output" in _said(conv)
    wf["41"] = {"class_type": "FaceMaskFromPoseKeypoints", "inputs": {"pose_kps": ["40", 1], "person_index": 0}}
    wf["42"] = {"class_type": "MaskPreview", "inputs": {"mask": ["41", 0]}}
    conv = convert(wf, "face_mask")  # its keypoints drawn into a mask Studio does not make
    said = _said(conv)
    assert "40" in conv.passed and "41" in conv.dropped
    assert ("(DWPreprocessor, #40) (DWPose Estimator, of controlnet_aux's Faces and Poses Estimators) estimates from "
            "the pictures on its 'image' what 'FaceMaskFromPoseKeypoints' (FaceMaskFromPoseKeypoints, node 41)'s "
            "'pose_kps' reads: not applied") in said
