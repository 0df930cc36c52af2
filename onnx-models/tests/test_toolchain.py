"""The exporter's toolchain works here: torch exports a graph at our opset and onnx accepts it."""

import io

import numpy as np
import onnx
import pytest
import onnx.checker
import onnx.shape_inference
import torch

from foleystream_export import OPSET, __version__
from foleystream_export.__main__ import main


class _Scale(torch.nn.Module):
    def forward(self, x):
        return torch.nn.functional.gelu(x) * 2.0


def test_torch_exports_a_graph_that_onnx_checks_with_full_shape_inference():
    buffer = io.BytesIO()
    torch.onnx.export(
        _Scale(), (torch.zeros(2, 3),), buffer, opset_version=OPSET,
        input_names=["x"], output_names=["y"], dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}},
    )
    model = onnx.load_from_string(buffer.getvalue())
    onnx.checker.check_model(model, full_check=True)
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    out = inferred.graph.output[0].type.tensor_type
    assert out.elem_type == onnx.TensorProto.FLOAT
    assert [d.dim_param or d.dim_value for d in out.shape.dim] == ["batch", 3]
    assert model.opset_import[0].version == OPSET


def test_numpy_and_torch_agree_on_float32():
    x = np.linspace(-3, 3, 7, dtype=np.float32)
    assert torch.from_numpy(x).dtype == torch.float32
    assert np.array_equal(torch.from_numpy(x).numpy(), x)


def test_cli_reports_its_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"foleystream_export {__version__}"
