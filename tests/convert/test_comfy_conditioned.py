"""Issue 99, item 5: what a sampler is given besides its latent is read before the generic video-to-video rule
fires. A workflow of our own (API JSON): Wan 2.1 InfiniteTalk's WanInfiniteTalkToVideo gives the sampler its model
and conditioning (a voice through AudioEncoderEncode), while its latent is a clip encoded by VAEEncode and denoised
half way. Made as Video to Video (strength 0.5) it would be a plain restyle with the voice dropped: the output is
held with one sentence naming the conditioning node and its task."""
from __future__ import annotations

from studio.convert.mapping.convert import convert


def _talk_v2v() -> dict:
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_i2v_480p_14B_fp16.safetensors",
                                                     "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
                                                     "type": "wan"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "4": {"class_type": "ModelPatchLoader", "inputs": {"name": "wan2.1_infiniteTalk_single_fp16.safetensors"}},
        "5": {"class_type": "AudioEncoderLoader", "inputs": {"audio_encoder_name": "wav2vec2_base_fp16.safetensors"}},
        "6": {"class_type": "LoadAudio", "inputs": {"audio": "voice.wav"}},
        "7": {"class_type": "AudioEncoderEncode", "inputs": {"audio_encoder": ["5", 0], "audio": ["6", 0]}},
        "8": {"class_type": "CLIPTextEncode", "inputs": {"text": "a man talks", "clip": ["2", 0]}},
        "9": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "10": {"class_type": "LoadVideo", "inputs": {"file": "source.mp4"}},
        "11": {"class_type": "GetVideoComponents", "inputs": {"video": ["10", 0]}},
        "12": {"class_type": "WanInfiniteTalkToVideo", "inputs": {
            "mode": "single_speaker", "width": 832, "height": 480, "length": 81, "motion_frame_count": 9,
            "audio_scale": 1.0, "model": ["1", 0], "model_patch": ["4", 0], "positive": ["8", 0],
            "negative": ["9", 0], "vae": ["3", 0], "audio_encoder_output_1": ["7", 0]}},
        "13": {"class_type": "VAEEncode", "inputs": {"pixels": ["11", 0], "vae": ["3", 0]}},
        "14": {"class_type": "KSampler", "inputs": {
            "seed": 1, "steps": 6, "cfg": 1.0, "sampler_name": "euler", "scheduler": "simple", "denoise": 0.5,
            "model": ["12", 0], "positive": ["12", 1], "negative": ["12", 2], "latent_image": ["13", 0]}},
        "15": {"class_type": "VAEDecode", "inputs": {"samples": ["14", 0], "vae": ["3", 0]}},
        "16": {"class_type": "CreateVideo", "inputs": {"fps": 25, "images": ["15", 0], "audio": ["6", 0]}},
        "17": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "talk", "video": ["16", 0]}}}


def test_an_encoded_clip_with_a_familys_conditioning_is_held_never_a_plain_restyle():
    conv = convert(_talk_v2v(), "talk_v2v")
    assert not any(n.type_id == "video_models.video_to_video" for n in conv.graph.nodes.values())
    assert conv.log[0].startswith("This workflow makes video to video from an encoded clip, conditioned by "
                                  "WanInfiniteTalkToVideo (a talking video from speech (InfiniteTalk)) with Wan 2.1 "
                                  "InfiniteTalk; Studio cannot restyle a clip with WanInfiniteTalkToVideo's conditioning")
    assert [t["generator"] for t in conv.tasks] == [None]
