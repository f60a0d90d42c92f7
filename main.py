#!/usr/bin/env python3
"""Studio. `python main.py` opens the studio; `python main.py render GRAPH -o OUT` renders headless."""
import sys

from studio.cli import main

if __name__ == "__main__":
    sys.exit(main())
