"""Issue 112, heldout109's mends (fresh set judged on main bb316e27): each test builds its workflow from node types,
values and links and fails without its mend.

1. A family's model patch read into the generator's settings (WanVideoNAG's nag_scale, nag_tau, nag_alpha) was said
   "applies Normalized Attention Guidance: the generator's nag_scale 5, ..." where the generator made declares none of
   them (Wan 2.2 S2V's Speech to Video: 109/06): false, and the values went nowhere. Now, told by the generator's
   declared params, the patch is said not applied (a generator without NAG: Wan's ControlNet node); a generator
   declaring them (Wan's Image to Video; Speech to Video since nags2v23, which applies NAG as Wan's) takes them.
2. A held task's text encoder loader said "(its prompts are kept as Text Prompt nodes)" where one of its prompts holds
   text (kept) and the other is written by another node when the workflow runs (not kept, said above it): false for
   that one (109/07, 08). Now both are said.
3. Wan 2.2 S2V's Speech to Video had no 'shift' or 'sampler': a ModelSamplingSD3 on its model (4 in 109/06; the
   ComfyUI template's 8) was said not applied, the take sampled at the release's 3. The node now declares the
   generators' shared 'sampler' and 'shift' (base/schedulers.py swaps the scheduler for the run; its run tested in
   tests/video_models/test_wan_s2v.py), so the workflow's are taken.
4. LTX-Video 0.9.7's LTXVBaseSampler given its picture by a node Studio cannot read (a DJZ folder loader) was held as
   "Studio cannot read ComfyUI's LTXVBaseSampler, a sampler it has no counterpart for" (109/07): false, Studio reads it
   (comfy_base_sampler) given loaded pictures or none. A pack translation declining a node now records why
   (CNode.declined), and the held sentence names it."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said


def _wan(s2v: bool) -> dict:
    """A native Wan take with KJNodes' NAG patch on its model: Wan 2.2 S2V from a picture and a voice, or Wan 2.1
    image to video."""
    wf = {
        "1": {"class_type": "UNETLoader", "inputs": {
            "unet_name": "Wan2_2-S2V-14B_fp8_e4m3fn_scaled_KJ.safetensors" if s2v else
            "wan2.1_i2v_480p_14B_fp16.safetensors", "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
                                                      "type": "wan", "device": "default"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "the person is talking", "clip": ["2", 0]}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "6": {"class_type": "WanVideoNAG", "inputs": {"nag_scale": 5.0, "nag_alpha": 0.25, "nag_tau": 2.5,
                                                       "input_type": "default", "model": ["1", 0],
                                                       "conditioning": ["5", 0]}},
        "7": {"class_type": "ModelSamplingSD3", "inputs": {"shift": 3.0, "model": ["6", 0]}},
        "8": {"class_type": "LoadImage", "inputs": {"image": "face.png"}},
        "12": {"class_type": "KSampler", "inputs": {"seed": 5, "steps": 4, "cfg": 1.0, "sampler_name": "euler",
                                                     "scheduler": "simple", "denoise": 1.0, "model": ["7", 0],
                                                     "positive": ["11", 0], "negative": ["11", 1],
                                                     "latent_image": ["11", 2]}},
        "13": {"class_type": "VAEDecode", "inputs": {"samples": ["12", 0], "vae": ["3", 0]}},
        "14": {"class_type": "CreateVideo", "inputs": {"fps": 16, "images": ["13", 0]}},
        "15": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "wan", "format": "auto", "codec": "auto",
                                                      "video": ["14", 0]}},
    }
    if s2v:
        wf["9"] = {"class_type": "LoadAudio", "inputs": {"audio": "voice.wav"}}
        wf["10"] = {"class_type": "AudioEncoderLoader",
                    "inputs": {"audio_encoder_name": "wav2vec2_large_english_fp16.safetensors"}}
        wf["16"] = {"class_type": "AudioEncoderEncode", "inputs": {"audio_encoder": ["10", 0], "audio": ["9", 0]}}
        wf["11"] = {"class_type": "WanSoundImageToVideo", "inputs": {
            "width": 832, "height": 480, "length": 77, "batch_size": 1, "positive": ["4", 0], "negative": ["5", 0],
            "vae": ["3", 0], "audio_encoder_output": ["16", 0], "ref_image": ["8", 0]}}
    else:
        wf["11"] = {"class_type": "WanImageToVideo", "inputs": {
            "width": 832, "height": 480, "length": 81, "batch_size": 1, "positive": ["4", 0], "negative": ["5", 0],
            "vae": ["3", 0], "start_image": ["8", 0]}}
    return wf


def test_nag_patch_on_wan_s2v_is_the_speech_to_video_generators():
    """nags2v23: Speech to Video declares Wan's NAG settings (families/wan_s2v): WanVideoNAG's values are its own,
    and the patch is said applied, not 'not applied'."""
    conv = convert(_wan(True), "s2v_nag.json")
    take = nodes_of(conv, "video_models.wan_s2v")[0]
    assert (take.params["nag_scale"], take.params["nag_tau"], take.params["nag_alpha"]) == (5.0, 2.5, 0.25)
    assert take.params["negative_prompt"] == "blurry"  # (the NAG negative: the generator's negative prompt)
    text = said(conv)
    assert "'WanVideoNAG' (WanVideoNAG, #6) applies Normalized Attention Guidance: the generator's nag_scale 5, " \
           "nag_tau 2.5, nag_alpha 0.25" in text
    assert "not applied, Studio's Speech to Video (S2V) has no setting for it" not in text


def test_nag_patch_on_a_generator_without_nag_is_said_not_applied():
    """The rule itself (patch_taken.untaken), on a generator that declares no NAG (Wan's ControlNet node), with the
    converter's own builder state: the patch's sentence is replaced by one saying it is not applied."""
    from types import SimpleNamespace

    from studio.convert.mapping.patch_taken import untaken
    from studio.core.graph import Graph
    g = Graph()
    task = "video_models.wan_controlnet"
    assert not {"nag_scale", "nag_tau", "nag_alpha"} & {p.name for p in g.registry.get(task).params}
    n = SimpleNamespace(title="", shown_cls="WanVideoNAG", id="6")
    line = "'WanVideoNAG' (WanVideoNAG, #6) applies Normalized Attention Guidance: the generator's nag_scale 5"
    b = SimpleNamespace(g=g, spec_params=lambda t: {p.name for p in g.registry.get(t).params},
                        patch_at={"nag_scale": n, "nag_tau": n, "nag_alpha": n},
                        patch_params={"nag_scale": 5.0, "nag_tau": 2.5, "nag_alpha": 0.25}, patch_family=[(n, line, ())])
    said_lines = ["before", line]
    untaken(b, task, said_lines)
    title = g.registry.get(task).title
    assert said_lines == ["before", "'WanVideoNAG' (WanVideoNAG, #6), a model patch (nag_scale 5, nag_tau 2.5, "
                          f"nag_alpha 0.25): not applied, Studio's {title} has no setting for it (the take is made "
                          "without it)"]


def test_nag_patch_on_wan_image_to_video_is_still_the_generators():
    conv = convert(_wan(False), "i2v_nag.json")
    take = nodes_of(conv, "video_models.image_to_video")[0]
    assert (take.params["nag_scale"], take.params["nag_tau"], take.params["nag_alpha"]) == (5.0, 2.5, 0.25)
    assert "applies Normalized Attention Guidance: the generator's nag_scale 5" in said(conv)


def _held(written: bool) -> dict:
    """LTX-Video 0.9.7's pack sampler given its conditioning picture by a node Studio cannot read (a DJZ folder
    loader): a held task; its positive prompt written by a random-string node, or saved as text."""
    return {
        "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "ltxv-13b-0.9.7-dev_fp8_e4m3fn.safetensors"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "t5xxl_fp8_e4m3fn_scaled.safetensors",
                                                      "type": "ltxv", "device": "default"}},
        "3": {"class_type": "StringPainterV2", "inputs": {"seed": 5, "length": "32"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": ["3", 0] if written else "a lighthouse at dusk",
                                                          "clip": ["2", 0]}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "low quality", "clip": ["2", 0]}},
        "6": {"class_type": "LTXVConditioning", "inputs": {"frame_rate": 24, "positive": ["4", 0],
                                                            "negative": ["5", 0]}},
        "7": {"class_type": "KSamplerSelect", "inputs": {"sampler_name": "euler"}},
        "8": {"class_type": "BasicScheduler", "inputs": {"scheduler": "simple", "steps": 20, "denoise": 1.0,
                                                          "model": ["1", 0]}},
        "9": {"class_type": "RandomNoise", "inputs": {"noise_seed": 7}},
        "10": {"class_type": "CFGGuider", "inputs": {"cfg": 3.0, "model": ["1", 0], "positive": ["6", 0],
                                                      "negative": ["6", 1]}},
        "11": {"class_type": "LTXVBaseSampler", "inputs": {
            "width": 768, "height": 512, "num_frames": 97, "optional_cond_indices": "0", "strength": 0.8,
            "crop": "center", "crf": 30, "blur": 0, "model": ["1", 0], "vae": ["1", 2], "guider": ["10", 0],
            "sampler": ["7", 0], "sigmas": ["8", 0], "noise": ["9", 0], "optional_cond_images": ["15", 0]}},
        "12": {"class_type": "VAEDecode", "inputs": {"samples": ["11", 0], "vae": ["1", 2]}},
        "13": {"class_type": "CreateVideo", "inputs": {"fps": 24, "images": ["12", 0]}},
        "14": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "ltx", "format": "auto", "codec": "auto",
                                                      "video": ["13", 0]}},
        "15": {"class_type": "ZenkaiImagePromptV2", "inputs": {"project": "bar", "index": 3}},
    }


def test_held_loader_says_a_written_prompt_is_not_kept():
    conv = convert(_held(True), "held_written.json")
    assert len(nodes_of(conv, "io.text")) == 1  # (the negative alone)
    text = said(conv)
    assert "(its prompts holding text are kept as Text Prompt nodes; one written by another node when the " \
           "workflow runs is not, said above)" in text
    assert "(its prompts are kept as Text Prompt nodes)" not in text


def test_held_loader_with_both_prompts_kept_as_before():
    conv = convert(_held(False), "held_kept.json")
    assert len(nodes_of(conv, "io.text")) == 2
    assert "(its prompts are kept as Text Prompt nodes)" in said(conv)


def test_s2v_takes_the_workflows_shift_and_sampler():
    wf = _wan(True)
    wf["7"]["inputs"]["shift"] = 4.0
    conv = convert(wf, "s2v_shift.json")
    take = nodes_of(conv, "video_models.wan_s2v")[0]
    assert (take.params["shift"], take.params["sampler"]) == (4.0, "euler")
    assert "shift 4 (ModelSamplingSD3, #7): the generator's shift" in said(conv)


def test_a_held_pack_sampler_that_studio_reads_otherwise_says_why_here():
    text = said(convert(_held(False), "held_declined.json"))
    assert "Studio cannot read ComfyUI's LTXVBaseSampler as it is wired here (its pictures on 'optional_cond_images' " \
           "are not one loaded picture for each frame on its 'optional_cond_indices': Studio reads it given such " \
           "pictures, or none)" in text
    assert "a sampler it has no counterpart for" not in text
