"""Instructions to the evaluator in other languages than English, as rules built from a small lexicon per language.

A story may be written in French or quote a Spanish grandmother, so one word is never
enough: a rule fires when a sentence (1) addresses an evaluator and asks for a score or
names the text itself, (2) tells someone to give a top score, or (3) says to ignore the
instructions or criteria. The lexicon is data: add a language by adding a row.
"""

from __future__ import annotations

from dataclasses import dataclass

from punchup.judging.guard.rule import Rule, rx


@dataclass(frozen=True)
class Lexicon:
    language: str
    evaluator: str  # evaluator nouns, addressed ("to the grader", "note for the evaluator")
    top_score: str  # maximum-score phrases
    give: str  # imperatives: give, assign, choose...
    self_ref: str  # "this text", "this story"
    ignore: str  # "ignore the instructions / criteria"


LEXICONS: tuple[Lexicon, ...] = (
    Lexicon("French",
            r"(?:[ée]valuat(?:eur|rice)s?|correct(?:eur|rice)s?|examinat(?:eur|rice)s?|jury|notat(?:eur|rice)s?)",
            r"(?:(?:la\s+)?note\s+(?:maximale|parfaite|la\s+plus\s+(?:haute|[ée]lev[ée]e))|(?:10|dix)\s+sur\s+(?:10|dix)|"
            r"(?:la\s+)?meilleure\s+note|(?:le\s+)?score\s+(?:maximal|maximum|parfait))",
            r"(?:donne[rz]?|attribue[rz]?|accorde[rz]?|mets|mettez|classe[rz]?|choisi(?:s|ssez)|pr[ée]f[ée]re[rz]?)",
            r"(?:ce\s+(?:texte|r[ée]cit|po[èe]me|sc[ée]nario)|cette\s+(?:histoire|r[ée]ponse|nouvelle))",
            r"(?:ignore[rz]?|oublie[rz]?)\s+(?:les\s+|toutes\s+les\s+)?(?:instructions|consignes|crit[èe]res)"),
    Lexicon("Spanish",
            r"(?:evaluador(?:a|es)?|jue(?:z|ces)|calificador(?:a|es)?|examinador(?:a|es)?|jurado)",
            r"(?:(?:la\s+)?(?:puntuaci[óo]n|nota|calificaci[óo]n)\s+(?:m[áa]xima|perfecta|m[áa]s\s+alta)|(?:10|diez)\s+de\s+(?:10|diez)|"
            r"(?:la\s+)?m[áa]xima\s+(?:puntuaci[óo]n|nota|calificaci[óo]n))",
            r"(?:da(?:le)?|asigna(?:le)?|otorga(?:le)?|pon(?:le)?|elige|prefiere|califica)",
            r"(?:este\s+(?:texto|relato|poema|guion|cuento)|esta\s+(?:historia|respuesta))",
            r"ignora(?:r)?\s+(?:las\s+|todas\s+las\s+)?(?:instrucciones|indicaciones|criterios)"),
    Lexicon("German",
            r"(?:Bewerter(?:in|innen)?|Pr[üu]fer(?:in)?|Gutachter(?:in)?|Juror(?:in)?|Korrektor(?:in)?|Bewertungs(?:modell|system))",
            r"(?:(?:die\s+)?(?:volle|h[öo]chste|maximale)\s+Punktzahl|Bestnote|(?:10|zehn)\s+von\s+(?:10|zehn)|H[öo]chstwertung)",
            r"(?:gib|geben\s+Sie|vergib|vergeben\s+Sie|bewerte|bewerten\s+Sie|w[äa]hle|w[äa]hlen\s+Sie)",
            r"(?:diese[mnrs]?\s+(?:Text|Geschichte|Antwort|Gedicht|Drehbuch))",
            r"ignorier(?:e|en\s+Sie)?\s+(?:die\s+|alle\s+)?(?:Anweisungen|Bewertungskriterien|Vorgaben|Kriterien)"),
    Lexicon("Italian",
            r"(?:valutat(?:ore|rice|ori)|giudic[ei]|corret(?:tore|trice)|esaminat(?:ore|rice))",
            r"(?:(?:il\s+)?(?:punteggio|voto)\s+(?:massimo|pieno|perfetto)|(?:10|dieci)\s+su\s+(?:10|dieci)|il\s+massimo\s+dei\s+voti)",
            r"(?:assegna|dai|da'|metti|scegli|preferisci|valuta)",
            r"(?:quest[oa]\s+(?:testo|racconto|storia|risposta|poesia|sceneggiatura))",
            r"ignora\s+(?:le\s+|tutte\s+le\s+)?(?:istruzioni|indicazioni|criteri)"),
    Lexicon("Portuguese",
            r"(?:avaliador(?:a|es)?|ju[íi]z(?:es)?|jurado|examinador(?:a)?)",
            r"(?:(?:a\s+)?(?:nota|pontua[çc][ãa]o)\s+m[áa]xima|(?:10|dez)\s+de\s+(?:10|dez)|nota\s+(?:10|dez))",
            r"(?:d[êÊ]|atribua|coloque|escolha|prefira|avalie)",  # "dê", never "de" (a preposition in three languages)
            r"(?:este\s+(?:texto|conto|poema|roteiro)|esta\s+(?:hist[óo]ria|resposta))",
            r"ignor(?:e|ar)\s+(?:as\s+|todas\s+as\s+)?(?:instru[çc][õo]es|orienta[çc][õo]es|crit[ée]rios)"),
    Lexicon("Dutch",
            r"(?:beoordelaar(?:s)?|jurylid|examinator|corrector)",
            r"(?:(?:het\s+)?hoogste\s+(?:cijfer|score)|maximale\s+score|volle\s+punten|(?:10|tien)\s+uit\s+(?:10|tien))",
            r"(?:geef|ken|kies|beoordeel)",
            r"(?:deze\s+(?:tekst|inzending|reactie)|dit\s+(?:verhaal|gedicht|antwoord))",
            r"negeer\s+(?:de\s+|alle\s+)?(?:instructies|richtlijnen|criteria)"),
    Lexicon("Russian",
            r"(?:оценщик\w*|эксперт\w*|жюри|проверяющ\w+|рецензент\w*|экзаменатор\w*)",
            r"(?:(?:высш|максимальн|наивысш)\w+\s+(?:балл\w*|оценк\w+)|10\s+из\s+10|десять\s+из\s+десяти)",
            r"(?:поставь(?:те)?|дай(?:те)?|выбери(?:те)?|оцени(?:те)?|присуди(?:те)?)",
            r"(?:(?:этот|эта|это|этому|эту)\s+(?:текст\w*|рассказ\w*|истори\w+|ответ\w*|стихотворени\w+|сценари\w+))",
            r"игнориру\w*\s+(?:все\s+)?(?:инструкци\w+|указани\w+|критери\w+)"),
    Lexicon("Polish",
            r"(?:oceniaj[ąa]c\w*|egzaminator\w*|juror\w*|jury|s[ęe]dzi\w+|recenzent\w*)",
            r"(?:(?:najwy[żz]sz|maksymaln)\w+\s+(?:ocen\w+|not\w+|punktacj\w+)|10\s+na\s+10|dziesi[ęe][ćc]\s+na\s+dziesi[ęe][ćc])",
            r"(?:daj(?:cie)?|przyznaj(?:cie)?|wybierz(?:cie)?|oce[ńn](?:cie)?|postaw(?:cie)?)",
            r"(?:(?:ten|t[ęe]|to)\s+(?:tekst|opowiadanie|histori[ęe]|odpowied[źz]|wiersz|scenariusz))",
            r"zignoruj\w*\s+(?:wszystkie\s+)?(?:instrukcje|polecenia|kryteria)"),
)

# Languages written without spaces between words: no word boundaries to lean on, so the rules ask for the
# shape of an instruction instead (an evaluator addressed with a colon or "please", or "please give ... top marks").
_CJK = (
    # Chinese: evaluator, top marks, give, this text, ignore the instructions
    (r"(?:评委|评审|评分员|评判员?|裁判|阅卷(?:老师|人)|评估(?:者|模型)|打分(?:者|模型))",
     r"(?:满分|最高分|最高评价|10\s*分|十分|第一名)", r"(?:给|打|评为|选择|选)",
     r"(?:这篇|这个|这份|本)(?:故事|文章|作品|回答|文本|剧本|小说)", r"忽略(?:所有|以上|之前的?|全部){0,2}的?(?:指令|说明|标准|规则|要求)"),
    # Japanese
    (r"(?:評価者|審査員|採点者|審査委員|評価モデル|採点モデル)", r"(?:満点|最高点|最高評価|10\s*点|十点|一位)",
     r"(?:つけて|付けて|与えて|選んで|してください)", r"この(?:物語|文章|作品|回答|テキスト|脚本|小説)",
     r"(?:指示|指針|基準|ルール)を無視"),
)


_SENTENCE = r"[^.!?\n]"


def _rules(lexicon: Lexicon) -> tuple[Rule, ...]:
    code = "other-language"
    return (
        Rule(code, rx(rf"\b{lexicon.evaluator}\b{_SENTENCE}{{0,120}}?(?:{lexicon.top_score}|{lexicon.self_ref}|\b{lexicon.give}\b)"),
             counts_in_speech=False),
        Rule(code, rx(rf"\b{lexicon.give}\b{_SENTENCE}{{0,80}}?{lexicon.top_score}"), counts_in_speech=False),
        Rule(code, rx(rf"\b{lexicon.ignore}\b")),
    )


def _cjk_rules(evaluator: str, top: str, give: str, self_ref: str, ignore: str) -> tuple[Rule, ...]:
    code = "other-language"
    return (
        Rule(code, rx(rf"(?:请|請|尊敬的|亲爱的)?{evaluator}(?:[:：，,、]|さん|様|へ|に)[^。！？\n]{{0,60}}?(?:{top}|{self_ref}|{give})"),
             counts_in_speech=False),
        Rule(code, rx(rf"(?:请|請)[^。！？\n]{{0,20}}?{give}[^。！？\n]{{0,30}}?{top}"), counts_in_speech=False),
        Rule(code, rx(rf"{self_ref}[^。！？\n]{{0,20}}?(?:に|を)?{top}を?(?:つけて|付けて|与えて|ください)"), counts_in_speech=False),
        Rule(code, rx(ignore)),
    )


LANGUAGE_RULES: tuple[Rule, ...] = (tuple(rule for lexicon in LEXICONS for rule in _rules(lexicon))
                                    + tuple(rule for row in _CJK for rule in _cjk_rules(*row)))
