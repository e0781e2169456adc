"""``matchbot teams-package``: the zip a Teams admin uploads (manifest + two icons).

Why generated: the manifest in ``teams/`` carries a placeholder bot id so it validates in tests;
the real Azure Bot app id comes from the settings (``MicrosoftAppId``) at packaging time, so one
repository serves test, staging and production registrations.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

from bot.ui import texts

TEAMS_DIR = Path(__file__).resolve().parents[2] / "teams"
MANIFEST = "manifest.json"
ICONS = ("color.png", "outline.png")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


class PackageError(ValueError):
    """Danish message for the CLI."""


def manifest_for(app_id: str, source: Path = TEAMS_DIR) -> dict[str, Any]:
    if not _GUID.match(app_id or ""):
        raise PackageError(texts.TEAMS_PACKAGE_NO_APP_ID)
    manifest: dict[str, Any] = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    for bot in manifest.get("bots", []):
        bot["botId"] = app_id
    manifest["webApplicationInfo"] = {"id": app_id, "resource": f"api://botid-{app_id}"}
    return manifest


def build_teams_package(app_id: str, out: Path, source: Path = TEAMS_DIR) -> Path:
    """Write ``out`` (a zip with manifest.json, color.png, outline.png at the root)."""
    manifest = manifest_for(app_id, source)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
        for icon in ICONS:
            zf.write(source / icon, icon)
    return out
