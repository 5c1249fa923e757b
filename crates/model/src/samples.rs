//! The sample models bundled with the app (the JSON files in `crates/model/samples/`),
//! offered on Home as one-click starting points. The list ([`SAMPLES`]) and the files
//! ([`json`]) are apart so that the page can list the samples without carrying the files,
//! which its worker reads.

/// A bundled sample model.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// Stable id, used in the page and by tests.
    pub id: &'static str,
    pub title: &'static str,
    /// One line saying what the design shows.
    pub summary: &'static str,
}

/// Every bundled sample, in the order Home lists them.
pub const SAMPLES: &[Sample] = &[
    Sample {
        id: "ecommerce",
        title: "E-commerce orders",
        summary: "Customers, orders, order items and products in one table, with an overloaded index",
    },
    Sample {
        id: "game",
        title: "Game player profiles",
        summary: "Players, games and sessions, a sparse leaderboard index, TTL and a stream",
    },
];

/// The sample called `id`.
pub fn find(id: &str) -> Option<&'static Sample> {
    SAMPLES.iter().find(|s| s.id == id)
}

/// The model file of the sample called `id`.
pub fn json(id: &str) -> Option<&'static str> {
    match id {
        "ecommerce" => Some(include_str!("../samples/ecommerce.json")),
        "game" => Some(include_str!("../samples/game.json")),
        _ => None,
    }
}
