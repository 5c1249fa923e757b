//! The generator's word lists: a few common first and last names and neutral words for
//! text, kept small because they ship in the browser app (about 1.5 KB together).

pub(crate) const FIRST_NAMES: &[&str] = &[
    "Ava", "Ben", "Chloe", "Dev", "Elena", "Farah", "Gus", "Hana", "Ivan", "Jade", "Kai", "Lena",
    "Mateo", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tara", "Uma", "Victor", "Wen",
    "Yara", "Zane", "Aiko", "Bruno", "Carmen", "Diego", "Emma", "Felix", "Grace",
];

pub(crate) const LAST_NAMES: &[&str] = &[
    "Adams", "Baker", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Haddad", "Ito", "Jensen",
    "Kim", "Lopez", "Moreau", "Nguyen", "Okafor", "Patel", "Rossi", "Silva", "Tanaka", "Ueda",
    "Varga", "Walsh", "Xu", "Young", "Zhang", "Novak", "Costa", "Berg", "Kowalski", "Murphy",
    "Singh", "Larsen",
];

pub(crate) const WORDS: &[&str] = &[
    "amber", "bright", "calm", "daily", "early", "fresh", "gentle", "handy", "ideal", "jolly",
    "keen", "light", "modern", "neat", "open", "plain", "quick", "rapid", "smart", "tidy", "urban",
    "vivid", "warm", "young", "zesty", "basket", "cable", "desk", "engine", "folder", "garden",
    "harbor", "island", "jacket", "kettle", "lamp", "market", "needle", "orbit", "pocket", "river",
    "signal", "table", "valley", "window", "yard", "bridge", "canvas", "meadow", "planet",
    "rocket", "summit", "travel", "update", "voyage", "wonder", "puzzle", "quest", "forest",
    "castle", "shadow", "spark", "stone", "cloud",
];

pub(crate) const EMAIL_DOMAINS: &[&str] = &["example.com", "example.org", "example.net"];
