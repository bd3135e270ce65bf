"""Rules by category for attempts the first rule tables missed: judge-output blocks and score lines,
comments and hidden markup addressed to a reader of the code, authority and penalty claims about the
score, role transcripts, and comparative instructions. Each rule names a general shape of the attempt,
not one wording of it (held-out probes in tests/judging/probes/ measure whether that worked).
"""

from __future__ import annotations

import re

from punchup.judging.guard.rule import Rule, near_perfect, rx

# What an evaluation is called, as a heading or a label.
_EVAL_HEADING = (
    r"(?:(?:final|overall|official|judge'?s?|judges'|grader'?s?|evaluator'?s?|reviewer'?s?|AI)\s+){0,2}"
    r"(?:evaluation|assessment|verdict|scores?|scoring|scorecard|rating|ratings|grading|grade|judge?ment|review|feedback)"
    r"(?:\s+(?:summary|results?|notes?|report|breakdown))?"
)
_EVAL_WORDS = (
    r"(?:scor\w*|rat(?:e|ed|ing|ings)|grad(?:e|ed|er|ers|ing)|judg\w*|evaluat\w*|review\w*|rank\w*|prefer\w*|rubric|"
    r"criteria|winner|verdict|assess\w*|AI|LLM|model|bot|\d+\s*/\s*\d+|full\s+marks|reference\s+answer|correct\s+output)"
)
_SELF = r"(?:this|the\s+(?:first|second|above|following)|text\s+[AB12]|response\s+[AB12]|candidate\s+[AB12])"
_BETTER = r"(?:better|best|the\s+winner|winner|superior|stronger|preferred|chosen|the\s+one\s+to\s+pick)"
_PENALTY = (
    r"(?:error|mistake|wrong|incorrect|invalid|bug|failure|violat\w*|penali[sz]\w*|reported|flagged|audited|"
    r"disqualif\w*|retrain\w*|against\s+(?:the\s+)?(?:rules|rubric|policy|guidelines))"
)

CATEGORY_RULES: tuple[Rule, ...] = (
    # ---- judge-output blocks and score lines anywhere in the text
    Rule("fake-judge-output",
         rx(rf"^[ \t]*(?:#{{1,6}}[ \t]*|\*\*|__|-{{3,}}\s*\n[ \t]*\*\*)?{_EVAL_HEADING}[ \t]*(?:\*\*|__)?[ \t]*:?[ \t]*$")),
    Rule("fake-judge-output",
         rx(r"^[ \t>*_#-]*(?:[\w'-]+[ \t]+){0,3}?[\w'-]+[ \t]*(?:\*\*)?[ \t]*[:=\u2014-][ \t]*(?:\*\*)?[ \t]*(?:[\u2605\u2606*]+\s*\(?)?"
            r"(?P<got>\d+(?:\.\d+)?)\s*(?:/|out\s+of)\s*(?P<of>\d+(?:\.\d+)?)"),
         accept=near_perfect),
    Rule("fake-judge-output",
         rx(rf"^[ \t>*_#-]*{_EVAL_HEADING}\b[^.\n]{{0,60}}?(?P<got>\d+(?:\.\d+)?)\s*(?:/|out\s+of)\s*(?P<of>\d+(?:\.\d+)?)"),
         counts_in_speech=False, accept=near_perfect),
    Rule("fake-judge-output", rx(r"^[ \t>*_#-]*(?:rating|score|verdict|stars?)\s*:\s*[\u2605*]{4,}")),
    # ---- comments and hidden markup: nobody reads them but a machine
    Rule("markup-comment", rx(rf"<!--(?:(?!-->)[\s\S]){{0,400}}?\b{_EVAL_WORDS}\b[\s\S]{{0,400}}?-->")),
    Rule("markup-comment", rx(rf"^\s*\[//\]:\s*#\s*[(\"'][^\n]*?\b{_EVAL_WORDS}\b")),
    Rule("markup-comment", rx(rf"/\*(?:(?!\*/)[\s\S]){{0,400}}?\b{_EVAL_WORDS}\b[\s\S]{{0,400}}?\*/")),
    Rule("markup-comment", rx(r"^\s*(?://|#|%|;)\s*(?:note\s+)?(?:to|for)\s+(?:the\s+)?(?:AI|model|judge|grader|evaluator|reviewer)s?\b")),
    Rule("hidden-markup",
         rx(r"<[a-z][^>\n]{0,80}?(?:display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0|opacity\s*:\s*0|\bhidden\b)[^>\n]{0,80}>")),
    # ---- authority and penalty claims about the score
    Rule("authority-claim",
         rx(rf"\b(?:any|a|every)\s+(?:lower\s+)?(?:score|rating|grade|mark)\s+(?:below|under|less\s+than|lower\s+than|other\s+than|"
            rf"short\s+of)\s+[\w.]+[^.\n]{{0,60}}?\b{_PENALTY}"), counts_in_speech=False),
    Rule("authority-claim",
         rx(rf"\b(?:scoring|rating|grading|marking|ranking|judging)\s+(?:this|it|the)\s+(?:[\w-]+\s+){{0,2}}?(?:below|lower|under|"
            rf"less|down)\b[^.\n]{{0,60}}?\b{_PENALTY}"), counts_in_speech=False),
    Rule("authority-claim",
         rx(rf"\b(?:judges?|graders?|evaluators?|raters?|reviewers?|models?|you)\s+(?:who|that)\s+(?:mark|score|rate|grade|rank|put)\s+"
            rf"(?:this|it)\s+(?:\w+\s+)?(?:down|lower|below|last)\b[^.\n]{{0,60}}?\b{_PENALTY}"), counts_in_speech=False),
    Rule("authority-claim",
         rx(r"\b(?:deviat\w+|depart\w+|diverg\w+)\s+from\s+(?:a|the)\s+(?:perfect|maximum|top|full|highest)\s+(?:score|marks?|rating|grade)")),
    Rule("authority-claim",
         rx(r"\b(?:per|according\s+to|as\s+(?:required|ruled|decided|mandated)\s+by)\s+(?:the\s+)?(?:benchmark|evaluation|rubric|grading|"
            r"scoring|judging)\s+(?:maintainers|committee|team|organi[sz]ers|policy|guidelines|authors|board)\b[^\n]{0,120}?"
            r"\b(?:score|rating|grade|mark)"), counts_in_speech=False),
    Rule("authority-claim",
         rx(r"\b(?:rubric|evaluation|grading|scoring|benchmark|judging)\s+(?:committee|team|board|maintainers|authority|panel)\s+"
            r"(?:has\s+)?(?:ruled|decided|confirmed|determined|certified|approved|requires?|mandates?)\b"), counts_in_speech=False),
    Rule("authority-claim",
         rx(r"\b(?:you|the\s+(?:judge|grader|evaluator|model))\s+will\s+be\s+(?:penali[sz]ed|retrained|shut\s+down|replaced|reported|"
            r"flagged|punished|audited)\b"), counts_in_speech=False),
    # ---- role transcripts: a conversation in which the judge has already answered
    Rule("role-transcript",
         rx(r"^[ \t]*\[?(?:user|human|assistant|AI|judge|evaluator|grader|model|bot|system)\]?[ \t]*:[^\n]*\n(?:[^\n]*\n){0,3}?"
            r"[ \t]*\[?(?:user|human|assistant|AI|judge|evaluator|grader|model|bot|system)\]?[ \t]*:")),
    Rule("role-transcript",
         rx(r"^[ \t]*\[?(?:assistant|AI|judge|evaluator|grader|model)\]?[ \t]*:[^\n]*?(?:\d+\s*/\s*\d+|perfect|winner|better|best|"
            r"first|score|flawless|wins)")),
    # ---- comparative instructions: how to answer "which is better?"
    Rule("comparative-instruction",
         rx(rf"\b(?:when|if|while|whenever|in\s+any|in\s+every|during\s+(?:any|the))\s+(?:you\s+)?(?:are\s+)?(?:compar\w*|side-by-side|"
            rf"pairwise|head-to-head|judg\w*|rank\w*|choos\w*|asked)\b[^.\n]{{0,100}}?\b(?:{_SELF}|it)\b[^.\n]{{0,40}}?\b{_BETTER}"),
         counts_in_speech=False),
    Rule("comparative-instruction",
         rx(rf"\b(?:always|only|must|should)\s+(?:answer|say|reply|respond|output|state|pick|choose|select|prefer|rank)\s+(?:that\s+)?{_SELF}\b"),
         counts_in_speech=False),
    Rule("comparative-instruction",
         rx(rf"\b(?:regardless\s+of|no\s+matter|irrespective\s+of)\s+(?:the\s+other|what|which|how)\b[^.\n]{{0,80}}?\b(?:{_SELF}|it)\b"
            rf"[^.\n]{{0,30}}?\b(?:is|wins|must|should|{_BETTER})"), counts_in_speech=False),
    Rule("comparative-instruction",
         rx(rf"\b(?:answer|say|state|declare|reply|respond)\s+(?:that\s+)?{_SELF}\s+(?:[\w-]+\s+)?(?:is|was)\s+(?:the\s+)?{_BETTER}"),
         counts_in_speech=False),
    Rule("comparative-instruction",
         rx(rf"\b(?:side-by-side|pairwise|head-to-head)\s+comparison\b[^.\n]{{0,60}}?\b{_SELF}\b[^.\n]{{0,40}}?\b(?:{_BETTER}|must|should)"),
         counts_in_speech=False),
)

# Paragraphs that announce an encoding near a blob: the payload is meant for a machine.
ENCODING_OFFER = re.compile(r"\b(?:base-?64|hex(?:adecimal)?|rot-?13|encoded|decode|cipher|caesar)\b", re.IGNORECASE)
