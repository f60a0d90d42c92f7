"""left25: last stop's small leftovers read by their declared types. VideoX-Fun's 'Flow_Unipc' and 'Flow_DPM++'
two-expert samplers pass to the low-noise expert where the pack's own schedulers put the boundary (not at half the
steps); MiniMax H3's shortest take is ComfyUI's (its 17k + 5 grid from 5 frames), not diffusers' 5 seconds."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said
from tests.convert.test_comfy_videox_fun import CACHE, _workflow
from nodes.video_models.families.wan.comfy_videox_fun_experts import high_steps


def test_unipc_and_dpm_experts_pass_where_the_packs_own_schedulers_put_the_boundary():
    # (values of the pack's FlowUniPCMultistepScheduler / FlowDPMSolverMultistepScheduler, 804a4258, made at the
    # sampler's shift, their timesteps set at the pipeline's own shift 5: checked against them outside the suite)
    assert high_steps(50, 12, 0.875, "Flow_Unipc") == 21
    assert high_steps(40, 5, 0.9, "Flow_Unipc") == 15
    assert high_steps(50, 12, 0.875, "Flow_DPM++") == 45
    assert high_steps(50, 12, 0.875, "Flow") == 32

    def vace(w):  # the chunked files of the release's wan2.2_vace_fun example: two experts, their VAE and T5
        low, high = (w.add("LoadVaceWanTransformer3DModel", [f"Wan2.2-VACE-Fun-A14B-{x}_bf16.safetensors", "bf16"],
                           ["TransformerModel", "STRING"]) for x in ("LOW", "HIGH"))
        vae = w.add("LoadWanVAEModel", ["wan_2.1_vae.safetensors", "bf16"], ["VAEModel"])
        t5 = w.add("LoadWanTextEncoderModel", ["umt5_xxl_fp16.safetensors", "bf16"], ["TextEncoderModel", "Tokenizer"])
        return w.add("CombineWan2_2VaceFunPipeline", ["", "sequential_cpu_offload"], ["FunModels"],
                     {"transformer": (low, 0, "TransformerModel"), "transformer_2": (high, 0, "TransformerModel"),
                      "vae": (vae, 0, "VAEModel"), "text_encoder": (t5, 0, "TextEncoderModel"),
                      "tokenizer": (t5, 1, "Tokenizer")})
    conv = convert(_workflow(vace, "Wan2_2VaceFunSampler", [81, 640, 43, "fixed", 50, 6, "Flow_Unipc", 12, 0.875]
                             + CACHE + [True], {"start_image": "first.png"}), "experts")
    text = said(conv)
    assert "first sampler runs steps 0-21 of 50" in text and "steps 21 to the end" in text
    assert "steps 0-25 of 50" not in text  # (half the steps, as read before)
