"""FlowEdit on Wan: a clip edited from a source prompt toward a target prompt without inversion (edit.py, pipeline.py,
node.py)."""
