//! How the consistency checks read a column's name: split into lowercase words (snake_case and
//! camelCase alike), a moment's `_at`/`_on`/`_date`/`_time` suffix set aside, then matched against the
//! lifecycle words of issue 11. Pure: tested without a server (`handmade` tests the SQL side).

/// The suffixes that mark a moment column (`created_at`, `createdOn`, `creation_date`, `start_time`).
const MOMENT_SUFFIXES: &[&str] = &["at", "on", "date", "time"];
/// A row's creation.
const CREATION: &[&str] = &["created", "inserted", "creation"];
/// Moments that follow a row's creation.
const AFTER_CREATION: &[&str] = &[
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
];
/// Two-word moments that follow a row's creation.
const AFTER_CREATION_PAIRS: &[[&str; 2]] =
    [["last", "login"], ["last", "seen"], ["last", "used"], ["last", "activity"]].as_slice();
/// A span's beginning and its end, in columns with the same prefix (`valid_from`, `valid_until`).
const START: &[&str] = &["started", "start", "starts", "begin", "begins", "from"];
const END: &[&str] = &["ended", "end", "ends", "finished", "completed", "stopped", "to", "until"];
/// Events a status value or a boolean can name besides the moments after creation (less
/// `updated`, `modified` and `expires`, which no status names).
const OTHER_EVENTS: &[&str] = &["failed", "canceled", "rejected", "started", "ended", "expired", "refunded"];
/// Statuses before anything happened: every event's moment is NULL.
pub const EARLY_STATUSES: &[&str] =
    &["draft", "pending", "scheduled", "queued", "new", "planned", "waiting", "todo", "not_started"];

/// The lowercase words of a name: `lastLoginAt` and `last_login_at` are both `last login at`.
pub fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for ch in name.chars() {
        if !ch.is_alphanumeric() {
            words.extend((!current.is_empty()).then(|| std::mem::take(&mut current)));
        } else if ch.is_uppercase() && previous_lower {
            words.push(std::mem::take(&mut current));
        }
        if ch.is_alphanumeric() {
            current.extend(ch.to_lowercase());
        }
        previous_lower = ch.is_lowercase() || ch.is_ascii_digit();
    }
    words.extend((!current.is_empty()).then_some(current));
    words
}

/// A moment column's words without its suffix (or a leading `date_`/`time_`, as in `date_created`).
pub fn moment_stem(name: &str) -> Vec<String> {
    let mut words = words(name);
    if words.len() > 1 && words.last().is_some_and(|w| MOMENT_SUFFIXES.contains(&w.as_str())) {
        words.pop();
    } else if words.len() > 1 && ["date", "time"].contains(&words[0].as_str()) {
        words.remove(0);
    }
    words
}

/// The stem split into (prefix, last word).
fn split_last(stem: &[String]) -> Option<(&[String], &str)> {
    stem.split_last().map(|(last, prefix)| (prefix, last.as_str()))
}

/// A creation column of the row itself: `created_at`, `createdAt`, `creation_date`, `inserted_at`.
pub fn is_creation(name: &str) -> bool {
    let stem = moment_stem(name);
    stem.len() == 1 && CREATION.contains(&stem[0].as_str())
}

/// Whether issue 11's rule 1 puts the column `earlier` at or before the column `later` in a row.
pub fn ordered(earlier: &str, later: &str) -> bool {
    let (e, l) = (moment_stem(earlier), moment_stem(later));
    creation_then_after(&e, &l) || start_then_end(&e, &l) || first_then_last(&e, &l)
}

/// `created_at` before `updated_at`, `deleted_at`, `email_verified_at`, `last_login_at`.
fn creation_then_after(e: &[String], l: &[String]) -> bool {
    let Some((e_prefix, e_last)) = split_last(e) else { return false };
    if !CREATION.contains(&e_last) {
        return false;
    }
    let l_prefix = match split_last(l) {
        Some((prefix, last)) if AFTER_CREATION.contains(&last) => prefix,
        _ if l.len() >= 2 && AFTER_CREATION_PAIRS.iter().any(|p| l[l.len() - 2..] == p[..]) => &l[..l.len() - 2],
        _ => return false,
    };
    e_prefix.is_empty() || e_prefix == l_prefix
}

/// `starts_at` before `ends_at`, `period_start` before `period_end`, `valid_from` before `valid_to`.
fn start_then_end(e: &[String], l: &[String]) -> bool {
    match (split_last(e), split_last(l)) {
        (Some((e_prefix, e_last)), Some((l_prefix, l_last))) => {
            START.contains(&e_last) && END.contains(&l_last) && e_prefix == l_prefix
        }
        _ => false,
    }
}

/// `first_seen` before `last_seen`, `first_login` before `last_login`.
fn first_then_last(e: &[String], l: &[String]) -> bool {
    e.len() >= 2 && l.len() >= 2 && e[0] == "first" && l[0] == "last" && e[1..] == l[1..]
}

/// A status-like column: `status`, `state`, `stage`, `orderStatus`, `post_state`.
pub fn is_status(name: &str) -> bool {
    words(name).last().is_some_and(|w| ["status", "state", "stage"].contains(&w.as_str()))
}

/// The event a status value, a boolean (`is_deleted`, `email_verified`) or a moment column
/// (`deleted_at`, `canceled_on`) names, spelled one way (`cancelled` is `canceled`), with the
/// prefix words before it.
pub fn event(words: &[String]) -> Option<(Vec<String>, String)> {
    let (prefix, last) = split_last(words)?;
    let prefix: Vec<String> = prefix.iter().filter(|w| !["is", "has", "was"].contains(&w.as_str())).cloned().collect();
    let last = last.replace("cancelled", "canceled");
    let after_creation =
        AFTER_CREATION.contains(&last.as_str()) && !["updated", "modified", "expires"].contains(&last.as_str());
    (after_creation || OTHER_EVENTS.contains(&last.as_str())).then_some((prefix, last))
}

/// The moment column a status value names: same event (`published`, `published_at`).
pub fn status_names(value: &str, moment: &str) -> bool {
    let value_event = event(&words(value));
    let moment_event = event(&moment_stem(moment));
    matches!((value_event, moment_event), (Some((_, a)), Some((_, b))) if a == b)
}

/// A boolean and a moment column that say the same event: `is_deleted` and `deleted_at`,
/// `email_verified` and `verified_at` (one prefix empty, or both the same).
pub fn flag_names(flag: &str, moment: &str) -> bool {
    match (event(&words(flag)), event(&moment_stem(moment))) {
        (Some((fp, fe)), Some((mp, me))) => fe == me && (fp.is_empty() || mp.is_empty() || fp == mp),
        _ => false,
    }
}

/// An email column: `email`, `billing_email`, `emailAddress`.
pub fn is_email(name: &str) -> bool {
    let w = words(name);
    w.last().is_some_and(|l| l == "email") || w.ends_with(&["email".to_string(), "address".to_string()])
}

/// A column holding a person's name or part of it: first/last/given/family name, surname,
/// username, login, handle, nickname, name, full name, display name.
pub fn is_name_part(name: &str) -> bool {
    const PARTS: &[&str] = &[
        "firstname",
        "givenname",
        "lastname",
        "surname",
        "familyname",
        "username",
        "login",
        "handle",
        "nickname",
        "name",
        "fullname",
        "displayname",
    ];
    PARTS.contains(&words(name).concat().as_str())
}

/// A table of people, by the last word of its name: `users`, `team_members`, `person`,
/// `"Customers"`. A person is a tenant for one role only (rule 6).
pub fn is_people_table(table: &str) -> bool {
    const PEOPLE: &[&str] = &[
        "user",
        "member",
        "person",
        "people",
        "customer",
        "author",
        "employee",
        "contact",
        "staff",
        "student",
        "patient",
        "profile",
        "creator",
        "player",
        "subscriber",
        "follower",
        "admin",
        "participant",
    ];
    let last = words(table.rsplit('.').next().unwrap_or(table)).pop().unwrap_or_default();
    PEOPLE.iter().any(|p| last == *p || last.strip_suffix('s') == Some(p))
}

/// What a table's rows are, as rule 5 reads its name (the last word, singular): the kinds whose
/// names issue 11 says something about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// `users`, `team_members`, `customers` ([`is_people_table`]): names are people's names.
    People,
    /// Organizations, teams, companies, workspaces, accounts, brands, tenants: company-like.
    Company,
    /// Products and plans, projects, boards and channels: named, but never after a person.
    Thing,
    /// Tags, categories, labels: short words.
    Tags,
}

/// Words of a table's name that say its rows are people, besides [`is_people_table`]'s (whose list
/// the tenant rule reads): any table whose name holds one of these, or of the kinds of
/// [`row_kind`], says what its rows are.
const MORE_PEOPLE: &[&str] = &[
    "teacher",
    "attendee",
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
    "sender",
    "host",
    "client",
    "driver",
    "worker",
    "manager",
    "owner",
    "lead",
];
/// Words that say a table's rows are organizations, products or tags, besides [`row_kind`]'s.
const MORE_KINDS: &[&str] = &[
    "business",
    "agency",
    "vendor",
    "supplier",
    "publisher",
    "firm",
    "studio",
    "partner",
    "merchant",
    "offering",
    "tier",
    "repository",
    "repo",
    "campaign",
    "space",
    "collection",
    "playlist",
    "genre",
    "keyword",
];

/// Whether no word of `table`'s name says what its rows are (`templates`, `sources`, `public.film`):
/// then it holds no people, and its rows are not named like people (rule 5).
pub fn says_no_kind(table: &str) -> bool {
    let relname = table.rsplit('.').next().unwrap_or(table);
    words(relname).iter().all(|word| {
        let one = table_noun(word);
        row_kind(&one).is_none() && !MORE_PEOPLE.contains(&one.as_str()) && !MORE_KINDS.contains(&one.as_str())
    })
}

/// The kind of rows of `table` (`schema.name`), by the last word of its name.
pub fn row_kind(table: &str) -> Option<RowKind> {
    const COMPANY: &[&str] =
        &["organization", "organisation", "org", "team", "company", "workspace", "account", "brand", "tenant"];
    const THING: &[&str] = &["product", "plan", "project", "board", "channel"];
    const TAGS: &[&str] = &["tag", "category", "label"];
    if is_people_table(table) {
        return Some(RowKind::People);
    }
    let last = table_noun(table);
    [(COMPANY, RowKind::Company), (THING, RowKind::Thing), (TAGS, RowKind::Tags)]
        .iter()
        .find(|(nouns, _)| nouns.contains(&last.as_str()))
        .map(|(_, kind)| *kind)
}

/// The last word of a table's name, singular (`story.team_members` -> `member`, `categories` ->
/// `category`, `companies` -> `company`).
pub fn table_noun(table: &str) -> String {
    let last = words(table.rsplit('.').next().unwrap_or(table)).pop().unwrap_or_default();
    if let Some(stem) = last.strip_suffix("ies") {
        return format!("{stem}y");
    }
    match last.strip_suffix('s') {
        Some(stem) if !stem.ends_with('s') => stem.to_string(),
        _ => last,
    }
}

/// The column that names a row of `table`: `name`, `title`, `display_name`, or the table's noun
/// and `name` (`team_name` in `teams`, `account_name` in `social_accounts`); a tag's `label` too.
pub fn names_its_row(column: &str, table: &str) -> bool {
    match words(column).as_slice() {
        [only] => ["name", "title", "label"].contains(&only.as_str()),
        [first, last] => last == "name" && (first == "display" || *first == table_noun(table)),
        _ => false,
    }
}

/// Which part of a person a column holds, with the role words before it (`contact_first_name`:
/// `contact`, first): first, last or full name (`full_name`, `display_name`, `name`). A login
/// name (`username`) is none.
pub fn person_name(column: &str) -> Option<(String, &'static str)> {
    if is_username(column) {
        return None;
    }
    let w = words(column);
    let joined = w.concat();
    let (part, role_words) = [
        ("first", &["firstname", "givenname", "forename"][..]),
        ("last", &["lastname", "surname", "familyname"][..]),
        ("full", &["fullname", "displayname", "name"][..]),
    ]
    .iter()
    .find_map(|(part, spellings)| {
        spellings.iter().find(|s| joined.ends_with(**s)).map(|s| (*part, joined.len() - s.len()))
    })?;
    // The role is the words before the name's own; they must end where a word ends.
    let mut taken = 0;
    let mut role = Vec::new();
    for word in &w {
        if taken == role_words {
            break;
        }
        taken += word.len();
        role.push(word.as_str());
    }
    (taken == role_words).then(|| (role.join("_"), part))
}

/// A column holding a login name: `username`, `user_name`, `handle`, `login`, `nickname`,
/// `screen_name`.
pub fn is_username(name: &str) -> bool {
    ["username", "handle", "login", "nickname", "screenname"].contains(&words(name).concat().as_str())
}

/// A column holding a code or a document number, free of the formats of others (postal codes,
/// phone numbers): its last word is `code`, `number`, `no`, `num`, `sku`, `ref` or `reference`,
/// or ends in `code`/`number` (`productnumber`, `creditcardapprovalcode`); `invoice_*` too.
pub fn is_code(name: &str) -> bool {
    const CODES: &[&str] = &["code", "number", "no", "num", "sku", "ref", "reference"];
    const OTHERS: &[&str] = &["postal", "post", "zip", "phone", "fax", "mobile", "tele", "area"];
    let w = words(name);
    let Some(last) = w.last() else { return false };
    let glued = ["code", "number"].iter().any(|c| last.strip_suffix(c).is_some_and(|rest| rest.len() >= 3));
    let coded = CODES.contains(&last.as_str()) || glued || w[0] == "invoice";
    coded && !w.iter().any(|word| OTHERS.iter().any(|other| word.starts_with(other)))
}

/// A slug column: `slug`, `url_slug`, `teamSlug`.
pub fn is_slug(name: &str) -> bool {
    words(name).last().is_some_and(|w| w == "slug")
}

/// How well a column names its row for a slug: 2 for `name`/`title`, 1 for `*_name`/`*_title`.
pub fn slug_source_rank(name: &str) -> u8 {
    let w = words(name);
    match w.as_slice() {
        [only] if only == "name" || only == "title" => 2,
        [.., last] if last == "name" || last == "title" => 1,
        _ => 0,
    }
}

#[test]
fn words_split_snake_and_camel_case() {
    assert_eq!(words("lastLoginAt"), ["last", "login", "at"]);
    assert_eq!(words("last_login_at"), ["last", "login", "at"]);
    assert_eq!(words("CreatedDate"), ["created", "date"]);
    assert_eq!(moment_stem("date_created"), ["created"]);
    assert_eq!(moment_stem("date"), ["date"]);
}

#[test]
fn lifecycle_pairs_follow_issue_11() {
    for (a, b) in [
        ("created_at", "updated_at"),
        ("createdAt", "lastLoginAt"),
        ("creation_date", "email_verified_at"),
        ("inserted_on", "deleted_on"),
        ("created", "last_updated"),
        ("starts_at", "ends_at"),
        ("start_date", "end_date"),
        ("period_start", "period_end"),
        ("valid_from", "valid_until"),
        ("first_seen", "last_seen"),
        ("startedAt", "completedAt"),
    ] {
        assert!(ordered(a, b), "{a} before {b}");
        assert!(!ordered(b, a), "not {b} before {a}");
    }
    for (a, b) in [("trial_start", "ends_at"), ("created_at", "scheduled_at"), ("account_created_at", "post_sent_at")] {
        assert!(!ordered(a, b), "{a} and {b} are no pair");
    }
}

#[test]
fn statuses_and_flags_name_their_moments() {
    assert!(status_names("published", "published_at"));
    assert!(status_names("cancelled", "canceledAt"));
    assert!(!status_names("publishing", "published_at"));
    assert!(flag_names("is_deleted", "deleted_at"));
    assert!(flag_names("email_verified", "verified_at"));
    assert!(flag_names("isVerified", "email_verified_at"));
    assert!(!flag_names("is_active", "archived_at"));
    assert!(is_status("orderStatus") && is_email("contact_email") && is_slug("slug") && is_name_part("firstName"));
    assert!(is_creation("createdAt") && !is_creation("account_created_at"));
}

#[test]
fn people_tables_by_their_last_word() {
    for people in ["public.users", "story.team_members", "public.person", "app.\"Customers\"", "people"] {
        assert!(is_people_table(people), "{people}");
    }
    for other in ["app.organizations", "public.instance", "story.teams", "user_tags", "public.comment"] {
        assert!(!is_people_table(other), "{other}");
    }
}

#[test]
fn row_kinds_and_the_columns_that_name_a_row() {
    assert_eq!(row_kind("story.teams"), Some(RowKind::Company));
    assert_eq!(row_kind("app.companies"), Some(RowKind::Company));
    assert_eq!(row_kind("creator.social_accounts"), Some(RowKind::Company));
    assert_eq!(row_kind("story.team_members"), Some(RowKind::People));
    assert_eq!(row_kind("billing_plans"), Some(RowKind::Thing));
    assert_eq!(row_kind("story.customer_tags"), Some(RowKind::Tags));
    assert_eq!(row_kind("public.categories"), Some(RowKind::Tags));
    assert_eq!(row_kind("public.templates"), None);
    assert!(says_no_kind("creator.templates") && says_no_kind("public.film"));
    assert!(!says_no_kind("public.user_settings") && !says_no_kind("speakers") && !says_no_kind("team_invites"));
    assert!(names_its_row("name", "teams") && names_its_row("team_name", "teams"));
    assert!(names_its_row("displayName", "teams") && !names_its_row("owner_name", "teams"));
    assert_eq!(person_name("first_name"), Some((String::new(), "first")));
    assert_eq!(person_name("contactLastName"), Some(("contact".to_string(), "last")));
    assert_eq!(person_name("display_name"), Some((String::new(), "full")));
    assert_eq!(person_name("fullname"), Some((String::new(), "full")));
    assert_eq!(person_name("username"), None, "a login is no person's name");
    assert_eq!(person_name("hostname"), None);
    assert!(is_username("user_name") && is_username("handle") && !is_username("last_login_at"));
}

#[test]
fn codes_by_their_last_word_glued_or_not() {
    for code in ["code", "invoice_number", "orderNo", "sku", "productnumber", "creditcardapprovalcode", "invoice_id"] {
        assert!(is_code(code), "{code}");
    }
    for other in ["postal_code", "postalcode", "phonenumber", "zip_code", "episode", "name", "decode"] {
        assert!(!is_code(other), "{other}");
    }
}
