"""Tiny random preprocessor models built from their configs (RT-DETR, ViTPose, Depth Anything),
saved in the Hugging Face layout: the tests and the template renders load them as they would the
real ones."""
from __future__ import annotations

import torch

from nodes.preprocess.hf import processor_class


def build_rtdetr(path: str, size: int = 64, seed: int = 0) -> str:
    from transformers import RTDetrConfig, RTDetrForObjectDetection, RTDetrResNetConfig
    RTDetrImageProcessor = processor_class("people")
    torch.manual_seed(seed)
    backbone = RTDetrResNetConfig(embedding_size=8, hidden_sizes=[8, 16, 24, 32], depths=[1, 1, 1, 1],
                                  out_features=["stage2", "stage3", "stage4"], out_indices=[2, 3, 4])
    cfg = RTDetrConfig(backbone_config=backbone, d_model=32, encoder_hidden_dim=32, encoder_in_channels=[16, 24, 32],
                       encoder_layers=1, encoder_ffn_dim=32, encoder_attention_heads=2, decoder_in_channels=[32, 32, 32],
                       decoder_layers=1, decoder_ffn_dim=32, decoder_attention_heads=2, num_queries=20,
                       num_denoising=0, eval_size=None, anchor_image_size=None,
                       id2label={0: "dog", 1: "person"}, label2id={"dog": 0, "person": 1})
    model = RTDetrForObjectDetection(cfg).eval()
    with torch.no_grad():  # spread the untrained heads: both classes and boxes of many sizes come out
        for name, p in model.named_parameters():
            if "class_embed" in name or "score_head" in name or "bbox_embed" in name:
                p.normal_(0.0, 0.5)
    model.save_pretrained(path)
    RTDetrImageProcessor(size={"height": size, "width": size}).save_pretrained(path)
    return path


def build_vitpose(path: str, keypoints: int = 17, experts: int = 1, seed: int = 0) -> str:
    from transformers import VitPoseBackboneConfig, VitPoseConfig, VitPoseForPoseEstimation
    VitPoseImageProcessor = processor_class("pose")
    torch.manual_seed(seed)
    backbone = VitPoseBackboneConfig(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
                                     image_size=[64, 48], patch_size=[8, 8], num_experts=experts,
                                     part_features=8 if experts > 1 else 0, out_indices=[2])
    cfg = VitPoseConfig(backbone_config=backbone, num_labels=keypoints)
    model = VitPoseForPoseEstimation(cfg).eval()
    model.save_pretrained(path)
    VitPoseImageProcessor(size={"height": 64, "width": 48}).save_pretrained(path)
    return path


def build_depth_anything(path: str, seed: int = 0) -> str:
    from transformers import DepthAnythingConfig, DepthAnythingForDepthEstimation, Dinov2Config
    DPTImageProcessor = processor_class("depth")
    torch.manual_seed(seed)
    backbone = Dinov2Config(hidden_size=32, num_hidden_layers=4, num_attention_heads=2, intermediate_size=64,
                            image_size=28, patch_size=14, out_indices=[1, 2, 3, 4], reshape_hidden_states=False)
    cfg = DepthAnythingConfig(backbone_config=backbone, reassemble_hidden_size=32, neck_hidden_sizes=[8, 16, 16, 32],
                              fusion_hidden_size=16, head_hidden_size=8, patch_size=14)
    model = DepthAnythingForDepthEstimation(cfg).eval()
    model.save_pretrained(path)
    DPTImageProcessor(size={"height": 28, "width": 28}, keep_aspect_ratio=True, ensure_multiple_of=14,
                      do_pad=False).save_pretrained(path)
    return path
