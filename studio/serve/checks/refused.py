"""A prompt refused as ComfyUI's ``POST /prompt`` refuses one: a 400 whose ``error`` says why and whose
``node_errors`` name the workflow's nodes at fault. Raised by the checks at the door (validate.py,
bounds.py's callers) and by the API's conversion of a prompt (api/prompt.py).

Each node's error is said in the page's own vocabulary (``in_page_words``): ComfyUI's web page marks a
node and its widget, and shows the words, only for the error types it knows; Studio's own kinds
(``job_too_large``, ``value_not_valid``...) become ``custom_validation_failed`` on the input they name
(the page shows its details beside the node) or ``exception_during_validation`` on the node, Studio's
kind kept in ``extra_info.studio_type``."""
from __future__ import annotations

import copy

# the node errors ComfyUI's page knows: on an input (it marks the widget) and on a node
PAGE_INPUT_TYPES = frozenset({"required_input_missing", "bad_linked_input", "return_type_mismatch",
                              "invalid_input_type", "value_smaller_than_min", "value_bigger_than_max",
                              "value_not_in_list", "custom_validation_failed", "exception_during_inner_validation"})
PAGE_NODE_TYPES = frozenset({"exception_during_validation", "dependency_cycle"})


class Refused(Exception):
    """A prompt ComfyUI's /prompt would answer 400: ``body()`` is that answer."""

    def __init__(self, message: str, node_errors: dict | None = None, kind: str = "invalid_prompt",
                 details: str = ""):
        super().__init__(message)
        self.message, self.node_errors, self.kind, self.details = message, node_errors or {}, kind, details

    def body(self) -> dict:
        kind = self.kind
        if kind == "prompt_outputs_failed_validation" and not self.node_errors:
            kind = "invalid_prompt"  # no node to mark: the page then shows the words themselves
        return {"error": {"type": kind, "message": self.message, "details": self.details, "extra_info": {}},
                "node_errors": in_page_words(self.node_errors)}


def in_page_words(node_errors: dict) -> dict:
    """A copy of ``node_errors`` with each error of a type the page does not know said as one it does."""
    node_errors = copy.deepcopy(node_errors)
    for entry in node_errors.values():
        for e in entry.get("errors", []) if isinstance(entry, dict) else ():
            info = e.setdefault("extra_info", {})
            if e.get("type") not in PAGE_INPUT_TYPES | PAGE_NODE_TYPES:
                info["studio_type"] = e.get("type")
                e["type"] = "custom_validation_failed" if info.get("input_name") else "exception_during_validation"
            if not str(e.get("details") or "").strip():  # the page shows the details, not the message
                e["details"] = e.get("message", "")
    return node_errors


def node_error(cls: str, message: str, details: str = "", kind: str = "value_not_valid") -> dict:
    return {"errors": [{"type": kind, "message": message, "details": details, "extra_info": {}}],
            "dependent_outputs": [], "class_type": cls}
