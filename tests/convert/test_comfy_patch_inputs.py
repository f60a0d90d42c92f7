"""A model patch Studio does not apply, on the generator's model way through Impact's basic pipe (an invented pack's
guidance patch taking its own negative prompt on a CONDITIONING input, as LTX2_NAG does): said in the generator's note
with what it is given, and passed over with the nodes it alone is made with (never 'not converted' without a
sentence); a node also read elsewhere stays read. A placeholder (ImpactDummyInput) filling a pipe's field that no node
Studio makes takes is passed over; one whose field a converted node takes is not."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said


def _wan_through_basic_pipe(neg_cond: str = "31", vae: str = "3") -> dict:
    """Wan text to video (API JSON) whose model is patched by 'AcmeNegGuide' (model in and out, its own negative
    prompt on 'neg_cond') and then goes through ToBasicPipe -> FromBasicPipe before the sampler."""
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors",
                                                     "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
                                                     "type": "wan", "device": "default"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "a heron lands on a lake", "clip": ["2", 0]}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "9": {"class_type": "EmptyHunyuanLatentVideo", "inputs": {"width": 832, "height": 480, "length": 33,
                                                                  "batch_size": 1}},
        "20": {"class_type": "ToBasicPipe", "inputs": {"model": ["30", 0], "clip": ["2", 0], "vae": [vae, 0],
                                                        "positive": ["4", 0], "negative": ["5", 0]}},
        "21": {"class_type": "FromBasicPipe", "inputs": {"basic_pipe": ["20", 0]}},
        "30": {"class_type": "AcmeNegGuide", "inputs": {"model": ["1", 0], "neg_cond": [neg_cond, 0], "scale": 11}},
        "31": {"class_type": "CLIPTextEncode", "inputs": {"text": "static, watermark", "clip": ["2", 0]}},
        "13": {"class_type": "KSampler", "inputs": {"seed": 7, "steps": 20, "cfg": 5.0, "sampler_name": "euler",
                                                    "scheduler": "simple", "denoise": 1.0, "model": ["21", 0],
                                                    "positive": ["21", 3], "negative": ["21", 4],
                                                    "latent_image": ["9", 0]}},
        "14": {"class_type": "VAEDecode", "inputs": {"samples": ["13", 0], "vae": ["3", 0]}},
        "15": {"class_type": "CreateVideo", "inputs": {"fps": 16, "images": ["14", 0]}},
        "16": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "heron", "format": "auto", "codec": "auto",
                                                     "video": ["15", 0]}}}


def test_a_patch_through_a_pipe_is_said_and_its_own_negative_passed_with_it():
    conv = convert(_wan_through_basic_pipe(), "nag")
    said = _said(conv)
    assert ("'AcmeNegGuide' (AcmeNegGuide, #30: a model patch) between the model loader and 'KSampler' (#13) is not "
            "applied, nor what it is given on 'neg_cond': Studio loads the model without it") in said
    assert "'CLIPTextEncode' (CLIPTextEncode, #31) gives 'AcmeNegGuide' (#30)'s 'neg_cond': one of what " \
           "'AcmeNegGuide' (AcmeNegGuide, #30) is made with" in said
    assert {"30", "31"} <= set(conv.passed) and not {"30", "31"} & set(conv.dropped)
    assert any("'AcmeNegGuide' (AcmeNegGuide, #30), a model patch on the model 'KSampler' (#13) samples with: not "
               "applied" in line for line in conv.log)
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video").params
    assert (gen["prompt"], gen["negative_prompt"]) == ("a heron lands on a lake", "blurry")


def test_a_patch_input_also_read_by_the_sampler_stays_read():
    conv = convert(_wan_through_basic_pipe(neg_cond="5"), "nag")
    assert "30" in conv.passed and "5" not in conv.passed and "5" not in conv.dropped
    assert "'5' (CLIPTextEncode" not in _said(conv) and "(CLIPTextEncode, #5) gives" not in _said(conv)


def test_a_placeholder_filling_a_pipe_field_nothing_takes_is_passed_over():
    doc = _wan_through_basic_pipe(vae="40")
    doc["40"] = {"class_type": "ImpactDummyInput", "inputs": {}}
    conv = convert(doc, "dummy")
    assert "40" in conv.passed and "40" not in conv.dropped
    assert ("'ImpactDummyInput' (ImpactDummyInput, #40) fills 'ToBasicPipe' (#20)'s 'vae' with a placeholder "
            "(it takes nothing, has no setting and gives a value of any type): a pipe's field read through, which no "
            "node Studio makes takes; nothing is lost") in _said(conv)


def test_a_placeholder_whose_field_a_converted_node_takes_is_not_said_lost_nothing():
    doc = _wan_through_basic_pipe(vae="40")
    doc["40"] = {"class_type": "ImpactDummyInput", "inputs": {}}
    doc["14"]["inputs"]["vae"] = ["21", 2]  # the decoder takes the pipe's 'vae': the placeholder itself
    conv = convert(doc, "dummy")
    assert "40" not in conv.passed
    assert "(ImpactDummyInput, #40) fills" not in _said(conv)


def test_a_patch_of_an_output_held_is_not_said_passed_with_a_note_there_is_not():
    """The output held (a picture brought in by a conditioning node Studio does not read): no generator's note says
    the patch, so neither it nor its own negative is passed over as said there; the patch is said held in the Log,
    and since animdiff15 its own negative is passed over with it in a sentence saying the task held (it was listed as
    not converted)."""
    doc = _wan_through_basic_pipe()
    doc["50"] = {"class_type": "LoadImage", "inputs": {"image": "a.png"}}
    doc["51"] = {"class_type": "AcmeImageGuide", "inputs": {"positive": ["4", 0], "image": ["50", 0], "strength": 1.0}}
    doc["20"]["inputs"]["positive"] = ["51", 0]
    conv = convert(doc, "held")
    assert [t["generator"] for t in conv.tasks] == [None]
    assert "30" not in conv.passed and "said in that generator's note" not in _said(conv)
    assert "31" in conv.passed and "'CLIPTextEncode' (CLIPTextEncode, #31) gives 'AcmeNegGuide' (#30)'s 'neg_cond': one " \
        "of what 'AcmeNegGuide' (AcmeNegGuide, #30) is made with" in _said(conv) and \
        "(the task is held with no generator)" in _said(conv).split("#31) gives", 1)[1].split("\n", 1)[0]
