"""API workflows of shapes several tests convert (each named by what it holds)."""
from __future__ import annotations


def still_then_svd(positive: str = "alpine river", negative: str = "text") -> dict:
    """A FLUX still (no Studio family makes it) drawn first, then SVD from it: held (heldout19 12's shape)."""
    return {
        "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "flux1-dev-fp8.safetensors"}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": positive, "clip": ["4", 1]}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"text": negative, "clip": ["4", 1]}},
        "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 1024, "height": 576, "batch_size": 1}},
        "17": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 15, "cfg": 8, "sampler_name": "uni_pc_bh2",
                                                    "scheduler": "normal", "denoise": 1, "model": ["4", 0],
                                                    "positive": ["6", 0], "negative": ["7", 0],
                                                    "latent_image": ["5", 0]}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["17", 0], "vae": ["4", 2]}},
        "15": {"class_type": "ImageOnlyCheckpointLoader", "inputs": {"ckpt_name": "svd_xt.safetensors"}},
        "12": {"class_type": "SVD_img2vid_Conditioning", "inputs": {
            "clip_vision": ["15", 1], "init_image": ["8", 0], "vae": ["15", 2], "width": 1024, "height": 576,
            "video_frames": 25, "motion_bucket_id": 127, "fps": 6, "augmentation_level": 0}},
        "3": {"class_type": "KSampler", "inputs": {"seed": 2, "steps": 20, "cfg": 2.5, "sampler_name": "euler",
                                                   "scheduler": "karras", "denoise": 1, "model": ["15", 0],
                                                   "positive": ["12", 0], "negative": ["12", 1],
                                                   "latent_image": ["12", 2]}},
        "9": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["15", 2]}},
        "10": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["9", 0], "frame_rate": 10, "loop_count": 0,
                                                            "filename_prefix": "svd", "format": "video/h264-mp4",
                                                            "pingpong": False, "save_output": True}},
    }
