"""Optional server back-ends are imported only when selected; a missing one says which extra to install.

The embedded default (FAISS files + SQLite) needs none of them, so ``import hoidap`` never pulls
psycopg, redis or pymilvus.
"""

from __future__ import annotations

import importlib
from types import ModuleType


class MissingExtra(RuntimeError):
    """A setting selected a back-end whose client library is not installed."""


def require(module: str, extra: str, setting: str) -> ModuleType:
    """Import ``module`` or explain, in Vietnamese, what to install.

    >>> require("psycopg", "scale", "HOIDAP_DATABASE_URL")  # doctest: +SKIP
    """
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise MissingExtra(
            f"{setting} đã được đặt nhưng thiếu thư viện '{module}'. "
            f"Hãy cài: pip install 'hoidap[{extra}]' (hoặc bỏ {setting} để dùng chế độ nhúng mặc định)."
        ) from error
