"""Screenshot and demo scripts (python -m studio.ui.shots...): the README pictures."""
