"""Encoder nodes: text, image and audio into Features, and microphone capture.

Node ids: ``encode.text``, ``encode.text_similarity``, ``encode.image``, ``encode.audio``,
``audio.record``, ``encode.caption`` (a picture written as text by Florence-2: caption.py). Fusion nodes live in :mod:`nodes.fusion`.

Shapes (all float32 torch tensors on the CPU, in ``Features.data``):

* ``encode.text``: ``tokens`` [L, D] (per_frame False; L includes [CLS] and [SEP]) and
  ``pooled`` [D] (unit length for the pretrained model; D = 384 for all-MiniLM-L6-v2).
  Extras: ``tokens`` (the token strings), ``prompt``.
* ``encode.text_similarity``: ``matrix`` [N, N] cosine similarities; extras ``labels`` (the
  prompts), ``kind`` = "similarity" (the similarity-matrix viewer).
* ``encode.image``: ``features`` [T, D] per frame (or [D] for an Image), ``maps``
  [T, C, h, w] at 1/8 of the encoded size.
* ``encode.audio``: ``features`` [T, D] per video frame at the video's fps, ``mel`` [T, n_mels]
  (dB). Extras for the timeline: ``onset_strength``, ``loudness`` (dB), ``onset``, ``beat``
  (0/1) as [T] tensors; ``onset_times``, ``beat_times`` (seconds, lists); ``tempo`` (bpm);
  ``columns``: {"mel": (a, b), "mfcc": ..., "onset_strength": ..., "onset": ..., "beat": ...,
  "loudness": ...}, the column span of each feature in ``features``.

Plain API: :func:`nodes.encoders.text.encode_texts` (L2-normalised sentence embeddings [N, D]).
Checkpoints of the trainable networks are safetensors + a JSON config beside them
(:mod:`nodes.encoders.common`); nothing is ever unpickled.
"""
