"""Tracing a module to ONNX (torch 1.13 and 2.x alike), external data, and graph checks."""

import inspect
import pathlib
import tempfile
from typing import List

import onnx
import onnx.checker
import onnx.shape_inference
import torch

from . import OPSET
from .graphs import GraphSpec

#: Graphs whose weights exceed this are written with ONNX external data (protobuf caps a message
#: at 2 GiB; the margin leaves room for the graph itself).
EXTERNAL_DATA_THRESHOLD = 1_800_000_000

ONNX_DTYPES = {"float32": onnx.TensorProto.FLOAT, "float16": onnx.TensorProto.FLOAT16,
               "int64": onnx.TensorProto.INT64}


class GraphCheckError(ValueError):
    """An exported graph fails the ONNX checker, shape inference, or its declared interface."""


def data_file_name(spec: GraphSpec) -> str:
    return spec.file + ".data"


def export(module: torch.nn.Module, spec: GraphSpec, out_dir: pathlib.Path) -> List[str]:
    """Traces ``module`` with the spec's names and symbolic axes into ``out_dir / spec.file``.

    Returns the files written (the graph and, for graphs over the threshold, one external data
    file beside it). The tracing happens in a private temporary directory, because torch spills
    every tensor of a > 2 GiB model into its own file next to the graph.
    """
    kwargs = dict(
        input_names=[s.name for s in spec.inputs], output_names=[s.name for s in spec.outputs],
        dynamic_axes=spec.dynamic_axes(), opset_version=OPSET, do_constant_folding=True)
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False  # torch >= 2.5 may default to the dynamo exporter
    module = module.eval()
    _persist_buffers(module)
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=f".{spec.name}-") as tmp:
        traced = pathlib.Path(tmp) / spec.file
        with torch.no_grad():
            torch.onnx.export(module, tuple(spec.example_inputs()), str(traced), **kwargs)
        model = onnx.load(str(traced))
        # Intermediate shapes are re-derived by shape inference; storing them only adds bytes.
        del model.graph.value_info[:]
        _declare_io(model, spec)
        target = out_dir / spec.file
        weight_bytes = sum(len(t.raw_data) for t in model.graph.initializer)
        if weight_bytes > EXTERNAL_DATA_THRESHOLD:
            data = data_file_name(spec)
            (out_dir / data).unlink(missing_ok=True)
            onnx.save_model(model, str(target), save_as_external_data=True, all_tensors_to_one_file=True,
                            location=data, size_threshold=1024)
            return [spec.file, data]
        onnx.save_model(model, str(target))
        return [spec.file]


def _persist_buffers(module: torch.nn.Module) -> None:
    """Marks every buffer persistent: torch exports non-persistent buffers (RoPE tables, index
    tables, filters) as inline constants, duplicated at each use, and persistent ones as shared
    initialisers. Only the export's copy of the module is changed."""
    for submodule in module.modules():
        submodule._non_persistent_buffers_set.clear()


def _declare_io(model: onnx.ModelProto, spec: GraphSpec) -> None:
    """Writes the spec's exact dtypes and shapes (symbolic batch) on the graph's inputs/outputs."""
    for values, declared in ((model.graph.input, spec.inputs), (model.graph.output, spec.outputs)):
        names = [v.name for v in values]
        if names != [s.name for s in declared]:
            raise GraphCheckError(f"{spec.name}: traced I/O {names} differ from {[s.name for s in declared]}")
        for value, s in zip(values, declared):
            tensor_type = value.type.tensor_type
            tensor_type.elem_type = ONNX_DTYPES[s.dtype]
            del tensor_type.shape.dim[:]
            for d in s.shape:
                dim = tensor_type.shape.dim.add()
                if isinstance(d, str):
                    dim.dim_param = d
                else:
                    dim.dim_value = d


def check(path: pathlib.Path, spec: GraphSpec) -> None:
    """onnx.checker with full (strict) shape inference, then the inferred interface against the spec."""
    path = pathlib.Path(path)
    try:
        # full_check=True on a path would rewrite the file with inferred shapes; infer into a copy.
        onnx.checker.check_model(str(path))
        with tempfile.TemporaryDirectory() as tmp:
            inferred_path = pathlib.Path(tmp) / "inferred.onnx"
            onnx.shape_inference.infer_shapes_path(str(path), str(inferred_path), check_type=True, strict_mode=True)
            inferred = onnx.load(str(inferred_path), load_external_data=False)
    except (onnx.checker.ValidationError, onnx.shape_inference.InferenceError) as error:
        raise GraphCheckError(f"{path.name}: {error}") from None
    if inferred.opset_import[0].version != OPSET:
        raise GraphCheckError(f"{path.name}: opset {inferred.opset_import[0].version}, expected {OPSET}")
    for values, declared in ((inferred.graph.input, spec.inputs), (inferred.graph.output, spec.outputs)):
        actual = [(v.name, v.type.tensor_type.elem_type,
                   tuple(d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim)) for v in values]
        expected = [(s.name, ONNX_DTYPES[s.dtype], tuple(s.shape)) for s in declared]
        if actual != expected:
            raise GraphCheckError(f"{path.name}: interface {actual} differs from the specification {expected}")
