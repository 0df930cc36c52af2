"""Command line of the exporter: ``python -m foleystream_export --help``."""

import argparse
import sys

from . import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="foleystream_export",
        description="Export MMAudio checkpoints to a foleystream ONNX model set.",
    )
    parser.add_argument("--version", action="version", version=f"foleystream_export {__version__}")
    parser.add_subparsers(dest="command", metavar="COMMAND")
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
