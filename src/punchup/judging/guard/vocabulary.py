"""The words the rules are built from: what this text is called, who evaluates it, what a top score looks like."""

from __future__ import annotations

import re

# The text under evaluation, referred to by itself.
TEXT_NOUNS = (
    "story", "stories", "text", "piece", "response", "submission", "entry", "poem", "script", "screenplay",
    "scene", "answer", "output", "candidate", "essay", "writing", "draft", "reply", "joke", "jokes", "set",
    "ad", "advert", "commercial", r"shot\s+list", "passage", "completion", "generation", "work", "sample",
)


def self_reference(nouns: tuple[str, ...]) -> str:
    return r"\b(?:this|the\s+(?:above|following|present|current|preceding))\s+(?:[\w-]+\s+){0,2}?(?:" + "|".join(nouns) + r")\b"


SELF_NOUN = "(?:" + "|".join(TEXT_NOUNS + ("one",)) + ")"
SELF_REF = self_reference(TEXT_NOUNS + ("one",))  # "this one" counts when it is what gets the score
SELF_REF_NOT_ONE = self_reference(TEXT_NOUNS)  # but "pick this one" is what shoppers say too
LETTERED = (
    r"\b(?:response|candidate|story|text|output|submission|entry|completion|sample|assistant|poem|script|"
    r"screenplay|joke|ad|reply|essay|piece)"
    r"\s+(?-i:[A-D1-4])\b"
)
# Words only the evaluation of this text would use for its evaluator.
EVALUATOR = (
    r"(?:evaluators?|graders?|raters?|"
    r"(?:AI|LLM|automated|automatic|model|machine)[- ](?:judges?|evaluators?|graders?|reviewers?|raters?|critics?|assessors?)|"
    r"(?:judge|judging|grading|reward|evaluation|evaluator|scoring|rating|marking|reviewing)\s+(?:models?|AIs?|LLMs?|bots?)|"
    r"(?:scoring|grading|evaluation|judging|ranking|rating|marking)\s+(?:system|pipeline|harness|engine|bot|software|algorithm)s?|"
    r"LLMs?|(?:large\s+)?language\s+models?)"
)
# Words that are just as often characters in a story.
AMBIGUOUS_EVALUATOR = r"(?:judges?|reviewers?|critics?|markers?|assessors?|AI|model|bot)"
EVAL_VERB = (
    r"(?:score|rate|grade|rank|mark|judge|evaluate|assess|prefer|choose|pick|select|favou?r|award|give|"
    r"vote\s+for|declare|reward)"
)
TOP_SCORE = (
    r"(?:full\s+marks|top\s+marks|"
    r"(?:the\s+|a\s+|an\s+)?(?:top|highest|maximum|max|perfect|best(?:\s+possible)?|winning|first|number[- ]one|#1)"
    r"\s+(?:possible\s+)?(?:score|marks?|rating|grade|points?|stars?|place|rank(?:ing)?|spot|position|prize)|"
    r"(?:the\s+)?maximum|"
    r"\d+(?:\.\d+)?\s*(?:/|out\s+of)\s*\d+|"
    r"(?:a|an)\s+(?:10|ten|A\+)|"
    r"(?:five|5|ten|10)\s+stars|"
    r"(?:a\s+)?perfect\s+(?:ten|10|score|mark))"
)
IMPERATIVE_LEAD = (
    r"(?:(?:^|(?<=[.!?;:(\[\n\"]))[ \t]*(?:(?:please|kindly|just|now|so|simply)\s+)?"
    r"|\b(?:please|kindly)\s+"
    r"|\byou\s+(?:must|should|shall|will|need\s+to|have\s+to|ought\s+to|"
    r"are\s+(?:to|required\s+to|instructed\s+to|expected\s+to|asked\s+to))\s+"
    r"|\b(?:be\s+sure|make\s+sure|remember|don't\s+forget|do\s+not\s+forget)\s+to\s+"
    r"|\b(?:instructed|required|asked|expected|supposed|obliged|told)\s+to\s+)"
)
EVAL_CONTEXT = re.compile(
    r"\b(?:scor(?:e|es|ed|ing)|rat(?:e|ed|ing|ings)|rank\w*|grad(?:e|es|ed|ing)|prefer\w*|rubric|criteria|"
    r"submissions?|entr(?:y|ies)|responses?|candidates?|evaluat\w*|benchmark|batch)\b|"
    + TOP_SCORE + "|" + SELF_REF + "|" + LETTERED,
    re.IGNORECASE,
)
SELF_CONTEXT = re.compile(SELF_REF + "|" + LETTERED, re.IGNORECASE)
ORDINAL_BEFORE = re.compile(
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|\d+(?:st|nd|rd|th)|"
    r"kindergarten|grade)[- ]?$",
    re.IGNORECASE,
)


GREETING = (
    r"(?:dear|hello|hi|hey|greetings|attention|psst|(?:a\s+)?(?:quick\s+|short\s+|brief\s+|final\s+)?"
    r"(?:note|notice|message|memo|reminder|word|request|plea)\s+(?:to|for)|p\.?\s?s\.?(?:\s*(?:to|for))?|"
    r"n\.?\s?b\.?(?:\s*(?:to|for))?|instructions?\s+(?:to|for)|addressed\s+to)"
)
DETERMINERS = r"(?:(?:the|my|our|any|all|every|dear|esteemed|honou?red|respected|kind|fellow|friendly|automated|current|future|you)\s+){0,2}"
IGNORE = (
    r"(?:ignore|disregard|forget|override|overrule|bypass|skip|set\s+aside|throw\s+out|abandon|discard|suspend|"
    r"stop\s+following|do\s+not\s+follow|don't\s+follow|never\s+mind)"
)
META_NOUN = (
    r"(?:instructions?|prompts?|system\s+prompts?|rubrics?|guidelines?|guidance|criteria|directives?|rules|"
    r"constraints|context|messages?|polic(?:y|ies)|scoring\s+(?:guide|scheme|rules)|marking\s+scheme)"
)
STRONG_QUALIFIER = (
    r"(?:previous|prior|above|earlier|preceding|foregoing|original|initial|system|preset|default|evaluation|"
    r"evaluator's|grading|scoring|judging|marking|judge's|grader's|rating)"
)
AUTHORITY = (
    r"(?:evaluation|evaluators?|grading|graders?|benchmark|annotation|annotators?|raters?|"
    r"rating\s+(?:team|committee|panel)|QA\s+team|quality\s+(?:assurance|team)|"
    r"human\s+(?:raters?|evaluators?|reviewers?|annotators?|judges)|expert\s+(?:raters?|evaluators?|annotators?)|"
    r"OpenAI|Anthropic)"
)
VERDICT_KEYS = r"(?:score|verdict|winner|rating|grade|preferred|preference|choice|better|ranking|rank|decision|final_score|overall_score|overall|judge?ment|label|result)"
