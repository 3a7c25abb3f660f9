"""`contested schema`: a JSON Schema that editors and validators accept for our files."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from contested.cli import main
from contested.format.model import json_schema
from tests.helpers import REPO, TIMELINES


class Core12Loader(yaml.SafeLoader):
    """YAML 1.2 core schema, as yaml-language-server reads files (no `no`/`on` booleans,
    no timestamps, no sexagesimal numbers)."""


Core12Loader.yaml_implicit_resolvers = {}
for tag, pattern, first in [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^[-+]?[0-9]+$", list("-+0123456789")),
    ("tag:yaml.org,2002:float",
     r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$", list("-+.0123456789")),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
]:
    Core12Loader.add_implicit_resolver(tag, re.compile(pattern), first)


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def errors(validator: jsonschema.Draft202012Validator, document: Any) -> list[str]:
    return [e.message for e in validator.iter_errors(document)]


@pytest.mark.parametrize("path", sorted(TIMELINES.glob("*.yaml")), ids=lambda p: p.name)
def test_bundled_files_validate_against_the_schema(
    validator: jsonschema.Draft202012Validator, path: Path
) -> None:
    document = yaml.load(path.read_text(encoding="utf-8"), Loader=Core12Loader)
    assert errors(validator, document) == []


def test_schema_is_draft_2020_12_with_descriptions() -> None:
    schema = json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    claim = schema["$defs"]["Claim"]["properties"]
    assert claim["credibility"]["description"].startswith("Admiralty")
    assert all("description" in spec for spec in claim.values())


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        ({"contested": 1, "sourcez": []}, "Additional properties"),
        ({"contested": 2}, "1 was expected"),
        ({"contested": 1, "claims": [{"id": "c", "source": "s", "text": "t",
                                      "credibility": 9}]}, "9 is greater than"),
        ({"contested": 1, "events": [{"id": "e", "title": "t", "date": "March"}]},
         "does not match"),
        ({"contested": 1, "sources": [{"id": "bad id", "name": "n"}]}, "does not match"),
    ],
)
def test_schema_rejects_what_the_loader_rejects(
    validator: jsonschema.Draft202012Validator, document: Any, fragment: str
) -> None:
    assert any(fragment in message for message in errors(validator, document)), errors(
        validator, document
    )


def test_schema_command_prints_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == json_schema()


def test_committed_schema_file_is_current() -> None:
    """docs/contested.schema.json is what the README's modeline points editors at."""
    committed = json.loads((REPO / "docs" / "contested.schema.json").read_text())
    assert committed == json_schema(), "run: contested schema > docs/contested.schema.json"
