"""The catalogue of ComfyUI node types read from the packs' own released sources, never run: the door is this
package (``node_type(name)``, ``names()``, ``packs()``, ``ranges(name)``, ``object_info(name)`` and the predicates
``loader_kind``, ``file_input``, ``is_primitive``, ``image_operation``: types.py; ``extends``, ``declares_inputs``: one
type extending another, extends.py). The extractor (values.py: literal values read from a syntax tree; extract.py:
old-style ``INPUT_TYPES`` nodes; schema.py: V3 ``define_schema``; mappings.py: which classes a pack registers under
which names) is what scripts/comfy_catalogue.py runs to write data/comfy_types.json.gz. Stdlib only; imports nothing
else of the converter."""
from .extends import declares_inputs, extends
from .types import (UNKNOWN, Input, NodeType, Output, file_input, image_operation, is_primitive, loader_kind,
                    names, node_type, object_info, packs, ranges)

__all__ = ["UNKNOWN", "Input", "NodeType", "Output", "declares_inputs", "extends", "file_input", "image_operation",
           "is_primitive", "loader_kind", "names", "node_type", "object_info", "packs", "ranges"]
