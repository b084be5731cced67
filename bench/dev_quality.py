"""Print the core quality figures on a gold file (in-process): retrieval, key facts, refusal.

Usage: python bench/dev_quality.py [data/eval/dev.jsonl] [--verbose]
"""

from __future__ import annotations

import sys
from pathlib import Path

from hoidap.eval.gold import contains_fact, evidence_found, load_gold
from hoidap.qa.service import QAService
from hoidap.settings import Settings


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    verbose = "--verbose" in sys.argv
    gold = load_gold(Path(args[0] if args else "data/eval/dev.jsonl"))
    service = QAService.from_settings(Settings())
    for variant in ("question", "question_nodiac"):
        top1 = top5 = facts = answered = refused_ok = wrongly_refused = 0
        n_answerable = n_unanswerable = 0
        failures = []
        for item in gold:
            response, trace = service.ask_with_trace(getattr(item, variant), top_k=5)
            if not item.answerable:
                n_unanswerable += 1
                refused_ok += not response.answerable
                if response.answerable and verbose:
                    failures.append((item.id, "ANSWERED", getattr(item, variant), response.answer[:150], trace.coverage, trace.refusal_reason))
                continue
            n_answerable += 1
            texts = [c.text for c in response.citations]
            hit1 = bool(texts) and any(evidence_found(e, texts[0]) for e in item.evidence_list)
            hit5 = any(evidence_found(e, t) for e in item.evidence_list for t in texts[:5])
            top1 += hit1
            top5 += hit5
            all_facts = response.answerable and all(contains_fact(response.answer, f) for f in item.key_facts)
            facts += all_facts
            answered += response.answerable
            wrongly_refused += not response.answerable
            if verbose and not (all_facts and hit1):
                failures.append((item.id, item.type, getattr(item, variant), response.answer[:200].replace("\n", " / "), f"top1={hit1} top5={hit5} cov={trace.coverage:.2f} unk={trace.refusal_reason} intent={trace.question.intent}", item.key_facts))
        print(f"== {variant}: n={len(gold)}")
        print(f"  evidence@1 {top1 / n_answerable:.3f}  evidence@5 {top5 / n_answerable:.3f}")
        print(f"  all key facts {facts / n_answerable:.3f}")
        print(f"  unanswerable refused {refused_ok / max(1, n_unanswerable):.3f}  answerable refused {wrongly_refused / n_answerable:.3f}")
        for failure in failures:
            print("   ", *failure)


if __name__ == "__main__":
    main()
