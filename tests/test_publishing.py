"""Publishing: the example GitHub Actions workflow and the pre-commit hook manifest."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sitekit import REPO, VALID_SITE, run_cli

WORKFLOW = REPO / ".github" / "workflows" / "publish.yml"
HOOKS = REPO / ".pre-commit-hooks.yaml"


def find_actionlint() -> str | None:
    """The actionlint binary: in this Python's environment (test extras) or on PATH."""
    beside_python = Path(sys.executable).parent / "actionlint"
    if beside_python.is_file():
        return str(beside_python)
    return shutil.which("actionlint")


def actionlint(*args: str) -> subprocess.CompletedProcess:
    binary = find_actionlint()
    if binary is None:
        pytest.skip("actionlint is not installed (pip install -e '.[test]' installs it)")
    return subprocess.run([binary, "-no-color", *args], cwd=REPO, capture_output=True, text=True, timeout=60)


def load_workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def step_using(workflow: dict, action: str) -> dict:
    found = [s for s in steps(workflow) if s.get("uses", "").split("@")[0] == action]
    assert len(found) == 1, f"expected one step using {action}, found {len(found)}"
    return found[0]


def step_running(workflow: dict, command: str) -> dict:
    found = [s for s in steps(workflow) if command in s.get("run", "")]
    assert len(found) == 1, f"expected one step running {command!r}, found {len(found)}"
    return found[0]


# --- the workflow -------------------------------------------------------------------------------------


def test_actionlint_accepts_the_workflow():
    result = actionlint(str(WORKFLOW.relative_to(REPO)))
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_is_not_a_no_op(tmp_path):
    """The same binary rejects a broken workflow, so a pass above means something."""
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-24.04\n"
        "    steps:\n"
        "      - id: pages\n"
        "        uses: actions/configure-pages@v6\n"
        "      - run: echo ${{ steps.pages.outputs.no_such_output }}\n"
        "  deploy:\n"
        "    needs: biuld\n"
        "    runs-on: ubuntu-24.04\n"
        "    steps:\n"
        "      - run: true\n"
    )
    result = actionlint(str(broken))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "biuld" in result.stdout
    assert "no_such_output" in result.stdout


def test_workflow_runs_on_push_to_main_and_by_hand():
    workflow = load_workflow()
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in triggers


def test_workflow_checks_with_github_annotations_before_building():
    workflow = load_workflow()
    check = step_running(workflow, "factcheck check")
    assert shlex.split(check["run"]) == ["factcheck", "check", "--format", "github"]
    build = step_running(workflow, "factcheck build")
    all_steps = steps(workflow)
    assert all_steps.index(check) < all_steps.index(build)


def test_workflow_installs_factcheck_with_pip_on_a_recent_ubuntu():
    workflow = load_workflow()
    install = step_running(workflow, "pip install")
    assert shlex.split(install["run"])[-2:] == ["install", "."]
    assert "make" not in " ".join(s.get("run", "") for s in steps(workflow)).split()
    step_using(workflow, "actions/setup-python")
    for name, job in workflow["jobs"].items():
        assert re.fullmatch(r"ubuntu-(2[4-9]|[3-9]\d)\.04", job["runs-on"]), f"{name}: {job['runs-on']}"


def test_workflow_builds_with_the_pages_base_url():
    workflow = load_workflow()
    pages = step_using(workflow, "actions/configure-pages")
    build = step_running(workflow, "factcheck build")
    args = shlex.split(build["run"])
    assert "--base-url" in args
    base_url = args[args.index("--base-url") + 1]
    expression = "${{ steps.%s.outputs.base_url }}" % pages["id"]
    # Passed through an environment variable, not pasted into the script.
    assert base_url.startswith("$")
    assert build["env"][base_url.lstrip("$").strip("{}")] == expression
    out = args[args.index("--out") + 1]
    upload = step_using(workflow, "actions/upload-pages-artifact")
    assert upload["with"]["path"] == out


def test_workflow_deploys_with_the_official_pages_actions():
    workflow = load_workflow()
    assert workflow["permissions"]["pages"] == "write"
    assert workflow["permissions"]["id-token"] == "write"
    assert workflow["concurrency"]["group"]
    deploy_job = next(job for job in workflow["jobs"].values() if any(
        s.get("uses", "").startswith("actions/deploy-pages@") for s in job.get("steps", [])
    ))
    deploy = step_using(workflow, "actions/deploy-pages")
    assert deploy_job["environment"]["name"] == "github-pages"
    assert deploy_job["environment"]["url"] == "${{ steps.%s.outputs.page_url }}" % deploy["id"]
    build_job = [name for name, job in workflow["jobs"].items() if job is not deploy_job]
    assert deploy_job["needs"] in (build_job[0], build_job)
    for step in steps(workflow):
        if "uses" in step:
            assert re.fullmatch(r"actions/[a-z-]+@v\d+", step["uses"]), step["uses"]


def test_workflow_keeps_the_build_cache_only_from_the_default_branch():
    """A cache is believed (its entries are data, but of the right shape they
    say what is published), so the job that publishes restores only caches
    saved on the default branch, and the workflow runs on nothing a
    contributor from outside can trigger."""
    workflow = load_workflow()
    triggers = workflow.get("on", workflow.get(True))
    assert set(triggers) == {"push", "workflow_dispatch"}  # no pull_request, no pull_request_target
    cache = step_using(workflow, "actions/cache")
    assert cache["with"]["path"] == ".factcheck-cache"
    assert cache["if"] == "github.ref == format('refs/heads/{0}', github.event.repository.default_branch)"
    assert cache["with"]["restore-keys"] and cache["with"]["key"].startswith(cache["with"]["restore-keys"])
    assert "${{ github.sha }}" in cache["with"]["key"]  # a new key each run, so each run saves what it checked
    all_steps = steps(workflow)
    assert all_steps.index(cache) < all_steps.index(step_running(workflow, "factcheck check"))


def test_workflow_commands_work_on_a_site(tmp_path):
    """The workflow's own check and build lines, run here against the fixture site."""
    workflow = load_workflow()
    check = shlex.split(step_running(workflow, "factcheck check")["run"])
    result = run_cli(*check[1:], "--root", str(VALID_SITE))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""  # no problems: no annotations

    build = shlex.split(step_running(workflow, "factcheck build")["run"])
    base_url = "https://someone.github.io/factcheck"  # what configure-pages gives: no trailing slash
    build = [base_url if arg.startswith("$") else arg for arg in build]
    build[build.index("--out") + 1] = str(tmp_path / "public")
    result = run_cli(*build[1:], "--root", str(VALID_SITE))
    assert result.returncode == 0, result.stderr
    home = (tmp_path / "public" / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{base_url}/">' in home


# --- the pre-commit hook manifest --------------------------------------------------------------------

# pre-commit's manifest schema (MANIFEST_HOOK_DICT in pre_commit/clientlib.py): key → type.
MANIFEST_REQUIRED = {"id": str, "name": str, "entry": str, "language": str}
MANIFEST_OPTIONAL = {
    "alias": str, "files": str, "exclude": str, "types": list, "types_or": list, "exclude_types": list,
    "additional_dependencies": list, "args": list, "always_run": bool, "fail_fast": bool,
    "pass_filenames": bool, "description": str, "language_version": str, "log_file": str,
    "minimum_pre_commit_version": str, "require_serial": bool, "stages": list, "verbose": bool,
}


def load_hooks() -> list[dict]:
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert isinstance(hooks, list) and hooks, "the manifest is a non-empty list of hooks"
    return hooks


def factcheck_hook() -> dict:
    found = [hook for hook in load_hooks() if hook.get("id") == "factcheck-check"]
    assert len(found) == 1
    return found[0]


def test_hook_manifest_matches_pre_commit_schema():
    for hook in load_hooks():
        for key, kind in MANIFEST_REQUIRED.items():
            assert isinstance(hook.get(key), kind), f"{hook.get('id')}: '{key}' is required ({kind.__name__})"
        for key, value in hook.items():
            kind = MANIFEST_REQUIRED.get(key) or MANIFEST_OPTIONAL.get(key)
            assert kind is not None, f"{hook['id']}: unknown key '{key}'"
            assert isinstance(value, kind), f"{hook['id']}: '{key}' must be a {kind.__name__}"
        for key in ("files", "exclude"):
            if key in hook:
                re.compile(hook[key])


def test_hook_manifest_loads_in_pre_commit_itself():
    clientlib = pytest.importorskip("pre_commit.clientlib", reason="pre-commit is not installed")
    manifest = clientlib.load_manifest(str(HOOKS))
    assert [hook["id"] for hook in manifest] == [hook["id"] for hook in load_hooks()]


def test_factcheck_hook_runs_check_on_the_whole_site():
    hook = factcheck_hook()
    assert shlex.split(hook["entry"]) == ["factcheck", "check"]
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False  # check needs every file to resolve ids and quotes
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^factcheck = "generator\.cli:main"$', pyproject, re.M), "the entry's command is installed"


@pytest.mark.parametrize(
    "path, runs",
    [
        ("content/articles/bridge-opens.md", True),
        ("content/claims/bridge-cost.md", True),
        ("site.yaml", True),
        ("seeds/river.txt", True),
        ("templates/claim.html", True),
        ("templates/style.css", True),
        ("README.md", False),
        ("public/index.html", False),
        ("generator/cli.py", False),
        ("notes/site.yaml.bak", False),
        ("old-site.yaml", False),
    ],
)
def test_factcheck_hook_runs_for_site_sources_only(path, runs):
    hook = factcheck_hook()
    # pre-commit selects files with re.search on repository-relative paths.
    selected = re.search(hook["files"], path) is not None
    if "exclude" in hook:
        selected = selected and re.search(hook["exclude"], path) is None
    assert selected == runs


def test_factcheck_hook_entry_fails_on_bad_content(tmp_path):
    """The hook's command, as pre-commit runs it in a content repository."""
    entry = shlex.split(factcheck_hook()["entry"])
    site = tmp_path / "site"
    shutil.copytree(VALID_SITE, site)
    ok = run_cli(*entry[1:], cwd=site)
    assert ok.returncode == 0, ok.stderr
    claim = site / "content" / "claims" / "bridge-cost.md"
    claim.write_text(claim.read_text().replace("verdict: accurate", "verdict: acurate"))
    bad = run_cli(*entry[1:], cwd=site)
    assert bad.returncode == 1
    assert "content/claims/bridge-cost.md:3: error: 'verdict': unknown verdict 'acurate'" in bad.stderr
