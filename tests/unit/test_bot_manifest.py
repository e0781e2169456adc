"""The Teams app package: manifest 1.30 validates, commands match the bot's registry, icons have the
sizes Teams requires, and `matchbot teams-package` puts the configured app id into the zip."""

from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path

import jsonschema
import pytest

from bot import router as commands
from bot.cli import main
from bot.teams.package import TEAMS_DIR, PackageError, manifest_for
from bot.ui import texts

SCHEMA = json.loads((Path(__file__).parents[1] / "schemas" / "teams-manifest-1.30.schema.json").read_text())
APP_ID = "3b6f0c2e-5d1a-4c8e-9f47-2a9d6e1b7c41"


def validate(manifest: dict[str, object]) -> list[str]:
    return [f"{list(e.path)}: {e.message}" for e in jsonschema.Draft4Validator(SCHEMA).iter_errors(manifest)]


def test_manifest_in_the_repo_validates_and_has_the_bot_scopes() -> None:
    manifest = json.loads((TEAMS_DIR / "manifest.json").read_text(encoding="utf-8"))
    assert validate(manifest) == []
    assert manifest["manifestVersion"] == "1.30"
    bot = manifest["bots"][0]
    assert set(bot["scopes"]) == {"personal", "team", "groupChat"}
    for command_list in bot["commandLists"]:
        titles = {c["title"] for c in command_list["commands"]}
        assert titles <= set(commands.COMMANDS), titles - set(commands.COMMANDS)
    personal = next(c for c in bot["commandLists"] if c["scopes"] == ["personal"])
    assert {c["title"] for c in personal["commands"]} == set(commands.COMMANDS)


def test_a_broken_manifest_is_caught() -> None:
    manifest = json.loads((TEAMS_DIR / "manifest.json").read_text(encoding="utf-8"))
    manifest["bots"][0]["scopes"] = ["everywhere"]
    assert validate(manifest)


@pytest.mark.parametrize(("name", "size"), [("color.png", 192), ("outline.png", 32)])
def test_icons_are_pngs_of_the_required_size(name: str, size: int) -> None:
    data = (TEAMS_DIR / name).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (size, size)


def test_teams_package_zip_carries_the_app_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MicrosoftAppId", APP_ID)
    out = tmp_path / "pakke.zip"
    assert main(["teams-package", "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as zf:
        assert sorted(zf.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["bots"][0]["botId"] == APP_ID
    assert validate(manifest) == []


def test_teams_package_without_app_id_is_refused_in_danish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MicrosoftAppId", "")
    assert main(["teams-package", "--out", str(tmp_path / "x.zip")]) == 2
    assert texts.TEAMS_PACKAGE_NO_APP_ID in capsys.readouterr().err
    assert not (tmp_path / "x.zip").exists()
    with pytest.raises(PackageError):
        manifest_for("not-a-guid")
