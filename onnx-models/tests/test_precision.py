"""float16 sets: heavy operations in float16 on float16 weights, everything else float32."""

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from foleystream_export import config, exporter, graphs, manifest, onnx_export, precision
from foleystream_export.onnx_export import ONNX_DTYPES

HEAVY = set(precision.HEAVY_OPS)


@pytest.fixture(scope="module")
def half_set(tmp_path_factory):
    out = tmp_path_factory.mktemp("fp16") / "tiny"
    exporter.export_model_set(config.builtin("tiny"), out, exporter.RandomWeights(0), precision="fp16", log=lambda m: None)
    return out


def _types(model):
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    types = {v.name: v.type.tensor_type.elem_type for v in
             list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output)}
    types.update({t.name: t.data_type for t in inferred.graph.initializer})
    return types


def test_half_set_passes_the_checks_and_keeps_float32_io(half_set):
    data = exporter.check_model_set(half_set)
    assert data["precision"] == "fp16"
    for name, spec in manifest.graph_specs(data).items():
        model = onnx.load(str(half_set / f"{name}.onnx"))
        declared = {s.name: s.dtype for s in spec.inputs + spec.outputs}
        assert set(declared.values()) <= {"float32", "int64"}, name
        for value in list(model.graph.input) + list(model.graph.output):
            assert value.type.tensor_type.elem_type == ONNX_DTYPES[declared[value.name]], value.name


def test_heavy_operations_run_on_float16(half_set):
    for name in graphs.GRAPH_NAMES:
        model = onnx.load(str(half_set / f"{name}.onnx"))
        types = _types(model)
        heavy = [n for n in model.graph.node if n.op_type in HEAVY]
        assert heavy, name
        for node in heavy:
            assert all(types[i] == TensorProto.FLOAT16 for i in node.input if i), (name, node.name)
        light = [n for n in model.graph.node if n.op_type in ("Softmax", "LayerNormalization", "Sin", "Cos")]
        for node in light:
            assert types[node.input[0]] == TensorProto.FLOAT, (name, node.name)


def test_half_set_is_smaller(half_set):
    from conftest import FIXTURES
    half = manifest.read(half_set)["files"]
    full = manifest.read(FIXTURES / "model-set")["files"]
    for name in graphs.GRAPH_NAMES:
        assert half[f"{name}.onnx"]["bytes"] <= full[f"{name}.onnx"]["bytes"], name
    assert half["velocity.onnx"]["bytes"] < 0.7 * full["velocity.onnx"]["bytes"]


def test_shared_weight_gets_a_half_copy_and_the_original_stays():
    weight = numpy_helper.from_array(np.ones((4, 4), dtype=np.float32), "w")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"]), helper.make_node("Add", ["y", "w"], ["z"]),
         helper.make_node("MatMul", ["z", "w"], ["out"])],
        "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 4])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, [4, 4])], [weight])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    halves = precision.plan_mixed_float16(model)
    assert halves == {"w_fp16": "w"}
    ops = [(n.op_type, list(n.input), list(n.output)) for n in model.graph.node]
    assert ops[0] == ("Cast", ["x"], ["x_fp16"])
    assert ops[1] == ("MatMul", ["x_fp16", "w_fp16"], ["y_fp16"])
    assert ops[3] == ("Add", ["y", "w"], ["z"])
    onnx_export._write_weights(model, None, halves, None)
    weights = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    assert weights["w"].dtype == np.float32 and weights["w_fp16"].dtype == np.float16
    assert (weights["w_fp16"] == 1).all()
    onnx.checker.check_model(model, full_check=True)
