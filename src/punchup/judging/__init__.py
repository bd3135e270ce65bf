"""Judges: rubric (anchored per-criterion scores) and pairwise (both orders), with the injection guard."""

from punchup.judging.guard import DATA_DECLARATION, InjectionReport, detect_injection, wrap_candidate
from punchup.judging.llm.pairwise import PairwiseJudge
from punchup.judging.records import CriterionOutcome, PairResult, RubricResult
from punchup.judging.llm.rubric import RubricJudge, overall_score

__all__ = [
    "DATA_DECLARATION",
    "CriterionOutcome",
    "InjectionReport",
    "PairResult",
    "PairwiseJudge",
    "RubricJudge",
    "RubricResult",
    "detect_injection",
    "overall_score",
    "wrap_candidate",
]
