#!/usr/bin/env python3
"""Build the wenji site: ``python build.py --help`` lists the options."""
import sys

from wenji.cli import main

if __name__ == "__main__":
    sys.exit(main())
