"""Files and folders into the catalogue, reporting every file that could not be read."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from pydantic import BaseModel, Field

from corpus.catalogue import Catalogue
from corpus.errors import LoadError
from corpus.sources.folder import load_paths


class IngestReport(BaseModel):
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = Field(default_factory=list)
    ids: list[str] = Field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)


def ingest_paths(catalogue: Catalogue, paths: Iterable[Path], max_bytes: int,
                 progress: Callable[[str], None] | None = None,
                 source_id: str | None = None, within: Path | None = None) -> IngestReport:
    """`within`: files must really lie inside it (see `iter_files`)."""
    report = IngestReport()
    for item in load_paths(paths, max_bytes, within):
        if isinstance(item, LoadError):
            report.errors.append(str(item))
        else:
            change = catalogue.upsert(item, source_id=source_id)
            setattr(report, change, getattr(report, change) + 1)
            report.ids.append(item.id)
        if progress is not None:
            progress(item.origin)
    return report
