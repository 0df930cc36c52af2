"""float16 sets: matrix products and convolutions in float16, everything else in float32.

This is what ``torch.autocast`` does for these operations, applied to a traced float32 graph
(a float16 graph cannot be traced with torch 1.13 on a CPU: it has no half-precision kernels).
The weights of every MatMul, Gemm, Conv and ConvTranspose become float16 initialisers; their
activation inputs are cast to float16 and their outputs back to float32. Normalisations, softmax,
the RoPE rotation, the timestep sinusoid (frequencies up to 10000 in v2 networks) and every
element-wise operation stay float32, and so do the graph's inputs and outputs.
"""

from typing import Dict, List

import onnx

HEAVY_OPS = ("MatMul", "Gemm", "Conv", "ConvTranspose")
FLOAT, FLOAT16 = onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16


def plan_mixed_float16(model: onnx.ModelProto) -> Dict[str, str]:
    """Rewrites the graph's nodes for mixed precision and returns which initialisers must hold
    float16 data: ``{float16 initialiser name: float32 source name}``.

    The data itself is converted later, one tensor at a time, by whoever writes the weights. An
    initialiser that only heavy operations use is converted in place (same name); one that other
    operations use as well keeps its float32 form and gets a float16 copy ``<name>_fp16``.
    """
    graph = model.graph
    initializers = {t.name: t for t in graph.initializer}
    light_users = {name for node in graph.node if node.op_type not in HEAVY_OPS for name in node.input}
    halves: Dict[str, str] = {}
    half_names: Dict[str, str] = {}
    nodes: List[onnx.NodeProto] = []
    for node in graph.node:
        if node.op_type not in HEAVY_OPS:
            nodes.append(node)
            continue
        for i, name in enumerate(node.input):
            if not name:
                continue
            if name in initializers:
                tensor = initializers[name]
                if tensor.data_type != FLOAT:
                    continue
                if name not in half_names:
                    half_names[name] = f"{name}_fp16" if name in light_users else name
                    if name in light_users:
                        copy = graph.initializer.add()
                        copy.name, copy.data_type = half_names[name], FLOAT
                        copy.dims.extend(tensor.dims)
                    halves[half_names[name]] = name
            elif name not in half_names:
                half_names[name] = f"{name}_fp16"
                nodes.append(onnx.helper.make_node("Cast", [name], [half_names[name]], name=f"{name}_to_fp16",
                                                   to=FLOAT16))
            node.input[i] = half_names[name]
        output = node.output[0]
        node.output[0] = half_names[output] = f"{output}_fp16"  # later heavy consumers take it as is
        nodes.append(node)
        nodes.append(onnx.helper.make_node("Cast", [node.output[0]], [output], name=f"{output}_to_fp32", to=FLOAT))
    del graph.node[:]
    graph.node.extend(nodes)
    return halves
