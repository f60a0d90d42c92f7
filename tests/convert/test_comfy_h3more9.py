"""Issue 112 (h3more9): MiniMax H3's other tasks as the workflows artists share build them, read against what
diffusers' modular MiniMax H3 pipeline (which Studio runs) takes - a prompt, a picture at the first and / or last frame,
references - by the types and links of the nodes between the task node and the sampler (comfy_after.py):

* pictures pinned on the conditioning at frames (ComfyUI-H3-Motion-Context-MultiRef's MiniMaxH3CustomKeyframes, its
  keyframe_state positions and keyframe_image_N inputs): at the first and last frame, Image to Video's 'image' and
  'last_image'; at a frame between, or not wired (heldout53 03 as saved), the take held with one sentence saying so;
* a clip's tail or a soundtrack put into the latent the sampler starts from (the pack's
  MiniMaxH3ExistingVideoMaskedContext, heldout50 04; VRGDG_MiniMaxH3AudioDrive, heldout50 12): held, that node named.

Minimal workflows built here from the node types, values and links of those templates (facts)."""
from __future__ import annotations

import json

from studio.convert.mapping.convert import convert

from .said import api, nodes_of, said

LOADERS = {
    "1": ("CLIPLoader", {"clip_name": "qwen3vl_32b_minimax_h3_nvfp4_awq.safetensors", "type": "minimax",
                         "device": "default"}),
    "2": ("UNETLoader", {"unet_name": "minimax_h3_fl2va_pruned_int8_convrot.safetensors", "weight_dtype": "default"}),
    "3": ("VAELoader", {"vae_name": "minimax_h3_video_vae_fp16.safetensors"}),
    "4": ("VAELoader", {"vae_name": "minimax_h3_audio_vae_fp32.safetensors"}),
}
TAIL = {
    "8": ("RandomNoise", {"noise_seed": 7}),
    "9": ("BasicScheduler", {"model": ["2", 0], "scheduler": "simple", "steps": 30, "denoise": 1}),
    "10": ("KSamplerSelect", {"sampler_name": "res_multistep"}),
    "12": ("VAEDecode", {"samples": ["11", 0], "vae": ["3", 0]}),
    "13": ("VAEDecodeAudio", {"samples": ["11", 0], "vae": ["4", 0]}),
    "14": ("CreateVideo", {"images": ["12", 0], "fps": 24, "audio": ["13", 0]}),
    "15": ("SaveVideo", {"video": ["14", 0], "filename_prefix": "h3/keys", "format": "auto", "codec": "auto"}),
}


def _keyframes(positions, pictures=(), indexing="1-based", cls="MiniMaxH3CustomKeyframes") -> dict:
    """MiniMaxH3ImageToVideo -> a keyframes node on its conditioning (and its latent) -> BasicGuider -> the sampler;
    ``pictures``: the slots given a LoadImage each."""
    keys = {"conditioning": ["6", 0], "vae": ["3", 0], "latent": ["6", 1],
            "keyframe_state": json.dumps({"count": len(positions), "positions": list(positions)}),
            "indexing": indexing, "crop": "center"}
    nodes = {**LOADERS, **TAIL,
             "6": ("MiniMaxH3ImageToVideo", {"clip": ["1", 0], "vae": ["3", 0], "prompt": "a lighthouse at dusk",
                                             "width": 960, "height": 544, "length": 124}),
             "16": (cls, keys),
             "7": ("BasicGuider", {"model": ["2", 0], "conditioning": ["16", 0]}),
             "11": ("SamplerCustomAdvanced", {"noise": ["8", 0], "guider": ["7", 0], "sampler": ["10", 0],
                                              "sigmas": ["9", 0], "latent_image": ["6", 1]})}
    for slot in pictures:
        nodes[f"5{slot}"] = ("LoadImage", {"image": f"key{slot}.png"})
        keys[f"keyframe_image_{slot}"] = [f"5{slot}", 0]
    return api(nodes)


def _wired_file(conv, gen, port):
    link = conv.graph.input_link(gen.id, port)
    return None if link is None else conv.graph.nodes[link.src].params.get("path")


def test_pictures_at_frames_between_are_held_in_one_sentence_naming_the_frame():
    conv = convert(_keyframes([1, 62, 124], pictures=(1, 2, 3)), "h3_keys")
    text = said(conv)
    assert not nodes_of(conv, "video_models.text_to_video") and not nodes_of(conv, "video_models.image_to_video")
    assert "This workflow makes a video through the 3 pictures 'MiniMaxH3CustomKeyframes' (MiniMaxH3CustomKeyframes, " \
           "#16) pins at frames 1, 62, 124 (1-based, its keyframe_state) of the take's 124 with MiniMax H3; Studio cannot place " \
           "a picture at frame 62 (counted from 1): diffusers' MiniMax H3 pipeline" in text, text
    assert "none of its pictures is wired" not in text


def test_the_saved_template_with_no_picture_wired_says_so():
    """heldout53 03 as saved: three positions, no keyframe_image_N wired (its web UI wires them when it runs)."""
    text = said(convert(_keyframes([1, 62, 124]), "h3_keys_unwired"))
    assert "no picture at a frame between; none of its pictures is wired (ComfyUI stops at " \
           "'MiniMaxH3CustomKeyframes' (MiniMaxH3CustomKeyframes, #16) as it is saved)" in text, text


def test_pictures_at_the_first_and_last_frame_are_image_to_videos_start_and_last_image():
    conv = convert(_keyframes([124, 1], pictures=(1, 2)), "h3_first_last")
    gens = nodes_of(conv, "video_models.image_to_video")
    assert len(gens) == 1, said(conv)
    assert _wired_file(conv, gens[0], "image") == "key2.png"  # (the second picture sits at frame 1)
    assert _wired_file(conv, gens[0], "last_image") == "key1.png"
    text = said(conv)
    assert "'keyframe_image_2' at frame 1 as Image to Video's 'image', 'keyframe_image_1' at frame 124 as Image to " \
           "Video's 'last_image'" in text, text
    assert "- 'MiniMaxH3CustomKeyframes' (MiniMaxH3CustomKeyframes, #16): {" not in text  # (read: not listed unconverted)
    assert "crop 'center' (its pictures cut to the take's shape before they are encoded) is not taken: diffusers' " \
           "pipeline stretches the start picture" in text


def test_zero_based_positions_are_counted_from_0():
    conv = convert(_keyframes([0, 123], pictures=(1, 2), indexing="0-based"), "h3_zero")
    gens = nodes_of(conv, "video_models.image_to_video")
    assert len(gens) == 1 and _wired_file(conv, gens[0], "image") == "key1.png", said(conv)
    assert _wired_file(conv, gens[0], "last_image") == "key2.png"


def test_a_picture_at_the_last_frame_not_wired_holds_the_take():
    text = said(convert(_keyframes([1, 124], pictures=(1,)), "h3_half"))
    assert "Studio cannot make it with no picture where 'MiniMaxH3CustomKeyframes' (MiniMaxH3CustomKeyframes, #16) " \
           "pins one (its picture 2 is not wired: ComfyUI stops at it)" in text, text


def test_read_by_types_not_by_the_packs_name():
    """A node type no catalogue holds, taking the conditioning, a VAE and numbered pictures, is read the same."""
    conv = convert(_keyframes([1, 124], pictures=(1, 2), cls="SomePackPinFrames"), "h3_other")
    gens = nodes_of(conv, "video_models.image_to_video")
    assert len(gens) == 1 and _wired_file(conv, gens[0], "last_image") == "key2.png", said(conv)
    held = said(convert(_keyframes([1, 40, 124], cls="SomePackPinFrames"), "h3_other_held"))
    assert "Studio cannot place a picture at frame 40" in held, held


def _extension() -> dict:
    """heldout50 04's links: a clip's frames and sound given to MiniMaxH3ExistingVideoMaskedContext with the task's
    latent; its latent the sampler's."""
    return api({**LOADERS, **TAIL,
                "6": ("MiniMaxH3ImageToVideo", {"clip": ["1", 0], "vae": ["3", 0], "prompt": "", "width": 960,
                                                "height": 544, "length": 124}),
                "7": ("BasicGuider", {"model": ["2", 0], "conditioning": ["6", 0]}),
                "11": ("SamplerCustomAdvanced", {"noise": ["8", 0], "guider": ["7", 0], "sampler": ["10", 0],
                                                 "sigmas": ["9", 0], "latent_image": ["18", 0]}),
                "16": ("LoadVideo", {"file": "before.mp4"}),
                "17": ("GetVideoComponents", {"video": ["16", 0]}),
                "18": ("MiniMaxH3ExistingVideoMaskedContext", {
                    "latent": ["6", 1], "vae": ["3", 0], "audio_vae": ["4", 0], "source_frames": ["17", 0],
                    "source_audio": ["17", 1], "source_fps": ["17", 2], "context_length": 90, "crop": "center"})})


def test_a_clip_put_into_the_latent_holds_the_take_naming_that_node():
    conv = convert(_extension(), "h3_extend")
    text = said(conv)
    assert not nodes_of(conv, "video_models.image_to_video") and not nodes_of(conv, "video_models.text_to_video")
    assert "This workflow makes a video from the latent 'MiniMaxH3ExistingVideoMaskedContext' " \
           "(MiniMaxH3ExistingVideoMaskedContext, #18) gives the sampler, given the pictures on its 'source_frames' " \
           "and the sound on its 'source_audio' with MiniMax H3; Studio cannot start the take from that latent: " \
           "diffusers' MiniMax H3 pipeline, which Studio runs, starts from noise alone" in text, text
    assert "video 'before.mp4'" in text  # (the clip held)


def test_a_soundtrack_put_into_the_reference_latent_holds_the_take():
    """heldout50 12's links: VRGDG_MiniMaxH3AudioDrive (catalogued: LATENT, AUDIO, VAE -> LATENT, AUDIO) between
    MiniMaxH3ReferenceToVideo's latent and the sampler."""
    wf = api({**LOADERS, **TAIL,
              "2": ("UNETLoader", {"unet_name": "minimax_h3_ref2va_pruned_int8_convrot.safetensors",
                                   "weight_dtype": "default"}),
              "6": ("MiniMaxH3ReferenceToVideo", {"clip": ["1", 0], "vae": ["3", 0], "audio_vae": ["4", 0],
                                                  "prompt": "", "width": 960, "height": 544, "length": 124,
                                                  "ref_image_size": "max"}),
              "7": ("BasicGuider", {"model": ["2", 0], "conditioning": ["6", 0]}),
              "11": ("SamplerCustomAdvanced", {"noise": ["8", 0], "guider": ["7", 0], "sampler": ["10", 0],
                                               "sigmas": ["9", 0], "latent_image": ["17", 0]}),
              "16": ("LoadAudio", {"audio": "song.wav"}),
              "17": ("VRGDG_MiniMaxH3AudioDrive", {"av_latent": ["6", 1], "source_audio": ["16", 0],
                                                   "audio_vae": ["4", 0]})})
    conv = convert(wf, "h3_drive")
    text = said(conv)
    assert not nodes_of(conv, "video_models.minimax_h3_reference"), text
    assert "This workflow makes a video from the latent 'VRGDG_MiniMaxH3AudioDrive' (VRGDG_MiniMaxH3AudioDrive, #17) " \
           "gives the sampler, given the sound on its 'source_audio' with MiniMax H3; Studio cannot start the take " \
           "from that latent" in text, text


def test_the_task_nodes_own_first_frame_is_said_replaced_by_the_pinned_one():
    """The pinning node puts its pictures in place of the conditioning's keyframes (the task node's first frame)."""
    wf = _keyframes([1, 124], pictures=(1, 2))
    wf["50"] = {"class_type": "LoadImage", "inputs": {"image": "own.png"}}
    wf["6"]["inputs"]["first_frame"] = ["50", 0]
    conv = convert(wf, "h3_own_first")
    gens = nodes_of(conv, "video_models.image_to_video")
    assert len(gens) == 1 and _wired_file(conv, gens[0], "image") == "key1.png", said(conv)
    text = said(conv)
    assert "'MiniMaxH3ImageToVideo' (MiniMaxH3ImageToVideo, #6)'s own first frame (the image 'own.png') is not what " \
           "ComfyUI samples with" in text, text
    assert "reaches this output through" not in text
    assert not any(n.params.get("path") == "own.png" for n in conv.graph.nodes.values())


def _guide(frame_idx: int, audio: bool = False) -> dict:
    """ComfyUI's MiniMaxH3AddGuide (positive, latent, vae, audio_vae, image, audio, frame_idx) after
    MiniMaxH3ImageToVideo given a first frame."""
    wf = _keyframes([1])
    wf["16"] = {"class_type": "MiniMaxH3AddGuide", "inputs": {
        "positive": ["6", 0], "latent": ["6", 1], "vae": ["3", 0], "audio_vae": ["4", 0], "image": ["51", 0],
        "frame_idx": frame_idx, **({"audio": ["52", 0]} if audio else {})}}
    wf["50"] = {"class_type": "LoadImage", "inputs": {"image": "start.png"}}
    wf["51"] = {"class_type": "LoadImage", "inputs": {"image": "end.png"}}
    wf["52"] = {"class_type": "LoadAudio", "inputs": {"audio": "line.wav"}}
    wf["6"]["inputs"]["first_frame"] = ["50", 0]
    return wf


def test_a_guide_at_the_last_frame_is_the_last_image_and_one_with_a_sound_is_held():
    conv = convert(_guide(-1), "h3_guide")
    gens = nodes_of(conv, "video_models.image_to_video")
    assert len(gens) == 1, said(conv)
    assert _wired_file(conv, gens[0], "image") == "start.png" and _wired_file(conv, gens[0], "last_image") == "end.png"
    held = said(convert(_guide(-1, audio=True), "h3_guide_sound"))
    assert "Studio cannot take the sound on its 'audio' at a frame" in held, held
    between = said(convert(_guide(40), "h3_guide_between"))
    assert "Studio cannot place a picture at frame 41 (counted from 1)" in between, between


def test_a_conditioning_node_given_a_vae_but_no_picture_nor_frame_is_left_to_the_other_rules():
    wf = _keyframes([1])
    wf["16"] = {"class_type": "SomePackConditioningTweak", "inputs": {"conditioning": ["6", 0], "vae": ["3", 0],
                                                                       "strength": 0.5}}
    conv = convert(wf, "h3_tweak")
    text = said(conv)
    assert "pins" not in text and len(nodes_of(conv, "video_models.text_to_video")) == 1, text
    assert "'SomePackConditioningTweak' (SomePackConditioningTweak, #16)" in text  # (said by the other rules)


def test_a_later_pass_given_a_file_is_not_read_as_the_first_samplers_latent():
    """The latent way ends at the first sampler: a second pass sampling its latent again under a mask loaded from a
    file is left to the rules reading passes, never held as a file put into the first take's latent."""
    wf = _keyframes([1])
    del wf["16"]
    wf["7"]["inputs"]["conditioning"] = ["6", 0]
    wf.update(api({"40": ("LoadImageMask", {"image": "face.png", "channel": "alpha"}),
                   "31": ("SetLatentNoiseMask", {"samples": ["11", 0], "mask": ["40", 0]}),
                   "32": ("SamplerCustomAdvanced", {"noise": ["8", 0], "guider": ["7", 0], "sampler": ["10", 0],
                                                    "sigmas": ["9", 0], "latent_image": ["31", 0]})}))
    wf["12"]["inputs"]["samples"] = ["32", 0]
    text = said(convert(wf, "h3_two_passes"))
    assert "Studio cannot start the take from that latent" not in text, text
