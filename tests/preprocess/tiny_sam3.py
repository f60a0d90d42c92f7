"""A tiny random SAM 3 video model in the Hugging Face layout (Sam3VideoModel: the phrase detector
and the tracker; config.json, model.safetensors, the processor's preprocessor_config.json and a CLIP
tokenizer's vocab.json / merges.txt), built from a config: no download. 4,472,892 parameters (the tracker is
128 wide and its memories 64: narrower ones fail inside the library once an object is tracked);
five 56x56 frames run through it on one CPU thread in about a second. Segment's phrase prompt runs
on it in tests; keyword options: ``maskmem``, ``pointers`` (the tracker's look-back), ``cond``
(max_cond_frame_num) and any Sam3VideoConfig field (hotstart_delay, ...)."""
from __future__ import annotations

import json
import os

IMAGE, PATCH = 56, 14
# the tracker's width: above its 64-wide memories (object pointers are split into 64-wide tokens; the
# library handles no other case, and its memory attention takes 64-wide keys whatever the config)
H = 128
WORDS = ("the", "red", "car", "person", "dog", "a", "blue", "ball")


def sam3_video_config(detect_threshold: float = 0.5, **extra):
    from transformers import Sam3VideoConfig
    vit = dict(model_type="sam3_vit_model", hidden_size=32, intermediate_size=64, num_hidden_layers=2,
               num_attention_heads=2, image_size=IMAGE, patch_size=PATCH, window_size=2, global_attn_indexes=[1],
               pretrain_image_size=IMAGE)
    s = IMAGE // PATCH
    vision = dict(backbone_config=vit, fpn_hidden_size=H, backbone_feature_sizes=[[4 * s, 4 * s], [2 * s, 2 * s], [s, s]])
    small = dict(hidden_size=H, num_attention_heads=2, intermediate_size=64)
    detector = dict(vision_config=vision,
                    text_config=dict(hidden_size=H, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2,
                                     vocab_size=100, max_position_embeddings=32, projection_dim=H, bos_token_id=0,
                                     eos_token_id=1),
                    geometry_encoder_config=dict(num_layers=1, **small), detr_encoder_config=dict(num_layers=1, **small),
                    detr_decoder_config=dict(num_layers=1, num_queries=8, **small),
                    mask_decoder_config=dict(hidden_size=H, num_attention_heads=2))
    tracker = dict(vision_config=vision, prompt_encoder_config=dict(hidden_size=H),
                   mask_decoder_config=dict(hidden_size=H, mlp_dim=64, num_attention_heads=2, iou_head_hidden_dim=16),
                   image_size=IMAGE, num_maskmem=extra.pop("maskmem", 3), memory_attention_hidden_size=H,
                   memory_attention_num_layers=1,
                   memory_attention_feed_forward_hidden_size=64, memory_attention_rope_feat_sizes=[s, s],
                   memory_encoder_hidden_size=H, memory_encoder_output_channels=64, mask_downsampler_embed_dim=H,
                   memory_fuser_embed_dim=H, memory_fuser_intermediate_dim=64,
                   max_object_pointers_in_encoder=extra.pop("pointers", 16), max_cond_frame_num=extra.pop("cond", 4))
    return Sam3VideoConfig(detector_config=detector, tracker_config=tracker, low_res_mask_size=4 * s,
                           score_threshold_detection=detect_threshold, **extra)


def write_tokenizer(path: str) -> None:
    """A CLIP tokenizer with a few whole words (ids < the tiny text model's vocab of 100)."""
    from transformers import CLIPTokenizer
    vocab, merges = {"<|startoftext|>": 0, "<|endoftext|>": 1}, []
    for w in WORDS:  # each word merged from its letters, left to right
        parts = list(w[:-1]) + [w[-1] + "</w>"]
        for t in parts:
            vocab.setdefault(t, len(vocab))
        while len(parts) > 1:
            if f"{parts[0]} {parts[1]}" not in merges:
                merges.append(f"{parts[0]} {parts[1]}")
            parts = [parts[0] + parts[1]] + parts[2:]
            vocab.setdefault(parts[0], len(vocab))
    with open(os.path.join(path, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f)
    with open(os.path.join(path, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "\n".join(merges) + "\n")
    tok = CLIPTokenizer(os.path.join(path, "vocab.json"), os.path.join(path, "merges.txt"),
                        unk_token="<|endoftext|>", pad_token="<|endoftext|>")
    tok.save_pretrained(path)


def build_sam3_video(path: str, detect_threshold: float = 0.5, **extra) -> str:
    import torch
    from transformers import Sam3VideoModel
    torch.manual_seed(0)
    Sam3VideoModel(sam3_video_config(detect_threshold, **extra)).eval().save_pretrained(path, safe_serialization=True)
    with open(os.path.join(path, "preprocessor_config.json"), "w", encoding="utf-8") as f:
        json.dump({"image_processor_type": "Sam3ImageProcessor", "processor_class": "Sam3VideoProcessor",
                   "do_resize": True, "do_rescale": True, "rescale_factor": 1 / 255, "do_normalize": True,
                   "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5], "resample": 2,
                   "size": {"height": IMAGE, "width": IMAGE}, "mask_size": {"height": 4 * IMAGE // PATCH,
                                                                             "width": 4 * IMAGE // PATCH}},
                  f, indent=2)
    write_tokenizer(path)
    return path
