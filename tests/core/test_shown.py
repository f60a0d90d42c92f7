"""Values as Studio shows them (issue 61, item 13): floats with a sane number of significant
digits ('shift 8.000000000000002' was in the Log of a converted workflow), long text cut at a
word with how much more there was (not '(642 characters)', which read as the whole length)."""
from __future__ import annotations

import json
import os
import re

import pytest

from studio.core.errors import GraphError
from studio.core.limits import MAX_MESSAGE_CHARS, shorten
from studio.core.shown import cut, number, rounded


def test_numbers_are_shown_with_a_few_significant_digits():
    assert [number(v) for v in (8.000000000000002, 5.000000000000001, 0.30000000000000004, 16.0, 1e-05, 1e308)] == \
        ["8.0", "5.0", "0.3", "16.0", "1e-05", "1e+308"]
    assert number(3.14159265358979) == "3.14159" and number(123456789.0) == "1.23457e+08"
    assert number(923510416338945) == "923510416338945" and number(True) == "True" and number("euler") == "euler"
    assert number(float("inf")) == "inf"
    assert rounded({"a": [0.9900000000000002, 2], "b": "x"}) == {"a": [0.99, 2], "b": "x"}


def test_long_text_is_cut_at_a_word_saying_how_much_more():
    text = "the denoiser file is a single HunyuanVideo 1.5 file: set the text encoder " * 10
    shown = cut(text, 100)
    head, marker = shown.split("… (")
    assert len(shown) <= 100 and text.startswith(head) and text[len(head)] == " "  # at a word
    assert marker == f"{len(text) - len(head):,} more characters)"
    assert cut("short", 100) == "short"
    assert cut("x" * 5000, 64) == "x" * 40 + "… (4,960 more characters)"  # no space: at the limit
    assert shorten("y" * 1000, 80).endswith("… (944 more characters)")


def test_a_long_error_message_says_how_many_more_characters():
    words = " ".join(f"word{i}" for i in range(200))
    msg = str(GraphError(words))
    head, marker = msg.split("… (")
    assert len(msg) <= MAX_MESSAGE_CHARS and words.startswith(head) and words[len(head)] == " "
    assert int(marker.split(" more")[0].replace(",", "")) == len(words) - len(head)


def test_a_converted_workflow_says_its_shift_in_few_digits():
    templates = pytest.importorskip("comfyui_workflow_templates_json")
    from studio.convert.mapping.convert import convert
    path = os.path.join(os.path.dirname(templates.__file__), "templates", "video_wan2_2_14B_flf2v.json")
    with open(path, encoding="utf-8") as f:
        conv = convert(json.load(f), "flf2v")
    said = "\n".join(conv.log + [n["text"] for n in conv.graph.ui["notes"]])
    assert re.search(r"shift 8\.0[,)]", said), said  # (the summary goes on with image_fit where the task node crops)
    assert not re.search(r"\d\.\d*0000000\d", said), re.findall(r".{20}\d\.\d*0000000\d", said)
