import pytest

from studio.core.errors import ParamRangeError, ParamTypeError
from studio.core.params import Bool, Choice, Color, Float, Int, Path, Seed, String, Text


def test_int_coerces_and_checks_range():
    p = Int("n", 3, min=0, max=10)
    assert p.coerce(4) == 4
    assert p.coerce(5.0) == 5
    assert p.parse(" 7 ") == 7
    with pytest.raises(ParamRangeError, match="outside"):
        p.coerce(11)
    with pytest.raises(ParamTypeError, match="integer"):
        p.coerce(2.5)
    with pytest.raises(ParamTypeError):
        p.coerce(True)
    with pytest.raises(ParamTypeError):
        p.parse("seven")


def test_float_rejects_nan_inf_and_text():
    p = Float("x", 0.5, min=0, max=1)
    assert p.coerce(1) == 1.0
    for bad in (float("nan"), float("inf")):
        with pytest.raises(ParamRangeError, match="finite"):
            p.coerce(bad)
    with pytest.raises(ParamTypeError):
        p.coerce("abc")
    with pytest.raises(ParamRangeError):
        p.coerce(1e308)


def test_bool_choice_string_path_color_seed():
    assert Bool("b").parse("yes") is True and Bool("b").parse("off") is False
    with pytest.raises(ParamTypeError):
        Bool("b").coerce(1)
    c = Choice("c", "a", choices=("a", "b"))
    assert c.coerce("b") == "b"
    with pytest.raises(ParamRangeError, match="not one of"):
        c.coerce("z")
    assert Text("t").multiline and not String("s").multiline
    with pytest.raises(ParamTypeError):
        String("s").coerce(3)
    with pytest.raises(ParamRangeError):
        Path("p").coerce("a\x00b")
    assert Color("c").coerce([255, 0, 16]) == "#ff0010"
    assert Color("c").coerce("#FFaa00") == "#ffaa00"
    assert Color.rgb("#ff0000") == (1.0, 0.0, 0.0)
    with pytest.raises(ParamTypeError):
        Color("c").coerce("red")
    with pytest.raises(ParamRangeError):
        Seed("s").coerce(-1)
    assert Seed("s").kind == "seed" and Int("i").kind == "int"


def test_no_parameter_is_titled_as_a_row_the_properties_panel_adds():
    """The panel shows 'Title' and 'Preset' rows of its own above a node's parameters: a parameter
    shown as 'Preset' (Camera Path's move was, under the panel's saved-presets row) reads as the same
    control twice."""
    from studio.core.registry import default_registry
    reg = default_registry()
    clash = [(s.type_id, p.name) for s in reg.specs() for p in s.params if p.title in ("Title", "Preset")]
    assert clash == []
