//! Integration tests: one binary, each test in its own fresh database (see `support`).

mod bad_input;
mod bulk;
mod clean;
mod cli;
mod connection;
mod consistency;
mod corpus;
mod dev;
mod encode;
mod features;
mod identity;
mod introspect;
mod minimal;
mod output;
mod plan;
mod profiles;
mod repair;
mod safety;
mod support;
mod time;
