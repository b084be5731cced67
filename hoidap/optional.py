"""Optional features import their libraries when used, and say which extra to install when missing.

A bare ``pip install hoidap`` gives the command line that ingests, asks, searches and evaluates;
the HTTP service, the bots, QR codes, MP3 and the LangChain baselines come with extras.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

# The extra of pyproject.toml that brings each optional library.
EXTRA_OF = {
    "fastapi": "api",
    "uvicorn": "api",
    "multipart": "api",
    "python_multipart": "api",
    "httpx": "api",
    "prometheus_client": "api",
    "segno": "api",
    "lameenc": "api",
    "telegram": "api",
    "langchain_core": "eval",
    "langchain_community": "eval",
    "langchain_text_splitters": "eval",
    "rank_bm25": "eval",
    "matplotlib": "eval",
    "sentence_transformers": "st",
    "torch": "st",
    "psycopg": "scale",
    "redis": "scale",
    "pymilvus": "scale",
    "milvus_lite": "scale",
}


class MissingExtra(RuntimeError):
    """An optional library is not installed; the message says what to install, in Vietnamese."""

    def __init__(self, module: str, feature: str, message: str | None = None) -> None:
        root = module.split(".")[0]
        extra = EXTRA_OF.get(root)
        how = f"pip install 'hoidap[{extra}]'" if extra else f"pip install {root}"
        super().__init__(message or f"{feature} cần thư viện “{root}” chưa được cài. Hãy cài bằng: {how}")
        self.module = root
        self.extra = extra


def require(module: str, feature: str) -> ModuleType:
    """``importlib.import_module(module)``, or :class:`MissingExtra` naming the extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        if error.name and error.name.split(".")[0] != module.split(".")[0] and error.name.split(".")[0] not in EXTRA_OF:
            raise
        raise MissingExtra(error.name or module, feature) from error


def ensure_installed(feature: str, *modules: str) -> None:
    """Raise :class:`MissingExtra` for the first of ``modules`` that is not installed (nothing is imported)."""
    for module in modules:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            raise MissingExtra(module, feature)


def require_backend(module: str, extra: str, setting: str) -> ModuleType:
    """Import the client library of a server back-end selected by ``setting``, or explain what to
    install (or which setting to unset to keep the embedded default).

    >>> require_backend("psycopg", "scale", "HOIDAP_DATABASE_URL")  # doctest: +SKIP
    """
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise MissingExtra(
            module,
            setting,
            f"{setting} đã được đặt nhưng thiếu thư viện '{module}'. "
            f"Hãy cài: pip install 'hoidap[{extra}]' (hoặc bỏ {setting} để dùng chế độ nhúng mặc định).",
        ) from error
