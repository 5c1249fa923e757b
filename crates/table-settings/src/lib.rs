//! The Tables view's "Edit table" form, outside the engine and off the page's first load (it
//! runs in the model's worker). [`current`] reads what a table is now from its
//! DescribeTable and DescribeTimeToLive: billing and capacity, stream, TTL and each global
//! index. [`form`] is what the learner filled in, read from the HTML form's fields by name.
//! [`request`] turns the two and the button pressed into the exact UpdateTable and
//! UpdateTimeToLive requests DynamoDB takes (one index created or deleted per call, key
//! attributes defined, capacity only where the billing mode wants it), or the problems that
//! stop the form before anything is sent; what DynamoDB itself refuses is left to the
//! engine, whose message the page shows. [`html`] writes the form, and [`progress`] what is
//! still changing (an index backfilling, with how far it has come on the virtual clock).
//! [`flow`] is the fold's conversation with the engine as a value the page drives: what to
//! send, what to draw. Nothing here dispatches: the page sends the requests through the one
//! door.

pub mod current;
pub mod flow;
pub mod form;
pub mod html;
pub mod progress;
pub mod request;

pub use current::{Billing, Current, GlobalIndex};
pub use form::{Form, NewIndex};
pub use progress::Backfill;
pub use request::{Action, Call, requests};
