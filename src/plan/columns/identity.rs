//! Identities agree within a row: an email, a username, a full name and a company name are made
//! from the row's own person, and a slug from the row's own name or title.
//!
//! Columns of one person share one random stream (their slots' [`StreamKey`]): every person kind
//! draws the person's first and last name first (`generate::text::person`), so `first_name`,
//! `last_name`, `email` (`abigale.lemke7@example.net`) and `username` agree by construction, and
//! each stays a pure function of the row index with no column reading another. A row with two
//! people (`sender_name`, `sender_email`, `recipient_name`, `recipient_email`) has one stream per
//! role: the words of a column's name besides the identity words. A slug reads its source column
//! ([`ColumnGen::Slug`]), generated before it. A profile declares what names do not reveal with
//! `from = "column"`, and turns a rule off with `infer = false`.
//!
//! Also here, because a key's value identifies its row: UUID keys are keyed by their table, so
//! the same row index in two tables gives different UUIDs.

use std::collections::BTreeMap;

use crate::generate::column::ColumnGen;
use crate::generate::rng::{StreamKey, hash_str};
use crate::generate::table::ColumnSlot;
use crate::generate::text::TextKind;
use crate::profile::TableSettings;
use crate::schema::Table;

use super::super::{PlanError, scope};
use super::words::words;

/// Links the identity columns of `slots` (one per column in `written`), pushing one line per rule.
pub fn apply(
    table: &Table,
    written: &[usize],
    settings: Option<&TableSettings>,
    seed: u64,
    slots: &mut [ColumnSlot],
    inferred: &mut Vec<String>,
) -> Result<(), PlanError> {
    key_uuids_by_table(table, slots);
    let infers = |slot: &ColumnSlot| super::infers(settings, &slot.name);
    link_persons(table, seed, slots, &infers, inferred);
    for slug in 0..slots.len() {
        if !infers(&slots[slug]) || !words(&slots[slug].name).iter().any(|w| w == "slug") {
            continue;
        }
        if let Some(source) = slug_source(slots, slug) {
            if make_slug(slots, slug, source) {
                inferred.push(format!("{} from {}", slots[slug].name, slots[source].name));
            }
        }
    }
    declared(table, written, settings, slots, inferred)
}

fn key_uuids_by_table(table: &Table, slots: &mut [ColumnSlot]) {
    let key = hash_str(&table.name.plain());
    for slot in slots.iter_mut().filter(|s| s.generator == ColumnGen::Uuid) {
        slot.generator = ColumnGen::TableUuid { table: key };
    }
}

/// The text kinds made from a person, in the order of what comes from what: names, then a full
/// name or company, then a username, then an email.
fn person_rank(generator: &ColumnGen) -> Option<u8> {
    let ColumnGen::Text { kind: Some(kind), .. } = generator else { return None };
    Some(match kind {
        TextKind::FirstName | TextKind::LastName => 0,
        TextKind::FullName | TextKind::Company => 1,
        TextKind::Username => 2,
        TextKind::Email => 3,
        _ => return None,
    })
}

/// Words that say which part of a person a column holds; the others say whose (`sender`).
const IDENTITY_WORDS: &[&str] = &[
    "email",
    "mail",
    "e",
    "address",
    "first",
    "last",
    "given",
    "family",
    "full",
    "display",
    "name",
    "user",
    "username",
    "handle",
    "login",
    "nick",
    "nickname",
    "surname",
    "firstname",
    "lastname",
    "fullname",
    "company",
];

/// The person a column belongs to in its row: the words of its name that are not identity words.
fn role(column: &str) -> String {
    words(column).into_iter().filter(|w| !IDENTITY_WORDS.contains(&w.as_str())).collect::<Vec<_>>().join("_")
}

/// Gives the person columns of each role one stream; a role with one column belongs to the row's
/// main person (`billing_email` beside `name`).
fn link_persons(
    table: &Table,
    seed: u64,
    slots: &mut [ColumnSlot],
    infers: &dyn Fn(&ColumnSlot) -> bool,
    inferred: &mut Vec<String>,
) {
    let mut roles: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (s, slot) in slots.iter().enumerate() {
        if person_rank(&slot.generator).is_some() && infers(slot) {
            roles.entry(role(&slot.name)).or_default().push(s);
        }
    }
    let lone: Vec<String> = roles.iter().filter(|(_, m)| m.len() == 1).map(|(r, _)| r.clone()).collect();
    for role in lone {
        if let Some(members) = roles.remove(&role) {
            roles.entry(String::new()).or_default().extend(members);
        }
    }
    let base = StreamKey::new(seed, &table.name.plain(), "").derive("person");
    for (role, mut members) in roles.into_iter().filter(|(_, m)| m.len() > 1) {
        members.sort();
        let key = base.derive(&role);
        members.iter().for_each(|&s| slots[s].key = key);
        describe_person(slots, &members, inferred);
    }
}

/// `email from first_name, last_name`: each column made from columns of a lower rank.
fn describe_person(slots: &[ColumnSlot], members: &[usize], inferred: &mut Vec<String>) {
    let rank = |s: usize| person_rank(&slots[s].generator).unwrap_or(0);
    for &m in members {
        let sources: Vec<&str> =
            members.iter().filter(|&&o| rank(o) < rank(m)).map(|&o| slots[o].name.as_str()).collect();
        if !sources.is_empty() {
            inferred.push(format!("{} from {}", slots[m].name, sources.join(", ")));
        }
    }
}

/// The column a slug is made from: `name`, else `title`, else a column whose name ends in one of
/// them (`display_name`, `post_title`), of text.
fn slug_source(slots: &[ColumnSlot], slug: usize) -> Option<usize> {
    let is_text = |s: usize| matches!(slots[s].generator, ColumnGen::Text { .. } | ColumnGen::Choice { .. });
    let last_word = |s: usize| words(&slots[s].name).last().cloned().unwrap_or_default();
    let candidates = || (0..slots.len()).filter(|&s| s != slug && is_text(s));
    ["name", "title"]
        .iter()
        .find_map(|w| candidates().find(|&s| slots[s].name.eq_ignore_ascii_case(w)))
        .or_else(|| ["name", "title"].iter().find_map(|w| candidates().find(|&s| last_word(s) == *w)))
}

/// Probes a slug column's CHECK pattern must accept before slugs made from a name replace it:
/// words joined by `-`, and the forms a length cut and a unique index give.
const SLUG_PROBES: &[&str] = &["lemke-llc", "falcon-redesign-12", "marketing", "lemke-llc-3-0000002s", "a1"];

/// Makes `slug` a slug of `source`, when its generator is one a slug may replace: returns whether
/// it did.
fn make_slug(slots: &mut [ColumnSlot], slug: usize, source: usize) -> bool {
    let (min, max) = match &slots[slug].generator {
        ColumnGen::Text { kind: Some(TextKind::Slug) | None, min, max } => (*min, *max),
        ColumnGen::Pattern { pattern, max } if SLUG_PROBES.iter().all(|p| pattern.is_match(p) == Some(true)) => {
            (1, *max)
        }
        _ => return false,
    };
    slots[slug].generator = ColumnGen::Slug { source, min, max };
    true
}

/// The profile's `from = "column"`: a slug of that column, or the same person as that column.
fn declared(
    table: &Table,
    written: &[usize],
    settings: Option<&TableSettings>,
    slots: &mut [ColumnSlot],
    inferred: &mut Vec<String>,
) -> Result<(), PlanError> {
    for column in settings.map(|s| s.columns.as_slice()).unwrap_or_default() {
        let Some(from) = &column.from else { continue };
        let slot_of = |c: usize| written.iter().position(|&w| w == c);
        let target = scope::resolve_column(table, &column.name).ok().and_then(slot_of);
        let source = slot_of(scope::resolve_column(table, from)?);
        let error = |why: &str| {
            PlanError::at(&from.location, format!("column `{}`: `from = \"{}\"`: {why}", column.name.name, from.name))
        };
        let (Some(target), Some(source)) = (target, source) else {
            return Err(error("that column is generated by the server, so nothing can be made from it"));
        };
        if target == source {
            return Err(error("a column cannot be made from itself"));
        }
        let both_persons =
            person_rank(&slots[target].generator).is_some() && person_rank(&slots[source].generator).is_some();
        if both_persons {
            slots[target].key = slots[source].key;
        } else if !make_slug(slots, target, source) {
            return Err(error(
                "`from` makes a slug of another column (a `slug` column, or `generator = \"slug\"`), or makes an email, \
                 username or name from the same person as another such column",
            ));
        }
        inferred.push(format!("{} from {} (profile)", slots[target].name, slots[source].name));
    }
    Ok(())
}
