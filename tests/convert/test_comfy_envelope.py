"""A ComfyUI workflow saved inside another object (an API client's {'prompt': ...} body, a /history entry's
'prompt' list, a tool's {'api_graph': ...}) is opened as the workflow, the key said; an object holding two is not
guessed at."""
from __future__ import annotations

import json

import pytest

from studio.convert.mapping.file import convert_file, is_comfy_file
from studio.convert.reading.workflow import WorkflowError
from tests.convert.test_comfy_unread_maker import _doc


@pytest.mark.parametrize("wrap", [lambda g: {"prompt_id": "abc", "note": "saved by a tool", "api_graph": g},
                                  lambda g: {"history": [7, "abc", g, {}, ["14"]]},
                                  lambda g: {"prompt": g, "client_id": "x"},
                                  lambda g: {"abc-123": {"prompt": [7, "abc-123", g, {}, ["14"]], "outputs": {}}}])
def test_an_enveloped_workflow_is_opened_as_the_workflow(tmp_path, wrap):
    path = tmp_path / "wrapped.json"
    path.write_text(json.dumps(wrap(_doc())))
    assert is_comfy_file(str(path))
    conv = convert_file(str(path))
    assert conv.tasks and conv.tasks[0]["generator"] == "video_models.text_to_video"


def test_two_workflows_in_one_object_are_not_guessed_at(tmp_path):
    path = tmp_path / "two.json"
    path.write_text(json.dumps({"a": _doc(), "b": _doc()}))
    assert not is_comfy_file(str(path))
    with pytest.raises(WorkflowError, match="not a ComfyUI workflow"):
        convert_file(str(path))
