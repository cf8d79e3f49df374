"""Reference lists for people, organisations and places in the seed data.

All names are invented combinations; phone numbers use the 555-01xx range reserved for fiction and email
addresses the reserved ``.example`` domain.
"""

from __future__ import annotations

FIRST_NAMES: tuple[str, ...] = (
    "Aisha", "Alejandro", "Amelia", "Ana", "Andrew", "Anika", "Benjamin", "Camila", "Carlos", "Caroline",
    "Chloe", "Daniel", "David", "Diego", "Eleanor", "Elena", "Emily", "Ethan", "Fatima", "Gabriel", "Grace",
    "Hannah", "Hiroshi", "Isabel", "James", "Jasmine", "Javier", "Jennifer", "Joseph", "Julia", "Kavya",
    "Kenji", "Laura", "Leah", "Lucas", "Maya", "Michael", "Mina", "Nadia", "Nathan", "Nicole", "Noah",
    "Olivia", "Omar", "Paul", "Rachel", "Rafael", "Rebecca", "Ravi", "Samuel", "Sarah", "Sofia", "Sunil",
    "Thomas", "Valerie", "Victor", "William", "Yara", "Yusuf", "Zoe",
)

LAST_NAMES: tuple[str, ...] = (
    "Abbott", "Adeyemi", "Alvarez", "Anderson", "Bailey", "Banerjee", "Bennett", "Brooks", "Castillo",
    "Chandra", "Chen", "Cohen", "Delgado", "Desai", "Dubois", "Ellis", "Fischer", "Flores", "Foster",
    "Garcia",
    "Goldberg", "Gonzalez", "Gupta", "Hale", "Hayes", "Hernandez", "Hoffman", "Ibrahim", "Ito", "Jensen",
    "Kapoor", "Kaur", "Keller", "Khan", "Kowalski", "Larsen", "Le", "Lindqvist", "Lopez", "Mahmoud",
    "Martinez", "McCarthy", "Mendoza", "Mitchell", "Moreno", "Murphy", "Nakamura", "Novak", "O'Brien",
    "Okonkwo", "Ortiz", "Park", "Petrov", "Quinn", "Ramirez", "Reddy", "Reyes", "Rossi", "Russo", "Sato",
    "Schmidt", "Shah", "Silva", "Singh", "Sullivan", "Tanaka", "Torres", "Tran", "Vargas", "Vasquez",
    "Wagner", "Walsh", "Weber", "Whitaker", "Wong", "Yamamoto", "Young", "Zhang",
)

# (city, state, three-digit ZIP prefix, area code). NORCAL writes mostly in the West, ProAssurance elsewhere.
WEST_CITIES: tuple[tuple[str, str, str, str], ...] = (
    ("San Francisco", "CA", "941", "415"), ("Oakland", "CA", "946", "510"), ("San Jose", "CA", "951", "408"),
    ("Sacramento", "CA", "958", "916"), ("Fresno", "CA", "937", "559"), ("Los Angeles", "CA", "900", "213"),
    ("Pasadena", "CA", "911", "626"), ("San Diego", "CA", "921", "619"), ("Santa Rosa", "CA", "954", "707"),
    ("Walnut Creek", "CA", "945", "925"), ("Reno", "NV", "895", "775"), ("Las Vegas", "NV", "891", "702"),
    ("Phoenix", "AZ", "850", "602"), ("Tucson", "AZ", "857", "520"), ("Portland", "OR", "972", "503"),
    ("Eugene", "OR", "974", "541"), ("Seattle", "WA", "981", "206"), ("Spokane", "WA", "992", "509"),
    ("Anchorage", "AK", "995", "907"), ("Albuquerque", "NM", "871", "505"),
)
EAST_CITIES: tuple[tuple[str, str, str, str], ...] = (
    ("Birmingham", "AL", "352", "205"), ("Huntsville", "AL", "358", "256"),
    ("Grand Rapids", "MI", "495", "616"),
    ("Ann Arbor", "MI", "481", "734"), ("Indianapolis", "IN", "462", "317"), ("Columbus", "OH", "432", "614"),
    ("Cincinnati", "OH", "452", "513"), ("Nashville", "TN", "372", "615"), ("Austin", "TX", "787", "512"),
    ("San Antonio", "TX", "782", "210"), ("Tampa", "FL", "336", "813"), ("Orlando", "FL", "328", "407"),
    ("Pittsburgh", "PA", "152", "412"), ("Madison", "WI", "537", "608"), ("Little Rock", "AR", "722", "501"),
)

STREET_NAMES: tuple[str, ...] = (
    "Mission", "Market", "Oak", "Cedar", "Sutter", "Geary", "Franklin", "Lincoln", "Washington", "Park",
    "University", "Medical Center", "Hospital", "Harbor", "Valley View", "Summit", "Riverside", "Lakeshore",
    "Sierra", "Broadway", "Main", "Elm", "Maple", "Willow", "Pacific", "Camino Real", "Jefferson", "Madison",
)
STREET_SUFFIXES: tuple[str, ...] = ("Street", "Avenue", "Boulevard", "Drive", "Way", "Parkway", "Road")

PLACE_WORDS: tuple[str, ...] = (
    "Bayview", "Cascade", "Coastal", "Cypress", "Desert Vista", "Golden Gate", "Harbor", "Highland",
    "Lakeside", "Mesa", "Mission", "Mountain View", "North Valley", "Oak Hills", "Pacific", "Pinecrest",
    "Redwood", "Ridgeline", "Riverbend", "Saguaro", "Sequoia", "Sierra", "Sunrise", "Tahoe", "Valley Oak",
    "Westlake", "Willamette", "Blue Ridge", "Great Lakes", "Magnolia", "Cumberland", "Gulf Coast", "Prairie",
)

GROUP_SUFFIXES: tuple[str, ...] = (
    "Medical Group", "Medical Associates", "Physicians Group", "Specialty Partners", "Health Partners",
    "Clinic", "Medical Practice",
)

HOSPITAL_SUFFIXES: tuple[str, ...] = (
    "Community Hospital", "Medical Center", "Regional Medical Center", "General Hospital",
    "Memorial Hospital",
)
SURGERY_CENTER_SUFFIXES: tuple[str, ...] = (
    "Surgery Center", "Ambulatory Surgery Center", "Outpatient Surgery",
)
HEALTH_PLAN_SUFFIXES: tuple[str, ...] = ("Health Plan", "Health Network", "Care Alliance", "Medical Plan")

AGENCY_NAMES: tuple[str, ...] = (
    "Summit Medical Insurance Agency", "Beacon Healthcare Risk Partners", "Keystone Physician Insurance",
    "Northstar Professional Brokers", "Meridian Medical Liability Agency", "Harborline Insurance Services",
    "Cornerstone Healthcare Insurance", "Lighthouse Risk Advisors", "Pioneer Physician Brokerage",
    "Evergreen Medical Insurance Group",
)

PASSWORD_WORDS: tuple[str, ...] = (
    "Maple", "Harbor", "Cedar", "Falcon", "Granite", "Meadow", "Orchid", "Pebble", "Quartz", "Raven",
    "Sable", "Tidal", "Willow", "Juniper", "Lantern", "Marigold",
)
