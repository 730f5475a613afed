//! A CHECK's regular expression (`slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`) compiled once, at plan time,
//! then sampled and matched row after row. Parsing and building the automaton cost allocations
//! and time that a column generating millions of values must not pay per value.

use super::nfa::{self, Nfa};
use super::regex::{self, Node};
use super::sample;

/// A pattern of the [`super::regex`] subset with its automaton; one outside the subset (or too
/// large to match) is kept by its text and neither samples nor matches.
#[derive(Debug, Clone)]
pub struct Pattern {
    source: String,
    compiled: Option<(Node, Nfa)>,
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl Pattern {
    pub fn new(source: &str) -> Self {
        let compiled = regex::parse(source).and_then(|node| Some((nfa::compile(&node)?, node)));
        Pattern { source: source.to_string(), compiled: compiled.map(|(nfa, node)| (node, nfa)) }
    }

    /// The pattern's text, as the CHECK wrote it.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Replaces `out` with a string matching the pattern (PostgreSQL `~` semantics: the match
    /// alone). `pick(n)` must return a number in `0..n`. `false` when the pattern is outside the
    /// supported subset or cannot be satisfied (`a^b`); `out` is then unspecified.
    pub fn sample_into(&self, pick: &mut dyn FnMut(u32) -> u32, out: &mut String) -> bool {
        out.clear();
        let Some((node, nfa)) = &self.compiled else {
            return false;
        };
        sample::sample_node(node, pick, out).is_some() && nfa.matches_from_start(out)
    }

    /// Whether `text` matches somewhere (`~`); `None` when the pattern is outside the subset.
    pub fn is_match(&self, text: &str) -> Option<bool> {
        self.compiled.as_ref().map(|(_, nfa)| nfa.is_match(text, false))
    }
}
