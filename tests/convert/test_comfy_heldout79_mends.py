"""heldout79's mends (issue 112), on minimal workflows built here from node types, values and links (no fetched file).

1. A pack's image-to-video node read as WanImageToVideo by its inputs (reading/variants.py) with a 'motion_amplitude'
   (ComfyUI's PainterI2V and its copies: the start picture's condition latents after its first frame moved away from
   it, against the slow motion of few-step LoRAs): its amplitude was said not applied; now carried to Image to Video's
   own 'motion_amplitude' (families/wan/amplitude.py makes it), said so. The node types are invented here, so nothing
   is keyed on a pack's name; a variant read as the first-and-last-frame node keeps its amplitude said not applied
   (that node's other packs move the frames otherwise)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said
from tests.convert.workflow_shapes import wan_i2v_api

I2V = "video_models.image_to_video"


def _painted(cls: str, amplitude: float, **more) -> dict:
    """Wan image to video whose task node is ``cls`` (an API file's node: matched by its inputs' names), holding
    WanImageToVideo's inputs, a 'motion_amplitude' of ``amplitude`` and ``more``."""
    return wan_i2v_api(["21", 0], **{
        "21": {"class_type": "LoadImage", "inputs": {"image": "heron.png"}},
        "6": {"class_type": cls, "inputs": {"positive": ["4", 0], "negative": ["5", 0], "vae": ["3", 0],
                                             "start_image": ["21", 0], "width": 832, "height": 480, "length": 33,
                                             "batch_size": 1, "motion_amplitude": amplitude, **more}}})


def test_a_variants_motion_amplitude_is_carried_to_image_to_video():
    conv = convert(_painted("PackPaintedI2V", 1.15))
    text = said(conv)
    gen = nodes_of(conv, I2V)
    assert len(gen) == 1 and gen[0].params["motion_amplitude"] == 1.15, text
    assert "(PackPaintedI2V, #6), a node no pack in Studio's catalogue declares, is read as ComfyUI's " \
           "'WanImageToVideo'" in text and "its 'motion_amplitude' 1.15 is read as the generator's " \
           "'motion_amplitude'" in text, text
    assert "not taken" not in text.split("(PackPaintedI2V, #6)")[1].split("\n")[0], text
    # its other own settings are still said, each as not taken
    conv = convert(_painted("PackPaintedI2V", 1.3, color_protect=True))
    text = said(conv)
    assert nodes_of(conv, I2V)[0].params["motion_amplitude"] == 1.3, text
    assert "its 'color_protect' True is not taken (WanImageToVideo has no such setting); its 'motion_amplitude' 1.3 " \
           "is read as the generator's 'motion_amplitude'" in text, text


def test_a_ui_variant_read_by_its_declared_types_keeps_its_amplitude_said_read():
    """The variants' reading (reading/variants.py) of a UI node declaring WanImageToVideo's inputs and outputs and a
    motion_amplitude: the setting kept on the node for the task's reading, said read as the generator's."""
    from studio.convert.reading.workflow import Workflow
    from tests.convert.test_comfy_f2rank7 import _frame_node
    doc = _frame_node("PackMotionToVideo", {"start_image": True, "clip_vision_output": True},
                      {"width": 832, "height": 480, "length": 33, "batch_size": 1, "motion_amplitude": 1.15})
    wf = Workflow.read(doc)
    n, told = wf.nodes["1"], "\n".join(map(str, wf.wiring_said))
    assert n.cls == "WanImageToVideo" and n.widgets["motion_amplitude"] == 1.15, told
    assert "whose inputs and outputs it has: its own input motion_amplitude 1.15 is read as the generator's " \
           "'motion_amplitude'" in told and "not applied" not in told, told


def test_the_core_node_and_an_amplitude_of_one_leave_the_generator_at_one():
    conv = convert(wan_i2v_api(["21", 0], **{"21": {"class_type": "LoadImage", "inputs": {"image": "heron.png"}}}))
    assert nodes_of(conv, I2V)[0].params["motion_amplitude"] == 1.0
    assert "motion_amplitude" not in said(conv)
    conv = convert(_painted("PackPaintedI2V", 1.0))
    assert nodes_of(conv, I2V)[0].params["motion_amplitude"] == 1.0


def test_a_wired_amplitude_is_carried_where_its_value_is_known_and_said_not_applied_where_not():
    """A catalogued variant (read by its declared types, reading/variants.py) whose motion_amplitude is wired: from a
    constant, its value is carried and said where the task is read (it was said 'not applied' while carried: the
    heldout37 PainterLongVideo file's PainterI2V); from a node giving no value when converting, said not applied."""
    wf = _painted("PainterI2V", ["30", 0])
    wf["30"] = {"class_type": "PrimitiveFloat", "inputs": {"value": 1.2}}
    conv = convert(wf)
    text = said(conv)
    assert nodes_of(conv, I2V)[0].params["motion_amplitude"] == 1.2, text
    assert "'PainterI2V' (PainterI2V, #6)'s own input motion_amplitude is wired, 1.2: read as the generator's " \
           "'motion_amplitude'" in text and "motion_amplitude (wired) is not applied" not in text, text
    wf["30"] = {"class_type": "PackRandomFloat", "inputs": {"seed": 3}}
    conv = convert(wf)
    text = said(conv)
    assert nodes_of(conv, I2V)[0].params["motion_amplitude"] == 1.0, text
    assert "'PainterI2V' (PainterI2V, #6)'s own input motion_amplitude is wired from a node whose value is not known " \
           "when converting: not applied" in text, text


# -- 2. a guider's window of steps ---------------------------------------------------------------------------------
def _windowed(start: float, end: float, steps: int = 6) -> dict:
    """Wan 2.1 image to video sampled by SamplerCustomAdvanced whose guider is KJNodes' ScheduledCFGGuidance (cfg 4 on
    the steps of [start, end], a step's index over the pass's steps; read as CFGGuider by its declared types)."""
    return wan_i2v_api(["21", 0], **{
        "21": {"class_type": "LoadImage", "inputs": {"image": "heron.png"}},
        "11": {"class_type": "ScheduledCFGGuidance", "inputs": {"model": ["1", 0], "positive": ["6", 0],
                                                                 "negative": ["6", 1], "cfg": 4.0,
                                                                 "start_percent": start, "end_percent": end}},
        "12": {"class_type": "KSamplerSelect", "inputs": {"sampler_name": "euler"}},
        "13": {"class_type": "BasicScheduler", "inputs": {"model": ["1", 0], "scheduler": "simple", "steps": steps,
                                                          "denoise": 1.0}},
        "14": {"class_type": "RandomNoise", "inputs": {"noise_seed": 5}},
        "7": {"class_type": "SamplerCustomAdvanced", "inputs": {"noise": ["14", 0], "guider": ["11", 0],
                                                                "sampler": ["12", 0], "sigmas": ["13", 0],
                                                                "latent_image": ["6", 2]}}})


def test_a_guiders_window_of_the_first_steps_is_the_generators_guidance_steps():
    conv = convert(_windowed(0.0, 0.33))
    text = said(conv)
    gen = nodes_of(conv, I2V)[0]
    assert gen.params["guidance"] == 4.0 and gen.params["guidance_steps"] == 2, text  # steps 0, 1 (2/6 > 0.33)
    assert "'ScheduledCFGGuidance' (ScheduledCFGGuidance, #11)'s start_percent 0, end_percent 0.33 guide steps 0-1 of " \
           "its 6 (a step's index over its pass's steps within them; the others sampled with the prompt alone, cfg " \
           "1): the generator's guidance_steps 2" in text, text
    assert "start_percent 0, end_percent 0.33 are not applied" not in text, text


def test_a_window_not_at_the_start_is_said_not_applied_and_a_whole_one_says_nothing():
    conv = convert(_windowed(0.5, 1.0))
    text = said(conv)
    assert nodes_of(conv, I2V)[0].params["guidance_steps"] == 0, text
    assert "start_percent 0.5, end_percent 1 guide steps 3-5 of its 6" in text and "not applied (Studio guides a " \
           "take's first steps only): every step of its pass is guided" in text, text
    conv = convert(_windowed(0.0, 1.0))
    text = said(conv)
    assert nodes_of(conv, I2V)[0].params["guidance_steps"] == 0 and "start_percent" not in text, text


# -- 3. the wrapper's cfg list of one value on the first steps ------------------------------------------------------
def _listed(start=0.0, end=0.01, steps=6, context=False) -> dict:
    """heldout10's WanVideoWrapper i2v whose sampler's cfg is a CreateCFGScheduleFloatList (2 on the steps of
    [start, end]); with ``context``, its WanVideoContextOptions wired."""
    from tests.convert.test_comfy_heldout10_mends import _wrapper_i2v
    extra = {"95": ("CreateCFGScheduleFloatList", {"steps": steps, "cfg_scale_start": 2, "cfg_scale_end": 2,
                                                   "interpolation": "linear", "start_percent": start,
                                                   "end_percent": end})}
    if context:
        extra["96"] = ("WanVideoContextOptions", {"context_schedule": "uniform_standard", "context_frames": 81,
                                                  "context_stride": 4, "context_overlap": 16, "freenoise": True,
                                                  "verbose": False, "fuse_method": "linear"})
    wf = _wrapper_i2v(extra, cfg=["95", 0])
    if context:
        wf["27"]["inputs"]["context_options"] = ["96", 0]
    return wf


def test_a_cfg_list_of_one_value_on_the_first_steps_is_the_generators_guidance_on_those_steps():
    conv = convert(_listed())
    text = said(conv)
    gen = nodes_of(conv, I2V)[0]
    assert gen.params["guidance"] == 2.0 and gen.params["guidance_steps"] == 1, text
    assert "(CreateCFGScheduleFloatList, #95): 2 on its first 1 step, 1 after: the generator's guidance 2 with " \
           "guidance_steps 1" in text, text
    # a list guiding later steps: the pass's most common value
    conv = convert(_listed(start=0.5, end=1.0))
    text = said(conv)
    gen = nodes_of(conv, I2V)[0]
    assert gen.params["guidance_steps"] == 0 and "Studio's generator takes one guidance for the pass" in text, text
    # a take in context windows is guided on its first steps too (loops18: the guidance hook wraps the windows')
    conv = convert(_listed(context=True))
    gen = nodes_of(conv, I2V)[0]
    assert gen.params["long_take"] == "context windows" and gen.params["guidance_steps"] == 1, said(conv)
