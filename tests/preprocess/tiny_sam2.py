"""A tiny random SAM 2 video model in the Hugging Face layout (config.json, model.safetensors and the
processor's files), built from a config: no download. The Segment node and the inpaint_object
template run on it in tests."""
from __future__ import annotations

import json
import os

IMAGE = 64  # the model's input size (the real ones: 1024)


def build_sam2_video(path: str, pointers: int = 4) -> str:
    """``pointers``: max_object_pointers_in_encoder (16 in the published ones; 4 keeps the window
    of frames the model looks back at short, so a short clip in a test runs past it)."""
    import torch
    from transformers import Sam2HieraDetConfig, Sam2VideoConfig, Sam2VideoModel, Sam2VisionConfig

    s = IMAGE // 4  # the stem's stride
    backbone = Sam2HieraDetConfig(hidden_size=8, num_attention_heads=1, image_size=[IMAGE, IMAGE],
                                  blocks_per_stage=[1, 2, 2, 1], embed_dim_per_stage=[8, 16, 32, 64],
                                  num_attention_heads_per_stage=[1, 1, 1, 1], window_size_per_stage=[4, 4, 4, 4],
                                  global_attention_blocks=[4], window_positional_embedding_background_size=[4, 4])
    vision = Sam2VisionConfig(backbone_config=backbone, backbone_channel_list=[64, 32, 16, 8],
                              backbone_feature_sizes=[[s, s], [s // 2, s // 2], [s // 4, s // 4]], fpn_hidden_size=128)
    config = Sam2VideoConfig(
        vision_config=vision,
        prompt_encoder_config=dict(hidden_size=128, image_size=IMAGE, patch_size=16, mask_input_channels=4),
        mask_decoder_config=dict(hidden_size=128, mlp_dim=64, num_attention_heads=2, iou_head_hidden_dim=32),
        image_size=IMAGE, num_maskmem=3, max_object_pointers_in_encoder=pointers, memory_attention_hidden_size=128, memory_attention_num_layers=1,
        memory_attention_feed_forward_hidden_size=64, memory_attention_rope_feat_sizes=[s // 4, s // 4],
        memory_encoder_hidden_size=128, memory_encoder_output_channels=64, mask_downsampler_embed_dim=128,
        memory_fuser_embed_dim=128, memory_fuser_intermediate_dim=64)
    torch.manual_seed(0)
    model = Sam2VideoModel(config).eval()
    model.save_pretrained(path, safe_serialization=True)
    # the processor's file as the published folders have it (the processor object needs torchvision)
    with open(os.path.join(path, "preprocessor_config.json"), "w", encoding="utf-8") as f:
        json.dump({"image_processor_type": "Sam2ImageProcessorFast", "processor_class": "Sam2VideoProcessor",
                   "do_resize": True, "do_rescale": True, "rescale_factor": 1 / 255, "do_normalize": True,
                   "image_mean": [0.485, 0.456, 0.406], "image_std": [0.229, 0.224, 0.225],
                   "size": {"height": IMAGE, "width": IMAGE}, "mask_size": {"height": IMAGE // 4, "width": IMAGE // 4}},
                  f, indent=2)
    return path
