"""Document uploads, replacements and deletions, applied to the index in the background.

An upload is checked completely before it is accepted (name, type, size, and that its text can be
extracted — in a separate process with CPU and memory limits, :mod:`hoidap.ingest.sandbox`), so a
rejected upload changes nothing and a hostile file costs seconds. An accepted change becomes a job
run by one worker thread under a lock: the ingestion pipeline writes a new index version beside
the served one, then a new QAService is built on it, reusing the loaded embedder, and swapped in
with one assignment (see :mod:`hoidap.api.state`). Questions keep being answered by the old
version until then.

Jobs are kept in ``<data_dir>/jobs.sqlite3`` (:mod:`hoidap.api.jobs`) and survive a restart:

- a **queued** job stays queued and runs once the index is loaded again;
- a job **running** when the server is stopped gracefully (SIGTERM) is interrupted and **queued
  again**: it runs from the start after the restart (an ingest is atomic, so re-running is safe);
- a job found **running** at start-up was interrupted by a crash (kill -9, out of memory), possibly
  caused by the job itself: it is reported **cancelled**, with a message asking to upload again;
- ``DELETE /v1/documents/jobs/{id}`` cancels a queued job, or stops a running one (its parse child
  is killed, its embedding stops at the next batch); a job that has written its index finishes.

With several worker processes (``hoidap serve --workers N``) one of them runs the jobs, the
holder of a lock file (:class:`hoidap.api.workers.RunnerLock`); any worker accepts uploads and
reports jobs (the job store is shared), and the runner picks up jobs queued by the others.

Files: an accepted upload waits in ``<data_dir>/documents/.staging/<job>/`` and moves to
``<data_dir>/documents/`` once its index version is served. At start-up, staging folders that no
queued job needs are removed.
"""

from __future__ import annotations

import logging
import os
import queue
import re
import secrets
import shutil
import threading
import time
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from hoidap.api.errors import ApiError
from hoidap.api.jobs import JobStore
from hoidap.api.models import IngestJob, JobAction, JobStatus
from hoidap.api.state import ServiceHolder
from hoidap.api.workers import RunnerLock
from hoidap.index.store import open_index_store
from hoidap.ingest.limits import ParseLimits
from hoidap.ingest.loaders import SUPPORTED_SUFFIXES, LoadError
from hoidap.ingest.pipeline import Ingestor, doc_id_for
from hoidap.ingest.sandbox import LoadCancelled, SandboxLoader
from hoidap.qa.service import QAService
from hoidap.settings import Settings

logger = logging.getLogger(__name__)

_FINISHED: tuple[JobStatus, ...] = ("done", "failed", "cancelled")
# How long DELETE /v1/documents/jobs/{id} waits for a running job to stop before answering.
_CANCEL_WAIT_SECONDS = 5.0
# How often the runner among several workers looks for jobs queued by the other workers.
_POLL_SECONDS = 0.5
_INTERRUPTED_BY_SHUTDOWN = "Bị gián đoạn khi máy chủ tắt; sẽ chạy lại khi máy chủ khởi động lại."
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


class JobInterrupted(Exception):
    """Raised inside a running job when it was asked to stop (cancel or shutdown)."""


class _RunningJob:
    """The job the worker is on, and how to stop it: kill its parse child, stop at the next batch."""

    def __init__(self, job_id: str, loader: SandboxLoader) -> None:
        self.job_id = job_id
        self.loader = loader
        self.stop_reason: str | None = None  # "cancel" or "shutdown"

    def stop(self, reason: str) -> None:
        self.stop_reason = self.stop_reason or reason
        self.loader.cancel()

    def check(self, *_: object) -> None:
        """The ingestion progress callback: between embedding batches, a stop request ends the job."""
        if self.stop_reason is not None:
            raise JobInterrupted(self.stop_reason)


class DocumentLibrary:
    def __init__(
        self,
        settings: Settings,
        holder: ServiceHolder,
        on_finished: Callable[[IngestJob], None] | None = None,
        runner_lock: RunnerLock | None = None,
    ) -> None:
        self.settings = settings
        # Several workers: only the holder of this lock runs jobs (None: this process is the only one).
        self.runner_lock = runner_lock
        self._waiting_for_lock: threading.Thread | None = None
        self.holder = holder
        self.on_finished = on_finished
        self.documents_dir = settings.documents_dir
        self.staging_dir = settings.documents_dir / ".staging"
        self.limits = ParseLimits.from_settings(settings)
        # One writer at a time: two ingests must not both build on the same previous version.
        self._ingest_lock = threading.Lock()
        # Guards the hand-over of a job between the worker (queued → running) and cancel().
        self._state_lock = threading.Lock()
        self._store: JobStore | None = None
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._worker: threading.Thread | None = None
        self._current: _RunningJob | None = None
        self._stopping = False

    # ---------- life cycle ----------
    def start(self) -> None:
        """Open the job store, settle jobs left by the previous run, clean staging, start the worker.

        Among several workers only the lock holder does this; the others wait for the lock in a
        daemon thread (and take over, settling the jobs the previous runner left, if it dies)."""
        with self._state_lock:
            if self._worker is not None and self._worker.is_alive() and not self._stopping:
                return
            self._stopping = False
            if self.runner_lock is not None and not self.runner_lock.acquire(wait=False):
                if self._waiting_for_lock is None or not self._waiting_for_lock.is_alive():
                    self._waiting_for_lock = threading.Thread(
                        target=self._take_over_when_free, name="hoidap-ingest-standby", daemon=True
                    )
                    self._waiting_for_lock.start()
                return
            store = self.store
            self._queue = queue.Queue()
            for job in store.with_status("running"):
                store.save(
                    job.model_copy(
                        update={
                            "status": "cancelled",
                            "message": "Tác vụ bị gián đoạn vì máy chủ dừng đột ngột. Hãy gửi lại tệp.",
                            "finished_at": datetime.now(UTC),
                        }
                    )
                )
            for job in store.with_status("queued"):
                self._queue.put(job.job_id)
            self._clean_staging(store.staged_paths())
            # The worker gets its own queue: a worker left over from an earlier start never takes new jobs.
            self._worker = threading.Thread(target=self._work, args=(self._queue,), name="hoidap-ingest", daemon=True)
            self._worker.start()

    def _take_over_when_free(self) -> None:
        if self.runner_lock is not None and self.runner_lock.acquire(wait=True) and not self._stopping:
            logger.warning("this worker now runs the document jobs")
            self.start()

    @property
    def runs_jobs(self) -> bool:
        return self.runner_lock is None or self.runner_lock.held

    def _clean_staging(self, needed: set[Path]) -> None:
        if not self.staging_dir.is_dir():
            return
        keep = {path.parent.resolve() for path in needed}
        for folder in self.staging_dir.iterdir():
            if folder.resolve() not in keep:
                logger.warning("removing staging folder left by an earlier run: %s", folder)
                shutil.rmtree(folder, ignore_errors=True) if folder.is_dir() else folder.unlink(missing_ok=True)

    def shutdown(self, grace_seconds: float = 5.0) -> None:
        """Stop accepting, interrupt the running job (queued again for the next start), and wait up to
        ``grace_seconds`` for the worker; the worker thread is a daemon, so the process exits anyway."""
        with self._state_lock:
            self._stopping = True
            running = self._current
            worker = self._worker
        if running is not None:
            running.stop("shutdown")
        self._queue.put(None)
        if worker is not None:
            worker.join(timeout=grace_seconds)
            if worker.is_alive():
                # Inside one embedding batch or writing the index: not interruptible. The process
                # exits without it (daemon thread; the index write is atomic) and the job is queued
                # again, so the next start runs it (unchanged content is then recognised and kept).
                self._requeue_interrupted(running)
                logger.warning("document job still running after %.0f s; queued again, exiting", grace_seconds)
                return  # the store stays open for the thread; the process is ending
        with self._state_lock:
            if self._store is not None:
                self._store.close()
                self._store = None
            self._worker = None
            if self.runner_lock is not None:
                self.runner_lock.release()

    def _requeue_interrupted(self, running: _RunningJob | None) -> None:
        if running is None:
            return
        job = self.store.get(running.job_id)
        if job is not None and job.status == "running":
            self._save(job, status="queued", message=_INTERRUPTED_BY_SHUTDOWN)

    @property
    def store(self) -> JobStore:
        """The job store, opened on first use (the worker is started by :meth:`start`)."""
        if self._store is None:
            self._store = JobStore(self.settings.data_dir / "jobs.sqlite3")
        return self._store

    # ---------- jobs ----------
    def job(self, job_id: str) -> IngestJob | None:
        return self.store.get(job_id)

    def _save(self, job: IngestJob, **changes: object) -> IngestJob:
        job = job.model_copy(update=changes)
        self.store.save(job)
        return job

    def cancel(self, job_id: str) -> IngestJob:
        """Cancel a queued job at once, or stop a running one, waiting a few seconds for it to stop.

        A running job stops when its parse child is killed or at its next embedding batch; if that
        takes longer than the wait, the job is returned still ``running`` (message: stopping) and
        becomes ``cancelled`` shortly after.
        """
        store = self.store
        with self._state_lock:
            job = store.get(job_id)
            if job is None:
                raise ApiError(404, "job_not_found", f"Không có tác vụ mã “{job_id}”.")
            if job.status in _FINISHED:
                raise ApiError(
                    409, "job_finished", f"Tác vụ “{job_id}” đã kết thúc (trạng thái {job.status}), không còn gì để hủy."
                )
            running = self._current if self._current is not None and self._current.job_id == job_id else None
            if running is None and job.status == "running" and not self.runs_jobs:
                raise ApiError(
                    409,
                    "job_running_elsewhere",
                    f"Tác vụ “{job_id}” đang chạy ở một tiến trình khác của máy chủ. Hãy gửi lại yêu cầu hủy "
                    "sau vài giây (yêu cầu có thể đến đúng tiến trình đó), hoặc chờ tác vụ kết thúc.",
                )
            if running is None:
                job = self._save(
                    job, status="cancelled", message="Đã hủy theo yêu cầu, trước khi chạy.", finished_at=datetime.now(UTC)
                )
                staged, _ = store.work(job_id)
                if staged is not None:
                    shutil.rmtree(staged.parent, ignore_errors=True)
        if running is None:
            if self.on_finished:
                self.on_finished(job)
            return job
        running.stop("cancel")
        job = self._save(job, message="Đang dừng theo yêu cầu hủy…")
        deadline = time.monotonic() + _CANCEL_WAIT_SECONDS
        while time.monotonic() < deadline:
            job = store.get(job_id) or job
            if job.status != "running":
                break
            time.sleep(0.1)
        return job

    # ---------- requests ----------
    def _serving_service(self) -> QAService:
        current = self.holder.current
        if current is None:
            raise ApiError(503, "index_not_ready", "Chỉ mục đang được nạp. Hãy thử lại sau ít phút.")
        return current.service

    def _accepting(self) -> None:
        if self._stopping:
            raise ApiError(
                503,
                "shutting_down",
                "Máy chủ đang tắt, không nhận thay đổi văn bản. Hãy thử lại sau ít phút.",
                {"Retry-After": "30"},
            )
        self.start()  # no-op once running; an app used without its lifespan (tests) starts here

    def submit_upload(self, filename: str | None, data: bytes, replace_doc_id: str | None = None) -> IngestJob:
        """Check an upload and queue it; raises :class:`ApiError` (nothing changed) when it is refused."""
        self._accepting()
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
            # In a child process with CPU and memory limits: a hostile file costs seconds, not the server.
            SandboxLoader(self.limits)(staged, self.settings.upload_max_bytes)
        except (LoadError, LoadCancelled) as error:
            shutil.rmtree(staged.parent, ignore_errors=True)
            reason = error.reason if isinstance(error, LoadError) else str(error)
            raise ApiError(
                422,
                "upload_unreadable",
                f"Không đọc được nội dung tệp “{name}”: {reason}. Hãy kiểm tra tệp rồi tải lên lại.",
            ) from error
        job = IngestJob(
            job_id=job_id,
            action=action,
            status="queued",
            source=name,
            doc_id=new_id,
            submitted_at=datetime.now(UTC),
        )
        self._enqueue(job, staged, remove)
        return job

    def submit_delete(self, doc_id: str) -> IngestJob:
        self._accepting()
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
        self._enqueue(job, None, [document.source])
        return job

    def _enqueue(self, job: IngestJob, staged: Path | None, remove: list[str]) -> None:
        self.store.add(job, staged, remove)
        if self.runs_jobs:
            self._queue.put(job.job_id)  # otherwise the runner finds it in the shared store

    @staticmethod
    def _conflict(name: str, existing_source: str, doc_id: str) -> ApiError:
        return ApiError(
            409,
            "document_conflict",
            f"Tệp “{name}” trùng mã văn bản “{doc_id}” với tệp “{existing_source}”. Để thay thế văn bản đó, "
            f"hãy gửi PUT /v1/documents/{doc_id}; nếu là văn bản khác, hãy đổi tên tệp.",
        )

    # ---------- the worker ----------
    def _next_job(self, jobs: queue.Queue[str | None]) -> str | None:
        """The next job of this process's queue; among several workers, also those the others queued."""
        if self.runner_lock is None:
            return jobs.get()
        while True:
            try:
                return jobs.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                if self._stopping:
                    return None
                waiting = self.store.with_status("queued")
                if waiting:
                    return waiting[0].job_id

    def _work(self, jobs: queue.Queue[str | None]) -> None:
        while True:
            job_id = self._next_job(jobs)
            if job_id is None or self._stopping:
                return
            # Jobs re-queued at start-up wait for the index: they build on the served version.
            while self.holder.current is None and not self._stopping:
                time.sleep(0.2)
            if self._stopping:
                return
            try:
                self._run(job_id)
            except Exception:  # the worker must survive anything a job does
                logger.exception("document job %s could not be settled", job_id)

    def _claim(self, job_id: str) -> tuple[IngestJob, _RunningJob] | None:
        """queued → running, unless the job was cancelled meanwhile or the server is stopping."""
        with self._state_lock:
            job = self.store.get(job_id)
            if job is None or job.status != "queued" or self._stopping:
                return None
            running = _RunningJob(job_id, SandboxLoader(self.limits))
            self._current = running
            return self._save(job, status="running", message=None), running

    def _run(self, job_id: str) -> None:
        claimed = self._claim(job_id)
        if claimed is None:
            return
        job, running = claimed
        staged, remove = self.store.work(job_id)
        try:
            with self._ingest_lock:
                job = self._apply(job, staged, remove, running)
        except (JobInterrupted, LoadCancelled):
            if running.stop_reason == "shutdown":
                job = self._save(job, status="queued", message=_INTERRUPTED_BY_SHUTDOWN)
                logger.warning("document job %s interrupted by shutdown, queued again", job_id)
            else:
                job = self._save(job, status="cancelled", message="Đã hủy theo yêu cầu.", finished_at=datetime.now(UTC))
        except Exception as error:  # a failed job must be reported, never kill the worker
            logger.exception("document job %s failed", job_id)
            job = self._save(job, status="failed", message=f"Lỗi khi cập nhật chỉ mục: {error}", finished_at=datetime.now(UTC))
        finally:
            with self._state_lock:
                self._current = None
        if job.status == "queued":
            return  # interrupted by shutdown: the staged file waits for the next start
        if staged is not None:
            shutil.rmtree(staged.parent, ignore_errors=True)
        if self.on_finished:
            self.on_finished(job)

    def _apply(self, job: IngestJob, staged: Path | None, remove: list[str], running: _RunningJob) -> IngestJob:
        current = self._serving_service()
        settings = self.settings
        embedder = current.embedder  # already loaded: a rebuild never loads the model twice
        store = open_index_store(settings)
        ingestor = Ingestor.from_settings(settings, store, embedder, loader=running.loader)
        running.check()
        if staged is not None and not staged.exists():
            return self._save(
                job,
                status="failed",
                message="Tệp tải lên không còn trong thư mục chờ; hãy gửi lại.",
                finished_at=datetime.now(UTC),
            )
        report = ingestor.ingest(
            [staged] if staged else [],
            remove_sources=remove,
            max_file_bytes=settings.upload_max_bytes,
            progress=running.check,
        )
        if report.failed:
            reasons = "; ".join(reason for _, reason in report.failed)
            return self._save(job, status="failed", message=reasons, finished_at=datetime.now(UTC))
        if report.changed:
            index = store.load(expected_embedder=embedder.name)
            self.holder.swap(QAService(index, embedder, settings))
        self._move_files(staged, remove)
        message = "Không có thay đổi (nội dung giống hệt)." if not report.changed else None
        return self._save(
            job,
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
