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
    let infers = |slot: &ColumnSlot| super::left_to_inference(settings, &slot.name);
    link_persons(table, seed, slots, &infers, inferred);
    for slug in 0..slots.len() {
        if !infers(&slots[slug]) || !words(&slots[slug].name).iter().any(|w| w == "slug") {
            continue;
        }
        if let Some(source) = slug_source(slots, slug)
            && make_slug(slots, slug, source, false)
        {
            inferred.push(format!("{} from {}", slots[slug].name, slots[source].name));
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

/// Gives the person columns of each role one stream; a role whose only column is an email or a
/// username belongs to the row's main person (`billing_email` beside `name`), while a lone name
/// of another role stays its own (`device_display_name` beside `user_name`).
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
    let contact = |s: usize| person_rank(&slots[s].generator).is_some_and(|rank| rank >= 2);
    let lone: Vec<String> =
        roles.iter().filter(|(_, m)| matches!(m.as_slice(), [s] if contact(*s))).map(|(r, _)| r.clone()).collect();
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

/// Makes `slug` a slug of `source`, when its generator is one a slug may replace (`declared`: the
/// profile said so, and any text will do): returns whether it did.
fn make_slug(slots: &mut [ColumnSlot], slug: usize, source: usize, declared: bool) -> bool {
    let (min, max) = match &slots[slug].generator {
        ColumnGen::Text { kind: Some(TextKind::Slug) | None, min, max } => (*min, *max),
        ColumnGen::Text { min, max, .. } if declared => (*min, *max),
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
        } else if !make_slug(slots, target, source, true) {
            return Err(error(
                "`from` makes a slug of another column (a `slug` column, or `generator = \"slug\"`), or makes an email, \
                 username or name from the same person as another such column",
            ));
        }
        inferred.push(format!("{} from {} (profile)", slots[target].name, slots[source].name));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::choose_all;
    use crate::generate::rng::RowRng;
    use crate::generate::value::Value;
    use crate::profile::parse_str;
    use crate::schema::{Column, PgType, Schema, Table, TypeKind};

    fn text_table(name: &str, columns: &[&str]) -> Table {
        let text = PgType::new(25, "text", TypeKind::Text);
        Table::with_columns(name, columns.iter().map(|c| Column::plain(c, text.clone())).collect())
    }

    /// Plans `table` (with `profile`'s settings for it) and generates `n` rows, each column after
    /// the one it reads, as `generate::table` does; returns the rows and the plan's rule lines.
    fn generate(table: &Table, profile: &str, n: u64) -> (Vec<Vec<Value>>, Vec<String>) {
        let profile = parse_str(Path::new("test.toml"), profile).expect("profile");
        let settings = profile.tables.first();
        let written: Vec<usize> = (0..table.columns.len()).collect();
        let choice = choose_all(table, &written, &Schema::default(), settings, Some(&profile), 7).expect("plan");
        let mut order: Vec<usize> = (0..written.len()).collect();
        order.sort_by_key(|&s| choice.slots[s].generator.depends_on().is_some());
        let rows = (0..n)
            .map(|row| {
                let mut values = vec![Value::Null; written.len()];
                for &s in &order {
                    let slot = &choice.slots[s];
                    let mut out = Value::Null;
                    slot.generator.fill(&mut RowRng::at(slot.key, row), slot.unique.map(|_| row), &values, &mut out);
                    values[s] = out;
                }
                values
            })
            .collect();
        (rows, choice.inferred)
    }

    fn texts(row: &[Value]) -> Vec<String> {
        row.iter().map(|v| v.as_text().unwrap_or_default().to_lowercase()).collect()
    }

    #[test]
    fn a_row_s_names_email_and_username_are_one_person() {
        let table = text_table("UserProfiles", &["firstName", "lastName", "fullName", "emailAddress", "userName"]);
        let (rows, rules) = generate(&table, "", 300);
        for row in rows.iter().map(|r| texts(r)) {
            let [first, last, full, email, username] = &row[..] else { panic!("{row:?}") };
            assert_eq!(full, &format!("{first} {last}"), "{row:?}");
            let plain = |s: &str| s.chars().filter(char::is_ascii_alphanumeric).collect::<String>();
            assert!(email.starts_with(&format!("{}.{}", plain(first), plain(last))), "{row:?}");
            assert!(username.starts_with(&format!("{}_{}", plain(first), plain(last))), "{row:?}");
        }
        assert!(rules.contains(&"emailAddress from firstName, lastName, fullName, userName".to_string()), "{rules:?}");
        assert!(rules.contains(&"fullName from firstName, lastName".to_string()), "{rules:?}");
    }

    #[test]
    fn two_people_in_a_row_are_two_people() {
        let table = text_table("messages", &["sender_name", "sender_email", "recipient_name", "recipient_email"]);
        let (rows, _) = generate(&table, "", 300);
        let mut same = 0;
        for row in rows.iter().map(|r| texts(r)) {
            let last = |name: &str| name.rsplit(' ').next().unwrap_or_default().replace('\'', "");
            assert!(row[1].contains(&last(&row[0])), "{row:?}");
            assert!(row[3].contains(&last(&row[2])), "{row:?}");
            same += usize::from(row[0] == row[2]);
        }
        assert!(same < 5, "senders and recipients are mostly different people: {same}");
    }

    #[test]
    fn a_lone_email_joins_the_row_s_person_and_a_lone_name_of_another_role_does_not() {
        let table = text_table("devices", &["user_name", "device_display_name", "billing_email"]);
        let (_, rules) = generate(&table, "", 1);
        assert_eq!(rules, ["billing_email from user_name"]);
    }

    #[test]
    fn infer_false_keeps_a_column_on_its_own() {
        let table = text_table("users", &["first_name", "last_name", "email"]);
        let (rows, rules) = generate(&table, "[tables.users]\ncolumns.email = { infer = false }\n", 300);
        let agreeing = rows.iter().map(|r| texts(r)).filter(|r| r[2].starts_with(&r[0])).count();
        assert!(agreeing < 10, "{agreeing}");
        assert!(!rules.iter().any(|r| r.starts_with("email")), "{rules:?}");
    }

    #[test]
    fn slugs_are_made_from_the_row_s_name() {
        let table = text_table("organizations", &["slug", "name"]);
        let (rows, rules) = generate(&table, "", 100);
        for row in rows.iter().map(|r| texts(r)) {
            let words: Vec<&str> =
                row[1].split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
            assert!(row[0].starts_with(&words.join("-")), "{row:?}");
        }
        assert_eq!(rules, ["name: company-like (table organizations)", "slug from name"]);
    }

    #[test]
    fn a_profile_declares_what_names_do_not_reveal() {
        let table = text_table("posts", &["headline", "permalink"]);
        let (rows, rules) = generate(&table, "[tables.posts]\ncolumns.permalink = { from = \"headline\" }\n", 50);
        for row in rows.iter().map(|r| texts(r)) {
            let first_word: String =
                row[0].split(' ').next().unwrap_or_default().chars().filter(char::is_ascii_alphanumeric).collect();
            assert!(row[1].starts_with(&first_word), "{row:?}");
        }
        assert_eq!(rules, ["permalink from headline (profile)"]);
    }

    #[test]
    fn a_declared_source_must_exist_and_fit() {
        let table = text_table("posts", &["headline", "permalink", "views"]);
        let plan = |profile: &str| {
            let profile = parse_str(Path::new("p.toml"), profile).expect("profile");
            choose_all(&table, &[0, 1, 2], &Schema::default(), profile.tables.first(), Some(&profile), 1)
                .err()
                .map(|e| e.to_string())
        };
        let missing = plan("[tables.posts]\ncolumns.permalink = { from = \"headlin\" }\n").unwrap_or_default();
        assert!(missing.contains("p.toml:2") && missing.contains("did you mean `headline`"), "{missing}");
        let itself = plan("[tables.posts]\ncolumns.permalink = { from = \"permalink\" }\n").unwrap_or_default();
        assert!(itself.contains("cannot be made from itself"), "{itself}");
    }

    #[test]
    fn one_index_gives_different_uuids_in_different_tables() {
        let uuid = PgType::new(2950, "uuid", TypeKind::Uuid);
        let last_12 = |table: &str| -> Vec<String> {
            let table = Table::with_columns(table, vec![Column::plain("id", uuid.clone())]);
            let profile = format!("[tables.{table}]\ncolumns.id = {{ unique = true }}\n", table = table.name.name);
            let (rows, _) = generate(&table, &profile, 100);
            rows.iter()
                .map(|r| match &r[0] {
                    Value::Uuid(bytes) => bytes[10..].iter().map(|b| format!("{b:02x}")).collect(),
                    other => panic!("{other:?}"),
                })
                .collect()
        };
        let (users, posts) = (last_12("users"), last_12("posts"));
        assert!(users.iter().zip(&posts).all(|(a, b)| a != b), "{users:?}");
    }
}
