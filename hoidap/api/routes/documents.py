"""The document library: list and inspect (public), upload, replace and delete (admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, UploadFile, status
from fastapi.concurrency import run_in_threadpool

from hoidap.api.deps import AdminDep, LibraryDep, ServingDep, SettingsDep
from hoidap.api.errors import ApiError
from hoidap.api.models import DocumentDetail, DocumentList, DocumentSummary, IngestJob
from hoidap.api.routes.responses import errors
from hoidap.api.state import ServingState
from hoidap.domain import Document
from hoidap.qa.service import document_label

router = APIRouter(prefix="/v1/documents", tags=["văn bản"])

UploadDep = Annotated[UploadFile, File(description="Tệp .txt, .md, .docx, .pdf, .html")]


def _summary(document: Document, serving: ServingState) -> DocumentSummary:
    meta = document.metadata
    return DocumentSummary(
        doc_id=document.doc_id,
        source=document.source,
        title=document_label(document, short=False),
        doc_type=meta.doc_type,
        number=meta.number,
        date=meta.date,
        issuer=meta.issuer,
        signer_name=meta.signer_name,
        signer_position=meta.signer_position,
        references=meta.references,
        chunk_count=serving.chunk_counts.get(document.doc_id, 0),
    )


def _document(serving: ServingState, doc_id: str) -> Document:
    document = serving.service.index.documents.get(doc_id)
    if document is None:
        raise ApiError(404, "document_not_found", f"Không có văn bản mã “{doc_id}”. Xem danh sách tại /v1/documents.")
    return document


async def _read_upload(upload: UploadFile, limit: int) -> bytes:
    """At most ``limit + 1`` bytes: enough to know the file is too large without keeping all of it."""
    data = await upload.read(limit + 1)
    await upload.close()
    return data


@router.get("", response_model=DocumentList, responses=errors(429, 503))
def list_documents(serving: ServingDep) -> DocumentList:
    """Các văn bản trong chỉ mục đang phục vụ, kèm siêu dữ liệu (số, loại, ngày, cơ quan, người ký, …)."""
    documents = sorted(serving.service.index.documents.values(), key=lambda d: d.source)
    return DocumentList(index_version=serving.version, documents=[_summary(d, serving) for d in documents])


@router.get("/jobs/{job_id}", response_model=IngestJob, responses=errors(401, 403, 404, 429))
def job_status(job_id: str, _: AdminDep, library: LibraryDep) -> IngestJob:
    """Trạng thái một thay đổi văn bản (queued → running → done | failed | cancelled).

    Tác vụ được lưu trên đĩa và còn sau khi máy chủ khởi động lại: tác vụ đang chờ vẫn chờ; tác vụ
    đang chạy khi máy chủ tắt bình thường được xếp hàng lại; khi máy chủ dừng đột ngột thì báo cancelled.
    """
    job = library.job(job_id)
    if job is None:
        raise ApiError(404, "job_not_found", f"Không có tác vụ mã “{job_id}”.")
    return job


@router.delete("/jobs/{job_id}", response_model=IngestJob, responses=errors(401, 403, 404, 409, 429))
def cancel_job(job_id: str, _: AdminDep, library: LibraryDep) -> IngestJob:
    """""Hủy một tác vụ: tác vụ đang chờ bị hủy ngay; tác vụ đang chạy được dừng (chờ tối đa 10 giây).

    Trả về trạng thái sau khi hủy (thường là cancelled; done nếu tác vụ đã ghi xong chỉ mục). 409 nếu
    tác vụ đã kết thúc.
    """
    return library.cancel(job_id)


@router.get("/{doc_id}", response_model=DocumentDetail, responses=errors(404, 429, 503))
def get_document(doc_id: str, serving: ServingDep) -> DocumentDetail:
    """Siêu dữ liệu và cây mục (phần, mục, điểm) của một văn bản."""
    document = _document(serving, doc_id)
    summary = _summary(document, serving)
    return DocumentDetail(
        **summary.model_dump(), characters=len(document.text), metadata=document.metadata, sections=document.sections
    )


@router.post(
    "",
    response_model=IngestJob,
    status_code=status.HTTP_202_ACCEPTED,
    responses=errors(400, 401, 403, 409, 413, 415, 422, 429, 503),
)
async def upload_document(file: UploadDep, _: AdminDep, library: LibraryDep, settings: SettingsDep) -> IngestJob:
    """Tải lên văn bản mới (hoặc thay văn bản cùng tên tệp). Chỉ mục được cập nhật ở nền rồi thay thế nguyên tử."""
    data = await _read_upload(file, settings.upload_max_bytes)
    return await run_in_threadpool(library.submit_upload, file.filename, data)


@router.put(
    "/{doc_id}",
    response_model=IngestJob,
    status_code=status.HTTP_202_ACCEPTED,
    responses=errors(400, 401, 403, 404, 409, 413, 415, 422, 429, 503),
)
async def replace_document(
    doc_id: str, file: UploadDep, _: AdminDep, library: LibraryDep, settings: SettingsDep
) -> IngestJob:
    """Thay nội dung một văn bản đã có bằng tệp mới."""
    data = await _read_upload(file, settings.upload_max_bytes)
    return await run_in_threadpool(library.submit_upload, file.filename, data, doc_id)


@router.delete(
    "/{doc_id}", response_model=IngestJob, status_code=status.HTTP_202_ACCEPTED, responses=errors(401, 403, 404, 409, 429, 503)
)
def delete_document(doc_id: str, _: AdminDep, library: LibraryDep) -> IngestJob:
    """Xóa một văn bản khỏi chỉ mục (ở nền, thay thế nguyên tử)."""
    return library.submit_delete(doc_id)
