"""Writing an output file safely: the target is checked, then written atomically.

Every command that writes a file the user named (report, export, backup, import, add-ids)
goes through here, so that none of them can destroy progress:

* `check_target` refuses a target that is — or resolves to, through a symlink or a hard
  link (same device and inode) — a protected file: the open progress database, its
  ``-wal``/``-shm`` journal, a deck file or a source file. The caller passes the
  protected paths in (this module knows no database); the message says which it is.
* `atomic_path` / `write_atomic` write a temporary file in the target's folder and rename
  it over the target only when it is complete: a failure (full disk, a kill) leaves the
  previous file as it was and no temporary file behind. The new file's mode follows the
  umask (an existing file keeps its mode), not `mkstemp`'s 0600.

Failures are `OutputError`s with one line for the user.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

#: What a protected path is, for the refusal message: path → "the progress database", …
Protected = Mapping[Path, str]


class OutputError(Exception):
    """An output file that cannot or must not be written; the message says why."""


def protect_database(db_path: Path) -> dict[Path, str]:
    """A progress database and its journal files, as protected paths."""
    return {
        db_path: "the progress database",
        db_path.with_name(db_path.name + "-wal"): "the progress database's WAL journal",
        db_path.with_name(db_path.name + "-shm"): "the progress database's shared-memory file",
        db_path.with_name(db_path.name + "-journal"): "the progress database's journal",
    }


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except (OSError, ValueError):
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISREG(st.st_mode) else None


def check_target(target: Path, protected: Protected) -> None:
    """Raise OutputError if writing `target` would replace a protected file."""
    if not protected:
        return
    where = _resolved(target)
    ident = _identity(target)
    for path, what in protected.items():
        if _resolved(path) == where or (ident is not None and _identity(path) == ident):
            raise OutputError(
                f"refusing to write {target}: it is {what} ({path}); nothing was written — "
                "choose another file name"
            )


def current_umask() -> int:
    """The process umask, read without changing it where the system allows."""
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return 0o666 & ~current_umask()


def _folder(target: Path) -> Path:
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise OutputError(f"cannot write {target}: folder {folder} {what}")
    return folder


def explain(target: Path, e: OSError) -> OutputError:
    """An OSError met while writing `target`, as one line for the user."""
    reason = e.strerror or str(e)
    if e.errno in (28, 27):  # ENOSPC, EFBIG
        reason += " (the disk is full or the file is too large); nothing was written"
    return OutputError(f"cannot write {target}: {reason}")


@contextlib.contextmanager
def atomic_path(target: Path, *, protected: Protected | None = None) -> Iterator[Path]:
    """A temporary path beside `target`; renamed over it when the block ends normally.

    The block writes the temporary file (it exists, empty, when the block starts). On
    any error it is removed, together with the journals an SQLite writer leaves.
    """
    target = Path(target)
    protected = protected or {}
    check_target(target, protected)
    folder = _folder(target)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        os.close(fd)
    except OSError as e:
        raise explain(target, e) from None
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, _mode_for(target))
        check_target(target, protected)  # a link made meanwhile
        os.replace(tmp, target)
    except OSError as e:
        raise explain(target, e) from None
    finally:
        for leftover in (tmp, *(Path(f"{tmp}{s}") for s in ("-journal", "-wal", "-shm"))):
            with contextlib.suppress(OSError):
                leftover.unlink()


def write_atomic(
    target: Path, chunks: Iterable[str | bytes], *, protected: Protected | None = None
) -> None:
    """Write `chunks` (text as UTF-8, or bytes) to `target` through `atomic_path`."""
    with atomic_path(target, protected=protected) as tmp, open(tmp, "wb") as f:
        for chunk in chunks:
            f.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
        f.flush()
        os.fsync(f.fileno())
