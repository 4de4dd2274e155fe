"""The README's set-up commands, CI and the lock file agree with each other and with setup.cfg.

CI runs `.ci/run` on a fresh machine; a user runs the README. If the two drift apart, CI can be
green while the README fails a new user, so the commands are compared here, character for
character, and the lock is checked to lie inside the ranges users install.
"""

import configparser
import re

from packaging.requirements import Requirement

from .conftest import REPO

README = (REPO / "README.md").read_text("utf-8")
CI = (REPO / ".ci" / "run").read_text("utf-8")


def setup_commands() -> list[str]:
    section = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.S)][:2]


def locked() -> dict[str, str]:
    lines = (REPO / "requirements" / "lock.txt").read_text("utf-8").splitlines()
    pins = (line.split("==") for line in lines if "==" in line and not line.startswith("#"))
    return {re.sub(r"[-_.]+", "-", name).lower(): version for name, version in pins}


def requirements(section: str, key: str) -> list[Requirement]:
    config = configparser.ConfigParser()
    config.read(REPO / "setup.cfg", encoding="utf-8")
    return [Requirement(line) for line in config[section][key].splitlines() if line.strip()]


def test_ci_runs_the_readme_setup_commands_as_written():
    commands = setup_commands()
    assert len(commands) == 2 and all("\n" not in c for c in commands)
    ci_lines = [line.strip() for line in CI.splitlines()]
    for command in commands:
        assert command in ci_lines, command
    assert "pytest" in commands[1] and "requirements/lock.txt" in commands[1]


def test_the_lock_pins_every_dependency_inside_its_range():
    pins = locked()
    wanted = requirements("options", "install_requires")
    wanted += requirements("options.extras_require", "test") + requirements("options.extras_require", "dev")
    for requirement in wanted:
        name = re.sub(r"[-_.]+", "-", requirement.name).lower()
        assert name in pins, f"{name} is not in requirements/lock.txt"
        assert requirement.specifier.contains(pins[name]), (str(requirement), pins[name])


def test_every_runtime_range_has_an_upper_bound():
    for requirement in requirements("options", "install_requires"):
        assert any(spec.operator in ("<", "<=", "~=", "==") for spec in requirement.specifier), str(requirement)


def test_the_python_example_runs_on_a_copy_of_the_bundled_records(tmp_path, monkeypatch):
    import shutil

    shutil.copytree(REPO / "records", tmp_path / "records")
    monkeypatch.chdir(tmp_path)
    example = re.search(r"## From Python.*?```python\n(.*?)```", README, re.S).group(1)
    scope: dict[str, object] = {}
    exec(compile(example, "README.md", "exec"), scope)
    added = scope["added"]
    assert (tmp_path / "records" / "2023" / f"{added.incident.id}.yaml").is_file()
    assert not [p for p in scope["problems"] if p.severity == "error"] and scope["found"].incidents


def test_schema_prints_the_shipped_json_schema(cli):
    import json

    from incidents.spec import json_schema

    result = cli("schema")
    assert result.exit_code == 0 and json.loads(result.stdout) == json_schema()
    shipped = json.loads((REPO / "incidents" / "data" / "record.schema.json").read_text("utf-8"))
    assert shipped == json_schema()
