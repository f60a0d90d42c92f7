"""ComfyUI core's InfiniteTalk with two speakers, and a later pass continuing its take, read onto Studio's InfiniteTalk
(heldout102 02: abork75's 'multitalk_workflow_api.json'). Workflows built here from the nodes' declarations
(comfy_extras/nodes_wan.py WanInfiniteTalkToVideo: the dynamic combo 'mode', choice 'two_speakers' with
audio_encoder_output_2, mask_1, mask_2, written '<combo>.<input>' in an API file; previous_frames and the 'trim_image'
output; MaskToImage, ImageToMask, ImageScale, ImageFromBatch, ImageBatch, AudioConcat as core declares them;
'AudioDurationToFrames' a pack's node no catalogue holds: an 'audio' in, a count out).

1. Each face mask a Load Image's mask made a picture and taken back by a colour channel (MaskToImage -> ImageScale ->
   ImageToMask 'red'): the same mask, so the second voice and both masks are wired (speech_2, mask_1, mask_2), each mask
   Studio's Load Image's alpha inverted (ComfyUI's MASK of a picture) and the voices given their turns. Taken back by
   'alpha' (which a picture MaskToImage makes has not): not the mask, so the second speaker is said not taken.
2. A second WanInfiniteTalkToVideo fed the first's frames as previous_frames, each pass as long as its voice's sound:
   one continued take of both turns (frames 0), the later sampler a window of it (no 'another take'), the trim and
   batch said as the take's own joining; a later pass timed by another sound is left to the 'another take' sentence.
"""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, notes, said, source_of

TALK = "video_models.infinitetalk"


def _talk(n: str, length, voice_2=True, previous=None, channel="red") -> dict:
    """A WanInfiniteTalkToVideo (#n) of the shared nodes below, two speakers where ``voice_2``."""
    inputs = {"mode": "two_speakers" if voice_2 else "single_speaker", "width": 640, "height": 640, "length": length,
              "motion_frame_count": 9, "audio_scale": 1, "model": ["1", 0], "model_patch": ["2", 0],
              "positive": ["4", 0], "negative": ["5", 0], "vae": ["6", 0], "audio_encoder_output_1": ["12", 0],
              "start_image": ["10", 0]}
    if voice_2:
        inputs.update({"mode.audio_encoder_output_2": ["13", 0], "mode.mask_1": ["17", 0], "mode.mask_2": ["20", 0]})
    if previous is not None:
        inputs["previous_frames"] = previous
    return {n: ("WanInfiniteTalkToVideo", inputs)}


def _shared(channel: str = "red") -> dict:
    nodes = {
        "1": ("UNETLoader", {"unet_name": "wan2.1_i2v_480p_14B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("ModelPatchLoader", {"name": "wan2.1_infiniteTalk_multi_fp16.safetensors"}),
        "3": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan", "device": "default"}),
        "4": ("CLIPTextEncode", {"text": "two people talking", "clip": ["3", 0]}),
        "5": ("ConditioningZeroOut", {"conditioning": ["4", 0]}),
        "6": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "7": ("AudioEncoderLoader", {"audio_encoder_name": "wav2vec2-chinese-base_fp16.safetensors"}),
        "8": ("LoadAudio", {"audio": "speech.wav"}),
        "9": ("LoadAudio", {"audio": "silence.wav"}),
        "10": ("LoadImage", {"image": "people_face1.png"}),
        "11": ("LoadImage", {"image": "people_face2.png"}),
        "12": ("AudioEncoderEncode", {"audio_encoder": ["7", 0], "audio": ["8", 0]}),
        "13": ("AudioEncoderEncode", {"audio_encoder": ["7", 0], "audio": ["9", 0]}),
    }
    for at, (loader, pic, scale, back) in enumerate((("10", "15", "16", "17"), ("11", "18", "19", "20"))):
        nodes[pic] = ("MaskToImage", {"mask": [loader, 1]})
        nodes[scale] = ("ImageScale", {"upscale_method": "lanczos", "width": 640, "height": 640, "crop": "disabled",
                                       "image": [pic, 0]})
        nodes[back] = ("ImageToMask", {"image": [scale, 0], "channel": channel})
    return nodes


def _sampled(at: str, talk: str, seed: int = 42) -> dict:
    """KSampler (#at) of the talk node's model, conditioning and latent, decoded (#at + 'd')."""
    return {at: ("KSampler", {"seed": seed, "steps": 4, "cfg": 1, "sampler_name": "euler", "scheduler": "normal",
                              "denoise": 1, "model": [talk, 0], "positive": [talk, 1], "negative": [talk, 2],
                              "latent_image": [talk, 3]}),
            at + "d": ("VAEDecode", {"samples": [at, 0], "vae": ["6", 0]})}


def _one_pass(channel: str = "red") -> dict:
    return api({**_shared(channel), **_talk("30", 81, channel=channel), **_sampled("31", "30"),
                "50": ("CreateVideo", {"fps": 25, "images": ["31d", 0], "audio": ["8", 0]}),
                "51": ("SaveVideo", {"filename_prefix": "video/two", "format": "auto", "codec": "auto",
                                     "video": ["50", 0]})})


def _two_passes(tail_sound: str = "9") -> dict:
    """102/02's shape: the main pass as long as the speech, the tail pass (fed its frames) as long as
    ``tail_sound``'s, its repeated frames cut by its trim_image, the two batched, the speech then the silence written."""
    return api({**_shared(),
                "24": ("AudioDurationToFrames", {"fps": 25, "audio": ["8", 0]}),
                "25": ("AudioDurationToFrames", {"fps": 25, "audio": [tail_sound, 0]}),
                **_talk("30", ["24", 0]), **_sampled("31", "30"),
                **_talk("40", ["25", 0], previous=["31d", 0]), **_sampled("41", "40"),
                "47": ("ImageFromBatch", {"batch_index": ["40", 4], "length": 4096, "image": ["41d", 0]}),
                "48": ("ImageBatch", {"image1": ["31d", 0], "image2": ["47", 0]}),
                "22": ("AudioConcat", {"direction": "after", "audio1": ["8", 0], "audio2": ["9", 0]}),
                "50": ("CreateVideo", {"fps": 25, "images": ["48", 0], "audio": ["22", 0]}),
                "51": ("SaveVideo", {"filename_prefix": "video/two", "format": "auto", "codec": "auto",
                                     "video": ["50", 0]})})


def _mask_file(conv, gen, port: str) -> str:
    """The file of the Load Image whose alpha, inverted by Mask Tools (ComfyUI's MASK of it), scaled as ImageScale
    scales it and taken back as a Mask, is the generator's ``port``."""
    back = source_of(conv, gen.id, port)
    assert back.type_id == "edit.mask_tools" and back.params["invert"] is False
    scale = source_of(conv, back.id, "mask")
    assert scale.type_id == "transform.scale" and (scale.params["width"], scale.params["height"]) == (640, 640)
    inv = source_of(conv, scale.id, "video")
    assert inv.type_id == "edit.mask_tools" and inv.params["invert"] is True
    link = conv.graph.input_link(inv.id, "mask")
    assert link.src_port == "alpha"
    return conv.graph.nodes[link.src].params["path"]


def test_masks_through_a_picture_and_back_are_the_masks():
    conv = convert(_one_pass(), "two.json")
    text = said(conv)
    [gen] = nodes_of(conv, TALK)
    assert "second speaker is not taken" not in text
    assert _mask_file(conv, gen, "mask_1") == "people_face1.png"
    assert _mask_file(conv, gen, "mask_2") == "people_face2.png"
    for port, first in (("speech", "speech.wav"), ("speech_2", "silence.wav")):  # each voice in its turn (comfy_turns)
        feats = source_of(conv, gen.id, port)
        assert feats.type_id == "encode.speech"
        joined = source_of(conv, feats.id, "audio")
        assert joined.type_id == "edit.audio_concat"
    assert "MaskToImage" not in text and "ImageToMask" not in text  # neither a step the masks are wired without
    assert "is scaled to 640x640 by Studio's Scale, as 'ImageScale' (ImageScale, #16) scales it" in text
    assert "not wired" not in text


def test_a_mask_taken_back_by_alpha_is_not_the_mask():
    conv = convert(_one_pass("alpha"), "two_alpha.json")
    [gen] = nodes_of(conv, TALK)
    assert source_of(conv, gen.id, "mask_1") is None and source_of(conv, gen.id, "speech_2") is None
    assert "the workflow's second speaker is not taken: its face masks are made by ComfyUI's ImageToMask, " \
        "MaskToImage" in notes(conv)


def test_a_tail_pass_over_the_second_turn_is_the_continued_take():
    conv = convert(_two_passes(), "two_passes.json")
    text = said(conv)
    [gen] = nodes_of(conv, TALK)
    assert gen.params["frames"] == 0 and gen.params["motion_frames"] == 9
    assert source_of(conv, gen.id, "speech_2") is not None and source_of(conv, gen.id, "mask_2") is not None
    assert "another take" not in text
    assert "continues 'WanInfiniteTalkToVideo' (WanInfiniteTalkToVideo, #30)'s take from its last 9 frames " \
        "(previous_frames) for the next speaker's turn" in text
    assert "as long as 'speech.wav' then 'silence.wav' (frames 0, at 25 fps)" in text
    assert "puts the windows one after the other: the one continued take" in text
    assert "a later window: 'KSampler' (#41) samples what 'WanInfiniteTalkToVideo' (#40) continues" in text
    [save] = nodes_of(conv, "io.save_video")
    sound = source_of(conv, save.id, "audio")  # the speech then the silence written, as AudioConcat joins them
    assert sound.type_id == "edit.audio_concat"
    assert [source_of(conv, sound.id, k).params["path"] for k in ("a", "b")] == ["speech.wav", "silence.wav"]


def test_a_tail_pass_timed_by_another_sound_is_another_take():
    conv = convert(_two_passes(tail_sound="8"), "two_passes_other.json")  # the tail as long as the speech again
    text = said(conv)
    assert "for the next speaker's turn" not in text
    assert "another take: 'KSampler' (KSampler, #41)" in text


def _other_masks(masks: dict) -> dict:
    """The one-pass workflow with each face mask (#17, #20) made otherwise: ``masks`` replaces those nodes."""
    doc = _one_pass()
    for k in ("15", "16", "18", "19"):
        doc.pop(k)
    doc.update(api(masks))
    return doc


def test_a_pictures_colour_channel_is_mask_tools_on_the_loaded_picture():
    conv = convert(_other_masks({"17": ("ImageToMask", {"image": ["10", 0], "channel": "red"}),
                                 "20": ("ImageToMask", {"image": ["11", 0], "channel": "green"})}), "painted.json")
    [gen] = nodes_of(conv, TALK)
    for port, file, channel in (("mask_1", "people_face1.png", "red"), ("mask_2", "people_face2.png", "green")):
        pick = source_of(conv, gen.id, port)
        assert pick.type_id == "edit.mask_tools" and pick.params["channel"] == channel and not pick.params["invert"]
        link = conv.graph.input_link(pick.id, "mask")
        assert link.src_port == "image" and conv.graph.nodes[link.src].params["path"] == file
    assert source_of(conv, gen.id, "speech_2") is not None
    assert "second speaker is not taken" not in said(conv) and "wired without" not in said(conv)


def test_a_mask_loaded_by_load_image_mask_is_its_files_alpha_inverted():
    """core's LoadImageMask 'alpha' (1 - the file's alpha: nodes.py) read as its Load Image's alpha inverted (math24:
    mapping/loaded_masks.py; before, no loader: the second speaker was said not taken)."""
    conv = convert(_other_masks({"17": ("LoadImageMask", {"image": "face1.png", "channel": "alpha"}),
                                 "20": ("LoadImageMask", {"image": "face2.png", "channel": "alpha"})}), "loaded.json")
    [gen] = nodes_of(conv, TALK)
    inv = source_of(conv, gen.id, "mask_1")
    assert inv.type_id == "edit.mask_tools" and inv.params["invert"] is True
    link = conv.graph.input_link(inv.id, "mask")
    assert (conv.graph.nodes[link.src].params["path"], link.src_port) == ("face1.png", "alpha")
    assert source_of(conv, gen.id, "speech_2") is not None
    assert "second speaker is not taken" not in notes(conv)


def test_a_clips_colour_channel_on_a_vace_mask_is_mask_tools_never_segment():
    """The same step on Wan VACE's Mask input (a mask clip's red through a pack's node Studio does not know): Mask
    Tools 'red' on the clip, never said "made by Studio's Segment" (the words for SAM 3's steps on a mask's way)."""
    from tests.convert.test_comfy_loops_ways import _triple
    d = _triple()
    d["20"] = {"class_type": "WanVaceToVideo", "inputs": {
        "width": 832, "height": 480, "length": 33, "batch_size": 1, "strength": 1.0, "positive": ["6", 0],
        "negative": ["7", 0], "vae": ["3", 0], "control_video": ["41", 0], "control_masks": ["43", 0]}}
    for k, f in (("40", "mask.mp4"), ("41", "clip.mp4")):
        d[k] = {"class_type": "VHS_LoadVideo", "inputs": {"video": f, "force_rate": 0, "custom_width": 0,
                                                          "custom_height": 0, "frame_load_cap": 0,
                                                          "skip_first_frames": 0, "select_every_nth": 1}}
    d["42"] = {"class_type": "SomePackMaskSmoother", "inputs": {"images": ["40", 0], "amount": 3}}
    d["43"] = {"class_type": "ImageToMask", "inputs": {"image": ["42", 0], "channel": "red"}}
    for k in ("positive", "negative", "latent_image"):
        d["30"]["inputs"][k] = ["20", {"positive": 0, "negative": 1, "latent_image": 2}[k]]
    conv = convert(d, "mask")
    [gen] = nodes_of(conv, "video_models.wan_vace")
    pick = source_of(conv, gen.id, "mask")
    assert pick.type_id == "edit.mask_tools" and pick.params["channel"] == "red"
    assert source_of(conv, pick.id, "mask").params["path"] == "mask.mp4"
    text = said(conv)
    assert "Segment" not in text and "is not wired" not in text
    assert "through ComfyUI's 'SomePackMaskSmoother' (SomePackMaskSmoother, #42): the file is wired without" in text
