"""SVD-XT's image-decoder checkpoint (Stability's svd_xt_image_decoder.safetensors, ComfyUI's checkpoints folder): its
first stage decodes each frame alone (a 2D decoder: no 'time_stack', 'mix_factor' nor 'time_mix_conv' tensors), where
Studio's pipeline builds diffusers' AutoencoderKLTemporalDecoder. ComfyUI decodes that checkpoint's frames one by one
(comfy/sd.py takes the temporal decoder only where 'decoder.mid.block_1.mix_factor' is in the file); here the
temporal decoder's own layers are given values that pass each frame through unchanged, so it decodes exactly as the
image decoder does: each TemporalResnetBlock's second conv zero (its output its input: diffusers'
unets/unet_3d_blocks.TemporalResnetBlock adds its hidden states to its input), its norms the identity affine, its
mix factor any (the two branches then agree), and the last Conv3d ('time_conv_out', kernel 3 x 1 x 1) the identity
on its middle frame. Only where the file holds none of those tensors (a temporal file missing some is refused as
before: heldout121 02's checkpoint was refused at load, unsaid at conversion). Plain torch, read for shapes only."""
from __future__ import annotations

TEMPORAL = ("temporal_res_block.", "time_mixer.", "decoder.time_conv_out.")  # the temporal decoder's own layers


def _temporal(name: str) -> bool:
    return any(t in name for t in TEMPORAL[:2]) or name.startswith(TEMPORAL[2])


def made_names(model, have: dict) -> tuple[str, ...]:
    """The temporal layers' tensor names of the VAE skeleton ``model`` where the file's converted tensors ``have``
    none of them (an image decoder's first stage); () else."""
    own = [k for k in model.state_dict() if _temporal(k)]
    return tuple(own) if own and not any(k in have for k in own) else ()


def pass_through(model, names: tuple[str, ...], torch_dtype) -> dict:
    """Tensors for ``names`` (the temporal layers of ``model``, meta) that make each frame pass them unchanged."""
    import torch
    out = {}
    shapes = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    for k in names:
        shape = shapes[k]
        t = torch.zeros(shape, dtype=torch_dtype)
        if k.endswith(".weight") and (".norm1." in k or ".norm2." in k):
            t = torch.ones(shape, dtype=torch_dtype)
        elif k == "decoder.time_conv_out.weight":  # (out, in, 3, 1, 1): the middle frame, channel to channel
            t[:, :, shape[2] // 2, 0, 0] = torch.eye(shape[0], shape[1], dtype=torch_dtype)
        out[k] = t
    return out
