# ruff: noqa: E501  (sentences read better unwrapped; translators edit them whole)
"""The offline drafter's sentences, one table per language (``PHRASES[code][key]``).

Placeholders: ``{name}`` (first name), ``{company}`` (the company or "your team"), ``{deal}``,
``{value}`` (amount and currency), ``{stage}`` (next stage name), ``{topic}`` (the prospect's
question, shortened). Registers: ``formal`` / ``neutral`` / ``casual``. To add a language,
copy the English table and translate every entry (tests check each table has every key);
``KEYWORDS`` then teach the drafter what the prospect asks about in it.
"""

from __future__ import annotations

PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "greet_formal": "Dear {name},",
        "greet_neutral": "Hi {name},",
        "greet_casual": "Hey {name}!",
        "greet_formal_anon": "Hello,",
        "greet_neutral_anon": "Hi,",
        "greet_casual_anon": "Hey!",
        "your_team": "your team",
        "price_value": "Thanks for asking about pricing: our offer for {company} ({deal}) comes to {value}.",
        "price": "Thanks for asking about pricing; I'll prepare the numbers for {company}.",
        "meeting": "Happy to set up a call — which day and time suit you this week?",
        "documents": "I'll send the documents over to you today.",
        "question": "Good question about “{topic}” — I'll come back to you with a precise answer today.",
        "thanks": "You're welcome, glad I could help.",
        "message": "Thanks for your message.",
        "context_deal": "It's great to keep moving “{deal}” forward with {company}.",
        "context_company": "It's great to be in touch with {company}.",
        "recap": "A quick recap: “{deal}” is at the “{current}” stage.",
        "offer_detail": "If anything is unclear, just reply here and I'll go into more detail.",
        "step_qualify": "As a next step, I'd suggest a short call to understand your goals.",
        "step_meeting": "As a next step, shall we schedule a demo this week?",
        "step_proposal": "As a next step, I'll prepare a tailored proposal for {company}.",
        "step_negotiation": "As a next step, let's go through the terms together.",
        "step_contract": "As a next step, I'll send over the contract for signature.",
        "step_generic": "As a next step, I'd suggest we move on to “{stage}”.",
        "step_none": "Let me know how you'd like to proceed.",
        "close_formal": "Kind regards,",
        "close_neutral": "Best regards,",
        "close_casual": "Cheers,",
    },
    "ru": {
        "greet_formal": "Добрый день, {name}!",
        "greet_neutral": "Здравствуйте, {name}!",
        "greet_casual": "Привет, {name}!",
        "greet_formal_anon": "Добрый день!",
        "greet_neutral_anon": "Здравствуйте!",
        "greet_casual_anon": "Привет!",
        "your_team": "вашей команды",
        "price_value": "Спасибо за вопрос о цене: для {company} «{deal}» стоит {value}.",
        "price": "Спасибо за вопрос о цене, я подготовлю расчёт для {company}.",
        "meeting": "С удовольствием созвонимся — какой день и время на этой неделе вам удобны?",
        "documents": "Сегодня же отправлю вам документы.",
        "question": "Хороший вопрос про «{topic}» — сегодня вернусь к вам с точным ответом.",
        "thanks": "Пожалуйста, рад(а) помочь.",
        "message": "Спасибо за сообщение.",
        "context_deal": "Рады продолжать работу над «{deal}» вместе с {company}.",
        "context_company": "Рады быть на связи с {company}.",
        "recap": "Коротко: «{deal}» сейчас на этапе «{current}».",
        "offer_detail": "Если что-то неясно, просто ответьте здесь — расскажу подробнее.",
        "step_qualify": "Следующим шагом предлагаю короткий звонок, чтобы обсудить ваши задачи.",
        "step_meeting": "Следующим шагом давайте назначим демонстрацию на этой неделе?",
        "step_proposal": "Следующим шагом я подготовлю предложение для {company}.",
        "step_negotiation": "Следующим шагом давайте вместе обсудим условия.",
        "step_contract": "Следующим шагом я пришлю договор на подпись.",
        "step_generic": "Следующим шагом предлагаю перейти к этапу «{stage}».",
        "step_none": "Дайте знать, как вам удобнее продолжить.",
        "close_formal": "С уважением,",
        "close_neutral": "С уважением,",
        "close_casual": "До связи,",
    },
    "uk": {
        "greet_formal": "Добрий день, {name}!",
        "greet_neutral": "Вітаю, {name}!",
        "greet_casual": "Привіт, {name}!",
        "greet_formal_anon": "Добрий день!",
        "greet_neutral_anon": "Вітаю!",
        "greet_casual_anon": "Привіт!",
        "your_team": "вашої команди",
        "price_value": "Дякую за питання про ціну: для {company} «{deal}» коштує {value}.",
        "price": "Дякую за питання про ціну, я підготую розрахунок для {company}.",
        "meeting": "Із задоволенням зідзвонимося — який день і час цього тижня вам зручні?",
        "documents": "Сьогодні ж надішлю вам документи.",
        "question": "Слушне питання про «{topic}» — сьогодні повернуся до вас із точною відповіддю.",
        "thanks": "Будь ласка, радий(а) допомогти.",
        "message": "Дякую за повідомлення.",
        "context_deal": "Раді продовжувати роботу над «{deal}» разом із {company}.",
        "context_company": "Раді бути на зв'язку з {company}.",
        "recap": "Коротко: «{deal}» зараз на етапі «{current}».",
        "offer_detail": "Якщо щось незрозуміло, просто відповідайте тут — розповім докладніше.",
        "step_qualify": "Наступним кроком пропоную короткий дзвінок, щоб обговорити ваші задачі.",
        "step_meeting": "Наступним кроком давайте призначимо демонстрацію цього тижня?",
        "step_proposal": "Наступним кроком я підготую пропозицію для {company}.",
        "step_negotiation": "Наступним кроком давайте разом обговоримо умови.",
        "step_contract": "Наступним кроком я надішлю договір на підпис.",
        "step_generic": "Наступним кроком пропоную перейти до етапу «{stage}».",
        "step_none": "Дайте знати, як вам зручніше продовжити.",
        "close_formal": "З повагою,",
        "close_neutral": "З повагою,",
        "close_casual": "На зв'язку,",
    },
    "de": {
        "greet_formal": "Guten Tag {name},",
        "greet_neutral": "Hallo {name},",
        "greet_casual": "Hi {name}!",
        "greet_formal_anon": "Guten Tag,",
        "greet_neutral_anon": "Hallo,",
        "greet_casual_anon": "Hi!",
        "your_team": "Ihr Team",
        "price_value": "Danke für Ihre Frage zum Preis: für {company} kostet „{deal}“ {value}.",
        "price": "Danke für Ihre Frage zum Preis; ich stelle die Zahlen für {company} zusammen.",
        "meeting": "Gerne vereinbaren wir ein Gespräch — welcher Tag und welche Uhrzeit passen Ihnen diese Woche?",
        "documents": "Ich schicke Ihnen die Unterlagen noch heute.",
        "question": "Gute Frage zu „{topic}“ — ich melde mich heute mit einer genauen Antwort.",
        "thanks": "Gern geschehen, freut mich, dass ich helfen konnte.",
        "message": "Vielen Dank für Ihre Nachricht.",
        "context_deal": "Wir freuen uns, „{deal}“ gemeinsam mit {company} voranzubringen.",
        "context_company": "Wir freuen uns über den Kontakt mit {company}.",
        "recap": "Kurz zusammengefasst: „{deal}“ ist in der Phase „{current}“.",
        "offer_detail": "Wenn etwas unklar ist, antworten Sie einfach hier, dann erkläre ich es genauer.",
        "step_qualify": "Als nächsten Schritt schlage ich ein kurzes Gespräch über Ihre Ziele vor.",
        "step_meeting": "Als nächsten Schritt: Sollen wir diese Woche eine Demo vereinbaren?",
        "step_proposal": "Als nächsten Schritt erstelle ich ein passendes Angebot für {company}.",
        "step_negotiation": "Als nächsten Schritt gehen wir die Konditionen gemeinsam durch.",
        "step_contract": "Als nächsten Schritt schicke ich Ihnen den Vertrag zur Unterschrift.",
        "step_generic": "Als nächsten Schritt schlage ich vor, zu „{stage}“ überzugehen.",
        "step_none": "Lassen Sie mich wissen, wie Sie weitermachen möchten.",
        "close_formal": "Mit freundlichen Grüßen",
        "close_neutral": "Viele Grüße",
        "close_casual": "Beste Grüße",
    },
    "es": {
        "greet_formal": "Estimado/a {name}:",
        "greet_neutral": "Hola, {name}:",
        "greet_casual": "¡Hola, {name}!",
        "greet_formal_anon": "Buenos días:",
        "greet_neutral_anon": "Hola:",
        "greet_casual_anon": "¡Hola!",
        "your_team": "su equipo",
        "price_value": "Gracias por preguntar por el precio: para {company}, «{deal}» cuesta {value}.",
        "price": "Gracias por preguntar por el precio; prepararé las cifras para {company}.",
        "meeting": "Con gusto organizamos una llamada: ¿qué día y hora le vienen bien esta semana?",
        "documents": "Hoy mismo le envío los documentos.",
        "question": "Buena pregunta sobre «{topic}»; hoy mismo le respondo con precisión.",
        "thanks": "De nada, me alegra haber ayudado.",
        "message": "Gracias por su mensaje.",
        "context_deal": "Es un placer seguir avanzando con «{deal}» junto a {company}.",
        "context_company": "Es un placer estar en contacto con {company}.",
        "recap": "En resumen: «{deal}» está en la etapa «{current}».",
        "offer_detail": "Si algo no queda claro, responda aquí y se lo explico con más detalle.",
        "step_qualify": "Como siguiente paso, propongo una breve llamada para conocer sus objetivos.",
        "step_meeting": "Como siguiente paso, ¿programamos una demostración esta semana?",
        "step_proposal": "Como siguiente paso, prepararé una propuesta a medida para {company}.",
        "step_negotiation": "Como siguiente paso, revisemos juntos las condiciones.",
        "step_contract": "Como siguiente paso, le enviaré el contrato para su firma.",
        "step_generic": "Como siguiente paso, propongo pasar a «{stage}».",
        "step_none": "Dígame cómo prefiere continuar.",
        "close_formal": "Atentamente,",
        "close_neutral": "Saludos,",
        "close_casual": "¡Un saludo!",
    },
    "fr": {
        "greet_formal": "Bonjour {name},",
        "greet_neutral": "Bonjour {name},",
        "greet_casual": "Salut {name} !",
        "greet_formal_anon": "Madame, Monsieur,",
        "greet_neutral_anon": "Bonjour,",
        "greet_casual_anon": "Salut !",
        "your_team": "votre équipe",
        "price_value": "Merci pour votre question sur le prix : pour {company}, « {deal} » revient à {value}.",
        "price": "Merci pour votre question sur le prix ; je prépare les chiffres pour {company}.",
        "meeting": "Avec plaisir pour un appel — quel jour et quelle heure vous conviennent cette semaine ?",
        "documents": "Je vous envoie les documents dès aujourd'hui.",
        "question": "Bonne question à propos de « {topic} » — je reviens vers vous aujourd'hui avec une réponse précise.",
        "thanks": "Avec plaisir, ravi(e) d'avoir pu vous aider.",
        "message": "Merci pour votre message.",
        "context_deal": "Nous sommes ravis de faire avancer « {deal} » avec {company}.",
        "context_company": "Nous sommes ravis d'être en contact avec {company}.",
        "recap": "En bref : « {deal} » en est à l'étape « {current} ».",
        "offer_detail": "Si quelque chose n'est pas clair, répondez ici et je détaillerai.",
        "step_qualify": "Prochaine étape : je propose un court appel pour comprendre vos objectifs.",
        "step_meeting": "Prochaine étape : planifions-nous une démo cette semaine ?",
        "step_proposal": "Prochaine étape : je prépare une proposition sur mesure pour {company}.",
        "step_negotiation": "Prochaine étape : passons en revue les conditions ensemble.",
        "step_contract": "Prochaine étape : je vous envoie le contrat à signer.",
        "step_generic": "Prochaine étape : je propose de passer à « {stage} ».",
        "step_none": "Dites-moi comment vous souhaitez poursuivre.",
        "close_formal": "Veuillez agréer mes salutations distinguées,",
        "close_neutral": "Bien cordialement,",
        "close_casual": "À bientôt,",
    },
    "pt": {
        "greet_formal": "Prezado(a) {name},",
        "greet_neutral": "Olá, {name},",
        "greet_casual": "Oi, {name}!",
        "greet_formal_anon": "Prezados,",
        "greet_neutral_anon": "Olá,",
        "greet_casual_anon": "Oi!",
        "your_team": "sua equipe",
        "price_value": "Obrigado pela pergunta sobre o preço: para {company}, “{deal}” custa {value}.",
        "price": "Obrigado pela pergunta sobre o preço; vou preparar os números para {company}.",
        "meeting": "Com prazer marcamos uma ligação — que dia e horário funcionam para você esta semana?",
        "documents": "Envio os documentos para você ainda hoje.",
        "question": "Boa pergunta sobre “{topic}” — volto hoje com uma resposta precisa.",
        "thanks": "Por nada, fico feliz em ajudar.",
        "message": "Obrigado pela sua mensagem.",
        "context_deal": "É ótimo seguir avançando com “{deal}” junto com {company}.",
        "context_company": "É ótimo estar em contato com {company}.",
        "recap": "Resumindo: “{deal}” está na etapa “{current}”.",
        "offer_detail": "Se algo não estiver claro, responda aqui e explico com mais detalhes.",
        "step_qualify": "Como próximo passo, sugiro uma ligação rápida para entender seus objetivos.",
        "step_meeting": "Como próximo passo, vamos agendar uma demonstração esta semana?",
        "step_proposal": "Como próximo passo, vou preparar uma proposta sob medida para {company}.",
        "step_negotiation": "Como próximo passo, vamos revisar juntos as condições.",
        "step_contract": "Como próximo passo, envio o contrato para assinatura.",
        "step_generic": "Como próximo passo, sugiro avançarmos para “{stage}”.",
        "step_none": "Me diga como prefere seguir.",
        "close_formal": "Atenciosamente,",
        "close_neutral": "Abraços,",
        "close_casual": "Até mais,",
    },
    "it": {
        "greet_formal": "Gentile {name},",
        "greet_neutral": "Ciao {name},",
        "greet_casual": "Ciao {name}!",
        "greet_formal_anon": "Buongiorno,",
        "greet_neutral_anon": "Ciao,",
        "greet_casual_anon": "Ciao!",
        "your_team": "il vostro team",
        "price_value": "Grazie per la domanda sul prezzo: per {company}, «{deal}» costa {value}.",
        "price": "Grazie per la domanda sul prezzo; preparo i numeri per {company}.",
        "meeting": "Volentieri fissiamo una chiamata: quale giorno e orario vanno bene questa settimana?",
        "documents": "Le invio i documenti oggi stesso.",
        "question": "Buona domanda su «{topic}»: torno da lei oggi con una risposta precisa.",
        "thanks": "Prego, felice di essere stato d'aiuto.",
        "message": "Grazie per il messaggio.",
        "context_deal": "È un piacere portare avanti «{deal}» insieme a {company}.",
        "context_company": "È un piacere essere in contatto con {company}.",
        "recap": "In breve: «{deal}» è nella fase «{current}».",
        "offer_detail": "Se qualcosa non è chiaro, risponda qui e spiegherò meglio.",
        "step_qualify": "Come prossimo passo, propongo una breve chiamata per capire i vostri obiettivi.",
        "step_meeting": "Come prossimo passo, fissiamo una demo questa settimana?",
        "step_proposal": "Come prossimo passo, preparo una proposta su misura per {company}.",
        "step_negotiation": "Come prossimo passo, rivediamo insieme le condizioni.",
        "step_contract": "Come prossimo passo, le invio il contratto da firmare.",
        "step_generic": "Come prossimo passo, propongo di passare a «{stage}».",
        "step_none": "Mi faccia sapere come preferisce procedere.",
        "close_formal": "Cordiali saluti,",
        "close_neutral": "Un saluto,",
        "close_casual": "A presto,",
    },
}


def _any_of(text: str) -> tuple[str, ...]:
    """``"a|b|c"`` → ``("a", "b", "c")``: keeps the many short stems readable in a few lines."""
    return tuple(part for part in text.split("|") if part)


# What the prospect's last message is about, by lowercase substrings (all languages at once:
# prospects mix languages and a stem rarely means something else in another one).
KEYWORDS: dict[str, tuple[str, ...]] = {
    "price": _any_of(
        "price|pricing|cost|cheap|how much|budget|discount|quote|цен|стоим|сколько|прайс|скидк|бюджет"
        "|ціна|ціни|ціну|вартіс|скільки|знижк|preis|kosten|kostet|rabatt|wie viel|precio|cuesta|costo"
        "|coste|cuánto|presupuesto|descuento|prix|tarif|coût|combien|devis|remise|preço"
        "|quanto custa|orçamento|desconto|prezz|quanto costa|preventivo|sconto"
    ),
    "meeting": _any_of(
        "call|meet|demo|schedule|zoom|звон|созвон|встреч|демо|дзвін|зідзвон|зустріч|termin"
        "|treffen|anruf|telefon|gespräch|llamada|reunión|reunir|cita|appel|réunion|rendez-vous"
        "|démo|rencontr|ligação|chamada|reunião|encontro|chiamata|riunione|incontro"
    ),
    "documents": _any_of(
        "contract|proposal|document|pdf|presentation|deck|case stud|договор|документ|предложени"
        "|презентац|договір|пропозиц|vertrag|unterlagen|dokument|präsentation|angebot|contrato"
        "|propuesta|documento|presentación|contrat|proposition|présentation|proposta"
        "|apresentação|contratto|presentazione"
    ),
    "thanks": _any_of("thank|thx|спасибо|благодар|дякую|danke|gracias|merci|obrigad|grazie"),
}

# The next stage's name → the kind of next step, by lowercase substrings (checked in order).
STAGE_STEPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "contract",
        _any_of("contract|won|clos|sign|договор|договір|подпис|выигр|vertrag|abschluss|contrat"),
    ),
    ("negotiation", _any_of("negotia|переговор|verhandl|negocia|négocia|trattativ")),
    (
        "proposal",
        _any_of(
            "proposal|offer|quote|предлож|пропозиц|кп|angebot|propuesta|proposition|proposta"
            "|offerta"
        ),
    ),
    (
        "meeting",
        _any_of(
            "demo|démo|meeting|call|встреч|зустріч|демо|termin|reunión|réunion|rendez|reunião"
            "|riunione|incontro"
        ),
    ),
    ("qualify", _any_of("qualif|discovery|квалиф|кваліф")),
)

# Member instructions ("shorter", "more formal"…) in the languages members write them in.
# "casual" is checked before "formal" ("informal" contains "formal").
INSTRUCTIONS: dict[str, tuple[str, ...]] = {
    "casual": _any_of(
        "casual|informal|less formal|friendl|relaxed|неформальн|проще|дружелюб|locker|lässig"
        "|informell|décontract|informale"
    ),
    "formal": _any_of(
        "formal|polite|official|формальн|официальн|вежлив|офіційн|förmlich|formell|formel|formale"
    ),
    "shorter": _any_of(
        "short|brief|concise|короче|кратк|коротш|kürzer|knapp|más corto|breve|plus court"
        "|mais curto|più breve"
    ),
    "longer": _any_of(
        "longer|detail|elaborat|expand|подробн|длиннее|докладн|ausführlich|detall|détail"
        "|detalh|dettagl"
    ),
}
# An instruction that starts with one of these carries content to include ("mention the
# 10 % discount for annual plans").
CONTENT_PREFIXES: tuple[str, ...] = _any_of(
    "mention that |mention |add that |add |include |say that |say |tell them that |tell them "
    "|упомяни, что |упомяни |добавь, что |добавь |erwähne |menciona |mentionne |mencione "
    "|menziona "
)
# Greetings a prospect opens a question with ("Hi, do you…"), left out when it is quoted.
GREETINGS: frozenset[str] = frozenset(
    _any_of(
        "hi|hello|hey|good morning|good afternoon|привет|здравствуйте|добрый день|вітаю|привіт"
        "|добрий день|hallo|guten tag|hola|buenos días|bonjour|salut|olá|oi|bom dia|ciao"
        "|buongiorno"
    )
)
