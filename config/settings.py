"""Environment settings (12-factor): secrets come from the environment or `.env`, never the repo.

Names follow the Bot Framework's own (`MicrosoftAppId` …) so an Azure Bot's
configuration can be pasted in unchanged.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # --- Bot Framework / Teams ---------------------------------------------------------
    app_id: str = Field("", validation_alias=AliasChoices("MicrosoftAppId", "MICROSOFT_APP_ID"))
    app_password: SecretStr = Field(
        SecretStr(""), validation_alias=AliasChoices("MicrosoftAppPassword", "MICROSOFT_APP_PASSWORD")
    )
    app_type: Literal["SingleTenant", "MultiTenant", "UserAssignedMSI"] = Field(
        "SingleTenant", validation_alias=AliasChoices("MicrosoftAppType", "MICROSOFT_APP_TYPE")
    )
    app_tenant_id: str = Field(
        "", validation_alias=AliasChoices("MicrosoftAppTenantId", "MICROSOFT_APP_TENANT_ID")
    )
    match_channel_id: str = Field(
        "",
        validation_alias=AliasChoices("MATCH_CHANNEL_ID"),
        description="Teams-kanalens id (19:…@thread.tacv2) hvor shortlister postes",
    )

    # --- HTTP ------------------------------------------------------------------------------
    host: str = Field("0.0.0.0", validation_alias=AliasChoices("HOST"))
    port: int = Field(3978, ge=1, le=65535, validation_alias=AliasChoices("PORT"))
    max_request_bytes: int = Field(1_048_576, ge=1024, validation_alias=AliasChoices("MAX_REQUEST_BYTES"))

    # --- Redis -----------------------------------------------------------------------------
    redis_url: str = Field(
        "",
        validation_alias=AliasChoices("REDIS_URL"),
        description="redis://, rediss:// (TLS) eller tom for indlejret demo-Redis (gemmer intet)",
    )
    redis_key_prefix: str = Field("matchbot", validation_alias=AliasChoices("REDIS_KEY_PREFIX"))

    # --- Job order API -------------------------------------------------------------------
    jobordre_api_keys: list[SecretStr] = Field(
        default_factory=list,
        validation_alias=AliasChoices("JOBORDRE_API_KEYS"),
        description="Kommasepareret/JSON-liste af API-nøgler (flere tilladt ved rotation)",
    )

    # --- Data & matching -------------------------------------------------------------------
    shortlist_size: int = Field(10, ge=1, le=100, validation_alias=AliasChoices("SHORTLIST_SIZE"))
    retention_days: int = Field(180, ge=1, validation_alias=AliasChoices("RETENTION_DAYS"))
    log_level: str = Field("INFO", validation_alias=AliasChoices("LOG_LEVEL"))

    @property
    def local_mode(self) -> bool:
        """No app id: no authentication (Bot Framework Emulator, tests)."""
        return not self.app_id
