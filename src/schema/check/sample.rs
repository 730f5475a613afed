//! Producing strings that match a pattern of the [`super::regex`] subset, for columns whose CHECK
//! says `col ~ '^[A-Z]{3}$'`. Every choice goes through the caller's `pick`, so the string is a pure
//! function of the caller's random source; every result is verified against the matcher.

use super::regex::{Class, ClassItem, Node};

/// Unbounded quantifiers (`*`, `+`, `{n,}`) repeat at most this many times beyond their minimum.
const OPEN_REPEAT_SPAN: u32 = 8;
/// Give up on patterns whose samples would be longer than this.
const MAX_LEN: usize = 4_096;

/// Characters `.` and negated classes draw from: printable ASCII without the space.
const PRINTABLE: (char, char) = ('!', '~');

/// A string matching `regex` (PostgreSQL `~` semantics: the match may be anywhere, so the sample is
/// the match alone). `pick(n)` must return a number in `0..n`. `None` when the pattern is outside
/// the supported subset or cannot be satisfied (`a^b`). For tests: a column compiles its
/// [`super::Pattern`] once.
#[cfg(test)]
pub(super) fn sample_matching(regex: &str, pick: &mut dyn FnMut(u32) -> u32) -> Option<String> {
    let mut out = String::new();
    super::Pattern::new(regex).sample_into(pick, &mut out).then_some(out)
}

/// Appends a string built to match `node` to `out` (unverified: see [`super::Pattern::sample_into`]).
pub(super) fn sample_node(node: &Node, pick: &mut dyn FnMut(u32) -> u32, out: &mut String) -> Option<()> {
    let start = out.len();
    Sampler { pick, out, start }.node(node)
}

struct Sampler<'a> {
    pick: &'a mut dyn FnMut(u32) -> u32,
    out: &'a mut String,
    /// Where this sample starts in `out`.
    start: usize,
}

impl Sampler<'_> {
    fn choose(&mut self, n: u32) -> u32 {
        if n <= 1 { 0 } else { (self.pick)(n) % n }
    }

    fn node(&mut self, node: &Node) -> Option<()> {
        if self.out.len() - self.start > MAX_LEN {
            return None;
        }
        match node {
            Node::Empty | Node::Start | Node::End => {}
            Node::Char(c) => self.out.push(*c),
            Node::Any => {
                let c = self.pick_in_ranges(|| ALNUM.iter().copied())?;
                self.out.push(c);
            }
            Node::Class(class) => {
                let c = self.class(class)?;
                self.out.push(c);
            }
            Node::Concat(items) => items.iter().try_for_each(|item| self.node(item))?,
            Node::Alt(branches) => {
                let index = self.choose(u32::try_from(branches.len()).ok()?);
                self.node(branches.get(index as usize)?)?;
            }
            Node::Repeat { node, min, max } => {
                let span = max.map_or(OPEN_REPEAT_SPAN, |max| max - min);
                let count = min + self.choose(span.saturating_add(1));
                (0..count).try_for_each(|_| self.node(node))?;
            }
        }
        Some(())
    }

    fn class(&mut self, class: &Class) -> Option<char> {
        if class.negated {
            let allowed = || (PRINTABLE.0..=PRINTABLE.1).filter(|&c| class.matches(c, false));
            let index = self.choose(u32::try_from(allowed().count()).ok()?);
            return allowed().nth(index as usize);
        }
        self.pick_in_ranges(|| class.items.iter().flat_map(|item| item_ranges(*item)))
    }

    /// A character from the union of the ranges `ranges()` walks, each character equally likely.
    fn pick_in_ranges<I: Iterator<Item = (char, char)>>(&mut self, ranges: impl Fn() -> I) -> Option<char> {
        let size = |(lo, hi): (char, char)| u32::from(hi) - u32::from(lo) + 1;
        let total = ranges().fold(0u32, |sum, range| sum.saturating_add(size(range)));
        if total == 0 {
            return None;
        }
        let mut index = self.choose(total);
        for range in ranges() {
            if index < size(range) {
                return char::from_u32(u32::from(range.0) + index);
            }
            index -= size(range);
        }
        None
    }
}

const ALNUM: &[(char, char)] = &[('a', 'z'), ('A', 'Z'), ('0', '9')];

/// The ASCII characters of a class item (named classes are sampled from their ASCII members).
fn item_ranges(item: ClassItem) -> impl Iterator<Item = (char, char)> {
    let (single, named) = match item {
        ClassItem::Range(lo, hi) => (Some((lo, hi)), &[][..]),
        ClassItem::Named(name) => (None, named_ranges(name)),
    };
    single.into_iter().chain(named.iter().copied())
}

fn named_ranges(name: &str) -> &'static [(char, char)] {
    match name {
        "alpha" => &[('a', 'z'), ('A', 'Z')],
        "digit" => &[('0', '9')],
        "alnum" => ALNUM,
        "upper" => &[('A', 'Z')],
        "lower" => &[('a', 'z')],
        "space" => &[(' ', ' ')],
        "xdigit" => &[('0', '9'), ('a', 'f')],
        "punct" => &[('!', '/'), (':', '@')],
        _ => &[('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic `pick` that walks through choices.
    fn counter(seed: u32) -> impl FnMut(u32) -> u32 {
        let mut state = seed;
        move |n| {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (state >> 8) % n.max(1)
        }
    }

    fn samples(pattern: &str) -> Vec<String> {
        (0..50).filter_map(|seed| sample_matching(pattern, &mut counter(seed))).collect()
    }

    fn check_all(pattern: &str, full: &str) {
        let full = super::super::Pattern::new(full);
        let got = samples(pattern);
        assert_eq!(got.len(), 50, "{pattern}");
        for s in got {
            assert_eq!(full.is_match(&s), Some(true), "{pattern} gave {s:?}");
        }
    }

    #[test]
    fn samples_match_their_pattern() {
        for pattern in [
            "^[A-Z]{3}$",
            "^[a-z0-9_]+$",
            r"^\d{3}-\d{4}$",
            "^[^@]+@[^@]+$",
            "^(draft|published)$",
            "^[a-z]+(-[a-z]+)*$",
            "^[[:alpha:]][[:alnum:]]{2,5}$",
            "^ab.*.$",
            "^[A-F0-9]{8}(-[A-F0-9]{4}){3}$",
            r"^\w+\.\w{2,3}$",
            "^a?b{0,2}c{1,}$",
            "x",
        ] {
            check_all(pattern, pattern);
        }
    }

    #[test]
    fn exact_shapes() {
        let s = sample_matching("^[A-Z]{3}$", &mut counter(1)).unwrap_or_default();
        assert_eq!(s.len(), 3);
        assert!(s.chars().all(|c| c.is_ascii_uppercase()));
        assert_eq!(sample_matching("^abc$", &mut counter(1)).as_deref(), Some("abc"));
    }

    #[test]
    fn refuses_what_it_cannot_honour() {
        assert_eq!(sample_matching("a^b", &mut counter(1)), None);
        assert_eq!(sample_matching(r"(a)\1", &mut counter(1)), None);
        assert_eq!(sample_matching(r"\mword", &mut counter(1)), None);
        assert_eq!(sample_matching("(?=a)", &mut counter(1)), None);
        assert_eq!(sample_matching("[z-a]", &mut counter(1)), None);
        assert_eq!(sample_matching("(ab", &mut counter(1)), None);
    }

    #[test]
    fn a_bad_pick_is_tolerated() {
        let mut wild = |_n: u32| u32::MAX;
        assert!(sample_matching("^[a-c]{2}(x|y)$", &mut wild).is_some());
    }
}
