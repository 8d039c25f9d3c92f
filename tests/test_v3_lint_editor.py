"""The real yaml-language-server (the YAML extension of VS Code and other editors) on config files
that name their schema in a modeline: it resolves every version's cross-file $refs from the files
themselves, its diagnostics agree with sweepgen on the standard part of each schema, and it
completes v3 files.

The server is installed from npm into a cache folder (SWEEPGEN_NPM_CACHE, default
~/.cache/sweepgen-test-npm) on first use; the test skips, saying why, when node or npm is missing
or the registry cannot be reached."""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import ROOT, corpus_dir

CASES = ROOT / "tests" / "v3_cases"
SERVER_VERSION = "1.25.0"  # a released version, so that the test does not change under us
# what sweepgen adds to standard JSON Schema: its own keywords, Python rules and strict numbers
SWEEPGEN_ONLY = {"divisible", "conc-range", "key-convention", "runner-label", "dram-hardware", "gpu-fit", "point-shape",
                 "null-transfer", "null-override", "empty-search-space", "duplicate-conc", "yaml11-boolean",
                 "duplicate-key", "unknown-format", "power-of-two", "seq-len", "unknown-runner"}


def _server() -> Path:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are needed to run yaml-language-server")
    cache = Path(os.environ.get("SWEEPGEN_NPM_CACHE", Path.home() / ".cache" / "sweepgen-test-npm"))
    main = cache / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
    if not main.exists():
        cache.mkdir(parents=True, exist_ok=True)
        try:
            result = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(cache),
                                     f"yaml-language-server@{SERVER_VERSION}"], capture_output=True, text=True,
                                    timeout=300)
        except subprocess.TimeoutExpired:
            pytest.skip("npm install yaml-language-server timed out (is the registry reachable?)")
        if result.returncode != 0 or not main.exists():
            last = (result.stderr.strip().splitlines() or ["no output"])[-1]
            pytest.skip(f"npm install yaml-language-server failed: {last}")
    return main


class Client:
    """A minimal LSP client over stdio: requests, notifications, and the server's own requests answered."""

    def __init__(self, main: Path, root: Path) -> None:
        self.proc = subprocess.Popen(["node", str(main), "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.next_id = 0
        self.inbox: queue.Queue[dict[str, Any]] = queue.Queue()
        self.diagnostics: dict[str, list[dict[str, Any]]] = {}
        self.settings = {"yaml": {"validate": True, "completion": True, "hover": True,
                                  "schemaStore": {"enable": False}, "schemas": {}, "format": {"enable": False}}}
        threading.Thread(target=self._read, daemon=True).start()
        self.request("initialize", {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": {
            "textDocument": {"publishDiagnostics": {}, "completion": {"completionItem": {"snippetSupport": True}}},
            "workspace": {"configuration": True}}})
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": self.settings})

    def _read(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        while True:
            length = 0
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            self.inbox.put(json.loads(stream.read(length)))

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: Any, timeout: float = 120) -> Any:
        self.next_id += 1
        wanted = self.next_id
        self._send({"id": wanted, "method": method, "params": params})
        for message in self._messages(timeout):
            if message.get("id") == wanted and "method" not in message:
                return message.get("result")
        raise AssertionError(f"no answer to {method} in {timeout} s")

    def _messages(self, timeout: float) -> Iterator[dict[str, Any]]:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                message = self.inbox.get(timeout=max(0.01, end - time.monotonic()))
            except queue.Empty:
                return
            method = message.get("method")
            if method == "textDocument/publishDiagnostics":
                self.diagnostics[message["params"]["uri"]] = message["params"]["diagnostics"]
            elif method is not None and "id" in message:  # the server asks something: answer it
                result: Any = None
                if method == "workspace/configuration":
                    result = [self.settings.get(item.get("section", ""), self.settings)
                              if item.get("section") != "yaml" else self.settings["yaml"]
                              for item in message["params"]["items"]]
                self._send({"id": message["id"], "result": result})
            yield message

    def configure(self, **yaml: Any) -> None:
        self.settings["yaml"].update(yaml)
        self.notify("workspace/didChangeConfiguration", {"settings": self.settings})

    def open(self, path: Path, timeout: float = 120) -> list[dict[str, Any]]:
        """Open a file and wait for its diagnostics (the server publishes them after validating)."""
        uri = path.as_uri()
        self.diagnostics.pop(uri, None)
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1,
                                                              "text": path.read_text()}})
        for _ in self._messages(timeout):
            if uri in self.diagnostics:
                # a second, later publication may follow once the schema has loaded
                for _ in self._messages(1.5):
                    pass
                return self.diagnostics[uri]
        raise AssertionError(f"no diagnostics for {path.name} in {timeout} s")

    def close(self) -> None:
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Client, Path]]:
    main = _server()
    root = tmp_path_factory.mktemp("editor")
    (root / "schema").symlink_to(ROOT / "schema", target_is_directory=True)
    (root / "configs").mkdir()
    client = Client(main, root)
    try:
        yield client, root / "configs"
    finally:
        client.close()


def _modeline(version: str, kind: str = "master-config") -> str:
    return f"# yaml-language-server: $schema=../schema/{version}/{kind}.schema.json\n"


def _write(folder: Path, name: str, version: str, text: str, kind: str = "master-config") -> Path:
    path = folder / name
    path.write_text(_modeline(version, kind) + text)
    return path


def _unresolved(diagnostics: list[dict[str, Any]]) -> list[str]:
    return [d["message"] for d in diagnostics if "resolve" in d["message"].lower() or "$ref" in d["message"]]


def _entries(text: str) -> list[str]:
    keys, current = [], ""
    for line in text.splitlines():
        if line and not line[0].isspace() and line[0] != "#" and line.endswith(":"):
            current = line[:-1]
        keys.append(current)
    return keys


def _sweepgen_entries(run, path: Path, runners: Path) -> set[str]:  # type: ignore[no-untyped-def]
    owner = _entries(path.read_text())
    report = json.loads(run("lint", "--format", "json", "--runner-config", str(runners), str(path)).stdout)
    return {owner[p["line"] - 1] for p in report["problems"]
            if p["level"] == "error" and p["rule"] not in SWEEPGEN_ONLY and "got float" not in p["message"]}


def _editor_entries(path: Path, diagnostics: list[dict[str, Any]]) -> set[str]:
    owner = _entries(path.read_text())
    return {owner[d["range"]["start"]["line"]] for d in diagnostics if d.get("severity", 1) == 1}


@pytest.mark.parametrize("version,folder", [("v1", "inferencemax-17d5e204f"), ("v2", "inferencemax-93e1b3ca1"),
                                            ("v3", "inferencex-843c6254f")])
def test_real_files_open_clean_through_the_modeline(workspace, version: str, folder: str) -> None:
    client, configs = workspace
    source = corpus_dir(folder)
    name = "amd-master.yaml"
    path = _write(configs, f"{version}-{name}", version, (source / name).read_text())
    diagnostics = client.open(path)
    assert _unresolved(diagnostics) == []
    assert [d["message"] for d in diagnostics if d.get("severity", 1) == 1] == []
    runners = _write(configs, f"{version}-runners.yaml", version, (source / "runners.yaml").read_text(),
                     "runner-config")
    # runners.yaml is written for YAML 1.1 readers (2_063_837 is an integer), as sweepgen reads a v3 one
    client.configure(yamlVersion="1.1")
    try:
        runner_diagnostics = client.open(runners)
    finally:
        client.configure(yamlVersion="1.2")
    assert [d["message"] for d in runner_diagnostics if d.get("severity", 1) == 1] == []


@pytest.mark.parametrize("name", ["entry.yaml", "conc.yaml", "points.yaml", "agentic.yaml", "scenarios.yaml",
                                  "valid.yaml"])
def test_editor_diagnostics_agree_with_sweepgen_on_v3(run, workspace, name: str) -> None:
    client, configs = workspace
    path = _write(configs, f"v3-{name}", "v3", (CASES / name).read_text())
    diagnostics = client.open(path)
    assert _unresolved(diagnostics) == []
    assert _editor_entries(path, diagnostics) == _sweepgen_entries(run, path, CASES / "runners" / "runners.yaml")


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_editor_diagnostics_agree_with_sweepgen_on_older_versions(run, workspace, version: str) -> None:
    client, configs = workspace
    cases = ROOT / "tests" / ("lint_cases" if version == "v1" else "v2_cases")
    runners = ROOT / "tests" / ("lint_runners" if version == "v1" else "v2_cases/runners") / "runners.yaml"
    names = ["values.yaml", "types.yaml"] if version == "v1" else ["conc.yaml", "multinode.yaml", "entry.yaml"]
    for name in names:
        text = (cases / name).read_text()
        path = _write(configs, f"{version}-{name}", version, re.sub(r"^# yaml-language-server:.*\n", "", text))
        diagnostics = client.open(path)
        assert _unresolved(diagnostics) == [], name
        assert _editor_entries(path, diagnostics) == _sweepgen_entries(run, path, runners), name


def test_completion_on_a_v3_file(workspace) -> None:
    client, configs = workspace
    text = ("toy-fp8-h200-vllm:\n  image: vllm/vllm-openai:v0.25.0\n  model: org/toy\n  model-prefix: toy\n"
            "  runner: h200\n  precision: fp8\n  framework: vllm\n  multinode: false\n  scenarios:\n"
            "    fixed-seq-len:\n    - isl: 1024\n      osl: 1024\n      search-space:\n      - tp: 8\n        \n")
    path = _write(configs, "v3-complete.yaml", "v3", text)
    client.open(path)
    lines = (_modeline("v3") + text).splitlines()

    def labels(line: int, character: int) -> set[str]:
        result = client.request("textDocument/completion", {"textDocument": {"uri": path.as_uri()},
                                                           "position": {"line": line, "character": character}})
        items = result.get("items", []) if isinstance(result, dict) else result or []
        return {item["label"] for item in items}

    in_point = labels(len(lines) - 1, 8)  # the blank line inside the search point
    assert {"conc-start", "conc-end", "conc-list", "pp", "dcp-size", "ep", "dp-attn", "spec-decoding"} <= in_point
    assert "prefill" not in in_point  # a single-node entry's point
    in_entry = labels(2, 2)  # a new key of the entry, at the start of its image line
    assert {"router", "disagg"} <= in_entry
