"""MiniMax H3 in ComfyUI's "curve form" (its 'pruned' files: minimax_h3_fl2va / ref2va_pruned_int8_convrot,
fastvideo_fasth3_*_pruned_int8_convrot): diffusers 0.42.1's MiniMaxH3Transformer3DModel with its time
path swapped, nothing else changed (the blocks, token refiner, heads and forward are diffusers').

What the curve form computes, as ComfyUI's comfy/ldm/minimax/model.py reads it (Comfy-Org/ComfyUI, commit
01a56b76bba3f32021fa846104baf2e500adc0da: ``MiniMaxH3Model.__init__``'s ``adaln_curve_grid`` /
``use_adaln_curves``, ``AdalnProj(apply_silu=...)`` and ``_forward``'s table lerp; read for meaning):

- the time embedder is gone; a table ``adaln_t_table`` [grid, rank] (1025 x 8 in every released file)
  samples the time-embedding curve on t in [0, 1]. For each distinct timestep t (diffusers' ``timestep``:
  unscaled, in [0, 1]): pos = clamp(t, 0, 1) * (grid - 1), i0 = min(floor(pos), grid - 2), and the
  embedding is lerp(table[i0], table[i0 + 1], pos - i0) [rank];
- every AdaLN projection (the blocks' ``adaln_proj.linear``, [6 * 3 * hidden, rank]; the final layer's,
  [2 * hidden, rank]) is applied to that embedding with no SiLU before it (the full model's is
  linear(silu(e(t)))): the table is silu(e(t)) projected on its leading singular vectors, the weights
  W times those vectors, bias kept;
- ComfyUI keeps those projections in fp32 in curve form; here they run in the block stack's dtype
  (their weights are stored bf16 in the files), the table in fp32 (``time_embedder`` is one of
  diffusers' _keep_in_fp32_modules).

Studio's module names: ``time_embedder.table`` is ComfyUI's ``adaln_t_table``; ``time_proj`` passes the
timesteps through (the table is indexed by t itself, not its sinusoidal features). Everything else keeps
diffusers' names (comfy_file.py converts ComfyUI's)."""
from __future__ import annotations

import functools

GRID, RANK = 1025, 8  # the released files' table
CLASSES = ("CurveTable", "Timesteps", "CurveModulation", "CurveNormOut", "MiniMaxH3CurveTransformer")


def curve_embedding(table, t):
    """The curve's coordinates at timesteps ``t`` [M] (in [0, 1], clamped): the table's two rows
    around each t blended linearly, [M, rank] in fp32."""
    import torch
    table = table.float()
    pos = t.float().clamp(0.0, 1.0) * (table.shape[0] - 1)
    lower = pos.floor().long().clamp(max=table.shape[0] - 2)
    return torch.lerp(table[lower], table[lower + 1], (pos - lower).unsqueeze(1))


def __getattr__(name: str):
    """The classes below, made on first use: they subclass diffusers' (whose import takes seconds), and
    listing Studio's nodes imports every module of ``nodes`` without needing them."""
    if name in CLASSES:
        return _classes()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.cache
def _classes() -> dict:
    import torch
    from diffusers import MiniMaxH3Transformer3DModel
    from diffusers.configuration_utils import register_to_config
    from diffusers.models.modeling_utils import get_parameter_dtype
    from diffusers.models.transformers.transformer_minimax_h3 import (
        MiniMaxH3AdaLayerNormModulation,
        MiniMaxH3AdaLayerNormOut,
    )
    from torch import nn

    class CurveTable(nn.Module):
        """The time embedder's replacement: ``table`` [grid, rank], read at the timesteps themselves."""

        def __init__(self, grid: int, rank: int):
            super().__init__()
            self.table = nn.Parameter(torch.zeros(grid, rank), requires_grad=False)

        def forward(self, timestep: torch.Tensor) -> torch.Tensor:
            return curve_embedding(self.table, timestep)

    class Timesteps(nn.Module):
        """``time_proj``'s replacement: the timesteps as they are (the table is indexed by t)."""

        def forward(self, timestep: torch.Tensor) -> torch.Tensor:
            return timestep

    class CurveModulation(MiniMaxH3AdaLayerNormModulation):
        """A block's AdaLN projection in curve form: linear(c(t)), no SiLU."""

        def forward(self, temb: torch.Tensor) -> tuple[torch.Tensor, ...]:
            out = self.linear(temb.to(get_parameter_dtype(self.linear)))
            return out.view(-1, 6 * self.hidden_size).chunk(6, dim=-1)

    class CurveNormOut(MiniMaxH3AdaLayerNormOut):
        """The final norm's shift / scale in curve form: linear(c(t)), no SiLU."""

        def forward(self, hidden_states: torch.Tensor, temb: torch.Tensor, timestep_indices: torch.Tensor) -> torch.Tensor:
            shift, scale = self.linear(temb.to(get_parameter_dtype(self.linear))).chunk(2, dim=-1)
            hidden_states = self.norm(hidden_states)
            return hidden_states * (1.0 + scale.index_select(0, timestep_indices)) + shift.index_select(0, timestep_indices)

    class MiniMaxH3CurveTransformer(MiniMaxH3Transformer3DModel):
        """diffusers' MiniMax H3 transformer in curve form: ``adaln_curve_grid`` rows of ``time_embed_dim``
        (the rank) in ``time_embedder.table``; the AdaLN projections ``time_embed_dim`` wide, without SiLU."""

        @register_to_config
        def __init__(self, num_attention_heads: int = 56, attention_head_dim: int = 128, hidden_size: int = 5376,
                     num_layers: int = 50, num_refiner_layers: int = 2, ffn_dim: int = 14336, in_channels: int = 24,
                     audio_in_channels: int = 32, patch_size: tuple[int, int, int] = (1, 2, 2), text_dim: int = 5120,
                     freq_dim: int = 256, time_embed_hidden_dim: int = 5376, time_embed_dim: int = RANK,
                     rope_freq_dim: int = 16, rope_theta: float = 10000.0, norm_eps: float = 1e-5,
                     qk_norm_eps: float = 1e-5, final_norm_eps: float = 1e-5, adaln_curve_grid: int = GRID) -> None:
            super().__init__(num_attention_heads=num_attention_heads, attention_head_dim=attention_head_dim,
                             hidden_size=hidden_size, num_layers=num_layers, num_refiner_layers=num_refiner_layers,
                             ffn_dim=ffn_dim, in_channels=in_channels, audio_in_channels=audio_in_channels,
                             patch_size=patch_size, text_dim=text_dim, freq_dim=freq_dim,
                             time_embed_hidden_dim=time_embed_hidden_dim, time_embed_dim=time_embed_dim,
                             rope_freq_dim=rope_freq_dim, rope_theta=rope_theta, norm_eps=norm_eps,
                             qk_norm_eps=qk_norm_eps, final_norm_eps=final_norm_eps)
            self.time_proj = Timesteps()
            self.time_embedder = CurveTable(adaln_curve_grid, time_embed_dim)
            for block in self.transformer_blocks:
                block.adaln_proj.__class__ = CurveModulation  # same parameters, its own forward
            self.norm_out.__class__ = CurveNormOut

    return {n: v for n, v in locals().items() if n in CLASSES}
