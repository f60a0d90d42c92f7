"""HunyuanVideo Framepack: a long take from a still, section by section."""
