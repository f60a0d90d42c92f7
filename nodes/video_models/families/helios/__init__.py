"""Helios: long text, image and video to video in chunks of 33 frames (HeliosPipeline, HeliosPyramidPipeline)."""
