//! The Cluster view's event timeline, outside the page's first load (the model's worker
//! writes it): each event `Dynoscope_GetEvents` returns told as a sentence ([`sentence`])
//! and the newest first as list items ([`html`]), each marked with its kind and the filter
//! toggle it falls under, so the page hides a kind with one class on the list.

pub mod html;
pub mod sentence;

pub use html::events_html;
pub use sentence::{Table, sentence};
