"""Names, places and formats per culture, small enough to read and varied enough to be realistic.

Why hand-written lists and not Faker: the lists carry the variation identity resolution must
survive (nicknames, transliterations, diacritics) next to the canonical spelling, and they never
change under a library upgrade, which keeps seeded output byte-identical.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Culture:
    country: str            # ISO 3166-1 alpha-2 of residence and nationality
    country_name: str
    weight: float
    phone_prefix: str
    phone_digits: int
    postcode: str           # pattern: 9 digit, A letter, other characters literal
    language: str
    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]
    cities: tuple[str, ...]
    streets: tuple[str, ...]
    street_first: bool = False  # "12 High Street" (False) vs "Hoofdstraat 12" (True)


def _t(text: str) -> tuple[str, ...]:
    return tuple(text.split())


CULTURES: tuple[Culture, ...] = (
    Culture("NL", "Netherlands", 0.22, "+31", 9, "9999 AA", "nl",
            _t("Jan Pieter Hendrik Johannes Willem Daan Sem Lucas Bram Thijs Ruud Joost"),
            _t("Anna Maria Johanna Sanne Emma Julia Lotte Femke Anouk Sophie Eva Fleur"),
            _t("Jansen de_Vries Bakker Visser Smit Meijer de_Boer Mulder Bos Vos Peters Hendriks"),
            _t("Amsterdam Rotterdam Utrecht Eindhoven Groningen Haarlem Leiden Delft"),
            _t("Hoofdstraat Kerkstraat Dorpsstraat Molenweg Stationsweg Prinsengracht"), True),
    Culture("GB", "United Kingdom", 0.12, "+44", 10, "AA9 9AA", "en",
            _t("Robert William James Richard Thomas Edward Christopher Michael Anthony Daniel"),
            _t("Elizabeth Margaret Katherine Susan Patricia Jennifer Rebecca Victoria Charlotte"),
            _t("Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts"),
            _t("London Manchester Birmingham Leeds Bristol Glasgow Edinburgh Aberdeen Norwich"),
            _t("High_Street Station_Road Church_Lane Victoria_Road Mill_Lane Park_Avenue")),
    Culture("US", "United States", 0.12, "+1", 10, "99999", "en",
            _t("Robert William James Joseph Michael Christopher Anthony Daniel Matthew Andrew"),
            _t("Elizabeth Jennifer Patricia Susan Katherine Margaret Ashley Jessica Amanda"),
            _t("Smith Johnson Williams Brown Miller Davis Garcia Rodriguez Wilson Anderson"),
            _t("Atlanta Houston Chicago Detroit Minneapolis Portland Seattle Boston Denver"),
            _t("Main_Street Oak_Avenue Maple_Drive Cedar_Lane Elm_Street Washington_Boulevard")),
    Culture("DE", "Germany", 0.1, "+49", 10, "99999", "de",
            _t("Jürgen Johannes Michael Andreas Stefan Thomas Matthias Klaus Wolfgang Lukas"),
            _t("Katharina Anna Julia Sabine Ursula Monika Jana Lea Sophie Christiane"),
            _t("Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schröder Krüger"),
            _t("Berlin Hamburg München Köln Frankfurt Stuttgart Düsseldorf Bremen Hannover"),
            _t("Hauptstraße Schulstraße Gartenstraße Bahnhofstraße Lindenweg Goethestraße"), True),
    Culture("FR", "France", 0.08, "+33", 9, "99999", "fr",
            _t("Jean Pierre François Michel Philippe Nicolas Julien Antoine Étienne Louis"),
            _t("Marie Catherine Isabelle Nathalie Sophie Camille Élodie Hélène Chloé Manon"),
            _t("Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Lefèvre"),
            _t("Paris Lyon Marseille Toulouse Nice Nantes Bordeaux Lille Strasbourg"),
            _t("rue_de_la_Paix avenue_Victor_Hugo rue_du_Moulin boulevard_Voltaire rue_Pasteur")),
    Culture("ES", "Spain", 0.05, "+34", 9, "99999", "es",
            _t("José Antonio Francisco Manuel Javier Alejandro Carlos Miguel Sergio Pablo"),
            _t("María Carmen Ana Isabel Lucía Laura Cristina Marta Elena Pilar"),
            _t("García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez Ruiz"),
            _t("Madrid Barcelona Valencia Sevilla Bilbao Málaga Zaragoza"),
            _t("Calle_Mayor Calle_Real Avenida_de_la_Constitución Plaza_España"), True),
    Culture("IT", "Italy", 0.05, "+39", 10, "99999", "it",
            _t("Giuseppe Francesco Alessandro Giovanni Antonio Marco Luca Matteo Lorenzo"),
            _t("Giulia Francesca Chiara Sara Alessandra Valentina Elena Martina Federica"),
            _t("Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco"),
            _t("Milano Roma Torino Bologna Firenze Napoli Venezia Genova"),
            _t("Via_Roma Via_Garibaldi Corso_Italia Via_Dante Via_Mazzini"), True),
    Culture("PL", "Poland", 0.03, "+48", 9, "99-999", "pl",
            _t("Łukasz Piotr Krzysztof Andrzej Tomasz Paweł Michał Marcin Jakub"),
            _t("Agnieszka Małgorzata Katarzyna Anna Joanna Magdalena Zofia Dorota"),
            _t("Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński"),
            _t("Warszawa Kraków Gdańsk Wrocław Poznań Łódź"),
            _t("ul._Długa ul._Polna ul._Lipowa ul._Leśna ul._Słoneczna"), True),
    Culture("TR", "Turkey", 0.03, "+90", 10, "99999", "tr",
            _t("Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim Emre Burak"),
            _t("Ayşe Fatma Emine Hatice Zeynep Elif Merve Özlem"),
            _t("Yılmaz Kaya Demir Şahin Çelik Yıldız Öztürk Aydın Arslan"),
            _t("İstanbul Ankara İzmir Bursa Antalya"),
            _t("Atatürk_Caddesi Cumhuriyet_Caddesi İstiklal_Caddesi"), True),
    Culture("AE", "United Arab Emirates", 0.05, "+971", 9, "", "ar",
            _t("Mohammed Ahmed Ali Omar Khalid Yusuf Hussein Abdullah Hamza Ibrahim"),
            _t("Fatima Aisha Mariam Noor Layla Huda Zainab Khadija Salma"),
            _t("Al_Mansouri Al_Hashimi Khan Haddad Nasser Rahman Saleh Karim Al_Farsi"),
            _t("Dubai Abu_Dhabi Sharjah Al_Ain"),
            _t("Sheikh_Zayed_Road AlWasl_Road Jumeirah_Street Hamdan_Street")),
    Culture("IN", "India", 0.04, "+91", 10, "999999", "hi",
            _t("Rahul Amit Vikram Sanjay Arjun Rohan Anil Suresh Rajesh"),
            _t("Priya Anjali Sunita Kavya Neha Pooja Deepa Lakshmi"),
            _t("Sharma Patel Singh Kumar Gupta Reddy Iyer Nair Mehta"),
            _t("Mumbai Delhi Bangalore Chennai Hyderabad Pune"),
            _t("MG_Road Station_Road Nehru_Street Gandhi_Nagar")),
    Culture("CN", "China", 0.04, "+86", 11, "999999", "zh",
            _t("Wei Jun Lei Hao Jie Tao Ming Qiang"),
            _t("Fang Jing Li Xiu Ying Min Yan Hui"),
            _t("Zhang Wang Li Liu Chen Yang Huang Zhao Zhou"),
            _t("Beijing Shanghai Guangzhou Shenzhen Chengdu Hangzhou"),
            _t("Zhongshan_Road Renmin_Road Jiefang_Road Nanjing_Road")),
    Culture("NG", "Nigeria", 0.02, "+234", 10, "999999", "en",
            _t("Chinedu Oluwaseun Emeka Tunde Ifeanyi Babatunde"),
            _t("Ngozi Chiamaka Folake Aisha Adaeze Funmilayo"),
            _t("Okafor Adeyemi Okonkwo Balogun Eze Abubakar"),
            _t("Lagos Abuja Kano Ibadan"), _t("Allen_Avenue Awolowo_Road Broad_Street")),
    Culture("BR", "Brazil", 0.02, "+55", 11, "99999-999", "pt",
            _t("João José Antônio Pedro Lucas Gabriel Rafael"),
            _t("Ana Maria Juliana Fernanda Beatriz Camila Larissa"),
            _t("Silva Santos Oliveira Souza Pereira Costa Rodrigues"),
            _t("São_Paulo Rio_de_Janeiro Brasília Salvador Curitiba"),
            _t("Rua_das_Flores Avenida_Paulista Rua_Augusta"), True),
    Culture("SE", "Sweden", 0.03, "+46", 9, "999 99", "sv",
            _t("Lars Anders Johan Erik Per Karl Nils Søren"),
            _t("Anna Eva Karin Ingrid Linnéa Maja Astrid Björk"),
            _t("Andersson Johansson Karlsson Nilsson Eriksson Larsson Lindström Åberg"),
            _t("Stockholm Göteborg Malmö Uppsala"),
            _t("Storgatan Drottninggatan Kungsgatan"), True),
)

NICKNAMES: dict[str, tuple[str, ...]] = {
    "Robert": ("Bob", "Rob", "Bobby"), "William": ("Bill", "Will", "Billy"),
    "James": ("Jim", "Jimmy", "Jamie"), "Richard": ("Rick", "Dick", "Rich"),
    "Thomas": ("Tom", "Tommy"), "Edward": ("Ed", "Ted", "Eddie"),
    "Christopher": ("Chris",), "Michael": ("Mike", "Mick"), "Anthony": ("Tony",),
    "Daniel": ("Dan", "Danny"), "Joseph": ("Joe", "Joey"), "Matthew": ("Matt",),
    "Andrew": ("Andy", "Drew"), "Elizabeth": ("Liz", "Beth", "Betty", "Eliza"),
    "Margaret": ("Maggie", "Peggy", "Meg"), "Katherine": ("Kate", "Kathy", "Katie"),
    "Susan": ("Sue", "Susie"), "Patricia": ("Pat", "Trish"), "Jennifer": ("Jen", "Jenny"),
    "Rebecca": ("Becky", "Becca"), "Victoria": ("Vicky", "Tori"), "Charlotte": ("Lottie",),
    "Jessica": ("Jess",), "Amanda": ("Mandy",), "Johannes": ("Hans", "Jo"), "Hendrik": ("Henk",),
    "Willem": ("Wim",), "Johanna": ("Anneke", "Jo"), "Alessandro": ("Sandro", "Ale"),
    "Giuseppe": ("Peppe", "Beppe"), "Francesco": ("Franco", "Cesco"), "José": ("Pepe",),
    "Francisco": ("Paco", "Curro"), "Alejandro": ("Álex",), "Katharina": ("Kathi", "Katja"),
    "Wolfgang": ("Wolf",), "Andreas": ("Andi",), "Mohammed": ("Mo", "Hamoudi"),
    "Abdullah": ("Abdul",), "Babatunde": ("Tunde",), "Oluwaseun": ("Seun",),
    "Małgorzata": ("Gosia",), "Katarzyna": ("Kasia",), "Magdalena": ("Magda",),
    "Krzysztof": ("Krzysiek",), "Alexander": ("Alex", "Sasha"), "Nicolas": ("Nico",),
}

TRANSLITERATIONS: dict[str, tuple[str, ...]] = {
    "Mohammed": ("Muhammad", "Mohamed", "Mohammad", "Mohamad"), "Ahmed": ("Ahmad", "Ahmet"),
    "Yusuf": ("Youssef", "Yousef", "Yosef"), "Hussein": ("Husain", "Hussain", "Hüseyin"),
    "Abdullah": ("Abdallah", "Abdulla"), "Omar": ("Umar",), "Khalid": ("Khaled",),
    "Aisha": ("Ayesha", "Aicha"), "Fatima": ("Fatma", "Fatimah"), "Noor": ("Nour", "Nur"),
    "Khadija": ("Khadeeja", "Hatice"), "Zainab": ("Zeynep", "Zaynab"), "Layla": ("Leila", "Laila"),
    "Al Mansouri": ("Al-Mansouri", "Al Mansoori", "Almansouri"), "Al Hashimi": ("Al-Hashemi",),
    "Al Farsi": ("Al-Farsi", "Alfarsi"), "Haddad": ("Hadad",), "Rahman": ("Rehman",),
    "Zhang": ("Chang",), "Zhou": ("Chou",), "Chen": ("Chan",), "Huang": ("Wong",),
    "Müller": ("Mueller", "Muller"), "Schröder": ("Schroeder", "Schroder"),
    "Krüger": ("Krueger", "Kruger"), "Jürgen": ("Juergen", "Jurgen"), "München": ("Muenchen",),
    "Søren": ("Soeren", "Soren"), "Åberg": ("Aberg", "Aaberg"), "Lindström": ("Lindstrom",),
    "José": ("Jose",), "María": ("Maria",), "García": ("Garcia",), "Fernández": ("Fernandez",),
    "González": ("Gonzalez",), "Rodríguez": ("Rodriguez",), "Martínez": ("Martinez",),
    "Sánchez": ("Sanchez",), "Pérez": ("Perez",), "Gómez": ("Gomez",), "Lucía": ("Lucia",),
    "Łukasz": ("Lukasz",), "Paweł": ("Pawel",), "Michał": ("Michal",), "Wójcik": ("Wojcik",),
    "Wiśniewski": ("Wisniewski",), "Kamiński": ("Kaminski",), "Zieliński": ("Zielinski",),
    "Małgorzata": ("Malgorzata",), "Yılmaz": ("Yilmaz",), "Şahin": ("Sahin",),
    "Çelik": ("Celik",), "Öztürk": ("Ozturk",), "Yıldız": ("Yildiz",), "Aydın": ("Aydin",),
    "İbrahim": ("Ibrahim",), "Ayşe": ("Ayse",), "Özlem": ("Ozlem",), "François": ("Francois",),
    "Étienne": ("Etienne",), "Élodie": ("Elodie",), "Hélène": ("Helene",), "Chloé": ("Chloe",),
    "Lefèvre": ("Lefevre", "Lefebvre"), "João": ("Joao",), "Antônio": ("Antonio",),
    "Linnéa": ("Linnea",), "Björk": ("Bjork",), "de Vries": ("De Vries", "Vries", "deVries"),
    "de Boer": ("De Boer", "Boer", "deBoer"), "Sergei": ("Sergey",),
}

EMAIL_DOMAINS = ("gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "icloud.com",
                 "proton.me", "gmx.de", "orange.fr", "ziggo.nl", "btinternet.com", "web.de")

TRAVEL_AGENCIES = (
    ("Globetrotter Reizen", "bookings@globetrotter-reizen.nl", "+31 20 555 0134"),
    ("Sunways Travel", "res@sunwaystravel.co.uk", "+44 20 7946 0321"),
    ("CorpTravel Solutions", "pnr-desk@corptravel.example.com", "+1 404 555 0198"),
    ("Reisebüro Fernweh", "buchung@fernweh-reisen.de", "+49 30 5550 1877"),
    ("Voyages Lumière", "agence@voyages-lumiere.fr", "+33 1 55 50 42 42"),
    ("Desert Rose Tours", "tickets@desertrose.ae", "+971 4 555 0111"),
    ("FlyCheap OTA", "noreply-bookings@flycheap.example.com", "+1 800 555 0100"),
)

LANGUAGES = ("en", "nl", "de", "fr", "es", "it", "pl", "tr", "ar", "hi", "zh", "pt", "sv")


def pretty(token: str) -> str:
    """Vocabulary tokens use ``_`` for the spaces inside one name (``de_Vries``)."""
    return token.replace("_", " ")
