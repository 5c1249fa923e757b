//! The event timeline: [`sentence()`] tells one event, [`html`] writes the list items.

pub mod html;
pub mod sentence;

pub use html::events_html;
pub use sentence::{Table, key_text, sentence};
