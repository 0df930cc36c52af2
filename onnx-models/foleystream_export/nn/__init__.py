"""PyTorch definitions of the inference modules, written from model-facts.md."""
