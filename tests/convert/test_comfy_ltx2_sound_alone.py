"""LTX-2's sound made alone (text to audio) read into LTX-2 Sound: the placeholder video latent beside LTX-2's empty audio
latent (ComfyUI-LTXVideo's T2A) or one node making both (ckinpdx's LTXAudioOnlyLatent), the audio-only model patch
said done by the generator, the sound's length in 'seconds', its save a Save Audio (a preview's written too, said), a
preview beside a save a display; the audio-only patch on a take with a picture said not applied; a sound saved beside
a take's video made as before (no Save Audio)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said, source_of
from tests.convert.test_comfy_ltx2_sound_shapes import _base, _sampler, _sound_alone

SOUND = "video_models.ltx2_sound"


def test_the_placeholder_and_the_audio_latent_make_ltx2_sound_its_length_and_save_read():
    conv = convert(_sound_alone("LTXVAudioOnlyEmptyVideoLatent"), "t")
    text = said(conv)
    [gen] = nodes_of(conv, SOUND)
    assert (gen.params["seconds"], gen.params["steps"], gen.params["seed"], gen.params["guidance"]) == \
        (round(97 / 24, 4), 8, 5, 1.0)
    assert gen.params["prompt"] == "rain on a tin roof" and gen.params["negative_prompt"] == "noise"
    assert source_of(conv, gen.id, "model").type_id == "video_models.load"
    [save] = nodes_of(conv, "io.save_audio")
    assert save.params["path"] == "out/a.wav" and source_of(conv, save.id, "audio") is gen
    assert nodes_of(conv, "io.save_video") == []
    assert "'LTXVAudioOnlyModel' (LTXVAudioOnlyModel, #7) runs LTX-2's audio stream alone (both audio-video " \
           "cross-attentions off, the placeholder video never attended to): LTX-2 Sound does so itself" in text
    assert "'LTXVEmptyLatentAudio' (LTXVEmptyLatentAudio, #10) makes the sound's latent for 97 frames at 24 fps: " \
           "LTX-2 Sound's 'seconds' 4.0417" in text
    assert "'SaveAudio' (SaveAudio, #20) is written as a 16-bit WAV file, out/a.wav (Studio's Save Audio writes WAV " \
           "only), not in the format and numbered name ComfyUI gives it" in text
    assert "not applied" not in text and "without a picture" not in text and "width, height" not in text


def test_a_length_worked_out_when_the_workflow_runs_is_said():
    doc = _sound_alone("LTXAudioOnlyLatent")
    doc["30"] = {"class_type": "PrimitiveFloat", "inputs": {}}  # (no value: worked out when it runs)
    doc["14"]["inputs"]["seconds"] = ["31", 0]
    doc["31"] = {"class_type": "SimpleMath+", "inputs": {"a": ["30", 0], "value": "a*2"}}
    conv = convert(doc, "t")
    [gen] = nodes_of(conv, SOUND)
    assert gen.params["seconds"] == 5.0
    assert "'LTXAudioOnlyLatent' (LTXAudioOnlyLatent, #14)'s seconds is worked out when the workflow runs: LTX-2 " \
           "Sound's 'seconds' keeps its 5 s" in said(conv)



def test_one_node_making_both_latents_gives_its_seconds():
    doc = _sound_alone("LTXAudioOnlyLatent")
    doc["14"]["inputs"].update(seconds=7.5, batch_size=2)
    conv = convert(doc, "t")
    [gen] = nodes_of(conv, SOUND)
    assert gen.params["seconds"] == 7.5
    assert "LTXAudioOnlyLatent's batch_size 2 (sounds made at once; Studio's LTX-2 Sound makes one) is not taken" \
        in said(conv)


def test_a_preview_alone_is_written_and_a_preview_beside_a_save_is_a_display():
    doc = _sound_alone("LTXVAudioOnlyEmptyVideoLatent")
    doc["20"] = {"class_type": "PreviewAudio", "inputs": {"audio": ["18", 0]}}
    conv = convert(doc, "t")
    [save] = nodes_of(conv, "io.save_audio")
    assert save.params["path"] == "out/ComfyUI_preview.wav"
    assert "'PreviewAudio' (PreviewAudio, #20) plays the sound in ComfyUI (a temporary file): Studio's Save Audio " \
           "writes it into out/ComfyUI_preview.wav" in said(conv)
    doc["21"] = {"class_type": "SaveAudio", "inputs": {"audio": ["18", 0], "filename_prefix": "b"}}
    conv = convert(doc, "t")
    assert [n.params["path"] for n in nodes_of(conv, "io.save_audio")] == ["out/b.wav"]
    assert len(nodes_of(conv, SOUND)) == 1
    assert "'PreviewAudio' (PreviewAudio, #20) plays the sound" in said(conv)


def _joint(patched: bool) -> dict:
    """An LTX-2 take with a picture, its sound saved beside its video (the audio-only patch on its model: patched)."""
    doc = _base()
    doc.update({
        "7": {"class_type": "LTXVAudioOnlyModel", "inputs": {"model": ["1", 0]}},
        "9": {"class_type": "EmptyLTXVLatentVideo", "inputs": {"width": 768, "height": 512, "length": 97,
                                                               "batch_size": 1}},
        "10": {"class_type": "LTXVEmptyLatentAudio", "inputs": {"audio_vae": ["8", 0], "frames_number": 97,
                                                                "frame_rate": 24, "batch_size": 1}},
        "14": {"class_type": "LTXVConcatAVLatent", "inputs": {"video_latent": ["9", 0], "audio_latent": ["10", 0]}},
        "15": _sampler(["14", 0], ["7", 0] if patched else None),
        "16": {"class_type": "LTXVSeparateAVLatent", "inputs": {"av_latent": ["15", 0]}},
        "17": {"class_type": "VAEDecode", "inputs": {"samples": ["16", 0], "vae": ["1", 2]}},
        "18": {"class_type": "LTXVAudioVAEDecode", "inputs": {"samples": ["16", 1], "audio_vae": ["8", 0]}},
        "19": {"class_type": "CreateVideo", "inputs": {"images": ["17", 0], "audio": ["18", 0], "fps": 24}},
        "20": {"class_type": "SaveVideo", "inputs": {"video": ["19", 0], "filename_prefix": "t", "format": "auto",
                                                     "codec": "auto"}},
        "21": {"class_type": "SaveAudio", "inputs": {"audio": ["18", 0], "filename_prefix": "s"}},
    })
    if not patched:
        del doc["7"]
    return doc


def test_a_take_with_a_picture_keeps_its_generator_and_the_patch_is_said_not_applied():
    conv = convert(_joint(False), "t")
    assert nodes_of(conv, SOUND) == [] and nodes_of(conv, "io.save_audio") == []
    assert len(nodes_of(conv, "video_models.ltx2")) == 1
    conv = convert(_joint(True), "t")
    assert nodes_of(conv, SOUND) == [] and len(nodes_of(conv, "video_models.ltx2")) == 1
    assert "'LTXVAudioOnlyModel' (LTXVAudioOnlyModel, #7) runs LTX-2's audio stream alone (the video stream and both " \
           "audio-video cross-attentions off) on a model whose sampler makes no sound alone: not applied" in said(conv)


def test_a_takes_sound_saved_alone_is_said_where_nothing_is_made():
    """ckinpdx's latent-looping TTS: an LTX-2 take with a picture whose sound alone is saved (no video output): not
    read as a sound made alone, the last line says what the output writes and why nothing is made."""
    doc = _joint(False)
    for k in ("17", "19", "20"):
        del doc[k]
    conv = convert(doc, "t")
    assert conv.graph.nodes == {} or not nodes_of(conv, "io.save_audio")
    last = next(line for line in conv.log if "no video output with a sampler found" in line)
    assert "its sound output 'SaveAudio' (SaveAudio, #21) writes a sound sampled by 'KSampler' (#15), not a sound " \
           "made alone" in last


def test_a_workflow_loading_no_video_vae_is_told_to_give_one():
    """ckinpdx's AudioOnly: a transformer-only file and the audio VAE alone; Load Video Model reads such a file with
    the video VAE (LTX-2 Sound decodes its placeholder with it): said. An all-in-one checkpoint gives its own."""
    assert "loads no video VAE" not in said(convert(_sound_alone("LTXAudioOnlyLatent"), "t"))
    doc = _sound_alone("LTXAudioOnlyLatent")
    doc["1"] = {"class_type": "UNETLoader", "inputs": {"unet_name": "ltx-2.3-22b-dev_transformer_only_fp8_scaled"
                                                                    ".safetensors", "weight_dtype": "default"}}
    doc["8"] = {"class_type": "VAELoader", "inputs": {"vae_name": "LTX23_audio_vae_bf16.safetensors"}}
    conv = convert(doc, "t")
    assert len(nodes_of(conv, SOUND)) == 1
    assert "the workflow loads no video VAE (its VAE loaders give only the sound's): Load Video Model reads LTX-2's " \
           "and LTX-2.3's transformer-only files with the video VAE file on its 'vae'" in said(conv)
