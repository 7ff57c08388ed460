"""`factcheck check --format text|json|github` and `--strict`."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from sitekit import INVALID_SITE, VALID_SITE, all_files, run_cli

from generator.core.diagnostics import Diagnostic, format_github, format_json, format_text

# A GitHub Actions workflow command: ::severity file=…[,line=N]::message
GITHUB_LINE = re.compile(r"::(error|warning) file=([^,:]*)(?:,line=([1-9]\d*))?::(.*)")


def unescape_data(text: str) -> str:
    """Undo the runner's escaping of a command's message (toolkit's escapeData)."""
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def unescape_property(text: str) -> str:
    """Undo the runner's escaping of a property value (toolkit's escapeProperty)."""
    return unescape_data(text.replace("%3A", ":").replace("%2C", ","))


def as_text_line(item: dict) -> str:
    location = f"{item['path']}:{item['line']}" if item["line"] else item["path"]
    return f"{location}: {item['severity']}: {item['message']}"


def expected_lines() -> list[str]:
    return (INVALID_SITE / "expected-errors.txt").read_text(encoding="utf-8").splitlines()


# --- json ------------------------------------------------------------------------------------------


def test_json_lists_the_same_problems_as_text():
    text = run_cli("check", "--root", str(INVALID_SITE))
    machine = run_cli("check", "--root", str(INVALID_SITE), "--format", "json")
    assert text.returncode == machine.returncode == 1
    problems = json.loads(machine.stdout)
    assert isinstance(problems, list) and problems
    for item in problems:
        assert set(item) == {"path", "line", "severity", "message"}
        assert isinstance(item["line"], int) and item["severity"] in ("error", "warning")
    text_lines = text.stderr.splitlines()
    expected = expected_lines()
    errors, warnings = (sum(f": {severity}: " in line for line in expected) for severity in ("error", "warning"))
    assert text_lines[-1] == f"{errors} error(s), {warnings} warning(s)."
    assert [as_text_line(item) for item in problems] == text_lines[:-1] == expected


def test_json_is_an_empty_list_for_valid_content():
    result = run_cli("check", "--root", str(VALID_SITE), "--format", "json")
    assert result.returncode == 0
    assert json.loads(result.stdout) == []
    assert result.stderr == ""


def test_json_keeps_non_ascii_text_readable():
    (line,) = format_json([Diagnostic("content/claims/a.md", 2, "quote “Übergang” not found")])
    assert "“Übergang”" in line
    assert json.loads(line) == [
        {"path": "content/claims/a.md", "line": 2, "message": "quote “Übergang” not found", "severity": "error"}
    ]


# --- github -----------------------------------------------------------------------------------------------


def test_github_lines_are_workflow_commands():
    result = run_cli("check", "--root", str(INVALID_SITE), "--format", "github")
    assert result.returncode == 1
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    problems = json.loads(run_cli("check", "--root", str(INVALID_SITE), "--format", "json").stdout)
    assert len(lines) == len(problems)
    for line, item in zip(lines, problems):
        match = GITHUB_LINE.fullmatch(line)
        assert match, f"not a workflow command: {line!r}"
        severity, path, number, message = match.groups()
        assert severity == item["severity"]
        assert unescape_property(path) == item["path"]
        assert int(number or 0) == item["line"]
        assert unescape_data(message) == item["message"]


def test_github_exact_lines():
    lines = run_cli("check", "--root", str(INVALID_SITE), "--format", "github").stdout.splitlines()
    assert (
        "::error file=content/actors/bo-critic.md,line=4::'affiliation': 'ana-mayor' is a person; "
        "affiliation must name an organisation actor"
    ) in lines
    assert lines[0].startswith("::error file=content/actors/bell-ringer.md,line=2::the character U+0007")
    assert "::warning file=content/claims/lonely.md,line=1::claim 'lonely' has no mentions in any article" in lines
    # A problem with the whole file has no line to point at.
    assert (
        "::error file=content/claims/more/bridge-cost.md::duplicate claim id 'bridge-cost' "
        "(also content/claims/bridge-cost.md)"
    ) in lines


def test_github_escapes_message_per_the_runner_rules():
    (line,) = format_github([Diagnostic("content/a.md", 3, "100% sure\nsecond line\r\nthird: a, b")])
    # In the message: % first, then CR and LF; ':' and ',' stay as they are.
    assert line == "::error file=content/a.md,line=3::100%25 sure%0Asecond line%0D%0Athird: a, b"


def test_github_escapes_property_values_per_the_runner_rules():
    (line,) = format_github([Diagnostic("content/odd,name:v2%.md", 7, "m", "warning")])
    # In a property also ':' and ',', which would otherwise end the value.
    assert line == "::warning file=content/odd%2Cname%3Av2%25.md,line=7::m"
    severity, path, number, message = GITHUB_LINE.fullmatch(line).groups()
    assert (severity, unescape_property(path), number, message) == ("warning", "content/odd,name:v2%.md", "7", "m")


@pytest.mark.parametrize(
    "path, message",
    [
        ("content/a.md", "plain"),
        ("content/100%.md", "50%0A is not a newline"),
        ("a,b:c\nd.md", "::error file=x::injected?"),
        ("content/ü.md", "line one\nline two\r\n%25"),
    ],
)
def test_github_escaping_round_trips(path, message):
    (line,) = format_github([Diagnostic(path, 1, message)])
    assert "\n" not in line and "\r" not in line
    severity, raw_path, number, raw_message = GITHUB_LINE.fullmatch(line).groups()
    assert unescape_property(raw_path) == path
    assert unescape_data(raw_message) == message


def test_text_format_is_path_line_severity_message():
    lines = format_text([Diagnostic("a.md", 2, "bad"), Diagnostic("b.md", 0, "worse", "warning")])
    assert lines == ["a.md:2: error: bad", "b.md: warning: worse"]


# --- streams: text for people on stderr, machine formats alone on stdout ----------------------------------


def test_text_problems_go_to_stderr():
    result = run_cli("check", "--root", str(INVALID_SITE))
    assert result.stdout == ""
    assert result.stderr.splitlines()[:-1] == expected_lines()


@pytest.mark.parametrize("fmt", ["json", "github"])
def test_machine_formats_write_only_to_stdout(fmt):
    result = run_cli("check", "--root", str(INVALID_SITE), "--format", fmt)
    assert result.returncode == 1
    assert result.stderr == ""
    assert result.stdout.strip()


def test_unknown_format_is_a_usage_error():
    result = run_cli("check", "--root", str(VALID_SITE), "--format", "xml")
    assert result.returncode == 2
    assert "invalid choice: 'xml'" in result.stderr


# --- --strict ------------------------------------------------------------------------------------------------


@pytest.fixture
def site_with_a_warning(tmp_path):
    """The valid fixture site plus a claim no article mentions: one warning, no error."""
    root = tmp_path / "site"
    shutil.copytree(VALID_SITE, root)
    (root / "content" / "claims" / "ferry-runs.md").write_text("---\nstatement: A ferry still runs.\n---\n")
    return root


WARNING_LINE = "content/claims/ferry-runs.md:1: warning: claim 'ferry-runs' has no mentions in any article"


def test_a_warning_alone_passes_without_strict(site_with_a_warning):
    result = run_cli("check", "--root", str(site_with_a_warning))
    assert result.returncode == 0
    assert result.stderr.splitlines() == [WARNING_LINE]
    assert result.stdout.strip() == "Content is valid (1 warning(s))."


def test_strict_makes_a_warning_fail_check(site_with_a_warning):
    result = run_cli("check", "--root", str(site_with_a_warning), "--strict")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [WARNING_LINE.replace(": warning: ", ": error: "), "1 error(s), 0 warning(s)."]
    assert result.stdout == ""


@pytest.mark.parametrize(
    "fmt, strict, code, output",
    [
        ("github", False, 0, "::warning file=content/claims/ferry-runs.md,line=1::claim 'ferry-runs' has no mentions in any article"),
        ("github", True, 1, "::error file=content/claims/ferry-runs.md,line=1::claim 'ferry-runs' has no mentions in any article"),
    ],
)
def test_strict_with_github_format(site_with_a_warning, fmt, strict, code, output):
    args = ["check", "--root", str(site_with_a_warning), "--format", fmt] + (["--strict"] if strict else [])
    result = run_cli(*args)
    assert result.returncode == code
    assert result.stdout.splitlines() == [output]
    assert result.stderr == ""


def test_strict_with_json_format(site_with_a_warning):
    loose = run_cli("check", "--root", str(site_with_a_warning), "--format", "json")
    strict = run_cli("check", "--root", str(site_with_a_warning), "--format", "json", "--strict")
    assert (loose.returncode, strict.returncode) == (0, 1)
    assert [d["severity"] for d in json.loads(loose.stdout)] == ["warning"]
    assert [d["severity"] for d in json.loads(strict.stdout)] == ["error"]


def test_strict_build_refuses_and_writes_nothing(site_with_a_warning, tmp_path):
    out = tmp_path / "out"
    strict = run_cli("build", "--root", str(site_with_a_warning), "--out", str(out), "--strict")
    assert strict.returncode == 1
    assert strict.stderr.splitlines()[-1] == "1 error(s), 0 warning(s); nothing was written."
    assert not out.exists()
    loose = run_cli("build", "--root", str(site_with_a_warning), "--out", str(out))
    assert loose.returncode == 0, loose.stderr
    assert WARNING_LINE in loose.stderr.splitlines()
    assert "claims/ferry-runs/index.html" in all_files(out)
