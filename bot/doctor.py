"""`newsdesk doctor`: what is wrong with the data home, one line per part, and the repairs
that cannot lose anything.

Safe repairs only: a damaged catalogue is rebuilt beside the kept damaged file
(rows that still read, then articles restored from the newest intact index
version); a missing or damaged CURRENT is pointed at the newest intact
version; leftovers of killed builds are removed; a damaged vector cache is moved
aside (it is a cache: the next index run computes what it needs). A healthy file
is never touched, and the index work happens under the build lock, so a build
running in another process is never disturbed.

The vector cache and the ONNX export are shown, not judged by size: where they
are, how big, what model and precision they hold, and what would be pruned or
re-exported.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from bot.settings import BotSettings
from corpus import repair
from corpus.errors import NewsdeskError
from corpus.registry import Registry
from index.builder import BuildBusy, build_lock
from index.onnx_encoder import _FILES, PRECISIONS, _stamp, export_folder, graph_bytes
from index.provision import MODEL_DIRNAME, ProvisionError, model_folder
from index.store import IndexCorrupt, IndexStore, Manifest
from index.vector_cache import KEEP_DAYS, CacheError, VectorCache, set_aside

Status = Literal["ok", "repaired", "problem"]
EXPORT_HOURS = 1.0  # an ONNX export's temp folder untouched this long belongs to a dead one


class Finding(BaseModel):
    part: str
    status: Status
    detail: str

    def line(self) -> str:
        return f"{self.part:10} {self.status:9} {self.detail}"


class _Versions:
    """Each version on disk checked once (checksums, not loaded): which are intact, and why
    the others are not."""

    def __init__(self, store: IndexStore) -> None:
        self.store = store
        self.names = store.versions()
        self.intact: dict[str, Manifest] = {}
        self.damaged: dict[str, str] = {}
        for name in self.names:
            try:
                self.intact[name] = store.verify(name)
            except IndexCorrupt as exc:
                self.damaged[name] = str(exc).split(";")[0]

    @property
    def newest(self) -> str | None:
        return max(self.intact) if self.intact else None


Rebuild = Callable[[], str]  # builds the index from the catalogue; says what it published


def examine(settings: BotSettings, *, fix: bool,
            model_check: Callable[[], str] | None = None,
            rebuild: Rebuild | None = None) -> list[Finding]:
    """Every part, in the order a repair needs them: the index first, since it restores
    the catalogue; then, the catalogue sound, a served version found damaged is rebuilt
    (`rebuild`: the CLI passes a real build, which takes what it can from the vector
    cache) before the pointer is judged."""
    store = IndexStore(settings.index_dir)
    versions = _Versions(store)
    found = [_catalogue(settings.catalogue_path, versions, store, fix),
             _registry(settings.catalogue_path)]
    index = _index(versions, store, fix, rebuild)
    if index.status == "repaired":
        versions = _Versions(store)
    return [
        *found,
        index,
        _pointer(store, versions, fix),
        _leftovers(store, fix),
        _model(settings, versions, model_check),
        _vectors(settings.vector_cache_path, fix),
        _onnx(settings, fix),
    ]


def _under_lock(store: IndexStore, work: Callable[[], Finding], part: str) -> Finding:
    try:
        with build_lock(store.root):
            return work()
    except BuildBusy:
        return Finding(part=part, status="problem",
                       detail="an index build is running; run `newsdesk doctor` when it ends")


def _catalogue(path: Path, versions: _Versions, store: IndexStore, fix: bool) -> Finding:
    if not path.exists():
        return Finding(part="catalogue", status="ok", detail="none yet (nothing ingested)")
    problem = repair.quick_check(path)
    if problem is None:
        return Finding(part="catalogue", status="ok", detail=f"{path} passes quick_check")
    if not fix:
        return Finding(part="catalogue", status="problem", detail=f"damaged ({problem})")
    newest = versions.newest

    def rebuild() -> Finding:
        restore = versions.store.stored_articles(newest) if newest is not None else []
        done = repair.rebuild(path, restore)
        source = f" from index {newest}" if newest is not None else ""
        return Finding(part="catalogue", status="repaired", detail=(
            f"was damaged ({problem}); rebuilt with {done.salvaged_articles} articles and "
            f"{done.salvaged_sources} sources that still read, {done.restored} articles "
            f"restored{source}; the damaged file is kept as {done.kept_as.name}"))

    return _under_lock(store, rebuild, "catalogue")


def _registry(path: Path) -> Finding:
    try:
        sources = Registry(path).all()
    except NewsdeskError as exc:
        return Finding(part="registry", status="problem", detail=str(exc))
    missing = [s.id for s in sources if s.kind == "folder" and not Path(s.location).is_dir()]
    if missing:
        return Finding(part="registry", status="problem", detail=(
            f"{len(sources)} sources; folders missing for {', '.join(missing)} "
            "(restore them, or `newsdesk sources remove ID`)"))
    return Finding(part="registry", status="ok", detail=f"{len(sources)} sources")


def _index(versions: _Versions, store: IndexStore, fix: bool,
           rebuild: Rebuild | None) -> Finding:
    if not versions.names:
        return Finding(part="index", status="ok", detail="no version yet (`newsdesk index`)")
    parts = [f"{n} ok" if n in versions.intact else f"{n} damaged ({versions.damaged[n]})"
             for n in versions.names]
    served = store.current_name() or versions.names[-1]
    if served in versions.damaged and fix and rebuild is not None:
        try:
            done = rebuild()
        except NewsdeskError as exc:
            return Finding(part="index", status="problem", detail=", ".join(parts) +
                           f"; rebuilding it failed: {exc}")
        return Finding(part="index", status="repaired", detail=", ".join(parts) +
                       f"; rebuilt: {done}")
    if not versions.intact:
        return Finding(part="index", status="problem", detail=", ".join(parts) +
                       "; run `newsdesk doctor` (or `newsdesk index --full`) to rebuild it")
    if served in versions.damaged:
        return Finding(part="index", status="problem", detail=", ".join(parts) +
                       "; `newsdesk doctor` (or `newsdesk index`) rebuilds it")
    return Finding(part="index", status="ok", detail=", ".join(parts))


def _pointer(store: IndexStore, versions: _Versions, fix: bool) -> Finding:
    current = store.current_name()
    if current is not None and current in versions.intact:
        return Finding(part="pointer", status="ok", detail=f"CURRENT names {current}")
    if not versions.names and current is None:
        return Finding(part="pointer", status="ok", detail="no CURRENT yet")
    wrong = f"CURRENT names {current}, which is not intact" if current else \
        "CURRENT is missing or damaged"
    newest = versions.newest
    if newest is None or not fix:
        hint = "" if newest is None else f" (it should name {newest})"
        return Finding(part="pointer", status="problem", detail=wrong + hint)

    def point() -> Finding:
        store.point_to(newest)
        return Finding(part="pointer", status="repaired", detail=f"{wrong}; it now names "
                       f"{newest}")

    return _under_lock(store, point, "pointer")


def _leftovers(store: IndexStore, fix: bool) -> Finding:
    found = store.leftovers()
    if not found:
        return Finding(part="leftovers", status="ok", detail="none")
    names = ", ".join(p.name for p in found[:5]) + (" …" if len(found) > 5 else "")
    if not fix:
        return Finding(part="leftovers", status="problem", detail=f"{len(found)}: {names}")
    return _under_lock(store, lambda: Finding(
        part="leftovers", status="repaired",
        detail=f"removed {store.remove_leftovers()} left by killed builds: {names}"),
        "leftovers")


def _model(settings: BotSettings, versions: _Versions,
           check: Callable[[], str] | None) -> Finding:
    """`check` loads the model and returns its id (the CLI passes the real loader)."""
    if check is None:
        return Finding(part="model", status="ok", detail="not checked")
    try:
        model_id = check()
    except NewsdeskError as exc:
        return Finding(part="model", status="problem", detail=str(exc))
    newest = versions.newest
    if newest is not None and versions.intact[newest].model != model_id:
        return Finding(part="model", status="problem", detail=(
            f"{model_id} loads, but the index was built with {versions.intact[newest].model}; "
            "run `newsdesk index --full`"))
    return Finding(part="model", status="ok", detail=f"{model_id} loads")


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def _vectors(path: Path, fix: bool) -> Finding:
    """Where the embedding cache is, its size, rows per model and precision, and what a
    prune would drop. A damaged cache is moved aside, never deleted."""
    if not path.exists():
        return Finding(part="vectors", status="ok", detail=f"none yet ({path})")
    problem = repair.quick_check(path)
    cache = None
    if problem is None:
        try:
            cache = VectorCache(path)
            holdings, size = cache.holdings(), cache.size()
        except (CacheError, sqlite3.DatabaseError) as exc:
            problem = str(exc)
        finally:
            if cache is not None:
                cache.close()
    if problem is not None:
        if not fix:
            return Finding(part="vectors", status="problem", detail=(
                f"{path} is damaged ({problem}); `newsdesk doctor` moves it aside"))
        kept = set_aside(path)
        return Finding(part="vectors", status="repaired", detail=(
            f"{path} was damaged ({problem}); moved to {kept.name}, the next "
            "`newsdesk index` computes the vectors it needs"))
    held = ", ".join(f"{h.model} {h.recipe}: {h.rows}" for h in holdings) or "empty"
    stale = sum(h.stale for h in holdings)
    advice = (f"; {stale} unused for {KEEP_DAYS}+ days: `newsdesk index --prune-cache` drops "
              "them") if stale else ""
    return Finding(part="vectors", status="ok", detail=(
        f"{path}: {_megabytes(size)}, {sum(h.rows for h in holdings)} vectors ({held})"
        f"{advice}"))


def _model_folder(settings: BotSettings) -> Path:
    """The folder the encoder runs from, found without loading or provisioning it."""
    named = Path(settings.model) if settings.model else None
    if named is not None and (named / "config.json").is_file():
        return named
    try:
        return model_folder(settings.models_dir)
    except ProvisionError:  # no wheels to name it by: no folder either
        return settings.models_dir / MODEL_DIRNAME


def _dead_exports(target: Path) -> list[Path]:
    """Temporary folders of exports killed mid-way (hundreds of MB each). An export takes
    about a minute and holds no lock: only folders untouched for EXPORT_HOURS are known
    to be dead rather than another process's export in progress."""
    if not target.is_dir():
        return []
    old = time.time() - EXPORT_HOURS * 3600
    return sorted(p for p in target.glob(".export-*") if p.is_dir() and
                  max((f.stat().st_mtime for f in p.iterdir()), default=p.stat().st_mtime) < old)


def _onnx(settings: BotSettings, fix: bool) -> Finding:
    """The export beside the model folder (see `_export_state`); what killed exports left
    is removed."""
    folder = _model_folder(settings)
    state = _export_state(folder, settings.encoder.strip().lower())
    dead = _dead_exports(export_folder(folder))
    if not dead:
        return Finding(part="onnx", status="ok", detail=state)
    size = sum(f.stat().st_size for p in dead for f in p.rglob("*") if f.is_file())
    left = f"{len(dead)} folders left by killed exports ({', '.join(p.name for p in dead)}, " \
        f"{_megabytes(size)})"
    if not fix:
        return Finding(part="onnx", status="problem", detail=(
            f"{left}: `newsdesk doctor` removes them; {state}"))
    for path in dead:
        shutil.rmtree(path, ignore_errors=True)
    return Finding(part="onnx", status="repaired", detail=f"removed {left}; {state}")


def _export_state(folder: Path, encoder: str) -> str:
    """Which precisions are exported, their size, and whether each was made from the
    model folder as it is now (an export the folder has moved past is redone at the
    next start, once)."""
    uses = f"encoder {encoder}" + ("" if encoder.startswith("onnx") else ", which does not "
                                   "run the export")
    if not (folder / "config.json").is_file():
        return f"no model folder at {folder} yet: exported at the first start; {uses}"
    target = export_folder(folder)
    try:
        stamp = _stamp(folder)
    except OSError:  # neither a provisioning stamp nor weights: nothing to compare with
        stamp = None
    parts = []
    for precision in PRECISIONS:
        graph = target / _FILES[precision]
        marker = target / f"{_FILES[precision]}.stamp"
        if not graph.is_file():
            parts.append(f"{precision} not exported")
            continue
        made = marker.read_text().strip() if marker.is_file() else ""
        state = "matches the model folder" if made == stamp else \
            "older than the model folder: redone at the next start"
        parts.append(f"{precision} {_megabytes(graph_bytes(graph))} {state}")
    return f"{target}: {', '.join(parts)}; {uses}"
