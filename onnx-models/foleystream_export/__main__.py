"""Command line of the exporter: ``python -m foleystream_export --help``.

    fetch --variant V --dir DIR [--mirror URL]
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

    fetch = commands.add_parser(
        "fetch", help="download every checkpoint a variant needs, verified and resumable",
        description="Download every file `export --variant V --weights DIR` needs from the official "
                    "locations, verify checksums, resume partial downloads, and name each file's "
                    "origin and licence (the MMAudio weights are CC-BY-NC 4.0: non-commercial).")
    fetch.add_argument("--variant", required=True, help="small_16k, small_44k, medium_44k, large_44k or large_44k_v2")
    fetch.add_argument("--dir", type=pathlib.Path, required=True, help="where the files go (created if missing)")
    fetch.add_argument("--mirror", metavar="URL",
                       help="fetch every file from URL/<file name> instead (an internal mirror)")

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
    if args.command == "fetch":
        return _fetch(args)
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
        if args.bpe is None and args.weights is not None and (args.weights / exporter.OPEN_CLIP_BPE).is_file():
            args.bpe = args.weights / exporter.OPEN_CLIP_BPE
        missing = weights.missing(checkpoints.formats(cfg).values())
        if cfg.bpe_path is None and args.bpe is None:
            try:
                exporter.find_vocabulary(cfg, None)
            except exporter.ExportError as error:
                missing.append(str(error))
        if missing:
            hint = f" (python -m foleystream_export fetch --variant {cfg.variant} --dir {args.weights} downloads them)" \
                if cfg.variant in config.RELEASED_VARIANTS else ""
            raise config.ConfigError("missing before export starts: " + "; ".join(missing) + hint)
    result = exporter.export_model_set(cfg, args.out, weights, args.precision, args.bpe,
                                       log=lambda message: print(message, file=sys.stderr))
    total = sum(entry["bytes"] for entry in result["files"].values())
    print(f"wrote {args.out}: {len(result['files'])} files, {total / 1e6:.1f} MB")
    return 0


def _fetch(args) -> int:
    from . import config, fetch
    log = lambda message: print(message, file=sys.stderr, flush=True)  # noqa: E731
    try:
        items = fetch.downloads(args.variant)
        if args.mirror:
            items = fetch.mirrored(items, args.mirror)
        fetch.fetch_all(items, args.dir, log)
    except (config.ConfigError, fetch.FetchError) as error:
        print(f"foleystream_export fetch: error: {error}", file=sys.stderr)
        return 2 if isinstance(error, config.ConfigError) else 1
    log(f"fetched {len(items)} files into {args.dir}. Licences:")
    for licence, files in fetch.licences(items).items():
        log(f"  {licence}: {', '.join(files)}")
    log(f"next: python -m foleystream_export export --variant {args.variant} --weights {args.dir} "
        f"--out SETDIR")
    return 0


if __name__ == "__main__":
    sys.exit(main())
