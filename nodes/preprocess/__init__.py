"""Preprocessors that turn real footage into what the video models are driven by: people's boxes
(RT-DETR), their poses (ViTPose), depth (Depth Anything), masks from clicks (SAM 2), drawn in the
OpenPose convention the control models were trained on. Each runs its transformers model in torch
on the graph's device."""
