"""Puts the package under test on the path and locates the shared reference data.

``../shared`` beside the repository holds the official key tables (``model-keys/``) and the parity
data of the official implementation (``parity/``); tests that need them skip, saying so, where a
checkout has no such directory. ``FOLEYSTREAM_PARITY_DIR`` names another parity directory of the
same layout; the parity tests read every size, prompt and count from the data they are given.
"""

import os
import pathlib
import sys

import pytest

ONNX_MODELS = pathlib.Path(__file__).resolve().parents[1]
SHARED = ONNX_MODELS.parent.parent / "shared"
FIXTURES = ONNX_MODELS / "fixtures" / "tiny"

sys.path.insert(0, str(ONNX_MODELS))


PARITY_ENV = "FOLEYSTREAM_PARITY_DIR"


def shared_dir(*parts) -> pathlib.Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"reference data {path} is not present in this checkout")
    return path


def parity_dir() -> pathlib.Path:
    """The parity data: ``$FOLEYSTREAM_PARITY_DIR``, else ``../shared/parity``."""
    override = os.environ.get(PARITY_ENV)
    path = pathlib.Path(override) if override else SHARED / "parity"
    if not path.exists():
        pytest.skip(f"parity data {path} is not present (set {PARITY_ENV} to a parity directory)")
    return path


@pytest.fixture(scope="session")
def parity():
    return parity_dir()


@pytest.fixture(scope="session")
def model_keys():
    return shared_dir("model-keys")
