"""Puts the package under test on the path, so the suite runs from a plain checkout."""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
