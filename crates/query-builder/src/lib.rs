//! The Query and Scan builder of the Tables view, outside the engine and off the page's
//! first load (it runs in the model's worker). [`schema`] reads what a table offers to read
//! from its DescribeTable: its keys and every index with theirs. [`form`] is what the
//! learner filled in, read from the HTML form's fields by name. [`request`] turns the two
//! into the Query or Scan request DynamoDB takes (expression placeholders for every name
//! and value), or says which field stops it. [`html`] writes the form, and [`page`] writes
//! one page of results: the items, Count and ScannedCount, LastEvaluatedKey with paging,
//! and the consumed capacity with its arithmetic. Nothing here dispatches: the page sends
//! the request through the one door and hands the outcome back. [`table_details`] writes a
//! table's DescribeTable readably for the Tables view. [`table_form`] is the create-table
//! form the Tables view and the Model view's table definitions draw.

pub mod form;
pub mod html;
pub mod page;
pub mod request;
pub mod schema;
pub mod table_details;
pub mod table_form;
pub mod value_text;

pub use form::{Filter, Form};
pub use request::build;
pub use schema::TableShape;
