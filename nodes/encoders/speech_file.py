"""ComfyUI's single-file audio encoders (``models/audio_encoders/``) read into transformers' own classes.

The three files ComfyUI's voice templates name are one safetensors each, with no config beside them:
``wav2vec2_large_english_fp16.safetensors`` (Wan 2.2 S2V), ``wav2vec2-chinese-base_fp16.safetensors``
(InfiniteTalk) and ``whisper_large_v3_fp16.safetensors`` (HuMo). Their tensor names are those of
transformers' models (a wav2vec2 file possibly under ``wav2vec2.``; a Whisper file under ``model.``
with the decoder beside the encoder), so the config is inferred from the tensors' shapes and names and
the weights are loaded into ``Wav2Vec2Model`` or ``WhisperEncoder`` as they are (the key layout read
from comfyanonymous/ComfyUI@acdb10a ``comfy/audio_encoders/audio_encoders.py``: its file tests, the
``wav2vec2.``/``model.`` prefixes and its two wav2vec2 configs; nothing of it is copied or run).

What the shapes do not say is taken from the known releases:
- attention heads: the width / 64 (every released wav2vec2 and Whisper size has 64-wide heads);
- wav2vec2's convolution strides: the released stack (kernels 10,3,3,3,3,2,2 at strides 5,2,2,2,2,2,2);
  another stack is refused;
- wav2vec2's layer order: a feature stack with a layer norm per convolution ("layer") is the
  stable-layer-norm model (large / XLSR, as jonatasgrosman/wav2vec2-large-xlsr-53-english, S2V's); a
  group norm on the first only is the post-norm base (TencentGameMate/chinese-wav2vec2-base,
  InfiniteTalk's), as ComfyUI's two configs pair them;
- the feature extractor: wav2vec2 at 16 kHz, its input normalised (zero mean, unit variance) for
  the large model and not for the Chinese base (as ComfyUI reads them); Whisper's log-mel at 16 kHz,
  n_fft 400, hop 160, 30 s windows, with as many mel bins as its first convolution reads (128 for
  large-v3).
"""
from __future__ import annotations

from studio.engine.meta_device import meta_device

import contextlib
import os
import re

from studio.core import models as model_paths
from studio.core.errors import StudioError
from studio.core.limits import regular_file_problem

FOLDER = "audio_encoders"
# the folders a ComfyUI workflow's speech encoder file lies in: ComfyUI's own (AudioEncoderLoader), and the one
# ComfyUI-WanVideoWrapper's Wav2VecModelLoader lists (kijai/ComfyUI-WanVideoWrapper multitalk/nodes.py: its 'model'
# from folder_paths' "wav2vec2"; heldout104 08: its InfiniteTalk file was looked for in audio_encoders/ alone)
FOLDERS = (FOLDER, "wav2vec2")
HEAD_DIM = 64
W2V_KERNELS = (10, 3, 3, 3, 3, 2, 2)
W2V_STRIDES = (5, 2, 2, 2, 2, 2, 2)
RATE = 16000
# heads and other parts the file may carry beside the encoder (CTC head, pre-training quantiser, Whisper's decoder)
OTHER_PARTS = ("lm_head.", "quantizer.", "project_q.", "project_hid.", "decoder.", "proj_out.")


class SpeechFileError(StudioError):
    pass


def find_encoder(name: str, base_dir: str | None, node: str) -> str:
    """The audio-encoder file ``name`` resolves to: absolute, beside the graph, or in a models folder or
    its ``audio_encoders/`` or ``wav2vec2/`` (FOLDERS)."""
    path = model_paths.resolve(name, base_dir, folders=FOLDERS)
    if path is None:
        raise SpeechFileError(f"{node}: audio encoder '{name}' not found beside the graph or in the models folders "
                              f"(and their {'/ and '.join(FOLDERS)}/). Studio never downloads.")
    why = regular_file_problem(path) if not os.path.isdir(path) else "a folder (a Hugging Face folder goes through " \
                                                                      "Load Preprocessor, kind 'speech')"
    if why or not path.lower().endswith((".safetensors", ".sft")):
        raise SpeechFileError(f"{node}: audio encoder '{path}': {why or 'not a .safetensors file'}")
    return path


def _strip(keys, prefix: str) -> dict[str, str]:
    return {k[len(prefix):] if k.startswith(prefix) else k: k for k in keys}


def _layers(names, stem: str) -> int:
    pat = re.compile(re.escape(stem) + r"(\d+)\.")
    found = {int(m.group(1)) for k in names if (m := pat.match(k))}
    return max(found) + 1 if found else 0


def _numbered(shapes: dict, stem: str, path: str, node: str) -> int:
    """The encoder's layers, bounded by what the file holds (studio.core.safetensors_header.numbered)."""
    from studio.core.errors import ModelError
    from studio.core.safetensors_header import numbered
    try:
        return numbered(shapes, stem, path)
    except ModelError as e:
        raise SpeechFileError(f"{node}: {e}") from None


def wav2vec2_config(shapes: dict[str, tuple], path: str, node: str):
    """transformers' Wav2Vec2Config for a wav2vec2 file's tensors (names without the ``wav2vec2.`` prefix)."""
    from transformers import Wav2Vec2Config
    hidden = shapes["encoder.layer_norm.weight"][0]
    convs = [shapes.get(f"feature_extractor.conv_layers.{i}.conv.weight") for i in range(len(W2V_KERNELS))]
    if any(s is None for s in convs) or tuple(s[2] for s in convs) != W2V_KERNELS or \
            _layers(shapes, "feature_extractor.conv_layers.") != len(W2V_KERNELS):
        raise SpeechFileError(f"{node}: '{path}' is a wav2vec2 with another convolution stack than the released one "
                              f"(kernels {','.join(map(str, W2V_KERNELS))}): its strides cannot be known")
    pos = shapes.get("encoder.pos_conv_embed.conv.parametrizations.weight.original1") or \
        shapes.get("encoder.pos_conv_embed.conv.weight_v")
    ffn = shapes.get("encoder.layers.0.feed_forward.intermediate_dense.weight")
    layers = _numbered(shapes, "encoder.layers.", path, node)
    if pos is None or ffn is None or not layers or hidden % HEAD_DIM:
        raise SpeechFileError(f"{node}: '{path}' is not a whole wav2vec2 encoder (its positional convolution, "
                              "layers or width are missing or odd)")
    layer_norm = "feature_extractor.conv_layers.1.layer_norm.weight" in shapes
    return Wav2Vec2Config(
        hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=hidden // HEAD_DIM,
        intermediate_size=ffn[0], conv_dim=tuple(s[0] for s in convs), conv_kernel=W2V_KERNELS,
        conv_stride=W2V_STRIDES, conv_bias="feature_extractor.conv_layers.1.conv.bias" in shapes,
        feat_extract_norm="layer" if layer_norm else "group", do_stable_layer_norm=layer_norm,
        num_conv_pos_embeddings=pos[2], num_conv_pos_embedding_groups=hidden // pos[1])


def whisper_config(shapes: dict[str, tuple], path: str, node: str):
    """transformers' WhisperConfig (its encoder part) for a Whisper file's tensors (names under ``encoder.``)."""
    from transformers import WhisperConfig
    conv1 = shapes.get("encoder.conv1.weight")
    pos = shapes.get("encoder.embed_positions.weight")
    ffn = shapes.get("encoder.layers.0.fc1.weight")
    layers = _numbered(shapes, "encoder.layers.", path, node)
    if conv1 is None or pos is None or ffn is None or not layers or conv1[0] % HEAD_DIM:
        raise SpeechFileError(f"{node}: '{path}' is not a whole Whisper encoder (its convolutions, positions or "
                              "layers are missing or odd)")
    d = conv1[0]
    return WhisperConfig(d_model=d, encoder_layers=layers, encoder_attention_heads=d // HEAD_DIM,
                         encoder_ffn_dim=ffn[0], num_mel_bins=conv1[1], max_source_positions=pos[0])


def _checked(stack: contextlib.ExitStack, path: str, node: str) -> str:
    """The path safetensors opens for ``path``: its checked descriptor's (studio.core.checked_open), kept open
    until ``stack`` closes."""
    from studio.core.checked_open import ReadRefused, library_path
    try:
        return stack.enter_context(library_path(path, "audio encoder"))
    except ReadRefused as e:
        raise SpeechFileError(f"{node}: {e}") from None


def read_header(path: str, node: str) -> dict[str, tuple]:
    """Tensor name -> shape, from the file's header only (nothing loaded), read by Studio's own header reader
    (studio.core.safetensors_header: the checked open, its types and bounds proven; safetensors' own errors quote
    the header's text, a string of the file among them)."""
    from studio.core.errors import ModelError
    from studio.core.safetensors_header import read_safetensors_header
    try:
        header, _n, _size = read_safetensors_header(path)
    except ModelError as e:
        raise SpeechFileError(f"{node}: cannot read '{os.path.basename(path)}' as safetensors: {e}") from None
    return {k: tuple(v["shape"]) for k, v in header.items() if k != "__metadata__"}


def identify(shapes: dict[str, tuple], path: str, node: str):
    """('wav2vec2' | 'whisper', config, {model key: file key}) for the file's tensors, or a refusal in words."""
    w2v = _strip(shapes, "wav2vec2.")
    if "encoder.layer_norm.weight" in w2v and "feature_projection.projection.weight" in w2v:
        cfg = wav2vec2_config({k: shapes[v] for k, v in w2v.items()}, path, node)
        return "wav2vec2", cfg, {k: v for k, v in w2v.items() if not k.startswith(OTHER_PARTS)}
    wh = _strip(shapes, "model.")
    if "encoder.embed_positions.weight" in wh and "encoder.conv1.weight" in wh:
        cfg = whisper_config({k: shapes[v] for k, v in wh.items()}, path, node)
        return "whisper", cfg, {k[len("encoder."):]: v for k, v in wh.items() if k.startswith("encoder.")}
    some = ", ".join(sorted(shapes)[:3]) or "no tensors"
    raise SpeechFileError(f"{node}: '{path}' is not a wav2vec2 or Whisper audio encoder (its tensors begin {some}); "
                          f"Speech Features reads ComfyUI's {FOLDER}/ files of wav2vec2 (Wan S2V, InfiniteTalk) "
                          "and Whisper (HuMo)")


def extractor_for(kind: str, cfg):
    """The feature extractor of the release the file is (see the module's note)."""
    from transformers import Wav2Vec2FeatureExtractor, WhisperFeatureExtractor
    if kind == "whisper":
        return WhisperFeatureExtractor(feature_size=cfg.num_mel_bins, sampling_rate=RATE, hop_length=160,
                                       chunk_length=30, n_fft=400, padding_value=0.0)
    stable = bool(cfg.do_stable_layer_norm)
    return Wav2Vec2FeatureExtractor(feature_size=1, sampling_rate=RATE, padding_value=0.0, do_normalize=stable,
                                    return_attention_mask=stable)


def read_encoder(path: str, device, node: str):
    """The file as a speech encoder (Load Preprocessor's PreprocessModel, kind 'speech'): transformers'
    Wav2Vec2Model or WhisperEncoder with the file's weights (every tensor the model has, at its shape),
    float32 on the CPU, the file's dtype elsewhere, in eval mode on ``device``."""
    import torch
    from safetensors import safe_open
    from transformers import Wav2Vec2Model
    from transformers.models.whisper.modeling_whisper import WhisperEncoder

    from ..preprocess.hf import PreprocessModel
    shapes = read_header(path, node)
    kind, cfg, names = identify(shapes, path, node)
    with meta_device():
        model = (Wav2Vec2Model if kind == "wav2vec2" else WhisperEncoder)(cfg)
    want = model.state_dict()
    alias = {k.replace("parametrizations.weight.original0", "weight_g")
             .replace("parametrizations.weight.original1", "weight_v"): k for k in want}
    names = {alias.get(k, k): v for k, v in names.items()}
    missing = [k for k in want if k not in names]
    odd = [k for k in want if k in names and tuple(shapes[names[k]]) != tuple(want[k].shape)]
    if missing or odd:
        raise SpeechFileError(f"{node}: '{path}' does not fill a {kind} encoder: "
                              + (f"missing {', '.join(missing[:4])}" if missing else "")
                              + ("; " if missing and odd else "") + (f"other shapes for {', '.join(odd[:4])}" if odd else ""))
    cpu = str(device).split(":")[0] == "cpu"
    sd = {}
    with contextlib.ExitStack() as stack:
        f = stack.enter_context(safe_open(_checked(stack, path, node), framework="pt"))
        for k in want:
            t = f.get_tensor(names[k])
            sd[k] = t.float() if cpu or not t.is_floating_point() else t
    model.load_state_dict(sd, strict=True, assign=True)
    model = model.to(device).eval()
    # the buffers not in the file (Whisper's none; kept for safety) are made on the meta device: refuse them
    if any(b.is_meta for b in model.buffers()):
        raise SpeechFileError(f"{node}: '{path}': the {kind} encoder has buffers the file does not fill")
    return PreprocessModel(module=model, config=cfg.to_dict(), kind="speech", processor=extractor_for(kind, cfg),
                           path=path, device=device)
