"""Train Video LoRA's parameters, declared once: the node shows them, the training settings
(train.LoRASettings) take their defaults from them and a run's values by name."""
from __future__ import annotations

from studio.core.params import Bool, Choice, Float, Int, Path, Seed, String, Text

from ..memory.speed import COMPILE_CHOICES, TRAIN_ATTENTION_CHOICES

# parameters the node turns into another setting (output: a path made absolute; target_modules:
# the ``targets`` tuple; seed: the run's)
DERIVED = ("output", "target_modules", "seed")

LORA_PARAMS = (Path("output", "out/video_lora.safetensors", mode="save", filters="LoRA (*.safetensors)",
                    help="the LoRA file (diffusers layout); the resume state and the latent cache go beside it"),
               Int("rank", 16, min=1, max=512), Float("alpha", 16.0, min=0.01, max=4096.0,
                                                      help="LoRA scale is alpha / rank"),
               Float("lr", 1e-4, min=1e-7, max=1.0, step=1e-5, decimals=6, help="learning rate (AdamW)"),
               Choice("lr_schedule", "constant", choices=("constant", "cosine", "linear"),
                      help="the learning rate over the run: constant, or decaying to 0 at 'steps'"),
               Int("warmup", 0, min=0, max=1_000_000, help="steps of linear learning-rate warm-up"),
               Int("steps", 500, min=1, max=10_000_000,
                   help="optimiser steps in all (a resumed run continues to this)"),
               Float("max_minutes", 0.0, min=0.0, max=100_000.0,
                     help="training time in all, across resumes (0: no limit; encoding the clips is not counted)"),
               Int("batch", 1, min=1, max=256, help="clips per step"),
               Int("width", 0, min=0, max=4096, help="0: the dataset's; rounded down to the family's multiple"),
               Int("height", 0, min=0, max=4096, help="0: the dataset's; rounded down to the family's multiple"),
               Int("frames", 0, min=0, max=1024, help="0: the dataset's; cut to a count the family takes (Wan 4k+1, "
                                                      "LTX 8k+1)"),
               String("target_modules", "", help="comma-separated layer names; empty: the family's attention "
                                                 "projections (to_q, to_k, to_v, to_out.0)"),
               Bool("gradient_checkpointing", False, help="less memory, about a third slower (always on with fp8 base "
                                                                "weights)"),
               Choice("mixed_precision", "auto", choices=("auto", "bf16", "no"),
                      help="auto: bf16 autocast on CUDA; the LoRA weights stay fp32"),
               Choice("timesteps", "uniform", choices=("uniform", "logit_normal"),
                      help="how noise levels are drawn (then moved by the family's shift)"),
               Float("shift", 0.0, min=0.0, max=100.0, help="flow shift; 0: the model's scheduler's own"),
               Float("max_grad_norm", 1.0, min=0.0, max=1000.0, help="gradient-norm clip"),
               Text("validation_prompt", "", help="sampled with the LoRA every 'validate_every' steps; shown in the "
                                                  "viewer"),
               Int("validate_every", 100, min=0, max=1_000_000, help="0: no validation samples"),
               Int("validation_steps", 20, min=1, max=200, help="denoising steps of a validation sample"),
               Int("checkpoint_every", 100, min=0, max=1_000_000, help="steps between saves (and at Stop, and at "
                                                                      "the end)"),
               Bool("resume", True, help="continue from the state beside the output when it matches"),
               Bool("offload_text_encoder", True, help="move the text encoder to the CPU while training (GPU)"),
               Choice("compile", "off", choices=COMPILE_CHOICES,
                      help="regional torch.compile of the denoiser's blocks for the training step (diffusers "
                           "compile_repeated_blocks; auto: on with CUDA). The first step compiles (not counted in "
                           "max_minutes). Off with fp8 base weights"),
               Choice("attention", "native", choices=TRAIN_ATTENTION_CHOICES,
                      help="attention kernel of the training step (diffusers set_attention_backend), CUDA only. "
                           "native: torch SDPA; auto: the fastest installed that has a backward pass "
                           "(FlashAttention 2, cuDNN); SageAttention and FlashAttention 3 are inference-only"),
               Seed("seed", 0))
