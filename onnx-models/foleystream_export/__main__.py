"""Command line of the exporter: ``python -m foleystream_export --help``.

    export --variant V (--weights DIR | --random-init SEED) --out SETDIR [--precision fp32|fp16]
    check SETDIR
"""

import argparse
import pathlib
import sys

from . import __version__


def _checkpoint_override(text: str):
    component, sep, path = text.partition("=")
    if not sep or not path:
        raise argparse.ArgumentTypeError(f"expected COMPONENT=PATH, got '{text}'")
    return component, pathlib.Path(path)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="foleystream_export",
        description="Export MMAudio checkpoints to a foleystream ONNX model set.",
    )
    parser.add_argument("--version", action="version", version=f"foleystream_export {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    export = commands.add_parser("export", help="write a model set (ONNX graphs, features, vocabulary, manifest)")
    which = export.add_mutually_exclusive_group(required=True)
    which.add_argument("--variant", help="small_16k, small_44k, medium_44k, large_44k, large_44k_v2 or tiny")
    which.add_argument("--config", type=pathlib.Path, help="a configuration JSON file (custom sizes)")
    source = export.add_mutually_exclusive_group(required=True)
    source.add_argument("--weights", type=pathlib.Path,
                        help="directory holding the checkpoint files (searched also in weights/ and ext_weights/)")
    source.add_argument("--random-init", type=int, metavar="SEED", help="random weights in the official layout")
    export.add_argument("--checkpoint", type=_checkpoint_override, action="append", default=[],
                        metavar="COMPONENT=PATH",
                        help="use this file for one component (network, vae, vocoder, synchformer, clip)")
    export.add_argument("--out", type=pathlib.Path, required=True, help="new (or empty) model-set directory")
    export.add_argument("--precision", choices=("fp32", "fp16"), default="fp32")
    export.add_argument("--bpe", type=pathlib.Path, help="CLIP BPE merges file (default: open_clip's, if installed)")

    check = commands.add_parser("check", help="verify a model set against its manifest and the ONNX checker")
    check.add_argument("set_dir", type=pathlib.Path)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    from . import checkpoints, config, exporter, manifest, onnx_export
    errors = (config.ConfigError, checkpoints.CheckpointError, exporter.ExportError,
              manifest.ManifestError, onnx_export.GraphCheckError)
    try:
        if args.command == "export":
            return _export(args, config, checkpoints, exporter)
        exporter.check_model_set(args.set_dir)
        print(f"{args.set_dir}: OK")
        return 0
    except errors as error:
        print(f"foleystream_export: error: {error}", file=sys.stderr)
        return 2


def _export(args, config, checkpoints, exporter) -> int:
    cfg = config.builtin(args.variant) if args.variant else config.load(args.config)
    overrides = dict(args.checkpoint)
    unknown = sorted(set(overrides) - set(checkpoints.FORMATS))
    if unknown:
        raise config.ConfigError(f"unknown component(s) {unknown} in --checkpoint; known: {sorted(checkpoints.FORMATS)}")
    if args.random_init is not None:
        if overrides:
            raise config.ConfigError("--checkpoint needs --weights, not --random-init")
        weights = exporter.RandomWeights(args.random_init)
    else:
        weights = exporter.CheckpointWeights(cfg, args.weights, overrides)
    result = exporter.export_model_set(cfg, args.out, weights, args.precision, args.bpe,
                                       log=lambda message: print(message, file=sys.stderr))
    total = sum(entry["bytes"] for entry in result["files"].values())
    print(f"wrote {args.out}: {len(result['files'])} files, {total / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
