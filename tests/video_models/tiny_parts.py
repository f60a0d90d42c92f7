"""A tiny Wan 2.1 pipeline whose every part can be written as ComfyUI's separate files: the
denoiser (the wide test one, 128-value heads as the real ones), a UMT5 text encoder with a
sentencepiece tokenizer (a tiny sentencepiece model written with protobuf, no download), a Wan
2.1 VAE with the real block structure (two residual blocks a level) at a tiny width, and Wan 2.1's
UniPC scheduler as Studio ships it. Writers of the files in the original layouts: the Wan
repository's denoiser and VAE names, ComfyUI's UMT5 file with the tokenizer as ``spiece_model``."""
from __future__ import annotations

import re

WORDS = "a red green blue fox cat dog running walking snow sea sky cinematic painting the of in on".split()


def spiece_bytes(words=WORDS) -> bytes:
    """A sentencepiece (unigram) model holding T5's specials and ``words`` as whole-word pieces."""
    from transformers.convert_slow_tokenizer import import_protobuf
    m = import_protobuf().ModelProto()
    for piece, kind in (("<pad>", 3), ("</s>", 3), ("<unk>", 2)):
        p = m.pieces.add()
        p.piece, p.score, p.type = piece, 0.0, kind
    for i, w in enumerate(["▁"] + [f"▁{w}" for w in words] + list("abcdefghijklmnopqrstuvwxyz,.!")):
        p = m.pieces.add()
        p.piece, p.score, p.type = w, -1.0 - i * 0.01 if w.startswith("▁") else -20.0, 1
    m.trainer_spec.model_type = 1
    m.trainer_spec.unk_id, m.trainer_spec.eos_id, m.trainer_spec.pad_id, m.trainer_spec.bos_id = 2, 1, 0, -1
    return m.SerializeToString()


def tokenizer_of(data: bytes):
    """A transformers T5 tokenizer from sentencepiece bytes (the diffusers folder's tokenizer)."""
    from transformers import T5Tokenizer
    from transformers.convert_slow_tokenizer import import_protobuf
    m = import_protobuf().ModelProto()
    m.ParseFromString(data)
    return T5Tokenizer(vocab=[(p.piece, p.score) for p in m.pieces], extra_ids=0, model_max_length=512)


def build(path: str, text_width: int = 32, i2v: bool = False, in_channels: int = 36) -> str:
    """The tiny Wan 2.1 T2V diffusers folder (UMT5, sentencepiece tokenizer, Studio's scheduler);
    ``i2v``: Wan 2.1 I2V's (a denoiser reading CLIP image tokens and ``in_channels``, a tiny CLIP
    vision tower at 224 pixels, Studio's image processor)."""
    import torch
    from diffusers import (AutoencoderKLWan, UniPCMultistepScheduler, WanImageToVideoPipeline, WanPipeline,
                           WanTransformer3DModel)
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModel, UMT5Config, UMT5EncoderModel

    from nodes.video_models.families.wan.part_configs import CLIP_IMAGE_PROCESSOR

    from nodes.video_models.families.wan.part_configs import WAN_SCHEDULER

    from .tiny_formats import WIDE
    tok = tokenizer_of(spiece_bytes())
    torch.manual_seed(0)
    te = UMT5EncoderModel(UMT5Config(vocab_size=len(tok), d_model=text_width, d_kv=8, d_ff=37, num_layers=2,
                                     num_heads=4, relative_attention_num_buckets=8, feed_forward_proj="gated-gelu",
                                     pad_token_id=0, eos_token_id=1, decoder_start_token_id=0))
    torch.manual_seed(0)
    vae = AutoencoderKLWan(base_dim=4, z_dim=16, dim_mult=[1, 2, 4, 4], num_res_blocks=2,
                           temperal_downsample=[False, True, True])
    torch.manual_seed(0)
    extra = {"in_channels": in_channels, "image_dim": 32, "added_kv_proj_dim": 256} if i2v else {}
    den = WanTransformer3DModel(**{**WIDE, "text_dim": text_width, "rope_max_seq_len": 1024, **extra})
    parts = dict(tokenizer=tok, text_encoder=te, vae=vae, transformer=den,
                 scheduler=UniPCMultistepScheduler.from_config(WAN_SCHEDULER))
    if i2v:
        torch.manual_seed(0)
        parts["image_encoder"] = CLIPVisionModel(CLIPVisionConfig(hidden_size=32, intermediate_size=37, num_hidden_layers=2,
                                                                  num_attention_heads=16, image_size=224, patch_size=32,
                                                                  hidden_act="gelu"))  # ViT-H's, as Wan's
        parts["image_processor"] = CLIPImageProcessor(**CLIP_IMAGE_PROCESSOR)
    with torch.no_grad():
        for m in ("transformer", "vae", "text_encoder", "image_encoder"):
            for p in parts[m].parameters() if m in parts else ():
                p.add_(torch.randn_like(p) * 0.02)
    (WanImageToVideoPipeline if i2v else WanPipeline)(**parts).save_pretrained(path, safe_serialization=True)
    return path


_IMAGE_EMBEDDER = (("condition_embedder.image_embedder.norm1.", "img_emb.proj.0."),
                   ("condition_embedder.image_embedder.ff.net.0.proj.", "img_emb.proj.1."),
                   ("condition_embedder.image_embedder.ff.net.2.", "img_emb.proj.3."),
                   ("condition_embedder.image_embedder.norm2.", "img_emb.proj.4."),
                   (".add_k_proj.", ".k_img."), (".add_v_proj.", ".v_img."), (".norm_added_k.", ".norm_k_img."))


def wan_i2v_original_names(state: dict) -> dict:
    """A Wan 2.1 I2V denoiser's state under the Wan repository's names (its image embedder and
    image keys too)."""
    from .tiny_formats import wan_original_names
    out = {}
    for k, v in state.items():
        for a, b in _IMAGE_EMBEDDER:
            k = k.replace(a, b)
        out[k] = v
    return wan_original_names(out)


_RES = (("norm1.gamma", "residual.0.gamma"), ("conv1.", "residual.2."), ("norm2.gamma", "residual.3.gamma"),
        ("conv2.", "residual.6."), ("conv_shortcut.", "shortcut."))


def _res(rest: str) -> str:
    for a, b in _RES:
        if rest.startswith(a):
            return b + rest[len(a):]
    return rest


def wan_vae_original_names(state: dict) -> dict:
    """A diffusers AutoencoderKLWan's state under the Wan repository's names (ComfyUI's
    wan_2.1_vae.safetensors): the inverse of diffusers' convert_wan_vae_to_diffusers."""
    out = {}
    for k, v in state.items():
        n = k
        if n.startswith("post_quant_conv."):
            n = "conv2." + n[len("post_quant_conv."):]
        elif n.startswith("quant_conv."):
            n = "conv1." + n[len("quant_conv."):]
        elif m := re.match(r"(encoder|decoder)\.conv_in\.(.*)", n):
            n = f"{m[1]}.conv1.{m[2]}"
        elif m := re.match(r"(encoder|decoder)\.norm_out\.gamma", n):
            n = f"{m[1]}.head.0.gamma"
        elif m := re.match(r"(encoder|decoder)\.conv_out\.(.*)", n):
            n = f"{m[1]}.head.2.{m[2]}"
        elif m := re.match(r"(encoder|decoder)\.mid_block\.attentions\.0\.(.*)", n):
            n = f"{m[1]}.middle.1.{m[2]}"
        elif m := re.match(r"(encoder|decoder)\.mid_block\.resnets\.(\d+)\.(.*)", n):
            n = f"{m[1]}.middle.{2 * int(m[2])}.{_res(m[3])}"
        elif m := re.match(r"encoder\.down_blocks\.(\d+)\.(.*)", n):
            n = f"encoder.downsamples.{m[1]}.{_res(m[2])}"
        elif m := re.match(r"decoder\.up_blocks\.(\d+)\.resnets\.(\d+)\.(.*)", n):
            n = f"decoder.upsamples.{4 * int(m[1]) + int(m[2])}.{_res(m[3])}"
        elif m := re.match(r"decoder\.up_blocks\.(\d+)\.upsamplers\.0\.(.*)", n):
            n = f"decoder.upsamples.{4 * int(m[1]) + 3}.{m[2]}"
        out[n] = v
    return out


def write_parts(folder: str, out: str, prefix: str = "") -> dict[str, str]:
    """The folder's denoiser, text encoder and VAE as ComfyUI's files (fp32, the original layouts;
    the text encoder with ``spiece_model``): name -> path."""
    import os

    import numpy as np
    import torch
    from diffusers import AutoencoderKLWan, WanTransformer3DModel
    from safetensors.torch import save_file
    from transformers import UMT5EncoderModel

    from .tiny_formats import wan_original_names
    os.makedirs(out, exist_ok=True)
    den = WanTransformer3DModel.from_pretrained(folder, subfolder="transformer").state_dict()
    vae = AutoencoderKLWan.from_pretrained(folder, subfolder="vae").state_dict()
    te = UMT5EncoderModel.from_pretrained(folder, subfolder="text_encoder").state_dict()
    te = {k: v for k, v in te.items() if k != "encoder.embed_tokens.weight"}  # ComfyUI keeps 'shared' only
    te["spiece_model"] = torch.from_numpy(np.frombuffer(spiece_bytes(), dtype=np.uint8).copy())
    files = {"denoiser": os.path.join(out, "wan2.1_t2v_tiny_fp32.safetensors"),
             "text_encoder": os.path.join(out, "umt5_tiny_fp32.safetensors"),
             "vae": os.path.join(out, "wan_2.1_vae_tiny.safetensors")}
    if os.path.isdir(os.path.join(folder, "image_encoder")):  # ComfyUI's clip_vision file: transformers' names
        from transformers import CLIPVisionModel
        clip = CLIPVisionModel.from_pretrained(folder, subfolder="image_encoder").state_dict()
        clip = {(k if k.startswith("vision_model.") else "vision_model." + k): v for k, v in clip.items()}
        width = clip["vision_model.embeddings.class_embedding"].shape[0]
        clip["visual_projection.weight"] = torch.randn(width, width)  # in ComfyUI's files; Wan does not use it
        files["clip_vision"] = os.path.join(out, "clip_vision_tiny.safetensors")
        save_file({k: v.contiguous() for k, v in clip.items()}, files["clip_vision"])
        files["denoiser"] = os.path.join(out, "wan2.1_i2v_tiny_fp32.safetensors")
        den = wan_i2v_original_names(den)
    else:
        den = wan_original_names(den)
    save_file({prefix + k: v.contiguous() for k, v in den.items()}, files["denoiser"])
    save_file({k: v.contiguous() for k, v in te.items()}, files["text_encoder"])
    save_file({k: v.contiguous() for k, v in wan_vae_original_names(vae).items()}, files["vae"])
    return files


def comfy_folders(root: str) -> dict[str, str]:
    """ComfyUI's model folders under ``root``, made: {'dit': diffusion_models/, 'text_encoder': text_encoders/,
    'vae': vae/} (the still families' three files: tiny_flux2/zimage/qwenimage_files)."""
    import os
    places = {k: os.path.join(root, d) for k, d in (("dit", "diffusion_models"), ("text_encoder", "text_encoders"),
                                                     ("vae", "vae"))}
    for d in places.values():
        os.makedirs(d, exist_ok=True)
    return places


def seeded(make, seed: int = 0):
    """``make()`` seeded ``seed``, its random weights of a trained model's scale (none left at zero: a
    zero-initialised output layer would hide what a test compares), in eval mode."""
    import torch
    torch.manual_seed(seed)
    m = make()
    with torch.no_grad():
        for p in m.parameters():
            p.add_(torch.randn_like(p) * 0.02)
    return m.eval()


def trained_scale(cls, seed: int = 0, **config):
    """``cls(**config)`` made by ``seeded``."""
    return seeded(lambda: cls(**config), seed)


def files_with_denoiser(folder: str, out: str, name: str, state: dict) -> dict[str, str]:
    """The tiny folder's parts as ComfyUI's files in ``out`` (write_parts) with a lighter Wan VAE (one
    block a level, its config told by its shapes: a long take decodes and encodes every window) and,
    for its denoiser, ``state`` written as ``name`` (ComfyUI's names, under 'model.diffusion_model.')."""
    import os

    import torch
    from diffusers import AutoencoderKLWan
    from safetensors.torch import save_file
    torch.manual_seed(0)
    AutoencoderKLWan(base_dim=4, z_dim=16, dim_mult=[1, 2, 4, 4], num_res_blocks=1,
                     temperal_downsample=[False, True, True]).save_pretrained(os.path.join(folder, "vae"))
    files = write_parts(folder, out)
    os.remove(files["denoiser"])
    files["denoiser"] = os.path.join(out, name)
    save_file({"model.diffusion_model." + k: v.contiguous() for k, v in state.items()}, files["denoiser"])
    return files


def fresh(ref):
    """The loaded model's weights (parameters and buffers of every module) in fresh storage, as
    Studio's reads make: a memory-mapped tensor at an unaligned offset can take another BLAS path,
    bitwise different in the last place."""
    import torch
    for module in ref.module.components.values():
        if isinstance(module, torch.nn.Module):
            for t in list(module.parameters()) + list(module.buffers()):
                t.data = t.data.clone()
    return ref


def meta_recorder(seen: dict):
    """``recording(cls)``: a subclass of ``cls`` that notes, in ``seen`` under the class's name, the
    devices its parameters are on when its weights are loaded (a model built on the meta device says
    {'meta'}); monkeypatch it in the class's place."""
    def recording(cls):
        class Recording(cls):
            def load_state_dict(self, state_dict, *args, **kwargs):
                seen[cls.__name__] = {p.device.type for p in self.parameters()}
                return super().load_state_dict(state_dict, *args, **kwargs)
        Recording.__name__ = cls.__name__
        return Recording
    return recording


def t2v_graph(prompt: str, frames: int = 1, size: int = 16, **load):
    """Load Video Model (``load``: its parameters) into Text to Video, 2 steps, no previews."""
    from studio.core.graph import Graph
    g = Graph()
    g.add_node("video_models.load", load, node_id="load")
    g.add_node("video_models.text_to_video", {"prompt": prompt, "frames": frames, "width": size, "height": size,
                                              "steps": 2, "guidance": 2.0, "previews": False,
                                              "preview_size": "off"}, node_id="gen")
    g.connect("load", "model", "gen", "model")
    return g
