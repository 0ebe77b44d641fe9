"""Term discovery: tokens, stems, candidates per language, variant clustering, flags."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from alignments.terms import AlignedRow, Flag, discover, flag_key
from alignments.terms.lang import (
    dictionary_form,
    name_root,
    sound_key,
    spelling_key,
    stem,
    term_key,
    tokenize,
    translit_key,
)
from alignments.terms.span import Corpus, abbreviates, pivot_concepts


@pytest.mark.parametrize(
    ("text", "lang", "words"),
    [
        ("Sergey Lavrov’s remarks", "en", ["Sergey", "Lavrov", "remarks"]),
        ("du Conseil de l'OTSC", "fr", ["du", "Conseil", "de", "l'", "OTSC"]),
        ("заседания СМИД ОДКБ, Бишкек", "ru", ["заседания", "СМИД", "ОДКБ", "Бишкек"]),
        ("the Secretary-General", "en", ["the", "Secretary-General"]),
        ("des Rates der Außenminister", "de", ["des", "Rates", "der", "Außenminister"]),
    ],
)
def test_tokens_split_elisions_and_possessives(text: str, lang: str, words: list[str]) -> None:
    tokens = tokenize(text, lang)
    assert [t.text for t in tokens] == words
    assert all(text[t.start : t.end] == t.text for t in tokens)


@pytest.mark.parametrize(
    ("forms", "lang"),
    [
        (["Совет", "Совета", "Совете", "Советом"], "ru"),
        (["министров", "министра", "министрами"], "ru"),
        (["Лавров", "Лаврова", "Лавровым"], "ru"),
        (["Сергей", "Сергея", "Сергеем"], "ru"),
        (["Китай", "Китая"], "ru"),
        (["Rat", "Rates"], "de"),
        (["Außenminister", "Außenministers", "Außenministern"], "de"),
        (["Minister", "Ministers"], "en"),
        (["organisation", "organisations"], "fr"),
    ],
)
def test_inflected_forms_share_a_stem(forms: list[str], lang: str) -> None:
    assert len({stem(f, lang) for f in forms}) == 1, [stem(f, lang) for f in forms]


def test_russian_inflection_is_one_variant() -> None:
    corpus = Corpus(
        [{"ru": "Состоялось заседание Совета министров иностранных дел ОДКБ."},
         {"ru": "Вчера Совет министров иностранных дел ОДКБ принял заявление."}],
        ["ru"],
    )
    spans = [
        s for row in (0, 1) for s in corpus.candidate_spans("ru", row, extend=True)
        if corpus.surface(s).endswith("ОДКБ") and corpus.surface(s).startswith("Совет")
    ]
    assert [corpus.surface(s) for s in spans] == [
        "Совета министров иностранных дел ОДКБ", "Совет министров иностранных дел ОДКБ"
    ]
    assert corpus.variant_id(spans[0]) == corpus.variant_id(spans[1])


@pytest.mark.parametrize(
    ("lang", "sentence", "term"),
    [
        ("en", "We held a CSTO Council of Foreign Ministers meeting in Bishkek.",
         "CSTO Council of Foreign Ministers"),
        ("fr", "La réunion du Conseil des ministres des Affaires étrangères de l'OTSC a eu lieu.",
         "Conseil des ministres des Affaires étrangères de l'OTSC"),
        ("ru", "Состоялось заседание Совета министров иностранных дел ОДКБ в Бишкеке.",
         "Совета министров иностранных дел ОДКБ"),
        ("de", "Die Sitzung des Rates der Außenminister der OVKS fand statt.",
         "Rates der Außenminister der OVKS"),
        ("es", "Se celebró la reunión del Consejo de Ministros de Asuntos Exteriores de la OTSC.",
         "Consejo de Ministros de Asuntos Exteriores de la OTSC"),
    ],
)
def test_candidates_include_the_name_of_the_body(lang: str, sentence: str, term: str) -> None:
    corpus = Corpus([{lang: sentence}], [lang])
    extend = lang != "en"
    found = {corpus.surface(s) for s in corpus.candidate_spans(lang, 0, extend=extend)}
    assert term in found
    assert not any(s.startswith(("We ", "La ", "Die ", "Se ")) for s in found)


@pytest.mark.parametrize(
    ("short", "long", "lang", "expected"),
    [
        ("СМИД ОДКБ", "Совет министров иностранных дел ОДКБ", "ru", True),
        ("ОДКБ", "Организация Договора о коллективной безопасности", "ru", True),
        ("CSTO", "Collective Security Treaty Organisation", "en", True),
        ("CMAE de l'OTSC", "Conseil des ministres des Affaires étrangères de l'OTSC", "fr", True),
        ("СМИ", "Совета министров иностранных дел", "ru", False),
        ("CSTO", "Council of Foreign Ministers", "en", False),
        # a hyphened compound gives a letter per part
        ("АТР", "Азиатско-Тихоокеанский регион", "ru", True),
        ("FTAAP", "Free Trade Area of the Asia-Pacific", "en", True),
        ("АТР", "Азиатско-Тихоокеанский", "ru", False),
    ],
)
def test_abbreviations(short: str, long: str, lang: str, expected: bool) -> None:
    def words(text: str) -> list[str]:
        return [t.text for t in tokenize(text, lang)]

    assert abbreviates(words(short), words(long), lang) is expected


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Sergey", "Sergei", True),
        ("Sergueï", "Sergei", True),
        ("Sergej", "Sergei", True),
        ("Mukhriddin", "Muhriddin", True),
        ("Kirghizstan", "Kirghizistan", True),
        ("Беларусь", "Белоруссия", True),
        ("Russia", "Austria", False),
    ],
)
def test_transliterations_fold_together(a: str, b: str, same: bool) -> None:
    assert (translit_key(a) == translit_key(b)) is same


@pytest.mark.parametrize(
    ("a", "b"),
    [("Organisation", "Organization"), ("defence", "defense"), ("centre", "center"),
     ("co-operation", "cooperation"), ("Пётр", "Петр"), ("paediatrician", "pediatrician"),
     ("haemorrhage", "hemorrhage")],
)
def test_spelling_variants_fold_together(a: str, b: str) -> None:
    assert spelling_key(a) == spelling_key(b)


def rows(*texts: dict[str, str]) -> list[AlignedRow]:
    return [AlignedRow("s", n, t) for n, t in enumerate(texts)]


def flagged(texts: list[dict[str, str]], lang: str) -> list[Flag]:
    """The flags in ``lang`` of a corpus of rows (``texts``) whose original is Russian."""
    return [f for f in discover(rows(*texts), pivot="ru") if f.lang == lang]


COUNCIL = rows(
    {"ru": "Состоялось заседание Совета министров иностранных дел ОДКБ.",
     "en": "A CSTO Council of Foreign Ministers meeting was held."},
    {"ru": "Мы провели заседание Совета министров иностранных дел ОДКБ в режиме видеосвязи.",
     "en": "We held a CSTO Foreign Ministers Council meeting via videoconference."},
    {"ru": "Следующее заседание СМИД ОДКБ пройдет в Москве.",
     "en": "The next CSTO Foreign Minister Council meeting will be in Moscow."},
    {"ru": "Айвазян представил членам СМИД ОДКБ информацию.",
     "en": "Ayvazyan briefed the members of the CSTO Ministerial Council."},
    {"ru": "Совет министров иностранных дел ОДКБ принял заявление.",
     "en": "The CSTO Council of Foreign Ministers adopted a statement."},
    {"ru": "Сергей Лавров ответил на вопросы.", "en": "Sergey Lavrov answered questions."},
    {"ru": "Сергей Лавров выступил в Бишкеке.", "en": "Sergei Lavrov spoke in Bishkek."},
    {"ru": "ОДКБ укрепляет сотрудничество.", "en": "The CSTO strengthens cooperation."},
    {"ru": "Генеральный секретарь ОДКБ прибыл.", "en": "The CSTO Secretary General arrived."},
    {"ru": "Заседание прошло в Москве.", "en": "The meeting took place in Moscow."},
    {"ru": "Следующее заседание пройдет осенью.", "en": "The next meeting will be in autumn."},
    {"ru": "Министр иностранных дел Армении выступил.",
     "en": "The Foreign Minister of Armenia spoke."},
    {"ru": "Министр иностранных дел Казахстана выступил.",
     "en": "The Foreign Minister of Kazakhstan spoke."},
)


def test_one_pivot_term_rendered_several_ways_is_flagged() -> None:
    flags = discover(COUNCIL)
    council = next(f for f in flags if f.kind == "rendering" and f.lang == "en"
                   and "CSTO Ministerial Council" in f.variants)
    # Number is no variant: 'Foreign Minister Council' counts with 'Foreign Ministers Council'.
    assert set(council.variants) == {
        "CSTO Council of Foreign Ministers", "CSTO Foreign Ministers Council",
        "CSTO Ministerial Council",
    }
    assert council.source_lang == "ru"
    assert council.source_term is not None and "ОДКБ" in council.source_term
    assert sum(council.counts) == len(council.occurrences) == 5
    assert council.impact == 5 * 3
    by_row = {r.row_id: r for r in COUNCIL}
    for occ in council.occurrences:
        assert by_row[occ.row_id].texts["en"][occ.start : occ.end] == occ.text
    shown = {council.variants[o.variant]: o.text for o in council.occurrences
             if o.text == council.variants[o.variant]}
    assert set(shown) == set(council.variants)


def test_flags_come_highest_impact_first_with_stable_keys() -> None:
    flags = discover(COUNCIL)
    assert [f.impact for f in flags] == sorted((f.impact for f in flags), reverse=True)
    assert any(set(f.variants) == {"Sergey", "Sergei"} for f in flags)
    again = discover(COUNCIL)
    assert [f.key for f in flags] == [f.key for f in again]
    assert flags[0].key == flag_key(flags[0].kind, flags[0].lang, reversed(flags[0].variants),
                                    flags[0].source_lang)


GERMAN = [
    "Eine Sitzung des Rates der Außenminister der OVKS fand statt.",
    "Wir hielten eine Sitzung des Außenministerrates der OVKS per Videokonferenz ab.",
    "Die nächste Sitzung des Außenministerrates der OVKS findet in Moskau statt.",
    "Ajwasjan informierte die Mitglieder des Ministerrates der OVKS.",
    "Der Rat der Außenminister der OVKS nahm eine Erklärung an.",
    "Sergej Lawrow beantwortete Fragen.", "Sergei Lawrow sprach in Bischkek.",
    "Die OVKS stärkt die Zusammenarbeit.", "Der Generalsekretär der OVKS traf ein.",
    "Die Sitzung fand in Moskau statt.", "Die nächste Sitzung findet im Herbst statt.",
    "Der Außenminister Armeniens sprach.", "Der Außenminister Kasachstans sprach.",
]
SPANISH = [
    "Se celebró una reunión del Consejo de Ministros de Asuntos Exteriores de la OTSC.",
    "Celebramos una reunión del Consejo de Ministros de Exteriores de la OTSC por vídeo.",
    "La próxima reunión del Consejo Ministerial de la OTSC será en Moscú.",
    "Ayvazián informó a los miembros del Consejo Ministerial de la OTSC.",
    "El Consejo de Ministros de Asuntos Exteriores de la OTSC aprobó una declaración.",
    "Serguéi Lavrov respondió a preguntas.", "Sergei Lavrov habló en Bishkek.",
    "La OTSC refuerza la cooperación.", "El Secretario General de la OTSC llegó.",
    "La reunión tuvo lugar en Moscú.", "La próxima reunión será en otoño.",
    "El ministro de Asuntos Exteriores de Armenia habló.",
    "El ministro de Asuntos Exteriores de Kazajistán habló.",
]


@pytest.mark.parametrize(
    ("lang", "variants"),
    [
        # Seen in the genitive only, shown in the dictionary form.
        ("de", {"Rat der Außenminister der OVKS", "Außenministerrat der OVKS"}),
        ("es", {"Consejo de Ministros de Asuntos Exteriores de la OTSC",
                "Consejo de Ministros de Exteriores de la OTSC", "Consejo Ministerial de la OTSC"}),
    ],
)
def test_renderings_in_german_and_spanish(lang: str, variants: set[str]) -> None:
    five = [AlignedRow(r.set_id, r.row_id, {**r.texts, "de": d, "es": e})
            for r, d, e in zip(COUNCIL, GERMAN, SPANISH, strict=True)]
    flags = [f for f in discover(five) if f.kind == "rendering" and f.lang == lang]
    assert any(variants <= set(f.variants) for f in flags), [f.variants for f in flags]


@pytest.mark.parametrize(
    ("lang", "texts", "variants", "kind"),
    [
        ("en", ["The Collective Security Treaty Organisation met.",
                "The Collective Security Treaty Organization met.",
                "Its Secretary-General spoke.", "The Secretary General spoke."],
         {"Organisation", "Organization"}, "spelling"),
        ("en", ["The Secretary-General spoke.", "The UN Secretary General spoke."],
         {"Secretary-General", "Secretary General"}, "spelling"),
        ("fr", ["Le ministre Sergueï Lavrov parle.", "Le ministre Sergei Lavrov parle."],
         {"Sergueï", "Sergei"}, "transliteration"),
        ("de", ["Minister Sergej Lawrow sprach.", "Minister Sergei Lawrow sprach."],
         {"Sergej", "Sergei"}, "transliteration"),
        ("ru", ["Делегация Беларуси прибыла.", "Делегация Белоруссии прибыла."],
         {"Беларусь", "Белоруссия"}, "transliteration"),  # in their dictionary forms
        ("es", ["El ministro Serguéi Lavrov habló.", "El ministro Sergei Lavrov habló."],
         {"Serguéi", "Sergei"}, "transliteration"),
        ("en", ["A CSTO Council of Foreign Ministers meeting.",
                "A CSTO Foreign Ministers Council meeting."],
         {"CSTO Council of Foreign Ministers", "CSTO Foreign Ministers Council"}, "word-order"),
        ("fr", ["Le CMAE de l'OTSC a siégé.", "Le CMAE de l'OTSC a adopté un texte.",
                "Le Conseil des ministres des Affaires étrangères de l'OTSC a siégé."],
         {"CMAE", "Conseil des ministres des Affaires étrangères"}, "acronym"),
        # German chains nouns over articles and prepositions: the name ends before 'ein',
        # 'und' and 'im' (from asia and economy)
        ("de", ["Russland hielt beim ASEAN-Regionalforum ein Seminar ab.",
                "Russland dankte dem ASEAN-Regionalforum und dem Sekretariat.",
                "Beim Regionalforum der ASEAN legte Russland einen Entwurf vor."],
         {"ASEAN-Regionalforum", "Regionalforum der ASEAN"}, "word-order"),
        ("de", ["Die Sonderwirtschaftszone im Gebiet Kaliningrad wächst.",
                "Die Sonderwirtschaftszone im Kaliningrader Gebiet wächst."],
         {"Gebiet Kaliningrad", "Kaliningrader Gebiet"}, "word-order"),
        # a lowercase compound with and without its hyphen, before the same word (energy)
        ("en", ["The long-term contract runs to 2040.", "A long term contract was signed.",
                "In the long term prices will fall."],
         {"long-term", "long term"}, "spelling"),
        # ... and a name's hyphened adjective, before the same word
        ("en", ["Russian-language schools opened.", "Russian language schools closed."],
         {"Russian-language", "Russian language"}, "spelling"),
        # a name's particle with and without its capital (gulf)
        ("ru", ["Х.Аль-Мансури проинформировал Министра.", "Министр встретился с Х.аль-Мансури.",
                "Х.аль-Мансури высказался за обсуждение."],
         {"Аль-Мансури", "аль-Мансури"}, "spelling"),
    ],
)
def test_monolingual_variants_are_clustered(
    lang: str, texts: list[str], variants: set[str], kind: str
) -> None:
    flags = discover(rows(*({lang: t} for t in texts)), pivot="xx")
    assert any(f.kind == kind and set(f.variants) == variants for f in flags), [
        (f.kind, f.variants) for f in flags
    ]


@pytest.mark.parametrize(
    ("lang", "texts"),
    [
        ("en", ["Armenia and Russia agreed.", "The Armenian side spoke."]),
        ("en", ["The Collective Security Treaty Organisation (CSTO) met.", "The CSTO met."]),
        ("en", ["Kyrgyzstan and Tajikistan talked.", "Tajikistan and Kyrgyzstan talked."]),
        ("fr", ["Les menaces sont réelles.", "Le pays est menacé."]),
        # another phrase, not a name in another order (relay, gulf)
        ("de", ["Die Kapelle mit Fresken steht hier.", "Die Freske der Kapelle ist alt."]),
        # a woman's surname beside her husband's: two people (memoir)
        ("fr", ["Hier, Anna Choubina est arrivée.", "Le lendemain, Piotr Choubine est parti."]),
        ("en", ["Yesterday Anna Shubina arrived.", "The next day Pyotr Shubin left."]),
        # a sentence's first word says nothing of its particle's capital (relay)
        ("fr", ["Val-Serin est un village.", "Nous sommes arrivés à Val-Serin."]),
        ("de", ["In Riad führte Sergej Lawrow Gespräche mit dem Emir.",
                "Die Gespräche Sergej Lawrows mit der Führung fanden statt."]),
        # a month beside a name is a date, not a word of it (culture)
        ("en", ["In June Moscow will host the forum.", "The forum met in Moscow in June."]),
        # a title in quotation marks, in title case, says nothing of how the text writes
        # its words (culture)
        ("en", ['The conference "The Russian Language: Our Common Heritage" opens today.',
                'Delegates to "The Russian Language: Our Common Heritage" arrived.',
                "Pupils learn the Russian language.", "The Russian language unites us."]),
        # two German nouns the dictionary knows are two words, not one name heard two
        # ways (summit, relay)
        ("de", ["Seine Bemerkung war kurz.", "Die Bewertung war gut.",
                "Eine Bemerkung folgte.", "Die Bewertung kam spät."]),
        # an English adjective hyphened from a name, before another noun (culture)
        ("en", ["Russian-language schools opened.", "They teach the Russian language.",
                "Russian-language media grew.", "The Russian language is studied."]),
    ],
)
def test_look_alikes_are_not_flagged(lang: str, texts: list[str]) -> None:
    assert discover(rows(*({lang: t} for t in texts)), pivot="xx") == []


def test_common_nouns_and_inflections_are_not_names_spelled_two_ways() -> None:
    texts = [
        {"de": "Die Vorbereitung des Gipfels läuft.", "ru": "Подготовка саммита идёт."},
        {"de": "Die Verbreitung von Waffen ist gefährlich.",
         "ru": "Распространение оружия опасно."},
        {"de": "Diese Kraft ist stark.", "ru": "Эта сила велика."},
        {"de": "Diese Kräfte sind stark.", "ru": "Эти силы велики."},
        {"de": "Der Prozess in Nürnberg.", "ru": "Процесс в Нюрнберге."},
        {"de": "Das Nürnberger Tribunal.", "ru": "Нюрнбергского трибунала."},
    ]
    flags = discover(rows(*texts), pivot="ru")
    assert not [f for f in flags if f.kind == "transliteration"], [f.variants for f in flags]


def test_a_linking_s_and_a_hyphen_between_two_words_are_spellings() -> None:
    # from the blind corpus brics: Mitgliedstaaten / Mitgliedsstaaten, États membres /
    # États-membres (the hyphen joins a lowercase word: same capitals, same letters)
    texts = [
        {"de": "Die Mitgliedstaaten stimmten zu.", "fr": "Les États membres ont approuvé.",
         "ru": "Государства-члены согласились."},
        {"de": "Die Vertreter der Mitgliedstaaten sprachen.",
         "fr": "Les représentants des États membres ont parlé.",
         "ru": "Представители государств-членов выступили."},
        {"de": "Die Mitgliedsstaaten berieten.", "fr": "Les États-membres ont délibéré.",
         "ru": "Государства-члены провели консультации."},
        {"de": "Der Mitglieder wegen.", "fr": "Les membres sont venus.", "ru": "Члены пришли."},
    ]
    flags = {(f.lang, f.kind): set(f.variants) for f in discover(rows(*texts), pivot="ru")}
    assert len(flags[("de", "spelling")]) == 2, flags
    assert len(flags[("fr", "spelling")]) == 2, flags


def test_an_expansion_ending_before_a_verb_is_whole_and_flagged_beside_its_acronym() -> None:
    # from the blind corpus osce: 'the Organization of the Black Sea Economic Cooperation
    # was held' names the body as wholly as 'BSEC' does; the Russian says ОЧЭС every time
    texts = [{"ru": f"Заседание ОЧЭС номер {n} прошло.", "en": f"BSEC meeting {n} took place."}
             for n in range(6)]
    texts += [
        {"ru": "Заседание Совета ОЧЭС прошло.",
         "en": "A meeting of the Organization of the Black Sea Economic Cooperation was held."},
        {"ru": "ОЧЭС должна остаться площадкой.",
         "en": "The Organization of the Black Sea Economic Cooperation should remain a forum."},
    ]
    flags = discover(rows(*texts), pivot="ru")
    assert any(f.lang == "en" and f.kind == "acronym" and "BSEC" in f.variants
               for f in flags), [(f.kind, f.variants) for f in flags]


def test_an_accent_left_off_a_capital_and_a_capital_left_off_a_title_are_spellings() -> None:
    # from the blind corpus osce: États membres / Etats membres, Secrétaire général /
    # Secrétaire Général; but not a longer name's words (Comunidad de Estados
    # Independientes) nor Russian, where the capital tells two bodies apart
    texts = [
        {"fr": "Les États membres ont parlé au Secrétaire général.",
         "es": "Los Estados independientes hablaron.",
         "ru": "Совет Безопасности ООН заседал."},
        {"fr": "Les États membres ont écrit au Secrétaire général.",
         "es": "Los Estados independientes escribieron.",
         "ru": "Совет Безопасности ООН принял резолюцию."},
        {"fr": "Les Etats membres ont remis un rapport au Secrétaire Général.",
         "es": "La Comunidad de Estados Independientes se reunió.",
         "ru": "Совет безопасности России заседал."},
        {"fr": "Les Etats membres ont approuvé le rapport du Secrétaire Général.",
         "es": "La Comunidad de Estados Independientes habló.",
         "ru": "Совет безопасности России обсудил вопрос."},
    ]
    texts += [{"fr": f"Le rapport {n} va au {m}inistère de la Santé.", "es": "Informe.",
               "ru": "Доклад."} for n, m in enumerate("MMmm")]
    flags = discover(rows(*texts), pivot="ru")
    spelled = [set(f.variants) for f in flags if f.kind == "spelling"]
    assert any({"États", "Etats"} <= v for v in spelled), spelled
    assert any({"Secrétaire général", "Secrétaire Général"} <= v for v in spelled), spelled
    assert any({"ministère de la Santé", "Ministère de la Santé"} <= v for v in spelled), spelled
    assert not [f for f in flags if f.lang in ("es", "ru")], [(f.lang, f.variants) for f in flags]


def test_a_name_written_with_and_without_yo_is_spelled_two_ways() -> None:
    # from brics: Тромсё / Тромсе; a common word at the start of a sentence is no name
    texts = [
        {"ru": "Встреча прошла в Тромсё.", "en": "The meeting took place in Tromsø."},
        {"ru": "Совет собрался в Тромсё.", "en": "The Council met in Tromsø."},
        {"ru": "Министры прибыли в Тромсе.", "en": "The ministers arrived in Tromsø."},
        {"ru": "Пресс-центр в Тромсе открыт.", "en": "The press centre in Tromsø is open."},
        {"ru": "Объём торговли вырос.", "en": "The volume of trade grew."},
        {"ru": "Торговый объём вырос.", "en": "The trade volume grew."},
    ]
    flags = flagged(texts, "ru")
    assert [set(f.variants) for f in flags] == [{"Тромсё", "Тромсе"}], [f.variants for f in flags]


def test_a_name_heard_with_a_consonant_more_is_transliterated_two_ways() -> None:
    # from brics: «Кришнамурти» / «Кришнамуртхи», one man whom every translation names
    # Krishnamurthy; a plural's or an adjective's letter added to a name is no such pair
    texts = [
        {"ru": "Заявление сделал А.Кришнамурти.", "en": "Anil Krishnamurthy made a statement."},
        {"ru": "Кришнамурти выступил в Дели.", "en": "Krishnamurthy spoke in Delhi."},
        {"ru": "Встреча с А.Кришнамуртхи состоялась.", "en": "We met Anil Krishnamurthy."},
        {"ru": "Кришнамуртхи ответил на вопросы.", "en": "Krishnamurthy answered questions."},
        {"ru": "Армения подписала договор.", "en": "Armenia signed the treaty."},
        {"ru": "Армения участвует.", "en": "Armenia takes part."},
    ]
    flags = flagged(texts, "ru")
    assert [set(f.variants) for f in flags] == [{"Кришнамурти", "Кришнамуртхи"}], \
        [f.variants for f in flags]
    english = flagged([{"ru": "Армения и армяне.", "en": "Armenia and the Armenian people."},
                       {"ru": "Армения.", "en": "Armenia agreed."},
                       {"ru": "Армянский язык.", "en": "The Armenian language."}], "en")
    assert not english, [f.variants for f in english]


def test_a_russian_term_in_lowercase_words_rendered_two_ways_is_flagged() -> None:
    # from brics: «прикаспийские государства» every time, 'Caspian littoral states' and
    # 'Caspian coastal states' in the English; a plural and a rendering cut short are not
    # renderings of their own (declaración conjunta, declaraciones conjuntas)
    texts = [
        {"ru": "Министры прикаспийских государств встретились в Баку.",
         "en": "Ministers of the Caspian littoral states met in Baku.",
         "es": "Los ministros de los Estados ribereños del Caspio se reunieron en Bakú."},
        {"ru": "Прикаспийские государства приняли совместное заявление.",
         "en": "The Caspian littoral states adopted a joint statement.",
         "es": "Los Estados ribereños del Caspio adoptaron una declaración conjunta."},
        {"ru": "Совместное заявление подписали прикаспийские государства.",
         "en": "The joint statement was signed by the Caspian coastal states.",
         "es": "La declaración conjunta fue firmada por los Estados ribereños del Caspio."},
        {"ru": "Прикаспийские государства обсудили рыболовство и совместное заявление.",
         "en": "The Caspian coastal states discussed fishing and the joint statement.",
         "es": "Los Estados ribereños del Caspio hablaron de pesca y de las declaraciones "
               "conjuntas."},
        {"ru": "Рыболовство важно.", "en": "Fishing matters.", "es": "La pesca importa."},
    ]
    flags = discover(rows(*texts), pivot="ru")
    assert any(f.lang == "en" and f.kind == "rendering" and {
        "Caspian littoral states", "Caspian coastal states"} <= set(f.variants)
        for f in flags), [(f.lang, f.variants) for f in flags]
    assert not [f for f in flags if f.lang == "es"], [(f.lang, f.variants) for f in flags]


def test_a_lowercase_term_rendered_with_and_without_a_word_is_flagged() -> None:
    # from gulf: 'Caspian littoral states' and 'Caspian states' for «прикаспийские
    # государства»; the shorter is a rendering of its own where its rows lack the word the
    # longer adds, but a span cut short where they have it ('the littoral states of the
    # Caspian' is no 'Caspian states')
    texts = [
        {"ru": "Министры прикаспийских государств встретились в Баку.",
         "en": "Ministers of the Caspian littoral states met in Baku."},
        {"ru": "Прикаспийские государства приняли совместное заявление.",
         "en": "The Caspian littoral states adopted a joint statement."},
        {"ru": "Совместное заявление подписали прикаспийские государства.",
         "en": "The joint statement was signed by the Caspian states."},
        {"ru": "Прикаспийские государства обсудили рыболовство.",
         "en": "The Caspian states discussed fishing."},
        {"ru": "Рыболовство важно.", "en": "Fishing matters."},
    ]
    flags = flagged(texts, "en")
    assert any({"Caspian littoral states", "Caspian states"} <= set(f.variants)
               for f in flags), [f.variants for f in flags]
    cut = [dict(t, en=t["en"].replace("Caspian states", "Caspian states, littoral ones,"))
           for t in texts]
    flags = flagged(cut, "en")
    assert not any("Caspian states" in f.variants for f in flags), [f.variants for f in flags]


def test_a_term_with_a_clipped_prefix_and_spelled_out_is_flagged() -> None:
    # from health: 'E-Rezept' and 'elektronische Rezepte' for «электронный рецепт»
    texts = [
        {"ru": "Врач выписал электронный рецепт.", "de": "Der Arzt stellte ein E-Rezept aus."},
        {"ru": "Электронный рецепт действует месяц.", "de": "Das E-Rezept gilt einen Monat."},
        {"ru": "Электронный рецепт приходит в СМС.", "de": "Das E-Rezept kommt per SMS."},
        {"ru": "Аптеки принимают электронные рецепты.",
         "de": "Apotheken nehmen elektronische Rezepte an."},
        {"ru": "Электронные рецепты удобны пациентам.",
         "de": "Elektronische Rezepte sind für Patienten bequem."},
        {"ru": "Электронные рецепты хранятся год.",
         "de": "Elektronische Rezepte werden ein Jahr gespeichert."},
        {"ru": "Аптеки открыты.", "de": "Die Apotheken sind geöffnet."},
        {"ru": "Пациенты довольны.", "de": "Die Patienten sind zufrieden."},
    ]
    flags = flagged(texts, "de")
    assert any(any(v.startswith("E-Rezept") for v in f.variants)
               and any(v.startswith(("elektronische", "Elektronische")) for v in f.variants)
               for f in flags), [f.variants for f in flags]


def test_a_rendering_cut_short_is_completed_after_a_longer_one_with_its_word_varied() -> None:
    # from gulf: 'Übereinkommen über den Rechtsstatus des Kaspischen Meeres' once, where the
    # rare 'Übereinkommen' goes with «Конвенция» too seldom to be taken, beside 'Konvention
    # über den Rechtsstatus …'; a title before an organisation's name is no such word
    # ('Mitgliedstaat der OVKS' / 'Außenminister der OVKS')
    convention = "Конвенци{} о правовом статусе Каспийского моря"
    texts = [
        {"ru": f"Стороны обсудили {convention.format('ю')}.",
         "de": "Die Seiten erörterten die Konvention über den Rechtsstatus des Kaspischen "
               "Meeres."},
        {"ru": f"{convention.format('я')} вступила в силу.",
         "de": "Die Konvention über den Rechtsstatus des Kaspischen Meeres trat in Kraft."},
        {"ru": f"Мы призвали ратифицировать {convention.format('ю')}.",
         "de": "Wir riefen auf, die Konvention über den Rechtsstatus des Kaspischen Meeres zu "
               "ratifizieren."},
        {"ru": f"Министры подтвердили важность {convention.format('и')}.",
         "de": "Die Minister bekräftigten die Bedeutung des Übereinkommens über den "
               "Rechtsstatus des Kaspischen Meeres."},
        {"ru": f"Реализация {convention.format('и')} продолжается.",
         "de": "Die Umsetzung des Übereinkommens über den Rechtsstatus des Kaspischen Meeres "
               "geht weiter."},
        {"ru": "Министр выступил в Баку.", "de": "Der Minister sprach in Baku."},
        {"ru": "Государства ОДКБ и министры ОДКБ встретились.",
         "de": "Die Mitgliedstaaten der OVKS und die Außenminister der OVKS trafen sich."},
    ]
    flags = flagged(texts, "de")
    assert any(any(v.startswith("Übereinkommen") for v in f.variants)
               and any(v.startswith("Konvention") for v in f.variants)
               for f in flags), [f.variants for f in flags]
    assert not any("Außenminister der OVKS" in f.variants for f in flags), \
        [f.variants for f in flags]


def test_a_deputy_is_a_post_of_its_own_not_the_minister() -> None:
    # from osce: «заместитель Министра иностранных дел» is the deputy's post, rendered as a
    # whole ('stellvertretender Außenminister'); followed as the Minister's, its rows gave
    # the Minister two renderings of which one was the deputy's
    texts = [
        {"ru": "Заместитель Министра иностранных дел Российской Федерации провёл встречу.",
         "de": "Der stellvertretende Außenminister Russlands führte ein Treffen durch."},
        {"ru": "Его принял заместитель Министра иностранных дел Российской Федерации.",
         "de": "Er wurde vom stellvertretenden Außenminister Russlands empfangen."},
        {"ru": "Министр иностранных дел Российской Федерации выступил.",
         "de": "Der Außenminister Russlands sprach."},
        {"ru": "Министр иностранных дел Российской Федерации уехал.",
         "de": "Der Außenminister Russlands reiste ab."},
    ]
    corpus = Corpus(texts, ["de", "ru"])
    found = {corpus.surface(c.members[0]).lower(): {s.row for s in c.occurrences}
             for c in pivot_concepts(corpus, "ru")}
    deputy = next(rows for term, rows in found.items() if term.startswith("заместител"))
    assert deputy == {0, 1}, found
    assert all(rows.isdisjoint({0, 1}) for term, rows in found.items()
               if term.startswith("министр")), found


def test_a_varied_word_of_a_lowercase_term_is_flagged_unless_every_translation_varies_it(
) -> None:
    # from health: «клинические рекомендации» every time, 'guías clínicas' and
    # 'recomendaciones clínicas' in the Spanish; from sco: «очередное заседание» is the next
    # meeting in some rows and a regular one in others, in every translation alike: two
    # senses of the original, not a translator's inconsistency
    verbs = [("применяют", "aplican"), ("читают", "leen"), ("обновили", "actualizaron"),
             ("обсуждают", "debaten")]
    places = [("Москве", "Moscow", "Moscou", "Moskau"), ("Казани", "Kazan", "Kazan", "Kasan"),
              ("Сочи", "Sochi", "Sotchi", "Sotschi"), ("Омске", "Omsk", "Omsk", "Omsk")]
    texts = []
    for n, (es, en, fr, de) in enumerate([
            ("guías clínicas", "next meeting", "prochaine réunion", "nächste Sitzung"),
            ("guías clínicas", "next meeting", "prochaine réunion", "nächste Sitzung"),
            ("recomendaciones clínicas", "regular meeting", "réunion ordinaire",
             "turnusmäßige Sitzung"),
            ("recomendaciones clínicas", "regular meeting", "réunion ordinaire",
             "turnusmäßige Sitzung")]):
        ru_verb, es_verb = verbs[n]
        ru_place, en_place, fr_place, de_place = places[n]
        texts.append({"ru": f"Врачи {ru_verb} клинические рекомендации.",
                      "es": f"Los médicos {es_verb} las {es}."})
        texts.append({"ru": f"Очередное заседание пройдет в {ru_place}.",
                      "en": f"The {en} will be in {en_place}.",
                      "fr": f"La {fr} sera à {fr_place}.",
                      "de": f"Die {de} ist in {de_place}."})
    texts.append({"ru": "Врачи работают.", "es": "Los médicos trabajan.", "en": "They work.",
                  "fr": "Ils travaillent.", "de": "Sie arbeiten."})
    flags = discover(rows(*texts), pivot="ru")
    assert [(f.lang, set(f.variants)) for f in flags] == [
        ("es", {"guías clínicas", "recomendaciones clínicas"})], [
        (f.lang, f.variants) for f in flags]


def test_the_original_naming_a_term_two_ways_is_flagged_through_a_translation() -> None:
    # from brics: «Конвенция о правовом статусе Каспийского моря» and «Каспийская
    # конвенция» in the Russian, 'Caspian Sea Convention' in the German every time; a
    # rendering that runs into the sentence («что Конвенция») is no variant
    ru = ["Конвенция о правовом статусе Каспийского моря", "Каспийская конвенция"]
    texts = [
        {"ru": "Вчера Конвенция о правовом статусе Каспийского моря вступила в силу.",
         "de": "Gestern trat die Kaspische Konvention in Kraft."},
        {"ru": "Стороны выполняют Каспийскую конвенцию.",
         "de": "Die Seiten erfüllen die Kaspische Konvention."},
        {"ru": "Иран подписал Конвенцию о правовом статусе Каспийского моря.",
         "de": "Iran unterzeichnete die Kaspische Konvention."},
        {"ru": "Для нас Каспийская конвенция важна.",
         "de": "Für uns ist die Kaspische Konvention wichtig."},
        {"ru": "Мы считаем, что Каспийская конвенция работает.",
         "de": "Wir meinen, dass die Kaspische Konvention wirkt."},
        {"ru": "Норвегия молчит.", "de": "Norwegen schweigt."},
    ]
    flags = flagged(texts, "ru")
    assert [set(f.variants) for f in flags] == [set(ru)], [f.variants for f in flags]


def test_a_german_compound_and_the_phrase_it_packs_render_one_term_two_ways() -> None:
    # from brics: «Арктический совет» every time; 'Arktische Rat' and 'Arktisrat' in the
    # German, which never writes 'Arktis' on its own
    texts = [
        {"ru": "Арктический совет собрался в Тромсё.",
         "de": "Der Arktische Rat trat in Tromsø zusammen."},
        {"ru": "Мы поддерживаем Арктический совет.", "de": "Wir unterstützen den Arktischen Rat."},
        {"ru": "Работа Арктического совета пострадала.", "de": "Die Arbeit des Arktisrates litt."},
        {"ru": "Арктический совет должен работать.", "de": "Der Arktisrat muss arbeiten."},
        {"ru": "Арктический совет принял план.", "de": "Der Arktische Rat nahm einen Plan an."},
        {"ru": "Мы ценим Арктический совет.", "de": "Wir schätzen den Arktischen Rat."},
        {"ru": "Норвегия председательствует.", "de": "Norwegen führt den Vorsitz."},
    ]
    flags = discover(rows(*texts), pivot="ru")
    assert any(f.lang == "de" and f.kind == "rendering"
               and {"Arktische Rat", "Arktisrat"} <= set(f.variants)
               for f in flags), [(f.lang, f.variants) for f in flags]


def test_a_term_opening_on_lowercase_words_before_an_acronym_is_followed() -> None:
    # «встреча министров иностранных дел БРИКС» has no capital but the acronym: it is a
    # term all the same, and its German renderings differ (from the blind corpus brics)
    texts = [
        {"ru": "Состоялась встреча министров иностранных дел БРИКС.",
         "de": "Es tagte das Treffen der BRICS-Außenminister."},
        {"ru": "Приняла заявление встреча министров иностранных дел БРИКС.",
         "de": "Eine Erklärung verabschiedete das Treffen der BRICS-Außenminister."},
        {"ru": "В июне пройдет встреча министров иностранных дел БРИКС.",
         "de": "Im Juni findet das BRICS-Außenministertreffen."},
        {"ru": "Мы готовимся к встрече министров иностранных дел БРИКС.",
         "de": "Wir bereiten das BRICS-Außenministertreffen."},
        {"ru": "Министр выступил.", "de": "Der Minister sprach."},
    ]
    flags = discover(rows(*texts), pivot="ru")
    assert any(f.lang == "de" and f.kind == "rendering"
               and f.source_term == "встреча министров иностранных дел БРИКС"
               and {"Treffen der BRICS-Außenminister", "BRICS-Außenministertreffen"}
               <= set(f.variants) for f in flags), [(f.source_term, f.variants) for f in flags]


def test_two_english_acronyms_one_leaving_out_a_letter_render_one_original_acronym() -> None:
    texts = [
        {"ru": "ЕАЭС работает с партнерами.", "en": "The EAEU works with its partners."},
        {"ru": "Соглашение между ЕАЭС и Ираном.", "en": "The agreement between the EEU and Iran."},
        {"ru": "ЕАЭС развивает контакты.", "en": "The EEU is developing contacts."},
        {"ru": "Решения ЕАЭС вступили в силу.", "en": "The EAEU decisions took effect."},
        {"ru": "ООН и ЕС выступили.", "en": "The UN and the EU spoke."},
    ]
    flags = discover(rows(*texts), pivot="ru")
    assert any(f.lang == "en" and set(f.variants) == {"EAEU", "EEU"} for f in flags), [
        (f.kind, f.variants) for f in flags]


def test_an_acronym_leaving_out_its_first_letter_renders_the_same_original_acronym() -> None:
    # from osce: OCEMN / CEMN for «ОЧЭС» (the 'Organisation' left out); OSCE is another body
    texts = [
        {"ru": "ОЧЭС работает.", "fr": "L'OCEMN travaille."},
        {"ru": "Бюджет ОЧЭС принят.", "fr": "Le budget de l'OCEMN est adopté."},
        {"ru": "Устав ОЧЭС нарушен.", "fr": "La Charte de la CEMN est violée."},
        {"ru": "Члены ОЧЭС согласны.", "fr": "Les membres de la CEMN sont d'accord."},
        {"ru": "ОБСЕ и ОЧЭС выступили.", "fr": "L'OSCE et l'OCEMN ont parlé."},
        {"ru": "ОБСЕ заседала.", "fr": "L'OSCE a siégé."},
    ]
    flags = discover(rows(*texts), pivot="ru")
    assert any(f.lang == "fr" and set(f.variants) == {"OCEMN", "CEMN"} for f in flags), [
        (f.kind, f.variants) for f in flags]


def test_an_acronym_where_the_original_spells_the_name_out_is_a_variant() -> None:
    # «Новый банк развития» every time; the English says 'NDB' in two rows (from brics)
    texts = [
        {"ru": "Доклад Нового банка развития опубликован.",
         "en": "The report of the New Development Bank was published."},
        {"ru": "Новый банк развития расширяет состав.",
         "en": "The New Development Bank is expanding its membership."},
        {"ru": "Проекты Нового банка развития важны.",
         "en": "The projects of the New Development Bank matter."},
        {"ru": "Доля кредитов Нового банка развития растет.",
         "en": "The share of NDB loans is growing."},
        {"ru": "Совет Нового банка развития собрался.", "en": "The NDB board met."},
        {"ru": "Министр выступил.", "en": "The Minister spoke."},
    ]
    flags = discover(rows(*texts), pivot="ru")
    assert any(f.lang == "en" and {"New Development Bank", "NDB"} <= set(f.variants)
               for f in flags), [(f.kind, f.variants) for f in flags]


def test_a_russian_noun_is_not_taken_for_an_unknown_verb() -> None:
    # pymorphy3 finds 'генсекретарь' as likely an imperative of 'генсекретарить' as the
    # noun: the nominative and the oblique cases must be one variant
    assert stem("Генсекретарь", "ru") == stem("Генсекретарем", "ru") == "генсекретарь"


def test_centuries_months_and_turkish_case_endings_are_no_names_spelled_two_ways() -> None:
    # from the blind corpora: 'XIVe' / 'XIXe' (two centuries), 'March' / 'Marrach' (a month
    # and a village), 'Cazals'lı' / 'Cazals'ı' (one name, two Turkish case endings)
    texts = [
        {"fr": "La chapelle date du XIVe siècle.", "ru": "Часовня XIV века.",
         "en": "The chapel dates from the 14th century.", "tr": "Şapel 14. yüzyıldan."},
        {"fr": "Le pont date du XIXe siècle.", "ru": "Мост XIX века.",
         "en": "The bridge dates from the 19th century.", "tr": "Köprü 19. yüzyıldan."},
        {"fr": "Le 3 mars, la délégation arriva.", "ru": "3 марта делегация прибыла.",
         "en": "On 3 March the delegation arrived.", "tr": "3 Mart'ta heyet geldi."},
        {"fr": "Elle quitta Marrach à pied.", "ru": "Она покинула Маррах пешком.",
         "en": "She left Marrach on foot.", "tr": "Marrach'tan yürüyerek ayrıldı."},
        {"fr": "Le guide de Cazals parla.", "ru": "Проводник из Казальса сказал.",
         "en": "The guide from Cazals spoke.", "tr": "Cazals'lı rehber konuştu."},
        {"fr": "Nous avons quitté Cazals.", "ru": "Мы покинули Казальс.",
         "en": "We left Cazals.", "tr": "Cazals'ı terk ettik."},
    ]
    flags = discover(rows(*texts), pivot="ru")
    assert not flags, [(f.lang, f.kind, f.variants) for f in flags]
    assert [t.text for t in tokenize("Cazals'lı rehber Ankara’da", "tr")] == [
        "Cazals", "rehber", "Ankara"]
    assert all(t.number for t in tokenize("XIVe XIX IIe", "fr"))
    assert not any(t.number for t in tokenize("CD DC Vienna I", "en"))


def test_a_country_and_its_adjective_are_one_rendering_of_the_name_in_english() -> None:
    texts = [
        {"ru": "Делегация Талмарии прибыла в Ведерин.",
         "en": "The delegation of Talmaria arrived in Vederin."},
        {"ru": "Талмарийская сторона подтвердила позицию.",
         "en": "The Talmarian side confirmed its position."},
        {"ru": "Министр Талмарии выступил.", "en": "The Minister of Talmaria spoke."},
    ]
    flags = discover(rows(*texts), pivot="ru")
    assert not [f for f in flags if {"Talmaria", "Talmarian"} & set(f.variants)], [
        (f.kind, f.variants) for f in flags]
    assert name_root("ukrainian", "en") == name_root("ukraine", "en")
    assert name_root("canadian", "en") == name_root("canada", "en")
    assert name_root("council", "en") == "council"


def test_spanish_y_and_dzh_for_one_russian_sound_are_one_name() -> None:
    texts = [
        {"es": "El presidente de Tayikistán habló.", "ru": "Президент Таджикистана выступил."},
        {"es": "La delegación de Tadzhikistán llegó.", "ru": "Делегация Таджикистана прибыла."},
    ]
    flags = discover(rows(*texts), pivot="ru")
    assert any(set(f.variants) == {"Tayikistán", "Tadzhikistán"} for f in flags), [
        (f.kind, f.variants) for f in flags]


def test_an_empty_corpus_has_no_flags() -> None:
    assert discover([]) == []
    assert discover(rows({"en": ""}, {"ru": ""})) == []


def test_an_acronym_beside_its_expansion_in_lowercase_words_is_flagged() -> None:
    # from health: 'ARVI' and 'acute respiratory viral infections' for «ОРВИ» every time
    texts = [{"ru": f"Случаев ОРВИ стало больше в регионе {n}.",
              "en": f"ARVI cases rose in region {n}."} for n in range(4)]
    texts += [{"ru": f"Рост ОРВИ отмечен в округе {n}.",
               "en": f"We saw more acute respiratory viral infections in district {n}."}
              for n in range(2)]
    flags = discover(rows(*texts), pivot="ru")
    assert any(f.lang == "en" and f.kind == "acronym" and "ARVI" in f.variants
               for f in flags), [(f.kind, f.variants) for f in flags]


def test_acronym_and_expansion_following_the_original_are_not_a_conflict() -> None:
    corpus = rows(
        {"ru": "Организация Договора о коллективной безопасности (ОДКБ) провела встречу.",
         "en": "The Collective Security Treaty Organisation (CSTO) held a meeting."},
        {"ru": "Устав Организации Договора о коллективной безопасности действует.",
         "en": "The Charter of the Collective Security Treaty Organisation is in force."},
        {"ru": "ОДКБ укрепляет сотрудничество.", "en": "The CSTO strengthens cooperation."},
        {"ru": "Страны ОДКБ согласовали план.", "en": "The CSTO countries agreed a plan."},
        {"ru": "Саммит ОДКБ пройдет в ноябре.", "en": "The CSTO summit is in November."},
    )
    assert [f for f in discover(corpus) if f.kind == "rendering"] == []




def test_the_originals_acronym_beside_its_expansion_is_flagged_where_translations_spell_it_out(
) -> None:
    # made up: «ГТС» and «государственная транспортная служба» in the Russian, the
    # translations spelling the service out every time; where they abbreviate as the
    # original does (the test above: CSTO for «ОДКБ»), the original's usage is followed
    texts = [
        {"ru": f"Отчет ГТС за {n} год опубликован.",
         "en": f"The report of the state transport service for {n} is out.",
         "fr": f"Le rapport du service public des transports pour {n} est paru."}
        for n in (2020, 2021, 2022)
    ]
    texts += [
        {"ru": "Перевозчиков проверила государственная транспортная служба.",
         "en": "Carriers were inspected by the state transport service.",
         "fr": "Les transporteurs ont été contrôlés par le service public des transports."},
        {"ru": "Новые правила ввела государственная транспортная служба.",
         "en": "New rules came from the state transport service.",
         "fr": "De nouvelles règles viennent du service public des transports."},
    ]
    texts.append({"ru": "Проверки продолжатся.", "en": "Inspections will go on.",
                  "fr": "Les contrôles continueront."})
    flags = flagged(texts, "ru")
    assert [(f.kind, f.variants[0]) for f in flags] == [("acronym", "ГТС")], [
        (f.kind, f.variants) for f in flags]
    abbreviated = [{**t, "en": t["en"].replace("the state transport service", "the STS"),
                    "fr": t["fr"].replace("du service public des transports", "du SPT")}
                   for t in texts[:3]] + texts[3:]
    assert [f for f in discover(rows(*abbreviated), pivot="ru") if f.lang == "ru"] == []


def test_the_originals_acronym_beside_its_expansion_is_flagged_where_translations_abbreviate(
) -> None:
    # made up: the translations write their acronym where the original has «ГТС» and where
    # it spells the service out alike (IAEA throughout for «МАГАТЭ» and its expansion): the
    # original's alternation is its own, and no translation follows it
    texts = [
        {"ru": f"Отчет ГТС за {n} год опубликован.",
         "en": f"The report of the STS for {n} is out.",
         "fr": f"Le rapport du SPT pour {n} est paru."}
        for n in (2020, 2021, 2022)
    ]
    texts += [
        {"ru": "Перевозчиков проверила государственная транспортная служба.",
         "en": "Carriers were inspected by the STS.",
         "fr": "Les transporteurs ont été contrôlés par le SPT."},
        {"ru": "Новые правила ввела государственная транспортная служба.",
         "en": "New rules came from the STS.",
         "fr": "De nouvelles règles viennent du SPT."},
        {"ru": "Проверки продолжатся.", "en": "Inspections will go on.",
         "fr": "Les contrôles continueront."},
    ]
    flags = flagged(texts, "ru")
    assert [(f.kind, f.variants[0]) for f in flags] == [("acronym", "ГТС")], [
        (f.kind, f.variants) for f in flags]

@pytest.mark.parametrize(("place", "adjective"), [
    ("Нюрнберге", "Нюрнбергского"), ("Россия", "российского"), ("Казахстана", "казахстанский"),
])
def test_a_russian_place_and_its_adjective_share_a_root(place: str, adjective: str) -> None:
    assert name_root(stem(place, "ru"), "ru") == name_root(stem(adjective, "ru"), "ru")


@pytest.mark.parametrize(("country", "adjective"), [
    ("Kuwait", "Kuwaiti"), ("Iraq", "Iraqi"), ("Qatar", "Qatari"), ("Israel", "Israeli"),
    ("China", "Chinese"), ("Japan", "Japanese"), ("Vietnam", "Vietnamese"),
    ("Ukraine", "Ukrainian"),
])
def test_an_english_country_and_its_adjective_share_a_root(country: str, adjective: str
                                                           ) -> None:
    assert name_root(stem(country, "en"), "en") == name_root(stem(adjective, "en"), "en")


def test_a_country_named_by_its_adjective_is_one_rendering_of_it() -> None:
    # from the blind corpus gulf: «кувейтской стороной» and «Кувейт» both 'Kuwait…' in English;
    # from consular: 'the Russian Embassy' for «Посольство Российской Федерации»
    texts = [
        {"ru": "Кувейт поддержал инициативу.", "en": "Kuwait supported the initiative."},
        {"ru": "Делегация Кувейта прибыла в Москву.",
         "en": "The Kuwaiti delegation arrived in Moscow."},
        {"ru": "Переговоры с Кувейтом продолжатся.", "en": "Talks with Kuwait will go on."},
        {"ru": "Кувейт примет форум.", "en": "Kuwait will host the forum."},
        {"ru": "Российская Федерация выступает за диалог.",
         "en": "The Russian Federation stands for dialogue."},
        {"ru": "Посольство Российской Федерации открыто.", "en": "The Russian Embassy is open."},
        {"ru": "Российская Федерация готова помочь.",
         "en": "The Russian Federation is ready to help."},
        {"ru": "Консульство Российской Федерации работает.", "en": "The Russian consulate works."},
    ]
    flags = flagged(texts, "en")
    assert not [f for f in flags if f.kind == "rendering"], [f.variants for f in flags]


def test_a_german_compound_a_rendering_begins_renders_a_longer_term() -> None:
    # from the blind corpus polar: 'Wostoksee' is «озеро Восток», not «Восток» said another
    # way, and 'Spitzbergen-Archipel' «архипелаг Шпицберген»; Spitsbergen is a variant
    texts = [
        {"ru": "Станция Восток работает круглый год.",
         "de": "Die Station Wostok arbeitet ganzjährig."},
        {"ru": "На станции Восток холодно.", "de": "In der Station Wostok ist es kalt."},
        {"ru": "Озеро Восток лежит подо льдом.", "de": "Der Wostoksee liegt unter dem Eis."},
        {"ru": "Бурение над озером Восток завершено.",
         "de": "Die Bohrung über dem Wostoksee ist beendet."},
        {"ru": "Шпицберген находится в Арктике.", "de": "Spitzbergen liegt in der Arktis."},
        {"ru": "Российские угольщики работают на Шпицбергене.",
         "de": "Russische Bergleute arbeiten auf Spitzbergen."},
        {"ru": "Архипелаг Шпицберген открыт для всех.",
         "de": "Der Spitzbergen-Archipel ist offen."},
        {"ru": "На архипелаге Шпицберген живут россияне.",
         "de": "Auf dem Spitzbergen-Archipel leben Russen."},
        {"ru": "Шпицберген привлекает туристов.", "de": "Spitsbergen zieht Touristen an."},
        {"ru": "Власти Шпицбергена ответили.", "de": "Die Behörden von Spitsbergen antworteten."},
    ]
    flags = flagged(texts, "de")
    assert [sorted(f.variants) for f in flags] == [["Spitsbergen", "Spitzbergen"]], [
        f.variants for f in flags]


def test_a_german_compounds_head_alone_is_the_compound_cut_short() -> None:
    # from the blind corpus osce: 'Außenminister' beside 'Vizeaußenminister' for «заместитель
    # Министра иностранных дел», as 'Council of Foreign Ministers' inside a longer rendering
    texts = [
        {"ru": "Заместитель Министра иностранных дел провел встречу в Казани.",
         "de": "Der Vizeaußenminister führte ein Treffen in Kasan durch."},
        {"ru": "Послов принял заместитель Министра иностранных дел.",
         "de": "Die Botschafter empfing der Vizeaußenminister."},
        {"ru": "На форуме выступил заместитель Министра иностранных дел.",
         "de": "Auf dem Forum sprach der Außenminister."},
        {"ru": "Минск посетил заместитель Министра иностранных дел.",
         "de": "Minsk besuchte der Außenminister."},
        {"ru": "В Ереван прибыл заместитель Министра иностранных дел.",
         "de": "In Eriwan traf der Vizeaußenminister ein."},
        {"ru": "Доклад сделал заместитель Министра иностранных дел.",
         "de": "Den Bericht hielt der Außenminister."},
    ]
    flags = flagged(texts, "de")
    assert not [f for f in flags if f.kind == "rendering"], [f.variants for f in flags]


def test_a_clipped_title_goes_with_the_full_form_the_text_uses_most() -> None:
    # from gulf: «Генсек ЛАГ» clips «Генеральный секретарь ЛАГ» (three times), and fits
    # «Генеральный секретариат ЛАГ» (once, the office) by its letters too
    texts = ["Генеральный секретарь ЛАГ выступил.",
             "С Генеральным секретарем ЛАГ встретился министр.",
             "Генеральный секретарь ЛАГ прибыл в Москву.", "Генсек ЛАГ заявил о поддержке.",
             "Министр принял Генсека ЛАГ.", "Доклад Генерального секретариата ЛАГ опубликован.",
             "Сотрудники Генерального секретариата ЛАГ работают."]
    flags = discover(rows(*({"ru": t} for t in texts)), pivot="xx")
    assert [(f.kind, f.variants) for f in flags] == [
        ("acronym", ("Генеральный секретарь ЛАГ", "Генсек ЛАГ"))]


def test_two_spellings_of_a_name_keep_their_roots_apart() -> None:
    assert name_root(stem("Нюремберге", "ru"), "ru") != name_root(stem("Нюрнбергского", "ru"),
                                                                   "ru")


def test_number_is_not_a_variant() -> None:
    texts = [
        {"ru": "Министр иностранных дел России выступил.", "en": "The Foreign Minister spoke."},
        {"ru": "Министр иностранных дел России прибыл.", "en": "The Foreign Minister arrived."},
        {"ru": "Министры иностранных дел России и Китая встретились.",
         "en": "The Foreign Ministers of Russia and China met."},
    ]
    assert [f for f in discover(rows(*texts)) if f.kind == "rendering"] == []


def test_a_russian_term_seen_only_in_oblique_cases_is_shown_in_its_dictionary_form() -> None:
    oblique = [
        AlignedRow(r.set_id, r.row_id, {**r.texts, "ru": "Решение Совета министров "
                                        "иностранных дел ОДКБ принято."})
        if r.row_id == 4 else r
        for r in COUNCIL
    ]
    assert not any("Совет министров" in t for r in oblique for t in r.texts.values())
    council = next(f for f in discover(oblique) if f.kind == "rendering" and f.lang == "en"
                   and "CSTO Ministerial Council" in f.variants)
    assert council.source_term == "Совет министров иностранных дел ОДКБ"


def test_german_genitive_and_nominative_are_one_variant() -> None:
    texts = [
        {"ru": "Заседание Совета министров иностранных дел ШОС прошло в Душанбе.",
         "de": "Die Sitzung des Rates der Außenminister der SOZ fand in Duschanbe statt."},
        {"ru": "Совет министров иностранных дел ШОС принял заявление.",
         "de": "Der Rat der Außenminister der SOZ nahm eine Erklärung an."},
        {"ru": "Решения Совета министров иностранных дел ШОС важны.",
         "de": "Die Beschlüsse des Rates der Außenminister der SOZ sind wichtig."},
    ]
    assert discover(rows(*texts)) == []


def test_two_bodies_with_different_russian_sources_are_not_one_term() -> None:
    texts = [
        {"ru": "Заседание Совета глав государств СНГ прошло в Минске.",
         "en": "The CIS Council of Heads of State met in Minsk."},
        {"ru": "Решение Совета глав государств СНГ принято.",
         "en": "The decision of the CIS Council of Heads of State was taken."},
        {"ru": "Заседание Совета глав правительств СНГ прошло в Душанбе.",
         "en": "The CIS Council of Heads of Government met in Dushanbe."},
        {"ru": "Решение Совета глав правительств СНГ принято.",
         "en": "The decision of the CIS Council of Heads of Government was taken."},
        {"ru": "Заседание Совета глав государств ШОС прошло в Астане.",
         "en": "The SCO Council of Heads of State met in Astana."},
        {"ru": "Решение Совета глав государств ШОС принято.",
         "en": "The decision of the SCO Council of Heads of State was taken."},
    ]
    assert [f for f in discover(rows(*texts)) if f.kind == "rendering"] == []


def test_a_german_transliteration_pair_is_flagged() -> None:
    texts = [
        {"ru": "Министры прибыли в Душанбе.", "de": "Die Minister kamen in Duschanbe an."},
        {"ru": "Встреча в Душанбе прошла успешно.",
         "de": "Das Treffen in Dushanbe war erfolgreich."},
        {"ru": "Душанбе принимает гостей.", "de": "Duschanbe empfängt Gäste."},
    ]
    flags = discover(rows(*texts))
    assert any(f.kind == "transliteration" and set(f.variants) == {"Duschanbe", "Dushanbe"}
               for f in flags), [(f.kind, f.variants) for f in flags]


def test_names_sounding_alike_but_written_differently_elsewhere_are_not_one_name() -> None:
    texts = [
        {"ru": "Руслан Казакбаев выступил.", "en": "Ruslan Kazakbayev spoke."},
        {"ru": "Российская сторона выступила.", "en": "The Russian side spoke."},
        {"ru": "Российская делегация прибыла.", "en": "The Russian delegation arrived."},
    ]
    assert not [f for f in discover(rows(*texts)) if f.kind == "transliteration"]


def test_a_clipped_compound_beside_its_full_form_is_flagged() -> None:
    texts = [
        {"ru": "Выступил Генеральный секретарь ШОС.", "en": "The SCO Secretary-General spoke."},
        {"ru": "Мы встретились с Генсекретарем ШОС.", "en": "We met the SCO Secretary-General."},
        {"ru": "Генсекретарь ШОС прибыл.", "en": "The SCO Secretary-General arrived."},
    ]
    flags = discover(rows(*texts))
    assert any(f.lang == "ru" and f.kind == "acronym"
               and {"Генеральный секретарь ШОС", "Генсекретарь ШОС"} <= set(f.variants)
               for f in flags), [(f.kind, f.variants) for f in flags]


@pytest.mark.parametrize(("a", "b", "alike"), [
    ("Dushanbe", "Duschanbe", True), ("Douchanbé", "Dushanbe", True),
    ("Вэйдун", "Weidong", False), ("Sergej", "Сергей", True),
    ("Yerofeyev", "Erofeev", True), ("Jerofejew", "Ерофеев", True), ("Yelena", "Jelena", True),
    ("Iekaterinbourg", "Ekaterinbourg", True), ("Iekaterinbourg", "Екатеринбург", True),
])
def test_sound_keys_are_language_agnostic(a: str, b: str, alike: bool) -> None:
    assert (sound_key(a) == sound_key(b)) is alike


def test_german_ch_is_the_russian_kh_and_sch_is_not() -> None:
    # from health: Chabarowsk / Khabarovsk (Хабаровск); Schukow is Жуков, not Хуков
    assert sound_key("Chabarowsk", "de") == sound_key("Khabarovsk", "de")
    assert sound_key("Schukow", "de") != sound_key("Chukow", "de")
    assert sound_key("Tschaikowski", "de") != sound_key("Chaikowski", "de")


@pytest.mark.parametrize(("term", "lang", "dictionary"), [
    ("Совета министров иностранных дел ОДКБ", "ru", "Совет министров иностранных дел ОДКБ"),
    ("Региональной антитеррористической структуры ШОС", "ru",
     "Региональная антитеррористическая структура ШОС"),
    ("Генсекретаря ШОС", "ru", "Генсекретарь ШОС"),
    ("Сергея Лаврова", "ru", "Сергей Лавров"),
    ("Совет министров", "ru", "Совет министров"),
    ("Rates der Außenminister der OVKS", "de", "Rat der Außenminister der OVKS"),
    ("OVKS-Außenministerrates", "de", "OVKS-Außenministerrat"),
    ("Exekutivkomitees der SOZ", "de", "Exekutivkomitee der SOZ"),
    ("Regionale Antiterrorstruktur", "de", "Regionale Antiterrorstruktur"),
    ("Elektronische Rezepte", "de", "Elektronische Rezepte"),
    ("Stellvertretende Außenminister", "de", "Stellvertretende Außenminister"),
    ("Dushanbe", "de", "Dushanbe"),
    ("Conseil des ministres", "fr", "Conseil des ministres"),
])
def test_terms_in_their_dictionary_form(term: str, lang: str, dictionary: str) -> None:
    assert dictionary_form(term, lang) == dictionary
    assert term_key(term, lang) == term_key(dictionary, lang)


def test_a_german_text_writing_two_acronyms_for_one_organisation_is_flagged() -> None:
    texts = [
        {"ru": "ШОС укрепляет сотрудничество.", "de": "Die SOZ stärkt die Zusammenarbeit."},
        {"ru": "Саммит ШОС пройдет в июле.", "de": "Der Gipfel der SOZ findet im Juli statt."},
        {"ru": "Расширение ШОС обсуждалось.", "de": "Die Erweiterung der SOZ wurde erörtert."},
        # (from osce: OSZE throughout, 'OSCE' mostly bound to a word: OSCE-Mission)
        {"ru": "Интерес к проектам ШОС растет.", "de": "Das Interesse an SCO-Projekten wächst."},
        {"ru": "ШОС и ООН сотрудничают.", "de": "Die SCO und die UNO arbeiten zusammen."},
        {"ru": "ООН приняла резолюцию.", "de": "Die UNO nahm eine Resolution an."},
        {"ru": "Войска США ушли.", "de": "Die US-Truppen zogen ab."},
        {"ru": "США вышли из договора.", "de": "Die USA traten aus dem Vertrag aus."},
        {"ru": "Позиция США известна.", "de": "Die Haltung der USA ist bekannt."},
        {"ru": "Министр США прибыл.", "de": "Der US-Minister traf ein."},
    ]
    flags = [f for f in discover(rows(*texts)) if f.lang == "de"]
    assert any(set(f.variants) == {"SOZ", "SCO"} and f.source_term == "ШОС" for f in flags), [
        f.variants for f in flags]
    # 'US' bound to a word ('US-Truppen') is a modifier, not another name of the USA.
    assert not any("US" in f.variants for f in flags)


def test_a_name_rendered_by_a_word_that_renders_it_rarely_is_read_whole() -> None:
    # from polar: «Договор о Шпицбергене» is the 'Spitsbergen Treaty' and twice the
    # 'Svalbard Treaty'; 'Svalbard' (once the archipelago too) goes with the treaty too
    # little to be taken into its rendering alone, which was then 'Treaty' both times
    texts = [
        {"ru": "Договор о Шпицбергене подписан в 1920 году.",
         "en": "The Spitsbergen Treaty was signed in 1920."},
        {"ru": "Россия соблюдает Договор о Шпицбергене.",
         "en": "Russia observes the Spitsbergen Treaty."},
        {"ru": "Меры должны соответствовать Договору о Шпицбергене.",
         "en": "The measures must be consistent with the Svalbard Treaty."},
        {"ru": "По Договору о Шпицбергене визы не нужны.",
         "en": "Under the Svalbard Treaty no visa is needed."},
        {"ru": "Договор о Шпицбергене действует сто лет.",
         "en": "The Spitsbergen Treaty has been in force for a century."},
        {"ru": "Посол встретится с губернатором Шпицбергена.",
         "en": "The ambassador will meet the Governor of Svalbard."},
        {"ru": "На Шпицбергене работают российские шахтеры.",
         "en": "Russian miners work on Spitsbergen."},
        {"ru": "Туристы едут на Шпицберген летом.",
         "en": "Tourists travel to Spitsbergen in summer."},
        {"ru": "Шпицберген лежит в Северном Ледовитом океане.",
         "en": "Spitsbergen lies in the Arctic Ocean."},
        {"ru": "Климат Шпицбергена меняется.", "en": "The climate of Spitsbergen is changing."},
        {"ru": "Россия направила ноту.", "en": "Russia sent a note."},
    ]
    assert [(f.source_term, set(f.variants)) for f in flagged(texts, "en")] == [
        ("Договор о Шпицбергене", {"Spitsbergen Treaty", "Svalbard Treaty"})]


def test_the_flags_are_the_same_whatever_order_python_keeps_its_sets_in() -> None:
    # the phrases one word apart were read in the order of a set of strings, which changes
    # with every process: 'compatriots living abroad' one run, 'compatriots living' the next
    import subprocess
    import sys

    script = ("import json; from bench.terms import CORPORA, gold_pages, gold_rows; "
              "from alignments.terms import discover; "
              "rows = gold_rows(gold_pages(CORPORA['culture'][0])); "
              "print(json.dumps([[f.lang, f.kind, list(f.variants)] for f in discover(rows)]))")
    root = Path(__file__).resolve().parents[2]
    runs = {subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True,
                           text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout
            for seed in ("1", "3")}
    assert len(runs) == 1


def test_a_name_in_other_words_where_the_original_has_its_acronym_is_flagged() -> None:
    # from asia: the Spanish writes the English acronym APEC for «АТЭС», and in two rows
    # spells the forum out in Spanish words, not made of the letters A, P, E, C
    texts = [
        {"ru": f"Совещание министров АТЭС пройдет в {n} году.",
         "es": f"La Reunión Ministerial del APEC se celebrará en {n}."}
        for n in (2025, 2026, 2027)
    ]
    texts += [
        {"ru": "Перу возглавляет АТЭС.", "es": "Perú preside el APEC."},
        {"ru": "АТЭС остается важной площадкой.",
         "es": "El Foro de Cooperación Económica Asia-Pacífico sigue siendo una plataforma "
               "importante."},
        {"ru": "О мероприятиях АТЭС в Республике Корея.",
         "es": "Sobre los eventos del Foro de Cooperación Económica Asia-Pacífico en la "
               "República de Corea."},
        {"ru": "Республика Корея приняла делегацию.",
         "es": "La República de Corea recibió a la delegación."},
        {"ru": "Делегация прибыла в Республику Корея.",
         "es": "La delegación llegó a la República de Corea."},
    ]
    flags = flagged(texts, "es")
    assert [(f.source_term, set(f.variants)) for f in flags] == [
        ("АТЭС", {"APEC", "Foro de Cooperación Económica Asia-Pacífico"})], [
        (f.source_term, f.variants) for f in flags]
    # a name the translation also writes where the original lacks the acronym is another
    # thing of that row ('República de Corea'), not the acronym spelled out
    elsewhere = [{**t, "es": t["es"].replace("Foro de Cooperación Económica Asia-Pacífico",
                                             "Centro de Estudios Regionales")}
                 for t in texts[:6]]
    elsewhere += [{"ru": "Центр открылся в Лиме.",
                   "es": "El Centro de Estudios Regionales abrió en Lima."},
                  {"ru": "Центр работает давно.",
                   "es": "El Centro de Estudios Regionales trabaja desde hace años."}]
    assert flagged(elsewhere, "es") == []


def test_an_acronym_spelled_out_where_the_original_has_the_acronym_is_flagged() -> None:
    texts = [
        {"ru": "Сотрудничество с СНГ и ОДКБ планируется.",
         "fr": "Une coopération avec la CEI et l'OTSC est envisagée."},
        {"ru": "Меморандумы с СНГ и ОДКБ подписаны.",
         "fr": "Des mémorandums avec la CEI et l'OTSC sont signés."},
        {"ru": "Опыт в СНГ и ОДКБ полезен.",
         "fr": "L'expérience de la CEI et de l'OTSC est utile."},
        {"ru": "Взаимодействие ШОС, СНГ и ОДКБ растет.",
         "fr": "L'interaction entre l'OCS, la CEI et l'Organisation du traité de sécurité "
               "collective progresse."},
        {"ru": "Координация СНГ, ОДКБ и ШОС важна.",
         "fr": "La coordination entre la CEI, l'Organisation du traité de sécurité collective "
               "et l'OCS est importante."},
        {"ru": "ШОС и СНГ встретились.", "fr": "L'OCS et la CEI se sont réunies."},
    ]
    flags = discover(rows(*texts))
    assert any(f.lang == "fr" and f.kind in ("acronym", "rendering") and {
        "OTSC", "Organisation du traité de sécurité collective"} <= set(f.variants)
        for f in flags), [(f.kind, f.variants) for f in flags]


def test_a_name_written_two_ways_in_the_original_is_flagged_through_a_translation() -> None:
    texts = [
        {"ru": "Киргизия предложила провести форум.", "de": "Kirgisistan schlug ein Forum vor."},
        {"ru": "Заседание провел министр Кыргызстана.",
         "de": "Den Vorsitz führte der Minister Kirgisistans."},
        {"ru": "Переговоры с министрами Кыргызстана прошли.",
         "de": "Gespräche mit den Ministern Kirgisistans fanden statt."},
        {"ru": "Учения прошли в Кыргызстане.", "de": "Die Übungen fanden in Kirgisistan statt."},
        {"ru": "Делегации Казахстана и Киргизии прибыли.",
         "de": "Die Delegationen Kasachstans und Kirgisistans trafen ein."},
        {"ru": "Казахстан выступил.", "de": "Kasachstan sprach."},
        {"ru": "Казахстан предложил план.", "de": "Kasachstan schlug einen Plan vor."},
    ]
    flags = discover(rows(*texts))
    assert any(f.lang == "ru" and {"Киргизия", "Кыргызстан"} <= set(f.variants)
               for f in flags), [(f.lang, f.variants) for f in flags]


def test_the_organisation_left_out_of_a_name_the_original_qualifies_is_a_variant() -> None:
    texts = [*COUNCIL[:5],
             AlignedRow("s", 20, {"ru": "Заседание СМИД ОДКБ прошло в Минске.",
                                  "en": "The Council of Foreign Ministers met in Minsk."}),
             AlignedRow("s", 21, {"ru": "Решение СМИД ОДКБ принято.",
                                  "en": "The decision of the Council of Foreign Ministers "
                                        "was taken."}),
             *COUNCIL[5:]]
    council = next(f for f in discover(texts) if f.kind == "rendering" and f.lang == "en"
                   and "CSTO Ministerial Council" in f.variants)
    assert "Council of Foreign Ministers" in council.variants


# Discovery on the labelled corpora through their gold rows (bench/terms.py): floors at the
# figures of 2026-12-06. demo is the corpus the method was first built on, sco was written
# blind and then developed on, brics was written blind and measured before the changes it
# suggested (14/30 then), osce was written blind, kept apart for a session (17/30 then) and
# developed on from 2026-12-06 on, when two newer blind corpora took its place (asia,
# economy: kept apart, no floors here); health was written blind as a corpus to develop
# on (9/30 with the code before that session, 12/30 when it arrived). gulf was written blind,
# kept apart for a session (19/32 at 0.67 then) and is developed on from 2026-12-07, when
# three newer blind corpora took its place (culture, consular, polar: no floors here).
# asia and economy, kept apart for two sessions (17/30 and 11/30 when written), are
# developed on from the second session of 2026-12-07 (18/30 and 17/30 then); culture,
# consular and polar, kept apart for three sessions (13, 17 and 13 of 32 when written),
# from its fifth. Floors at the figures of that session's end (sco 0.95: «особое
# внимание» as 'particular' and 'special attention' is flagged; demo 0.95: «США» as 'US'
# and 'United States', a real variant the labels lack). 2026-12-07 (sixth): gulf 27, asia 25,
# polar 21 (an acronym of another language beside a name in the translation's own words; the
# Svalbard Treaty); energy, whose label list was read that session, developed on from then
# (18 of 32 then). 2026-12-07 (eighth): gulf 29 at 0.85 (a deputy's post, a name in title
# case written in small letters too), osce 29 at 0.93 (the deputy's post in one word too),
# asia 26 and economy 22 (a name's rendering runs to the end of the name).
@pytest.mark.parametrize(("corpus", "found", "precision"), [
    ("demo", 18, 0.95), ("sco", 29, 0.94), ("brics", 28, 0.96), ("osce", 29, 0.93),
    ("health", 24, 0.95), ("gulf", 29, 0.85), ("asia", 26, 0.95), ("economy", 22, 0.9),
    ("culture", 26, 0.85), ("consular", 24, 0.88), ("polar", 22, 0.95), ("energy", 26, 0.9),
])
def test_discovery_on_the_labelled_corpora_holds_its_floors(corpus: str, found: int,
                                                            precision: float) -> None:
    import json

    from bench.terms import CORPORA, evaluate, gold_pages, gold_rows

    gold, labelled = CORPORA[corpus]
    rows = gold_rows(gold_pages(gold))
    result = evaluate(discover(rows), rows, json.loads(labelled.read_text(encoding="utf-8")))
    assert result["found"] >= found, result["missed"]
    assert result["precision"] >= precision, result["wrong"]


def _gold(corpus: str, tag: str) -> list[AlignedRow]:
    """A corpus of bench/corpora (or the demo) through its gold rows, its sets renamed."""
    from bench.terms import CORPORA, ROOT, gold_pages, gold_rows

    folder = CORPORA[corpus][0] if corpus in CORPORA else ROOT / "bench/corpora" / corpus / "gold"
    return [AlignedRow(f"{tag}{r.set_id}", r.row_id, r.texts)
            for r in gold_rows(gold_pages(folder))]


def _shown(flag: Flag, flags: list[Flag]) -> bool:
    """Whether some flag of ``flags`` shows two variants of ``flag`` at their places."""
    places: dict[tuple[str, int | str, int], list[tuple[int, int, int]]] = {}
    for n, other in enumerate(flags):
        for o in other.occurrences:
            places.setdefault((other.lang, o.set_id, o.row_id), []).append((o.start, o.end, n))
    seen: dict[int, set[int]] = {}
    for o in flag.occurrences:
        for start, end, n in places.get((flag.lang, o.set_id, o.row_id), []):
            if start < o.end and o.start < end:
                seen.setdefault(n, set()).add(o.variant)
    return any(len(variants) >= 2 for variants in seen.values())


# Each corpus with a set of another subject and other languages added: report (ru, en, ar,
# ja, ko) and world (no Russian) moved the language the original's own names are checked
# through from German to Arabic, and the Russian flags went (Киргизия / Кыргызстан,
# Туркмения / Туркменистан); alpine (a hiking text, its mountain guías) diluted the
# guías clínicas of health.
@pytest.mark.parametrize(("corpus", "added", "kept"), [
    ("demo", "report", ("ru", "Кыргызстан")),
    ("brics", "world", ("ru", "Туркменистан")),
    ("health", "alpine", ("es", "guías clínicas")),
])
def test_flags_stay_when_an_unrelated_set_is_added(corpus: str, added: str,
                                                   kept: tuple[str, str]) -> None:
    alone = discover(_gold(corpus, "a"))
    together = discover(_gold(corpus, "a") + _gold(added, "b"))
    assert any(f.lang == kept[0] and kept[1] in f.variants for f in alone)
    lost = [f"{f.lang}: {' / '.join(f.variants)}" for f in alone if not _shown(f, together)]
    assert lost == []


def test_rows_without_both_languages_do_not_dilute_their_association() -> None:
    """A set in French, German and English only (no Russian) says nothing of how French
    renders Russian: its 'Chine' does not weaken 'Chine' for «Китай»."""
    pair = [{"ru": "Китай и Россия.", "fr": "La Chine et la Russie."}] * 3
    alone = Corpus(pair, ["fr", "ru"])
    other = [{"fr": "La Chine est grande.", "de": "China ist groß."}] * 5
    together = Corpus(pair + other, ["de", "fr", "ru"])
    china = alone.association("fr", "chine", "ru", "китай")
    assert china > 0.8
    assert together.association("fr", "chine", "ru", "китай") == china


def test_a_rendering_may_take_a_word_more_than_the_term() -> None:
    # made up: «высокоскоростная железнодорожная линия» (three words), 'línea ferroviaria
    # de alta velocidad' and 'vía ferroviaria de alta velocidad' (four) in the Spanish
    texts = [
        {"ru": "Строится высокоскоростная железнодорожная линия до Казани.",
         "es": "Se construye la línea ferroviaria de alta velocidad hasta Kazán."},
        {"ru": "Проект включает высокоскоростную железнодорожную линию и вокзалы.",
         "es": "El proyecto incluye la línea ferroviaria de alta velocidad y estaciones."},
        {"ru": "Стоимость высокоскоростной железнодорожной линии выросла.",
         "es": "El coste de la línea ferroviaria de alta velocidad creció."},
        {"ru": "Пассажиры ждут высокоскоростную железнодорожную линию давно.",
         "es": "Los pasajeros esperan hace tiempo la vía ferroviaria de alta velocidad."},
        {"ru": "Мы откроем высокоскоростную железнодорожную линию летом.",
         "es": "Abriremos la vía ferroviaria de alta velocidad en verano."},
        {"ru": "Вокзалы уже готовы.", "es": "Las estaciones ya están listas."},
        {"ru": "Поезда ходят быстро.", "es": "Los trenes van rápido."},
    ]
    flags = flagged(texts, "es")
    assert [set(f.variants) for f in flags] == [
        {"línea ferroviaria de alta velocidad", "vía ferroviaria de alta velocidad"}], [
        f.variants for f in flags]


def test_a_lowercase_term_rendered_in_two_word_orders_is_flagged() -> None:
    # made up: «обязательная ежегодная проверка», 'inspección anual obligatoria' and
    # 'inspección obligatoria anual' in the Spanish
    texts = [
        {"ru": "Обязательная ежегодная проверка касается всех лифтов.",
         "es": "La inspección anual obligatoria afecta a todos los ascensores."},
        {"ru": "Владельцы проходят обязательную ежегодную проверку весной.",
         "es": "Los propietarios pasan la inspección anual obligatoria en primavera."},
        {"ru": "Итоги обязательной ежегодной проверки публикуются.",
         "es": "Los resultados de la inspección obligatoria anual se publican."},
        {"ru": "Мы упростили обязательную ежегодную проверку для школ.",
         "es": "Hemos simplificado la inspección obligatoria anual para escuelas."},
        {"ru": "Лифты стали безопаснее.", "es": "Los ascensores son más seguros."},
    ]
    flags = flagged(texts, "es")
    assert [set(f.variants) for f in flags] == [
        {"inspección anual obligatoria", "inspección obligatoria anual"}], [
        f.variants for f in flags]


def test_a_german_genitive_s_is_no_rendering_of_its_own() -> None:
    # made up: «Молдавия» is 'Moldawien' and, in the genitive, 'Moldawiens' (which the
    # dictionary keeps as it is)
    texts = [
        {"ru": "Молдавия поддержала проект.", "de": "Moldawien unterstützte das Projekt."},
        {"ru": "Делегация прибыла в Молдавию.", "de": "Die Delegation reiste nach Moldawien."},
        {"ru": "Молдавия остается партнером.", "de": "Moldawien bleibt ein Partner."},
        {"ru": "Позиция Молдавии не изменилась.",
         "de": "Die Haltung Moldawiens hat sich nicht geändert."},
        {"ru": "Министр назвал предложения Молдавии полезными.",
         "de": "Der Minister nannte die Vorschläge Moldawiens nützlich."},
        {"ru": "Экономика Молдавии растет.", "de": "Die Wirtschaft Moldawiens wächst."},
        {"ru": "Встреча закончилась.", "de": "Das Treffen endete."},
    ]
    assert [f.variants for f in discover(rows(*texts), pivot="ru")] == []


def test_a_german_title_for_a_woman_is_no_rendering_of_its_own() -> None:
    # made up: «Президент» (of a club) is 'Präsident' and, for a woman, 'Präsidentin': one
    # office
    texts = [
        {"ru": "Вчера Президент клуба открыл сезон.",
         "de": "Gestern eröffnete der Präsident des Klubs die Saison."},
        {"ru": "Отчет подписал Президент клуба.",
         "de": "Den Bericht unterschrieb der Präsident des Klubs."},
        {"ru": "Затем Президент клуба Анна Петрова выступила.",
         "de": "Dann sprach die Präsidentin des Klubs Anna Petrowa."},
        {"ru": "Гостей встретил Президент клуба.",
         "de": "Die Gäste empfing der Präsident des Klubs."},
        {"ru": "Позже Президент клуба Ольга Орлова ответила.",
         "de": "Später antwortete die Präsidentin des Klubs Olga Orlowa."},
        {"ru": "Сезон продлится месяц.", "de": "Die Saison dauert einen Monat."},
    ]
    flags = flagged(texts, "de")
    assert [f.variants for f in flags] == []


def test_german_nouns_joined_by_another_preposition_are_no_word_order_variant() -> None:
    # made up: German capitalises every noun, so 'Weg zum Kloster' and 'Weg vom Kloster'
    # are two phrases; an English name with another preposition is one name written two
    # ways
    de = [{"de": "Wir fanden den Weg zum Kloster sofort."},
          {"de": "Morgens war es kalt auf dem Weg zum Kloster."},
          {"de": "Der Weg vom Kloster ist steil."}]
    assert [f.variants for f in discover(rows(*de)) if f.kind == "word-order"] == []
    en = [{"en": "She joined the Agency for Road Safety in May."},
          {"en": "Reports of the Agency for Road Safety are public."},
          {"en": "The Agency of Road Safety replied."}]
    assert [set(f.variants) for f in discover(rows(*en)) if f.kind == "word-order"] == [
        {"Agency for Road Safety", "Agency of Road Safety"}]


def test_a_name_after_a_common_noun_written_without_its_capital_is_flagged() -> None:
    # made up: «портал Горбилет» and «портал горбилет»; the text writes 'горбилет' in
    # lower case only there. A common word it writes in lower case elsewhere too
    # (сторона) is not a name lowercased: «принимающая Сторона» is the treaty's usage
    name = [{"ru": "Билеты продаются через портал Горбилет."},
            {"ru": "Купить билет можно через портал Горбилет сегодня."},
            {"ru": "Оплата проходит через портал горбилет без комиссии."}]
    flags = [f for f in discover(rows(*name)) if f.kind == "spelling"]
    assert [len(f.variants) for f in flags] == [2], [f.variants for f in flags]
    common = [{"ru": "Визы выдает принимающая Сторона."},
              {"ru": "Расходы несет принимающая Сторона."},
              {"ru": "Жилье обеспечивает принимающая сторона."},
              {"ru": "Каждая сторона назначает представителя."}]
    assert [f.variants for f in discover(rows(*common)) if f.kind == "spelling"] == []


@pytest.mark.parametrize(("a", "b", "lang"), [
    ("Kovalyov", "Kovalev", "en"), ("Kowaljow", "Kovalev", "de"),
    ("Kovaliov", "Kovalev", "fr"), ("Pjotr", "Petr", "de"),
])
def test_russian_yo_as_yo_jo_io_or_e_is_one_name(a: str, b: str, lang: str) -> None:
    # made up: Ковалёв, Пётр; a Latin -ion or a final -io is no ё (Federation, Antonio)
    assert sound_key(a, lang) == sound_key(b, lang)
    assert sound_key("Federation") != sound_key("Federaten")
    assert sound_key("Antonio") != sound_key("Antone")


@pytest.mark.parametrize(("a", "b", "same"), [
    ("programme", "program", True), ("programmes", "programs", True),
    ("labelling", "labeling", True), ("counsellor", "counselor", True),
    ("cancelled", "canceled", True),
    ("spelling", "speling", False), ("installing", "instaling", False),
    # from energy: an e before -tre as well (kilometres, kilometers);
    # the French «notre» is no spelling of «noter»
    ("kilometre", "kilometer", True), ("metres", "meters", True), ("notre", "noter", False),
])
def test_british_programme_and_a_doubled_l_are_spellings(a: str, b: str, same: bool) -> None:
    # made up: British and American spellings of one word; a double l that is the word's
    # own (spelling, installing) is no British doubling
    assert (spelling_key(a) == spelling_key(b)) is same


def test_one_rendering_written_with_and_without_capitals_is_flagged() -> None:
    # from economy: «национальный проект» is 'Proyecto Nacional' in some rows and
    # 'proyecto nacional' in others; a sentence's first word says nothing of the house style
    texts = [
        {"ru": "Национальный проект поддерживает экспортёров.",
         "es": "El Proyecto Nacional apoya a los exportadores."},
        {"ru": "Министерство курирует национальный проект в регионах.",
         "es": "El Ministerio supervisa el Proyecto Nacional en las regiones."},
        {"ru": "Национальный проект продлён до 2030 года.",
         "es": "El proyecto nacional se ha prorrogado hasta 2030."},
        {"ru": "Регионы участвуют в национальном проекте.",
         "es": "Las regiones participan en el proyecto nacional."},
        {"ru": "Экспорт вырос.", "es": "Las exportaciones crecieron."},
    ]
    flags = flagged(texts, "es")
    assert any(set(f.variants) == {"Proyecto Nacional", "proyecto nacional"}
               for f in flags), [f.variants for f in flags]
    # written with a capital only where it opens the sentence: one way of writing it
    initial = [dict(t) for t in texts]
    initial[0]["es"] = "Proyecto Nacional apoya a los exportadores."
    initial[1]["es"] = "El Ministerio supervisa el proyecto nacional en las regiones."
    flags = flagged(initial, "es")
    assert not any("Proyecto Nacional" in f.variants for f in flags), [f.variants for f in flags]


def test_a_name_in_title_case_written_in_small_letters_too_is_flagged() -> None:
    # from gulf: 'Diálogo Estratégico' in some rows, 'diálogo estratégico' in others, each
    # way twice, neither opening its sentence: the house style written two ways
    texts = [{"es": "Rusia celebró el Diálogo Estratégico con los países del Golfo."},
             {"es": "El próximo Diálogo Estratégico tendrá lugar en Riad."},
             {"es": "Los ministros valoraron el diálogo estratégico entre las partes."},
             {"es": "Se acordó continuar el diálogo estratégico en 2026."},
             {"es": "Las partes firmaron un memorando."}]
    flags = [f.variants for f in discover(rows(*texts)) if f.kind == "spelling"]
    assert any({"Diálogo Estratégico", "diálogo estratégico"} <= set(v) for v in flags), flags
    # once one way is too little to tell a name from the common words
    once = [t for n, t in enumerate(texts) if n != 3]
    assert [f.variants for f in discover(rows(*once)) if f.kind == "spelling"] == []
    # a name in quotation marks names a thing: the system "Capital Investments" and the
    # capital investments it registers (from economy)
    quoted = [{"en": 'Apply through the system "Capital Investments" today.'},
              {"en": 'Applications go through the system "Capital Investments" now.'},
              {"en": "The law protects capital investments in the regions."},
              {"en": "Regions attract capital investments with tax breaks."},
              {"en": "The parties signed a memorandum."}]
    assert [f.variants for f in discover(rows(*quoted)) if f.kind == "spelling"] == []


def test_a_name_after_initials_is_spelled_two_ways_and_ends_a_term() -> None:
    # from economy: «П.С.Ерёмин» and «П.С.Еремин»; the initial's full stop ends no sentence,
    # so the surname's capital is a name's (the ё rule needs it)
    texts = [
        {"ru": "П.С.Ерёмин отметил рост интереса.", "en": "P.S.Yeremin noted growing interest."},
        {"ru": "Вместе с тем П.С.Еремин обратил внимание на сроки.",
         "en": "P.S.Yeremin, however, drew attention to the deadlines."},
        {"ru": "П.С.Еремин сообщил о предложениях.", "en": "P.S.Yeremin reported on proposals."},
        {"ru": "Об этом заявил П.С.Ерёмин.", "en": "This was stated by P.S.Yeremin."},
    ]
    assert any({"Ерёмин", "Еремин"} <= set(f.variants) for f in flagged(texts, "ru"))
    # and a person's name after initials closes the term to the lowercase words after it
    corpus = Corpus([{"ru": "Участие Министра С.В.Лаврова в заседании Совета министров "
                            "иностранных дел ОБСЕ."}], ["ru"])
    words = [t.text for t in corpus.tokens["ru"][0]]
    assert (words.index("Лаврова"), words.index("Лаврова")) in corpus.chunks("ru", 0, extend=True)


def test_a_full_name_and_the_name_without_its_middle_are_one_person() -> None:
    # gulf: 'Khalid Al-Mansuri' where the Russian has «Х.Аль-Мансури», 'Khalid bin Raschid
    # Al-Mansuri' where it names him in full: the same person, not two renderings
    flags = discover(_gold("gulf", "g"))
    named = [f.variants for f in flags if any("Al-Mansuri" in v or "Al-Mansouri" in v
                                              or "Al Mansuri" in v for v in f.variants)]
    assert not named, named


def test_the_originals_hyphened_acronym_beside_its_expansion_is_flagged() -> None:
    # from asia: «АТР» and «Азиатско-Тихоокеанский регион» in one original, where the
    # translation spells out 'Asia-Pacific region' at both
    texts = [
        {"ru": "Ситуация в АТР остаётся сложной.",
         "en": "The situation in the Asia-Pacific region remains complex."},
        {"ru": "Россия укрепляет позиции в АТР.",
         "en": "Russia strengthens its position in the Asia-Pacific region."},
        {"ru": "Безопасность неделима в Азиатско-Тихоокеанском регионе.",
         "en": "Security is indivisible in the Asia-Pacific region."},
        {"ru": "Мы обсудили торговлю в Азиатско-Тихоокеанском регионе.",
         "en": "We discussed trade in the Asia-Pacific region."},
        {"ru": "Переговоры прошли в Москве.", "en": "The talks were held in Moscow."},
    ]
    flags = flagged(texts, "ru")
    assert any("АТР" in f.variants and any(v.startswith("Азиатско-Тихоокеанск")
                                           for v in f.variants) for f in flags), \
        [f.variants for f in flags]


def test_a_russian_lowercase_term_is_one_noun_phrase_ending_on_its_noun() -> None:
    from alignments.terms.lang import tokenize
    from alignments.terms.span import russian_term

    def term(text: str, after: str | None = None) -> bool:
        tokens = tokenize(text + (" " + after if after else ""), "ru")
        return russian_term(tokens[: len(tokens) - bool(after)],
                            tokens[-1] if after else None)

    assert term("сохранение биоразнообразия")
    assert term("квота на обучение")
    assert term("передача осуждённых", "осуществляется")  # a participle as a noun
    assert not term("учебном году квота")  # two phrases side by side
    assert not term("квота на обучение иностранных", "граждан")  # its noun comes after


def test_german_compounds_with_one_head_render_one_lowercase_term_two_ways() -> None:
    # from culture: «квота на обучение» every time, 'Studienquote' and 'Ausbildungsquote'
    # in the German, which never writes 'Quote' alone; the span before «граждан» is cut
    # short («квота на обучение иностранных»), and «в учебном году квота» is two phrases
    texts = [
        {"ru": "В этом учебном году квота на обучение иностранных граждан выросла.",
         "de": "In diesem Studienjahr ist die Studienquote für ausländische Bürger gestiegen."},
        {"ru": "Квота на обучение распределяется через посольства.",
         "de": "Die Studienquote wird über die Botschaften verteilt."},
        {"ru": "В новом учебном году квота на обучение иностранных граждан не изменится.",
         "de": "Im neuen Studienjahr bleibt die Ausbildungsquote für ausländische Bürger gleich."},
        {"ru": "Квота на обучение привлекает студентов из Африки.",
         "de": "Die Ausbildungsquote zieht Studierende aus Afrika an."},
        {"ru": "Квота на обучение обсуждалась в Казани.",
         "de": "Die Studienquote wurde in Kasan besprochen."},
        {"ru": "Квота на обучение важна для Азии.",
         "de": "Die Ausbildungsquote ist für Asien wichtig."},
        {"ru": "Посольства принимают заявки.", "de": "Die Botschaften nehmen Anträge an."},
    ]
    flags = discover(rows(*texts), pivot="ru")
    assert any(f.lang == "de" and f.kind == "rendering"
               and {"Studienquote", "Ausbildungsquote"} <= set(f.variants)
               for f in flags), [(f.lang, f.variants) for f in flags]


def test_a_german_compound_and_its_first_part_are_two_things() -> None:
    from alignments.terms.span import Corpus, Span

    corpus = Corpus([{"de": "Der Ministerrat tagte."}, {"de": "Der Außenminister sprach."},
                     {"de": "Die Studienquote und die Ausbildungsquote steigen."}], ["de"])
    council, minister = Span(0, "de", 1, 1), Span(1, "de", 1, 1)
    assert not corpus.related(council, minister)  # a council, a minister
    assert corpus.related(Span(2, "de", 1, 1), Span(2, "de", 4, 4))  # two quotas


def test_a_lowercase_term_written_with_and_without_yo_is_flagged() -> None:
    # from culture and consular: «перекрёстных годов» / «перекрестных годов», «почётный
    # консул» / «почетный консул», at a sentence's start too; not one word's forms
    # («вёдра», «ведро») nor two words («всё», «все»)
    texts = [
        {"ru": "Открылась программа перекрёстных годов культуры."},
        {"ru": "Программа перекрестных годов продлится до осени."},
        {"ru": "Почётный консул принял делегацию, и всё прошло хорошо."},
        {"ru": "Почетный консул открыл выставку, и все пришли."},
        {"ru": "Вёдра стояли у двери, а ведро было пустым."},
    ]
    variants = [set(f.variants) for f in flagged(texts, "ru")]
    assert any({"перекрёстных", "перекрестных"} <= v for v in variants), variants
    assert any({"Почётный", "Почетный"} <= v for v in variants), variants
    assert not [v for v in variants if {"вёдра", "ведро"} & v or {"всё", "все"} & v], variants


def test_a_lowercase_term_shortened_in_the_same_rows_by_two_translations_is_flagged() -> None:
    # from culture: «нематериальное культурное наследие» every time; the English and the
    # Spanish both leave 'cultural' out in the same rows: an ellipsis, not two senses of
    # the original (as «очередное заседание», next / regular meeting, is)
    said = [("обсудили", "discussed", "debatió"), ("изучили", "studied", "estudió"),
            ("описали", "described", "describió"), ("показали", "showed", "mostró")]
    texts = []
    for n, (ru_verb, en_verb, es_verb) in enumerate(said):
        short = n >= 2
        en = "intangible heritage" if short else "intangible cultural heritage"
        es = "patrimonio inmaterial" if short else "patrimonio cultural inmaterial"
        texts.append({"ru": f"Эксперты {ru_verb} нематериальное культурное наследие.",
                      "en": f"Experts {en_verb} the {en}.",
                      "es": f"El grupo {es_verb} el {es}."})
    texts.append({"ru": "Врачи работают.", "en": "Doctors work.", "es": "Los médicos trabajan."})
    flags = discover(rows(*texts), pivot="ru")
    found = {(f.lang, frozenset(f.variants)) for f in flags}
    assert ("en", frozenset({"intangible heritage", "intangible cultural heritage"})) in found, (
        found)
    assert ("es", frozenset({"patrimonio inmaterial", "patrimonio cultural inmaterial"})) in (
        found), found


def test_a_clipped_compound_beside_the_phrase_it_clips_is_flagged() -> None:
    # from consular and polar: «загранпаспорт» / «заграничный паспорт», «Севморпуть» /
    # «Северный морской путь»; «Минкультуры» clips the ministry, not the minister; a word
    # that merely starts alike is no clipping («крепости», «крепостной стены»)
    texts = [
        {"ru": "Заграничный паспорт выдаётся на десять лет."},
        {"ru": "Загранпаспорт можно оформить через портал."},
        {"ru": "Северный морской путь открыт для судов."},
        {"ru": "По Севморпути прошли сорок судов."},
        {"ru": "Министерство культуры провело конкурс."},
        {"ru": "Министр культуры открыл выставку."},
        {"ru": "Минкультуры поддержало проект."},
        {"ru": "У крепостной стены стоят пушки, а у крепости нет рва."},
        # from energy: a linking vowel after the cut
        {"ru": "Темпы энергетического перехода обсуждались."},
        {"ru": "Сроки энергоперехода сдвинулись."},
        # the last word cut short before a linking vowel
        {"ru": "Министерство энергетики подготовило доклад."},
        {"ru": "Минэнерго России поддержало проект."},
    ]
    variants = [{v.casefold() for v in f.variants} for f in flagged(texts, "ru")]
    assert any({"загранпаспорт", "заграничный паспорт"} <= v for v in variants), variants
    assert any(any(x.startswith("энергетическ") for x in v)
               and any(x.startswith("энергоперех") for x in v) for v in variants), variants
    assert any({"министерство энергетики", "минэнерго"} <= v for v in variants), variants
    assert any("северный морской путь" in v and any(x.startswith("севморпут") for x in v)
               for v in variants), variants
    assert any({"министерство культуры", "минкультуры"} <= v for v in variants), variants
    assert not [v for v in variants if "министр культуры" in v or "крепостной стены" in v], (
        variants)


def test_a_name_spelled_out_where_the_original_always_abbreviates_it_is_flagged() -> None:
    # from culture: «СНГ» every time, inside «страны СНГ» too; the French writes 'CEI' but
    # twice 'Communauté des États indépendants': the translator's own variant (where the
    # original spells it out as well, the two forms follow the original: no flag)
    texts = [
        {"ru": "Страны СНГ провели встречу.", "fr": "Les pays de la CEI se sont réunis."},
        {"ru": "СНГ принял заявление.", "fr": "La CEI a adopté une déclaration."},
        {"ru": "Мы работаем с СНГ.", "fr": "Nous travaillons avec la CEI."},
        {"ru": "Страны СНГ – наши партнеры.",
         "fr": "Les pays de la Communauté des États indépendants sont nos partenaires."},
        {"ru": "В странах СНГ много музеев.",
         "fr": "Les pays de la Communauté des États indépendants ont beaucoup de musées."},
        {"ru": "Музеи открыты.", "fr": "Les musées sont ouverts."},
    ]
    variants = [set(f.variants) for f in discover(rows(*texts), pivot="ru") if f.lang == "fr"]
    assert any({"CEI", "Communauté des États indépendants"} <= v for v in variants), variants


def test_a_german_compound_and_the_phrase_that_spells_it_out_render_one_lowercase_term(
) -> None:
    # from consular: «свидетельство на возвращение» every time; 'Rückkehrbescheinigung' in
    # most rows, 'Bescheinigung über die Rückkehr' in a few: the compound's head counts
    # for the phrase's head, so the phrase is rendered too (here by its head: 'Rückkehr'
    # alone is too rare to tell)
    texts = [
        {"ru": "Свидетельство на возвращение выдаёт консул.",
         "de": "Die Rückkehrbescheinigung stellt der Konsul aus."},
        {"ru": "Свидетельство на возвращение действует пятнадцать дней.",
         "de": "Die Rückkehrbescheinigung gilt fünfzehn Tage."},
        {"ru": "Для въезда нужно свидетельство на возвращение.",
         "de": "Für die Einreise braucht man eine Rückkehrbescheinigung."},
        {"ru": "Свидетельство на возвращение оформляется бесплатно.",
         "de": "Die Rückkehrbescheinigung ist gebührenfrei."},
        {"ru": "Свидетельство на возвращение заменяет паспорт.",
         "de": "Die Bescheinigung über die Rückkehr ersetzt den Pass."},
        {"ru": "Утерянное свидетельство на возвращение восстанавливают.",
         "de": "Eine verlorene Bescheinigung über die Rückkehr wird ersetzt."},
        {"ru": "Консульство открыто.", "de": "Das Konsulat ist geöffnet."},
    ]
    variants = [set(f.variants) for f in discover(rows(*texts), pivot="ru") if f.lang == "de"]
    assert any("Rückkehrbescheinigung" in v and any(x.startswith("Bescheinigung")
                                                   for x in v) for v in variants), variants
