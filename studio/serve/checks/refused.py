"""A prompt refused as ComfyUI's ``POST /prompt`` refuses one: a 400 whose ``error`` says why and whose
``node_errors`` name the workflow's nodes at fault. Raised by the checks at the door (validate.py,
bounds.py's callers) and by the API's conversion of a prompt (api/prompt.py)."""
from __future__ import annotations


class Refused(Exception):
    """A prompt ComfyUI's /prompt would answer 400: ``body()`` is that answer."""

    def __init__(self, message: str, node_errors: dict | None = None, kind: str = "invalid_prompt",
                 details: str = ""):
        super().__init__(message)
        self.message, self.node_errors, self.kind, self.details = message, node_errors or {}, kind, details

    def body(self) -> dict:
        return {"error": {"type": self.kind, "message": self.message, "details": self.details, "extra_info": {}},
                "node_errors": self.node_errors}


def node_error(cls: str, message: str, details: str = "", kind: str = "value_not_valid") -> dict:
    return {"errors": [{"type": kind, "message": message, "details": details, "extra_info": {}}],
            "dependent_outputs": [], "class_type": cls}
