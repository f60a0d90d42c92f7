"""Caption's one door for the other vision-language models transformers holds natively (nodes/encoders/vlm_native.py):
tiny random LLaVA (JoyCaption's layout: a SigLIP vision tower and a Llama), Llama 3.2 Vision (Mllama) and Idefics3
(SmolVLM) built from configs with a byte-level tokenizer, their processor and chat template made here (no download),
saved where the packs keep them and run by the Caption node on the CPU: text out, the same twice, the instruction
heard, a clip's frames read together (several pictures in one turn); a wrong folder refused with one error naming
Caption's model and the file. Also a Qwen-VL given a clip's frames."""
import json

import numpy as np
import pytest
import torch

from nodes.encoders import vlm_native
from nodes.encoders.caption import Caption, CaptionModelError, _spread, find_captioner
from studio.engine.clip import ArrayClip, as_clip
from tests.encoders.test_caption_vlm import _bytes_vocab, _tiny_vlm
from tests.node_run import run_node

transformers = pytest.importorskip("transformers")


def _template(image: str) -> str:
    return ("{% for m in messages %}<|start|>{{ m['role'] }}\n{% for c in m['content'] %}{% if c['type'] == 'image' %}"
            + image + "{% elif c['type'] == 'text' %}{{ c['text'] }}{% endif %}{% endfor %}<|end|>\n{% endfor %}"
            "{% if add_generation_prompt %}<|start|>assistant\n{% endif %}")


def _tok(specials: list[str]):
    from transformers import Qwen2TokenizerFast
    tok = Qwen2TokenizerFast(vocab=_bytes_vocab(), merges=[], unk_token=None, eos_token="<|end|>",
                             pad_token="<|pad|>")
    tok.add_special_tokens({"additional_special_tokens": ["<|start|>", *specials]})
    tok.bos_token = "<|start|>"  # (Mllama's processor puts it first)
    return tok


def _text(tok, **more) -> dict:
    ids = tok.convert_tokens_to_ids
    return dict(vocab_size=len(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                num_attention_heads=4, num_key_value_heads=2, eos_token_id=ids("<|end|>"),
                pad_token_id=ids("<|pad|>"), bos_token_id=ids("<|start|>"), **more)


VISION = dict(hidden_size=32, intermediate_size=64, num_hidden_layers=1, image_size=28, patch_size=14)


def _tiny(folder, kind: str) -> None:
    """A tiny random model of ``kind`` in transformers' layout (config, safetensors, tokenizer, processor and its
    chat template) saved to ``folder``."""
    t = transformers
    folder.mkdir(parents=True)
    if kind == "llava":
        tok = _tok(["<image>"])
        cfg = t.LlavaConfig(vision_config=dict(model_type="siglip_vision_model", num_attention_heads=2, **VISION),
                            text_config=dict(model_type="llama", **_text(tok)), vision_feature_layer=-1,
                            image_token_id=tok.convert_tokens_to_ids("<image>"),
                            vision_feature_select_strategy="full")
        images = t.SiglipImageProcessorPil(size={"height": 28, "width": 28})
        proc = t.LlavaProcessor(image_processor=images, tokenizer=tok, patch_size=14,
                                vision_feature_select_strategy="full", chat_template=_template("<image>"))
    elif kind == "idefics3":
        tok = _tok(["<image>", "<fake_token_around_image>", "<global-img>"])
        cfg = t.Idefics3Config(vision_config=dict(num_attention_heads=2, **VISION),
                               text_config=dict(model_type="llama", **_text(tok)), scale_factor=2,
                               image_token_id=tok.convert_tokens_to_ids("<image>"))
        images = t.Idefics3ImageProcessorPil(do_image_splitting=False, size={"longest_edge": 28},
                                             max_image_size={"longest_edge": 28})
        proc = t.Idefics3Processor(image_processor=images, tokenizer=tok, image_seq_len=1,
                                   chat_template=_template("<image>"))
    else:
        tok = _tok(["<|image|>"])
        vision = {**VISION, "num_hidden_layers": 2}
        cfg = t.MllamaConfig(vision_config=dict(num_global_layers=1, attention_heads=2, max_num_tiles=1,
                                                supported_aspect_ratios=[[1, 1]], vision_output_dim=64,
                                                intermediate_layers_indices=[0], **vision),
                             text_config=_text(tok, cross_attention_layers=[1]),
                             image_token_index=tok.convert_tokens_to_ids("<|image|>"))
        images = t.MllamaImageProcessorPil(size={"height": 28, "width": 28}, max_image_tiles=1)
        proc = t.MllamaProcessor(image_processor=images, tokenizer=tok, chat_template=_template("<|image|>"))
    torch.manual_seed(0)
    model = getattr(t, vlm_native.KINDS[kind][1])(cfg).eval()
    with torch.no_grad():
        for k, w in model.named_parameters():
            if "gate" in k and kind == "mllama":  # (Mllama's cross-attention gates start at 0: the pictures let in)
                w.fill_(1.0)
    model.save_pretrained(folder)
    proc.save_pretrained(folder)


@pytest.fixture
def models(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_MODELS", str(tmp_path / "models"))
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    return tmp_path / "models"


def _clip(n: int = 5, reverse: bool = False) -> ArrayClip:
    rng = np.random.default_rng(1)
    frames = np.stack([rng.random((40, 48, 3), dtype=np.float32) for _ in range(n)])
    return ArrayClip(frames[::-1].copy() if reverse else frames, 24.0)


@pytest.mark.parametrize("kind,where", [("llava", "LLM/llama-joycaption-beta-one-hf-llava"),
                                        ("mllama", "VLM/Llama-3.2-11B-Vision-Instruct"),
                                        ("idefics3", "prompt_generator/SmolVLM-Instruct")])
def test_caption_runs_each_native_kind_on_a_picture_and_a_clip(models, kind, where):
    _tiny(models / where, kind)
    name = where.rsplit("/", 1)[1]
    assert find_captioner(name) == str(models / where)
    assert Caption.preflight({"model": name}, None) == []
    clip = _clip()
    params = {"model": name, "instruction": "Describe the picture.", "max_tokens": 6, "before": "A: "}
    a = run_node(Caption, params, image=clip.frame(0))
    assert isinstance(a, str) and a.startswith("A: ")
    assert run_node(Caption, params, image=clip.frame(0)) == a  # greedy: the same text each time
    asked = run_node(Caption, {**params, "instruction": "Zzz qqq, what colour?"}, image=clip.frame(0))
    several = run_node(Caption, {**params, "frames": 3}, image=clip)
    again = run_node(Caption, {**params, "frames": 3}, image=clip)
    assert several == again and isinstance(several, str) and several.startswith("A: ")
    assert {asked, several} != {a}  # the instruction and the other frames reach the model
    assert max(len(a), len(asked), len(several)) > 3  # the model writes (a random one may end at once on some input)


def test_a_qwen_vl_reads_a_clips_frames_together(models):
    _tiny_vlm(models / "LLM" / "Qwen-VL" / "Qwen3-VL-tiny", "qwen3_vl")
    clip = _clip()
    params = {"model": "Qwen3-VL-tiny", "instruction": "Describe the clip.", "max_tokens": 6}
    one = run_node(Caption, params, image=clip)
    several = run_node(Caption, {**params, "frames": 4}, image=clip)
    assert several == run_node(Caption, {**params, "frames": 4}, image=clip)
    assert isinstance(several, str) and several and "\n" not in several  # one text of the frames together
    swapped = run_node(Caption, {**params, "frames": 4}, image=_clip(reverse=True))
    assert {several, swapped, one} != {one}  # the other frames are read


def test_frames_are_sampled_evenly_first_to_last():
    assert _spread(ArrayClip(np.zeros((9, 4, 4, 3), np.float32)), 3) == [0, 4, 8]
    assert _spread(ArrayClip(np.zeros((9, 4, 4, 3), np.float32)), 1) == [0]
    assert _spread(ArrayClip(np.zeros((3, 4, 4, 3), np.float32)), 8) == [0, 1, 2]  # fewer frames: each once
    assert _spread(as_clip(np.zeros((4, 4, 3), np.float32)), 8) == [0]  # a still
    assert Caption.params[[p.name for p in Caption.params].index("frames")].max == vlm_native.MAX_FRAMES


@pytest.mark.parametrize("kind", ["llava", "mllama", "idefics3"])
def test_a_wrong_folder_of_a_kind_is_refused_naming_caption_and_the_file(models, kind):
    folder = models / "LLM" / "some-vlm"
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({"model_type": kind}))
    (folder / "pytorch_model.bin").write_bytes(b"")
    with pytest.raises(CaptionModelError, match="Caption's model") as e:
        run_node(Caption, {"model": "some-vlm"}, image=np.zeros((8, 8, 3), np.float32))
    assert f"'{folder}' holds no model.safetensors" in str(e.value) and "never unpickled" in str(e.value)
    (folder / "model.safetensors").write_bytes(b"")
    (problem,) = Caption.preflight({"model": "some-vlm"}, None)
    assert f"'{folder}' holds no tokenizer.json" in problem and vlm_native.KINDS[kind][0] in problem
    (folder / "config.json").write_text(json.dumps({"model_type": kind, "auto_map": {"AutoModel": "x.Y"}}))
    (problem,) = Caption.preflight({"model": "some-vlm"}, None)
    assert "asks for remote code ('auto_map')" in problem and str(folder / "config.json") in problem
    (folder / "config.json").write_text(json.dumps({"model_type": "smolvlm"}))
    (problem,) = Caption.preflight({"model": "some-vlm"}, None)
    assert "is a 'smolvlm' model, not Florence-2 nor one of" in problem and "Idefics3 / SmolVLM" in problem


def test_frames_are_picked_as_the_pack_picks_them():
    clip = ArrayClip(np.zeros((10, 4, 4, 3), np.float32))
    assert _spread(clip, 4) == [int(v) for v in np.linspace(0, 9, 4, dtype=int)] == [0, 3, 6, 9]
    assert _spread(ArrayClip(np.zeros((8, 4, 4, 3), np.float32)), 3) == [0, 3, 7]  # (3.5 taken down, as the pack)
