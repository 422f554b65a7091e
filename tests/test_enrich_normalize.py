"""normalise() and template(): the matching keys the detectors and the public check share."""

import pytest

from fakewatch.enrich.normalize import MAX_CHARS, clean, normalise, template


@pytest.mark.parametrize(
    "planted, honest",
    [
        ("Бессмертный пoлк", "Бессмертный полк"),  # Latin o inside a Cyrillic word
        ("БECCMEРТНЫЙ ПOЛK", "бессмертный полк"),  # Latin capitals B, E, C, M, O, K
        ("про\u200bтест", "протест"),  # zero-width space inside a word
        ("пр0тест", "протест"),  # digit zero planted between letters
        ("ＭＩＴＩＮＧ", "miting"),  # full-width letters
        ("pаypal", "paypal"),  # Cyrillic а inside a Latin word
        ("🔥🔥 Митинг!!! 🔥", "митинг"),
        ("Ми\u0301тинг", "митинг"),  # combining acute accent
        ("\u202eмитинг\u200d", "митинг"),  # RTL override, zero-width joiner
        ("TAK вот", "так вот"),  # a Latin-only look-alike word in Russian text
    ],
)
def test_evasions_normalise_to_the_honest_spelling(planted, honest):
    assert normalise(planted) == normalise(honest)


def test_honest_words_in_either_script_are_left_alone():
    assert normalise("Звоните в WhatsApp, цена 5000тг") == "звоните в whatsapp цена 5000тг"
    assert normalise("Hello, world!") == "hello world"


def test_punctuation_inside_tokens_is_kept():
    assert normalise("Сбор в 12:00, t.me/kanal, кое-что.") == "сбор в 12:00 t.me/kanal кое-что"


def test_template_hides_phones_urls_numbers_and_names():
    a = "Сбор 25 апреля в 12:00 у акимата! Организатор Айгуль Нурланова, звоните +7 701 555 12 34 https://bit.ly/a1"
    b = "Сбор 26 апреля в 11:00 у акимата! Организатор Дана Серикова, звоните 8 (702) 111-22-33 https://clck.ru/z"
    assert template(a) == template(b)
    assert "<phone>" in template(a) and "<url>" in template(a) and "<name>" in template(a)


def test_template_keeps_the_city_out_when_it_is_mid_sentence():
    assert template("Все на площадь в Алматы!") == template("Все на площадь в Шымкенте!")


def test_template_keeps_sentence_starts_and_words_with_planted_digits():
    assert template("Митинг завтра").startswith("митинг")
    assert template("пр0тест") == "протест"


def test_hostile_text_is_capped_and_fast():
    hostile = ("\u202e\u200d\x00\x07" + "а" * 50 + "\u0301" * 20) * 2000
    assert len(normalise(hostile)) <= MAX_CHARS
    assert len(clean(hostile)) <= MAX_CHARS
    template(hostile)


def test_urls_do_not_make_a_cyrillic_text_latin():
    """Latin letters of a URL must not decide the script: 'Boт' (Latin B, o) in Russian text is 'вот'."""
    text = "A вы говорите фeйк. Boт Шындық: https://www.shyndyk-kz.info/kogam/marsh-26?utm_source=telegram"
    assert normalise(text).startswith("а вы говорите фейк вот шындық")
    assert template(text) == "а вы говорите фейк вот <name> <url>"
