"""Edits keep the file whole: its owner, group, mode and extended attributes, what happens to
hard links and read-only files, saves made while an edit runs, temporary files left by a killed
edit, and several files written all or nothing. Every case runs the CLI as a user would.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

CASES = Path(__file__).parent / "edit_cases"
ROOT = Path(__file__).resolve().parent.parent
KEY = "dsr1-fp8-h200-trt"
OLD_IMAGE = "nvcr.io#nvidia/tensorrt-llm/release:1.1.0rc2"
BUMP = ("bump-image", "--config-files", "nvidia-master.yaml", "--key", KEY, "--to", "x/y:9")
NOBODY = 65534

needs_root = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root (chown)")


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("nvidia-master.yaml", "runners.yaml"):
        shutil.copy(CASES / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def original() -> str:
    return (CASES / "nvidia-master.yaml").read_text(encoding="utf-8")


def bumped() -> str:
    return original().replace(f"image: '{OLD_IMAGE}'", "image: 'x/y:9'")


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@needs_root
def test_root_editing_another_users_file_keeps_its_owner_group_and_mode(run: Any, here: Path) -> None:
    target = here / "nvidia-master.yaml"
    os.chown(target, NOBODY, NOBODY)
    target.chmod(0o640)
    result = run(*BUMP)
    assert (result.exit_code, result.stderr) == (0, "")
    info = target.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (NOBODY, NOBODY, 0o640)
    assert target.read_text(encoding="utf-8") == bumped()
    assert listing(here) == ["nvidia-master.yaml", "runners.yaml"]


@needs_root
def test_set_id_bits_survive_the_owner_change(run: Any, here: Path) -> None:
    target = here / "nvidia-master.yaml"
    os.chown(target, NOBODY, NOBODY)
    target.chmod(0o2664)  # chown clears set-id bits: the mode must be set after it
    assert run(*BUMP).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o2664


def _xattrs_supported(path: Path) -> bool:
    try:
        os.setxattr(path, "user.sweepgen-probe", b"1")
        os.removexattr(path, "user.sweepgen-probe")
        return True
    except (OSError, AttributeError):
        return False


def test_extended_attributes_are_kept(run: Any, here: Path) -> None:
    target = here / "nvidia-master.yaml"
    if not _xattrs_supported(target):
        pytest.skip("the file system of the test folder has no user extended attributes")
    os.setxattr(target, "user.origin", b"https://example.com/configs")
    os.setxattr(target, "user.empty", b"")
    assert run(*BUMP).exit_code == 0
    assert target.read_text(encoding="utf-8") == bumped()
    assert {n: os.getxattr(target, n) for n in os.listxattr(target) if n.startswith("user.")} == {
        "user.origin": b"https://example.com/configs", "user.empty": b""}


def test_an_attribute_that_cannot_be_kept_stops_the_write(run: Any, here: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    target = here / "nvidia-master.yaml"
    if not _xattrs_supported(target):
        pytest.skip("the file system of the test folder has no user extended attributes")
    os.setxattr(target, "user.origin", b"x")

    def refuse(*_: Any) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr("sweepgen.atomic.os.setxattr", refuse)
    result = run(*BUMP)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == ("sweepgen: error: nvidia-master.yaml has the extended attribute user.origin, which a "
                             "rewritten copy cannot keep (Operation not permitted); it is unchanged\n")
    assert target.read_text(encoding="utf-8") == original()
    assert listing(here) == ["nvidia-master.yaml", "runners.yaml"]


def test_an_owner_that_cannot_be_kept_stops_the_write(run: Any, here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A user who may write another user's file (through its group) cannot give a new copy that
    owner: nothing is written rather than a file that changed hands."""
    target = here / "nvidia-master.yaml"
    real_stat = os.stat
    uid, gid = os.geteuid(), target.stat().st_gid
    real = str(target.resolve())

    def foreign(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        info = real_stat(path, *args, **kwargs)
        if isinstance(path, (str, os.PathLike)) and os.fspath(path) == real:
            fields = list(info)
            fields[stat.ST_UID] = uid + 1
            return os.stat_result(fields)
        return info

    def refuse(*_: Any) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr("sweepgen.atomic.os.stat", foreign)
    monkeypatch.setattr("sweepgen.atomic.os.chown", refuse)
    result = run(*BUMP)
    assert result.exit_code == 1
    assert result.stderr == (f"sweepgen: error: nvidia-master.yaml belongs to uid {uid + 1}, gid {gid}, "
                             f"which a rewritten copy cannot keep: edit it as its owner; it is unchanged\n")
    assert target.read_text(encoding="utf-8") == original()
    assert listing(here) == ["nvidia-master.yaml", "runners.yaml"]


def test_a_hard_link_keeps_the_old_content_and_the_edit_says_so(run: Any, here: Path) -> None:
    """The edit replaces the file by a rename, as `sed -i` and most editors do: the edited name
    gets the new bytes, the file's other names keep the old ones, and stderr says so."""
    target = here / "nvidia-master.yaml"
    other = here / "backup.yaml"
    os.link(target, other)
    result = run(*BUMP)
    assert result.exit_code == 0
    assert result.stderr == ("sweepgen: note: nvidia-master.yaml: had 2 hard links: this name now has the new "
                             "content, the other 1 keeps the old\n")
    assert target.read_text(encoding="utf-8") == bumped()
    assert other.read_text(encoding="utf-8") == original()
    assert target.stat().st_nlink == other.stat().st_nlink == 1


def test_a_read_only_file_is_edited_says_so_and_stays_read_only(run: Any, here: Path) -> None:
    target = here / "nvidia-master.yaml"
    target.chmod(0o444)
    result = run(*BUMP)
    assert result.exit_code == 0
    assert result.stderr == ("sweepgen: note: nvidia-master.yaml: is read-only (mode 0444); it was replaced as a "
                             "whole (its folder is writable) and stays read-only\n")
    assert target.read_text(encoding="utf-8") == bumped()
    assert stat.S_IMODE(target.stat().st_mode) == 0o444


def test_a_symlink_is_followed_and_kept(run: Any, here: Path) -> None:
    real = here / "real.yaml"
    (here / "nvidia-master.yaml").rename(real)
    (here / "nvidia-master.yaml").symlink_to("real.yaml")
    assert run(*BUMP).exit_code == 0
    assert (here / "nvidia-master.yaml").is_symlink()
    assert real.read_text(encoding="utf-8") == bumped()


@pytest.mark.parametrize("command", [BUMP, ("set", "--config-files", "nvidia-master.yaml", f"{KEY}.image", "x/y:9"),
                                     ("migrate", "--to", "v2", "--config-files", "nvidia-master.yaml")])
def test_a_save_made_after_every_earlier_check_is_not_lost(run: Any, here: Path, monkeypatch: pytest.MonkeyPatch,
                                                          command: tuple[str, ...]) -> None:
    """The freshness check runs again inside the write, right before the rename."""
    from sweepgen import atomic

    target = here / "nvidia-master.yaml"
    if command[0] == "migrate":  # migrate adds lines to block mappings only: no flow entry
        target.write_text(original().split("\nkimik2.5")[0], encoding="utf-8")
    saved = target.read_text(encoding="utf-8") + "# saved by someone else\n"
    real_commit = atomic.commit

    def save_then_commit(staged: Any) -> None:
        target.write_text(saved, encoding="utf-8")
        real_commit(staged)

    monkeypatch.setattr(atomic, "commit", save_then_commit)  # write_atomic commits through it too
    result = run(*command)
    doing = "migrated" if command[0] == "migrate" else "edited"
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"sweepgen: error: nvidia-master.yaml changed while it was being {doing}; it was not written")
    assert target.read_text(encoding="utf-8") == saved
    assert listing(here) == ["nvidia-master.yaml", "runners.yaml"]


def test_stale_temporary_files_of_the_target_are_removed_and_live_ones_kept(run: Any, here: Path) -> None:
    stale = here / ".nvidia-master.yaml.k1lled_9.tmp"
    stale.write_bytes(b"half a file")
    live = here / ".nvidia-master.yaml.w0rking.tmp"
    live.write_bytes(b"being written")
    unrelated = here / ".runners.yaml.abcdefgh.tmp"
    unrelated.write_bytes(b"not this target's")
    with open(live, "rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # a writer at work holds its file's lock
        result = run(*BUMP)
    assert result.exit_code == 0
    assert result.stderr == ("sweepgen: note: nvidia-master.yaml: removed .nvidia-master.yaml.k1lled_9.tmp, "
                             "a temporary file left by an interrupted write\n")
    assert listing(here) == [".nvidia-master.yaml.w0rking.tmp", ".runners.yaml.abcdefgh.tmp",
                             "nvidia-master.yaml", "runners.yaml"]


STALLED_EDIT = """
import os, sys, time
sys.path.insert(0, sys.argv[1])
real_fsync = os.fsync

def stall(fd):
    if os.path.basename(os.readlink(f"/proc/self/fd/{fd}")).endswith(".tmp"):
        print("writing", flush=True)
        time.sleep(60)
    real_fsync(fd)

os.fsync = stall
from sweepgen.cli import main
main(["bump-image", "--config-files", "nvidia-master.yaml", "--key", sys.argv[2], "--to", "x/y:1"])
"""


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_the_next_edit_cleans_up_after_a_killed_one(run: Any, here: Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", STALLED_EDIT, str(ROOT), KEY], cwd=here,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "writing\n"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    left = [n for n in listing(here) if n.endswith(".tmp")]
    assert len(left) == 1 and left[0].startswith(".nvidia-master.yaml.")
    assert (here / "nvidia-master.yaml").read_text(encoding="utf-8") == original()
    result = run(*BUMP)
    assert result.exit_code == 0
    assert result.stderr == (f"sweepgen: note: nvidia-master.yaml: removed {left[0]}, a temporary file left by "
                             f"an interrupted write\n")
    assert listing(here) == ["nvidia-master.yaml", "runners.yaml"]
    assert (here / "nvidia-master.yaml").read_text(encoding="utf-8") == bumped()


# ---- several files ---------------------------------------------------------------------------

@pytest.fixture
def two(here: Path) -> Path:
    """A second master config holding an entry with the same image as the first's KEY."""
    (here / "amd-master.yaml").write_text(original().replace("dsr1-fp8-h200-trt:", "dsr1-fp8-mi300x-trt:")
                                          .split("\ngptoss")[0], encoding="utf-8")
    return here


FROM = ("bump-image", "--config-files", "amd-master.yaml", "nvidia-master.yaml", "--from", OLD_IMAGE, "--to", "x/y:9")


def test_several_files_are_all_written(run: Any, two: Path) -> None:
    result = run(*FROM)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (f"amd-master.yaml:22: dsr1-fp8-mi300x-trt: {OLD_IMAGE} -> x/y:9\n"
                             f"nvidia-master.yaml:22: dsr1-fp8-h200-trt: {OLD_IMAGE} -> x/y:9\n")
    assert "x/y:9" in (two / "amd-master.yaml").read_text() and (two / "nvidia-master.yaml").read_text() == bumped()


def test_a_file_that_cannot_be_staged_means_no_file_is_written(run: Any, two: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from sweepgen import atomic

    real_stage = atomic.stage

    def full_disk_on_the_second(path: Any, data: bytes, expect: bytes | None = None) -> Any:
        if Path(path).name == "nvidia-master.yaml":
            raise OSError(28, "No space left on device")
        return real_stage(path, data, expect)

    amd = (two / "amd-master.yaml").read_text()
    monkeypatch.setattr(atomic, "stage", full_disk_on_the_second)
    result = run(*FROM)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == ("sweepgen: error: cannot write nvidia-master.yaml: No space left on device; nothing "
                             "was written (amd-master.yaml unchanged too)\n")
    assert (two / "amd-master.yaml").read_text() == amd
    assert (two / "nvidia-master.yaml").read_text() == original()
    assert listing(two) == ["amd-master.yaml", "nvidia-master.yaml", "runners.yaml"]


def test_a_file_saved_meanwhile_means_no_file_is_written(run: Any, two: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sweepgen import atomic

    real_stage = atomic.stage
    amd = (two / "amd-master.yaml").read_text()

    def someone_saves(path: Any, data: bytes, expect: bytes | None = None) -> Any:
        (two / "nvidia-master.yaml").write_text(original() + "# saved\n")
        return real_stage(path, data, expect)

    monkeypatch.setattr(atomic, "stage", someone_saves)
    result = run(*FROM)
    assert result.exit_code == 1
    assert result.stderr == ("sweepgen: error: nvidia-master.yaml changed while it was being edited; "
                             "nothing was written\n")
    assert (two / "amd-master.yaml").read_text() == amd
    assert listing(two) == ["amd-master.yaml", "nvidia-master.yaml", "runners.yaml"]


def test_a_rename_that_fails_late_names_what_was_written(run: Any, two: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_replace = os.replace

    def fail_second(src: Any, dst: Any) -> None:
        if Path(dst).name == "nvidia-master.yaml":
            raise OSError(5, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr("sweepgen.atomic.os.replace", fail_second)
    result = run(*FROM)
    assert result.exit_code == 1
    assert result.stderr == ("sweepgen: error: cannot write nvidia-master.yaml: Input/output error; it is unchanged "
                             "(amd-master.yaml already written)\n")
    assert "x/y:9" in (two / "amd-master.yaml").read_text()
    assert (two / "nvidia-master.yaml").read_text() == original()
    assert listing(two) == ["amd-master.yaml", "nvidia-master.yaml", "runners.yaml"]
