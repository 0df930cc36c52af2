"""Puts the package under test on the path and locates the shared reference data.

``../shared`` beside the repository holds the official key tables (``model-keys/``) and the parity
data of the official implementation (``parity/``); tests that need them skip, saying so, where a
checkout has no such directory.
"""

import pathlib
import sys

import pytest

ONNX_MODELS = pathlib.Path(__file__).resolve().parents[1]
SHARED = ONNX_MODELS.parent.parent / "shared"
FIXTURES = ONNX_MODELS / "fixtures" / "tiny"

sys.path.insert(0, str(ONNX_MODELS))


def shared_dir(*parts) -> pathlib.Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"reference data {path} is not present in this checkout")
    return path


@pytest.fixture(scope="session")
def parity():
    return shared_dir("parity")


@pytest.fixture(scope="session")
def model_keys():
    return shared_dir("model-keys")
