//! The regex subset: matching with PostgreSQL's search semantics, and LIKE conversion.

use crate::schema::check::regex::{is_match, like_to_regex, parse};

fn matches(pattern: &str, text: &str) -> bool {
    let node = parse(pattern).unwrap_or_else(|| panic!("{pattern} should parse"));
    is_match(&node, text, false) == Some(true)
}

fn matches_ci(pattern: &str, text: &str) -> bool {
    parse(pattern).is_some_and(|node| is_match(&node, text, true) == Some(true))
}

#[test]
fn anchors_and_search() {
    assert!(matches("^abc$", "abc"));
    assert!(!matches("^abc$", "abcd"));
    assert!(matches("bc", "abcd"));
    assert!(!matches("^bc", "abcd"));
    assert!(matches("", "anything"));
    assert!(matches("x$", "abx"));
}

#[test]
fn classes_and_escapes() {
    assert!(matches("^[A-Z0-9_]+$", "AB_9"));
    assert!(!matches("^[A-Z0-9_]+$", "AB-9"));
    assert!(matches("^[^@]+@[^@]+$", "me@host"));
    assert!(!matches("^[^@]+@[^@]+$", "me@@host"));
    assert!(matches(r"^\d{3}-\d{4}$", "555-1234"));
    assert!(matches(r"^\w+$", "snake_case9"));
    assert!(matches(r"\s", "a b"));
    assert!(!matches(r"^\S+$", "a b"));
    assert!(matches("^[[:alpha:]][[:alnum:]]*$", "a1"));
    assert!(matches("^[]a]$", "]"));
    assert!(matches("^[a-]$", "-"));
    assert!(matches(r"^a\.b$", "a.b"));
    assert!(!matches(r"^a\.b$", "axb"));
    assert!(matches("^.$", "\n"));
}

#[test]
fn quantifiers() {
    assert!(matches("^a{2}$", "aa"));
    assert!(!matches("^a{2}$", "aaa"));
    assert!(matches("^a{2,}$", "aaaa"));
    assert!(matches("^a{1,3}b?$", "aaab"));
    assert!(!matches("^a{1,3}b?$", "aaaab"));
    assert!(matches("^a*?b+$", "bb"));
    assert!(matches("^(ab)+$", "ababab"));
    assert!(!matches("^(ab)+$", "aba"));
    assert!(matches("^(a*)*$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
    assert!(!matches("^(a*)*b$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

#[test]
fn alternation_and_groups() {
    assert!(matches("^(draft|published)$", "draft"));
    assert!(!matches("^(draft|published)$", "drafts"));
    assert!(matches("^(?:x|y)z$", "yz"));
    assert!(matches("^[a-z]+(-[a-z]+)*$", "kebab-case-word"));
    assert!(!matches("^[a-z]+(-[a-z]+)*$", "kebab--case"));
    assert!(matches("a|^b", "xa"));
}

#[test]
fn case_insensitive() {
    assert!(matches_ci("^[a-z]+$", "AbC"));
    assert!(matches_ci("^abc$", "ABC"));
    assert!(!matches_ci("^abc$", "ABD"));
}

#[test]
fn refuses_outside_the_subset() {
    for pattern in
        [r"(a)\1", r"\mword\M", "(?=a)", "(?i)abc", "[[.a.]]", "a{2,1}", "a{5000}", "(ab", "ab)", "*a", "[z-a]", r"\"]
    {
        assert!(parse(pattern).is_none(), "{pattern}");
    }
}

#[test]
fn like_patterns() {
    assert_eq!(like_to_regex("ab%_"), "^ab.*.$");
    assert_eq!(like_to_regex("50\\%"), "^50%$");
    assert_eq!(like_to_regex("a.b(c)"), "^a\\.b\\(c\\)$");
    let node = parse(&like_to_regex("%x%")).expect("parses");
    assert_eq!(is_match(&node, "axb", false), Some(true));
    assert_eq!(is_match(&node, "ab", false), Some(false));
}

#[test]
fn nested_quantifiers_stay_fast() {
    let node = parse(r"\d{1,3}{2}+*+{1,3}^").expect("parses");
    let long = "1".repeat(5000);
    assert_eq!(is_match(&node, &long, false), Some(true));
    let node = parse("^(a*)*(b|c+)+$").expect("parses");
    assert_eq!(is_match(&node, &format!("{}d", "a".repeat(5000)), false), Some(false));
    let huge = parse("(a{1000}){1000}").expect("parses");
    assert_eq!(is_match(&huge, "a", false), None);
}

/// `SIMILAR TO`, as `similar_to_escape()` turns it into a POSIX regex.
#[test]
fn similar_to_becomes_an_anchored_regex() {
    use crate::schema::check::regex::similar_to_regex;
    let regex = similar_to_regex("[A-Z]{2}[0-9]{6}", Some('\\'));
    assert!(matches(&regex, "AB123456") && !matches(&regex, "xAB123456") && !matches(&regex, "AB1234567"), "{regex}");
    let regex = similar_to_regex("INV-%.pdf|draft\\_%", Some('\\'));
    assert!(matches(&regex, "INV-7.pdf") && !matches(&regex, "INV-7xpdf"), "{regex}");
    assert!(matches(&regex, "draft_1") && !matches(&regex, "draftx1"), "{regex}");
    assert!(matches(&similar_to_regex("[^]a]_", None), "b7"));
}
