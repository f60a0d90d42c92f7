"""HunyuanVideo 1.5: text and image to video, read from a folder or ComfyUI's part files."""
