"""Atomic file replacement: the target holds either its old bytes or its new bytes, never a mix."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Write data to a temporary file beside path, fsync it, and os.replace it over path.

    The temporary file lives in the target's folder so that os.replace is a rename on one
    file system. The target's permission bits are kept. On any error the temporary file is
    removed and the target is untouched; the error propagates.
    """
    target = Path(os.path.realpath(path))  # through a symlink, edit the file it names
    mode = target.stat().st_mode & 0o7777 if target.exists() else None
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temp_name, mode)
        os.replace(temp_name, target)
    except BaseException:
        try:
            os.unlink(temp_name)
        except OSError:
            pass
        raise
    _fsync_folder(target.parent)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable; some platforms cannot open a folder, which is fine."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
