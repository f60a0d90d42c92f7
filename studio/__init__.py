"""Studio: multimodal video-generation pipelines as node graphs."""
__version__ = "0.1.0"
