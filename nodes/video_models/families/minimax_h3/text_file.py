"""MiniMax H3's ComfyUI text-encoder file (``qwen3vl_32b_minimax_h3_nvfp4_awq.safetensors``: Qwen3-VL
32B, its language model's Linear layers in ComfyUI's NVFP4 with AWQ pre-quant scales, files/
comfy_nvfp4.py) read as the transformers ``Qwen3VLForConditionalGeneration`` diffusers' MiniMax H3
pipeline calls (modular_pipelines/minimax_h3/encoders.py ``get_qwen3vl_prompt_embeds``: it reads
``config.text_config.num_hidden_layers``, ``dtype`` and calls ``text_encoder.model(input_ids,
mm_token_type_ids, pixel_values ..., output_hidden_states=True)``, taking ``hidden_states[50]``).

What ComfyUI's file holds (Comfy-Org/ComfyUI, read for layout only: comfy/text_encoders/minimax.py,
qwen3vl.py, qwen35.py, llama.py ``Qwen3VL_32BConfig``; comfy/sd.py tells the file by
``visual.deepstack_merger_list.0.norm.weight`` beside ``model.layers.49.self_attn.q_proj.weight``): the
language model under ``model.`` truncated to its first 50 of 64 layers with no final norm and no LM
head (MiniMax H3 conditions on the raw residual after layer 50), and the vision tower under
``visual.`` in the names transformers' ``Qwen3VLVisionModel`` uses (patch_embed, pos_embed, blocks.N
.{norm1, norm2, attn.qkv, attn.proj, mlp.linear_fc1/2}, merger, deepstack_merger_list). The tokenizer
is not in the file: ComfyUI bundles Qwen's in its code (qwen25_tokenizer, plus MiniMax's seven tokens
at ids 151669-151675).

Read here: the language model's tensors under Qwen3VLTextModel's names (``model.`` or
``model.language_model.``), a config from their shapes (heads' width from ``q_norm``; the rotary
settings and norm epsilon the released Qwen3-VL-32B's, QWEN3VL_TEXT: ComfyUI's Qwen3VL_8BConfig, which
its 32B config extends, holds the same theta 5e6, sections 24/20/20 interleaved, 262144 positions), the
NVFP4 layers kept packed (comfy_quant's NVFP4Linear, AWQ scale applied to their input). A file of
exactly 50 layers and no final norm (ComfyUI's) gets an identity norm: transformers' last hidden state
is then the raw output of layer 50, ``hidden_states[50]``, and the model reports 51 layers so that
diffusers' guard (which refuses a stack whose last hidden state is post-norm) lets it through. The
vision tower, when the file has it, is read into Qwen3VLVisionModel (config from its shapes; heads of
72 values and the DeepStack layers the released ones, VISION); without it the model is built with
none, and a call with pixels is refused naming the file (NoVision)."""
from __future__ import annotations

import os

import torch

from studio.core.safetensors_header import numbered

from ...base.errors import ModelError
from ...files import comfy_nvfp4
from ...files.qwen_parts import qwen_names, renamed
from ...files.weight_formats import WeightFile, read_weight_file

# The released Qwen3-VL-32B-Instruct's text settings that the shapes do not tell (its config.json)
QWEN3VL_TEXT = {"hidden_act": "silu", "rms_norm_eps": 1e-6, "max_position_embeddings": 262144,
                "attention_bias": False, "tie_word_embeddings": False}
ROPE_THETA = 5_000_000.0


def rope(head_dim: int) -> dict:
    """Qwen3-VL's interleaved multimodal rotary settings: sections 24, 20, 20 of a 128-wide head's 64
    frequencies (the released models'), the same split in proportion for another head width."""
    half = head_dim // 2
    hw = half * 20 // 64
    return {"rope_type": "default", "rope_theta": ROPE_THETA, "mrope_section": [half - 2 * hw, hw, hw],
            "mrope_interleaved": True}


def text_config(shapes: dict, path: str):
    """Qwen3VLTextConfig from the language model's shapes (its names); a file that is not a Qwen3
    language model (no per-head q/k norms) is refused."""
    from transformers import Qwen3VLTextConfig
    need = ("embed_tokens.weight", "layers.0.self_attn.q_norm.weight", "layers.0.self_attn.q_proj.weight",
            "layers.0.self_attn.k_proj.weight", "layers.0.mlp.gate_proj.weight")
    missing = [k for k in need if k not in shapes]
    if missing:
        raise ModelError(f"'{path}': not a Qwen3-VL language model as MiniMax H3's text encoder is (no "
                         f"{', '.join(missing[:2])} under 'model.' or 'model.language_model.')")
    head = int(shapes["layers.0.self_attn.q_norm.weight"][0])
    q, kv = int(shapes["layers.0.self_attn.q_proj.weight"][0]), int(shapes["layers.0.self_attn.k_proj.weight"][0])
    if q % head or kv % head:
        raise ModelError(f"'{path}': queries {q} and keys {kv} wide are no whole number of {head}-value heads")
    layers = numbered(shapes, "layers.", path)
    return Qwen3VLTextConfig(**QWEN3VL_TEXT, vocab_size=int(shapes["embed_tokens.weight"][0]),
                             hidden_size=int(shapes["embed_tokens.weight"][1]),
                             intermediate_size=int(shapes["layers.0.mlp.gate_proj.weight"][0]),
                             num_hidden_layers=layers, num_attention_heads=q // head, num_key_value_heads=kv // head,
                             head_dim=head, rope_parameters=rope(head))


def text_file(path: str, wf: WeightFile | None = None) -> tuple[WeightFile, object, dict]:
    """(the file under Qwen3VLTextModel's names, its config, layer -> its AWQ scale's name in the
    file); headers only (``wf``: the file's, when the caller has read it), every NVFP4 layer and AWQ scale
    checked (comfy_nvfp4)."""
    wf = wf if wf is not None else read_weight_file(path)
    scales = comfy_nvfp4.awq_scales(wf)
    names = qwen_names(list(wf.tensors))
    named = renamed(wf, names)
    cfg = text_config({k: tuple(v.shape) for k, v in named.tensors.items()}, path)
    awq = {names[layer + ".weight"][: -len(".weight")]: layer + comfy_nvfp4.PRE for layer in scales
           if layer + ".weight" in names}
    return named, cfg, awq


TAP = 50  # the hidden state MiniMax H3 conditions on (diffusers' MiniMaxH3ModularPipeline.text_encoder_layer)
# The released Qwen3-VL-32B's vision settings its shapes do not tell (transformers' Qwen3VLVisionConfig defaults,
# ComfyUI's QWEN3VL_VISION['qwen3vl_32b'] and QWEN3VL_VISION_COMMON alike): heads of 1152 / 16 = 72 values, DeepStack
# mergers after blocks 8, 16, 24 of 27 (Qwen3-VL 4B's: 5, 11, 17 of 24)
VISION_HEAD = 72
DEEPSTACK = {(27, 3): [8, 16, 24], (24, 3): [5, 11, 17]}


def vision_shapes(wf: WeightFile) -> dict:
    """{Qwen3VLVisionModel name: shape} of the file's vision tower (``visual.`` or ``model.visual.``); {} when
    it has none."""
    out = {}
    for k, v in wf.tensors.items():
        for pre in ("model.visual.", "visual."):
            if k.startswith(pre):
                out[k[len(pre):]] = tuple(v.shape)
                break
    return out


def vision_config(shapes: dict, path: str, out_width: int):
    """Qwen3VLVisionConfig of the file's vision tower from its shapes (VISION_HEAD, DEEPSTACK: the released
    values); refused in words where the tower is not Qwen3-VL's or not the language model's width."""
    from transformers import Qwen3VLVisionConfig

    def need(name: str) -> tuple:
        if name not in shapes:
            raise ModelError(f"'{path}': its vision tower (visual.*) is not Qwen3-VL's: it has no 'visual.{name}'")
        return shapes[name]
    hidden, chans, t, p, _ = need("patch_embed.proj.weight")
    depth = numbered(shapes, "blocks.", path)
    stacks = len({k.split(".")[1] for k in shapes if k.startswith("deepstack_merger_list.")})
    merge = round((need("merger.linear_fc1.weight")[1] / hidden) ** 0.5)
    out = need("merger.linear_fc2.weight")[0]
    if hidden % VISION_HEAD or (depth, stacks) not in DEEPSTACK:
        raise ModelError(f"'{path}': its vision tower is {hidden} wide with {depth} blocks and {stacks} DeepStack "
                         f"mergers, where Studio knows the released Qwen3-VL towers' ({VISION_HEAD}-value heads; "
                         "27 blocks with DeepStack at 8, 16, 24, or 24 at 5, 11, 17)")
    if out != out_width:
        raise ModelError(f"'{path}': its vision tower gives tokens {out} wide to a language model {out_width} wide: "
                         "not one Qwen3-VL's")
    return Qwen3VLVisionConfig(depth=depth, hidden_size=hidden, intermediate_size=need("blocks.0.mlp.linear_fc1.weight")[0],
                               num_heads=hidden // VISION_HEAD, in_channels=chans, patch_size=p, temporal_patch_size=t,
                               spatial_merge_size=merge, out_hidden_size=out,
                               num_position_embeddings=need("pos_embed.weight")[0],
                               deepstack_visual_indexes=DEEPSTACK[(depth, stacks)])


def load_text_model(path: str, torch_dtype=torch.bfloat16, wf: WeightFile | None = None):
    """The file's language model as a Qwen3VLTextModel, lean (on the meta device, then the file's
    tensors read into it), its NVFP4 layers kept packed with their AWQ scales. A file with no final norm
    (ComfyUI's, truncated after layer 50) gets an identity one: its last hidden state is layer 50's raw output.
    ``wf``: the file's header, when the caller has read it."""
    from transformers import Qwen3VLTextModel

    from ...files.single_file import lean_load
    from ...files.tensor_reads import read_tensor
    wf = wf if wf is not None else read_weight_file(path)
    named, cfg, awq = text_file(path, wf)
    no_norm = "norm.weight" not in named.tensors
    extra = {"norm.weight": torch.ones(cfg.hidden_size)} if no_norm else None
    model = lean_load(Qwen3VLTextModel, cfg, named, torch_dtype, awq_applied=True, extra=extra)  # put on below
    if no_norm:
        model.norm = torch.nn.Identity()
    layers = {n: m for n, m in model.named_modules() if n in awq}
    plain = sorted(n for n, m in layers.items() if not isinstance(m, comfy_nvfp4.NVFP4Linear))
    if plain:  # lean_load dequantised it (a module the class keeps in fp32): its AWQ scale would be lost
        raise ModelError(f"'{path}': '{plain[0]}' has an AWQ scale but was not kept as an NVFP4 layer")
    with open(path, "rb", buffering=0) as f:
        for name, module in layers.items():  # lean_load's packed layers take their AWQ input scale
            module.awq(read_tensor(f, wf, awq[name]).float())
    return model


class NoVision(torch.nn.Module):
    """The vision tower of a text-encoder file that has none: a call with pixels refused, naming the file."""

    def __init__(self, path: str, spatial_merge_size: int = 2):
        super().__init__()
        self.path, self.spatial_merge_size = path, spatial_merge_size

    def forward(self, *a, **kw):
        raise ModelError(no_vision(self.path))

    @property
    def dtype(self):  # transformers reads the tower's dtype before it calls it with pixels
        raise ModelError(no_vision(self.path))


class NoHead(torch.nn.Module):
    """The LM head ComfyUI's file has not (MiniMax H3 reads a hidden state, never logits)."""

    def forward(self, *a, **kw):
        raise ModelError("MiniMax H3's text encoder (ComfyUI's file) has no language-model head: it gives hidden "
                         f"states (hidden_states[{TAP}]), not logits")


def no_vision(path: str) -> str:
    return (f"the text encoder '{path}' holds no vision tower (visual.*), which MiniMax H3 reads its start, last and "
            "reference pictures and clips through: set Load Video Model's text_encoder to ComfyUI's "
            "qwen3vl_32b_minimax_h3_nvfp4_awq.safetensors, which has it, or 'base' to a MiniMax H3 diffusers folder "
            "and leave text_encoder empty")


def check_conditioner(path: str, wf: WeightFile | None = None) -> tuple[object, object | None]:
    """(text config, vision config or None) of the file, from its header alone (``wf``: the file's, when the
    caller has read it): refused in words where it cannot give MiniMax H3's hidden_states[50] (fewer than 50
    layers, or 50 with a final norm: post-norm)."""
    wf = wf if wf is not None else read_weight_file(path)
    named, cfg, _ = text_file(path, wf)
    norm = "norm.weight" in named.tensors
    if cfg.num_hidden_layers < TAP or (cfg.num_hidden_layers == TAP and norm):
        raise ModelError(f"'{path}' holds {cfg.num_hidden_layers} language layers" + (" and a final norm" if norm else "")
                         + f": MiniMax H3 conditions on the raw hidden state after layer {TAP} of Qwen3-VL 32B "
                         "(ComfyUI's file: 50 layers, no final norm; the release: 64 layers)")
    if not norm and cfg.num_hidden_layers != TAP:
        raise ModelError(f"'{path}' holds {cfg.num_hidden_layers} language layers and no final norm: Studio reads a "
                         f"norm-free Qwen3-VL only truncated at MiniMax H3's layer {TAP} (ComfyUI's file)")
    shapes = vision_shapes(wf)
    return cfg, vision_config(shapes, path, cfg.hidden_size) if shapes else None


def load_conditioner(path: str, tokenizer, torch_dtype=torch.bfloat16):
    """The file as the Qwen3VLForConditionalGeneration diffusers' MiniMax H3 pipeline calls, lean: the
    language model (load_text_model) and the vision tower (read into Qwen3VLVisionModel, plain) put into a
    skeleton built on the meta device; NoVision where the file has no tower, NoHead for the LM head.
    ``tokenizer``: Qwen3-VL's, whose vision tokens' ids the model's config takes."""
    from accelerate import init_empty_weights
    from transformers import Qwen3VLConfig, Qwen3VLForConditionalGeneration
    from transformers.models.qwen3_vl.modeling_qwen3_vl import Qwen3VLVisionModel

    from ...files.single_file import lean_load
    wf = read_weight_file(path)  # its header, read once for every check and read below
    text_cfg, vis_cfg = check_conditioner(path, wf)
    language = load_text_model(path, torch_dtype, wf)
    ids = {k: tokenizer.convert_tokens_to_ids(t) for k, t in (
        ("image_token_id", "<|image_pad|>"), ("video_token_id", "<|video_pad|>"),
        ("vision_start_token_id", "<|vision_start|>"), ("vision_end_token_id", "<|vision_end|>"))}
    unknown = [k for k, v in ids.items() if v is None or v == getattr(tokenizer, "unk_token_id", -1)]
    if unknown:
        raise ModelError(f"the tokenizer given with '{path}' has no Qwen3-VL vision tokens ({', '.join(unknown)}): it "
                         "is not Qwen3-VL's")
    cfg = Qwen3VLConfig(text_config=language.config.to_dict(), vision_config=(vis_cfg or _stand_in(text_cfg)).to_dict(),
                        **ids)
    with init_empty_weights():
        model = Qwen3VLForConditionalGeneration(cfg)
    model.model.language_model = language
    if vis_cfg is not None:
        pre = "model.visual." if any(k.startswith("model.visual.") for k in wf.tensors) else "visual."
        tower = renamed(wf, {k: k[len(pre):] for k in wf.tensors if k.startswith(pre)})
        model.model.visual = lean_load(Qwen3VLVisionModel, vis_cfg, tower, torch_dtype)
    else:
        model.model.visual = NoVision(path, cfg.vision_config.spatial_merge_size)
    model.lm_head = NoHead()
    if isinstance(language.norm, torch.nn.Identity):  # ComfyUI's: layer 50's raw output is the last hidden state
        model.config.text_config.num_hidden_layers = TAP + 1  # diffusers' guard refuses a post-norm stack; none here
    from ...files.tensor_reads import all_read
    return all_read(model, path)


def _stand_in(text_cfg):
    """A vision config for a file with no tower (only its merge size is read, by the rotary layout of text)."""
    from transformers import Qwen3VLVisionConfig
    return Qwen3VLVisionConfig(out_hidden_size=text_cfg.hidden_size)


def text_tokenizer(path: str, base: str | None):
    """Qwen3-VL's tokenizer from a ``tokenizer/`` folder beside the file, else None when 'base' (a
    diffusers MiniMax H3 folder) gives it; else refused, saying where Studio looked."""
    beside = os.path.join(os.path.dirname(path), "tokenizer")
    if os.path.isdir(beside):
        from transformers import AutoTokenizer
        return AutoTokenizer.from_pretrained(beside, local_files_only=True)
    if base:
        return None
    raise ModelError(no_tokenizer(path))


def no_tokenizer(path: str) -> str:
    beside = os.path.join(os.path.dirname(path), "tokenizer")
    return (f"the text encoder '{path}' (Qwen3-VL) carries no tokenizer (ComfyUI keeps it in its code) and none was "
            f"found: Studio looked in the file, in '{beside}', and in 'base' (empty). Put Qwen3-VL's tokenizer files "
            "(tokenizer.json, tokenizer_config.json; a preprocessor_config.json beside them for its image processor) "
            "in that folder, or set 'base' to a MiniMax H3 diffusers folder")


def text_processor_beside(path: str, tokenizer):
    """Qwen3-VL's processor for the tokenizer found beside the file (its image processor from the same
    folder's preprocessor_config.json, else Studio's data: processor.IMAGE_PROCESSOR)."""
    from .processor import processor_of
    return processor_of(tokenizer, os.path.join(os.path.dirname(path), "tokenizer"))
