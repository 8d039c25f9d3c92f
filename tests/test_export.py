"""`sweepgen export`: the validated configs with every schema default filled in."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_expand_cli import error, ok

SMALL = """\
gptoss-fp4-b200-vllm:
  image: vllm/vllm-openai:v0.10.2
  model: openai/gpt-oss-120b
  model-prefix: gptoss
  precision: fp4
  framework: vllm
  runner: b200
  seq-len-configs:
  - isl: 1024
    osl: 1024
    search-space:
    - { tp: 8, conc-start: 4, conc-end: 16 }
    - { tp: 4, ep: 4, dp-attn: true, conc-start: 4, conc-end: 4 }
"""


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "small.yaml").write_text(SMALL)
    (tmp_path / "runners.yaml").write_text("b200:\n- b200-nv_0\n- 'yes'\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_export_json(run, folder) -> None:
    assert ok(run("export", "--config-files", "small.yaml")) == """\
{
  "small.yaml": {
    "gptoss-fp4-b200-vllm": {
      "image": "vllm/vllm-openai:v0.10.2",
      "model": "openai/gpt-oss-120b",
      "model-prefix": "gptoss",
      "precision": "fp4",
      "framework": "vllm",
      "runner": "b200",
      "seq-len-configs": [
        {
          "isl": 1024,
          "osl": 1024,
          "search-space": [
            {
              "tp": 8,
              "conc-start": 4,
              "conc-end": 16,
              "ep": 1,
              "dp-attn": false
            },
            {
              "tp": 4,
              "ep": 4,
              "dp-attn": true,
              "conc-start": 4,
              "conc-end": 4
            }
          ]
        }
      ]
    }
  },
  "runners.yaml": {
    "b200": [
      "b200-nv_0",
      "yes"
    ]
  }
}
"""


def test_export_yaml(run, folder) -> None:
    # 'yes' stays quoted: YAML 1.1 readers would take it for a boolean
    assert ok(run("export", "--config-files", "small.yaml", "--format", "yaml")) == """\
small.yaml:
  gptoss-fp4-b200-vllm:
    image: vllm/vllm-openai:v0.10.2
    model: openai/gpt-oss-120b
    model-prefix: gptoss
    precision: fp4
    framework: vllm
    runner: b200
    seq-len-configs:
    - isl: 1024
      osl: 1024
      search-space:
      - tp: 8
        conc-start: 4
        conc-end: 16
        ep: 1
        dp-attn: false
      - tp: 4
        ep: 4
        dp-attn: true
        conc-start: 4
        conc-end: 4
runners.yaml:
  b200:
  - b200-nv_0
  - 'yes'
"""


def test_export_stops_on_lint_errors(run, folder) -> None:
    (folder / "small.yaml").write_text(SMALL.replace("tp: 8", "tp: 0"))
    assert error(run("export", "--config-files", "small.yaml")) == (
        "small.yaml:12:13: error: 'tp' must be at least 1, got 0 [minimum]\n"
        "sweepgen: error: 1 lint error in the configs; nothing was generated\n")
