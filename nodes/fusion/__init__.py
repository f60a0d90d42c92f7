"""Fusion nodes: concat, gated, cross-attention, low-rank tensor fusion and FiLM.

Each node has up to four Features inputs ``a``, ``b``, ``c``, ``d`` (any may be missing: a learned
null embedding stands in), broadcasts clip-level features over the frames of the per-frame
ones, and outputs ``features`` ([T, D] per frame, or [D] when no input is per-frame) and
``model`` (the fusion network, to train with a generator). For FiLM, ``a`` is modulated by the
others; for cross-attention, ``a`` queries the others.

Input shapes: per-frame [T, D]; clip-level [D]; a token sequence [L, D] (text tokens), which
cross-attention attends over and the others mean-pool; feature maps [T, C, h, w] / [C, h, w]
(image encoder), averaged over space.

What the viewer finds in ``features.extras`` (tensors on the CPU; with T frames, M = 4 inputs):

* ``modalities``: ["a", "b", "c", "d"]; ``present``: [bool] * M (False: the null embedding).
* ``dominance``: [T, M] (or [M]); non-negative, each row sums to 1: how much each input drives
  the result. Concat: share of each projected input's norm. Gated: normalised gate values.
  Cross-attention: attention mass on each input's tokens (``a``, the query, gets 0).
  Tensor fusion: how far the output moves when the input is replaced by its null embedding.
  FiLM: ||h_a|| against each conditioning input's ||dgamma * h_a|| + ||beta||.
* gated: ``gates`` [T, M], the sigmoid gates.
* cross-attention: ``attention`` [T, K] weights over the K key tokens (mean over heads; rows
  sum to 1), ``attention_heads`` [T, heads, K]; ``token_owner``: the
  input index (1..3) of each token; ``token_labels``: e.g. "b", "c[3]", "b:red" (text tokens);
  ``modality_weights`` [T, M-1] attention mass per key input (b, c, d).
* tensor: ``influence`` [T, M], the raw ablation distances.
* film: ``gamma``, ``beta`` [T, D].
"""
