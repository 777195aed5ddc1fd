"""Deployment settings from the environment and `.env` (every one is listed in .env.example)."""

from __future__ import annotations

from functools import cached_property
from zoneinfo import ZoneInfo

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def load() -> Settings:
    return Settings()
