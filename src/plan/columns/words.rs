//! What names say: identifiers split into words, and what a table's name says its rows are.
//!
//! Rules inferred from names ([`super::fit`], [`super::identity`]) read names through here, so
//! `createdAt`, `created_at` and `"CreatedAt"` are the same words, and `user_profiles`,
//! `UserProfiles` and `app.user_profile` the same kind of table. Everything is driven by the
//! words of the names, never by a list of known tables.

/// The lowercase words of an identifier: split at `_`, `-`, spaces and other punctuation, and
/// where camelCase starts a new word (`userProfiles` -> `user`, `profiles`).
pub fn words(identifier: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut previous: Option<char> = None;
    for c in identifier.chars() {
        if !c.is_alphanumeric() {
            previous = None;
            continue;
        }
        let camel_break = c.is_uppercase() && previous.is_some_and(|p| p.is_lowercase() || p.is_ascii_digit());
        match words.last_mut() {
            Some(word) if previous.is_some() && !camel_break => word.extend(c.to_lowercase()),
            _ => words.push(c.to_lowercase().collect()),
        }
        previous = Some(c);
    }
    words
}

/// The identifier in lowercase snake_case (`firstName` -> `first_name`).
pub fn snake_case(identifier: &str) -> String {
    words(identifier).join("_")
}

/// A word's singular form, as English plurals of table names go (`categories` -> `category`,
/// `boxes` -> `box`, `people` -> `person`, `users` -> `user`).
pub fn singular(word: &str) -> String {
    if word == "people" {
        return "person".to_string();
    }
    if let Some(stem) = word.strip_suffix("ies").filter(|s| s.len() > 1) {
        return format!("{stem}y");
    }
    for ending in ["sses", "xes", "ches", "shes"] {
        if word.ends_with(ending) {
            return word[..word.len() - 2].to_string();
        }
    }
    match word.strip_suffix('s') {
        Some(stem) if !stem.ends_with(['s', 'u']) && !stem.is_empty() => stem.to_string(),
        _ => word.to_string(),
    }
}

/// What a table's rows are, as its name says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    /// Users, members, customers, authors...: rows are people.
    People,
    /// Organizations, teams, companies, workspaces, accounts, brands...
    Organizations,
    /// Products and plans.
    Products,
    /// Projects, boards, channels...
    Projects,
    /// Tags, categories, labels...: rows are short words.
    Tags,
}

const KINDS: &[(TableKind, &[&str])] = &[
    (
        TableKind::People,
        &[
            "user",
            "member",
            "customer",
            "author",
            "contact",
            "employee",
            "person",
            "staff",
            "student",
            "teacher",
            "patient",
            "participant",
            "attendee",
            "player",
            "subscriber",
            "follower",
            "profile",
            "creator",
            "admin",
            "agent",
            "guest",
            "speaker",
            "instructor",
            "candidate",
            "applicant",
            "reviewer",
            "writer",
            "artist",
            "owner",
            "actor",
            "recipient",
            "volunteer",
            "doctor",
            "nurse",
            "coach",
            "musician",
            "athlete",
            "buyer",
            "seller",
            "passenger",
            "tutor",
            "mentor",
            "learner",
            "investor",
            "donor",
            "visitor",
            "friend",
            "contributor",
            "moderator",
        ],
    ),
    (
        TableKind::Organizations,
        &[
            "organization",
            "organisation",
            "org",
            "team",
            "company",
            "workspace",
            "account",
            "brand",
            "tenant",
            "business",
            "agency",
            "vendor",
            "supplier",
            "publisher",
            "firm",
            "studio",
            "partner",
            "merchant",
        ],
    ),
    (TableKind::Products, &["product", "plan", "offering", "tier"]),
    (
        TableKind::Projects,
        &["project", "board", "channel", "repository", "repo", "campaign", "space", "collection", "playlist"],
    ),
    (TableKind::Tags, &["tag", "category", "label", "genre", "keyword"]),
];

/// What a table's rows are, from the last word of its name that says (`user_profiles` ->
/// people, `customer_tags` -> tags, `TeamMembers` -> people), with the word that said it.
pub fn table_kind(table: &str) -> Option<(TableKind, String)> {
    words(table).iter().rev().find_map(|word| {
        let one = singular(word);
        KINDS.iter().find(|(_, nouns)| nouns.contains(&one.as_str())).map(|(kind, _)| (*kind, one))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_split_into_words_in_any_case() {
        assert_eq!(words("created_at"), ["created", "at"]);
        assert_eq!(words("createdAt"), ["created", "at"]);
        assert_eq!(words("UserProfiles"), ["user", "profiles"]);
        assert_eq!(words("invoice-number 2"), ["invoice", "number", "2"]);
        assert_eq!(words("SKU"), ["sku"]);
        assert_eq!(snake_case("emailAddress"), "email_address");
    }

    #[test]
    fn plurals_become_singular() {
        for (plural, one) in [
            ("users", "user"),
            ("categories", "category"),
            ("companies", "company"),
            ("boxes", "box"),
            ("addresses", "address"),
            ("people", "person"),
            ("staff", "staff"),
            ("status", "status"),
        ] {
            assert_eq!(singular(plural), one, "{plural}");
        }
    }

    #[test]
    fn table_names_say_what_their_rows_are() {
        let kind = |name: &str| table_kind(name).map(|(kind, _)| kind);
        assert_eq!(kind("users"), Some(TableKind::People));
        assert_eq!(kind("user_profiles"), Some(TableKind::People));
        assert_eq!(kind("TeamMembers"), Some(TableKind::People));
        assert_eq!(kind("team_members"), Some(TableKind::People));
        assert_eq!(kind("organizations"), Some(TableKind::Organizations));
        assert_eq!(kind("Company"), Some(TableKind::Organizations));
        assert_eq!(kind("billing_plans"), Some(TableKind::Products));
        assert_eq!(kind("projects"), Some(TableKind::Projects));
        assert_eq!(kind("customer_tags"), Some(TableKind::Tags));
        assert_eq!(kind("product_categories"), Some(TableKind::Tags));
        assert_eq!(kind("user_projects"), Some(TableKind::Projects));
        assert_eq!(kind("audit_log"), None);
    }
}
