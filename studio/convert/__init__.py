"""Other programs' files made into Studio graphs: ComfyUI's workflows. Knows Studio's nodes by their type ids
only: it never imports ``nodes``, which sits above it; each video family's mapping of its ComfyUI node types
(nodes/video_models/families/<key>/comfy.py) uses the door, api.py, and is found by discovery
(families/registry.py). Stdlib and studio.core only.

Its rooms, each importing only those listed before it:

- ``catalogue/``: the node types of ComfyUI and its packs (inputs, widgets, ranges, outputs, pack@commit), read
  from their sources by scripts/comfy_catalogue.py without running them and kept as data; ``node_type(name)``.
- ``families/``: the families' mappings found (registry.py) and the hook points a mapping may fill (hooks.py).
- ``values/``: values a workflow makes when it runs and the links its frontend-only nodes stand for: texts
  joined (strings.py), switches read away (switches.py), Set/Get and broadcasts (wiring.py), and how the
  converter shows and fits a value (shown.py).
- ``reading/``: ComfyUI's file formats read into one flat ``Workflow`` of ``CNode``s: the UI and API JSON
  (workflow.py), a subgraph's own values (subgraphs.py), primitives and math expressions (primitives.py).
- ``tracing/``: what the workflow's nodes mean: each node's role (roles.py), the task (tasks.py), the sampler's
  settings (sampling.py) and guider (guiders.py), the prompts (prompts.py), and the walks they share (walks.py).
- ``packs/``: node packs read as core nodes: a family's translation's base (translation.py), Easy-Use's loaders
  (easy_use.py), rgthree's LoRA stacks (lora_stacks.py).
- ``finishing/``: Studio nodes made beside a generator or without one: an output's finishing (finish.py), the
  video utilities (utility.py), a model-free core video (core.py), and where the nodes and notes go (layout.py).
- ``takes/``: an output's passes (passes.py), takes joined (segments.py) or extended (extend.py), takes saved as
  pictures (frames.py), its sound (sound.py), and the ledger of what reaches it (ledger.py).
- ``mapping/``: the builder, by the stages it builds (convert.py composes them: ``convert``), and a workflow
  file on disk (file.py: ``convert_file``).

``api.py``, the door: what a family's mapping declares and the builder surface its hooks may use."""
