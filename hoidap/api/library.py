"""Document uploads, replacements and deletions, applied to the index in the background.

An upload is checked completely before it is accepted (name, type, size, and that its text can be
extracted), so a rejected upload changes nothing. An accepted change becomes a job run by one
worker thread under a lock: the ingestion pipeline writes a new index version beside the served
one, then a new QAService is built on it, reusing the loaded embedder, and swapped in with one
assignment (see :mod:`hoidap.api.state`). Questions keep being answered by the old version until then.

Files: an accepted upload waits in ``<data_dir>/documents/.staging/<job>/`` and moves to
``<data_dir>/documents/`` once its index version is served.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from hoidap.api.errors import ApiError
from hoidap.api.models import IngestJob, JobAction
from hoidap.api.state import ServiceHolder
from hoidap.index.store import open_index_store
from hoidap.ingest.chunking import Chunker
from hoidap.ingest.loaders import SUPPORTED_SUFFIXES, LoadError, load_text
from hoidap.ingest.pipeline import Ingestor, doc_id_for
from hoidap.qa.service import QAService
from hoidap.settings import Settings

logger = logging.getLogger(__name__)

_KEEP_JOBS = 100
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


def safe_filename(raw: str | None) -> str:
    """The upload's base name if it is safe to store and show; otherwise a 422 saying why.

    >>> safe_filename("C:\\\\Users\\\\an\\\\Kế hoạch 12.docx")
    'Kế hoạch 12.docx'
    """
    name = unicodedata.normalize("NFC", (raw or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()
    if not name or name.startswith(".") or _UNSAFE_NAME.search(name) or len(name) > 200:
        raise ApiError(
            422,
            "invalid_filename",
            "Tên tệp không hợp lệ. Hãy đặt tên tệp thường (không bắt đầu bằng dấu chấm, tối đa 200 ký tự), "
            "ví dụ ke-hoach-12.docx.",
        )
    if any(unicodedata.category(ch) in ("Cs", "Cc") for ch in name):
        raise ApiError(422, "invalid_filename", "Tên tệp chứa ký tự không hợp lệ. Hãy đổi tên tệp.")
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "(không có đuôi)"
        raise ApiError(
            415,
            "unsupported_type",
            f"Định dạng {shown} không được hỗ trợ. Hãy tải lên tệp {', '.join(SUPPORTED_SUFFIXES)}.",
        )
    return name


class DocumentLibrary:
    def __init__(
        self,
        settings: Settings,
        holder: ServiceHolder,
        on_finished: Callable[[IngestJob], None] | None = None,
    ) -> None:
        self.settings = settings
        self.holder = holder
        self.on_finished = on_finished
        self.documents_dir = settings.documents_dir
        self.staging_dir = settings.documents_dir / ".staging"
        self._jobs: OrderedDict[str, IngestJob] = OrderedDict()
        self._jobs_lock = threading.Lock()
        # One writer at a time: two ingests must not both build on the same previous version.
        self._ingest_lock = threading.Lock()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hoidap-ingest")

    def shutdown(self) -> None:
        self._worker.shutdown(wait=True, cancel_futures=False)

    # ---------- jobs ----------
    def job(self, job_id: str) -> IngestJob | None:
        with self._jobs_lock:
            job = self._jobs.get(job_id)
            return job.model_copy() if job else None

    def _record(self, job: IngestJob) -> None:
        with self._jobs_lock:
            self._jobs[job.job_id] = job
            while len(self._jobs) > _KEEP_JOBS:
                self._jobs.popitem(last=False)

    def _update(self, job_id: str, **changes: object) -> IngestJob:
        with self._jobs_lock:
            job = self._jobs[job_id].model_copy(update=changes)
            self._jobs[job_id] = job
            return job

    # ---------- requests ----------
    def _serving_service(self) -> QAService:
        current = self.holder.current
        if current is None:
            raise ApiError(503, "index_not_ready", "Chỉ mục đang được nạp. Hãy thử lại sau ít phút.")
        return current.service

    def submit_upload(self, filename: str | None, data: bytes, replace_doc_id: str | None = None) -> IngestJob:
        """Check an upload and queue it; raises :class:`ApiError` (nothing changed) when it is refused."""
        service = self._serving_service()
        name = safe_filename(filename)
        if not data:
            raise ApiError(422, "upload_empty", "Tệp tải lên rỗng. Hãy chọn một tệp có nội dung.")
        if len(data) > self.settings.upload_max_bytes:
            raise ApiError(
                413,
                "upload_too_large",
                f"Tệp quá lớn ({len(data) / 1024 / 1024:.1f} MB); tối đa "
                f"{self.settings.upload_max_bytes / 1024 / 1024:.1f} MB.",
            )
        documents = service.index.documents
        by_source = {d.source: d for d in documents.values()}
        new_id = doc_id_for(name)
        remove: list[str] = []
        if replace_doc_id is not None:
            old = documents.get(replace_doc_id)
            if old is None:
                raise ApiError(404, "document_not_found", f"Không có văn bản mã “{replace_doc_id}” để thay thế.")
            action: JobAction = "replace"
            if old.source != name:
                remove.append(old.source)
            clash = documents.get(new_id)
            if clash is not None and clash.doc_id != replace_doc_id:
                raise self._conflict(name, clash.source, clash.doc_id)
        else:
            action = "replace" if name in by_source else "add"
            clash = documents.get(new_id)
            if clash is not None and clash.source != name:
                raise self._conflict(name, clash.source, clash.doc_id)

        job_id = secrets.token_hex(8)
        staged = self.staging_dir / job_id / name
        staged.parent.mkdir(parents=True, exist_ok=True)
        staged.write_bytes(data)
        try:
            load_text(staged, max_bytes=self.settings.upload_max_bytes)
        except LoadError as error:
            shutil.rmtree(staged.parent, ignore_errors=True)
            raise ApiError(
                422,
                "upload_unreadable",
                f"Không đọc được nội dung tệp “{name}”: {error.reason}. Hãy kiểm tra tệp rồi tải lên lại.",
            ) from error
        job = IngestJob(
            job_id=job_id,
            action=action,
            status="queued",
            source=name,
            doc_id=new_id,
            submitted_at=datetime.now(UTC),
        )
        self._record(job)
        self._worker.submit(self._run, job_id, staged, remove)
        return job

    def submit_delete(self, doc_id: str) -> IngestJob:
        service = self._serving_service()
        document = service.index.documents.get(doc_id)
        if document is None:
            raise ApiError(404, "document_not_found", f"Không có văn bản mã “{doc_id}”. Xem danh sách tại /v1/documents.")
        if len(service.index.documents) <= 1:
            raise ApiError(
                409,
                "last_document",
                "Không thể xóa văn bản cuối cùng: chỉ mục cần ít nhất một văn bản. Hãy tải văn bản mới lên trước.",
            )
        job = IngestJob(
            job_id=secrets.token_hex(8),
            action="delete",
            status="queued",
            source=document.source,
            doc_id=doc_id,
            submitted_at=datetime.now(UTC),
        )
        self._record(job)
        self._worker.submit(self._run, job.job_id, None, [document.source])
        return job

    @staticmethod
    def _conflict(name: str, existing_source: str, doc_id: str) -> ApiError:
        return ApiError(
            409,
            "document_conflict",
            f"Tệp “{name}” trùng mã văn bản “{doc_id}” với tệp “{existing_source}”. Để thay thế văn bản đó, "
            f"hãy gửi PUT /v1/documents/{doc_id}; nếu là văn bản khác, hãy đổi tên tệp.",
        )

    # ---------- the worker ----------
    def _run(self, job_id: str, staged: Path | None, remove: list[str]) -> None:
        self._update(job_id, status="running")
        try:
            with self._ingest_lock:
                job = self._apply(job_id, staged, remove)
        except Exception as error:  # a failed job must be reported, never kill the worker
            logger.exception("document job %s failed", job_id)
            job = self._update(
                job_id, status="failed", message=f"Lỗi khi cập nhật chỉ mục: {error}", finished_at=datetime.now(UTC)
            )
        finally:
            if staged is not None:
                shutil.rmtree(staged.parent, ignore_errors=True)
        if self.on_finished:
            self.on_finished(job)

    def _apply(self, job_id: str, staged: Path | None, remove: list[str]) -> IngestJob:
        current = self._serving_service()
        settings = self.settings
        embedder = current.embedder  # already loaded: a rebuild never loads the model twice
        store = open_index_store(settings)
        ingestor = Ingestor(
            store,
            embedder,
            Chunker(settings.chunk_max_chars, settings.chunk_overlap_sentences),
            settings.dense_flat_max_vectors,
        )
        report = ingestor.ingest(
            [staged] if staged else [], remove_sources=remove, max_file_bytes=settings.upload_max_bytes
        )
        if report.failed:
            reasons = "; ".join(reason for _, reason in report.failed)
            return self._update(job_id, status="failed", message=reasons, finished_at=datetime.now(UTC))
        if report.changed:
            index = store.load(expected_embedder=embedder.name)
            self.holder.swap(QAService(index, embedder, settings))
        self._move_files(staged, remove)
        message = "Không có thay đổi (nội dung giống hệt)." if not report.changed else None
        return self._update(
            job_id,
            status="done",
            message=message,
            index_version=report.index_version,
            finished_at=datetime.now(UTC),
        )

    def _move_files(self, staged: Path | None, remove: list[str]) -> None:
        """Keep a copy of every served upload under documents/, and none of a deleted one."""
        self.documents_dir.mkdir(parents=True, exist_ok=True)
        for source in remove:
            path = self.documents_dir / source
            if path.is_file() and path.resolve().parent == self.documents_dir.resolve():
                path.unlink()
        if staged is not None and staged.exists():
            os.replace(staged, self.documents_dir / staged.name)
