//! `seed` fills PostgreSQL databases with consistent, realistic data, fast.
//!
//! The pipeline, one module per stage:
//! [`connect`] -> [`schema`] (introspect the catalog) -> [`profile`] (what the user wants) ->
//! [`plan`] (order, volumes, generators; pure) -> [`generate`] (rows as pure functions of
//! seed, table, column and row index) -> [`encode`] (COPY wire formats) -> [`load`] / [`clean`].
//! Only `connect`, `schema::introspect`, `load` and `clean` touch the database; [`run`] strings the
//! stages together in one transaction, and reports progress through [`events`].

pub mod clean;
pub mod connect;
pub mod encode;
pub mod error;
pub mod events;
pub mod generate;
pub mod load;
pub mod plan;
pub mod profile;
pub mod run;
pub mod schema;

pub use error::{Error, Result};
