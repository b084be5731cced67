"""Claim checking for officers: the verdicts come from qa's statement verification
(:mod:`hoidap.qa.verify`, aligned passage by passage), reached through qa's public face."""

from hoidap.qa import ClaimCheck, ClaimChecker, ClaimPassage, Mismatch, Verdict

__all__ = ["ClaimCheck", "ClaimChecker", "ClaimPassage", "Mismatch", "Verdict"]
