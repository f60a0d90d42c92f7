"""Preprocessors that turn real footage into what the video models are driven by: people's boxes
(RT-DETR), their poses (ViTPose), depth (Depth Anything), drawn in the OpenPose convention the
control models were trained on. Each runs its transformers model in torch on the graph's device,
the model kept in the engine's model cache (Load Preprocessor)."""
