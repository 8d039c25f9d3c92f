"""Reading files as they were at a git revision: the plumbing `sweepgen diff` stands on.

Every call runs `git` with the repository's top level as its working directory and
repository-relative POSIX paths, under LC_ALL=C so that git's reasons read the same
everywhere; a revision is passed after `--end-of-options`, so a name starting with `-`
is a revision, never an option. Failures are `GitError`s with one line: git's own
reason, without its `fatal: ` prefix and hints.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .records import record

# git's tree modes: a symbolic link's blob is its target's path, not the file's text.
SYMLINK_MODE = "120000"


class GitError(Exception):
    """git could not do what was asked; the message is one line."""


def _reason(stderr: bytes) -> str:
    """The first line of git's complaint, without `fatal: `/`error: `."""
    for line in stderr.decode("utf-8", "replace").splitlines():
        line = line.strip()
        for prefix in ("fatal: ", "error: "):
            if line.startswith(prefix):
                return line[len(prefix):]
        if line:
            return line
    return "git failed without a message"


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"}
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, env=env, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed (no `git` on PATH)") from None
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None


@record
class TreeItem:
    path: str  # repository-relative, POSIX
    mode: str
    kind: str  # "blob" or "tree" (or "commit" for a submodule)


@record
class Repository:
    root: Path  # the top level of the working tree

    def commit(self, rev: str) -> str:
        """The commit `rev` names (a branch, tag, SHA, `HEAD~1`, `origin/main`, ...)."""
        done = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], self.root)
        if done.returncode == 0:
            return done.stdout.decode().strip()
        probe = _git(["rev-parse", "--end-of-options", rev, "--"], self.root)
        reason = _reason(probe.stderr) if probe.returncode != 0 else f"'{rev}' does not name a commit"
        raise GitError(f"unknown revision '{rev}' (git: {reason}){self._missing_history(rev)}")

    def _missing_history(self, rev: str) -> str:
        """Why a revision may be absent although it exists upstream, and how to fetch it: a
        shallow clone (what actions/checkout makes by default) lacks every commit before its cut
        and, being single-branch, the other branches; any clone may lack the remote-tracking
        branch named. Empty when neither is the case."""
        remote, _, branch = rev.partition("/")
        fetch_branch = ""
        if branch and remote in self._remotes():
            fetch_branch = f"git fetch {remote} +refs/heads/{branch}:refs/remotes/{remote}/{branch}"
        actions = "in GitHub Actions, check out with `fetch-depth: 0`, which fetches every branch"
        shallow = _git(["rev-parse", "--is-shallow-repository"], self.root)
        if shallow.returncode == 0 and shallow.stdout.strip() == b"true":
            count = _git(["rev-list", "--count", "HEAD"], self.root).stdout.decode().strip()
            have = f" (it has {count} commit{'' if count == '1' else 's'} of history)" if count.isdigit() else ""
            also = f" and the branch with `{fetch_branch}`" if fetch_branch else ""
            return (f"; this clone is shallow{have}, so older commits are missing: fetch them with "
                    f"`git fetch --unshallow`{also} ({actions})")
        if fetch_branch:
            return f"; branch '{branch}' of remote '{remote}' has not been fetched: fetch it with `{fetch_branch}` ({actions})"
        return ""

    def _remotes(self) -> set[str]:
        done = _git(["remote"], self.root)
        return set(done.stdout.decode("utf-8", "replace").split()) if done.returncode == 0 else set()

    def item(self, commit: str, path: str) -> TreeItem | None:
        """The tree entry at path in commit, or None when the commit has nothing there."""
        found = self._ls_tree(commit, path)
        return next((i for i in found if i.path == path), None)

    def children(self, commit: str, folder: str) -> list[TreeItem]:
        """The entries directly inside folder at commit (none when it is not a folder there)."""
        folder = folder.strip("/")
        return self._ls_tree(commit, f"{folder}/" if folder else None)

    def read(self, commit: str, path: str) -> bytes:
        done = _git(["cat-file", "blob", f"{commit}:{path}"], self.root)
        if done.returncode != 0:
            raise GitError(f"cannot read {path} at {commit[:12]} (git: {_reason(done.stderr)})")
        return done.stdout

    def _ls_tree(self, commit: str, path: str | None) -> list[TreeItem]:
        """The entries at path (a folder's own entry; with a trailing `/`, its contents; None: the top)."""
        done = _git(["ls-tree", "-z", "--end-of-options", commit, "--", *([path] if path else [])], self.root)
        if done.returncode != 0:
            raise GitError(f"cannot list {path or 'the top level'} at {commit[:12]} (git: {_reason(done.stderr)})")
        out = []
        for record in done.stdout.decode("utf-8", "surrogateescape").split("\0"):
            if not record:
                continue
            meta, _, name = record.partition("\t")
            mode, kind, _ = meta.split(" ", 2)
            out.append(TreeItem(name, mode, kind))
        return out


def repository(start: Path) -> Repository:
    """The git repository whose working tree holds start."""
    done = _git(["rev-parse", "--show-toplevel"], start)
    if done.returncode != 0:
        raise GitError(_reason(done.stderr))
    top = done.stdout.decode("utf-8", "surrogateescape").strip()
    if not top:  # inside .git itself, or a bare repository
        raise GitError("not inside the working tree of a git repository")
    return Repository(Path(top))
