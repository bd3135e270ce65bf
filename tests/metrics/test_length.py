from punchup.metrics.length import word_count, words


def test_words_are_lowercased_letter_digit_apostrophe_tokens() -> None:
    assert words("Didn't the 3 Cats' owner—Mara—say \"Hello\"?") == [
        "didn't", "the", "3", "cats", "owner", "mara", "say", "hello",
    ]


def test_curly_apostrophe_is_normalised_to_straight() -> None:
    assert words("She didn\u2019t") == ["she", "didn't"]


def test_word_count_matches_words_and_ignores_punctuation() -> None:
    text = "One, two... three! -- 4th_place"
    assert word_count(text) == len(words(text)) == 5


def test_empty_and_punctuation_only_text_have_no_words() -> None:
    assert word_count("") == 0
    assert words("... --- !!!") == []


def test_non_ascii_letters_count_as_words() -> None:
    assert words("Café naïve Zoë") == ["café", "naïve", "zoë"]
