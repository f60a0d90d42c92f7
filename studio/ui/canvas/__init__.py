"""The node canvas: the only folder that imports NodeGraphQt."""
