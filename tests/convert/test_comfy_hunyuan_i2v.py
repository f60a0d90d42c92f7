"""HunyuanVideo image to video from ComfyUI (issue 72): a workflow whose latent is HunyuanImageToVideo's
(its I2V model, its Llama-with-image text encode) becomes Image to Video with the workflow's start
image, size and length, its model file on Load Video Model."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

WORKFLOW = {
    "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "hunyuan_video_image_to_video_720p_bf16.safetensors",
                                                 "weight_dtype": "default"}},
    "2": {"class_type": "DualCLIPLoader", "inputs": {"clip_name1": "clip_l.safetensors",
                                                     "clip_name2": "llava_llama3_fp16.safetensors",
                                                     "type": "hunyuan_video", "device": "default"}},
    "3": {"class_type": "VAELoader", "inputs": {"vae_name": "hunyuan_video_vae_bf16.safetensors"}},
    "4": {"class_type": "LoadImage", "inputs": {"image": "flowers.png"}},
    "5": {"class_type": "CLIPVisionLoader", "inputs": {"clip_name": "llava_llama3_vision.safetensors"}},
    "6": {"class_type": "CLIPVisionEncode", "inputs": {"clip_vision": ["5", 0], "image": ["4", 0], "crop": "none"}},
    "7": {"class_type": "TextEncodeHunyuanVideo_ImageToVideo",
          "inputs": {"clip": ["2", 0], "clip_vision_output": ["6", 0], "prompt": "the flowers sway in the wind",
                     "image_interleave": 4}},
    "8": {"class_type": "HunyuanImageToVideo",
          "inputs": {"positive": ["7", 0], "vae": ["3", 0], "width": 720, "height": 480, "length": 57,
                     "batch_size": 1, "guidance_type": "v2 (replace)", "start_image": ["4", 0]}},
    "9": {"class_type": "KSampler", "inputs": {"seed": 7, "steps": 20, "cfg": 1.0, "sampler_name": "euler",
                                               "scheduler": "simple", "denoise": 1.0, "model": ["1", 0],
                                               "positive": ["8", 0], "negative": ["8", 0], "latent_image": ["8", 1]}},
    "10": {"class_type": "VAEDecode", "inputs": {"samples": ["9", 0], "vae": ["3", 0]}},
    "11": {"class_type": "SaveAnimatedWEBP", "inputs": {"filename_prefix": "flowers", "fps": 24, "lossless": False,
                                                        "quality": 90, "method": "default", "images": ["10", 0]}},
}


def test_hunyuan_image_to_video_keeps_its_start_image_and_size():
    conv = convert(WORKFLOW)
    g = conv.graph
    gen = next(n for n in g.nodes.values() if n.type_id.startswith("video_models.") and
               n.type_id not in ("video_models.load", "video_models.lora"))
    assert gen.type_id == "video_models.image_to_video"
    src = g.nodes[g.input_link(gen.id, "image").src]
    assert src.type_id == "io.load_image" and src.params["path"].endswith("flowers.png")
    assert (gen.params["width"], gen.params["height"], gen.params["frames"]) == (720, 480, 57)
    load = next(n for n in g.nodes.values() if n.type_id == "video_models.load")
    assert load.params["model"] == "hunyuan_video_image_to_video_720p_bf16.safetensors"
    assert conv.tasks[0]["task"] == "image to video" and conv.tasks[0]["family"] == "HunyuanVideo"
    assert g.validate() == []
