"""Evaluation: score hoidap against a gold set, beside LangChain baselines (``hoidap eval``).

gold.py          gold questions (JSONL) and the text matching rules
metrics.py       one answer → a QuestionScore; many → a flat dict of named floats
systems.py       hoidap in-process or over HTTP (/v1/ask)
baselines.py     the LangChain tutorial pipeline (split + FAISS) and BM25Retriever, top chunk as answer
langchain_*.py   hoidap's retriever as a LangChain BaseRetriever, its embedder as LangChain Embeddings
vector_cache.py  passage vectors kept on disk by text hash, so reruns embed nothing twice
harness.py       one run: build the eval's own index, ask every system every question in both forms
outputs.py       metrics.json, run.json, questions.jsonl — the only inputs of report.py and plots.py
thresholds.py    --min / --max quality gates
commands.py      the CLI command
"""
