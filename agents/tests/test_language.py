"""detect_language: the script first, then stop words; English when nothing is conclusive."""

from __future__ import annotations

import pytest

from agents.language import detect_language


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["Hi Anna, could you send me the price list for the team plan?"], "en"),
        (["Здравствуйте! Когда можно созвониться, чтобы обсудить цены?"], "ru"),
        (["Привіт! Чи можна отримати ціни? Дякую"], "uk"),
        (["Hallo, können Sie mir bitte das Angebot für die Lizenzen schicken?"], "de"),
        (["Hola, ¿puede enviarme el precio para nuestro equipo?"], "es"),
        (["Bonjour, pouvez-vous nous envoyer le tarif pour notre équipe ?"], "fr"),
        (["Olá, vocês podem enviar o preço para a nossa equipe? Obrigado"], "pt"),
        (["Ciao, potete mandarci il prezzo per il nostro team? Grazie mille"], "it"),
        (["こんにちは、価格を教えてください"], "ja"),
        (["你好，请把报价发给我"], "zh"),
        (["Γεια σας, ποια είναι η τιμή;"], "el"),
    ],
)
def test_detects_the_language_of_a_message(texts: list[str], expected: str) -> None:
    assert detect_language(texts) == expected


@pytest.mark.parametrize("texts", [[], [""], ["👍"], ["12345 !!!"], ["   "]])
def test_falls_back_to_english_when_nothing_is_conclusive(texts: list[str]) -> None:
    assert detect_language(texts) == "en"


def test_weighs_all_messages_so_one_short_reply_does_not_flip_the_language() -> None:
    texts = [
        "Guten Tag, wir interessieren uns für Ihr Produkt und die Preise.",
        "Können wir nächste Woche telefonieren?",
        "ok",
    ]
    assert detect_language(texts) == "de"


def test_russian_text_with_russian_only_letters_is_not_ukrainian() -> None:
    assert detect_language(["Вы мне это объясните ещё раз?"]) == "ru"
