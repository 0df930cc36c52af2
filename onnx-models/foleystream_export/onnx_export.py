"""Tracing a module to ONNX (torch 1.13 and 2.x alike), external data, and graph checks."""

import inspect
import pathlib
import tempfile
from typing import Dict, List, Optional

import numpy as np
import onnx
import onnx.checker
import onnx.numpy_helper
import onnx.external_data_helper
import onnx.helper
import onnx.shape_inference
import torch

from . import OPSET
from . import precision as precision_module
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


def export(module: torch.nn.Module, spec: GraphSpec, out_dir: pathlib.Path, precision: str = "fp32") -> List[str]:
    """Traces ``module`` with the spec's names and symbolic axes into ``out_dir / spec.file``.

    Returns the files written: the graph and, for graphs whose weights exceed the threshold, one
    external data file beside it. The tracing happens in a private temporary directory, because
    torch spills every tensor of a > 2 GiB model into its own file next to the graph; the weights
    are then moved (and for ``fp16`` converted, see :mod:`foleystream_export.precision`) one
    tensor at a time.
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
        halves = precision_module.plan_mixed_float16(model) if precision == "fp16" else {}
        files = [spec.file]
        data_path = None
        if _weight_bytes(model, halves) > EXTERNAL_DATA_THRESHOLD:
            files.append(data_file_name(spec))
            data_path = out_dir / files[1]
        _write_weights(model, pathlib.Path(tmp), halves, data_path)
        onnx.save_model(model, str(out_dir / spec.file))
        return files


def _is_external(tensor: onnx.TensorProto) -> bool:
    return tensor.data_location == onnx.TensorProto.EXTERNAL


def _weight_bytes(model: onnx.ModelProto, halves: Dict[str, str]) -> int:
    total = 0
    for tensor in model.graph.initializer:
        count = 1
        for d in tensor.dims:
            count *= d
        total += count * (2 if tensor.name in halves else _itemsize(tensor.data_type))
    return total


def _itemsize(data_type: int) -> int:
    # onnx >= 1.13 has tensor_dtype_to_np_dtype; its older onnx.mapping table is gone from newer releases.
    if hasattr(onnx.helper, "tensor_dtype_to_np_dtype"):
        return onnx.helper.tensor_dtype_to_np_dtype(data_type).itemsize
    from onnx import mapping
    return mapping.TENSOR_TYPE_TO_NP_TYPE[data_type].itemsize


def _take_bytes(tensor: onnx.TensorProto, traced_dir: pathlib.Path) -> bytes:
    """The tensor's data (read from torch's spill file if it is there), removed from the proto."""
    if _is_external(tensor):
        onnx.external_data_helper.load_external_data_for_tensor(tensor, str(traced_dir))
        del tensor.external_data[:]
        tensor.data_location = onnx.TensorProto.DEFAULT
    if tensor.HasField("raw_data"):
        raw = tensor.raw_data
    else:
        raw = onnx.numpy_helper.to_array(tensor).tobytes()
        for field in ("float_data", "int32_data", "int64_data", "double_data"):
            tensor.ClearField(field)
    tensor.ClearField("raw_data")
    return raw


def _write_weights(model: onnx.ModelProto, traced_dir: pathlib.Path, halves: Dict[str, str],
                   data_path: Optional[pathlib.Path]) -> None:
    """Gives every initialiser its data: float16-converted where ``halves`` says so, and, with a
    ``data_path``, every tensor of 1 KiB or more in that one file at 4 KiB-aligned offsets (so
    runtimes can map them). One tensor is in memory at a time."""
    by_name = {t.name: t for t in model.graph.initializer}
    copies: Dict[str, List[onnx.TensorProto]] = {}
    for half, source in halves.items():
        if half != source:
            copies.setdefault(source, []).append(by_name[half])
    data = open(data_path, "wb") if data_path is not None else None
    try:
        for tensor in list(model.graph.initializer):
            if halves.get(tensor.name, tensor.name) != tensor.name:
                continue  # a float16 copy: written together with its source below
            raw = _take_bytes(tensor, traced_dir)
            if tensor.name in halves:
                raw, tensor.data_type = _to_half(raw), onnx.TensorProto.FLOAT16
            _store(tensor, raw, data)
            for copy in copies.get(tensor.name, []):
                copy.data_type = onnx.TensorProto.FLOAT16
                _store(copy, _to_half(raw), data)
    finally:
        if data is not None:
            data.close()


def _to_half(raw: bytes) -> bytes:
    return np.frombuffer(raw, dtype=np.float32).astype(np.float16).tobytes()


def _store(tensor: onnx.TensorProto, raw: bytes, data) -> None:
    if data is None or len(raw) < 1024:
        tensor.raw_data = raw
        return
    offset = -(-data.tell() // 4096) * 4096
    data.write(b"\0" * (offset - data.tell()))
    data.write(raw)
    tensor.data_location = onnx.TensorProto.EXTERNAL
    for key, value in (("location", pathlib.Path(data.name).name), ("offset", str(offset)), ("length", str(len(raw)))):
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
