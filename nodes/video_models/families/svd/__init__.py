"""Stable Video Diffusion: image to video from a diffusers folder or ComfyUI's one checkpoint"""
