"""Phrases one word apart: a lowercase term a translation renders two ways, found from the
translation's side (alignments.terms.phrases)."""

from __future__ import annotations

from alignments.terms import AlignedRow, discover


def rows(*texts: dict[str, str]) -> list[AlignedRow]:
    return [AlignedRow("s", n, t) for n, t in enumerate(texts)]


def english(flags: list) -> list[set[str]]:
    return [set(f.variants) for f in flags if f.lang == "en"]


def test_a_participle_term_rendered_with_another_verb_is_flagged() -> None:
    # from culture: «соотечественники, проживающие за рубежом» every time, 'living abroad'
    # and 'residing abroad' in the English: the original's term runs over a comma, so it
    # is found from the translation's side, and the flag names the original's words
    texts = [
        {"ru": "Мы поддерживаем соотечественников, проживающих за рубежом.",
         "en": "We support compatriots living abroad."},
        {"ru": "Соотечественники, проживающие за рубежом, голосуют в посольствах.",
         "en": "Compatriots living abroad vote at embassies."},
        {"ru": "Программа помогает соотечественникам, проживающим за рубежом.",
         "en": "The programme helps compatriots residing abroad."},
        {"ru": "Конференция объединила соотечественников, проживающих за рубежом.",
         "en": "The conference brought together compatriots residing abroad."},
        {"ru": "Посольства работают по субботам.", "en": "Embassies work on Saturdays."},
    ]
    flags = [f for f in discover(rows(*texts), pivot="ru") if f.lang == "en"]
    assert any({"compatriots living abroad", "compatriots residing abroad"}
               <= {v.casefold() for v in f.variants} for f in flags), [f.variants for f in flags]
    flag = next(f for f in flags if "compatriots residing abroad" in f.variants)
    assert flag.source_lang == "ru" and "за рубежом" in (flag.source_term or "")


def test_a_word_the_original_changes_too_is_no_variant() -> None:
    # 'the Russian side' and 'the Chinese side' render «российская» and «китайская
    # сторона»: the original's rows differ where the phrases do
    texts = [
        {"ru": "Российская сторона предложила план.", "en": "The Russian side proposed a plan."},
        {"ru": "Российская сторона ждёт ответа.", "en": "The Russian side awaits an answer."},
        {"ru": "Китайская сторона согласилась.", "en": "The Chinese side agreed."},
        {"ru": "Китайская сторона внесла поправки.", "en": "The Chinese side made amendments."},
        {"ru": "Переговоры продолжатся.", "en": "Talks will continue."},
    ]
    assert not [v for v in english(discover(rows(*texts), pivot="ru"))
                if {"Russian side", "Chinese side"} & v]


def test_a_verb_of_the_original_is_no_term() -> None:
    # «надеемся» twice as 'we hope', twice as 'we trust': a verb, not a term
    texts = [
        {"ru": "Мы надеемся на успех переговоров.", "en": "We hope for successful talks."},
        {"ru": "Мы надеемся на скорый ответ.", "en": "We hope for a quick answer."},
        {"ru": "Мы надеемся на поддержку партнёров.", "en": "We trust in partners' support."},
        {"ru": "Мы надеемся на понимание.", "en": "We trust in understanding."},
        {"ru": "Переговоры продолжатся.", "en": "Talks will continue."},
    ]
    assert not english(discover(rows(*texts), pivot="ru"))


def test_two_forms_of_one_word_are_no_variant() -> None:
    # 'electronic prescription' and 'electronic prescriptions': one word's forms
    texts = [
        {"ru": "Электронный рецепт выдаёт врач.", "en": "The electronic prescription is issued."},
        {"ru": "Электронный рецепт действует год.", "en": "An electronic prescription lasts."},
        {"ru": "Электронные рецепты удобны.", "en": "Electronic prescriptions are handy."},
        {"ru": "Электронные рецепты бесплатны.", "en": "Electronic prescriptions are free."},
        {"ru": "Аптеки открыты.", "en": "Pharmacies are open."},
    ]
    assert not english(discover(rows(*texts), pivot="ru"))


def test_a_term_the_original_abbreviates_rendered_with_another_word_is_flagged() -> None:
    # from energy: «АЭС» every time, 'nuclear power plant' and 'nuclear power station' in
    # the English; an acronym in every row is no term of 'in the context' / 'in the field'
    texts = [
        {"ru": "АЭС «Аккую» строится в Турции.",
         "en": "The Akkuyu nuclear power plant is being built in Turkey."},
        {"ru": "Первый блок АЭС будет пущен в 2026 году.",
         "en": "The first unit of the nuclear power plant will start in 2026."},
        {"ru": "Строительство АЭС идет по графику.",
         "en": "Construction of the nuclear power plant is on schedule."},
        {"ru": "Персонал АЭС проходит обучение в России.",
         "en": "The staff of the nuclear power station are trained in Russia."},
        {"ru": "Безопасность АЭС проверило МАГАТЭ.",
         "en": "The safety of the nuclear power station was reviewed by the IAEA."},
        {"ru": "Делегация посетила Анкару.", "en": "The delegation visited Ankara."},
        {"ru": "Переговоры продолжатся.", "en": "Talks will continue."},
    ]
    flags = [f for f in discover(rows(*texts), pivot="ru") if f.lang == "en"]
    assert any({"nuclear power plant", "nuclear power station"} <= set(f.variants)
               and f.source_term == "АЭС" for f in flags), [f.variants for f in flags]


def test_a_german_compound_beside_an_adjective_and_its_head_is_flagged() -> None:
    # from energy: «сжиженный природный газ» every time, 'Flüssigerdgas' and 'verflüssigtes
    # Erdgas' in the German; a compound with another head is no variant of it
    texts = [
        {"ru": "Экспорт сжиженного природного газа растет.",
         "de": "Der Export von Flüssigerdgas wächst."},
        {"ru": "Цены на сжиженный природный газ упали.",
         "de": "Die Preise für Flüssigerdgas sanken."},
        {"ru": "Поставки сжиженного природного газа в Азию выросли.",
         "de": "Die Lieferungen von Flüssigerdgas nach Asien stiegen."},
        {"ru": "Санкции против сжиженного природного газа вредят Европе.",
         "de": "Sanktionen gegen verflüssigtes Erdgas schaden Europa."},
        {"ru": "ЕС запретил перевалку сжиженного природного газа.",
         "de": "Die EU verbot den Umschlag von verflüssigtem Erdgas."},
        {"ru": "Трубопроводный газ поступает по графику.", "de": "Pipelinegas fließt planmäßig."},
        {"ru": "Переговоры продолжатся.", "de": "Die Gespräche gehen weiter."},
    ]
    flags = [f for f in discover(rows(*texts), pivot="ru") if f.lang == "de"]
    assert any({"Flüssigerdgas"} <= set(f.variants)
               and any(v.casefold().startswith("verflüssigt") for v in f.variants)
               for f in flags), [f.variants for f in flags]


def test_a_verb_both_rows_of_one_phrase_share_is_not_what_its_word_renders() -> None:
    # from polar: «атомные ледоколы» every time, 'brise-glaces atomiques' in the two rows
    # that also say «обеспечить», 'brise-glaces nucléaires' in two others: 'atomiques' goes
    # best with that verb, but a term is a noun phrase, and among its words «атомные»
    texts = [
        {"ru": "Российские атомные ледоколы обеспечили проводку судов.",
         "fr": "Les brise-glaces atomiques russes ont assuré l'escorte des navires."},
        {"ru": "Наши атомные ледоколы готовы обеспечить безопасное прохождение.",
         "fr": "Nos brise-glaces atomiques sont prêts à assurer un passage sûr."},
        {"ru": "Маршрут, обслуживаемый атомными ледоколами, становится коридором.",
         "fr": "Desservie par des brise-glaces nucléaires, la route devient un corridor."},
        {"ru": "Для этого строятся новые атомные ледоколы.",
         "fr": "De nouveaux brise-glaces nucléaires sont en construction."},
        {"ru": "Порт открыт круглый год.", "fr": "Le port est ouvert toute l'année."},
    ]
    flags = [set(f.variants) for f in discover(rows(*texts), pivot="ru") if f.lang == "fr"]
    assert {"brise-glaces atomiques", "brise-glaces nucléaires"} in flags, flags


def test_a_varied_word_may_render_a_word_of_the_term_it_goes_with_less_than_another() -> None:
    # from consular: «нотариальные действия» every time, 'notarial acts' and 'notarial
    # actions'; 'acts' and 'actions' go best with «нотариальные» (the rows split between
    # them, and «действия» is said of other things too), which 'notarial' renders: each
    # renders one word of the term, and 'acts' goes with «действия» well enough
    texts = [
        {"ru": "Консул совершает нотариальные действия.",
         "en": "The consul performs notarial acts."},
        {"ru": "За нотариальные действия взимается сбор.",
         "en": "A fee is charged for notarial acts."},
        {"ru": "Нотариальные действия совершаются по записи.",
         "en": "Notarial actions are performed by appointment."},
        {"ru": "Перечень нотариальных действий опубликован.",
         "en": "The list of notarial actions is published."},
        {"ru": "Срок действия паспорта истёк.", "en": "The passport's validity has expired."},
        {"ru": "Действие визы продлено.", "en": "The visa was extended."},
        {"ru": "Соглашение вступило в действие.", "en": "The agreement took effect."},
        {"ru": "Консульство открыто.", "en": "The consulate is open."},
    ]
    assert {"notarial acts", "notarial actions"} in [
        {v.casefold() for v in f.variants} for f in discover(rows(*texts), pivot="ru")
        if f.lang == "en"]
