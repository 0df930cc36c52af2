"""Tracing a module to ONNX (torch 1.13 and 2.x alike), external data, and graph checks."""

import inspect
import pathlib
import tempfile
from typing import List

import onnx
import onnx.checker
import onnx.external_data_helper
import onnx.mapping
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

    Returns the files written: the graph and, for graphs whose weights exceed the threshold, one
    external data file beside it. The tracing happens in a private temporary directory, because
    torch spills every tensor of a > 2 GiB model into its own file next to the graph; those are
    then streamed, one tensor at a time, into the single data file.
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
        model = onnx.load(str(traced), load_external_data=False)
        # Intermediate shapes are re-derived by shape inference; storing them only adds bytes.
        del model.graph.value_info[:]
        _declare_io(model, spec)
        if _weight_bytes(model) > EXTERNAL_DATA_THRESHOLD:
            data = data_file_name(spec)
            _write_external_data(model, pathlib.Path(tmp), out_dir / data)
            onnx.save_model(model, str(out_dir / spec.file))
            return [spec.file, data]
        onnx.external_data_helper.load_external_data_for_model(model, tmp)
        onnx.save_model(model, str(out_dir / spec.file))
        return [spec.file]


def _is_external(tensor: onnx.TensorProto) -> bool:
    return tensor.data_location == onnx.TensorProto.EXTERNAL


def _weight_bytes(model: onnx.ModelProto) -> int:
    total = 0
    for tensor in model.graph.initializer:
        if _is_external(tensor):
            total += int({e.key: e.value for e in tensor.external_data}.get("length", 0)) or \
                _element_count(tensor) * onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[tensor.data_type].itemsize
        else:
            total += len(tensor.raw_data)
    return total


def _element_count(tensor: onnx.TensorProto) -> int:
    count = 1
    for d in tensor.dims:
        count *= d
    return count


def _write_external_data(model: onnx.ModelProto, traced_dir: pathlib.Path, data_path: pathlib.Path) -> None:
    """Moves every initializer of 1 KiB or more into ``data_path``, one tensor in memory at a
    time, at 4 KiB-aligned offsets (so that runtimes can map them)."""
    with open(data_path, "wb") as data:
        for tensor in model.graph.initializer:
            if _is_external(tensor):
                onnx.external_data_helper.load_external_data_for_tensor(tensor, str(traced_dir))
                del tensor.external_data[:]
                tensor.data_location = onnx.TensorProto.DEFAULT
            if not tensor.HasField("raw_data"):
                continue
            payload = tensor.raw_data
            if len(payload) < 1024:
                continue
            offset = -(-data.tell() // 4096) * 4096
            data.write(b"\0" * (offset - data.tell()))
            data.write(payload)
            tensor.ClearField("raw_data")
            tensor.data_location = onnx.TensorProto.EXTERNAL
            for key, value in (("location", data_path.name), ("offset", str(offset)), ("length", str(len(payload)))):
                entry = tensor.external_data.add()
                entry.key, entry.value = key, value


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
