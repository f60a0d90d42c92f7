"""ComfyUI's file formats read into one flat form: its UI JSON (nodes and links, subgraphs flattened, frontend-only
nodes made into links) and its API JSON both become a ``Workflow`` of ``CNode``s whose settings are named
(workflow.py); a subgraph node's own values written into its inner nodes (subgraphs.py); the constant a primitive,
a switch or a math expression gives (primitives.py), a pack's slider the widget its switch chooses (chosen.py).
Reads values/ and the families' widget tables."""
