"""Wan Animate 2: a reference character moved by a driving video, diffusers' modular WanAnimate2ModularPipeline."""
