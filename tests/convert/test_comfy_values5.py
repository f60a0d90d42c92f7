"""values5 (issue 112: "primitives, math, switches and Get/Set are evaluated"): values the cached workflows wired
through number and text nodes that Studio said it 'cannot work out', now worked out by their declared types, each
on a small hand-written workflow (benchmarks/results/values5_2026-11-30.md)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.reading.workflow import Workflow
from tests.convert.test_comfy_heldout17_mends import _ltx2_t2v


def _n(cls, **inputs):
    return {"class_type": cls, "inputs": inputs}


def _out(doc: dict, nid: str, slot: int):
    wf = Workflow.read(doc)
    return wf.output(wf.nodes[nid], slot)


def _log(conv) -> str:
    return "\n".join(conv.log)


# 1. ComfyUI's own Number Convert: FLOAT on its first output, INT on its second (20 cached workflows' LTX frame_rate)

def test_number_convert_gives_its_float_and_its_int():
    wf = _ltx2_t2v()
    wf["20"] = _n("PrimitiveFloat", value=25)
    wf["21"] = _n("ComfyNumberConvert", value=["20", 0])
    wf["9"]["inputs"]["fps"] = ["21", 0]
    wf["5"]["inputs"]["frame_rate"] = ["21", 1]
    conv = convert(wf, "convert.json")
    said = _log(conv)
    assert "fps 25.0" in said and "cannot work out" not in said, said
    assert _out(wf, "21", 0) == 25.0 and isinstance(_out(wf, "21", 0), float)
    assert _out(wf, "21", 1) == 25 and isinstance(_out(wf, "21", 1), int)


def test_number_convert_reads_a_text_and_a_boolean_and_leaves_a_fraction_as_int_unknown():
    for given, want in (("16", (16.0, 16)), (" 2.5 ", (2.5, None)), (True, (1.0, 1)), ("sixteen", (None, None))):
        doc = {"1": _n("PrimitiveString" if isinstance(given, str) else "PrimitiveBoolean", value=given),
               "2": _n("ComfyNumberConvert", value=["1", 0])}
        assert (_out(doc, "2", 0), _out(doc, "2", 1)) == want, given


# 2. VideoHelperSuite's information of a loader forcing a rate: the rate the frames are loaded at

def _loader(rate=16, nth=1) -> dict:
    return _n("VHS_LoadVideo", video="dance.mp4", force_rate=rate, custom_width=0, custom_height=0,
              frame_load_cap=0, skip_first_frames=0, select_every_nth=nth, format="Wan")


def test_video_info_gives_the_rate_a_loader_forces():
    doc = {"1": _loader(16, 1), "2": _n("VHS_VideoInfo", video_info=["1", 3]),
           "3": _n("VHS_VideoInfoLoaded", video_info=["1", 3])}
    assert _out(doc, "2", 5) == 16.0 and _out(doc, "3", 0) == 16.0  # loaded_fps; (Loaded)'s fps
    assert _out(doc, "2", 0) is None  # source_fps: the file's own, known when it runs
    assert _out(doc, "2", 6) is None and _out(doc, "3", 1) is None  # the frames loaded: the file's length decides
    doc["1"] = _loader(24, 3)  # one frame in every three kept
    assert _out(doc, "2", 5) == 8.0
    doc["1"] = _loader(0, 1)  # the file's own rate
    assert _out(doc, "2", 5) is None and _out(doc, "3", 0) is None


def test_a_take_written_at_the_rate_the_loader_forces_is_said_so():
    wf = _ltx2_t2v()
    wf["20"] = _loader(16, 2)
    wf["21"] = _n("VHS_VideoInfoLoaded", video_info=["20", 3])
    wf["9"]["inputs"]["fps"] = ["21", 0]
    wf["5"]["inputs"]["frame_rate"] = ["21", 0]
    said = _log(convert(wf, "rate.json"))
    assert "fps 8.0" in said and "cannot work out" not in said, said
    assert ("'VHS_LoadVideo' (VHS_LoadVideo, #20) is read for what it tells of its file (VHS_VIDEOINFO) by "
            "'VHS_VideoInfoLoaded' (#21)'s 'video_info' alone: the file is not loaded; the rate it loads frames at, "
            "which 'VHS_VideoInfoLoaded' (#21) gives, is worked out from its own settings (force_rate 16, "
            "select_every_nth 2: 8 frames a second)") in said, said
    assert "which Studio does not read" not in said


# 3. A whole number written as text (Comfyroll's CR Integer To String, KJNodes' SomethingToString)

def test_a_whole_number_is_written_as_text_with_its_prefix_and_suffix():
    doc = {"1": _n("PrimitiveInt", value=14), "2": _n("CR Integer To String", int_=["1", 0]),
           "3": _n("INTConstant", value=50), "4": _n("SomethingToString", input=["3", 0], prefix="Steps: ", suffix="!"),
           "5": _n("PrimitiveFloat", value=50), "6": _n("SomethingToString", input=["5", 0], prefix="", suffix=""),
           "7": _n("CR Integer To String", int_=7)}
    assert _out(doc, "2", 0) == "14" and _out(doc, "4", 0) == "Steps: 50!" and _out(doc, "7", 0) == "7"
    assert _out(doc, "6", 0) is None  # a FLOAT's text ('50.0' or '50'?) is the pack's: left to when it runs
    assert _out(doc, "2", 1) is None  # (its help text: not a value)


def test_a_prompt_made_with_a_number_written_as_text_is_read():
    wf = _ltx2_t2v()
    wf["20"] = _n("PrimitiveInt", value=3)
    wf["21"] = _n("CR Integer To String", int_=["20", 0])
    wf["22"] = _n("StringConcatenate", string_a="a red fox in snow, take ", string_b=["21", 0], delimiter="")
    wf["3"]["inputs"]["text"] = ["22", 0]
    said = _log(convert(wf, "prompt.json"))
    assert "cannot work out" not in said and "made when the workflow runs" not in said, said
    assert _out(wf, "22", 0) == "a red fox in snow, take 3"


# 4. A text replaced in another, texts appended (ComfyUI's StringReplace and its likes; pysssss' String Function)

def test_a_prompt_template_filled_by_a_replacement_is_read():
    wf = _ltx2_t2v()
    wf["20"] = _n("PrimitiveInt", value=8)
    wf["21"] = _n("CR Integer To String", int_=["20", 0])
    wf["22"] = _n("PrimitiveStringMultiline", value="a red fox runs for {{seconds}} seconds in snow")
    wf["23"] = _n("StringReplace", string=["22", 0], find="{{seconds}}", replace=["21", 0])
    wf["3"]["inputs"]["text"] = ["23", 0]
    said = _log(convert(wf, "template.json"))
    assert "cannot work out" not in said and "made when the workflow runs" not in said, said
    assert _out(wf, "23", 0) == "a red fox runs for 8 seconds in snow"


def test_replacements_by_their_declared_names_and_what_is_left_unknown():
    doc = {"1": _n("String Replace (mtb)", string="a cat and a cat", old="cat", new="dog", use_regex=False),
           "2": _n("String Replace (mtb)", string="a cat", old="c.t", new="dog", use_regex=True),
           "3": _n("StringReplace", string="a cat", find="", replace="dog"),
           "4": _n("JWStringReplace", source="a cat", to_replace="cat", replace_with="fox"),
           "5": _n("StringReplace", string=["9", 0], find="cat", replace="dog"),
           "9": _n("LoadImage", image="x.png"),
           "6": _n("Text Find and Replace", text="a cat", find="c.t", replace="dog")}  # (WAS': by a pattern)
    assert _out(doc, "1", 0) == "a dog and a dog" and _out(doc, "4", 0) == "a fox"
    assert _out(doc, "2", 0) is None and _out(doc, "3", 0) is None  # a pattern; nothing to find
    assert _out(doc, "5", 0) is None and _out(doc, "6", 0) is None  # its text not known; a pattern's pack


def test_pysssss_string_function_appends_and_replaces():
    def fn(action, tidy, a, b, c=""):
        return _out({"1": _n("StringFunction|pysssss", action=action, tidy_tags=tidy, text_a=a, text_b=b,
                             text_c=c)}, "1", 0)
    assert fn("append", "no", "City drone footage", "", " at dusk") == "City drone footage at dusk"
    assert fn("append", "yes", "a fox", "", "snow ,  night") == "a fox, snow, night"
    assert fn("replace", "no", "a red fox", "red", "grey") == "a grey fox"
    assert fn("replace", "no", "a red fox", "/r.d/", "grey") is None  # a pattern: not worked out


# 5. Impact Pack's comparison ('a = b', 'a <> b' in its 'cmp')

def test_impact_compare_says_equal_and_not_equal():
    doc = {"1": _n("INTConstant", value=0), "2": _n("INTConstant", value=1),
           "3": _n("ImpactCompare", cmp="a = b", a=["1", 0], b=["2", 0]),
           "4": _n("ImpactCompare", cmp="a <> b", a=["1", 0], b=["2", 0]),
           "5": _n("ImpactCompare", cmp="a >= b", a=["2", 0], b=["1", 0])}
    assert _out(doc, "3", 0) is False and _out(doc, "4", 0) is True and _out(doc, "5", 0) is True


# 6. An operation its type's name alone says (Basic-data-handling's IntMultiply), a size from a side and a ratio

def test_a_length_from_an_operation_named_by_its_type_is_read():
    wf = _ltx2_t2v()
    wf["20"] = _n("easy int", value=2)
    wf["21"] = _n("Basic data handling: IntMultiply", int1=["20", 0], int2=12)
    wf["22"] = _n("SimpleMath+", value="a*4+1", a=["21", 0])
    wf["6"]["inputs"]["length"] = ["22", 0]
    said = _log(convert(wf, "length.json"))
    assert "frames 97" in said and "cannot work out" not in said, said
    doc = {"1": _n("IntAdd", int1=3, int2=4), "2": _n("Float Divide", a=1.0, b=4.0), "3": _n("IntDivide", int1=7, int2=2),
           "4": _n("IntDivide", int1=8, int2=2), "5": _n("IntMax", int1=3, int2=9), "6": _n("IntMultiply", int1=3, int2=2.5),
           "7": _n("IntAdd", int1=3, int2=4, int3=5)}
    assert _out(doc, "1", 0) == 7 and _out(doc, "2", 0) == 0.25 and _out(doc, "4", 0) == 4 and _out(doc, "5", 0) == 9
    assert _out(doc, "3", 0) is None and _out(doc, "6", 0) is None  # 7 / 2: packs cut it differently; a fraction
    assert _out(doc, "7", 0) is None  # (three numbers: not two)


def test_a_size_from_one_side_a_ratio_and_a_direction():
    def size(w, h, ratio, direction):
        doc = {"1": _n("AspectRatioImageSize", width=w, height=h, aspect_ratio=ratio, direction=direction)}
        return _out(doc, "1", 0), _out(doc, "1", 1)
    assert size(512, 0, "1:1", "Vertical") == (512, 512)
    assert size(1280, 0, "16:9", "Horizontal") == (1280, 720) and size(720, 0, "16:9", "Vertical") == (720, 1280)
    assert size(0, 480, "4:3", "Horizontal") == (640, 480) and size(832, 480, "16:9", "Vertical") == (832, 480)
    assert size(0, 0, "16:9", "Horizontal") == (None, None)  # (the pack's megapixel rule: not guessed)


# 7. Essentials' SimpleMath+ gives its INT as its result rounded (Python's round: a half to the even whole number)

def test_simple_math_rounds_its_int_as_its_pack_does():
    doc = {"1": _n("INTConstant", value=61), "2": _n("SimpleMath+", value="a / 2", a=["1", 0]),
           "3": _n("SimpleMath+", value="a / 4", a=["1", 0]), "4": _n("SimpleMath+", value="a / 2.5", a=["1", 0])}
    assert _out(doc, "2", 0) == 30 and _out(doc, "2", 1) == 30.5  # (round(30.5): 30)
    assert _out(doc, "3", 0) == 15 and _out(doc, "4", 0) == 24  # 15.25, 24.4


# 8. DaSiWa's Resolution Scale Calculator (no catalogued pack declares it: read by its name)

def _dasiwa(**kw) -> dict:
    given = dict(resolution_preset="0.83 MP - HD", no_scale=False, scale_from_image=False,
                 aspect_preset_when_not_image="9:16 - Social", swap_aspect_when_not_image=False,
                 custom_aspect_width=16, custom_aspect_height=9, mode="WAN/LTX (Div32)", custom_divisor=8)
    given.update(kw)
    return _n("DaSiWa_ResolutionScaleCalculator", **given)


def test_dasiwa_calculator_gives_the_size_its_budget_ratio_and_mode_make():
    def size(doc, nid="1"):
        return tuple(_out(doc, nid, s) for s in range(4))
    assert size({"1": _dasiwa()}) == (704, 1248, 704.0, 1248.0)  # 0.83 x 1024^2 pixels at 9:16, multiples of 32
    assert size({"1": _dasiwa(swap_aspect_when_not_image=True)})[:2] == (1248, 704)
    assert size({"1": _dasiwa(mode="Standard", resolution_preset="720p", aspect_preset_when_not_image="1:1 - Square")}
                )[:2] == (960, 960)  # sqrt(0.879 x 1024^2) = 960.0
    assert size({"1": _dasiwa(no_scale=True)})[:2] == (9, 16)  # the ratio's own sides, as the pack gives them
    pictured = {"1": _dasiwa(scale_from_image=True, image=["2", 0]), "2": _n("EmptyImage", width=1280, height=720,
                                                                            batch_size=1, color=0)}
    assert size(pictured)[:2] == (1248, 704)
    pictured["2"] = _n("LoadImage", image="example.png")  # its picture's size: known when it runs
    assert size(pictured) == (None, None, None, None)


def test_a_size_multiplied_by_a_factor():
    doc = {"1": _n("Resolution Multiply (JPS)", width=480, height=832, factor=2),
           "2": _n("Resolution Multiply (JPS)", width=480, height=["9", 0], factor=2), "9": _n("LoadImage", image="x.png")}
    assert (_out(doc, "1", 0), _out(doc, "1", 1)) == (960, 1664)
    assert _out(doc, "2", 1) is None
