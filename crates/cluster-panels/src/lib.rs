//! The Cluster view's panels that the model's worker writes as HTML, off the page's first
//! load: the event [`timeline`] (each `Dynoscope_GetEvents` event told as a sentence, the
//! newest first as list items marked with the filter they fall under) and the [`cost`]
//! panel (`Dynoscope_EstimateCost` as a table of priced lines, grouped by pricing model).
//! Beside them, the Activity view's form and requests ([`activity`]), and the [`capacity`]
//! chart (`Dynoscope_GetMetrics`' last minute as SVG, with its series selector and summary),
//! and the item locator's result ([`locate`]: where an item lives, what each replica returns).
//! The [`folds`] that need the full engine: a table's regions (global tables), the DAX
//! cluster, and the IAM principals with the policy explainer.

pub mod activity;
pub mod capacity;
pub mod cost;
pub mod folds;
pub mod locate;
pub mod stream;
pub mod timeline;
