"""Issue 112, clss22: a node pack's own sampler for a family Studio has, read by its declared types (the CLSS pack's
streaming LTX-2.3 sampler and its stage 2, held-out 98/02-04, held with no generator before). Each workflow is built
from the catalogue's declarations of the pack's types (nazgut/ComfyUI-LTX2.3-CLSS: CLSSStreamingSampler takes a
GUIDER, a SAMPLER, SIGMAS, a NOISE, a LATENT (a template of one chunk), its CLSS_CONFIG and num_chunks, and an
optional IMAGE with a VAE; CLSSVideoDecodeSave a VAE and a LATENT, an output node) and ComfyUI's LTX-2 nodes; each
test fails without its mend.

1. A sampler of SamplerCustomAdvanced's sockets is read as it: the LTX-2 take is made, its chunked template's length
   made whole (num_chunks x the template's latent frames), what it does beyond said in one sentence naming it.
2. Its guide picture (IMAGE with a VAE) is the take's first frame: image to video.
3. A pack's decode-and-save (VAE and LATENT in, an output node) is read as VAEDecode then SaveImage; a pack's save of
   pictures with a subfolder setting as SaveImage.
4. The take's sound saved alone beside its pictures (SaveAudio, SaveAudioAdvanced) is written by Save Audio.
5. The pack's scene prompts (scenes split at '---', one per chunk; each rewritten by Gemma) are said.
6. A guider patch (GUIDER in, GUIDER out) is read as the guider it is given (its settings said, never mapped: the
   CLSS pack's own source says its v1 patch is inert on a ComfyUI packing the sound with the picture); a guider's
   STG block is not said to be a machine setting.
7. A second pass of the pack treating the sound its own way is not said to resample it."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said, source_of

PROMPT = "a hedgehog in a baker's hat decorates a cake in a sunny cottage kitchen, medium shot"
SCENES = PROMPT + "\n---\na moose walks in and sniffs the cake\n---\na bird lands on the moose's antler"


def _clss(image: bool = False, save: str = "video", prompt: str = PROMPT, stage2: bool = False,
          guider: str = "v2", chunks: int = 3, length: int = 97):
    """An LTX-2.3 take through the CLSS streaming sampler (and its stage 2 after LTX-2's x2 upsampler), saved as a
    video (CreateVideo, SaveVideo), as pictures by the pack's decode-and-save ('decode') or by a pack's picture save
    after a VAE decode ('pictures'), its sound by SaveAudioAdvanced beside pictures."""
    n = {
        "1": ("UNETLoader", {"unet_name": "ltx-2.3-22b-dev.safetensors", "weight_dtype": "default"}),
        "2": ("VAELoader", {"vae_name": "ltx-2.3-22b-dev_video_vae.safetensors"}),
        "3": ("VAELoader", {"vae_name": "ltx-2.3-22b-dev_audio_vae.safetensors"}),
        "4": ("DualCLIPLoader", {"clip_name1": "gemma_3_12B_it.safetensors",
                                 "clip_name2": "ltx-2.3-22b-dev_embeddings_connectors.safetensors", "type": "ltxv",
                                 "device": "default"}),
        "5": ("CLSSScenePrompts", {"prompts": prompt, "max_length": 512, "clip": ["4", 0]}),
        "6": ("CLIPTextEncode", {"text": "blurry, low quality", "clip": ["4", 0]}),
        "7": ("LTXVConditioning", {"frame_rate": 24, "positive": ["5", 0], "negative": ["6", 0]}),
        "8": ("EmptyLTXVLatentVideo", {"width": 768, "height": 512, "length": length, "batch_size": 1}),
        "9": ("LTXVEmptyLatentAudio", {"frames_number": length, "frame_rate": 24, "batch_size": 1,
                                       "audio_vae": ["3", 0]}),
        "10": ("LTXVConcatAVLatent", {"video_latent": ["8", 0], "audio_latent": ["9", 0]}),
        "11": ("RandomNoise", {"noise_seed": 42}),
        "12": ("KSamplerSelect", {"sampler_name": "euler"}),
        "13": ("LTXVScheduler", {"steps": 20, "max_shift": 2.05, "base_shift": 0.95, "stretch": True,
                                 "terminal": 0.1, "latent": ["10", 0]}),
        "14": ("CLSSConfig", {"tau_c": 0.05, "beta": 0.4, "overlap": 8, "noise_temporal_corr": 0.0}),
        "16": ("CLSSStreamingSampler", {"num_chunks": chunks, "fps": 24.0, "detail_anchor": "on",
                                        "overlap_jitter": "on", "guider": ["15", 0],  # (another version's setting)
                                        "sampler": ["12", 0], "sigmas": ["13", 0], "noise": ["11", 0],
                                        "latent": ["10", 0], "clss_config": ["14", 0]}),
        "17": ("LTXVSeparateAVLatent", {"av_latent": ["16", 0]}),
        "20": ("LTXVAudioVAEDecode", {"samples": ["17", 1], "audio_vae": ["3", 0]}),
    }
    if guider == "v2":
        n["15"] = ("CLSSAVGuiderV2", {"video_cfg": 4.0, "audio_cfg": 7.0, "modality_scale": 1.0, "rescale": 0.7,
                                      "video_stg": 1.0, "audio_stg": 0.0, "stg_block": 28, "model": ["1", 0],
                                      "positive": ["7", 0], "negative": ["7", 1]})
    else:  # the pack's earlier guider patch on ComfyUI's CFGGuider
        n["30"] = ("CFGGuider", {"cfg": 4.0, "model": ["1", 0], "positive": ["7", 0], "negative": ["7", 1]})
        n["15"] = ("CLSSAVGuider", {"audio_cfg": 7.0, "rescale": 0.7, "guider": ["30", 0]})
    if image:
        n["18"] = ("LoadImage", {"image": "start.png"})
        n["16"][1].update(image=["18", 0], vae=["2", 0])
    video = ["17", 0]
    if stage2:
        n.update({
            "40": ("LatentUpscaleModelLoader", {"model_name": "ltx-2.3-spatial-upscaler-x2-1.1.safetensors"}),
            "41": ("LTXVCropGuides", {"positive": ["7", 0], "negative": ["7", 1], "latent": ["17", 0]}),
            "42": ("LTXVLatentUpsampler", {"samples": ["41", 2], "upscale_model": ["40", 0], "vae": ["2", 0]}),
            "43": ("LTXVConcatAVLatent", {"video_latent": ["42", 0], "audio_latent": ["17", 1]}),
            "44": ("LoraLoaderModelOnly", {"lora_name": "ltx-2.3-22b-distilled-lora-384.safetensors",
                                           "strength_model": 1.0, "model": ["1", 0]}),
            "45": ("CFGGuider", {"cfg": 1.0, "model": ["44", 0], "positive": ["41", 0], "negative": ["41", 1]}),
            "46": ("ManualSigmas", {"sigmas": "0.909375, 0.725, 0.421875, 0.0"}),
            "47": ("RandomNoise", {"noise_seed": 7}),
            "48": ("CLSSStage2", {"frames_per_chunk": 0, "s2_overlap": 0, "guider": ["45", 0], "sampler": ["12", 0],
                                  "sigmas": ["46", 0], "noise": ["47", 0], "latent": ["43", 0],
                                  "clss_config": ["14", 0]}),
            "49": ("LTXVSeparateAVLatent", {"av_latent": ["48", 0]}),
        })
        n["20"][1]["samples"] = ["49", 1]
        video = ["49", 0]
    if save == "video":
        n["21"] = ("VAEDecode", {"samples": video, "vae": ["2", 0]})
        n["22"] = ("CreateVideo", {"fps": 24.0, "images": ["21", 0], "audio": ["20", 0]})
        n["23"] = ("SaveVideo", {"filename_prefix": "video/clss", "format": "mp4", "codec": "auto", "video": ["22", 0]})
    else:
        if save == "decode":
            n["21"] = ("CLSSVideoDecodeSave", {"filename_prefix": "clss/frame_", "frames_per_slice": 32,
                                               "context_frames": 2, "latent": video, "vae": ["2", 0]})
        else:
            n["21"] = ("VAEDecode", {"samples": video, "vae": ["2", 0]})
            n["22"] = ("SaveImagesWithSubfolder", {"filename_prefix": "clss/frame_", "subfolder_name": "takes",
                                                   "images": ["21", 0]})
        n["23"] = ("SaveAudioAdvanced", {"filename_prefix": "audio/clss", "format": "flac", "audio": ["20", 0]})
    return convert(api(n), "clss")


def _gen(conv):
    gens = nodes_of(conv, "video_models.ltx2")
    assert len(gens) == 1, said(conv)
    return gens[0]


def test_a_pack_sampler_of_sampler_custom_advanced_sockets_makes_the_family_take_its_chunks_made_whole():
    conv = _clss()
    assert [(t["family"], t["task"]) for t in conv.tasks] == [("LTX-2", "text to video")]
    gen = _gen(conv)
    # 97 frames a chunk are 13 latent frames; 3 chunks are 39 latent frames: (39 - 1) * 8 + 1 frames
    assert gen.params["frames"] == 305 and gen.params["steps"] == 20 and gen.params["seed"] == 42
    assert gen.params["guidance"] == 4.0 and gen.params["audio_guidance"] == 7.0
    line = next(x for x in said(conv).splitlines() if "'CLSSStreamingSampler' (CLSSStreamingSampler, #16) is" in x)
    assert "read as ComfyUI's SamplerCustomAdvanced by its declared types" in line
    assert ("a template of one chunk of 97 frames (13 latent frames), 3 times (num_chunks 3), each chunk after the "
            "one before: the take is 3 x 13 latent frames, 305 frames, which Studio makes in one pass") in line
    assert "its chunks, their overlaps re-noised and its drift corrections and anchors are not made" in line
    assert "its 'clss_config' ('CLSSConfig' (CLSSConfig, #14)) is not read" in line
    assert "detail_anchor 'on'" in line and "not applied" in line
    assert "overlap_jitter 'on'" in line  # (a setting its catalogued version does not declare: said all the same)
    # one chunk: the template is the take, no more said of chunks
    one = _clss(chunks=1)
    assert _gen(one).params["frames"] == 97


def test_a_take_longer_than_the_window_its_pack_keeps_is_said_so():
    line = next(x for x in said(_clss(chunks=5, length=121)).splitlines() if "(CLSSStreamingSampler, #16) is" in x)
    assert "the take is 5 x 16 latent frames, 633 frames" in line
    assert "at its fps 24 the pass lasts 26.4 s, where its pack keeps each window it samples under 20 s" in line
    assert "the pass lasts" not in next(x for x in said(_clss()).splitlines() if "(CLSSStreamingSampler, #16) is" in x)


def test_its_guide_picture_is_the_take_first_frame():
    conv = _clss(image=True)
    assert [(t["family"], t["task"]) for t in conv.tasks] == [("LTX-2", "image to video")]
    src = source_of(conv, _gen(conv).id, "image")
    while src is not None and src.type_id != "io.load_image":
        src = source_of(conv, src.id, next(iter(i.name for i in src.spec.inputs)))
    assert src is not None and src.params["path"] == "start.png"
    assert ("its 'image' (with its 'vae') put as the latent's first frame, as its pack's source says, by "
            "LTXVImgToVideoInplace (strength 1, bypass False)") in said(conv)


def test_a_pack_decode_and_save_and_a_pack_picture_save_write_the_frames_and_the_sound_beside_them():
    for save, told in (("decode", "'CLSSVideoDecodeSave' (CLSSVideoDecodeSave, #21) decodes its "
                                  "'latent' with its 'vae' and saves the pictures under filename_prefix 'clss/frame_'"),
                       ("pictures", "'SaveImagesWithSubfolder' (SaveImagesWithSubfolder, #22) saves its 'images' as "
                                    "pictures under filename_prefix 'clss/frame_'")):
        conv = _clss(save=save)
        text = said(conv)
        assert told in text
        frames = nodes_of(conv, "io.save_images")
        assert len(frames) == 1 and source_of(conv, frames[0].id, "video").id == _gen(conv).id
        sound = nodes_of(conv, "io.save_audio")
        assert len(sound) == 1 and source_of(conv, sound[0].id, "audio").id == _gen(conv).id
        assert sound[0].params["path"] == "out/audio/clss.wav"
        assert "the take's sound, saved alone beside its pictures: 'SaveAudioAdvanced' (SaveAudioAdvanced, #23)" in text
    assert "frames_per_slice 32, context_frames 2 are not applied" in said(_clss(save="decode"))
    assert "subfolder_name 'takes' is not applied" in said(_clss(save="pictures"))


def test_the_pack_scene_prompts_are_said():
    text = said(_clss(prompt=SCENES))
    assert ("its prompt, 'CLSSScenePrompts' (CLSSScenePrompts, #5)'s, is 3 scenes (split at each line of '---'), each "
            "guiding its share of the chunks in turn: Studio's one pass is guided by the whole text at once") in text
    assert ("'CLSSScenePrompts' (CLSSScenePrompts, #5) has its text model rewrite each scene before encoding it "
            "(LTX-2's prompt enhancement, its max_length 512 tokens)") in text
    assert "is 1 scenes" not in said(_clss()) and "scenes (split" not in said(_clss())


def test_a_guider_patch_is_read_as_the_guider_it_is_given_and_an_stg_block_is_no_machine_setting():
    conv = _clss(guider="patch")
    assert _gen(conv).params["guidance"] == 4.0 and _gen(conv).params["audio_guidance"] == 0.0
    assert ("'CLSSAVGuider' (CLSSAVGuider, #15) patches the guider it is given ('CFGGuider' (CFGGuider, #30)), which "
            "is read in its place; its audio_cfg 7, rescale 0.7 are not applied (the guidance is that guider's alone, "
            "for the picture and any sound alike)") in said(conv)
    assert "CLSSAVGuider x" not in said(conv) and "- 'CLSSAVGuider' (CLSSAVGuider, #15): {" not in said(conv)
    text = said(_clss())
    line = next(x for x in text.splitlines() if "(CLSSAVGuiderV2, #15) is read as" in x)
    assert "stg_block 28" in line and "set the machine it runs on" not in line


def test_a_second_pass_of_the_pack_treating_the_sound_its_own_way_is_not_said_to_resample_it():
    conv = _clss(stage2=True)
    assert len(nodes_of(conv, "video_models.ltx2_latent_upscale")) == 1
    text = said(conv)
    assert "'CLSSStage2' (CLSSStage2, #48) is read as ComfyUI's SamplerCustomAdvanced" in text
    assert ("'CLSSStage2' (CLSSStage2, #48) treats the first pass's sound its own way (its pack's, which Studio does "
            "not read): LTX-2 Latent Upscale's refine holds the take's sound as the first pass made it") in text
    assert "re-noises and resamples the first pass's sound" not in text
