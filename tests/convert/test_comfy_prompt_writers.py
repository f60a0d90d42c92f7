"""Prompts written by nodes Studio does not run (issue 112, point 2; heldout20 01 and 03, heldout19 02/03): a language
model's prompt writer read by its declared types as the words it is given, joined as the workflow joins them, with one
sentence; a captioner of a picture or a plain text step held as before; a prompt relay's texts as the generator's
prompt (a Prompt Schedule where the generator takes one). Small hand-written workflows in the real files' shapes,
with invented pack node names where the rule is by declared types."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.reading.workflow import Workflow
from studio.convert.tracing import prompt_writers
from tests.convert.test_comfy_ltx2_condition_only import _doc as _ltx
from tests.convert.said import said as _said

WORDS = "an owl teaches its owlet to fly"


def _gen(conv, type_id: str = "video_models.text_to_video"):
    return next(n for n in conv.graph.nodes.values() if n.type_id == type_id)


def _wan(text, negative="blurry") -> dict:
    """Wan 2.1 text to video (ComfyUI's template, API JSON) whose positive encoder's text is ``text``."""
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors",
                                                     "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
                                                     "type": "wan"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": text, "clip": ["2", 0]}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": negative, "clip": ["2", 0]}},
        "6": {"class_type": "EmptyHunyuanLatentVideo", "inputs": {"width": 832, "height": 480, "length": 33,
                                                                  "batch_size": 1}},
        "7": {"class_type": "KSampler", "inputs": {"model": ["1", 0], "positive": ["4", 0], "negative": ["5", 0],
                                                   "latent_image": ["6", 0], "seed": 1, "steps": 20, "cfg": 6.0,
                                                   "sampler_name": "uni_pc", "scheduler": "simple", "denoise": 1.0}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["7", 0], "vae": ["3", 0]}},
        "9": {"class_type": "CreateVideo", "inputs": {"images": ["8", 0], "fps": 16}},
        "10": {"class_type": "SaveVideo", "inputs": {"video": ["9", 0], "filename_prefix": "owl"}},
    }


def _writer(**inputs) -> dict:
    """An invented pack's LLM prompt writer in an API file (no types saved): its model named by a setting."""
    return {"class_type": "SomePackLLMPromptWriter", "inputs": {"model": "qwen2.5-7b-instruct",
                                                               "system_prompt": "Rewrite it as a film shot.",
                                                               **inputs}}


def test_an_llm_writers_prompt_is_the_words_it_is_given_with_one_sentence():
    """Its prompt from a text node wired in (an Ollama or Qwen enhancer's shape): was "written by ... when the workflow
    runs; Studio does not run it: write the prompt in the generator's prompt" and an empty or stale prompt."""
    wf = _wan(["20", 0])
    wf["20"] = _writer(prompt=["21", 0], seed=3)
    wf["21"] = {"class_type": "PrimitiveStringMultiline", "inputs": {"value": WORDS}}
    conv = convert(wf, "llm.json")
    assert _gen(conv).params["prompt"] == WORDS
    said = _said(conv)
    assert "'SomePackLLMPromptWriter' (SomePackLLMPromptWriter, #20) writes its text from the words it is given on 'prompt' with " \
           "'qwen2.5-7b-instruct' when the workflow runs: not applied, the generator's prompt takes those words" in said
    assert "write the prompt in the generator's prompt" not in said and "SomePackLLMPromptWriter" not in "".join(
        x for x in conv.log if "not converted" in x)


def test_the_words_are_joined_as_the_workflow_joins_them_and_a_negative_stays_negative():
    """A style joined before the writer's text by a join node; a second writer writing the negative: its words go to
    'negative_prompt', never to 'prompt' (heldout20 03's false sentence pointed a negative at 'prompt')."""
    wf = _wan(["22", 0], ["23", 0])
    wf["20"] = _writer(prompt=WORDS)
    wf["22"] = {"class_type": "StringConcatenate", "inputs": {"string_a": "Cinematic. ", "string_b": ["20", 0],
                                                              "delimiter": ""}}
    wf["23"] = _writer(prompt="smeared, low quality")
    conv = convert(wf, "joined.json")
    gen = _gen(conv)
    assert gen.params["prompt"] == "Cinematic. " + WORDS
    assert gen.params["negative_prompt"] == "smeared, low quality"
    said = _said(conv)
    assert "(joined as 'StringConcatenate' (StringConcatenate, #22) joins it)" in said
    assert "the negative prompt is written by a node Studio does not run: 'SomePackLLMPromptWriter' " \
           "(SomePackLLMPromptWriter, #23)" in said and "negative prompt ('negative_prompt') takes" in said


def test_a_ui_writer_on_a_model_socket_is_named_with_its_loaders_model():
    """A UI file's uncatalogued writer (OllamaGenerate's shape: a connection socket from a node naming the model, the
    prompt from a text node): the model named from the node wired to it."""
    wf = _wan(["20", 0])
    nodes = {"20": {"class_type": "SomeOllamaGenerate", "inputs": {"connectivity": ["24", 0], "prompt": ["21", 0],
                                                                   "system": "Be vivid."}},
             "21": {"class_type": "PrimitiveStringMultiline", "inputs": {"value": WORDS}},
             "24": {"class_type": "SomeOllamaConnectivity", "inputs": {"url": "http://127.0.0.1:11434",
                                                                       "model": "llama3.1:8b"}}}
    wf.update(nodes)
    read = Workflow.read(wf)
    read.nodes["20"].in_types.update({"connectivity": "OLLAMA_CONNECTIVITY", "prompt": "STRING"})
    read.nodes["20"].out_types[:] = ["STRING"]
    got = prompt_writers.written(read, read.nodes["4"])
    assert got is not None and got.text == WORDS and got.writers[0][1] == "prompt"
    assert "'llama3.1:8b' from 'SomeOllamaConnectivity' (SomeOllamaConnectivity, #24)" in got.writers[0][2]


def test_a_captioner_of_a_picture_and_a_plain_text_step_keep_the_hold():
    """A writer given a picture (a caption: its words instruct the model about the picture, heldout19 02/03) and a
    text step running no model: not read as their words; the hold said as before."""
    wf = _wan(["20", 0])
    wf["20"] = _writer(prompt="Describe this picture.", image=["25", 0])
    wf["25"] = {"class_type": "LoadImage", "inputs": {"image": "owl.png"}}
    read = Workflow.read(wf)
    assert prompt_writers.written(read, read.nodes["4"]) is None
    assert "writes its text from" not in _said(convert(wf, "caption.json"))
    wf = _wan(["20", 0])
    wf["20"] = {"class_type": "SomeTextTidy", "inputs": {"text": ["21", 0], "collapse_spaces": True}}
    wf["21"] = {"class_type": "SomeTextFromFile", "inputs": {"path": "prompts.txt"}}
    read = Workflow.read(wf)
    assert prompt_writers.written(read, read.nodes["4"]) is None  # (no model: not a writer; its text not known)
    said = _said(convert(wf, "tidy.json"))
    assert "writes its text from" not in said and "write the prompt in the generator's prompt" in said


def test_a_wildcard_encoder_on_the_diffusion_model_is_not_a_language_model():
    """A node taking the diffusion MODEL (Impact's wildcard encoder loading LoRAs from tags): not said to rewrite the
    prompt with a model."""
    wf = _wan(["20", 0])
    wf["20"] = {"class_type": "ImpactWildcardEncode", "inputs": {"model": ["1", 0], "clip": ["2", 0],
                                                                 "wildcard_text": WORDS, "populated_text": "",
                                                                 "mode": "populate", "seed": 1}}
    wf["4"]["inputs"]["text"] = ["20", 3]
    read = Workflow.read(wf)
    assert prompt_writers.written(read, read.nodes["4"]) is None


def _relay(nid: str = "30") -> dict:
    """kijai's PromptRelayEncodeTimeline as a UI file saves it (values by place: global, max_frames, timeline data,
    local prompts, lengths, epsilon, fps, units), in an API-shaped dict read as a UI node."""
    return {"class_type": "PromptRelayEncodeTimeline",
            "inputs": {"model": ["1", 0], "clip": ["2", 0], "latent": ["6", 0],
                       "global_prompt": "Style: cinematic.\n\nA mansion at golden hour.", "max_frames": 33,
                       "timeline_data": "{}", "local_prompts": "A man opens the door. | He runs to her.",
                       "segment_lengths": "12, 21", "epsilon": 0.001, "fps": 16.0, "time_units": "frames"}}


def test_a_prompt_relay_on_a_generator_with_a_schedule_is_a_prompt_schedule():
    """leonwooster's relay (heldout20 01) on Wan's Text to Video, which takes a Prompt Schedule: each stretch's prompt
    (the global and its local one) from the frame it starts at; the generator's prompt the text the pack encodes."""
    wf = _wan("unused")
    wf["30"] = _relay()
    wf["7"]["inputs"]["positive"] = ["30", 1]
    wf["7"]["inputs"]["model"] = ["30", 0]
    conv = convert(wf, "relay.json")
    gen = _gen(conv)
    assert gen.params["prompt"] == "Style: cinematic.\n\nA mansion at golden hour. A man opens the door. He runs to her."
    sched = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.prompt_schedule")
    assert sched.params["prompts"] == ("0: Style: cinematic. A mansion at golden hour. A man opens the door.\n"
                                       "12: Style: cinematic. A mansion at golden hour. He runs to her.")
    assert sched.params["frames"] == 33 and conv.graph.input_link(gen.id, "schedule").src == sched.id
    said = _said(conv)
    assert "'PromptRelayEncodeTimeline' (PromptRelayEncodeTimeline, #30) relays 2 local prompts" in said
    assert "made as Studio's Prompt Schedule" in said and "write it in the generator's prompt" not in said
    # its model patch said as the relay's, not as a patch whose CLIP is not applied (its text is read)
    assert "(PromptRelayEncodeTimeline, #30: a prompt relay's attention patch)" in said
    assert "nor what it is given on 'clip'" not in said


def test_a_prompt_relay_on_ltx2_is_its_prompts_joined_the_timing_said():
    """The relay on LTX-2 (no prompt schedule), its values saved by place as a UI file saves an uncatalogued node:
    the generator's prompt is the text the pack encodes, the timing said not applied (was an empty prompt)."""
    from studio.convert.reading.prompt_relay import read
    from studio.convert.reading.workflow import CNode
    placed = CNode("30", "PromptRelayEncodeTimeline", raw=["G.", 97, "{}", "one | two | three", "", 0.001, 24,
                                                           "frames", ""])
    placed.in_types.update({"model": "MODEL", "clip": "CLIP", "latent": "LATENT"})
    placed.out_types[:] = ["MODEL", "CONDITIONING"]
    relay = read(placed)
    assert relay is not None and relay.locals == ["one", "two", "three"] and relay.lengths is None
    assert relay.encoded == "G. one two three"
    wf = _ltx(bypass=True)
    wf["30"] = _relay()
    wf["30"]["inputs"].update(clip=["2", 0], latent=["5", 0], model=["1", 0])
    wf["11"]["inputs"]["positive"] = ["30", 1]
    conv = convert(wf, "relay_ltx.json")
    gen = _gen(conv, "video_models.ltx2")
    assert gen.params["prompt"].endswith("golden hour. A man opens the door. He runs to her.")
    said = _said(conv)
    assert "the timing is not applied (" in said and "has no prompt schedule): every local prompt holds" in said


def test_catalogued_writers_ltx_videos_llama_enhancer_and_comfyuis_text_generate():
    """The real packs' shapes: ComfyUI-LTXVideo's LTXVPromptEnhancer on its loader (Llama 3.2) and ComfyUI's own
    TextGenerate on a CLIP loader: each read as the words it is given, the model named from its loader's setting."""
    wf = _wan(["20", 0])
    wf["20"] = {"class_type": "LTXVPromptEnhancer", "inputs": {"prompt": WORDS, "prompt_enhancer": ["26", 0],
                                                               "max_resulting_tokens": 256}}
    wf["26"] = {"class_type": "LTXVPromptEnhancerLoader", "inputs": {
        "llm_name": "unsloth/Llama-3.2-3B-Instruct", "image_captioner_name": "MiaoshouAI/Florence-2-large-PromptGen-v2.0"}}
    conv = convert(wf, "ltxv_enhancer.json")
    assert _gen(conv).params["prompt"] == WORDS
    assert "with 'unsloth/Llama-3.2-3B-Instruct' from 'LTXVPromptEnhancerLoader' (LTXVPromptEnhancerLoader, #26) " \
           "when the workflow runs: not applied" in _said(conv)
    wf["20"] = {"class_type": "TextGenerate", "inputs": {"clip": ["27", 0], "prompt": WORDS, "max_length": 256,
                                                         "thinking": False}}
    wf["27"] = {"class_type": "CLIPLoader", "inputs": {"clip_name": "qwen_3_4b.safetensors", "type": "qwen_image"}}
    del wf["26"]
    read = Workflow.read(wf)
    got = prompt_writers.written(read, read.nodes["4"])
    assert got is not None and got.text == WORDS and "'qwen_3_4b.safetensors' from 'CLIPLoader'" in got.writers[0][2]


def test_a_family_encoders_own_prompt_input_is_read_or_held_as_the_text_input_is():
    """An encoder whose prompt is on another input (a family's prompt node: SDXL's 'text_g') wired from a writer or
    from a node whose words are not known: read, or said, as CLIPTextEncode's 'text' is (was an empty prompt, unsaid)."""
    from studio.convert.tracing.prompts import prompt_text
    wf = {"2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "clip_g.safetensors", "type": "sdxl"}},
          "4": {"class_type": "CLIPTextEncodeSDXL", "inputs": {"clip": ["2", 0], "text_g": ["20", 0], "text_l": "",
                                                               "width": 1024, "height": 1024, "crop_w": 0, "crop_h": 0,
                                                               "target_width": 1024, "target_height": 1024}},
          "20": _writer(prompt=WORDS)}
    read = Workflow.read(wf)
    said: list[str] = []
    assert prompt_text(read, read.nodes["4"], "positive", set(), said) == WORDS and "writes its text from" in said[0]
    wf["20"] = {"class_type": "SomeTextFromFile", "inputs": {"path": "prompts.txt"}}
    read, said = Workflow.read(wf), []
    assert prompt_text(read, read.nodes["4"], "positive", set(), said) == ""
    assert "the positive prompt is written by ComfyUI's 'SomeTextFromFile' (SomeTextFromFile, #20)" in said[0]
