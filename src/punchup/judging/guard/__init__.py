"""The injection guard: keep candidate texts from steering the judge.

`wrap_candidate` fences a candidate between markers it cannot forge (wrap.py);
`detect_injection` reads a candidate for attempts to talk to whoever grades it
and reports them (detect.py). One idea per module: normalise.py (the views the
rules read), speech.py (character speech the weaker rules ignore), rule.py and
vocabulary.py (what a rule is and the words rules are built from), the rule
tables as data (rules_address.py, rules_format.py, rules_categories.py,
languages.py) and encoded.py (payloads in base64, hex, ROT13).
"""

from punchup.judging.guard.detect import RULES, InjectionReport, detect_injection
from punchup.judging.guard.wrap import (
    DATA_DECLARATION,
    candidate_markers,
    wrap_candidate,
)

__all__ = ["DATA_DECLARATION", "RULES", "InjectionReport", "candidate_markers", "detect_injection", "wrap_candidate"]
