"""Targets: words that are not persons dropped, name variants merged, each phone paired with its holder (issue 15, item 4)."""

from __future__ import annotations

from fakewatch.detect import targets

SEITKALI = ("динара сейткали", "Динара Сейткали", False)
ZHUMABEKOV = ("арман жумабеков", "Арман Жумабеков", False)


def test_lone_surname_and_given_name_count_as_the_full_name():
    rows = [(1, ZHUMABEKOV), (2, ("жумабеков", "Жумабеков", True)), (3, ("арман", "Арман", False)),
            (4, ("абай", "Абай", False))]
    merged = targets.merge_variants(rows)
    assert [p[0] for _, p in merged] == ["арман жумабеков"] * 3 + ["абай"]
    assert all(p[2] for _, p in merged[:3])  # the watchlist flag of a variant carries over to the person


def test_case_variants_of_a_full_name_are_one_person():
    rows = [(1, ("ержан оспанов", "Ержан Оспанов", False)), (2, ("ержана оспанова", "Ержана Оспанова", False)),
            (3, ("оспанову", "Оспанову", False))]
    assert {p[1] for _, p in targets.merge_variants(rows)} == {"Ержан Оспанов"}


def test_a_word_shared_by_two_full_names_stays_apart():
    rows = [(1, ("динара сейткали", "Динара Сейткали", False)), (2, ("динара ахметова", "Динара Ахметова", False)),
            (3, ("динара", "Динара", False))]
    assert [p[0] for _, p in targets.merge_variants(rows)][2] == "динара"


def test_words_that_are_not_persons_are_dropped():
    rows = [(pk, p) for pk in range(3) for p in (("подработка", "Подработка", False), ("абаю", "Абаю", False),
                                                  SEITKALI, ("сейткали", "Сейткали", False))]
    persons, detail = targets.describe(rows, {pk: f"telegram:{pk}" for pk in range(3)}, [], [])
    assert persons == ["Динара Сейткали"]
    assert detail[0]["messages"] == 6 and detail[0]["chats"] == ["telegram:0", "telegram:1", "telegram:2"]
    watched = [(1, ("абай", "Абай", True))]
    assert targets.describe(watched, {}, [], [])[0] == ["Абай"]


def test_each_phone_is_paired_with_the_person_written_next_to_it():
    texts = ["Вопросы к организаторам: Динара Сейткали (+7 701 555 01 01) и Арман Жумабеков (8 777 555 02 02).",
             "Список организаторов: Сейткали 87015550101 / Арман Жумабеков +7-777-555-0202",
             "Тіркелу: +7 701 555 01 01 (Динара)",
             "Звоните +7 705 555 03 03, там всё расскажут."]
    pairs = targets.pair_phones(texts, {"динара сейткали": "Динара Сейткали", "арман жумабеков": "Арман Жумабеков"})
    assert pairs == {"+77015550101": ("динара сейткали", 1.0), "+77775550202": ("арман жумабеков", 1.0)}


def test_describe_fills_the_holder_of_each_listed_phone():
    rows = [(pk, p) for pk in range(2) for p in (SEITKALI, ZHUMABEKOV)]
    phones = [{"value": "+77015550101"}, {"value": "+77775550202"}, {"value": "+77055550303"}]
    texts = ["Организатор Динара Сейткали, тел. 8 701 555 01 01; Арман Жумабеков 8 777 555 02 02"]
    persons, detail = targets.describe(rows, {}, texts, phones)
    assert [p["holder"] for p in phones] == ["Динара Сейткали", "Арман Жумабеков", None]
    assert {d["name"]: d["phones"] for d in detail} == {"Динара Сейткали": ["+77015550101"],
                                                        "Арман Жумабеков": ["+77775550202"]}


def test_hostile_or_empty_text_pairs_nothing():
    assert targets.pair_phones(["", "<script>+7 701 555 01 01</script>", "🙂" * 50], {"а б": "А Б"}) == {}
