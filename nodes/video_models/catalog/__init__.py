"""The models folders as they are: each file's header read (never its weights), recognised from its tensors' names and shapes, and listed for the picker and main.py models."""
