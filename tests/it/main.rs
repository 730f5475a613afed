//! Integration tests: one binary, each test in its own fresh database (see `support`).

mod bad_input;
mod bulk;
mod clean;
mod connection;
mod corpus;
mod dev;
mod encode;
mod features;
mod identity;
mod introspect;
mod minimal;
mod plan;
mod profiles;
mod safety;
mod support;
