"""A Wan block's output after its text cross-attention, extended for one call (HuMo's and
InfiniteTalk's audio attention): diffusers' WanTransformerBlock adds ``attn2(norm2(h))`` to ``h``;
a hook before ``norm2`` keeps ``h`` and one after ``attn2`` (diffusers' registry) hands ``add(i, x, out)`` the block's
hidden states after that residual (``x = h + out``), returning the cross-attention's new output.
The caller removes the handles when the call ends."""
from __future__ import annotations

from typing import Callable

from ...base.hooks import module_hook


def after_text_attention(i: int, block, add: Callable) -> tuple:
    """The two hook handles on ``block`` (the ``i``-th) that give ``add(i, x, out)`` its turn."""
    held: list = []

    def keep(_mod, args):
        held[:] = [args[0]]

    def after(_mod, _args, out):
        return add(i, held.pop().to(out.dtype) + out, out)
    return (module_hook(block.norm2, "studio_text_attention", before=keep),
            module_hook(block.attn2, "studio_text_attention", after=after))
