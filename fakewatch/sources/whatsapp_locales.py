"""What WhatsApp itself writes into an export, in each locale: placeholders, markers and system lines.

Data, one place: `whatsapp.py` reads bodies against these tables, and the
date-order decision uses the locale a file's own system texts are in (every
locale here but English and Japanese writes dates day-first). Where each
string was seen is recorded in tests/fixtures/whatsapp/<locale>/SOURCE.md and
the README beside them; strings not yet seen in a real export are written from
WhatsApp's wording and marked so there.

Patterns are regular expressions matched against the whole body, case
folded, with bidirectional marks removed; `WHO` stands for a person or a
list of people as WhatsApp names them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A name, a number, or "A, B and C": the part of a system line that names people. It holds no colon,
# so that a member's message quoting a system text ("Dana: Aigul created group ...") stays a message.
WHO = r"[^:\n]{1,200}?"
QUOTED = r"[\"“”«»„].*[\"“”«»“]"  # a group subject as WhatsApp quotes it


@dataclass(frozen=True)
class Locale:
    """The texts one phone language writes. Media kinds are those of `fakewatch.model.Media`."""

    code: str
    day_first: bool | None  # what the locale's dates are; None where it writes both (en-GB, en-US)
    media_omitted: dict[str, str]  # whole body -> media kind (Android "<Media omitted>", iOS "image omitted")
    attached: tuple[str, ...]  # Android "IMG-...jpg (file attached)", iOS "<attached: ...>": the word(s)
    deleted: tuple[str, ...]  # someone deleted the message for everyone
    you_deleted: tuple[str, ...]  # the exporting person deleted it
    edited: tuple[str, ...]  # marker appended to an edited message: "<This message was edited>"
    notices: tuple[str, ...]  # encryption and security notices: system text under any name
    events: tuple[str, ...]  # group events no member would type: system text under any name
    membership: tuple[str, ...]  # added/left/removed: system text only when it names its own actor or is marked


EN = Locale(
    code="en", day_first=None,
    media_omitted={"<media omitted>": "file", "image omitted": "photo", "video omitted": "video_file",
                   "audio omitted": "voice_message", "sticker omitted": "sticker", "gif omitted": "animation",
                   "document omitted": "file", "contact card omitted": "contact",
                   "video note omitted": "video_message"},
    attached=("file attached", "attached"),
    deleted=("this message was deleted",), you_deleted=("you deleted this message",),
    edited=("this message was edited",),
    notices=(r"messages and calls are end-to-end encrypted\b.*", r"messages (?:to|you send to) this (?:group|chat)"
             r".* (?:are|is) now secured with end-to-end encryption\b.*", r"your security code with .+ changed\b.*",
             r".+'s security code changed\b.*"),
    events=(rf"{WHO} created (?:the )?group {QUOTED}", rf"{WHO} created this group",
            rf"{WHO} changed the (?:subject|group name) (?:from {QUOTED} )?to {QUOTED}",
            rf"{WHO} changed this group's (?:icon|settings).*", rf"{WHO} deleted this group's icon",
            rf"{WHO} changed the group description", rf"{WHO} deleted the group description",
            rf"{WHO} joined using this group's invite link", rf"{WHO} joined using an invite link",
            rf"{WHO} changed (?:their phone number|to \+?[\d ()\-]{{7,}}).*", r"you're now an admin",
            rf"{WHO} turned (?:on|off) disappearing messages\b.*"),
    membership=(rf"{WHO} added {WHO}", rf"{WHO} added you", r"you were added", rf"{WHO} left",
                rf"{WHO} removed {WHO}", rf"{WHO} joined"),
)

DE = Locale(
    code="de", day_first=True,
    media_omitted={"<medien ausgeschlossen>": "file", "<medien weggelassen>": "file", "bild weggelassen": "photo",
                   "video weggelassen": "video_file", "audio weggelassen": "voice_message",
                   "sticker weggelassen": "sticker", "gif weggelassen": "animation", "dokument weggelassen": "file",
                   "kontaktkarte weggelassen": "contact"},
    attached=("datei angehängt", "anhang"),
    deleted=("diese nachricht wurde gelöscht", "diese nachricht wurde gelöscht."),
    you_deleted=("du hast diese nachricht gelöscht.", "du hast diese nachricht gelöscht"),
    edited=("diese nachricht wurde bearbeitet.", "diese nachricht wurde bearbeitet"),
    notices=(r"nachrichten und anrufe sind ende-zu-ende-verschlüsselt\b.*",
             r"(?:deine )?sicherheitsnummer (?:für|von) .+ hat sich geändert\b.*",
             r"die sicherheitsnummer von .+ hat sich geändert\b.*"),
    events=(rf"{WHO} hat (?:die )?gruppe {QUOTED} erstellt", rf"{WHO} hat diese gruppe erstellt",
            rf"{WHO} hat den betreff (?:von {QUOTED} )?(?:zu|in) {QUOTED} geändert",
            rf"{WHO} hat das gruppenbild geändert", rf"{WHO} hat das gruppenbild gelöscht",
            rf"{WHO} hat die gruppenbeschreibung geändert",
            rf"{WHO} ist (?:dieser gruppe )?über (?:den )?einladungslink (?:dieser gruppe )?beigetreten",
            rf"{WHO} hat (?:die telefonnummer|zu \+?[\d ()\-]{{7,}}) gewechselt.*"),
    membership=(rf"{WHO} hat {WHO} hinzugefügt", rf"{WHO} hat dich hinzugefügt", rf"{WHO} hat die gruppe verlassen",
                rf"{WHO} hat {WHO} entfernt", r"du wurdest hinzugefügt"),
)

FR = Locale(
    code="fr", day_first=True,
    media_omitted={"<médias omis>": "file", "<fichier omis>": "file", "image absente": "photo",
                   "vidéo absente": "video_file", "audio omis": "voice_message", "sticker omis": "sticker",
                   "gif retiré": "animation", "document omis": "file", "fiche contact omise": "contact"},
    attached=("fichier joint", "pièce jointe"),
    deleted=("ce message a été supprimé",), you_deleted=("vous avez supprimé ce message",),
    edited=("ce message a été modifié",),
    notices=(r"les messages et les appels sont chiffrés de bout en bout\b.*",
             r"votre code de sécurité avec .+ a changé\b.*", r"le code de sécurité de .+ a changé\b.*"),
    events=(rf"{WHO} a créé (?:le )?groupe {QUOTED}", rf"{WHO} a créé ce groupe",
            rf"{WHO} a (?:modifié|changé) le sujet (?:de {QUOTED} )?(?:à|en) {QUOTED}",
            rf"{WHO} a (?:modifié|changé) (?:l'|l’)icône de ce groupe",
            rf"{WHO} a supprimé (?:l'|l’)icône de ce groupe",
            rf"{WHO} a modifié la description du groupe",
            rf"{WHO} a rejoint (?:ce groupe )?(?:via|en utilisant) (?:le|ce) lien d(?:'|’)invitation.*"),
    membership=(rf"{WHO} a ajouté {WHO}", rf"{WHO} vous a ajouté", rf"{WHO} est parti(?:\(e\)|e)?",
                rf"{WHO} a quitté(?: le groupe)?", rf"{WHO} a retiré {WHO}"),
)

ES = Locale(
    code="es", day_first=True,
    media_omitted={"<multimedia omitido>": "file", "<archivo omitido>": "file", "imagen omitida": "photo",
                   "video omitido": "video_file", "audio omitido": "voice_message", "sticker omitido": "sticker",
                   "gif omitido": "animation", "documento omitido": "file", "tarjeta de contacto omitida": "contact"},
    attached=("archivo adjunto", "adjunto"),
    deleted=("se eliminó este mensaje.", "se eliminó este mensaje", "este mensaje fue eliminado"),
    you_deleted=("eliminaste este mensaje.", "eliminaste este mensaje"),
    edited=("se editó este mensaje.", "se editó este mensaje"),
    notices=(r"los mensajes y las llamadas están cifrados de extremo a extremo\b.*",
             r"tu código de seguridad con .+ cambió\b.*", r"el código de seguridad de .+ cambió\b.*"),
    events=(rf"{WHO} creó (?:el )?grupo {QUOTED}", rf"{WHO} creó este grupo",
            rf"{WHO} cambió el (?:asunto|nombre del grupo) (?:de {QUOTED} )?a {QUOTED}",
            rf"{WHO} cambió (?:el ícono|la imagen|la foto) (?:de este|del) grupo",
            rf"{WHO} eliminó (?:el ícono|la imagen|la foto) (?:de este|del) grupo",
            rf"{WHO} cambió la descripción del grupo",
            rf"{WHO} se unió (?:usando|mediante|con) el enlace de invitación.*"),
    membership=(rf"{WHO} (?:añadió|agregó) a {WHO}", rf"{WHO} te (?:añadió|agregó)", rf"{WHO} salió(?: del grupo)?",
                rf"{WHO} eliminó a {WHO}"),
)

PT = Locale(
    code="pt", day_first=True,
    media_omitted={"<mídia oculta>": "file", "<arquivo de mídia oculto>": "file", "<ficheiro não revelado>": "file",
                   "<mídia omitida>": "file", "imagem ocultada": "photo", "vídeo omitido": "video_file",
                   "áudio ocultado": "voice_message", "figurinha omitida": "sticker"},
    attached=("arquivo anexado", "ficheiro anexado", "anexado"),
    deleted=("esta mensagem foi apagada", "mensagem apagada"),
    you_deleted=("você apagou esta mensagem", "apagou esta mensagem"),
    edited=("mensagem editada",),
    notices=(r"as mensagens e as chamadas são protegidas com a criptografia de ponta a ponta\b.*",
             r"as mensagens e (?:as )?ligações são protegidas com a criptografia de ponta a ponta\b.*",
             r"seu código de segurança com .+ mudou\b.*", r"o código de segurança de .+ mudou\b.*"),
    events=(rf"{WHO} criou (?:o )?grupo {QUOTED}", rf"{WHO} criou este grupo",
            rf"{WHO} (?:mudou|alterou) o (?:assunto|nome do grupo) (?:de {QUOTED} )?para {QUOTED}",
            rf"{WHO} (?:mudou|alterou) a imagem (?:deste|do) grupo", rf"{WHO} apagou a imagem (?:deste|do) grupo",
            rf"{WHO} (?:mudou|alterou) a descrição do grupo",
            rf"{WHO} entrou usando o link de convite (?:deste|do) grupo"),
    membership=(rf"{WHO} adicionou {WHO}", rf"{WHO} adicionou você", rf"{WHO} saiu", rf"{WHO} removeu {WHO}"),
)

IT = Locale(
    code="it", day_first=True,
    media_omitted={"<media omessi>": "file", "<media omesso>": "file", "immagine omessa": "photo",
                   "video omesso": "video_file", "audio omesso": "voice_message", "sticker omesso": "sticker",
                   "gif omessa": "animation", "documento omesso": "file"},
    attached=("file allegato", "allegato"),
    deleted=("questo messaggio è stato eliminato",), you_deleted=("hai eliminato questo messaggio",),
    edited=("questo messaggio è stato modificato",),
    notices=(r"i messaggi e le chiamate sono crittografati end-to-end\b.*",
             r"il (?:tuo )?codice di sicurezza (?:con|di) .+ è cambiato\b.*"),
    events=(rf"{WHO} ha creato (?:il )?gruppo {QUOTED}", rf"{WHO} ha creato questo gruppo",
            rf"{WHO} ha (?:cambiato|modificato) (?:l'|l’)oggetto (?:da {QUOTED} )?(?:a|in) {QUOTED}",
            rf"{WHO} ha (?:cambiato|modificato) (?:l'|l’)immagine (?:di questo|del) gruppo",
            rf"{WHO} ha eliminato (?:l'|l’)immagine (?:di questo|del) gruppo",
            rf"{WHO} ha (?:cambiato|modificato) la descrizione del gruppo",
            rf"{WHO} si è unit[oa](?:/a)? (?:tramite|usando) il link d(?:'|’)invito.*"),
    membership=(rf"{WHO} ha aggiunto {WHO}", rf"{WHO} ti ha aggiunto", rf"{WHO} è uscit[oa](?:/a)?",
                rf"{WHO} ha abbandonato(?: il gruppo)?", rf"{WHO} ha rimosso {WHO}"),
)

TR = Locale(
    code="tr", day_first=True,
    media_omitted={"<medya dahil edilmedi>": "file", "<medya atlanmış>": "file", "görüntü dahil edilmedi": "photo",
                   "video dahil edilmedi": "video_file", "ses dahil edilmedi": "voice_message",
                   "çıkartma dahil edilmedi": "sticker", "gif dahil edilmedi": "animation",
                   "belge dahil edilmedi": "file"},
    attached=("dosya ekli", "ek"),
    deleted=("bu mesaj silindi", "bu mesaj silindi."), you_deleted=("bu mesajı sildiniz", "bu mesajı sildiniz."),
    edited=("bu mesaj düzenlendi",),
    notices=(r"mesajlar ve aramalar uçtan uca şifrelidir\b.*", r"mesajlar uçtan uca şifrelidir\b.*",
             r"{who} ile güvenlik kodunuz değişti\b.*".format(who=WHO)),
    events=(rf"{WHO} {QUOTED} grubunu oluşturdu", rf"{WHO} bu grubu oluşturdu",
            rf"{WHO} (?:konuyu|grup adını) (?:{QUOTED} iken )?{QUOTED} olarak değiştirdi",
            rf"{WHO} bu grubun simgesini değiştirdi", rf"{WHO} bu grubun simgesini sildi",
            rf"{WHO} grup açıklamasını değiştirdi",
            rf"{WHO} bu grubun davet bağlantısını kullanarak katıldı"),
    membership=(rf"{WHO},? {WHO} kişisini ekledi", rf"{WHO} sizi ekledi", rf"{WHO} ayrıldı",
                rf"{WHO},? {WHO} kişisini çıkardı"),
)

PL = Locale(
    code="pl", day_first=True,
    media_omitted={"<pominięto multimedia>": "file", "<pliki pominięto>": "file", "pominięto obraz": "photo",
                   "pominięto film": "video_file", "pominięto plik audio": "voice_message",
                   "pominięto naklejkę": "sticker", "pominięto gif": "animation", "pominięto dokument": "file"},
    attached=("załączono plik", "plik załączony", "załącznik"),
    deleted=("ta wiadomość została usunięta", "wiadomość usunięta"),
    you_deleted=("usunięto tę wiadomość", "usunąłeś tę wiadomość", "usunęłaś tę wiadomość",
                 "usunąłeś(-ęłaś) tę wiadomość"),
    edited=("ta wiadomość została edytowana", "edytowano tę wiadomość"),
    notices=(r"wiadomości i połączenia są szyfrowane end-to-end\b.*",
             r"(?:twój )?kod zabezpieczenia (?:z|użytkownika) .+ zmienił się\b.*"),
    events=(rf"{WHO} utworzył(?:\(a\)|a)? grupę {QUOTED}", rf"{WHO} utworzył(?:\(a\)|a)? tę grupę",
            rf"{WHO} zmienił(?:\(a\)|a)? (?:temat|nazwę grupy) (?:z {QUOTED} )?na {QUOTED}",
            rf"{WHO} zmienił(?:\(a\)|a)? ikonę tej grupy", rf"{WHO} usunął\(-ęła\) ikonę tej grupy",
            rf"{WHO} zmienił(?:\(a\)|a)? opis grupy",
            rf"{WHO} dołączył(?:\(a\)|a)? (?:do grupy )?(?:przez|za pomocą) link(?:u)? z zaproszeniem.*"),
    membership=(rf"{WHO} dodał(?:\(a\)|a)? {WHO}", rf"{WHO} dodał(?:\(a\)|a)? cię", rf"{WHO} opuścił(?:\(a\)|a)? grupę",
                rf"{WHO} wyszedł(?:\(-ła\))?", rf"{WHO} wyszła", rf"{WHO} usunął(?:\(-ęła\))? {WHO}",
                rf"{WHO} usunęła {WHO}"),
)

RU = Locale(
    code="ru", day_first=True,
    media_omitted={"<без медиафайлов>": "file", "<файл пропущен>": "file", "<медиа пропущены>": "file",
                   "изображение отсутствует": "photo", "видео отсутствует": "video_file",
                   "аудио отсутствует": "voice_message", "стикер отсутствует": "sticker",
                   "gif отсутствует": "animation", "документ отсутствует": "file",
                   "карточка контакта отсутствует": "contact"},
    attached=("файл добавлен", "файл прикреплен", "вложение"),
    deleted=("данное сообщение удалено.", "данное сообщение удалено", "это сообщение удалено"),
    you_deleted=("вы удалили данное сообщение", "вы удалили данное сообщение.", "вы удалили это сообщение"),
    edited=("сообщение изменено", "это сообщение было изменено"),
    notices=(r"сообщения и звонки защищены сквозным шифрованием\b.*",
             r"ваш код безопасности (?:для|с) .+ изменился\b.*", r"код безопасности .+ изменился\b.*"),
    events=(rf"{WHO} создал(?:\(а\)|а)? группу {QUOTED}", rf"{WHO} создал(?:\(а\)|а)? эту группу",
            rf"{WHO} изменил(?:\(а\)|а)? (?:тему|название группы) (?:с {QUOTED} )?на {QUOTED}",
            rf"{WHO} изменил(?:\(а\)|а)? (?:изображение|значок) (?:этой )?группы",
            rf"{WHO} удалил(?:\(а\)|а)? (?:изображение|значок) (?:этой )?группы",
            rf"{WHO} изменил(?:\(а\)|а)? описание группы",
            rf"{WHO} присоединил(?:ся|ась|ся\(-ась\)|\(ся\)\(ась\)) (?:к группе )?(?:по|с помощью) ссылк[еи]"
            rf"(?:-приглашени[юя])?.*",
            rf"{WHO} сменил(?:\(а\)|а)? номер.*"),
    membership=(rf"{WHO} добавил(?:\(а\)|а)? {WHO}", rf"{WHO} добавил(?:\(а\)|а)? вас", rf"{WHO} вышел(?:\(-ла\))?",
                rf"{WHO} вышла", rf"{WHO} покинул(?:\(а\)|а)? группу", rf"{WHO} удалил(?:\(а\)|а)? {WHO}"),
)

UK = Locale(
    code="uk", day_first=True,
    media_omitted={"<медіа пропущено>": "file", "<без медіафайлів>": "file", "зображення відсутнє": "photo",
                   "відео відсутнє": "video_file", "аудіо відсутнє": "voice_message", "стікер відсутній": "sticker"},
    attached=("файл додано", "файл прикріплено"),
    deleted=("це повідомлення видалено", "це повідомлення видалено."),
    you_deleted=("ви видалили це повідомлення", "ви видалили це повідомлення."),
    edited=("повідомлення змінено", "це повідомлення змінено"),
    notices=(r"повідомлення та дзвінки захищені наскрізним шифруванням\b.*",
             r"ваш код безпеки (?:з|для) .+ змінився\b.*"),
    events=(rf"{WHO} створив(?:\(-ла\)|ла)? групу {QUOTED}", rf"{WHO} створив(?:\(-ла\)|ла)? цю групу",
            rf"{WHO} змінив(?:\(-ла\)|ла)? (?:тему|назву групи) (?:з {QUOTED} )?на {QUOTED}",
            rf"{WHO} змінив(?:\(-ла\)|ла)? (?:зображення|значок) (?:цієї )?групи",
            rf"{WHO} змінив(?:\(-ла\)|ла)? опис групи",
            rf"{WHO} приєднав(?:ся|ся\(-лася\)|лася) (?:до групи )?за посиланням.*"),
    membership=(rf"{WHO} додав(?:\(-ла\)|ла)? {WHO}", rf"{WHO} додав(?:\(-ла\)|ла)? вас", rf"{WHO} вийшов(?:\(-ла\))?",
                rf"{WHO} вийшла", rf"{WHO} видалив(?:\(-ла\)|ла)? {WHO}"),
)

KK = Locale(
    code="kk", day_first=True,
    media_omitted={"<файлдар қосылмаған>": "file", "<файл қосылған жоқ>": "file", "<медиафайлсыз>": "file"},
    attached=("қосымша файл", "файл тіркелді"),
    deleted=("бұл хат жойылды", "бұл хабар жойылды", "бұл хабарлама жойылды"),
    you_deleted=("сіз бұл хатты жойдыңыз", "сіз бұл хабарды жойдыңыз", "сіз бұл хабарламаны жойдыңыз"),
    edited=("хабар өзгертілді", "хабарлама өңделді"),
    notices=(r"хабарлар мен қоңыраулар (?:өшпелі|ұштан-ұшқа|толық) шифрлаумен қорғалған\b.*",
             r"хабарламалар мен қоңыраулар .*шифрла.*", r".+ қауіпсіздік коды өзгерді\b.*"),
    events=(rf"{WHO} {QUOTED} тобын құрды", rf"{WHO} осы топты құрды",
            rf"{WHO} (?:тақырыпты|топ атауын) .*өзгертті", rf"{WHO} топ (?:суретін|белгішесін) өзгертті",
            rf"{WHO} топ сипаттамасын өзгертті", rf"{WHO} топқа шақыру сілтемесі арқылы қосылды"),
    membership=(rf"{WHO} {WHO} қосты", rf"{WHO} шықты", rf"{WHO} {WHO} шығарды"),
)

JA = Locale(
    code="ja", day_first=None,
    media_omitted={"<メディアなし>": "file", "<メディアは含まれていません>": "file"},
    attached=("ファイル添付",), deleted=("このメッセージは削除されました",), you_deleted=("このメッセージを削除しました",),
    edited=("このメッセージは編集されました",), notices=(), events=(), membership=(),
)

LOCALES: tuple[Locale, ...] = (EN, RU, KK, UK, DE, FR, ES, PT, IT, TR, PL, JA)

# How exports name their .txt file (and zip) in some locales: "WhatsApp Chat with <chat>.txt".
CHAT_FILE_PREFIXES = ("WhatsApp Chat with ", "WhatsApp Chat - ", "Чат WhatsApp с ", "WhatsApp Chat mit ",
                      "Discussion WhatsApp avec ", "Chat de WhatsApp con ", "Chat WhatsApp con ",
                      "Conversa do WhatsApp com ", "Conversa no WhatsApp com ")

# 12-hour clock markers: the text after the time -> whether it is afternoon. English and Spanish
# spellings ("AM", "a.m.", "a. m.") are matched by a pattern; these are the other locales' markers.
AFTERNOON_MARKERS = {"дп": False, "пп": True, "öö": False, "ös": True}
AMPM_PATTERN = r"[AaPp]\.?[ \u00a0\u202f]?[Mm]\.?|" + "|".join(
    sorted({m for k in AFTERNOON_MARKERS for m in (k, k.upper())}, key=len, reverse=True))

# Words some locales put between date and time ("13.6.2018 klo 21.25.15", "22/01/2021 à 15:51").
DATE_TIME_WORDS = ("klo", "à")


MAX_SYSTEM_TEXT = 1000  # characters: the longest system line (a notice, or a long list of added people) is shorter
_WORD = re.compile(r"[^\W\d_]{3,}")  # a word of three letters or more, in any script
_OPTIONAL_GROUP = re.compile(r"\([^()]*\)[?*]")
_GROUP = re.compile(r"\([^()]*\)")
# Patterns are indexed by the first letters of a word they require ("stems": patterns end words in
# optional endings, "добавил(а)", "uscit[oa]"), and a text is tried only against the patterns of the
# stems it holds: an ordinary message costs a few set lookups, not hundreds of pattern matches.
STEM = 5


def _strip(pattern: str, group: re.Pattern[str]) -> str:
    while group.search(pattern):
        pattern = group.sub(" ", pattern)
    return pattern


def _required_stems(pattern: str) -> set[str]:
    """Stems of which a text must hold one to match `pattern`: of the longest word outside every group
    (the last of equals), or else of all words of its required alternatives."""
    required = _strip(pattern.replace(WHO, " ").replace(QUOTED, " "), _OPTIONAL_GROUP)
    outside = _WORD.findall(_strip(required, _GROUP))
    words = [max(reversed(outside), key=len)] if outside else _WORD.findall(required)  # the last: often rarer
    if not words:
        raise ValueError(f"system pattern without a required word: {pattern!r}")
    return {w.lower()[:STEM] for w in words}


_KINDS = {"notice": "notices", "event": "events", "membership": "membership"}  # kind -> Locale field, by priority
_INDEX: dict[str, list[tuple[int, re.Pattern[str], str, Locale]]] = {}
for _order, (_loc, _kind, _pattern) in enumerate((loc, kind, p) for kind, name in _KINDS.items()
                                                 for loc in LOCALES for p in getattr(loc, name)):
    _compiled = re.compile(f"^(?:{_pattern})\\.?$", re.IGNORECASE | re.DOTALL)
    for _stem in _required_stems(_pattern):
        _INDEX.setdefault(_stem, []).append((_order, _compiled, _kind, _loc))

_OMITTED = {text: (kind, loc) for loc in LOCALES for text, kind in loc.media_omitted.items()}
# A body longer than every placeholder is none: readers skip the lookups for ordinary messages.
MAX_PLACEHOLDER = max(len(t) for loc in LOCALES for t in (*loc.media_omitted, *loc.deleted, *loc.you_deleted))
_DELETION = {text: (name, loc) for name in ("deleted", "you_deleted") for loc in LOCALES for text in getattr(loc, name)}
ATTACHED_WORDS = {text: loc for loc in LOCALES for text in loc.attached}
EDITED = re.compile(r"\s*<(?:" + "|".join(re.escape(t) for loc in LOCALES for t in loc.edited) + r")>\s*$",
                    re.IGNORECASE)


def _fold(text: str) -> str:
    return " ".join(text.split()).lower()


def omitted(text: str) -> tuple[str, Locale] | None:
    """(media kind, locale) when the body is a placeholder for media the export left out."""
    return _OMITTED.get(_fold(text))


def deletion(text: str) -> tuple[str, Locale] | None:
    """("deleted" | "you_deleted", locale) when the body is WhatsApp's mark of a deleted message."""
    return _DELETION.get(_fold(text))


def system(text: str) -> tuple[str, Locale] | None:
    """('notice' | 'event' | 'membership', locale) when the text is one WhatsApp writes itself, else None."""
    if len(text) > MAX_SYSTEM_TEXT:
        return None
    lowered = text.lower()
    candidates: list[tuple[int, re.Pattern[str], str, Locale]] = []
    for word in _WORD.findall(lowered):
        candidates += _INDEX.get(word[:STEM], ())
    if not candidates:
        return None
    folded = " ".join(lowered.split())
    for _order, pattern, kind, loc in sorted(candidates, key=lambda e: e[0]):
        if pattern.match(folded):
            return kind, loc
    return None


def system_kind(text: str) -> str | None:
    """'notice', 'event' or 'membership' when the text is one WhatsApp writes itself, else None."""
    found = system(text)
    return found[0] if found else None


def placeholder_locale(text: str) -> Locale | None:
    """The locale whose placeholder (media omitted, message deleted) the text is, when it is one."""
    folded = _fold(text)
    found = _OMITTED.get(folded) or _DELETION.get(folded)
    return found[1] if found else None


def locale_of(text: str) -> Locale | None:
    """The locale whose own system or placeholder wording this text is, when one is."""
    found = system(text)
    return found[1] if found else placeholder_locale(text)
