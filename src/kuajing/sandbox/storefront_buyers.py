"""AliExpress buyers: where orders ship to, with names, addresses and phones that look real.

Country weights follow AliExpress's biggest markets for a Chinese seller of small goods (US,
France, Spain, Brazil, Korea, Poland, …). A small share of addresses lack a city or a zip code:
the product has to catch those before buying on 1688.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass

MISSING_CITY_RATE = 0.02
MISSING_ZIP_RATE = 0.02


@dataclass(frozen=True)
class Country:
    code: str
    weight: int
    phone_country: str
    cities: tuple[tuple[str, str, str], ...]  # (city, province, zip)
    streets: tuple[str, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]


@dataclass(frozen=True)
class Buyer:
    login_id: str
    first_name: str
    last_name: str
    country: str


@dataclass(frozen=True)
class ReceiptAddress:
    contact_person: str
    address: str
    address2: str
    detail_address: str
    city: str  # may be "" (the product must catch it)
    province: str
    country: str
    zip: str  # may be "" (the product must catch it)
    phone_country: str
    phone_area: str
    phone_number: str
    mobile_no: str


_LATIN_FIRST = ("Anna", "Maria", "Lucas", "Hugo", "Sofia", "Pablo", "Emma", "Leo")
_LATIN_LAST = ("Garcia", "Martin", "Silva", "Rossi", "Lopez", "Bernard", "Santos", "Moreau")

COUNTRIES: tuple[Country, ...] = (
    Country(
        "US",
        14,
        "+1",
        (
            ("Los Angeles", "California", "90012"),
            ("Houston", "Texas", "77002"),
            ("Brooklyn", "New York", "11201"),
        ),
        ("{n} Main Street", "{n} Oak Avenue"),
        ("James", "Emily", "Michael", "Olivia"),
        ("Smith", "Johnson", "Brown", "Miller"),
    ),
    Country(
        "FR",
        9,
        "+33",
        (
            ("Paris", "Ile-de-France", "75011"),
            ("Lyon", "Auvergne-Rhone-Alpes", "69003"),
            ("Marseille", "Provence-Alpes-Cote d'Azur", "13001"),
        ),
        ("{n} rue de la Republique", "{n} avenue Jean Jaures"),
        ("Camille", "Louis", "Chloe", "Jules"),
        ("Dubois", "Lefebvre", "Moreau", "Laurent"),
    ),
    Country(
        "ES",
        9,
        "+34",
        (
            ("Madrid", "Madrid", "28013"),
            ("Barcelona", "Barcelona", "08001"),
            ("Valencia", "Valencia", "46002"),
        ),
        ("Calle Mayor {n}", "Avenida de America {n}"),
        ("Lucia", "Javier", "Carmen", "Alejandro"),
        ("Fernandez", "Gonzalez", "Sanchez", "Perez"),
    ),
    Country(
        "DE",
        6,
        "+49",
        (("Berlin", "Berlin", "10115"), ("Hamburg", "Hamburg", "20095"), ("Munchen", "Bayern", "80331")),
        ("Hauptstrasse {n}", "Bahnhofstrasse {n}"),
        ("Lukas", "Mia", "Felix", "Hannah"),
        ("Muller", "Schmidt", "Schneider", "Fischer"),
    ),
    Country(
        "PL",
        6,
        "+48",
        (("Warszawa", "Mazowieckie", "00-001"), ("Krakow", "Malopolskie", "30-001")),
        ("ul. Dluga {n}", "ul. Polna {n}"),
        ("Jakub", "Zuzanna", "Kacper", "Julia"),
        ("Nowak", "Kowalski", "Wisniewski", "Wojcik"),
    ),
    Country(
        "NL",
        5,
        "+31",
        (("Amsterdam", "Noord-Holland", "1012 AB"), ("Rotterdam", "Zuid-Holland", "3011 AA")),
        ("Kerkstraat {n}", "Dorpsstraat {n}"),
        ("Daan", "Sanne", "Bram", "Lotte"),
        ("de Jong", "Jansen", "de Vries", "Bakker"),
    ),
    Country(
        "BR",
        8,
        "+55",
        (("Sao Paulo", "Sao Paulo", "01001-000"), ("Rio de Janeiro", "Rio de Janeiro", "20040-002")),
        ("Rua Augusta, {n}", "Avenida Paulista, {n}"),
        ("Joao", "Ana", "Gabriel", "Beatriz"),
        ("Souza", "Oliveira", "Pereira", "Costa"),
    ),
    Country(
        "KR",
        6,
        "+82",
        (("Seoul", "Seoul", "04524"), ("Busan", "Busan", "48058")),
        ("{n} Sejong-daero", "{n} Teheran-ro"),
        ("Minjun", "Seoyeon", "Jiho", "Hayoon"),
        ("Kim", "Lee", "Park", "Choi"),
    ),
    Country(
        "IL",
        3,
        "+972",
        (("Tel Aviv", "Tel Aviv", "6100000"), ("Haifa", "Haifa", "3100000")),
        ("Dizengoff {n}", "Herzl {n}"),
        ("Noam", "Tamar", "Itai", "Yael"),
        ("Cohen", "Levi", "Mizrahi", "Peretz"),
    ),
    Country(
        "GB",
        5,
        "+44",
        (("London", "England", "SW1A 1AA"), ("Manchester", "England", "M1 1AE")),
        ("{n} High Street", "{n} Station Road"),
        ("Oliver", "Amelia", "Harry", "Isla"),
        ("Taylor", "Davies", "Evans", "Wilson"),
    ),
    Country(
        "IT",
        5,
        "+39",
        (("Roma", "Lazio", "00184"), ("Milano", "Lombardia", "20121")),
        ("Via Roma {n}", "Via Garibaldi {n}"),
        ("Giulia", "Marco", "Francesca", "Luca"),
        ("Rossi", "Russo", "Ferrari", "Esposito"),
    ),
    Country(
        "SA",
        3,
        "+966",
        (("Riyadh", "Riyadh Province", "11564"), ("Jeddah", "Makkah Province", "21577")),
        ("King Fahd Road {n}", "Prince Sultan Street {n}"),
        ("Mohammed", "Fatimah", "Abdullah", "Noura"),
        ("Alharbi", "Alqahtani", "Alghamdi", "Alotaibi"),
    ),
    Country(
        "MX",
        4,
        "+52",
        (("Ciudad de Mexico", "CDMX", "06000"), ("Guadalajara", "Jalisco", "44100")),
        ("Avenida Juarez {n}", "Calle Hidalgo {n}"),
        ("Santiago", "Valentina", "Mateo", "Regina"),
        ("Hernandez", "Martinez", "Ramirez", "Flores"),
    ),
    Country(
        "CL",
        3,
        "+56",
        (("Santiago", "Region Metropolitana", "8320000"), ("Valparaiso", "Valparaiso", "2340000")),
        ("Avenida Providencia {n}", "Calle Merced {n}"),
        ("Agustin", "Florencia", "Benjamin", "Isidora"),
        ("Munoz", "Rojas", "Diaz", "Soto"),
    ),
    Country(
        "JP",
        3,
        "+81",
        (("Tokyo", "Tokyo", "100-0001"), ("Osaka", "Osaka", "530-0001")),
        ("{n}-1 Chiyoda", "{n}-3 Umeda"),
        ("Haruto", "Yui", "Sota", "Hina"),
        ("Sato", "Suzuki", "Takahashi", "Tanaka"),
    ),
    Country(
        "AU",
        3,
        "+61",
        (("Sydney", "New South Wales", "2000"), ("Melbourne", "Victoria", "3000")),
        ("{n} George Street", "{n} Collins Street"),
        ("Jack", "Charlotte", "William", "Mia"),
        ("Smith", "Jones", "Williams", "Brown"),
    ),
    Country(
        "CA",
        3,
        "+1",
        (("Toronto", "Ontario", "M5H 2N2"), ("Vancouver", "British Columbia", "V6B 1A1")),
        ("{n} King Street West", "{n} Granville Street"),
        ("Liam", "Emma", "Noah", "Ava"),
        ("Tremblay", "Roy", "Gagnon", "Wilson"),
    ),
    Country(
        "BE",
        2,
        "+32",
        (("Bruxelles", "Bruxelles", "1000"), ("Antwerpen", "Antwerpen", "2000")),
        ("Rue Neuve {n}", "Meir {n}"),
        _LATIN_FIRST,
        ("Peeters", "Janssens", "Maes", "Jacobs"),
    ),
    Country(
        "CZ",
        2,
        "+420",
        (("Praha", "Praha", "110 00"), ("Brno", "Jihomoravsky kraj", "602 00")),
        ("Vaclavske namesti {n}", "Masarykova {n}"),
        ("Jan", "Tereza", "Tomas", "Eliska"),
        ("Novak", "Svoboda", "Novotny", "Dvorak"),
    ),
    Country(
        "UA",
        2,
        "+380",
        (("Kyiv", "Kyiv", "01001"), ("Lviv", "Lviv Oblast", "79000")),
        ("vul. Khreshchatyk {n}", "vul. Shevchenka {n}"),
        ("Oleksandr", "Olena", "Dmytro", "Iryna"),
        ("Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko"),
    ),
)
_WEIGHTS = tuple(country.weight for country in COUNTRIES)


def draw_buyer_and_address(rng: random.Random) -> tuple[Buyer, ReceiptAddress]:
    country = rng.choices(COUNTRIES, weights=_WEIGHTS)[0]
    first, last = rng.choice(country.first_names), rng.choice(country.last_names)
    login_id = (
        country.code.lower()
        + "".join(rng.choice(string.digits) for _ in range(10))
        + "".join(rng.choice(string.ascii_lowercase) for _ in range(4))
    )
    city, province, zip_code = rng.choice(country.cities)
    street = rng.choice(country.streets).format(n=rng.randint(1, 240))
    address2 = f"Apt {rng.randint(1, 60)}" if rng.random() < 0.3 else ""
    if rng.random() < MISSING_CITY_RATE:
        city = ""
    if rng.random() < MISSING_ZIP_RATE:
        zip_code = ""
    mobile = "".join(rng.choice(string.digits) for _ in range(9))
    address = ReceiptAddress(
        contact_person=f"{first} {last}",
        address=street,
        address2=address2,
        detail_address=" ".join(part for part in (street, address2) if part),
        city=city,
        province=province,
        country=country.code,
        zip=zip_code,
        phone_country=country.phone_country,
        phone_area="",
        phone_number=mobile,
        mobile_no=mobile,
    )
    return Buyer(login_id, first, last, country.code), address
