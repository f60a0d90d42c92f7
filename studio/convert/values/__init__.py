"""Values and wiring as ComfyUI makes them when a workflow runs, read without running it: texts joined
(strings.py), node packs' switches read away (switches.py), the links KJNodes' Set/Get pairs and
cg-use-everywhere's broadcasts stand for (wiring.py); how the converter shows a value and fits it into a
Studio parameter (shown.py); whether a saved value is of its input's declared type (value_types.py). Plain stdlib: the reader (reading/) and the builder use them."""
