"""A CLIP prompt over 75 tokens read whole in ComfyUI's sections (sampling/prompt_sections.py), on tiny random
Stable Diffusion 1.5 and SDXL pipelines built from configs: a 200-token prompt gives 3 sections' rows, the first
section's rows are the first 75 tokens' own encoding, a short prompt is encoded as before to the bit, the negative
is repeated to the prompt's rows, weights apply in their section, and the generator node's picture of a long prompt
differs from that of its first 75 tokens (the words past them are read). A CLIP-only pipeline Studio does not
section says the words past the 75th token are not read."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
import torch

from nodes.video_models.sampling import prompt_sections as ps
from nodes.video_models.sampling import prompt_weighting as pw

from .test_prompt_weights22 import _plain, _run, _sd15, _sdxl

pytest.importorskip("diffusers")

WORDS = tuple("abcdefghijklmnopqrstuvwxyz")  # one token each for the tiny tokenizer (its word-final letters)


def _long(tokenizer, n: int, start: int = 0) -> str:
    """A prompt of exactly ``n`` tokens for ``tokenizer`` (words of one token each, checked)."""
    words = [WORDS[(start + i) % len(WORDS)] for i in range(n)]
    text = " ".join(words)
    assert len(tokenizer(text, add_special_tokens=False)["input_ids"]) == n
    return text


def _first(tokenizer, text: str, n: int = ps.SECTION) -> str:
    return " ".join(text.split()[:n])


@pytest.mark.parametrize("make", [_sd15, _sdxl])
def test_a_200_token_prompt_gives_three_sections_the_first_its_own_encoding(make, tmp_path):
    pipe = make(tmp_path)
    text = _long(pipe.tokenizer, 200)
    kw, _, _, said = _run(pipe, text, "")
    z = kw["prompt_embeds"]
    assert z.shape[1] == 3 * 77
    alone = _plain(pipe, _first(pipe.tokenizer, text))
    assert torch.equal(z[:, :77], alone["prompt_embeds"])
    second = _plain(pipe, " ".join(text.split()[75:150]))  # the second section is the next 75 tokens' own
    assert torch.equal(z[:, 77:154], second["prompt_embeds"])
    if "pooled_prompt_embeds" in alone:  # SDXL: the first section's pooled embedding
        assert torch.equal(kw["pooled_prompt_embeds"], alone["pooled_prompt_embeds"])
    assert any("3 section(s) of 75 tokens" in s for s in said), said


@pytest.mark.parametrize("make", [_sd15, _sdxl])
def test_a_short_prompt_is_not_sectioned_and_unchanged(make, tmp_path):
    pipe = make(tmp_path)
    text = _long(pipe.tokenizer, 75)
    assert not pw.needed_by(pipe, text, "blurry") and not ps.longer(pipe, text)
    assert pw.needed_by(pipe, _long(pipe.tokenizer, 76), "")
    kw, *_ = _run(pipe, "(" + text + ":1.0)", "")  # through the weights' path: to the bit as encode_prompt's
    assert torch.equal(kw["prompt_embeds"], _plain(pipe, text)["prompt_embeds"])


def test_the_negative_is_repeated_to_the_prompts_sections(tmp_path):
    pipe = _sd15(tmp_path)
    text = _long(pipe.tokenizer, 160)
    kw, *_ = _run(pipe, text, "blurry")
    assert kw["prompt_embeds"].shape == kw["negative_prompt_embeds"].shape
    neg = _plain(pipe, "blurry")["prompt_embeds"]
    assert all(torch.equal(kw["negative_prompt_embeds"][:, k * 77:(k + 1) * 77], neg) for k in range(3))
    kw, *_ = _run(pipe, text, "")  # an empty negative: the empty prompt's one section, repeated
    empty = _plain(pipe, "")["prompt_embeds"]
    assert torch.equal(kw["negative_prompt_embeds"][:, 154:], empty)
    kw, *_ = _run(pipe, _long(pipe.tokenizer, 100), _long(pipe.tokenizer, 160))  # 2 and 3 sections: 6 each
    assert kw["prompt_embeds"].shape[1] == kw["negative_prompt_embeds"].shape[1] == 6 * 77


def test_a_weight_moves_its_rows_in_its_own_section(tmp_path):
    pipe = _sd15(tmp_path)
    text = _long(pipe.tokenizer, 120)
    words = text.split()
    weighted = " ".join(words[:100] + [f"({words[100]}:1.5)"] + words[101:])
    plain_, *_ = _run(pipe, text, "")
    kw, *_ = _run(pipe, weighted, "")
    a, b = plain_["prompt_embeds"], kw["prompt_embeds"]
    changed = (a != b).any(-1)[0].nonzero().flatten().tolist()
    row = 77 + 1 + (100 - 75)  # the second section: its start token, then the 25 tokens before
    assert changed == [row]
    empty = _plain(pipe, "")["prompt_embeds"][0, row - 77]
    assert torch.allclose(b[0, row], (a[0, row] - empty) * 1.5 + empty, atol=1e-5)


def test_a_short_chunk_straddling_a_sections_end_goes_whole_to_the_next():
    from transformers import CLIPTokenizer

    from studio.core.prompt_weights import read

    from .tiny_animatediff_files import tokenizer_files
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        tok = CLIPTokenizer.from_pretrained(tokenizer_files(d), model_max_length=77)
        text = _long(tok, 73) + " (" + _long(tok, 4, 3) + ":1.2) " + _long(tok, 20)
        parts = ps.layout(SimpleNamespace(), tok, read(text))
        assert [len(p) for p in parts] == [73, 24]  # the 4 weighted tokens would straddle: moved whole
        assert [w for _, w in parts[1][:5]] == [1.2] * 4 + [1.0]
        parts = ps.layout(SimpleNamespace(), tok, read(_long(tok, 200)))
        assert [len(p) for p in parts] == [75, 75, 50]  # one long chunk: broken at each section's end


def test_the_long_prompt_makes_a_picture_and_sdxl_its_pooled(tmp_path):
    pipe = _sdxl(tmp_path)
    kw, *_ = _run(pipe, _long(pipe.tokenizer, 100), "blurry")
    assert kw["prompt_embeds"].shape[1] == 2 * 77 and kw["pooled_prompt_embeds"].shape[0] == 1
    out = pipe(**kw, height=32, width=32, num_inference_steps=1, output_type="np",
               generator=torch.Generator().manual_seed(0)).images
    assert out.shape[0] == 1


def test_a_clip_only_pipeline_not_sectioned_says_the_words_past_75_are_not_read(tmp_path):
    pipe = _sd15(tmp_path)
    plain_pipe = SimpleNamespace(tokenizer=pipe.tokenizer, text_encoder=pipe.text_encoder)  # no family weighs it
    text = _long(pipe.tokenizer, 90)
    line = ps.unread(plain_pipe, "Text to Video", text, "")
    assert "the prompt is 90 tokens" in line and "past the 75th token are not read" in line
    assert ps.unread(plain_pipe, "Text to Video", _long(pipe.tokenizer, 75), "") == ""
    assert ps.unread(pipe, "Text to Video", text, "") == ""  # Stable Diffusion 1.5's is read in sections


# -- through the generator node (Stable Diffusion 1.5's tiny checkpoint, as ComfyUI holds it) ----------------------
def test_the_generator_reads_the_words_past_the_75th_token(tmp_path, monkeypatch):
    import numpy as np
    from transformers import CLIPTokenizer

    from . import tiny_animatediff_files as files
    from .test_prompt_weights22 import _take
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    comfy = files.write(str(tmp_path / "sd15"))
    tok = CLIPTokenizer.from_pretrained(files.tokenizer_files(str(tmp_path / "tok")), model_max_length=77)
    text = _long(tok, 150)
    cut, said_cut = _take(comfy, _first(tok, text))
    whole, said = _take(comfy, text)
    assert not np.allclose(cut, whole, atol=1e-4)  # the words past the 75th token change the picture
    assert any("2 section(s) of 75 tokens" in s for s in said), said
    assert not any("section" in s for s in said_cut), said_cut


def test_a_long_scheduled_prompt_is_said_cut(tmp_path):
    pipe = _sd15(tmp_path)
    line = ps.scheduled(pipe, ["a b c", _long(pipe.tokenizer, 80)])
    assert line.startswith("Prompt Schedule: prompt 2 (80 tokens)") and "past the 75th token are not read" in line
    assert ps.scheduled(pipe, ["a b c", _long(pipe.tokenizer, 75)]) == ""


def test_animatediff_reads_the_words_past_the_75th_token(tmp_path, monkeypatch):
    import numpy as np

    from studio.engine.executor import Executor

    from . import tiny_animatediff_files as files
    from .graphs import model_graph
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    made = files.write(str(tmp_path / "ad"))
    text = _long(made["tokenizer"], 120)

    def take(prompt):
        params = {"width": 16, "height": 16, "frames": 8, "steps": 2, "guidance": 4.0, "prompt": prompt,
                  "negative_prompt": "", "previews": False, "preview_size": "off", "seed": 5}
        g = model_graph(made["motion"], "video_models.text_to_video", params)
        g.nodes["load"].params.update(image_model=made["checkpoint"])
        said = []
        clip = Executor().run(g, targets=["gen"], device="cpu", use_cache=False, on_event=lambda e: said.append(
            str(getattr(e, "message", None) or getattr(e, "text", "")))).value("gen")
        return np.asarray(clip.frames, np.float32), said
    cut, _ = take(_first(made["tokenizer"], text))
    whole, said = take(text)
    assert cut.shape == whole.shape and cut.shape[0] == 8
    assert not np.allclose(cut, whole, atol=1e-4)
    assert any("2 section(s) of 75 tokens" in s for s in said), said


def test_animatediffs_controlnet_take_reads_the_long_prompt(tmp_path, monkeypatch):
    import numpy as np

    from studio.engine.executor import Executor

    from .test_animatediff_controlnet_files import _graph, controlnet_original, tiny_controlnet
    from . import tiny_animatediff_files as files
    from safetensors.torch import save_file
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    made = files.write(str(tmp_path / "ad"))
    path = str(tmp_path / "control_v11p_sd15_tiny.safetensors")
    save_file(controlnet_original(tiny_controlnet(made["parts"]["unet"]).state_dict()), path)
    made["controlnet"] = path
    text = _long(made["tokenizer"], 100)

    def take(prompt):
        said = []
        clip = Executor().run(_graph(made, prompt=prompt), targets=["gen"], device="cpu", use_cache=False,
                              on_event=lambda e: said.append(
            str(getattr(e, "message", None) or getattr(e, "text", "")))).value("gen")
        return np.asarray(clip.frames, np.float32), said
    cut, _ = take(_first(made["tokenizer"], text))
    whole, said = take(text)
    assert not np.allclose(cut, whole, atol=1e-4)
    assert any("2 section(s) of 75 tokens" in s for s in said), said
