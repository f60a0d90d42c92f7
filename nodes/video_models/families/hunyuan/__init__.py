"""HunyuanVideo: text and image to video."""
