"""LTX-Video (2B, 13B): text and image to video, frames at any index (LTXConditionPipeline)."""
