//! Row generation: every value is a pure function of (seed, table, column, row index).
//!
//! Fourth stage of the pipeline. The planner builds a [`Dataset`] (one [`TableGen`] per table);
//! the loader asks it for rows in any order and any chunking. [`rng`] makes the randomness
//! index-addressable, [`column`] turns it into values ([`span`] keeps them in their columns' ranges), [`text`] makes them look real, [`time`] keeps moments in order (across a cycle's back edge too: [`back_edge`]), and
//! [`table`] computes keys and foreign keys without remembering anything ([`inherit`] and [`tenant`]
//! keep related rows on one tenant; [`presence`] lets columns take turns being set).

pub mod ascending;
pub mod back_edge;
pub mod column;
pub mod identity;
pub mod inherit;
pub mod names;
pub mod presence;
pub mod rng;
pub mod span;
pub mod table;
pub mod tenant;
pub mod text;
pub mod time;
pub mod value;

pub use column::ColumnGen;
pub use table::{Dataset, TableGen};
pub use value::Value;
