"""Environment settings (12-factor): secrets come from the environment or `.env`, never the repo.

Names follow the Bot Framework's own (`MicrosoftAppId` …) so an Azure Bot's
configuration can be pasted in unchanged.
"""

from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

MIN_CARD_KEY_CHARS = 16  # a card signing key shorter than this is a typo or a placeholder


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
    bot_openid_metadata_url: str = Field(
        "https://login.botframework.com/v1/.well-known/openidconfiguration",
        validation_alias=AliasChoices("BOT_OPENID_METADATA_URL"),
        description="Bot Frameworks OpenID-metadata (signeringsnøgler); kun til andre skyer/test",
    )
    match_channel_id: str = Field(
        "",
        validation_alias=AliasChoices("MATCH_CHANNEL_ID"),
        description="Teams-kanalens id (19:…@thread.tacv2) hvor shortlister postes",
    )
    match_leads: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        validation_alias=AliasChoices("MATCH_LEADS"),
        description="Matchenhedens ledere (UPN/e-mail, kommasepareret): kun de godkender/afviser; tom = alle",
    )

    # --- HTTP ------------------------------------------------------------------------------
    host: str = Field("0.0.0.0", validation_alias=AliasChoices("HOST"))
    port: int = Field(3978, ge=1, le=65535, validation_alias=AliasChoices("PORT"))
    max_request_bytes: int = Field(1_048_576, ge=1024, validation_alias=AliasChoices("MAX_REQUEST_BYTES"))
    worker_port: int = Field(
        3979, ge=1, le=65535, validation_alias=AliasChoices("WORKER_PORT"),
        description="Port for `matchbot worker`s /healthz, /readyz og /metrics (på HOST)",
    )

    # --- Redis -----------------------------------------------------------------------------
    redis_url: str = Field(
        "",
        validation_alias=AliasChoices("REDIS_URL"),
        description=(
            "redis://, rediss:// (TLS), redis+sentinel://sentinel:26379,…/<master>[/db], "
            "redis+cluster://node:7000,… eller tom for indlejret demo-Redis (gemmer intet)"
        ),
    )
    redis_key_prefix: str = Field("matchbot", validation_alias=AliasChoices("REDIS_KEY_PREFIX"))
    redis_retry_seconds: float = Field(
        2.0, ge=0, le=60, validation_alias=AliasChoices("REDIS_RETRY_SECONDS"),
        description="Så længe (s) prøves Redis igen, før svaret bliver 'prøv igen om lidt'",
    )

    # --- Job order API -------------------------------------------------------------------
    jobordre_api_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        validation_alias=AliasChoices("JOBORDRE_API_KEYS"),
        description="Kommasepareret/JSON-liste af API-nøgler (flere tilladt ved rotation)",
    )
    intake_max_batch: int = Field(
        500, ge=1, le=10_000, validation_alias=AliasChoices("INTAKE_MAX_BATCH"),
        description="Højst så mange jobordrer pr. POST /api/jobordrer",
    )
    intake_worker: bool = Field(
        True, validation_alias=AliasChoices("INTAKE_WORKER"),
        description="Kør kø-workeren inde i `matchbot serve` (false: kun separate `matchbot worker`)",
    )
    intake_claim_idle_ms: int = Field(
        30_000, ge=100, validation_alias=AliasChoices("INTAKE_CLAIM_IDLE_MS"),
        description="Holder en worker en jobordre så længe (ms) uden at blive færdig, overtager en anden",
    )
    intake_max_failures: int = Field(
        3, ge=1, validation_alias=AliasChoices("INTAKE_MAX_FAILURES"),
        description="Fejl pr. jobordre før den lægges i dead-letter-strømmen og meldes i kanalen",
    )

    # --- Reports (issue 12) --------------------------------------------------------------------
    public_base_url: str = Field(
        "", validation_alias=AliasChoices("PUBLIC_BASE_URL"),
        description="Botens offentlige https-adresse; bruges til signerede links til store rapportdiagrammer",
    )
    report_url_secret: SecretStr = Field(
        SecretStr(""), validation_alias=AliasChoices("REPORT_URL_SECRET"),
        description="HMAC-nøgle til diagramlinks (samme på alle replikaer; tom = én pr. proces)",
    )
    card_signing_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        validation_alias=AliasChoices("CARD_SIGNING_KEYS", "CARD_SIGNING_KEY"),
        description="HMAC-nøgler (kommasepareret, mindst 16 tegn) til knappernes data på kortene; den "
        "første underskriver, alle godtages (rotation). Samme på alle replikaer og `matchbot worker`. "
        "Tom: afledt af REPORT_URL_SECRET, ellers én pr. proces (kort fra før en genstart må åbnes igen)",
    )
    monthly_status: bool = Field(
        True, validation_alias=AliasChoices("MONTHLY_STATUS"),
        description="Post månedlig status på måltal i matchkanalen første arbejdsdag i måneden",
    )
    monthly_status_hour: int = Field(
        8, ge=0, le=23, validation_alias=AliasChoices("MONTHLY_STATUS_HOUR"),
        description="Tidligst denne time (dansk tid) på første arbejdsdag",
    )
    # --- the lead's week (issue 11.7) -------------------------------------------------------
    week_post_weekday: int = Field(
        1, ge=0, le=7, validation_alias=AliasChoices("WEEK_POST_WEEKDAY"),
        description="Ugedag for ugens overblik i kanalen (1 = mandag … 7 = søndag; 0 = intet opslag)",
    )
    week_post_hour: int = Field(
        8, ge=0, le=23, validation_alias=AliasChoices("WEEK_POST_HOUR"),
        description="Klokkeslæt (time, dansk tid) for ugens overblik i kanalen",
    )

    @field_validator("jobordre_api_keys", "match_leads", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        """Accept a JSON list or a comma-separated string (the usual form in .env files)."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value

    @field_validator("match_leads")
    @classmethod
    def _upns(cls, value: list[str]) -> list[str]:
        """UPNs compare case-insensitively (Teams may report ``Lead@KK.dk``); no blanks inside one."""
        out = [v.strip().lower() for v in value if v.strip()]
        for upn in out:
            if "@" not in upn or any(c.isspace() for c in upn):
                raise ValueError(f"'{upn}' er ikke en UPN/e-mail (fx leder@kk.dk)")
        return out

    # --- Data & matching -------------------------------------------------------------------
    shortlist_size: int = Field(10, ge=1, le=100, validation_alias=AliasChoices("SHORTLIST_SIZE"))
    retention_days: int = Field(180, ge=1, validation_alias=AliasChoices("RETENTION_DAYS"))
    log_level: str = Field("INFO", validation_alias=AliasChoices("LOG_LEVEL"))

    # --- interest before review and escalation (issue 11; the rules are config/escalation.toml) --------
    interest_before_review: bool = Field(
        True, validation_alias=AliasChoices("INTEREST_BEFORE_REVIEW"),
        description="Spørg kandidatens jobkonsulent 1:1 'Er kandidaten interesseret?', ved ny shortlist",
    )
    team_leads: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=dict,
        validation_alias=AliasChoices("TEAM_LEADS"),
        description="Jobkonsulent=teamleder (UPN/e-mail, kommasepareret, eller et JSON-objekt): "
        "modtager en påmindelse, der er ignoreret to gange, når konsulenten ikke har en stedfortræder",
    )

    @field_validator("team_leads", mode="before")
    @classmethod
    def _pairs(cls, value: object) -> object:
        """``kons@kk.dk=teamleder@kk.dk,…`` or a JSON object; keys and values lower-case UPNs."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("{"):
                value = json.loads(text)
            else:
                pairs = [part.split("=", 1) for part in text.split(",") if part.strip()]
                if any(len(p) != 2 for p in pairs):
                    raise ValueError("skrives som konsulent@kk.dk=teamleder@kk.dk, adskilt af komma")
                value = {k: v for k, v in pairs}
        if isinstance(value, dict):
            out = {str(k).strip().lower(): str(v).strip().lower() for k, v in value.items()}
            for upn in (*out, *out.values()):
                if "@" not in upn or any(c.isspace() for c in upn):
                    raise ValueError(f"'{upn}' er ikke en UPN/e-mail (fx teamleder@kk.dk)")
            return out
        return value

    @property
    def local_mode(self) -> bool:
        """No app id: no authentication (Bot Framework Emulator, tests)."""
        return not self.app_id

    # --- KEH: outgoing webhooks for job order status changes (issue 11) --------------------
    keh_webhook_url: str = Field(
        "", validation_alias=AliasChoices("KEH_WEBHOOK_URL"),
        description="Hvor statusændringer på jobordrer sendes (https://…); tom: ingen webhooks, kun feedet",
    )
    keh_webhook_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        validation_alias=AliasChoices("KEH_WEBHOOK_KEYS"),
        description="Kommasepareret liste af nøgle-id:hemmelighed, den nyeste først; hver nøgle underskriver "
        "(rotation: tilføj den nye først, fjern den gamle, når modtageren kender den nye)",
    )
    keh_webhook_interval_seconds: float = Field(
        5.0, gt=0, le=3600, validation_alias=AliasChoices("KEH_WEBHOOK_INTERVAL_SECONDS"),
        description="Så ofte (s) sendes ventende webhooks, og udløbne jobordrer findes",
    )
    keh_webhook_timeout_seconds: float = Field(
        10.0, gt=0, le=120, validation_alias=AliasChoices("KEH_WEBHOOK_TIMEOUT_SECONDS"),
        description="Så længe (s) ventes på modtagerens svar, før forsøget regnes som fejlet",
    )
    keh_webhook_max_backoff_seconds: float = Field(
        3600.0, ge=1, validation_alias=AliasChoices("KEH_WEBHOOK_MAX_BACKOFF_SECONDS"),
        description="Længste pause (s) mellem to forsøg (5 s, 10 s, 20 s … op til denne)",
    )

    @field_validator("card_signing_keys", mode="before")
    @classmethod
    def _split_card_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("card_signing_keys")
    @classmethod
    def _card_keys(cls, value: list[SecretStr]) -> list[SecretStr]:
        for n, item in enumerate(value, 1):
            if len(item.get_secret_value()) < MIN_CARD_KEY_CHARS:
                raise ValueError(f"nøgle nr. {n} skal være mindst {MIN_CARD_KEY_CHARS} tegn")
        return value

    @field_validator("keh_webhook_keys", mode="before")
    @classmethod
    def _split_webhook_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("keh_webhook_keys")
    @classmethod
    def _webhook_keys(cls, value: list[SecretStr]) -> list[SecretStr]:
        for item in value:
            key_id, _, secret = item.get_secret_value().partition(":")
            if not key_id or not key_id.replace("-", "").replace("_", "").replace(".", "").isalnum():
                raise ValueError("hver nøgle skrives nøgle-id:hemmelighed (fx k2026:…)")
            if len(secret) < 16:
                raise ValueError(f"hemmeligheden for nøgle '{key_id}' skal være mindst 16 tegn")
        return value

    @property
    def keh_webhook_signing_keys(self) -> list[tuple[str, bytes]]:
        """(key id, secret) pairs in the configured order (the first is the current key)."""
        pairs = (k.get_secret_value().partition(":") for k in self.keh_webhook_keys)
        return [(key_id, secret.encode()) for key_id, _, secret in pairs]
