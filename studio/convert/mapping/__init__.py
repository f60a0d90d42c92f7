"""The builder: a read workflow made into a Studio graph, output by output, by the stages it builds (convert.py's
``_Builder`` composes them and holds their state; ``convert`` is the entry point), and a ComfyUI workflow file
on disk read and converted (file.py: ``convert_file``, ``is_comfy_file``). What is passed over with a sentence:
passing.py (steps, settings, constants on the way into what Studio read), displays.py (what does not make the
video: displays, saves of stills, nodes of the page alone)."""
