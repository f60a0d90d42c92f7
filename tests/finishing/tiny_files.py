"""Tiny random model files for the finish_a_clip template (tests/tiny_models.py builds them under the
names it gives): an ESRGAN x2 in RealESRGAN_x2plus's layout and a RIFE 4.26 .safetensors. Written
with torch alone (spandrel is not needed to write them, only to read the upscaler)."""
from __future__ import annotations

import os


def build_esrgan_x2plus(path: str, nf: int = 8, gc: int = 32, blocks: int = 1) -> str:
    """A state dict in the layout of Real-ESRGAN's RealESRGAN_x2plus.pth (basicsr's RRDBNet with
    scale 2: the frame pixel-unshuffled by 2 into 12 channels, then two x2 upsamplings; spandrel reads
    it as ESRGAN with shuffle_factor 2), 8 filters and one block (its growth channels 32, as spandrel builds it),
    saved flat with torch.save (the node reads it without unpickling: studio.engine.torch_zip)."""
    import torch
    torch.manual_seed(0)

    def conv(sd, name, cout, cin):
        sd[name + ".weight"] = torch.randn(cout, cin, 3, 3) * 0.05
        sd[name + ".bias"] = torch.zeros(cout)
    sd: dict = {}
    conv(sd, "conv_first", nf, 3 * 4)
    for b in range(blocks):
        for r in (1, 2, 3):
            for k in range(1, 6):
                conv(sd, f"body.{b}.rdb{r}.conv{k}", nf if k == 5 else gc, nf + (k - 1) * gc)
    for name in ("conv_body", "conv_up1", "conv_up2", "conv_hr"):
        conv(sd, name, nf, nf)
    conv(sd, "conv_last", 3, nf)
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    torch.save(sd, path)
    return path


def build_rife_426(path: str) -> str:
    """RIFE 4.25/4.26's IFNet at its real widths with random weights, in ComfyUI's key layout
    (``blocks.N.``), as tests/motion/test_rife.py writes it."""
    import torch
    from safetensors.torch import save_file

    from nodes.motion.rife_net import IFNet
    torch.manual_seed(0)
    out = {}
    for k, v in IFNet().state_dict().items():
        if k.startswith("block") and k[5].isdigit():
            k = f"blocks.{k[5]}.{k[7:]}"
        out[k] = v.contiguous()
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    save_file(out, path)
    return path
