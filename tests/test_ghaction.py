"""`python -m sweepgen.ghaction`: the workflow steps that read untrusted text.

Run as the workflows run them: the text in an environment variable, outputs in a
$GITHUB_OUTPUT file (or printed as name=value outside Actions), refusals as one line
on stderr with exit 1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from sweepgen.ghaction import main
from test_workflows import read_outputs

IMAGE = "lmsysorg/sglang:v0.5.5-cu129-b200"


@pytest.fixture
def action(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run `python -m sweepgen.ghaction ARGS` with the given environment; (exit, stdout, stderr)."""
    for name in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_ACTIONS", "SWEEPGEN_COMMAND", "COMMENT_BODY",
                 "KEYS", "OLD_IMAGE", "NEW_IMAGE", "NAMES"):
        monkeypatch.delenv(name, raising=False)

    def _run(*args: str, **env: str) -> tuple[int, str, str]:
        with monkeypatch.context() as m:
            for name, value in env.items():
                m.setenv(name, value)
            code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def refused(message: str) -> tuple[int, str, str]:
    return 1, "", f"sweepgen: error: {message}\n"


# --------------------------------------------------------------------------- bump-comment

@pytest.mark.parametrize("body, keys", [
    (f"/bump-image dsr1-fp4-b200-sglang {IMAGE}", "dsr1-fp4-b200-sglang"),
    (f"/bump-image dsr1-fp4-b200-sglang  dsr1-fp8-h200-sglang {IMAGE}\r\n", "dsr1-fp4-b200-sglang dsr1-fp8-h200-sglang"),
    (f"\n  /bump-image a.b_c-1 {IMAGE}  \n\n", "a.b_c-1"),
])
def test_bump_comment_accepts(action, body: str, keys: str) -> None:  # type: ignore[no-untyped-def]
    assert action("bump-comment", COMMENT_BODY=body) == (
        0, f"keys={keys}\nold-image=\nnew-image={IMAGE}\nbump-image: {keys} -> {IMAGE}\n", "")


def test_bump_comment_accepts_the_enroot_image_form(action) -> None:  # type: ignore[no-untyped-def]
    image = "nvcr.io#nvidia/tensorrt-llm/release:1.1.0rc6"
    code, out, _ = action("bump-comment", COMMENT_BODY=f"/bump-image dsr1-fp4-b200-trt {image}")
    assert (code, out.splitlines()[2]) == (0, f"new-image={image}")


EXPECTED_IMAGE = ("a container image reference (registry/path:tag[@digest], or the enroot form "
                  "registry#path:tag) without whitespace or ${{")
EXPECTED_KEY = "a name of letters, digits, '.', '_' and '-'"


@pytest.mark.parametrize("body, message", [
    ("", "the comment must be /bump-image KEY... NEW_IMAGE (words separated by spaces)"),
    (f"/bump-image {IMAGE}", "the comment must name at least one entry key and the new image"),
    (f"/bump-image key {IMAGE}\nthanks!", "the comment must be the single line /bump-image KEY... NEW_IMAGE"),
    (f"/bump-image\tkey {IMAGE}", "the comment must be /bump-image KEY... NEW_IMAGE (words separated by spaces)"),
    (f"/bump-imagex key {IMAGE}", "the comment must be /bump-image KEY... NEW_IMAGE (words separated by spaces)"),
    (f"please /bump-image key {IMAGE}", "the comment must be /bump-image KEY... NEW_IMAGE (words separated by spaces)"),
    (f"/bump-image key;rm {IMAGE}", f"'key;rm' is not an entry key: expected {EXPECTED_KEY}"),
    (f"/bump-image $(id) {IMAGE}", f"'$(id)' is not an entry key: expected {EXPECTED_KEY}"),
    (f"/bump-image -key {IMAGE}", f"'-key' is not an entry key: expected {EXPECTED_KEY}"),
    ("/bump-image key ${{github.token}}", f"new image '${{{{github.token}}}}' is not an image: expected {EXPECTED_IMAGE}"),
    ("/bump-image key Not/An:Image", f"new image 'Not/An:Image' is not an image: expected {EXPECTED_IMAGE}"),
    (f"/bump-image key key {IMAGE}", "entry key 'key' is named twice"),
    (f"/bump-image {'k ' * 65}{IMAGE}", "at most 64 entry keys per request"),
    ("/bump-image " + "k" * 4000 + f" {IMAGE}", "the comment is longer than 4000 characters"),
])
def test_bump_comment_refuses(action, body: str, message: str) -> None:  # type: ignore[no-untyped-def]
    assert action("bump-comment", COMMENT_BODY=body) == refused(message)


def test_untrusted_text_is_shown_quoted_and_short(action) -> None:  # type: ignore[no-untyped-def]
    """A refusal quotes the text with repr: never a raw line start Actions could read as a command."""
    code, _, err = action("bump-comment", COMMENT_BODY=f"/bump-image ::stop-commands::{'x' * 80} {IMAGE}")
    assert code == 1
    assert err == f"sweepgen: error: '::stop-commands::{'x' * 40}...' is not an entry key: expected {EXPECTED_KEY}\n"


def test_bump_comment_writes_github_output(action, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    output = tmp_path / "output"
    code, out, _ = action("bump-comment", COMMENT_BODY=f"/bump-image a b {IMAGE}", GITHUB_OUTPUT=str(output))
    assert (code, out) == (0, f"bump-image: a b -> {IMAGE}\n")
    lines = output.read_text().splitlines()
    assert [lines[i].split("<<")[0] for i in (0, 3, 6)] == ["keys", "old-image", "new-image"]
    assert [lines[i] for i in (1, 4, 7)] == ["a b", "", IMAGE]
    assert all(lines[i + 2] == lines[i].split("<<")[1].strip() for i in (0, 3, 6))


# --------------------------------------------------------------------------- bump-dispatch

def test_bump_dispatch_by_keys(action) -> None:  # type: ignore[no-untyped-def]
    assert action("bump-dispatch", KEYS=" a  b ", NEW_IMAGE=IMAGE) == (
        0, f"keys=a b\nold-image=\nnew-image={IMAGE}\nbump-image: a b -> {IMAGE}\n", "")


def test_bump_dispatch_by_old_image(action) -> None:  # type: ignore[no-untyped-def]
    old = "lmsysorg/sglang:v0.5.4-cu129-b200"
    assert action("bump-dispatch", OLD_IMAGE=old, NEW_IMAGE=IMAGE) == (
        0, f"keys=\nold-image={old}\nnew-image={IMAGE}\nbump-image: entries using {old} -> {IMAGE}\n", "")


@pytest.mark.parametrize("env, message", [
    ({"NEW_IMAGE": IMAGE}, "give either entry keys or an old image, not both and not neither"),
    ({"KEYS": "a", "OLD_IMAGE": IMAGE, "NEW_IMAGE": IMAGE}, "give either entry keys or an old image, not both and not neither"),
    ({"KEYS": "a"}, f"new image '' is not an image: expected {EXPECTED_IMAGE}"),
    ({"KEYS": "a|b", "NEW_IMAGE": IMAGE}, f"'a|b' is not an entry key: expected {EXPECTED_KEY}"),
    ({"OLD_IMAGE": "x y", "NEW_IMAGE": IMAGE}, f"old image 'x y' is not an image: expected {EXPECTED_IMAGE}"),
])
def test_bump_dispatch_refuses(action, env: dict[str, str], message: str) -> None:  # type: ignore[no-untyped-def]
    assert action("bump-dispatch", **env) == refused(message)


# --------------------------------------------------------------------------- e2e-args

@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "configs").mkdir()
    for name in ("nvidia-master.yaml", "amd-master.yaml", "runners.yaml"):
        (tmp_path / "configs" / name).write_text((ROOT / "configs" / name).read_text())
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_e2e_args_runs_the_command_and_fills_the_slots(action, run, project: Path) -> None:  # type: ignore[no-untyped-def]
    command = "full-sweep --model-prefix gptoss --seq-lens 1k1k --max-conc 8"
    expected = json.loads(run(*command.split()).stdout)
    assert [(row["tp"], row["conc"]) for row in expected] == [(1, 4), (1, 8), (8, 4), (8, 8)]
    output, summary = project / "output", project / "summary"
    code, out, err = action("e2e-args", "--slots", "2", SWEEPGEN_COMMAND=command,
                            GITHUB_OUTPUT=str(output), GITHUB_STEP_SUMMARY=str(summary))
    assert (code, out, err) == (0, f"sweepgen {command}\n4 jobs in 1 of 2 matrices\n", "")
    written = read_outputs(output)
    assert list(written) == ["matrix-1", "matrix-2", "total"]
    assert json.loads(written["matrix-1"]) == expected
    assert (written["matrix-2"], written["total"]) == ("[]", "4")
    assert summary.read_text() == f"### E2E\n\n`sweepgen {command}`: 4 jobs in 1 of 2 matrices\n"


def test_e2e_args_takes_every_row_shape(action, run, project: Path) -> None:  # type: ignore[no-untyped-def]
    """One command line may give fixed and agentic, single-node and multinode rows together: the
    slots take them as they come (benchmark-tmpl.yml takes any shape)."""
    command = ("test-config --config-keys dsr1-fp4-gb200-dynamo-trt dsr1-fp4-gb200-dynamo-trt-agentic "
               "dsr1-fp8-h200-sglang-agentic --conc 8 16")
    expected = json.loads(run(*command.split()).stdout)
    shapes = {("prefill" in row, "scenario-type" in row) for row in expected}
    assert shapes == {(True, False), (True, True), (False, True)}
    code, out, _ = action("e2e-args", SWEEPGEN_COMMAND=command)
    assert code == 0
    lines = out.splitlines()
    assert json.loads(lines[1].removeprefix("matrix-1=")) == expected
    assert lines[2:] == ["matrix-2=[]", f"total={len(expected)}", f"{len(expected)} jobs in 1 of 2 matrices"]


def test_e2e_args_takes_plan_and_a_leading_sweepgen(action, run, project: Path) -> None:  # type: ignore[no-untyped-def]
    plan = json.loads(run("plan", "--scenario-type", "fixed-seq-len", "--seq-lens", "8k1k").stdout)
    assert list(plan) == ["8k1k-gptoss", "8k1k-gptoss-eval", "8k1k-dsr1", "8k1k-dsr1-eval", "8k1k-dsr1-multinode-eval"]
    code, out, _ = action("e2e-args", SWEEPGEN_COMMAND="sweepgen plan --scenario-type fixed-seq-len --seq-lens '8k1k'")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "sweepgen plan --scenario-type fixed-seq-len --seq-lens 8k1k"
    assert json.loads(lines[1].removeprefix("matrix-1=")) == [e for group in plan.values() for e in group]
    assert lines[2:] == ["matrix-2=[]", "total=13", "13 jobs in 1 of 2 matrices"]


def big_config(points: int) -> str:
    """One v3 entry (the format of the project's runners.yaml) with `points` single-node 1k1k
    search points of 11 concurrencies each (1..1024), so no job runs evals."""
    space = "".join(f"      - {{ tp: {2 ** (i % 4)}, ep: {i + 1}, conc-start: 1, conc-end: 1024 }}\n"
                    for i in range(points))
    return ("dsr1-fp8-b200-sglang:\n  image: lmsysorg/sglang:v0.5.3\n  model: deepseek-ai/DeepSeek-R1-0528\n"
            "  model-prefix: dsr1\n  runner: b200\n  precision: fp8\n  framework: sglang\n  multinode: false\n"
            "  scenarios:\n    fixed-seq-len:\n    - isl: 1024\n      osl: 1024\n      search-space:\n" + space)


def test_e2e_args_shards_a_large_matrix_evenly(action, project: Path) -> None:  # type: ignore[no-untyped-def]
    (project / "big.yaml").write_text(big_config(28))  # 308 jobs
    code, out, _ = action("e2e-args", "--slots", "3", SWEEPGEN_COMMAND="full-sweep --config-files big.yaml")
    assert code == 0
    lines = out.splitlines()
    shards = [json.loads(line.split("=", 1)[1]) for line in lines[1:4]]
    assert [len(s) for s in shards] == [154, 154, 0]
    assert lines[4:] == ["total=308", "308 jobs in 2 of 3 matrices"]


def test_e2e_args_refuses_a_matrix_larger_than_its_slots(action, project: Path) -> None:  # type: ignore[no-untyped-def]
    (project / "big.yaml").write_text(big_config(50))  # 550 jobs
    code, out, err = action("e2e-args", SWEEPGEN_COMMAND="full-sweep --config-files big.yaml")
    assert (code, err) == refused("550 jobs need 3 matrices of at most 256; this workflow has 2: narrow the command line")[::2]
    assert out == "sweepgen full-sweep --config-files big.yaml\n"


@pytest.mark.parametrize("command, message", [
    ("", "the command line is empty"),
    ("   ", "the command line is empty"),
    ("lint", "the subcommand must be one of full-sweep, test-config, runner-model-sweep, runner-sweep, custom, plan; got 'lint'"),
    ("bump-image --key a --to b", "the subcommand must be one of full-sweep, test-config, runner-model-sweep, runner-sweep, "
                                  "custom, plan; got 'bump-image'"),
    ("sweepgen", "the subcommand must be one of full-sweep, test-config, runner-model-sweep, runner-sweep, custom, plan; "
                 "got nothing"),
    ("full-sweep; rm -rf ~", "the subcommand must be one of full-sweep, test-config, runner-model-sweep, runner-sweep, "
                             "custom, plan; got 'full-sweep;'"),
    ("full-sweep --model-prefix $(id)", "argument '$(id)' has characters outside letters, digits and _.,:=@+#/-"),
    ("full-sweep --model-prefix `id`", "argument '`id`' has characters outside letters, digits and _.,:=@+#/-"),
    ("full-sweep --model-prefix a|b", "argument 'a|b' has characters outside letters, digits and _.,:=@+#/-"),
    ("full-sweep --model-prefix 'a b'", "argument 'a b' has characters outside letters, digits and _.,:=@+#/-"),
    ("full-sweep --model-prefix ${HOME}", "argument '${HOME}' has characters outside letters, digits and _.,:=@+#/-"),
    ("full-sweep --model-prefix 'unclosed", "the command line cannot be split into words: No closing quotation"),
    ("full-sweep\n--test-mode", "the command line must be one line without control characters"),
    ("full-sweep --config-files /etc/passwd", "argument '/etc/passwd' names a path outside the checkout"),
    ("full-sweep --config-files=../secrets.yaml", "argument '--config-files=../secrets.yaml' names a path outside the checkout"),
    ("full-sweep --config-files configs/../../x.yaml", "argument 'configs/../../x.yaml' names a path outside the checkout"),
    ("plan --github-output", "--github-output is not allowed here: this step writes its own outputs"),
    ("plan --github-output=1", "--github-output is not allowed here: this step writes its own outputs"),
    ("plan --github-outp", "--github-output is not allowed here ('--github-outp' stands for it): "
                           "this step writes its own outputs"),
    ("plan --seq-lens 1k1k --g", "--github-output is not allowed here ('--g' stands for it): "
                                 "this step writes its own outputs"),
    ("plan --gith=x", "--github-output is not allowed here ('--gith=x' stands for it): this step writes its own outputs"),
    ("full-sweep " + "x" * 2000, "the command line is longer than 2000 characters"),
])
def test_e2e_args_refuses(action, command: str, message: str) -> None:  # type: ignore[no-untyped-def]
    assert action("e2e-args", SWEEPGEN_COMMAND=command) == refused(message)


def test_every_prefix_of_a_refused_option_is_refused(action) -> None:  # type: ignore[no-untyped-def]
    """The CLI expands any unambiguous prefix of a long option (as the seed's argparse did), so
    each prefix of --github-output, bare or with `=value`, is that option for `plan`."""
    option = "--github-output"
    for end in range(3, len(option) + 1):
        for word in (option[:end], option[:end] + "=x"):
            code, _, err = action("e2e-args", SWEEPGEN_COMMAND=f"plan --seq-lens 1k1k {word}")
            assert code == 1 and err.startswith("sweepgen: error: --github-output is not allowed here"), word


def test_a_prefix_is_refused_only_where_it_names_the_refused_option(action, run, project: Path) -> None:  # type: ignore[no-untyped-def]
    """full-sweep has no --github-output: there `--g` is --get-batch-count, as the CLI reads it."""
    code, out, err = action("e2e-args", SWEEPGEN_COMMAND="full-sweep --model-prefix gptoss --g")
    # it printed the batch count, which is no matrix
    assert err == "sweepgen: error: the command printed something other than a list of matrix entries\n"
    assert out == "sweepgen full-sweep --model-prefix gptoss --g\n" and code == 1
    assert run("full-sweep", "--model-prefix", "gptoss", "--get-batch-count").stdout.strip().isdigit()


def test_the_subcommand_never_sees_the_step_files(action, project: Path) -> None:  # type: ignore[no-untyped-def]
    """Words after `--` are not options, and the run cannot write $GITHUB_OUTPUT (or $GITHUB_ENV,
    $GITHUB_PATH) whatever it is given: they are hidden from it, then written by the step alone."""
    files = {name: project / name for name in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH")}
    for path in files.values():
        path.touch()
    env = {name: str(path) for name, path in files.items()}
    code, _, err = action("e2e-args", SWEEPGEN_COMMAND="plan -- --github-output", **env)
    assert code == 1 and "failed with exit code 2" in err
    assert all(path.read_text() == "" for path in files.values())

    import sweepgen.ghaction as ghaction

    seen: list[dict[str, str | None]] = []
    real = ghaction.run_sweepgen.__globals__["contextlib"].redirect_stdout

    def spy(target):  # type: ignore[no-untyped-def]
        seen.append({name: os.environ.get(name) for name in files})
        return real(target)

    with pytest.MonkeyPatch.context() as m:
        m.setattr(ghaction.contextlib, "redirect_stdout", spy)
        code, _, _ = action("e2e-args", SWEEPGEN_COMMAND="plan --seq-lens 8k1k --summary", **env)
    assert code == 0 and seen == [dict.fromkeys(files)]
    assert list(read_outputs(files["GITHUB_OUTPUT"])) == ["matrix-1", "matrix-2", "total"]
    assert files["GITHUB_ENV"].read_text() == files["GITHUB_PATH"].read_text() == ""


def test_e2e_args_passes_sweepgen_errors_through(action, project: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = action("e2e-args", SWEEPGEN_COMMAND="full-sweep --runner-type nope")
    assert (code, out) == (1, "sweepgen full-sweep --runner-type nope\n")
    assert err.splitlines() == ["sweepgen: error: Invalid runner type(s): {'nope'}. Valid runner types are: b200, "
                                "cluster:gb200-nv, cluster:h200-dgxc, gb200, h200, mi300x, mi355x",
                                "sweepgen: error: sweepgen full-sweep failed with exit code 1"]
    code, out, err = action("e2e-args", SWEEPGEN_COMMAND="plan --seq-lens 1k8k")  # v3 names 1k1k and 8k1k only
    assert (code, err.splitlines()[-1]) == (1, "sweepgen: error: sweepgen plan failed with exit code 2")


def test_e2e_args_a_command_that_matches_nothing(action, project: Path) -> None:  # type: ignore[no-untyped-def]
    """On v3 configs a full-sweep that matches nothing prints [] (the generator's behaviour): no
    jobs, both slots empty, so the benchmark jobs are skipped."""
    code, out, _ = action("e2e-args", SWEEPGEN_COMMAND="full-sweep --model-prefix nope")
    assert (code, out.splitlines()[1:]) == (0, ["matrix-1=[]", "matrix-2=[]", "total=0", "0 jobs in 0 of 2 matrices"])


def test_e2e_args_refuses_output_that_is_not_a_matrix(action, project: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = action("e2e-args", SWEEPGEN_COMMAND="full-sweep --help")
    assert (code, err) == (1, "sweepgen: error: the command printed no JSON matrix\n")


# --------------------------------------------------------------------------- check-names

def test_check_names(action) -> None:  # type: ignore[no-untyped-def]
    names = json.dumps(["1k1k-dsr1-1", "1k1k-dsr1-2"])
    assert action("check-names", "--scenario", "1k1k", "dsr1-1", "dsr1-2", "gptoss-1", NAMES=names) == (
        0, "every planned 1k1k matrix has its job\n", "")
    names = json.dumps(["1k1k-dsr1-1", "1k1k-qwen-1", "1k1k-qwen-2"])
    assert action("check-names", "--scenario", "1k1k", "dsr1-1", NAMES=names) == refused(
        "no job of this workflow runs the planned matrices 1k1k-qwen-1, 1k1k-qwen-2: add their jobs to the workflow")
    assert action("check-names", "--scenario", "1k1k", "dsr1-1", NAMES="") == refused(
        "NAMES is not the JSON list of matrix names that plan writes")
    assert action("check-names", "--scenario", "1k1k", "dsr1-1", NAMES="[]") == (
        0, "every planned 1k1k matrix has its job\n", "")


def test_check_names_of_every_kind_and_scenario(action) -> None:  # type: ignore[no-untyped-def]
    """The eval and multinode kinds are matrices like any other, and agentic is a scenario like
    the sequence lengths: a kind with no job is named, as a model with none is."""
    names = json.dumps(["agentic-dsr1-1", "agentic-dsr1-multinode-1", "agentic-dsr1-multinode-2"])
    assert action("check-names", "--scenario", "agentic", "dsr1-1", "dsr1-multinode-1", "dsr1-multinode-2",
                  NAMES=names) == (0, "every planned agentic matrix has its job\n", "")
    names = json.dumps(["8k1k-dsr1-1", "8k1k-dsr1-eval-1", "8k1k-dsr1-multinode-eval-1"])
    assert action("check-names", "--scenario", "8k1k", "dsr1-1", "dsr1-eval-1", NAMES=names) == refused(
        "no job of this workflow runs the planned matrix 8k1k-dsr1-multinode-eval-1: add its job to the workflow")
    # a job named for one scenario does not read another's matrix
    assert action("check-names", "--scenario", "1k1k", "dsr1-1", NAMES=json.dumps(["8k1k-dsr1-1"])) == refused(
        "no job of this workflow runs the planned matrix 8k1k-dsr1-1: add its job to the workflow")


# --------------------------------------------------------------------------- the module entry point

def test_module_entry_point_and_usage_errors(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COMMENT_BODY": f"/bump-image a {IMAGE}"}
    env.pop("GITHUB_OUTPUT", None)
    done = subprocess.run([sys.executable, "-m", "sweepgen.ghaction", "bump-comment"], env=env,
                          capture_output=True, text=True, cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (
        0, f"keys=a\nold-image=\nnew-image={IMAGE}\nbump-image: a -> {IMAGE}\n", "")
    done = subprocess.run([sys.executable, "-m", "sweepgen.ghaction", "e2e-args", "--slots", "0"], env=env,
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == "python -m sweepgen.ghaction: error: --slots must be at least 1"
    done = subprocess.run([sys.executable, "-m", "sweepgen.ghaction", "eval"], env=env,
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 2
