"""Deployment settings from the environment and `.env` (every one is listed in .env.example)."""

from __future__ import annotations

import hashlib
from functools import cached_property
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

from flows.reminders import Policy, parse_clock


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(
        default="sqlite:///data/cchc.sqlite3",
        description="SQLAlchemy URL: a SQLite file by default, or postgresql+psycopg://…",
    )
    timezone: str = Field(default="Asia/Ho_Chi_Minh", description="Local time of the deployment.")
    invite_ttl_days: int = Field(default=14, ge=1, description="Days an invite code stays valid.")
    demo_database_url: str = Field(
        default="sqlite:///data/demo.sqlite3", description="Where `cchc-bot demo` keeps its data."
    )
    log_level: str = Field(default="INFO", description="Python logging level.")

    telegram_bot_token: SecretStr | None = Field(
        default=None, description="The token BotFather gave; Telegram is off without it."
    )
    telegram_api_base_url: str = Field(
        default="https://api.telegram.org/bot",
        description="Bot API endpoint; point it at a local Bot API server if you run one.",
    )
    telegram_bot_username: str | None = Field(
        default=None, description="The bot's @username, to print t.me deep links with invites."
    )
    telegram_max_messages_per_second: float = Field(
        default=30, ge=0, description="Overall send rate toward Telegram (0 = no limiter)."
    )
    telegram_connections: int = Field(
        default=16,
        ge=1,
        le=256,
        description="Connections kept open to the Bot API: 16 carry 30 messages a second "
        "at up to half a second a round trip; each one more costs CPU on every message.",
    )
    webhook_url: str | None = Field(
        default=None, description="Public HTTPS URL for Telegram to call; long polling when unset."
    )
    webhook_listen: str = Field(default="0.0.0.0", description="Address the webhook listens on.")
    webhook_port: int = Field(default=8443, description="Port the webhook listens on.")
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="Secret Telegram sends in X-Telegram-Bot-Api-Secret-Token; derived if unset.",
    )

    zalo_bot_token: SecretStr | None = Field(
        default=None, description="The Zalo Bot Platform token; Zalo is off without it."
    )
    zalo_api_base_url: str = Field(
        default="https://bot-api.zaloplatforms.com",
        description="Zalo Bot API endpoint (the bot appends /bot<token>/<method>).",
    )
    zalo_webhook_url: str | None = Field(
        default=None, description="Public HTTPS URL for Zalo to call; long polling when unset."
    )
    zalo_webhook_secret: SecretStr | None = Field(
        default=None,
        description="Secret Zalo sends in X-Bot-Api-Secret-Token; derived if unset.",
    )
    zalo_bot_name: str | None = Field(
        default=None, description="The bot's name as people find it in Zalo, for invite cards."
    )
    zalo_max_messages_per_second: float = Field(
        default=10, ge=0, description="Overall send rate toward Zalo (0 = no limiter)."
    )

    public_base_url: str | None = Field(
        default=None,
        description="Public address of the bot's web server, for download links (Zalo files).",
    )
    http_listen: str = Field(default="0.0.0.0", description="Address the web server listens on.")
    http_port: int = Field(default=8080, description="Port of the web server (files, Zalo hook).")
    download_link_hours: float = Field(
        default=24, gt=0, description="Hours a download link stays valid."
    )
    download_secret: SecretStr | None = Field(
        default=None, description="Key that signs download links; derived from the tokens if unset."
    )
    web_secret: SecretStr | None = Field(
        default=None,
        description="Key that signs the web console's sign-in links; derived if unset.",
    )
    web_sign_in_minutes: float = Field(
        default=10, gt=0, description="Minutes a web console sign-in link stays valid."
    )
    web_idle_hours: float = Field(
        default=12, gt=0, description="Hours without a page view after which a session ends."
    )

    reminder_time: str = Field(
        default="08:00", description="Local time of day at which dated reminders go out."
    )
    reminder_days_before: str = Field(
        default="7,3,1,0", description="Days before the deadline to remind (0 = on the day)."
    )
    quiet_hours: str = Field(
        default="21:00-07:00", description="Local hours when nothing is sent; due ones wait."
    )
    round_calendar: str = Field(
        default="",
        description="Quarterly rounds opened by themselves: 'xa:20' = template:deadline day.",
    )
    reminders: bool = Field(default=True, description="Run the reminder scheduler with the bot.")

    @property
    def reminder_policy(self) -> Policy:
        start, _, end = self.quiet_hours.partition("-")
        return Policy(
            at=parse_clock(self.reminder_time),
            days_before=tuple(int(d) for d in self.reminder_days_before.split(",") if d.strip()),
            quiet_start=parse_clock(start),
            quiet_end=parse_clock(end or start),
        )

    @property
    def calendar(self) -> list[tuple[str, int]]:
        """[(template, deadline day of the quarter's last month)]."""
        out = []
        for item in self.round_calendar.split(","):
            if item.strip():
                template, _, day = item.strip().partition(":")
                out.append((template.strip(), int(day or 20)))
        return out

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def telegram_file_base_url(self) -> str:
        return self.telegram_api_base_url.removesuffix("/bot") + "/file/bot"

    @property
    def webhook_secret_token(self) -> str:
        """Stable across restarts and processes without another secret to manage."""
        return _secret(self.webhook_secret, "cchc-webhook", self.telegram_bot_token)

    @property
    def zalo_webhook_secret_token(self) -> str:
        return _secret(self.zalo_webhook_secret, "cchc-zalo-webhook", self.zalo_bot_token)

    @property
    def download_signing_key(self) -> str:
        """Every process sharing the database signs alike, so any of them serves a link."""
        tokens = [t.get_secret_value() for t in (self.zalo_bot_token, self.telegram_bot_token) if t]
        if self.download_secret is None and not tokens:
            raise ValueError("download links need DOWNLOAD_SECRET or a bot token to sign with")
        return _secret(self.download_secret, "cchc-download", SecretStr("|".join(tokens)))

    @property
    def web_signing_key(self) -> str:
        """Sign-in links and the console's CSRF tokens; alike in every process, as above."""
        tokens = [t.get_secret_value() for t in (self.zalo_bot_token, self.telegram_bot_token) if t]
        if self.web_secret is None and not tokens:
            raise ValueError("the web console needs WEB_SECRET or a bot token to sign with")
        return _secret(self.web_secret, "cchc-web", SecretStr("|".join(tokens)))

    @property
    def web_console(self) -> bool:
        """The console is served where it can be reached: at PUBLIC_BASE_URL."""
        return bool(self.public_base_url)

    @property
    def secrets(self) -> list[str]:
        """Every secret this deployment holds, for the log filter (bot/log_safety)."""
        out = [t.get_secret_value() for t in (self.telegram_bot_token, self.zalo_bot_token) if t]
        if self.telegram_bot_token:
            out.append(self.webhook_secret_token)
        if self.zalo_bot_token:
            out.append(self.zalo_webhook_secret_token)
        if self.download_secret or out:
            out.append(self.download_signing_key)
        if self.web_secret or self.telegram_bot_token or self.zalo_bot_token:
            out.append(self.web_signing_key)
        password = make_url(self.database_url).password if "://" in self.database_url else None
        if password:
            out.append(str(password))
        return out

    @property
    def transports(self) -> list[str]:
        """The chat platforms `cchc-bot run` starts: every one whose token is set."""
        tokens = {"telegram": self.telegram_bot_token, "zalo": self.zalo_bot_token}
        return [name for name, token in tokens.items() if token is not None]


def _secret(explicit: SecretStr | None, purpose: str, token: SecretStr | None) -> str:
    if explicit is not None:
        return explicit.get_secret_value()
    seed = token.get_secret_value() if token is not None else ""
    return hashlib.sha256(f"{purpose}:{seed}".encode()).hexdigest()[:48]


def load() -> Settings:
    return Settings()
