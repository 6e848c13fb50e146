"""The words duplicate suggestions know about (dutch.py reads texts with them): a small,
hand-written lexicon for the register of the sessions, pros, cons and conditions about
training teachers in schools. Lists are written as text, one entry a line, so that a
reader can check and extend them at a glance."""

from __future__ import annotations


def words_of(text: str) -> frozenset[str]:
    """The words of a list written as text."""
    return frozenset(text.split())


def synonyms(text: str) -> dict[str, tuple[str, ...]]:
    """ "a b: x y" lines as {"a": ("x", "y"), "b": ("x", "y")}: each word left of the colon
    is read as the words right of it."""
    table: dict[str, tuple[str, ...]] = {}
    for line in text.strip().splitlines():
        keys, _, value = line.partition(":")
        table.update(dict.fromkeys(keys.split(), tuple(value.split())))
    return table


def phrases(text: str) -> dict[tuple[str, ...], tuple[str, ...]]:
    """ "a b: x" lines as {("a", "b"): ("x",)}: several words said as one."""
    table: dict[tuple[str, ...], tuple[str, ...]] = {}
    for line in text.strip().splitlines():
        key, _, value = line.partition(":")
        table[tuple(key.split())] = tuple(value.split())
    return table


def poles(text: str) -> dict[str, tuple[str, int]]:
    """ "dimension +: words" lines as {word: (dimension, 1)} ("-": -1)."""
    table: dict[str, tuple[str, int]] = {}
    for line in text.strip().splitlines():
        head, _, words = line.partition(":")
        dimension, sign = head.split()
        table.update(dict.fromkeys(words.split(), (dimension, 1 if sign == "+" else -1)))
    return table


# Function words, and words too general in this register to tell two items apart.
STOPWORDS = words_of(
    """
aan al alle allen als altijd ander andere anderen bij bv daar dan dat de deze dezelfde die
dit doen doet door dus echt een eigen elk elke en er erg etc ga gaan gaat gewoon goed haar
had hebben heeft heel het hetzelfde hier hij hoe hun ieder iedere iedereen in is je juist
kan krijgen krijgt kun kunnen maakt maar mag maken manier met model moet moeten mogen naar
nog nu of om ons onze ook op opzichte over scenario te ten tot tussen uit van voor vooral
vorm waar wanneer wat we wel werd wie wij wil willen word worden wordt zal ze zelf zich zij
zijn zo zoals zou zouden zullen
"""
)

# Words that deny what follows or what they are about: a text with one is "negated".
NEGATORS = words_of(
    """
amper gebrek geen kwijt minder missen mist nauwelijks nergens niemand niet niets nooit
ontbrak ontbreekt ontbreken ontneemt ontnemen onvoldoende tenkoste verdwijnen verdwijnt
weinig zonder
"""
)
# Phrases that look negated but are not, where "maar" or "ook" follows: "niet alleen ...".
NOT_NEGATIONS = (("niet", "alleen"), ("niet", "zozeer"), ("niet", "enkel"))

# "on"-words that are the negation of a word: "onhaalbaar" says "niet haalbaar".
UN_WORDS = words_of(
    """
onbekend onbelangrijk onbereikbaar onbetaalbaar onduidelijk ongelijk ongelijkwaardig
ongelijkwaardigheid onhaalbaar onhelder onmogelijk onprettig onrealistisch onuitvoerbaar
onvoldoende onwenselijk onwerkbaar onzeker
"""
)

# Opposite words: each is one pole (+ or -) of a dimension.
POLES = poles(
    """
amount +: meer veel vaker extra teveel
amount -: minder weinig
time -: vroeg vroeger eerder eerst begin
time +: laat later pas
strength +: sterk sterke sterker versterkt versterken
strength -: zwak zwakke zwakker verzwakt
cost +: duur dure duurder kostbaar
cost -: goedkoop goedkope goedkoper
ease +: makkelijk makkelijker eenvoudig eenvoudiger gemakkelijk
ease -: moeilijk moeilijker lastig lastiger ingewikkeld complex
speed +: snel sneller vlot
speed -: traag trager langzaam langzamer
size +: groot grote groter vergroot
size -: klein kleine kleiner verkleint
direction +: vooruit
direction -: terug achteruit
duty +: verplicht verplichten
duty -: vrijwillig optioneel
together +: gezamenlijk gezamenlijke gedeelde samen geintegreerd geintegreerde verbinden
together +: verbonden verbinding
together -: gescheiden apart aparte los eigen
change +: blijft blijven bestaan
change -: verdwijnt verdwijnen
scope -: alleen enkel slechts uitsluitend
scope +: elk elke ieder iedere alle iedereen
source +: intrinsiek intrinsieke
source -: extern externe
level +: hoog hoge hoger hogere
level -: laag lage lager lagere
same +: zelfde dezelfde hetzelfde gelijk gelijke
same -: ander andere anders verschillend verschillende
distance -: dichtbij dichter nabij
distance +: ver verder verre
stability +: stabiel vast vaste constant
stability -: wisselend wisselende verandert veranderen veranderlijk
start +: invoeren beginnen starten
start -: afschaffen stoppen
growth +: groei groeit toename stijgt stijgen
growth -: krimp krimpt afname daalt dalen
"""
)

# Words that tie a doer to what it acts on: the order around them is the meaning.
ROLE_WORDS = words_of("van door aan naar")
CLAUSE_BREAKS = words_of("maar dus omdat want terwijl zodat")

# Several words for one thing in this register, and the abbreviations people type.
PHRASES = phrases(
    """
primair onderwijs: po
voortgezet onderwijs: vo
middelbaar onderwijs: vo
middelbare school: vo school
middelbare scholen: vo school
leraar in opleiding: lio
leraren in opleiding: lio
lerarenopleiding basisonderwijs: pabo
te veel: teveel
te weinig: weinig
boundary crossers: bruggenbouwer
kennis en kunde: expertise
ten koste: tenkoste
"""
)
SYNONYMS = synonyms(
    """
basisonderwijs: po
basisschool basisscholen: po school
pabo: pabo lerarenopleiding po
docent docenten leerkracht leerkrachten: leraar
instituut hogeschool lerarenopleidingen hogescholen instituten: lerarenopleiding
wpb wpbers mentor mentoren: werkplekbegeleider
ocw: ministerie
schoolleiding directie directies schoolleider schoolleiders: directeur
schoolbestuur schoolbesturen bestuurder bestuurders besturen: bestuur
middelen financiering financieren bekostiging budget kosten kost: geld
uren: tijd
helder duidelijke: duidelijk
realistisch uitvoerbaar: haalbaar
vernieuwing vernieuwend innovatief: innovatie
ambitieus: ambitie
afstand: kloof
achteruit: terug
eenvoudiger: makkelijker
starters starter: beginnend leraar
startende: beginnend
aanstaande aankomende: student
bijgeschoold bijscholing: nascholing
lector: lectoraat
vakoverstijgend: interdisciplinair
administratie papierwerk regeldruk overhead bureaucratisch: bureaucratie
leeropbrengsten leerdoelen: leerdoel
leerplan programma: curriculum
personeelsbeleid: hr beleid
kinderen: leerling
regionale: regio
inspringen ingesprongen: inspelen
lioers: lio
io: lerarenopleiding opleider
instituutsopleider instituutsopleiders: lerarenopleiding opleider
schoolopleider schoolopleiders: school opleider
werkplekleren: werkplek leren
duur: duur geld
dure: dure geld
kostbaar: kostbaar geld
leraarschap lerarenberoep professional: beroep
beroepsidentiteit: beroep identiteit
zittende huidige: huidig
waarborgen bewaken bewaakt: borgen
functiegebouw: functiehuis
competentieprofielen: competentie profiel
profielen: profiel
nieuwsgierig onderzoekende: onderzoekend
gedeelde: gezamenlijke
lagen laag niveaus: niveau
begrippen termen: taal
kwaliteitszorgsysteem: kwaliteitszorg
eindverantwoordelijk eigenaar: verantwoordelijk
afvinklijstje vinken: afvinken
dwingend: vast
uitleggen klassikaal: instructie
partijen: partners
inzichten: kennis
automatisch: vanzelf
sluit: past
aansluiten: passen
"""
)
