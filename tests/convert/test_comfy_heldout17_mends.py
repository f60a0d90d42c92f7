"""Mechanisms a seventeenth held-out set (benchmarks/results/heldout17_2026-11-29.md: LTX-2 / LTX-2.3 workflows from
small repositories, RunPod workers and app files) showed, each on a small hand-written workflow: an API file with an
object of notes beside its nodes refused."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said


def _ltx2_t2v() -> dict:
    """An API file: LTX-2.3 text to video in one pass (checkpoint, Gemma encoder, empty latents, a sampler, a save)."""
    return {
        "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "ltx-2.3-22b-dev-fp8.safetensors"}},
        "2": {"class_type": "LTXAVTextEncoderLoader", "inputs": {"text_encoder": "gemma_3_12B_it.safetensors",
                                                                "ckpt_name": "ltx-2.3-22b-dev-fp8.safetensors",
                                                                "device": "default"}},
        "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "a red fox in snow", "clip": ["2", 0]}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "5": {"class_type": "LTXVConditioning", "inputs": {"positive": ["3", 0], "negative": ["4", 0],
                                                           "frame_rate": 24}},
        "6": {"class_type": "EmptyLTXVLatentVideo", "inputs": {"width": 768, "height": 512, "length": 97,
                                                               "batch_size": 1}},
        "7": {"class_type": "KSampler", "inputs": {"seed": 5, "steps": 20, "cfg": 3.0, "sampler_name": "euler",
                                                   "scheduler": "simple", "denoise": 1.0, "model": ["1", 0],
                                                   "positive": ["5", 0], "negative": ["5", 1],
                                                   "latent_image": ["6", 0]}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["7", 0], "vae": ["1", 2]}},
        "9": {"class_type": "CreateVideo", "inputs": {"images": ["8", 0], "fps": 24}},
        "10": {"class_type": "SaveVideo", "inputs": {"video": ["9", 0], "filename_prefix": "fox", "format": "auto",
                                                     "codec": "auto"}},
    }


def test_an_api_file_with_an_object_of_notes_beside_its_nodes_is_read():
    """koala-penguin's API files hold '_readme': {title, structure, patch_points} beside their nodes: refused as 'not
    a ComfyUI workflow' (heldout17 05, 06). Its nodes are read; the entry is said skipped, as a text comment is; a
    number under '_' still is no workflow, nor an entry that is a node (class_type) under '_'."""
    wf = _ltx2_t2v()
    wf["_readme"] = {"title": "LTX-2.3 text to video", "patch_points": {"3.inputs.text": "the prompt"}}
    conv = convert(wf, "readme.json")
    assert any(n.type_id.startswith("video_models.ltx2") for n in conv.graph.nodes.values())
    assert ("the file holds 1 entry beside its nodes ('_readme'), notes to its reader: not nodes, skipped"
            in _said(conv))
    from studio.convert.reading.workflow import is_workflow
    assert is_workflow({"_readme": {"title": "x"}}) is None and is_workflow({"_c": 1, **_ltx2_t2v()}) is None
    assert is_workflow({"_n": {"class_type": "KSampler", "inputs": {}}}) == "api"


def _ltx2_two_stages(second_inplace: dict) -> dict:
    """An API file: LTX-2 image to video in two stages (CheckpointLoaderSimple, Gemma, the picture in place, 8 sigmas,
    the x2 latent upsampler, the picture in place again with ``second_inplace``'s inputs, 3 sigmas, a save)."""
    def n(cls, **inputs):
        return {"class_type": cls, "inputs": inputs}
    return {
        "1": n("CheckpointLoaderSimple", ckpt_name="ltx-2-19b-distilled.safetensors"),
        "2": n("LTXVGemmaCLIPModelLoader", gemma_path="gemma-3-12b-it/model-00001-of-00005.safetensors",
               ltxv_path="ltx-2-19b-distilled.safetensors", max_length=1024),
        "3": n("CLIPTextEncode", text="a monkey on a bed", clip=["2", 0]),
        "4": n("CLIPTextEncode", text="", clip=["2", 0]),
        "5": n("LTXVConditioning", positive=["3", 0], negative=["4", 0], frame_rate=24),
        "6": n("LoadImage", image="first.png"),
        "7": n("EmptyLTXVLatentVideo", width=768, height=512, length=97, batch_size=1),
        "8": n("LTXVImgToVideoInplace", strength=1.0, bypass=False, vae=["1", 2], image=["6", 0], latent=["7", 0]),
        "9": n("RandomNoise", noise_seed=42),
        "10": n("KSamplerSelect", sampler_name="euler"),
        "11": n("ManualSigmas", sigmas="1., 0.99375, 0.9875, 0.98125, 0.975, 0.909375, 0.725, 0.421875, 0.0"),
        "12": n("CFGGuider", cfg=1, model=["1", 0], positive=["5", 0], negative=["5", 1]),
        "30": n("LTXVAudioVAELoader", ckpt_name="ltx-2-19b-distilled.safetensors"),
        "31": n("LTXVEmptyLatentAudio", frames_number=97, frame_rate=24, batch_size=1, audio_vae=["30", 0]),
        "32": n("LTXVConcatAVLatent", video_latent=["8", 0], audio_latent=["31", 0]),
        "13": n("SamplerCustomAdvanced", noise=["9", 0], guider=["12", 0], sampler=["10", 0], sigmas=["11", 0],
                latent_image=["32", 0]),
        "33": n("LTXVSeparateAVLatent", av_latent=["13", 0]),
        "14": n("LatentUpscaleModelLoader", model_name="ltx-2-spatial-upscaler-x2-1.0.safetensors"),
        "15": n("LTXVLatentUpsampler", samples=["33", 0], upscale_model=["14", 0], vae=["1", 2]),
        "16": n("LTXVImgToVideoInplace", **second_inplace, vae=["1", 2], image=["6", 0], latent=["15", 0]),
        "34": n("LTXVConcatAVLatent", video_latent=["16", 0], audio_latent=["33", 1]),
        "17": n("RandomNoise", noise_seed=420),
        "18": n("ManualSigmas", sigmas="0.909375, 0.725, 0.421875, 0.0"),
        "19": n("SamplerCustomAdvanced", noise=["17", 0], guider=["12", 0], sampler=["10", 0], sigmas=["18", 0],
                latent_image=["34", 0]),
        "35": n("LTXVSeparateAVLatent", av_latent=["19", 0]),
        "20": n("VAEDecode", samples=["35", 0], vae=["1", 2]),
        "36": n("LTXVAudioVAEDecode", samples=["35", 1], audio_vae=["30", 0]),
        "21": n("CreateVideo", images=["20", 0], fps=24, audio=["36", 0]),
        "22": n("SaveVideo", video=["21", 0], filename_prefix="monkey", format="auto", codec="auto"),
    }


def test_a_strength_an_api_file_leaves_out_is_said_as_its_declared_default_never_none():
    """tolgatasci's API file leaves the second pass's LTXVImgToVideoInplace 'strength' out (ComfyUI runs the declared
    default, 1.0): it was said '(LTXVImgToVideoInplace, strength None)' (heldout17 07)."""
    said = _said(convert(_ltx2_two_stages({"bypass": False}), "two.json"))
    assert "strength None" not in said and "strength" not in next(  # (1: as the refine puts it in place: ltx2x22)
        x for x in said.splitlines() if "put in place again first at that size, as" in x)
    said = _said(convert(_ltx2_two_stages({"bypass": False, "strength": 0.6}), "two.json"))
    line = next(x for x in said.splitlines() if "puts the start picture in place at strength" in x)
    assert "(LTXVImgToVideoInplace, #" in line and "strength 0.6 for the second pass" in line  # (its node named)


def test_a_video_loaders_sound_output_is_wired_as_its_sound_by_its_declared_type():
    """VideoHelperSuite's video loaders declare their sound at output 2 (IMAGE, frame_count | mask, AUDIO, video_info):
    read as the video, the clip's sound kept by an LTX-2 workflow was 'not wired to audio (cannot connect n4.video
    (Video) to n3.audio (Audio))' (linhcentrio's body transfer, heldout17 01)."""
    wf = _ltx2_two_stages({"bypass": False, "strength": 1.0})
    wf["40"] = {"class_type": "VHS_LoadVideoFFmpeg", "inputs": {"video": "dance.mp4", "force_rate": 0,
                                                                "custom_width": 0, "custom_height": 0,
                                                                "frame_load_cap": 0, "start_time": 0,
                                                                "format": "AnimateDiff"}}
    wf["41"] = {"class_type": "LTXVAudioVAEEncode", "inputs": {"audio": ["40", 2], "audio_vae": ["30", 0]}}
    wf["42"] = {"class_type": "SolidMask", "inputs": {"value": 0, "width": 768, "height": 512}}
    wf["43"] = {"class_type": "SetLatentNoiseMask", "inputs": {"samples": ["41", 0], "mask": ["42", 0]}}
    wf["32"]["inputs"]["audio_latent"] = ["43", 0]
    conv = convert(wf, "sound.json")
    g = conv.graph
    load = next(i for i, n in g.nodes.items() if n.type_id == "io.load_video")
    gen = next(i for i, n in g.nodes.items() if n.type_id == "video_models.ltx2")
    assert any((lk.src, lk.src_port, lk.dst, lk.dst_port) == (load, "audio", gen, "audio") for lk in g.links)
    assert "is not wired to 'audio'" not in _said(conv)


def test_what_is_said_of_the_way_to_an_input_the_generator_lacks_is_taken_back():
    """An LTX-2 workflow encoding a clip (resized by ResizeImagesByLongerEdge) into its latent, the sigmas from its
    scheduler: LTX-2 Video + Sound has no 'video' input, and yet 'pixels' was said "scaled ... by Studio's Scale" and
    "Video to Video runs at its default strength" - no Scale and no Video to Video made (venetanji's continue,
    heldout17 09). Only that the generator has no such input is said."""
    def n(cls, **inputs):
        return {"class_type": cls, "inputs": inputs}
    wf = _ltx2_two_stages({"bypass": False, "strength": 1.0})
    for k in ("6", "8", "14", "15", "16", "17", "18", "19", "33", "34"):
        wf.pop(k)
    wf.update({
        "50": n("LoadVideo", file="take.mp4"),
        "51": n("GetVideoComponents", video=["50", 0]),
        "52": n("ResizeImagesByLongerEdge", longer_edge=832, images=["51", 0]),
        "53": n("VAEEncode", pixels=["52", 0], vae=["1", 2]),
        "54": n("LTXVScheduler", steps=8, max_shift=2.05, base_shift=0.95, stretch=True, terminal=0.1,
                latent=["32", 0]),
    })
    wf["32"]["inputs"]["video_latent"] = ["53", 0]
    wf["13"]["inputs"]["sigmas"] = ["54", 0]
    wf["35"]["inputs"]["av_latent"] = ["13", 0]
    said = _said(convert(wf, "continue.json"))
    assert "for 'video': LTX-2 Video + Sound has no such input" in said
    assert "by Studio's Scale" not in said and "Video to Video runs at its default strength" not in said


def test_an_encoded_take_a_noise_mask_keeps_is_held_as_a_continuation_never_noised_away():
    """Shot 2 of jlucasmcrell's multishot encodes the last frames of shot 1 and keeps them with KJNodes'
    LTXVAudioVideoMask (a LATENT in and out, mask settings) before a sampler denoising whole: it was said "denoises its
    encoded latent whole: the clip encoded (image ...) is noised away, as in ComfyUI" and made as a fresh take given
    shot 1's voice (heldout17 04). A mask on the way (here ComfyUI's SetLatentNoiseMask, a MASK input) holds the
    continuation with its own sentence, with its own prompt - never the earlier take's picture or prompt."""
    def n(cls, **inputs):
        return {"class_type": cls, "inputs": inputs}
    wf = _ltx2_t2v()
    wf.update({
        "11": n("LoadImage", image="shot1_start.png"),
        "12": n("LTXVImgToVideo", positive=["5", 0], negative=["5", 1], vae=["1", 2], image=["11", 0], width=768,
                height=512, length=97, batch_size=1, strength=1.0),
        "21": n("VAEEncode", pixels=["8", 0], vae=["1", 2]),  # (a few frames picked: an extension's segment)
        "22": n("SolidMask", value=0.0, width=768, height=512),
        "23": n("SetLatentNoiseMask", samples=["21", 0], mask=["22", 0]),
        "24": n("CLIPTextEncode", text="the fox keeps running", clip=["2", 0]),
        "25": n("LTXVConditioning", positive=["24", 0], negative=["4", 0], frame_rate=24),
        "26": n("KSampler", seed=6, steps=20, cfg=3.0, sampler_name="euler", scheduler="simple", denoise=1.0,
                model=["1", 0], positive=["25", 0], negative=["25", 1], latent_image=["23", 0]),
        "27": n("VAEDecode", samples=["26", 0], vae=["1", 2]),
        "28": n("CreateVideo", images=["27", 0], fps=24),
        "29": n("SaveVideo", video=["28", 0], filename_prefix="fox2", format="auto", codec="auto"),
    })
    wf["7"]["inputs"].update(positive=["12", 0], negative=["12", 1], latent_image=["12", 2])
    conv = convert(wf, "continue.json")
    said = _said(conv)
    assert "noised away" not in said
    line = next(x for x in said.splitlines() if x.startswith("This workflow makes a video made around the encoded "
                                                               "frames 'SetLatentNoiseMask' (SetLatentNoiseMask, #23) "
                                                               "keeps in the latent (a continuation or an inpaint)"))
    assert "Studio cannot continue or inpaint encoded frames a noise mask keeps" in line
    assert "the fox keeps running" in line and "shot1_start.png" not in line and "a red fox in snow" not in line
    assert sum(1 for x in conv.graph.nodes.values() if x.type_id.startswith("video_models.") and
               x.type_id not in ("video_models.load", "video_models.lora")) == 1  # shot 1 alone made


def test_an_extend_sampler_after_the_takes_latent_steps_is_that_take_made_longer_the_shorter_save_said():
    """koala-penguin's seamless long video extends the take of its first sampler through LTXVCropGuides (a LATENT in
    and out) with LTXVExtendSampler twice, and also saves that take as it is: the extension was not read (its save
    said to be 'another Save Video on the pipeline ... the same sampler: generated once', the 121-frame take written
    for the 361-frame one; heldout17 05). Now the take is made longer, and the save of the shorter take is said."""
    def n(cls, **inputs):
        return {"class_type": cls, "inputs": inputs}
    wf = _ltx2_t2v()
    wf.update({
        "20": n("LTXVCropGuides", positive=["5", 0], negative=["5", 1], latent=["7", 0]),
        "21": n("KSamplerSelect", sampler_name="euler"),
        "22": n("RandomNoise", noise_seed=9),
        "23": n("CFGGuider", cfg=1, model=["1", 0], positive=["5", 0], negative=["5", 1]),
        "24": n("ManualSigmas", sigmas="1.0, 0.725, 0.421875, 0.0"),
        "25": n("LTXVExtendSampler", model=["1", 0], vae=["1", 2], latents=["20", 2], num_new_frames=80,
                frame_overlap=16, guider=["23", 0], sampler=["21", 0], sigmas=["24", 0], noise=["22", 0],
                strength=0.5),
        "26": n("VAEDecode", samples=["25", 0], vae=["1", 2]),
        "27": n("CreateVideo", images=["26", 0], fps=24),
        "28": n("SaveVideo", video=["27", 0], filename_prefix="long", format="auto", codec="auto"),
    })
    wf["8"]["inputs"]["samples"] = ["20", 2]
    conv = convert(wf, "long.json")
    said = _said(conv)
    assert "'LTXVExtendSampler' (LTXVExtendSampler, #25) extends the take of 'KSampler' (#7) by 80 frames" in said
    gens = [x for x in conv.graph.nodes.values() if x.type_id == "video_models.ltx2"]
    assert len(gens) == 1 and gens[0].params["frames"] == 177
    assert "'VAEDecode' (VAEDecode, #8) reads the take of 'KSampler' (#7) before" in said


def test_a_noise_mask_on_an_encoded_clip_holds_it_whatever_the_denoise():
    """venetanji's continue encodes a clip's last seconds, KJNodes' LTXVAudioVideoMask keeps them and the scheduler's
    sigmas leave the denoise unknown: made as a text to video with sentences of a Video to Video (heldout17 09). A
    noise mask on an encoded clip's way holds the task at any denoise (only the masked part is made anew)."""
    def n(cls, **inputs):
        return {"class_type": cls, "inputs": inputs}
    wf = _ltx2_t2v()
    wf.update({
        "20": n("LoadVideo", file="take.mp4"),
        "21": n("GetVideoComponents", video=["20", 0]),
        "22": n("VAEEncode", pixels=["21", 0], vae=["1", 2]),
        "23": n("SolidMask", value=0.0, width=768, height=512),
        "24": n("SetLatentNoiseMask", samples=["22", 0], mask=["23", 0]),
    })
    wf["7"]["inputs"].update(latent_image=["24", 0], denoise=0.6)
    conv = convert(wf, "masked.json")
    said = _said(conv)
    assert said.startswith("This workflow makes a video made around the encoded frames 'SetLatentNoiseMask'")
    assert not any(x.type_id in ("video_models.ltx2", "video_models.video_to_video") for x in conv.graph.nodes.values())


def test_a_held_tasks_lora_another_outputs_generator_loads_is_said_loaded_there():
    """jlucasmcrell's ID-LoRA is on the model of both shots: with shot 2 held, it was said "not applied, as no generator
    is made" beside shot 1's generator loading it (heldout17 04). The held task's sentence says the made take loads it."""
    def n(cls, **inputs):
        return {"class_type": cls, "inputs": inputs}
    wf = _ltx2_t2v()
    wf.update({
        "19": n("LoraLoaderModelOnly", lora_name="id-lora.safetensors", strength_model=1.0, model=["1", 0]),
        "21": n("VAEEncode", pixels=["8", 0], vae=["1", 2]),
        "22": n("SolidMask", value=0.0, width=768, height=512),
        "23": n("SetLatentNoiseMask", samples=["21", 0], mask=["22", 0]),
        "26": n("KSampler", seed=6, steps=20, cfg=3.0, sampler_name="euler", scheduler="simple", denoise=1.0,
                model=["19", 0], positive=["5", 0], negative=["5", 1], latent_image=["23", 0]),
        "27": n("VAEDecode", samples=["26", 0], vae=["1", 2]),
        "28": n("CreateVideo", images=["27", 0], fps=24),
        "29": n("SaveVideo", video=["28", 0], filename_prefix="fox2", format="auto", codec="auto"),
    })
    wf["7"]["inputs"]["model"] = ["19", 0]
    conv = convert(wf, "lora.json")
    said = _said(conv)
    assert any(x.type_id == "video_models.lora" for x in conv.graph.nodes.values())
    assert ("LoRA 'id-lora.safetensors' (strength 1.0) loaded by 'LoraLoaderModelOnly' (LoraLoaderModelOnly, #19) on "
            "the model of the held task: not applied to it, as it has no generator (the take Studio makes from the same "
            "model loads it)") in said
