"""Turns MMAudio checkpoints into foleystream ONNX model sets.

foleystream runs no PyTorch at serving time; this package is the only place where the official
weights meet torch, and its output (a model set directory with ``manifest.json``) is the contract
with the Java application.
"""

__version__ = "0.1.0"

#: ONNX opset every exported graph targets.
OPSET = 17
