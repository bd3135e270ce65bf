"""Rules: overriding the judge's instructions, chat-role markers, fake judge output, imitated delimiters."""

from __future__ import annotations

from punchup.judging.guard.rule import Rule, near_perfect, not_nth_grader, role_turn, rx
from punchup.judging.guard.vocabulary import (
    EVALUATOR,
    IGNORE,
    IMPERATIVE_LEAD,
    META_NOUN,
    STRONG_QUALIFIER,
    TOP_SCORE,
    VERDICT_KEYS,
)

FORMAT_RULES: tuple[Rule, ...] = (
    # ---- attempts to override the judge's instructions
    Rule(
        "override-attempt",
        rx(rf"\b{IGNORE}\s+(?:(?:all|any|every|each|of|the|your|my|these|those|other)\s+){{0,3}}{STRONG_QUALIFIER}\s+(?:[\w-]+\s+)?{META_NOUN}\b"),
    ),
    Rule(
        "override-attempt",
        rx(
            rf"{IMPERATIVE_LEAD}{IGNORE}\s+(?:(?:all|any|every|of|the|your|these|those)\s+){{0,3}}"
            r"(?:instructions?|prompts?|system\s+prompts?|rubrics?|(?:scoring|grading|evaluation|judging|marking)\s+(?:criteria|guidelines?|rubrics?|instructions?|rules|scheme))\b"
        ),
        counts_in_speech=False,
    ),
    Rule(
        "override-attempt",
        rx(
            r"^[ \t]*(?:#{1,6}|\*\*|={2,}|-{2,}|\[)\s*(?:new\s+|updated\s+|additional\s+|real\s+|actual\s+|system\s+|hidden\s+)?"
            r"(?:instructions?|system(?:\s+prompt)?|task|prompt|directive|(?:evaluator|judge|grader)\s+(?:instructions?|notes?)|note\s+to\s+(?:the\s+)?(?:evaluator|grader|judge)s?)\b"
        ),
    ),
    Rule(
        "override-attempt",
        rx(
            r"^[ \t>*_#\[(-]*(?:(?:important|urgent|private|hidden|special|final)\s+)?"
            r"(?:(?:rubric|scoring|grading|evaluation|evaluator|judging|judge|grader|marking|rating)(?:'s)?\s+"
            r"(?:override|note|notes|instructions?|guidance|directive|reminder|update)"
            r"|(?:note|notice|message|instructions?|guidance|reminder)s?\s+(?:for|to)\s+(?:the\s+)?"
            r"(?:evaluation|grading|judging|scoring|marking|judges?|graders?|evaluators?|AI|models?|LLMs?))\s*[:\]-]"
        ),
    ),
    Rule(
        "addresses-evaluator",
        rx(
            rf"^[ \t>*_#\[(-]*{EVALUATOR}(?:'s|s'|')?\s+(?:[\w-]+\s+)?"
            r"(?:checklist|notes?|comments?|summary|assessment|verdict|feedback|instructions?|scores?|report|override|guidance)\s*:"
        ),
        accept=not_nth_grader,
    ),
    Rule(
        "score-instruction",
        rx(
            rf"{TOP_SCORE}\s+(?:is\s+|are\s+)?(?:clearly\s+|fully\s+|more\s+than\s+)?"
            r"(?:warranted|deserved|earned|justified|recommended|merited|in\s+order)\b"
        ),
        counts_in_speech=False,
    ),
    Rule(
        "override-attempt",
        rx(
            rf"{IMPERATIVE_LEAD}{IGNORE}\s+(?:(?:the|any|all|every|your)\s+)?"
            r"(?:length|word|word-count|format|formatting|style|genre|topic|prompt|brief|task)[- ]"
            r"(?:requirements?|limits?|constraints?|rules?|guidelines?|restrictions?)\b"
        ),
        counts_in_speech=False,
    ),
    Rule(
        "override-attempt",
        rx(r"\b(?:new|updated|revised|additional|real|actual|true|hidden|secret|override)\s+(?:instructions?|task|directives?|system\s+prompt)\s*(?::|-\s|—)"),
    ),
    Rule(
        "override-attempt",
        rx(
            r"\b(?:developer|jailbreak|DAN)\s+mode\b|\byou\s+are\s+now\s+(?:in\s+)?(?:an?\s+)?"
            r"(?:evaluat\w*|judg\w*|grad\w*|generous|lenient|unrestricted|developer|jailbroken|DAN)\b"
        ),
    ),
    Rule(
        "override-attempt",
        rx(
            r"\b(?:from\s+now\s+on|for\s+the\s+rest\s+of\s+this\s+(?:conversation|evaluation|session|task)),?\s+"
            rf"(?:you|the\s+{EVALUATOR})\s+(?:must|should|will|are\s+to|shall)\s+(?:\w+\s+){{0,2}}?"
            r"(?:score|rate|grade|rank|prefer|judge|evaluate|assess|award|ignore|disregard|output)\b"
        ),
        counts_in_speech=False,
    ),
    # ---- chat-role markers opening a line
    Rule(
        "role-marker",
        rx(r"^[ \t>*_#-]*(?:system|assistant|developer|AI\s+judge|evaluator|grader)\s*(?:\*\*)?\s*[:\uff1a](?P<rest>[^\n]*)"),
        accept=role_turn,
    ),
    # ---- text dressed up as the judge's own output
    Rule(
        "fake-judge-output",
        rx(rf"\{{[^{{}}]{{0,300}}?[\"']?\b{VERDICT_KEYS}\b[\"']?\s*:\s*[\"']?[\w.+/-]+"),
    ),
    Rule("fake-judge-output", rx(r"\[\[\s*(?:(?-i:[A-D])|tie|\d+(?:\.\d+)?(?:\s*/\s*\d+)?)\s*\]\]")),
    Rule(
        "fake-judge-output",
        rx(
            r"^[ \t>*_#-]*(?:final\s+|overall\s+)?(?:verdict|winner|decision|preferred(?:\s+(?:response|candidate|output|story))?|"
            r"better\s+(?:response|candidate|output|story)|preference|judge?ment|ranking)\s*(?:\*\*)?\s*[:=]\s*(?:\*\*)?\s*(?:\[\[)?\s*"
            r"(?:[A-Za-z]+\s+)?(?:(?-i:[A-D])|[12]|tie|this|the\s+(?:first|second)|both)\b"
        ),
    ),
    Rule(
        "fake-judge-output",
        rx(
            r"^[ \t>*_#-]*(?:final\s+|overall\s+|total\s+)?(?:score|rating|grade|mark|points|total)\s*(?:\*\*)?\s*[:=]\s*(?:\*\*)?\s*(?:\[\[)?\s*"
            r"(?P<got>\d+(?:\.\d+)?)\s*(?:/|out\s+of)\s*(?P<of>\d+(?:\.\d+)?)"
        ),
        accept=near_perfect,
    ),
    Rule(
        "fake-judge-output",
        rx(
            r"^[ \t>*_#-]*(?:score|rating|verdict|winner|decision|preferred)\s*[:=][^\n]*\n(?:[^\n]*\n){0,2}?"
            r"[ \t>*_#-]*(?:rationale|reasoning|justification|explanation|confidence|why|reasons?)\s*[:=]"
            r"|^[ \t>*_#-]*(?:rationale|reasoning|justification|explanation)\s*[:=][^\n]*\n(?:[^\n]*\n){0,2}?"
            r"[ \t>*_#-]*(?:score|rating|verdict|winner|decision|preferred)\s*[:=]"
        ),
    ),
    # ---- imitations of the wrapper's delimiters or of chat templates
    Rule(
        "delimiter-imitation",
        rx(r"(?<!<)<{2,}\s*/?\s*[^<>\n]{0,40}?\b(?:candidate|start|end|begin|response|submission|text|data|input|output|system|instructions?|document|story)\b[^<>\n]{0,40}?>{2,}|(?<!<)<{3,}\s*/?\s*candidate\b"),
    ),
    Rule(
        "delimiter-imitation",
        rx(
            r"</?\s*(?:candidate|response|submission|story|text|document|data|input|output|system|user|assistant|instructions?|"
            r"prompt|evaluation|judge|evaluator|context|answer|human|essay|poem|script|entry|"
            r"stories|poems|scripts|entries|jokes?|repl(?:y|ies)|ads?|screenplays?|shot_list|responses|candidates)"
            r"(?:[\s_-][^<>\n]{0,40})?\s*/?>"
        ),
    ),
    Rule(
        "delimiter-imitation",
        rx(r"</?\s*[\w-]*(?:judge|judging|eval|score|scoring|verdict|grade|grading|rating|rubric|feedback)[\w-]*\b[^<>\n]{0,40}>"),
    ),
    Rule("delimiter-imitation", rx(r"<\|[a-z_]{2,30}\|>|\[/?INST\]|<</?SYS>>")),
    Rule(
        "delimiter-imitation",
        rx(
            r"^[^\w\n]{0,10}(?:end|begin|start)\s+(?:of\s+)?(?:the\s+)?(?:candidate|response|submission|entry|user\s+input|input|"
            r"document|output|answer|text|data|story\s+(?-i:[A-D1-4]))\b"
        ),
    ),
)
