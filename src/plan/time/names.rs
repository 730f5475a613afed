//! What a moment column's name says about its place in a row's lifecycle.
//!
//! Names are split into words whatever their case (`createdAt`, `created_at`, `CreatedAt`), the
//! unit suffix (`_at`, `_on`, `_date`, `_time`, ...) and a leading `date_` are dropped, and the
//! words left decide the [`Role`]. Rules are general, driven by words, never by table names.

/// A moment column's place in its row's lifecycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// When the row came to be (`created_at`, `inserted_at`, `creation_date`).
    Creation,
    /// Something that happens to an existing row (`updated_at`, `deleted_at`, `last_login_at`);
    /// `event` is the word that names it (`deleted`), for statuses that name it too.
    Later { event: String },
    /// The opening moment of a pair (`starts_at`, `valid_from`, `first_seen`, `trial_start`):
    /// `pair` names the kind of pair, `rest` the other words, which the closing moment shares.
    Opens { pair: Pair, rest: Vec<String> },
    /// The closing moment of a pair (`ends_at`, `valid_until`, `last_seen`, `trial_end`).
    Closes { pair: Pair, rest: Vec<String>, event: String },
}

/// Kinds of opening/closing pairs: a start and its end, a validity window, a first and last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pair {
    StartEnd,
    FromTo,
    FirstLast,
}

const UNIT_SUFFIXES: &[&str] = &["at", "on", "date", "time", "ts", "timestamp", "datetime", "dt", "utc"];
const CREATION: &[&str] = &["created", "inserted", "creation", "create", "insert"];
const LATER: &[&str] = &[
    "updated",
    "modified",
    "deleted",
    "archived",
    "closed",
    "completed",
    "finished",
    "published",
    "sent",
    "processed",
    "delivered",
    "confirmed",
    "verified",
    "accepted",
    "approved",
    "paid",
    "shipped",
    "revoked",
    "expires",
    "expired",
    "expire",
    "expiry",
    "expiration",
    "canceled",
    "cancelled",
    "failed",
    "resolved",
    "rejected",
    "refunded",
    "read",
    "answered",
    "acknowledged",
    "activated",
    "deactivated",
    "suspended",
    "banned",
    "locked",
    "unlocked",
    "joined",
    "left",
    "submitted",
    "received",
    "applied",
    "opened",
    "viewed",
    "edited",
];
const LAST_EVENTS: &[&str] =
    &["login", "logged", "seen", "used", "activity", "active", "access", "accessed", "sign", "signin", "visit"];
const STARTS: &[&str] = &["started", "start", "starts", "begin", "begins", "began", "beginning"];
const ENDS: &[&str] = &["ended", "end", "ends", "finished", "finish", "completed", "stopped", "stop"];
const FROM: &[&str] = &["from", "since"];
const TO: &[&str] = &["to", "until", "till", "through", "thru"];

/// The words of a column name, lowercase: `createdAt` and `created_at` both give `created`, `at`.
pub fn words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            flush(&mut current, &mut words);
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower {
            flush(&mut current, &mut words);
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    flush(&mut current, &mut words);
    words
}

fn flush(current: &mut String, words: &mut Vec<String>) {
    if !current.is_empty() {
        words.push(std::mem::take(current));
    }
}

/// The words that name the event: without unit suffixes (`_at`) and a leading `date_`/`time_`.
pub fn stem(name: &str) -> Vec<String> {
    let mut words = words(name);
    while words.len() > 1 && words.last().is_some_and(|w| UNIT_SUFFIXES.contains(&w.as_str())) {
        words.pop();
    }
    if words.len() > 1 && ["date", "time", "dt"].contains(&words[0].as_str()) {
        words.remove(0);
    }
    words
}

/// The lifecycle role a moment column's name gives it, if any.
pub fn role(name: &str) -> Option<Role> {
    let stem = stem(name);
    let has = |list: &[&str]| stem.iter().position(|w| list.contains(&w.as_str()));
    let without = |at: usize| stem.iter().enumerate().filter(|(i, _)| *i != at).map(|(_, w)| w.clone()).collect();
    if stem.first().is_some_and(|w| CREATION.contains(&w.as_str())) {
        return Some(Role::Creation);
    }
    if let Some(at) = has(STARTS) {
        return Some(Role::Opens { pair: Pair::StartEnd, rest: without(at) });
    }
    if let Some(at) = has(ENDS) {
        return Some(Role::Closes { pair: Pair::StartEnd, rest: without(at), event: stem[at].clone() });
    }
    // `from`/`to` name a window only beside another word (`valid_from`, `date_to`).
    if words(name).len() > 1 {
        if let Some(at) = has(FROM) {
            return Some(Role::Opens { pair: Pair::FromTo, rest: without(at) });
        }
        if let Some(at) = has(TO) {
            return Some(Role::Closes { pair: Pair::FromTo, rest: without(at), event: stem[at].clone() });
        }
    }
    if stem.len() > 1 {
        if stem[0] == "first" {
            return Some(Role::Opens { pair: Pair::FirstLast, rest: without(0) });
        }
        if stem[0] == "last" {
            let event = stem[1..].join("_");
            return Some(Role::Closes { pair: Pair::FirstLast, rest: without(0), event });
        }
    }
    let at = has(LATER)?;
    Some(Role::Later { event: stem[at].clone() })
}

/// Whether a closing role with no opening partner in its row still follows the row's creation:
/// `last_login_at`, `expires_at`, `completed_at` do; `ends` alone is an end of something else
/// (`series_end_date`) that still comes after the row exists.
pub fn closes_after_creation(pair: Pair, event: &str) -> bool {
    match pair {
        Pair::FirstLast => LAST_EVENTS.iter().any(|w| event.split('_').any(|e| e == *w)) || LATER.contains(&event),
        Pair::StartEnd | Pair::FromTo => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn later(event: &str) -> Option<Role> {
        Some(Role::Later { event: event.into() })
    }

    #[test]
    fn words_split_snake_and_camel_case() {
        assert_eq!(words("createdAt"), ["created", "at"]);
        assert_eq!(words("CreatedAt"), ["created", "at"]);
        assert_eq!(words("email_verified_at"), ["email", "verified", "at"]);
        assert_eq!(words("lastLoginAt"), ["last", "login", "at"]);
    }

    #[test]
    fn creation_columns_in_every_spelling() {
        for name in ["created_at", "createdAt", "created", "created_on", "creation_date", "date_created", "inserted_at"]
        {
            assert_eq!(role(name), Some(Role::Creation), "{name}");
        }
    }

    #[test]
    fn later_events_and_pairs() {
        assert_eq!(role("updated_at"), later("updated"));
        assert_eq!(role("updatedAt"), later("updated"));
        assert_eq!(role("deleted_on"), later("deleted"));
        assert_eq!(role("email_verified_at"), later("verified"));
        assert_eq!(role("token_expiry"), later("expiry"));
        assert_eq!(role("starts_at"), Some(Role::Opens { pair: Pair::StartEnd, rest: vec![] }));
        assert_eq!(
            role("period_end"),
            Some(Role::Closes { pair: Pair::StartEnd, rest: vec!["period".into()], event: "end".into() })
        );
        assert_eq!(
            role("valid_until"),
            Some(Role::Closes { pair: Pair::FromTo, rest: vec!["valid".into()], event: "until".into() })
        );
        assert_eq!(role("first_seen"), Some(Role::Opens { pair: Pair::FirstLast, rest: vec!["seen".into()] }));
        assert!(matches!(role("lastSeenAt"), Some(Role::Closes { pair: Pair::FirstLast, .. })));
        assert_eq!(role("date_from"), Some(Role::Opens { pair: Pair::FromTo, rest: vec![] }));
        assert!(matches!(role("date_to"), Some(Role::Closes { pair: Pair::FromTo, .. })));
    }

    #[test]
    fn other_moments_have_no_role() {
        assert_eq!(role("to"), None);
        for name in ["birth_date", "date", "scheduled_at", "occurred_at", "mtime", "to", "published"] {
            assert!(role(name) != Some(Role::Creation), "{name}");
        }
        assert_eq!(role("birth_date"), None);
        assert_eq!(role("scheduled_at"), None);
        assert_eq!(role("date"), None);
    }
}
