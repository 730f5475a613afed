//! Values that fit their table and column: a `name` in `organizations` is company-like, in
//! `products` product-like, in `tags` a short word, in `users` a person's name (and their `title`
//! a job title), and in a table whose name says nothing of its rows (`templates`) a title, since
//! nothing says its rows are people; text codes look like codes (`INV-00042`, also when the name
//! glues the word on: `productnumber`); arrays of tags hold tags.
//!
//! Runs after the type, name, CHECKs and profile have chosen each column's generator
//! ([`super::choose_all`]), and only refines what the column's own name chose: a profile rule on
//! the column, or `infer = false`, leaves it alone. Each refinement is one `inferred` line of
//! the plan (`name: company-like (table organizations)`).

use crate::generate::column::ColumnGen;
use crate::generate::identity::{CODE_DIGITS, SHORT_CODE_MIN};
use crate::generate::table::ColumnSlot;
use crate::generate::text::TextKind;
use crate::profile::TableSettings;
use crate::schema::Table;

use super::words::{TableKind, singular, table_kind, words};

/// Refines the generators of `slots` (one per column in `written`), pushing one line per rule.
pub fn apply(
    table: &Table,
    written: &[usize],
    settings: Option<&TableSettings>,
    slots: &mut [ColumnSlot],
    inferred: &mut Vec<String>,
) {
    let (kind, noun) = match table_kind(&table.name.name) {
        Some((kind, noun)) => (Some(kind), noun),
        None => (None, words(&table.name.name).last().map(|w| singular(w)).unwrap_or_default()),
    };
    for (slot, &c) in slots.iter_mut().zip(written) {
        let name = &table.columns[c].name;
        if !super::left_to_inference(settings, name) {
            continue;
        }
        let fitted = named_for_table(kind, &noun, name, &mut slot.generator);
        if let Some(fitted) = fitted {
            inferred.push(format!("{name}: {} (table {})", describe(fitted), table.name.name));
        } else if let Some((code, example)) = code_for(name, &table.name.name, &slot.generator) {
            inferred.push(format!("{name}: a code ({example})"));
            slot.generator = code;
        } else if tags_of_words(name, &mut slot.generator) {
            inferred.push(format!("{name}: elements are tags"));
        }
    }
}

/// How `seed plan` names the values a table's kind gave a column.
fn describe(kind: TextKind) -> &'static str {
    match kind {
        TextKind::FullName => "a person's name",
        TextKind::JobTitle => "a job title",
        TextKind::Title => "a title, not a person's name",
        TextKind::Company => "company-like",
        TextKind::Product => "product-like",
        TextKind::Project => "project-like",
        TextKind::Tag => "a short word",
        _ => "fitted to its table",
    }
}

/// A `name`/`title` (or `<noun>_name`: `team_name` in `teams`) that its table's kind says more
/// about than the column's name alone (a person's `title` is a job title). A table whose name
/// says nothing of its rows (`kind` None: `templates`, `sources`) holds no people, so a `name`
/// there is a title rather than the person's name the column's name alone would give. Returns
/// the kind it chose, if it applied.
fn named_for_table(kind: Option<TableKind>, noun: &str, column: &str, generator: &mut ColumnGen) -> Option<TextKind> {
    let column_words = words(column);
    let own = match column_words.as_slice() {
        [only] => only.as_str(),
        [first, last] if singular(first) == noun => last.as_str(),
        _ => return None,
    };
    let ColumnGen::Text { kind: current, .. } = generator else { return None };
    let wanted = match (kind, own) {
        (None, "name") if *current == Some(TextKind::FullName) => TextKind::Title,
        (Some(TableKind::People), "name" | "displayname" | "fullname") => TextKind::FullName,
        (Some(TableKind::People), "title") => TextKind::JobTitle,
        (Some(TableKind::Organizations), "name" | "title") => TextKind::Company,
        (Some(TableKind::Products), "name" | "title") => TextKind::Product,
        (Some(TableKind::Projects), "name" | "title") => TextKind::Project,
        (Some(TableKind::Tags), "name" | "title" | "label") => TextKind::Tag,
        _ => return None,
    };
    // Only what a name alone chose (or nothing: a `label` is free text) gives way to the table's.
    if !matches!(current, None | Some(TextKind::FullName | TextKind::Title | TextKind::Company)) {
        return None;
    }
    *current = Some(wanted);
    Some(wanted)
}

/// Words that make a text column a code or a document number (`invoice_number`, `sku`).
const CODE_WORDS: &[&str] = &["code", "number", "num", "no", "sku", "reference", "ref"];
/// Codes that are not ours to invent: they have formats of their own (a word of the name that
/// starts with one of these: `postalcode`, `countryregion`).
const NOT_CODES: &[&str] =
    &["postal", "zip", "post", "area", "phone", "country", "language", "currency", "color", "colour", "error"];

/// What a code column of free text holds: its prefix and a number (`invoice_number` -> `INV`,
/// `sku` -> `SKU`, `code` in `coupons` -> `CPN`) when it can hold `PREFIX-` and ten digits, else
/// (a `char(4)`) as many capitals and digits as it holds, when that is at least
/// [`SHORT_CODE_MIN`]; shorter ones stay as they were. With an example value for the plan.
fn code_for(column: &str, table: &str, generator: &ColumnGen) -> Option<(ColumnGen, String)> {
    let ColumnGen::Text { kind: None, min, max } = generator else { return None };
    let column_words = unglue_code_word(words(column));
    let is_code = column_words.last().is_some_and(|w| CODE_WORDS.contains(&w.as_str()))
        || column_words.first().is_some_and(|w| w == "invoice");
    if !is_code || column_words.iter().any(|w| NOT_CODES.iter().any(|not| w.starts_with(not))) {
        return None;
    }
    let subject = match column_words.iter().find(|w| !CODE_WORDS.contains(&w.as_str())) {
        Some(word) => word.clone(),
        None if column_words.len() == 1 && column_words[0].len() == 3 => column_words[0].clone(),
        None => words(table).last().map(|w| singular(w))?,
    };
    let prefix = abbreviate(&subject);
    let fits = (prefix.len() + 1 + CODE_DIGITS) as u32 >= *min && (prefix.len() + 11) as u32 <= *max;
    if fits {
        let example = format!("{prefix}-{:0width$}", 42, width = CODE_DIGITS);
        Some((ColumnGen::Code { prefix }, example))
    } else {
        let example = "K7QZ".chars().cycle().take(*max as usize).collect();
        (*max >= SHORT_CODE_MIN).then_some((ColumnGen::ShortCode { len: *max }, example))
    }
}

/// The words of a column's name with `code` or `number` glued to the end of the last one split
/// off, as all-lowercase names write them (`productnumber` -> `product`, `number`;
/// `countryregioncode` -> `countryregion`, `code`).
fn unglue_code_word(mut column_words: Vec<String>) -> Vec<String> {
    let Some(last) = column_words.last() else { return column_words };
    if CODE_WORDS.contains(&last.as_str()) {
        return column_words;
    }
    let glued = ["code", "number"].iter().find_map(|code| {
        let rest = last.strip_suffix(code).filter(|rest| rest.len() >= 3)?;
        Some([rest.to_string(), code.to_string()])
    });
    if let Some(split) = glued {
        column_words.pop();
        column_words.extend(split);
    }
    column_words
}

/// Three capitals for a word: itself when that short, else its first letter and next consonants
/// (`invoice` -> `INV`, `order` -> `ORD`, `coupon` -> `CPN`).
fn abbreviate(word: &str) -> String {
    let letters: Vec<char> = word.chars().filter(char::is_ascii_alphabetic).map(|c| c.to_ascii_uppercase()).collect();
    if letters.len() <= 3 {
        return letters.into_iter().collect();
    }
    let rest = letters[1..].iter().copied().filter(|c| !"AEIOU".contains(*c));
    std::iter::once(letters[0]).chain(rest).take(3).collect()
}

/// An array of free text named for tags (`tags`, `keywords`, `labels`) holds tags, whole words.
fn tags_of_words(column: &str, generator: &mut ColumnGen) -> bool {
    let ColumnGen::Array { element, .. } = generator else { return false };
    let ColumnGen::Text { kind: kind @ None, .. } = element.as_mut() else { return false };
    let named_for_tags = words(column)
        .last()
        .is_some_and(|w| table_kind(w).is_some_and(|(kind, _)| kind == TableKind::Tags) || singular(w) == "hashtag");
    if named_for_tags {
        *kind = Some(TextKind::Tag);
    }
    named_for_tags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(kind: Option<TextKind>, max: u32) -> ColumnGen {
        ColumnGen::Text { kind, min: 1, max }
    }

    #[test]
    fn names_fit_their_table() {
        let cases = [
            (TableKind::Organizations, "team", "name", TextKind::FullName, Some(TextKind::Company)),
            (TableKind::Organizations, "team", "team_name", TextKind::Company, Some(TextKind::Company)),
            (TableKind::Products, "plan", "title", TextKind::Title, Some(TextKind::Product)),
            (TableKind::Projects, "board", "name", TextKind::FullName, Some(TextKind::Project)),
            (TableKind::Tags, "tag", "name", TextKind::FullName, Some(TextKind::Tag)),
            (TableKind::People, "user", "name", TextKind::FullName, Some(TextKind::FullName)),
            // A person's title is a job title, a `displayname` their name; an email is not a name.
            (TableKind::People, "user", "title", TextKind::Title, Some(TextKind::JobTitle)),
            (TableKind::People, "profile", "displayname", TextKind::Title, Some(TextKind::FullName)),
            (TableKind::Organizations, "team", "email", TextKind::Email, None),
            (TableKind::Organizations, "team", "owner_name", TextKind::FullName, None),
        ];
        for (kind, noun, column, from, to) in cases {
            let mut generator = text(Some(from), 100);
            let applied = named_for_table(Some(kind), noun, column, &mut generator);
            assert_eq!(applied, to, "{column} in {noun}");
            assert_eq!(generator, text(Some(to.unwrap_or(from)), 100), "{column} in {noun}");
        }
        let mut lorem = text(None, 40);
        assert_eq!(
            named_for_table(Some(TableKind::People), "profile", "displayname", &mut lorem),
            Some(TextKind::FullName)
        );
        assert_eq!(lorem, text(Some(TextKind::FullName), 40), "free text in a people table is a name");
        let mut label = text(None, 40);
        assert_eq!(named_for_table(Some(TableKind::Tags), "label", "label", &mut label), Some(TextKind::Tag));
        assert_eq!(label, text(Some(TextKind::Tag), 40));
    }

    #[test]
    fn a_table_that_names_no_people_names_no_one() {
        let mut name = text(Some(TextKind::FullName), 100);
        assert_eq!(named_for_table(None, "template", "name", &mut name), Some(TextKind::Title));
        assert_eq!(name, text(Some(TextKind::Title), 100));
        let mut own = text(Some(TextKind::FullName), 100);
        assert_eq!(named_for_table(None, "store", "store_name", &mut own), Some(TextKind::Title));
        // Another's name is a person's, and a name the profile or a CHECK shaped stays.
        let mut owner = text(Some(TextKind::FullName), 100);
        assert_eq!(named_for_table(None, "store", "owner_name", &mut owner), None);
        let mut word = text(Some(TextKind::Word), 100);
        assert_eq!(named_for_table(None, "store", "name", &mut word), None);
    }

    #[test]
    fn codes_are_found_by_their_words() {
        let code = |column: &str, table: &str, max: u32| match code_for(column, table, &text(None, max)) {
            Some((ColumnGen::Code { prefix }, _)) => Some(prefix),
            Some((other, _)) => Some(format!("{other:?}")),
            None => None,
        };
        assert_eq!(code("invoice_number", "payments", 40).as_deref(), Some("INV"));
        assert_eq!(code("orderNumber", "orders", 40).as_deref(), Some("ORD"));
        assert_eq!(code("sku", "products", 40).as_deref(), Some("SKU"));
        assert_eq!(code("code", "coupons", 40).as_deref(), Some("CPN"));
        assert_eq!(code("reference", "payments", 40).as_deref(), Some("PYM"));
        assert_eq!(code("postal_code", "addresses", 40), None);
        // All-lowercase names glue the code word on: `productnumber`, `creditcardapprovalcode`.
        assert_eq!(code("productnumber", "product", 25).as_deref(), Some("PRD"));
        assert_eq!(code("accountnumber", "vendor", 15).as_deref(), Some("ACC"));
        assert_eq!(code("creditcardapprovalcode", "salesorderheader", 15).as_deref(), Some("CRD"));
        assert_eq!(code("postalcode", "address", 15), None);
        assert_eq!(code("countryregioncode", "countryregion", 15), None);
        assert_eq!(code("phonenumber", "person", 25), None);
        assert_eq!(code("episode", "shows", 25), None);
        // Too short for PREFIX- and ten digits (`char(4)`): capitals and digits; under four, as it was.
        assert_eq!(code("invoice_number", "payments", 12).as_deref(), Some("ShortCode { len: 12 }"));
        assert_eq!(code("code", "factory_buildings", 4).as_deref(), Some("ShortCode { len: 4 }"));
        assert_eq!(code("stateprovincecode", "stateprovince", 3), None);
        assert_eq!(code_for("code", "coupons", &text(Some(TextKind::Word), 40)), None, "a name chose a kind");
    }

    #[test]
    fn tag_arrays_hold_tags() {
        let mut tags = ColumnGen::Array { element: Box::new(text(None, 24)), min: 0, max: 4, dimensions: 1 };
        assert!(tags_of_words("tags", &mut tags));
        let ColumnGen::Array { element, .. } = &tags else { unreachable!() };
        assert_eq!(**element, text(Some(TextKind::Tag), 24));
        let mut other = ColumnGen::Array { element: Box::new(text(None, 24)), min: 0, max: 4, dimensions: 1 };
        assert!(!tags_of_words("variables", &mut other));
    }
}
