"""A Wan block's output after its text cross-attention, extended for one call (HuMo's and
InfiniteTalk's audio attention): diffusers' WanTransformerBlock adds ``attn2(norm2(h))`` to ``h``;
a pre-hook on ``norm2`` keeps ``h`` and a hook on ``attn2`` hands ``add(i, x, out)`` the block's
hidden states after that residual (``x = h + out``), returning the cross-attention's new output.
The caller removes the handles when the call ends."""
from __future__ import annotations

from typing import Callable


def after_text_attention(i: int, block, add: Callable) -> tuple:
    """The two hook handles on ``block`` (the ``i``-th) that give ``add(i, x, out)`` its turn."""
    held: list = []

    def keep(_mod, args):
        held[:] = [args[0]]

    def after(_mod, _args, out):
        return add(i, held.pop().to(out.dtype) + out, out)
    return block.norm2.register_forward_pre_hook(keep), block.attn2.register_forward_hook(after)
