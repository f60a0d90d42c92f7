"""A tiny MiniMax H3 (diffusers' modular MiniMaxH3ModularPipeline, modular_pipelines/minimax_h3/ in
diffusers 0.42.1) built from configs: its two transformers (text/image to video, and 'transformer_ref'
for reference to video), video and audio VAEs and two MiniMaxH3Schedulers at tiny sizes, a Qwen3-VL
conditioner 51 text layers deep (MiniMax H3 reads hidden_states[50]) but 8 wide, and a byte-level BPE
tokenizer with Qwen's vision tokens. Saved with the pipeline's own save_pretrained: a folder with
modular_model_index.json, as the released MiniMaxAI/MiniMax-H3."""
from __future__ import annotations

import contextlib
import json
import os

TEXT_DIM = 16  # the conditioner's width = the transformer's text_dim
QWEN_SPECIALS = ("<|endoftext|>", "<|vision_start|>", "<|vision_end|>", "<|image_pad|>", "<|video_pad|>",
                 "<|im_start|>", "<|im_end|>")


def tiny_qwen_tokenizer(path: str):
    """Qwen2's tokenizer over the 256 byte-level characters and no merges, with Qwen's special
    tokens (the processor finds its image and video pads by name)."""
    from transformers import Qwen2TokenizerFast
    from transformers.convert_slow_tokenizer import bytes_to_unicode
    vocab = {ch: i for i, ch in enumerate(bytes_to_unicode().values())}
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "vocab.json"), "w") as f:
        json.dump(vocab, f)
    with open(os.path.join(path, "merges.txt"), "w") as f:
        f.write("#version: 0.2\n")
    tok = Qwen2TokenizerFast(vocab=vocab, merges=[])
    tok.add_special_tokens({"additional_special_tokens": list(QWEN_SPECIALS[1:])})
    tok.add_tokens([QWEN_SPECIALS[0]], special_tokens=True)
    tok.image_token, tok.video_token = "<|image_pad|>", "<|video_pad|>"
    tok.vision_start_token, tok.vision_end_token = "<|vision_start|>", "<|vision_end|>"
    return tok


def tiny_parts(tmp: str) -> dict:
    """The components of a tiny MiniMax H3 (torch seeded here: the same weights every build)."""
    import torch
    from diffusers import AutoencoderKLMiniMaxH3, AutoencoderKLMiniMaxH3Audio, MiniMaxH3Transformer3DModel
    from diffusers.schedulers.scheduling_minimax_h3 import MiniMaxH3Scheduler
    from transformers import Qwen2VLImageProcessorPil, Qwen3VLConfig, Qwen3VLForConditionalGeneration

    from nodes.video_models.families.minimax_h3.processor import text_processor
    torch.manual_seed(0)
    tok = tiny_qwen_tokenizer(os.path.join(tmp, "tok"))
    ids = {n: tok.convert_tokens_to_ids(n) for n in QWEN_SPECIALS}
    te = Qwen3VLForConditionalGeneration(Qwen3VLConfig(
        text_config=dict(vocab_size=len(tok), hidden_size=TEXT_DIM, intermediate_size=32, num_hidden_layers=51,
                         num_attention_heads=2, num_key_value_heads=1, head_dim=8, max_position_embeddings=512,
                         rope_parameters={"rope_type": "default", "rope_theta": 10000.0,
                                          "mrope_section": [2, 1, 1], "mrope_interleaved": True}),
        vision_config=dict(depth=1, hidden_size=16, intermediate_size=32, num_heads=2, patch_size=16,
                           spatial_merge_size=2, temporal_patch_size=2, out_hidden_size=TEXT_DIM,
                           num_position_embeddings=16, deepstack_visual_indexes=[0]),
        image_token_id=ids["<|image_pad|>"], video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"], vision_end_token_id=ids["<|vision_end|>"]))
    proc_dir = os.path.join(tmp, "processor")
    tok.save_pretrained(proc_dir)
    Qwen2VLImageProcessorPil(patch_size=16, merge_size=2, temporal_patch_size=2).save_pretrained(proc_dir)
    processor = text_processor(proc_dir)
    dit = dict(num_attention_heads=2, attention_head_dim=16, hidden_size=32, num_layers=2, num_refiner_layers=1,
               ffn_dim=64, in_channels=4, audio_in_channels=4, text_dim=TEXT_DIM, freq_dim=32, time_embed_hidden_dim=32,
               time_embed_dim=16, rope_freq_dim=2)
    transformer = MiniMaxH3Transformer3DModel(**dit)
    vae = AutoencoderKLMiniMaxH3(
        latent_channels=4, block_out_channels=(8, 8, 8, 8, 8, 8), layers_per_block=1, norm_num_groups=4,
        decoder_num_layers=1, decoder_num_attention_heads=2, decoder_attention_head_dim=8,
        latents_mean=(0.0,) * 4, latents_std=(1.0,) * 4)
    audio_vae = AutoencoderKLMiniMaxH3Audio(
        encoder_dim=4, encoder_rates=(2, 2), latent_dim=8, latent_channels=4, num_attention_heads=2,
        decoder_dim=8, decoder_rates=(2, 2), decoder_kernel_sizes=(4, 4), resblock_kernel_sizes=(3,),
        resblock_dilation_sizes=((1,),), sampling_rate=160, latents_mean=[0.0] * 4,
        latents_std=[1.0] * 4)
    transformer_ref = MiniMaxH3Transformer3DModel(**dit)  # the 'ref2va' partition: weights of its own
    return dict(transformer=transformer, transformer_ref=transformer_ref, vae=vae, audio_vae=audio_vae,
                text_encoder=te, tokenizer=tok,
                processor=processor, scheduler=MiniMaxH3Scheduler(shift=12.0),
                audio_scheduler=MiniMaxH3Scheduler(shift=3.0))


REFERENCE_SHORT_EDGE = 64  # the folder's reference_image_short_edge (the released 2048: 'max' reference size)


def build_minimax_h3(path: str, with_ref: bool = True) -> str:
    """A tiny MiniMax H3 folder at ``path`` (modular_model_index.json and one folder per component:
    the reference-to-video transformer ``transformer_ref/`` too unless ``with_ref`` is False)."""
    import shutil

    from diffusers.modular_pipelines import MiniMaxH3Blocks
    parts = tiny_parts(path + ".tmp")
    pipe = MiniMaxH3Blocks().init_pipeline()
    processor = parts.pop("processor")
    if not with_ref:
        parts.pop("transformer_ref")
    pipe.update_components(**parts, reference_image_short_edge=REFERENCE_SHORT_EDGE)
    pipe.save_pretrained(path, overwrite_modular_index=True)
    processor.tokenizer.save_pretrained(os.path.join(path, "processor"))
    processor.image_processor.save_pretrained(os.path.join(path, "processor"))
    index_path = os.path.join(path, "modular_model_index.json")
    with open(index_path) as f:
        index = json.load(f)
    index["processor"] = ["transformers", "Qwen3VLProcessor", dict(index["processor"][2], subfolder="processor")]
    with open(index_path, "w") as f:
        json.dump(index, f, indent=2)
    shutil.rmtree(path + ".tmp", ignore_errors=True)
    return path


T2V = {"width": 32, "height": 32, "frames": 124, "steps": 2, "seed": 3, "prompt": "a robot dancing", "previews": False,
       "preview_size": "off"}  # the Text to Video the file tests run through the node and directly


@contextlib.contextmanager
def pipeline_calls():
    """Inside the block, each MiniMaxH3ModularPipeline call's keyword arguments (with its generator's seed as
    'seed') appended to the list yielded; the class's own __call__ put back after."""
    import functools

    from diffusers.modular_pipelines import MiniMaxH3ModularPipeline
    calls, orig = [], MiniMaxH3ModularPipeline.__call__

    @functools.wraps(orig)
    def spy(self, *a, **kw):
        calls.append(dict(kw, seed=kw["generator"].initial_seed()))
        return orig(self, *a, **kw)
    MiniMaxH3ModularPipeline.__call__ = spy
    try:
        yield calls
    finally:
        MiniMaxH3ModularPipeline.__call__ = orig


def run_t2v(load: dict):
    """Load Video Model (``load``: its params) -> Text to Video (T2V) run by the executor: (the clip, the seed
    the pipeline call drew its noise with)."""
    from studio.core.graph import Graph
    from studio.engine.executor import Executor
    g = Graph()
    g.add_node("video_models.load", load, node_id="load")
    g.add_node("video_models.text_to_video", dict(T2V), node_id="gen")
    g.connect("load", "model", "gen", "model")
    with pipeline_calls() as calls:
        clip = Executor().run(g, targets=["gen"], device="cpu").value("gen")
    return clip, calls[0]["seed"]


def direct_t2v(folder: str, seed: int, **parts):
    """The same Text to Video by diffusers' modular pipeline of ``folder`` called directly, with the tiny
    components of the folder but those in ``parts``: its frames [T, H, W, 3] as the pipeline gives them."""
    import shutil

    import numpy as np
    import torch
    from diffusers import ModularPipeline
    pipe = ModularPipeline.from_pretrained(folder)
    comps = tiny_parts(folder + ".direct")
    shutil.rmtree(folder + ".direct", ignore_errors=True)
    comps.update(parts)
    pipe.update_components(**{k: v for k, v in comps.items() if k != "transformer_ref"})
    out = pipe(prompt=T2V["prompt"], generator=torch.Generator().manual_seed(seed), num_inference_steps=T2V["steps"],
               height=T2V["height"], width=T2V["width"], num_frames=T2V["frames"], output_type="np")
    return np.asarray(out.get("videos")[0], np.float32)
