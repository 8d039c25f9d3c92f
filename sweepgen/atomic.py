"""Atomic file replacement: the target holds either its old bytes or its new bytes, never a mix,
and keeps what it was: owner, group, mode and extended attributes.

A write is two steps, so that several files can be written all or nothing: `stage` puts the new
bytes in a hidden temporary file beside the target (`.<name>.<random>.tmp`), fsyncs it and gives
it the target's metadata; `commit` checks, right before the rename, that the target still holds
the bytes the edit was planned on (someone may have saved it meanwhile), then `os.replace`s it.
Everything that can fail for lack of space, permissions or metadata fails in `stage`.

While a temporary file exists its writer holds an exclusive lock (flock) on it; the lock dies with
the process. So a temporary file nobody holds was left by a killed process, and `stage` removes
such leftovers of the same target before making its own.

Hard links: the rename gives the edited name a new file; the target's other names keep the old
bytes (as `sed -i` and editors that save by renaming do). A read-only target (no write permission
for this user; for root, no write bit at all) is replaced all the same, since a rename needs only
the folder's permission, and stays read-only. `stage` notes both, for the caller to say.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from dataclasses import field
from pathlib import Path
from .records import record

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX: no locks, no stale-file cleaning
    fcntl = None  # type: ignore[assignment]


class WriteRefused(Exception):
    """A write sweepgen will not make; the message completes "<the file> ..." for the user."""


class Changed(WriteRefused):
    """The target no longer holds the bytes the edit was planned on."""


@record(frozen=False)
class Staged:
    """New bytes waiting beside their target, locked, with the target's metadata."""

    target: Path  # the real file (through symlinks)
    temp: str
    lock: int  # a descriptor holding the temporary file's lock, or -1
    expect: bytes | None  # what the target must still hold at the rename (None: anything)
    notes: list[str] = field(default_factory=list)


def write_atomic(path: Path | str, data: bytes, expect: bytes | None = None) -> list[str]:
    """Stage and commit one file; returns the notes (hard links, stale files removed).

    On any error the temporary file is removed and the target is untouched; OSError and
    WriteRefused propagate.
    """
    staged = stage(path, data, expect)
    commit(staged)
    return staged.notes


def stage(path: Path | str, data: bytes, expect: bytes | None = None) -> Staged:
    """Write data to a locked temporary file beside path's real file, fsynced, with its owner,
    group, mode and extended attributes; nothing is renamed yet."""
    target = Path(os.path.realpath(path))  # through a symlink, edit the file it names
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None
    notes = [f"removed {name}, a temporary file left by an interrupted write" for name in clean_stale(target)]
    if info is not None and _read_only(target, info):
        notes.append(f"is read-only (mode {stat.S_IMODE(info.st_mode):04o}); it was replaced as a whole "
                     f"(its folder is writable) and stays read-only")
    fd, temp, lock = _new_temp(target)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if info is not None:
            _copy_metadata(target, info, temp)
            if info.st_nlink > 1:
                others = info.st_nlink - 1
                notes.append(f"had {info.st_nlink} hard links: this name now has the new content, the other "
                             f"{others} keep{'s' if others == 1 else ''} the old")
    except BaseException:
        _remove(temp, lock)
        raise
    return Staged(target, temp, lock, expect, notes)


def commit(staged: Staged) -> None:
    """Rename the staged file over its target, unless the target changed since it was read."""
    try:
        if staged.expect is not None:
            try:
                now = staged.target.read_bytes()
            except OSError:
                now = None
            if now != staged.expect:
                raise Changed("changed on disk after it was read")
        os.replace(staged.temp, staged.target)
    except BaseException:
        discard(staged)
        raise
    _close(staged.lock)
    staged.lock = -1
    _fsync_folder(staged.target.parent)


def discard(staged: Staged) -> None:
    """Remove a staged file that will not be committed."""
    _remove(staged.temp, staged.lock)
    staged.lock = -1


def clean_stale(target: Path) -> list[str]:
    """Remove `.<name>.*.tmp` files beside target that no live writer holds; their names."""
    if fcntl is None:
        return []
    removed = []
    prefix = f".{target.name}."
    try:
        names = os.listdir(target.parent)
    except OSError:
        return []
    for name in names:
        if not (name.startswith(prefix) and name.endswith(".tmp") and len(name) > len(prefix) + 4):
            continue
        candidate = os.path.join(target.parent, name)
        try:
            before = os.lstat(candidate)
            if not stat.S_ISREG(before.st_mode):
                continue
            fd = os.open(candidate, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)  # a writer is at work on it
            continue
        try:
            if os.fstat(fd).st_ino == os.lstat(candidate).st_ino == before.st_ino:
                os.unlink(candidate)
                removed.append(name)
        except OSError:
            pass
        finally:
            os.close(fd)
    return sorted(removed)


def _read_only(target: Path, info: os.stat_result) -> bool:
    """A file nobody may write (for root: no write bit at all), or one this user may not write."""
    if os.geteuid() == 0:
        return stat.S_IMODE(info.st_mode) & 0o222 == 0
    return not os.access(target, os.W_OK)


def _new_temp(target: Path) -> tuple[int, str, int]:
    """A new temporary file beside target: (descriptor, name, lock descriptor).

    A second descriptor holds the lock for as long as the file exists, since the first is
    closed once the data is written. A cleaner may remove the file between its creation and
    the lock; then it is made again.
    """
    for _ in range(5):
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        if fcntl is None:
            return fd, temp, -1
        lock = os.dup(fd)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.stat(temp).st_ino == os.fstat(lock).st_ino:
                return fd, temp, lock
        except OSError:
            pass
        os.close(fd)
        _remove(temp, lock)
    raise OSError(errno.EAGAIN, f"could not create a temporary file beside {target}")


def _copy_metadata(target: Path, info: os.stat_result, temp: str) -> None:
    """Give temp the target's owner, group, mode and extended attributes, or refuse the write."""
    mine = os.stat(temp)
    if (mine.st_uid, mine.st_gid) != (info.st_uid, info.st_gid):
        try:
            os.chown(temp, info.st_uid, info.st_gid)  # before chmod: chown clears set-id bits
        except PermissionError:
            raise WriteRefused(f"belongs to uid {info.st_uid}, gid {info.st_gid}, which a rewritten copy "
                               f"cannot keep: edit it as its owner") from None
    os.chmod(temp, stat.S_IMODE(info.st_mode))
    if not hasattr(os, "listxattr"):
        return
    try:
        names = os.listxattr(target)
    except OSError as exc:
        if exc.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
            return
        raise
    for name in names:
        value = os.getxattr(target, name)
        try:
            if _getxattr(temp, name) != value:
                os.setxattr(temp, name, value)
        except OSError as exc:
            raise WriteRefused(f"has the extended attribute {name}, which a rewritten copy cannot keep "
                               f"({exc.strerror or exc})") from None
    for name in os.listxattr(temp):
        if name not in names and not name.startswith("security."):
            try:
                os.removexattr(temp, name)  # e.g. an ACL inherited from the folder's default
            except OSError:
                pass


def _getxattr(path: str, name: str) -> bytes | None:
    try:
        return os.getxattr(path, name)
    except OSError:
        return None


def _remove(temp: str, lock: int) -> None:
    try:
        os.unlink(temp)
    except OSError:
        pass
    _close(lock)


def _close(fd: int) -> None:
    if fd >= 0:
        try:
            os.close(fd)
        except OSError:
            pass


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
