//! Matching a [`Node`] pattern: compiled to a Thompson automaton and simulated one character at a
//! time, so the cost is (text length x automaton size) whatever the pattern's nesting. Bounded
//! repetitions are unrolled; patterns whose automaton would be too large are refused (`None`).
//! An [`Nfa`] compiled once (see [`super::Pattern`]) matches row after row without allocating: the
//! state sets are per-thread scratch.

use std::cell::RefCell;

use super::regex::{Class, Node, same_char};

/// Refuse patterns that unroll into more states than this.
const MAX_STATES: usize = 50_000;

#[derive(Debug, Clone)]
enum State {
    Char(char, usize),
    Any(usize),
    Class(Class, usize),
    /// Epsilon transitions to both.
    Split(usize, usize),
    /// Assertions: only at the start, or the end, of the text.
    Start(usize),
    End(usize),
    Match,
}

#[derive(Debug, Clone)]
pub(crate) struct Nfa {
    states: Vec<State>,
    entry: usize,
}

impl Nfa {
    /// Whether the pattern matches somewhere in `text` (PostgreSQL's `~` searches).
    pub(crate) fn is_match(&self, text: &str, case_insensitive: bool) -> bool {
        run(self, text, case_insensitive, true)
    }

    /// Whether a match of the pattern starts at the beginning of `text`.
    pub(crate) fn matches_from_start(&self, text: &str) -> bool {
        run(self, text, false, false)
    }
}

/// Whether `pattern` matches somewhere in `text` (PostgreSQL's `~` searches); `None` when the
/// pattern is too large to match.
pub(crate) fn is_match(pattern: &Node, text: &str, case_insensitive: bool) -> Option<bool> {
    Some(compile(pattern)?.is_match(text, case_insensitive))
}

/// The automaton of `pattern`; `None` when it would have more than [`MAX_STATES`] states.
pub(crate) fn compile(pattern: &Node) -> Option<Nfa> {
    let mut states = vec![State::Match];
    let entry = add(&mut states, pattern, 0)?;
    Some(Nfa { states, entry })
}

fn push(states: &mut Vec<State>, state: State) -> Option<usize> {
    if states.len() >= MAX_STATES {
        return None;
    }
    states.push(state);
    Some(states.len() - 1)
}

/// Adds the states of `node`, continuing to `next`; returns the entry state.
fn add(states: &mut Vec<State>, node: &Node, next: usize) -> Option<usize> {
    match node {
        Node::Empty => Some(next),
        Node::Char(c) => push(states, State::Char(*c, next)),
        Node::Any => push(states, State::Any(next)),
        Node::Class(class) => push(states, State::Class(class.clone(), next)),
        Node::Start => push(states, State::Start(next)),
        Node::End => push(states, State::End(next)),
        Node::Concat(items) => items.iter().rev().try_fold(next, |cont, item| add(states, item, cont)),
        Node::Alt(branches) => {
            let (last, rest) = branches.split_last()?;
            let mut entry = add(states, last, next)?;
            for branch in rest.iter().rev() {
                let first = add(states, branch, next)?;
                entry = push(states, State::Split(first, entry))?;
            }
            Some(entry)
        }
        Node::Repeat { node, min, max } => repeat(states, node, *min, *max, next),
    }
}

/// `node{min,max}`: the optional copies (or a loop) first, then `min` mandatory copies before them.
fn repeat(states: &mut Vec<State>, node: &Node, min: u32, max: Option<u32>, next: usize) -> Option<usize> {
    let mut cont = match max {
        None => {
            let split = push(states, State::Split(next, next))?;
            let body = add(states, node, split)?;
            states[split] = State::Split(body, next);
            split
        }
        Some(max) => {
            let mut cont = next;
            for _ in min..max {
                let body = add(states, node, cont)?;
                cont = push(states, State::Split(body, next))?;
            }
            cont
        }
    };
    for _ in 0..min {
        cont = add(states, node, cont)?;
    }
    Some(cont)
}

/// The state sets and the closure stack of [`run`], reused by every match on a thread.
#[derive(Default)]
struct Scratch {
    current: StateSet,
    next: StateSet,
    stack: Vec<usize>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Simulates the automaton; `search` starts a new attempt at every position.
fn run(nfa: &Nfa, text: &str, case_insensitive: bool, search: bool) -> bool {
    SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut scratch) => simulate(nfa, text, case_insensitive, search, &mut scratch),
        // Not reentrant in practice; a nested call gets its own sets rather than a panic.
        Err(_) => simulate(nfa, text, case_insensitive, search, &mut Scratch::default()),
    })
}

fn simulate(nfa: &Nfa, text: &str, case_insensitive: bool, search: bool, scratch: &mut Scratch) -> bool {
    let Scratch { current, next, stack } = scratch;
    let len = text.chars().count();
    let mut chars = text.chars();
    current.reset(nfa.states.len());
    next.reset(nfa.states.len());
    for pos in 0..=len {
        if pos == 0 || search {
            current.close(nfa, nfa.entry, (pos, len), stack);
        }
        if current.members.iter().any(|&s| matches!(nfa.states[s], State::Match)) {
            return true;
        }
        let Some(c) = chars.next() else { break };
        next.clear();
        for &s in &current.members {
            let target = match &nfa.states[s] {
                State::Char(want, to) if same_char(c, *want, case_insensitive) => Some(*to),
                State::Any(to) => Some(*to),
                State::Class(class, to) if class.matches(c, case_insensitive) => Some(*to),
                _ => None,
            };
            if let Some(to) = target {
                next.close(nfa, to, (pos + 1, len), stack);
            }
        }
        std::mem::swap(current, next);
        if current.members.is_empty() && !search {
            return false;
        }
    }
    false
}

/// A set of states with O(1) membership, cleared in O(members).
#[derive(Default)]
struct StateSet {
    members: Vec<usize>,
    present: Vec<bool>,
}

impl StateSet {
    /// Empties the set and sizes it for an automaton of `size` states.
    fn reset(&mut self, size: usize) {
        self.clear();
        self.present.resize(size, false);
    }

    fn clear(&mut self) {
        for &s in &self.members {
            self.present[s] = false;
        }
        self.members.clear();
    }

    /// Adds `state` and everything reachable from it without reading a character at position
    /// `pos` of a text of `len` characters.
    fn close(&mut self, nfa: &Nfa, state: usize, (pos, len): (usize, usize), stack: &mut Vec<usize>) {
        stack.clear();
        stack.push(state);
        while let Some(s) = stack.pop() {
            if self.present[s] {
                continue;
            }
            self.present[s] = true;
            self.members.push(s);
            match nfa.states[s] {
                State::Split(a, b) => stack.extend([b, a]),
                State::Start(to) if pos == 0 => stack.push(to),
                State::End(to) if pos == len => stack.push(to),
                _ => {}
            }
        }
    }
}
