"""Wan's denoiser measured against the memory plan's count (memory/plan.py, issue 73): the run's tensors per
token in one block's forward, bytes = a x hidden + b x FFN width. Wan's block keeps the residual, its fp32
norm copies, q/k/v and their rotated copies (about 24 bytes a channel at the attention's peak) and, in the
FFN, its input and the GELU's two FFN-wide bf16 tensors. Checked against the table measured on an H200 (Wan
2.1 14B, 832x480x33): fp8 peaked 1.9 GB above its weights; this says 2.3."""
from ...base.capabilities import MemoryCounts

ACTIVATION = (24, 4)
COUNTS = MemoryCounts(activation=ACTIVATION)
