//! Realistic text: names, emails, urls, titles, prose, codes.
//!
//! Words come from `fake`'s English tables, picked as `&str` and written into the row's reused
//! `String`: about 10 ns a name instead of 200 ns through `fake`'s formatters (CRATES.md). A kind
//! is chosen at plan time from the column's name and type ([`TextKind::for_column`]); unique
//! columns get an index-derived suffix so they are injective by construction.

use std::fmt::Write;

use fake::locales::{Data, EN};

use super::names;
use super::rng::RowRng;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    FirstName,
    LastName,
    FullName,
    Email,
    Username,
    Url,
    Slug,
    Company,
    Title,
    Sentence,
    Paragraph,
    Word,
    Phone,
    City,
    Country,
    CountryCode,
    Currency,
    Locale,
    Timezone,
    Color,
    Token,
    Ipv4,
    Hashtag,
    /// A product's name (`Compact Desk Lamp`): names in products and plans tables.
    Product,
    /// A project's name (`Falcon Redesign`): names in projects, boards, channels.
    Project,
    /// One short lowercase word (`marketing`): tags, categories, labels.
    Tag,
    /// A job title (`Senior Product Manager`): `job_title`, and a person's `title`.
    JobTitle,
    /// Five digits (`04217`): postal and zip codes.
    PostalCode,
}

const CITIES: &[&str] = &[
    "Berlin",
    "Lisbon",
    "Austin",
    "Toronto",
    "Osaka",
    "Nairobi",
    "Lyon",
    "Denver",
    "Melbourne",
    "Seoul",
    "Porto",
    "Oslo",
    "Bogota",
    "Dublin",
    "Chicago",
    "Prague",
    "Manila",
    "Cape Town",
];
const COUNTRIES: &[(&str, &str)] = &[
    ("Germany", "DE"),
    ("Portugal", "PT"),
    ("United States", "US"),
    ("Canada", "CA"),
    ("Japan", "JP"),
    ("Kenya", "KE"),
    ("France", "FR"),
    ("Australia", "AU"),
    ("South Korea", "KR"),
    ("Norway", "NO"),
    ("Colombia", "CO"),
    ("Ireland", "IE"),
    ("Czechia", "CZ"),
    ("Brazil", "BR"),
];
const CURRENCIES: &[&str] = &["USD", "EUR", "GBP", "JPY", "CAD", "AUD", "CHF", "SEK", "BRL", "INR"];
const LOCALES: &[&str] = &["en-US", "en-GB", "de-DE", "fr-FR", "pt-BR", "ja-JP", "es-ES", "it-IT"];
const TIMEZONES: &[&str] = &[
    "UTC",
    "Europe/Berlin",
    "Europe/Lisbon",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Africa/Nairobi",
];
const DOMAINS: &[&str] = &["example.com", "example.org", "example.net", "mail.test", "acme.test"];

impl TextKind {
    /// Chooses a kind from a column's name (`email`, `first_name`, `avatar_url`, ...), if it says one.
    pub fn for_column(name: &str) -> Option<TextKind> {
        let n = name.to_ascii_lowercase();
        let has = |part: &str| n.contains(part);
        let kind = if has("email") {
            TextKind::Email
        } else if has("first_name") || has("firstname") || has("given_name") {
            TextKind::FirstName
        } else if has("last_name") || has("lastname") || has("surname") || has("family_name") {
            TextKind::LastName
        } else if has("username") || has("user_name") || has("handle") || has("login") || n == "nickname" {
            TextKind::Username
        } else if has("url") || has("website") || has("link") || has("href") || has("uri") {
            TextKind::Url
        } else if has("slug") {
            TextKind::Slug
        } else if has("hashtag") {
            TextKind::Hashtag
        } else if has("job_title") || has("jobtitle") || n == "occupation" {
            TextKind::JobTitle
        } else if n.ends_with("name") && (has("company") || has("org") || has("team") || has("brand")) {
            TextKind::Company
        } else if n == "name" || has("full_name") || has("display_name") || has("author") || n.ends_with("_name") {
            TextKind::FullName
        } else if has("title") || has("subject") || has("headline") || has("caption") {
            TextKind::Title
        } else if has("description")
            || has("body")
            || has("content")
            || has("bio")
            || has("text")
            || has("notes")
            || has("message")
            || has("summary")
            || has("comment")
            || has("prompt")
        {
            TextKind::Paragraph
        } else if has("phone") || has("mobile") || has("fax") {
            TextKind::Phone
        } else if has("postal") || has("zip") || has("postcode") {
            TextKind::PostalCode
        } else if has("city") || has("town") {
            TextKind::City
        } else if has("country_code") || n == "country_iso" {
            TextKind::CountryCode
        } else if has("country") {
            TextKind::Country
        } else if has("currency") {
            TextKind::Currency
        } else if has("locale") || has("language") || n == "lang" {
            TextKind::Locale
        } else if has("timezone") || has("time_zone") || n == "tz" {
            TextKind::Timezone
        } else if has("color") || has("colour") {
            TextKind::Color
        } else if has("token") || has("hash") || has("secret") || has("password") || has("digest") || has("key") {
            TextKind::Token
        } else if has("ip_address") || n == "ip" || has("_ip") {
            TextKind::Ipv4
        } else if has("company") || has("organization") || has("organisation") {
            TextKind::Company
        } else {
            return None;
        };
        Some(kind)
    }

    /// Parses a profile's `generator = "..."` name.
    pub fn from_name(name: &str) -> Option<TextKind> {
        let kind = match name {
            "first_name" => TextKind::FirstName,
            "last_name" => TextKind::LastName,
            "name" | "full_name" => TextKind::FullName,
            "email" => TextKind::Email,
            "username" => TextKind::Username,
            "url" => TextKind::Url,
            "slug" => TextKind::Slug,
            "company" => TextKind::Company,
            "title" => TextKind::Title,
            "sentence" => TextKind::Sentence,
            "paragraph" | "text" => TextKind::Paragraph,
            "word" => TextKind::Word,
            "phone" => TextKind::Phone,
            "city" => TextKind::City,
            "country" => TextKind::Country,
            "country_code" => TextKind::CountryCode,
            "currency" => TextKind::Currency,
            "locale" => TextKind::Locale,
            "timezone" => TextKind::Timezone,
            "color" => TextKind::Color,
            "token" => TextKind::Token,
            "ipv4" => TextKind::Ipv4,
            "hashtag" => TextKind::Hashtag,
            "product" => TextKind::Product,
            "project" => TextKind::Project,
            "tag" => TextKind::Tag,
            "job_title" => TextKind::JobTitle,
            "postal_code" => TextKind::PostalCode,
            _ => return None,
        };
        Some(kind)
    }

    /// Every name `from_name` accepts, for error messages.
    pub const NAMES: &'static [&'static str] = &[
        "first_name",
        "last_name",
        "name",
        "email",
        "username",
        "url",
        "slug",
        "company",
        "title",
        "sentence",
        "paragraph",
        "word",
        "phone",
        "city",
        "country",
        "country_code",
        "currency",
        "locale",
        "timezone",
        "color",
        "token",
        "ipv4",
        "hashtag",
        "product",
        "project",
        "tag",
        "job_title",
        "postal_code",
    ];

    /// Whether a value of this kind can take an index suffix and stay valid (unique columns).
    pub fn accepts_suffix(self) -> bool {
        !matches!(self, TextKind::Color | TextKind::Ipv4 | TextKind::CountryCode | TextKind::Currency)
    }

    /// Writes one value. `unique` is an index that makes the value injective when given.
    pub fn write(self, rng: &mut RowRng, unique: Option<u64>, out: &mut String) {
        match self {
            TextKind::Email => write_email(rng, unique, out),
            TextKind::Username => write_username(rng, unique, out),
            TextKind::Slug => write_slug(rng, unique, out),
            TextKind::Url => write_url(rng, unique, out),
            TextKind::Hashtag => write_hashtag(rng, unique, out),
            _ => {
                self.write_plain(rng, out);
                if let Some(k) = unique {
                    let _ = write!(out, " {}", k + 1);
                }
            }
        }
    }

    fn write_plain(self, rng: &mut RowRng, out: &mut String) {
        match self {
            TextKind::FirstName => out.push_str(person(rng).0),
            TextKind::LastName => out.push_str(person(rng).1),
            TextKind::FullName => {
                let (first, last) = person(rng);
                out.push_str(first);
                out.push(' ');
                out.push_str(last);
            }
            TextKind::Company => write_company(rng, out),
            TextKind::Product => names::write_product(rng, out),
            TextKind::Project => names::write_project(rng, out),
            TextKind::Tag => out.push_str(names::tag(rng)),
            TextKind::Title => names::write_title(rng, out),
            TextKind::JobTitle => names::write_job_title(rng, out),
            TextKind::Sentence => write_sentence(rng, out),
            TextKind::Paragraph => {
                for i in 0..rng.range_i64(2, 4) {
                    if i > 0 {
                        out.push(' ');
                    }
                    write_sentence(rng, out);
                }
            }
            TextKind::Word => out.push_str(word(rng)),
            TextKind::PostalCode => {
                let _ = write!(out, "{:05}", rng.below(100_000));
            }
            TextKind::Phone => {
                let _ = write!(out, "+1-555-{:03}-{:04}", rng.below(1000), rng.below(10_000));
            }
            TextKind::City => out.push_str(rng.pick(CITIES)),
            TextKind::Country => out.push_str(rng.pick(COUNTRIES).0),
            TextKind::CountryCode => out.push_str(rng.pick(COUNTRIES).1),
            TextKind::Currency => out.push_str(rng.pick(CURRENCIES)),
            TextKind::Locale => out.push_str(rng.pick(LOCALES)),
            TextKind::Timezone => out.push_str(rng.pick(TIMEZONES)),
            TextKind::Color => {
                let _ = write!(out, "#{:06x}", rng.below(1 << 24));
            }
            TextKind::Token => {
                let _ = write!(out, "{:016x}{:016x}", rng.next_word(), rng.next_word());
            }
            TextKind::Ipv4 => {
                let _ = write!(out, "10.{}.{}.{}", rng.below(256), rng.below(256), rng.below(254) + 1);
            }
            TextKind::Email | TextKind::Username | TextKind::Slug | TextKind::Url | TextKind::Hashtag => {
                self.write(rng, None, out)
            }
        }
    }
}

/// A person: first and last name, always the first two draws of a value of a person's kind (first
/// or last name, full name, email, username, company). Columns of one person share a stream
/// (`plan::columns::identity`), so they all draw the same person and agree.
pub fn person(rng: &mut RowRng) -> (&'static str, &'static str) {
    let first = rng.pick(<EN as Data>::NAME_FIRST_NAME);
    (first, rng.pick(<EN as Data>::NAME_LAST_NAME))
}

pub fn word(rng: &mut RowRng) -> &'static str {
    rng.pick(<EN as Data>::LOREM_WORD)
}

fn push_lower_ascii(text: &str, out: &mut String) {
    out.extend(text.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()));
}

fn write_email(rng: &mut RowRng, unique: Option<u64>, out: &mut String) {
    let (first, last) = person(rng);
    push_lower_ascii(first, out);
    out.push('.');
    push_lower_ascii(last, out);
    match unique {
        Some(k) => {
            let _ = write!(out, "{}", k + 1);
        }
        None => {
            let _ = write!(out, "{}", rng.below(100));
        }
    }
    out.push('@');
    out.push_str(rng.pick(DOMAINS));
}

/// `abigale_lemke7`: the person's names and a number (the index, for a unique column).
fn write_username(rng: &mut RowRng, unique: Option<u64>, out: &mut String) {
    let (first, last) = person(rng);
    push_lower_ascii(first, out);
    out.push('_');
    push_lower_ascii(last, out);
    let _ = write!(out, "{}", unique.map_or(rng.below(100), |k| k + 1));
}

fn write_slug(rng: &mut RowRng, unique: Option<u64>, out: &mut String) {
    let count = rng.range_i64(2, 3);
    for i in 0..count {
        if i > 0 {
            out.push('-');
        }
        push_lower_ascii(word(rng), out);
    }
    if let Some(k) = unique {
        let _ = write!(out, "-{}", k + 1);
    }
}

fn write_url(rng: &mut RowRng, unique: Option<u64>, out: &mut String) {
    out.push_str("https://");
    out.push_str(rng.pick(DOMAINS));
    out.push('/');
    push_lower_ascii(word(rng), out);
    out.push('/');
    let _ = write!(out, "{}", unique.map_or(rng.below(100_000), |k| k + 1));
}

fn write_hashtag(rng: &mut RowRng, unique: Option<u64>, out: &mut String) {
    out.push('#');
    push_lower_ascii(word(rng), out);
    if let Some(k) = unique {
        let _ = write!(out, "{}", k + 1);
    }
}

/// `Lemke LLC`: named after the row's person (see [`person`]), as many companies are.
fn write_company(rng: &mut RowRng, out: &mut String) {
    out.push_str(person(rng).1);
    out.push(' ');
    out.push_str(rng.pick(<EN as Data>::COMPANY_SUFFIX));
}

/// Lorem words, the first capitalised: the words of a sentence.
fn write_words(rng: &mut RowRng, min: i64, max: i64, out: &mut String) {
    for i in 0..rng.range_i64(min, max) {
        let w = word(rng);
        if i == 0 {
            push_capitalized(w, out);
        } else {
            out.push(' ');
            out.push_str(w);
        }
    }
}

fn push_capitalized(word: &str, out: &mut String) {
    let mut chars = word.chars();
    if let Some(first) = chars.next() {
        out.extend(first.to_uppercase());
        out.push_str(chars.as_str());
    }
}

fn write_sentence(rng: &mut RowRng, out: &mut String) {
    write_words(rng, 4, 12, out);
    out.push('.');
}

/// Lorem words up to about `target` characters: filler for plain text columns.
pub fn write_filler(rng: &mut RowRng, target: usize, out: &mut String) {
    let start = out.len();
    while out.len() - start < target {
        if out.len() > start {
            out.push(' ');
        }
        out.push_str(word(rng));
    }
}

/// Whether `text` has more than `max` characters, without counting them all: bytes bound
/// characters from above, and counting stops at `max`.
pub fn longer_than(text: &str, max: usize) -> bool {
    text.len() > max && text.chars().nth(max).is_some()
}

/// Cuts `text` to at most `max` characters (on a character boundary, trailing spaces trimmed).
pub fn truncate_chars(text: &mut String, max: usize) {
    if text.len() <= max {
        return;
    }
    if let Some((cut, _)) = text.char_indices().nth(max) {
        text.truncate(cut);
        while text.ends_with(' ') {
            text.pop();
        }
    }
}

/// Cuts `text` to at most `max` characters at the end of a word (`totam velit`, not `totam
/// veli`), unless that leaves fewer than `min` characters: then at `max`, as [`truncate_chars`].
pub fn truncate_words(text: &mut String, min: usize, max: usize) {
    // Bytes bound characters from above: most values end here, without counting.
    if text.len() <= max {
        return;
    }
    let Some((cut, next)) = text.char_indices().nth(max) else { return };
    let word_start = match next {
        ' ' => None,
        _ => text[..cut].rfind(' ').filter(|&at| text[..at].chars().count() >= min),
    };
    text.truncate(word_start.unwrap_or(cut));
    while text.ends_with(' ') {
        text.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::rng::StreamKey;

    #[test]
    fn column_names_choose_realistic_kinds() {
        assert_eq!(TextKind::for_column("email"), Some(TextKind::Email));
        assert_eq!(TextKind::for_column("contact_email"), Some(TextKind::Email));
        assert_eq!(TextKind::for_column("first_name"), Some(TextKind::FirstName));
        assert_eq!(TextKind::for_column("avatar_url"), Some(TextKind::Url));
        assert_eq!(TextKind::for_column("title"), Some(TextKind::Title));
        assert_eq!(TextKind::for_column("company_name"), Some(TextKind::Company));
        assert_eq!(TextKind::for_column("job_title"), Some(TextKind::JobTitle));
        assert_eq!(TextKind::for_column("postalcode"), Some(TextKind::PostalCode));
        assert_eq!(TextKind::for_column("ship_zip"), Some(TextKind::PostalCode));
        assert_eq!(TextKind::for_column("xyz"), None);
    }

    #[test]
    fn unique_values_differ_for_every_index() {
        let key = StreamKey::new(1, "t", "c");
        for kind in [TextKind::Email, TextKind::Username, TextKind::Slug, TextKind::FullName] {
            let mut seen = std::collections::HashSet::new();
            for k in 0..2000 {
                let mut out = String::new();
                kind.write(&mut RowRng::at(key, k % 3), Some(k), &mut out);
                assert!(seen.insert(out.clone()), "{kind:?} repeated {out}");
            }
        }
    }

    #[test]
    fn text_is_cut_between_words() {
        let mut text = "totam velit veniam".to_string();
        truncate_words(&mut text, 1, 16);
        assert_eq!(text, "totam velit");
        // Not below the column's minimum: then mid-word, as before.
        let mut text = "totam velit veniam".to_string();
        truncate_words(&mut text, 12, 16);
        assert_eq!(text, "totam velit veni");
        let mut text = "short".to_string();
        truncate_words(&mut text, 1, 16);
        assert_eq!(text, "short");
        // No trailing space (a char(5) would not count it): the caller pads to the minimum.
        let mut text = "quia et".to_string();
        truncate_words(&mut text, 5, 5);
        assert_eq!(text, "quia");
    }

    #[test]
    fn truncation_respects_characters() {
        let mut text = "héllo wörld".to_string();
        truncate_chars(&mut text, 6);
        assert_eq!(text, "héllo");
    }
}
