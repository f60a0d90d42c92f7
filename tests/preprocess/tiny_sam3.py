"""A tiny random SAM 3 video model (Sam3VideoModel: the phrase detector and the tracker), built from
a config: no download. Not used by a node yet (issue 46's SAM 3 phrase prompt is not built): kept
as the measured answer to "can Sam3VideoModel be built tiny and run on the CPU" (yes: 528,900
parameters, three 56x56 frames through propagate_in_video_iterator in well under a second on one
CPU thread, with token ids put into the session directly; a node would also need a tokenizer in
the folder and the processor's resize/normalise done with torch, as Segment does for SAM 2)."""
from __future__ import annotations

IMAGE, PATCH = 56, 14


def sam3_video_config(detect_threshold: float = 0.5):
    from transformers import Sam3VideoConfig
    vit = dict(model_type="sam3_vit_model", hidden_size=32, intermediate_size=64, num_hidden_layers=2,
               num_attention_heads=2, image_size=IMAGE, patch_size=PATCH, window_size=2, global_attn_indexes=[1],
               pretrain_image_size=IMAGE)
    s = IMAGE // PATCH
    vision = dict(backbone_config=vit, fpn_hidden_size=32, backbone_feature_sizes=[[4 * s, 4 * s], [2 * s, 2 * s], [s, s]])
    small = dict(hidden_size=32, num_attention_heads=2, intermediate_size=64)
    detector = dict(vision_config=vision,
                    text_config=dict(hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2,
                                     vocab_size=100, max_position_embeddings=32, projection_dim=32),
                    geometry_encoder_config=dict(num_layers=1, **small), detr_encoder_config=dict(num_layers=1, **small),
                    detr_decoder_config=dict(num_layers=1, num_queries=8, **small),
                    mask_decoder_config=dict(hidden_size=32, num_attention_heads=2))
    tracker = dict(vision_config=vision, prompt_encoder_config=dict(hidden_size=32),
                   mask_decoder_config=dict(hidden_size=32, mlp_dim=64, num_attention_heads=2, iou_head_hidden_dim=16),
                   image_size=IMAGE, num_maskmem=3, memory_attention_hidden_size=32, memory_attention_num_layers=1,
                   memory_attention_feed_forward_hidden_size=64, memory_attention_rope_feat_sizes=[s, s],
                   memory_encoder_hidden_size=32, memory_encoder_output_channels=16, mask_downsampler_embed_dim=32,
                   memory_fuser_embed_dim=32, memory_fuser_intermediate_dim=64)
    return Sam3VideoConfig(detector_config=detector, tracker_config=tracker, low_res_mask_size=4 * s,
                           score_threshold_detection=detect_threshold)


def build_sam3_video(path: str) -> str:
    import torch
    from transformers import Sam3VideoModel
    torch.manual_seed(0)
    Sam3VideoModel(sam3_video_config()).eval().save_pretrained(path, safe_serialization=True)
    return path
