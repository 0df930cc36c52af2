"""The committed tiny set and goldens regenerate from their seeds.

On the torch version that wrote them, every file comes back byte for byte; an ONNX file or a
computed float output may only differ where a CPU with other vector instructions rounds a
reduction differently, and then by no more than rounding. On another torch version the ONNX
bytes (exporter output and version stamps) are not compared: torch's exporter names and orders
nodes differently from version to version."""

import gzip
import io
import json

import numpy as np
import onnx
import pytest
import torch

from foleystream_export import golden

from conftest import FIXTURES

ROUNDING = 1e-6


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("fixtures")
    golden.make_fixtures(out)
    return out


def committed_torch():
    return json.loads((FIXTURES / "model-set" / "manifest.json").read_text())["provenance"]["torch"]


def relative_paths(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_same_files(regenerated):
    assert relative_paths(regenerated) == relative_paths(FIXTURES)


def _load_npy(path):
    data = path.read_bytes()
    return np.load(io.BytesIO(gzip.decompress(data) if path.name.endswith(".gz") else data))


def test_golden_files(regenerated):
    for name in relative_paths(FIXTURES / "golden"):
        old, new = FIXTURES / "golden" / name, regenerated / "golden" / name
        if old.read_bytes() == new.read_bytes():
            continue
        assert name.endswith((".npy", ".npy.gz")), f"{name} differs"
        a, b = _load_npy(old), _load_npy(new)
        assert a.dtype == b.dtype and a.shape == b.shape and a.dtype.kind == "f", f"{name} differs"
        scale = max(np.abs(a).max(), 1e-30)
        assert np.abs(a.astype(np.float64) - b).max() <= 1e-5 * scale, f"{name} differs beyond rounding"


def test_model_set_files(regenerated):
    if committed_torch() != torch.__version__:
        pytest.skip(f"fixtures written by torch {committed_torch()}, this is {torch.__version__}: "
                    "ONNX bytes are only comparable on the same torch version")
    for name in relative_paths(FIXTURES / "model-set"):
        old, new = FIXTURES / "model-set" / name, regenerated / "model-set" / name
        if old.read_bytes() == new.read_bytes():
            continue
        if name.endswith(".onnx"):
            _assert_same_graph(old, new)
        elif name == "manifest.json":
            _assert_same_manifest_but_hashes(old, new)
        else:
            pytest.fail(f"{name} differs")


def _assert_same_graph(old, new):
    a, b = onnx.load(str(old)), onnx.load(str(new))
    weights_a = {t.name: onnx.numpy_helper.to_array(t) for t in a.graph.initializer}
    weights_b = {t.name: onnx.numpy_helper.to_array(t) for t in b.graph.initializer}
    assert weights_a.keys() == weights_b.keys(), f"{old.name}: other initialisers"
    for key in weights_a:
        x, y = weights_a[key], weights_b[key]
        assert x.shape == y.shape and np.abs(x.astype(np.float64) - y).max() <= ROUNDING * max(np.abs(x).max(), 1e-30), key
    del a.graph.initializer[:]
    del b.graph.initializer[:]
    assert a.SerializeToString() == b.SerializeToString(), f"{old.name}: the graph structure differs"


def _assert_same_manifest_but_hashes(old, new):
    a, b = json.loads(old.read_text()), json.loads(new.read_text())
    for m in (a, b):
        for name, entry in m["files"].items():
            if name.endswith(".onnx"):
                entry.pop("sha256")
    assert a == b
