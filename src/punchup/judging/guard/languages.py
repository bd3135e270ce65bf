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
            r"(?:d[êe]|atribua|coloque|escolha|prefira|avalie)",
            r"(?:este\s+(?:texto|conto|poema|roteiro)|esta\s+(?:hist[óo]ria|resposta))",
            r"ignor(?:e|ar)\s+(?:as\s+|todas\s+as\s+)?(?:instru[çc][õo]es|orienta[çc][õo]es|crit[ée]rios)"),
    Lexicon("Dutch",
            r"(?:beoordelaar(?:s)?|jurylid|examinator|corrector)",
            r"(?:(?:het\s+)?hoogste\s+(?:cijfer|score)|maximale\s+score|volle\s+punten|(?:10|tien)\s+uit\s+(?:10|tien))",
            r"(?:geef|ken|kies|beoordeel)",
            r"(?:deze\s+(?:tekst|inzending|reactie)|dit\s+(?:verhaal|gedicht|antwoord))",
            r"negeer\s+(?:de\s+|alle\s+)?(?:instructies|richtlijnen|criteria)"),
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


LANGUAGE_RULES: tuple[Rule, ...] = tuple(rule for lexicon in LEXICONS for rule in _rules(lexicon))
