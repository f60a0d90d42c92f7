"""A clip's own sound in an LTX-2 workflow, as ComfyUI-LTXVideo's IC-LoRA workflows give it: encoded by ComfyUI's core
VAEEncodeAudio on LTX-2's audio VAE (or LTX-2's own encoder), then through the pack's LTXVSetAudioRefTokens, whose
frozen output (a noise mask of 0) held clean is 'sound: drive' and whose reference tokens on the conditioning are
'sound: voice' (the take's speech in that voice, as its lip-dub workflow does). Those workflows had been held with
no generator, the core audio encoder named as what Studio could not read. And a node no family reads on the
latent's way, given a file, holds the output naming that node, where it had been dropped in silence."""
from __future__ import annotations

import pytest

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wrappers import _nodes
from tests.convert.said import said as _said

CKPT = "ltx-2.3-22b-dev.safetensors"


def _doc(encoder: str = "VAEEncodeAudio", frozen: bool = True, tokens: bool = False, guide: str = "LTXAddVideoICLoRAGuide"):
    audio_in = {"audio": ["4", 1], "vae": ["8", 0]} if encoder == "VAEEncodeAudio" else \
        {"audio": ["4", 1], "audio_vae": ["8", 0]}
    cond = ["12", 0] if tokens else ["11", 0], ["12", 1] if tokens else ["11", 1]
    return {
        "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": CKPT}},
        "2": {"class_type": "LTXAVTextEncoderLoader", "inputs": {"text_encoder": "gemma_3_12B_it.safetensors",
                                                                 "ckpt_name": CKPT, "device": "default"}},
        "3": {"class_type": "LoadVideo", "inputs": {"file": "talk.mp4"}},
        "4": {"class_type": "GetVideoComponents", "inputs": {"video": ["3", 0]}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "she speaks in Spanish", "clip": ["2", 0]}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "7": {"class_type": "EmptyLTXVLatentVideo", "inputs": {"width": 768, "height": 512, "length": 97, "batch_size": 1}},
        "8": {"class_type": "LTXVAudioVAELoader", "inputs": {"ckpt_name": CKPT}},
        "9": {"class_type": encoder, "inputs": audio_in},
        "10": {"class_type": "LTXVEmptyLatentAudio", "inputs": {"audio_vae": ["8", 0], "frames_number": 97,
                                                                "frame_rate": 24, "batch_size": 1}},
        "11": {"class_type": "LTXVConditioning", "inputs": {"positive": ["5", 0], "negative": ["6", 0], "frame_rate": 24}},
        "12": {"class_type": "LTXVSetAudioRefTokens", "inputs": {"positive": ["11", 0], "negative": ["11", 1],
                                                                 "audio_latent": ["9", 0]}},
        "13": {"class_type": guide, "inputs": {"positive": cond[0], "negative": cond[1], "vae": ["1", 2],
                                               "latent": ["7", 0], "image": ["4", 0], "frame_idx": 0, "strength": 1.0}},
        "14": {"class_type": "LTXVConcatAVLatent", "inputs": {"video_latent": ["13", 2],
                                                              "audio_latent": ["12", 2] if frozen else ["10", 0]}},
        "15": {"class_type": "KSampler", "inputs": {"model": ["1", 0], "positive": ["13", 0], "negative": ["13", 1],
                                                    "latent_image": ["14", 0], "seed": 5, "steps": 8, "cfg": 1.0,
                                                    "sampler_name": "euler", "scheduler": "simple", "denoise": 1.0}},
        "16": {"class_type": "LTXVSeparateAVLatent", "inputs": {"av_latent": ["15", 0]}},
        "17": {"class_type": "VAEDecode", "inputs": {"samples": ["16", 0], "vae": ["1", 2]}},
        "18": {"class_type": "LTXVAudioVAEDecode", "inputs": {"samples": ["16", 1], "audio_vae": ["8", 0]}},
        "19": {"class_type": "CreateVideo", "inputs": {"images": ["17", 0], "audio": ["18", 0], "fps": 24}},
        "20": {"class_type": "SaveVideo", "inputs": {"video": ["19", 0], "filename_prefix": "t", "format": "auto",
                                                     "codec": "auto"}},
    }


def _sound_source(conv, gen):
    link = conv.graph.input_link(gen.id, "audio")
    return (conv.graph.nodes[link.src].type_id, conv.graph.nodes[link.src].params.get("path"), link.src_port)


@pytest.mark.parametrize("encoder", ["VAEEncodeAudio", "LTXVAudioVAEEncode"])
def test_the_frozen_sound_is_held_clean_and_the_clip_is_the_control(encoder):
    conv = convert(_doc(encoder=encoder), "t")
    assert conv.graph.validate() == []
    assert [(t["generator"], t["inputs"]) for t in conv.tasks] == [("video_models.ltx2", ["audio", "control"])]
    gen = _nodes(conv, "video_models.ltx2")[0]
    assert gen.params["sound"] == "drive"
    assert _sound_source(conv, gen) == ("io.load_video", "talk.mp4", "audio")
    assert not any(line.startswith("This workflow makes") for line in conv.log)
    listed = next(line for line in conv.log if "not converted" in line)
    assert encoder not in listed and "LTXVSetAudioRefTokens" not in listed


def test_reference_tokens_on_the_conditioning_are_the_voice_with_no_identity_guidance():
    conv = convert(_doc(frozen=False, tokens=True), "t")
    gen = _nodes(conv, "video_models.ltx2")[0]
    assert (gen.params["sound"], gen.params["identity_guidance"]) == ("voice", 0.0)
    assert _sound_source(conv, gen) == ("io.load_video", "talk.mp4", "audio")
    assert "reference voice" in conv.tasks[0]["task"]


def test_both_uses_of_one_sound_hold_it_clean_and_say_the_tokens():
    conv = convert(_doc(frozen=True, tokens=True), "t")
    assert _nodes(conv, "video_models.ltx2")[0].params["sound"] == "drive"
    assert "is held clean and also given as reference tokens (LTXVSetAudioRefTokens)" in _said(conv)


def test_a_sound_denoised_with_the_take_stays_the_input_sound_unless_noised_away_from_pure_noise():
    doc = _doc(frozen=False)
    doc["14"]["inputs"]["audio_latent"] = ["9", 0]  # the encoded sound itself, no mask: denoised with the picture
    doc["15"]["inputs"]["denoise"] = 0.6  # from part-way down the schedule: part of the track kept, the map's 'input'
    gen = _nodes(convert(doc, "t"), "video_models.ltx2")[0]
    assert gen.params["sound"] == "input"
    doc["15"]["inputs"]["denoise"] = 1.0  # from pure noise: ComfyUI noises the track away (heldout32 16; this test
    # had asked 'input' there, the track written over a take whose ComfyUI sound is a new one)
    gen = _nodes(convert(doc, "t"), "video_models.ltx2")[0]
    assert gen.params["sound"] == "generated"


def test_a_node_no_family_reads_on_the_latents_way_given_a_file_holds_the_output_naming_it():
    """The clip reaches the sampler only through a pack's guide Studio does not read: made without it, the take
    would be another task, so the output is held, that node named, never made as text to video - also where
    another input of the task (the clip's sound, held clean) is wired (ComfyUI-LTXVideo's inpainting workflows,
    whose LTXAddVideoICLoRAGuideAdvanced had been dropped in silence)."""
    doc = _doc(frozen=True, guide="SomePackVideoGuide")  # (no VAE in: one with every socket of LTXVAddGuide's
    doc["13"]["inputs"].pop("vae")  # is read as its twin, packs/uncatalogued_twins.py)
    conv = convert(doc, "t")
    assert _nodes(conv, "video_models.ltx2") == []
    first = conv.log[0]
    assert first.startswith("This workflow makes a video from video given to the sampler by SomePackVideoGuide")
    # named again: listed as not converted, or (its types told by its catalogued neighbours) passed over in words
    assert any("SomePackVideoGuide" in line for line in conv.log if "not converted" in line) or \
        "13" in conv.passed and any("(SomePackVideoGuide, #13), a node whose type no pack" in line for line in conv.log)


def test_a_node_no_family_reads_passing_the_latent_on_with_no_file_of_its_own_does_not_hold_the_output():
    """A pack's check of the latent on its way (an artist's MiniMaxH3Preflight: conditioning and samples in, the
    same out) is passed over, as before: only a node given a file of its own holds the output."""
    doc = _doc()
    doc["21"] = {"class_type": "SomePackLatentCheck", "inputs": {"samples": ["14", 0]}}
    doc["15"]["inputs"]["latent_image"] = ["21", 0]
    conv = convert(doc, "t")
    assert [(t["generator"], t["inputs"]) for t in conv.tasks] == [("video_models.ltx2", ["audio", "control"])]
