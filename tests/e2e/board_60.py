"""Sixty items of realistic length (40–140 characters), twenty per column, as a room of
twenty-odd participants types them about scenario 1; a few say the same thing twice, as
rooms do, so the duplicate suggestions have pairs to offer."""

from __future__ import annotations

from tests.harness import LiveRoom

VOORDELEN = [
    "Goed te organiseren, elke school kan instappen zonder grote aanpassingen",
    "Elke school kan instappen: makkelijk te organiseren",
    "Duidelijke rollen voor school en instituut, iedereen weet wat van hem verwacht wordt",
    "Studenten leren de theorie eerst goed kennen voordat ze voor de klas staan",
    "De opleiding houdt de regie over de kennisbasis en de toetsing",
    "Weinig overleg nodig tussen opleiding en school",
    "Scholen kunnen zelf bepalen hoeveel studenten ze opnemen en "
    "in welke periode van het jaar, passend bij hun eigen rooster en drukte",
    "Past goed bij de huidige bekostiging van opleidingen en scholen",
    "Heldere afspraken over stages en beoordeling",
    "Minder afhankelijk van de inzet en het enthousiasme van "
    "individuele mentoren in de school, de kwaliteit hangt niet aan één persoon",
    "Studenten zien verschillende scholen en dus verschillende manieren van werken",
    "De kwaliteit van de kennisbasis is landelijk goed te "
    "borgen, want de opleiding bepaalt wat elke student moet weten en kunnen",
    "Werkbaar voor kleine scholen met weinig tijd",
    "Geen ingewikkelde gezamenlijke structuren of stuurgroepen nodig",
    "Opleiders van het instituut blijven dicht bij de vakinhoud en het onderzoek",
    "Makkelijk uit te leggen aan nieuwe partners en aan studenten zelf",
    "Het is overzichtelijk voor de student: eerst leren, dan oefenen in de praktijk",
    "Bestaande contracten en convenanten tussen besturen en "
    "opleidingen kunnen grotendeels blijven zoals ze nu zijn afgesproken in de regio",
    "Schoolleiders hoeven weinig te investeren in opleidingsstructuren",
    "Een goede start voor scholen die nog niet eerder met opleiden bezig waren",
]
NADELEN = [
    "Voelt als een stap terug na jaren van intensieve samenwerking tussen school en opleiding",
    "Theorie en praktijk blijven gescheiden werelden, de student moet de brug zelf slaan",
    "Weinig ruimte voor gezamenlijk onderzoek",
    "De school wordt een stageplek in plaats van een opleidingsplek",
    "Mentoren weten vaak niet wat studenten op de opleiding "
    "leren, waardoor ze in de begeleiding langs elkaar heen werken",
    "Studenten ervaren een praktijkschok als ze na de opleiding voor de klas staan",
    "Startende leraren missen goede begeleiding",
    "Kennis uit de school komt niet terug in het curriculum van de opleiding",
    "Dubbel werk bij beoordelen: school en opleiding toetsen allebei los van elkaar",
    "Er is geen gedeelde visie op wat een goede leraar is: de "
    "school en de opleiding hebben elk hun eigen beeld en die botsen in de stage",
    "De professionele ontwikkeling van zittende leraren blijft buiten beeld",
    "Schoolontwikkeling staat los van het opleiden",
    "Weinig eigenaarschap bij scholen voor de kwaliteit van nieuwe leraren",
    "Studenten worden bij personeelstekort ingezet als extra "
    "handen in plaats van als lerende, en dat gaat ten koste van hun opleiding",
    "Instituutsopleiders komen zelden in de school en kennen de praktijk slecht",
    "Het lerarentekort wordt er niet kleiner van, omdat scholen "
    "studenten niet aan zich binden en goede stagiairs na hun diploma vertrekken",
    "Gescheiden curricula leiden tot tegenstrijdige verwachtingen bij de student",
    "Onderzoek door studenten levert de school weinig op omdat het niet aansluit",
    "Innovaties in de school dringen niet door tot de opleiding en omgekeerd",
    "Mentoren krijgen geen tijd en geen scholing voor hun begeleidende rol",
]
VOORWAARDEN = [
    ("organisatie", "Vaste contactpersonen die elkaar goed kennen"),
    (
        "opleiden",
        "Een gedeeld beoordelingskader voor stages dat school en "
        "opleiding samen gebruiken, met dezelfde criteria en dezelfde taal voor de student",
    ),
    ("hr_beleid", "Tijd en scholing voor mentoren, vastgelegd in het taakbeleid van de school"),
    ("leiderschap", "Schoolleiders die opleiden zien als onderdeel van hun personeelsbeleid"),
    ("onderzoek", "Ruimte voor praktijkgericht onderzoek dat aansluit bij vragen van de school"),
    ("visie", "Een gedeelde visie op goed leraarschap, opgeschreven en met elkaar besproken"),
    ("organisatie", "Goede roosterafspraken zodat studenten echt mee kunnen draaien in de school"),
    ("opleiden", "Regelmatig overleg tussen mentoren en instituutsopleiders over de voortgang"),
    ("hr_beleid", "Begeleiding van startende leraren in de eerste drie jaar als vast onderdeel"),
    ("leiderschap", "Een schoolleider die het goede voorbeeld geeft en zelf blijft leren"),
    ("onderzoek", "Onderzoeksvaardigheden van leraren versterken, niet alleen die van studenten"),
    (
        "visie",
        "Samen vaststellen wat een startbekwame leraar moet kunnen "
        "en dat jaarlijks met mentoren, opleiders en studenten opnieuw bespreken",
    ),
    ("organisatie", "Afspraken over wie wat betaalt en wanneer"),
    ("opleiden", "Studenten leren in een team van leraren, niet alleen bij één mentor"),
    ("hr_beleid", "Loopbaanpaden voor leraren die zich specialiseren in opleiden"),
    ("leiderschap", "Bestuurders die samen opleiden op de agenda zetten van het regio-overleg"),
    (
        "onderzoek",
        "Resultaten van onderzoek delen tussen scholen in de regio, "
        "bijvoorbeeld op een jaarlijkse onderzoeksdag met studenten en leraren samen",
    ),
    (
        "visie",
        "Opleiden als taak van de hele school, van directie tot "
        "conciërge, en niet alleen als hobby van een paar enthousiaste mentoren",
    ),
    (
        "organisatie",
        "Een gezamenlijke planning van stageperiodes voor alle opleidingen in de regio",
    ),
    ("opleiden", "Tijd en scholing voor mentoren, vastgelegd in het taakbeleid"),
]
PARTICIPANTS = 24


def fill_board(room: LiveRoom, step_id: int) -> None:
    """Twenty items in each of the three columns of `step_id`, typed by 24 participants."""
    people = [room.join(sector=("PO", "VO")[n % 2]) for n in range(PARTICIPANTS)]
    typed = [("voordelen", None, t) for t in VOORDELEN] + [("nadelen", None, t) for t in NADELEN]
    typed += [("voorwaarden", theme, t) for theme, t in VOORWAARDEN]
    for n, (category, theme, text) in enumerate(typed):
        assert 40 <= len(text) <= 140, text
        fields = {"client_id": f"c{n}", "step_id": step_id, "category": category, "text": text}
        response = room.post_item(people[n % PARTICIPANTS], **fields, theme=theme)
        assert response.status_code == 201, response.text
