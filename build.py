#!/usr/bin/env python3
"""Build the wenji site: ``python build.py --help`` lists the options."""
from wenji.cli import run

if __name__ == "__main__":
    run()
