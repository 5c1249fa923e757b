//! The load generator of the Cluster view, outside the engine and off the page's first load
//! (it runs in the model's worker). [`settings`] reads the form: requests per second, how
//! long, the mix of PutItem, GetItem and Query, how keys are chosen (uniformly, Zipf-skewed
//! with an exponent, or one hot key), how many keys and how large an item. [`keys`] picks
//! keys by that distribution from a seeded generator. [`calls`] writes one virtual second of
//! requests as ticks of 100 ms, the same every time for the same settings and second.
//! [`tally`] counts what they came to (served, throttled, failed) and [`html`] writes the
//! form and the report. Nothing here dispatches: the page advances the virtual clock one
//! tick at a time and sends each tick's requests through the one door.

pub mod calls;
pub mod html;
pub mod keys;
pub mod settings;
pub mod tally;

pub use calls::{Call, TICKS_PER_SECOND, second};
pub use settings::{Distribution, LoadSettings};
pub use tally::{Outcome, Second};
