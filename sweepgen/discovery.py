"""Finding config files: the repository's configs/ folder and the runner config."""

from __future__ import annotations

from pathlib import Path

RUNNER_NAMES = ("runners.yaml", "runners.yml")
CONFIG_SUFFIXES = (".yaml", ".yml")


class DiscoveryError(Exception):
    """No config could be found where one was expected."""


def is_runner_config(path: Path) -> bool:
    return path.name in RUNNER_NAMES


def repo_configs_dir(start: Path | None = None) -> Path | None:
    """The nearest `configs/` (or `.github/configs/`) folder at or above start, within the repository."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for candidate in (folder / "configs", folder / ".github" / "configs"):
            if candidate.is_dir() and any(candidate.glob("*.y*ml")):
                return candidate
        if (folder / ".git").exists():
            return None
    return None


def expand_paths(paths: list[str]) -> list[Path]:
    """Files named, and the YAML files of folders named (sorted), without repeats."""
    out: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        p = Path(raw)
        items = sorted(q for q in p.iterdir() if q.suffix in CONFIG_SUFFIXES and q.is_file()) if p.is_dir() else [p]
        for item in items:
            key = item.resolve() if item.exists() else item
            if key not in seen:
                seen.add(key)
                out.append(item)
    return out


def default_files() -> list[Path]:
    folder = repo_configs_dir()
    if folder is None:
        raise DiscoveryError("no configs/ or .github/configs/ folder found here or above; name the files to use")
    return expand_paths([str(folder)])


def default_master_configs() -> list[Path]:
    return [p for p in default_files() if not is_runner_config(p)]


def find_runner_config(explicit: str | None, files: list[Path]) -> Path | None:
    """--runner-config, else a runner config among the files, else one beside the first
    master config, else the repository's; None when there is none."""
    if explicit:
        return Path(explicit)
    for f in files:
        if is_runner_config(f):
            return f
    masters = [f for f in files if not is_runner_config(f)]
    if masters:
        for name in RUNNER_NAMES:
            beside = masters[0].parent / name
            if beside.is_file():
                return beside
    folder = repo_configs_dir()
    if folder is not None:
        for name in RUNNER_NAMES:
            if (folder / name).is_file():
                return folder / name
    return None
