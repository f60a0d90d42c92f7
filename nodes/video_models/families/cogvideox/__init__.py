"""CogVideoX: text, image and video to video at 49 frames a call."""
