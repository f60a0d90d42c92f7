"""Wan 2.2 S2V 14B: speech (wav2vec2 features) + a reference image [+ a pose clip] to video, long takes continued by its own motion frames."""
