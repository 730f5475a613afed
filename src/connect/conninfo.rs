//! Reading a connection string the way `psql` accepts it: a `postgres://` (or `postgresql://`) URL,
//! or libpq's keyword/value form (`host=localhost port=5432 user=me password='a b' dbname=app`).
//!
//! Kept apart from connecting because a connection string is user input that holds a password:
//! every error here names what is wrong (the scheme, a key, an unclosed quote) and never echoes
//! the string, and [`secrets`] lists every spelling of the password so later messages can be
//! scrubbed. A keyword string is turned into an equivalent URL query (`postgres:///?host=..`),
//! so sqlx's own parser applies the options exactly as for a URL.

use sqlx::postgres::PgConnectOptions;

use crate::error::{Error, Result};

/// The keywords of libpq's form that seed passes on; others are refused by name.
const KEYWORDS: &[&str] = &[
    "host",
    "hostaddr",
    "port",
    "user",
    "password",
    "dbname",
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "application_name",
    "options",
];

/// Parses a URL or a keyword/value string into options, without ever echoing the password.
pub fn parse(text: &str) -> Result<PgConnectOptions> {
    let options = match text.split_once("://") {
        Some((scheme, _)) => parse_url(scheme, text)?,
        None if text.contains('=') => parse_url("postgres", &keywords_to_url(text)?)?,
        None => {
            return Err(usage(
                "the connection string is neither a postgres:// URL nor libpq's `key=value` form (`host=localhost dbname=app`)",
            ));
        }
    };
    Ok(unbracket_host(options))
}

fn parse_url(scheme: &str, url: &str) -> Result<PgConnectOptions> {
    if !(scheme.eq_ignore_ascii_case("postgres") || scheme.eq_ignore_ascii_case("postgresql")) {
        return Err(usage(&format!(
            "the database URL's scheme `{}` is not PostgreSQL's: seed only fills PostgreSQL. Use a postgres:// (or postgresql://) URL",
            scheme.chars().take(20).collect::<String>()
        )));
    }
    if has_unencoded_userinfo(url) {
        return Err(usage(
            "the database URL's user name or password holds `@`, `/`, `?` or `#` unencoded, so the URL's parts cannot be told apart (the host would be read from inside the password). In a URL they must be percent-encoded: `@` is %40, `/` is %2F, `?` is %3F, `#` is %23, `:` is %3A (`a@b/c` is written `a%40b%2Fc`); or use the `key=value` form (`host=... user=... password='...'`)",
        ));
    }
    url.parse().map_err(|error: sqlx::Error| {
        let redacted = redact(url);
        let shown = if redacted.contains("***") || !url.contains('@') { redacted } else { "(not shown)".into() };
        usage(&format!(
            "the database URL {shown} is not valid ({}). A user name or password holding `/`, `?`, `#`, `@` or `:` must be percent-encoded (`/` is %2F, `?` is %3F, `@` is %40), or use the `key=value` form",
            scrub(&error.to_string(), &secrets(url))
        ))
    })
}

/// Whether a URL's user info must hold an unencoded `@`, `/`, `?` or `#`: every URL parser then
/// ends the user info or the host early and reads the rest of the password as host, port or
/// database (`postgres://u:p@ss/w0rd@db/app` connects to host `ss`). Signs that cannot be right:
/// two `@` before the path (a host holds none), an `@` in the path (a database name with one is
/// written %40 too), or an `@` in the query or fragment outside any `key=value` parameter.
fn has_unencoded_userinfo(url: &str) -> bool {
    let Some((_, rest)) = url.split_once("://") else { return false };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, after) = rest.split_at(authority_end);
    let path_end = after.find(['?', '#']).unwrap_or(after.len());
    let (path, tail) = after.split_at(path_end);
    let loose_at = tail.rsplit_once('@').is_some_and(|(before, _)| {
        let last_part = before.rsplit(['&', '?', '#']).next().unwrap_or(before);
        !last_part.contains('=')
    });
    authority.matches('@').count() > 1 || path.contains('@') || loose_at
}

/// `postgres://me@[::1]/db`: sqlx keeps the brackets, and then cannot resolve `[::1]`.
fn unbracket_host(options: PgConnectOptions) -> PgConnectOptions {
    let host = options.get_host();
    match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(inner) if options.get_socket().is_none() => {
            let inner = inner.to_string();
            options.host(&inner)
        }
        _ => options,
    }
}

fn usage(message: &str) -> Error {
    Error::Usage(format!("{message}. Nothing was connected to"))
}

/// `host=h user='a b'` as `postgres:///?host=h&user=a%20b`, refusing keywords seed does not pass on.
fn keywords_to_url(text: &str) -> Result<String> {
    let pairs = keyword_pairs(text)?;
    let mut query = Vec::with_capacity(pairs.len());
    for (key, value) in pairs {
        if !KEYWORDS.contains(&key.as_str()) {
            return Err(usage(&format!(
                "the connection string's keyword `{}` is not one seed supports (it takes {})",
                key.chars().take(40).collect::<String>(),
                KEYWORDS.join(", ")
            )));
        }
        query.push(format!("{key}={}", percent_encode(&value)));
    }
    Ok(format!("postgres:///?{}", query.join("&")))
}

/// The `key = value` pairs of libpq's form: values unquoted (backslash escapes) or in single
/// quotes (`\'` and `\\` inside).
fn keyword_pairs(text: &str) -> Result<Vec<(String, String)>> {
    let mut chars = text.chars().peekable();
    let mut pairs = Vec::new();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.peek().is_none() {
            return Ok(pairs);
        }
        let mut key = String::new();
        while let Some(c) = chars.next_if(|c| *c != '=' && !c.is_whitespace()) {
            key.push(c);
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.next() != Some('=') {
            return Err(usage(&format!(
                "the connection string's keyword `{}` has no `=` after it (libpq's form is `key=value key=value`)",
                key.chars().take(40).collect::<String>()
            )));
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let value = keyword_value(&mut chars, &key)?;
        pairs.push((key, value));
    }
}

fn keyword_value(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, key: &str) -> Result<String> {
    let quoted = chars.next_if_eq(&'\'').is_some();
    let mut value = String::new();
    loop {
        match chars.next() {
            None if quoted => {
                return Err(usage(&format!("the connection string's value of `{key}` opens a quote it never closes")));
            }
            None => return Ok(value),
            Some('\'') if quoted => return Ok(value),
            Some(c) if c.is_whitespace() && !quoted => return Ok(value),
            Some('\\') => value.extend(chars.next()),
            Some(c) => value.push(c),
        }
    }
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// A URL with its password replaced by `***` (in the user info and in a `password=` parameter).
pub fn redact(url: &str) -> String {
    scrub(url, &secrets(url))
}

/// `text` with every spelling of the password replaced by `***` where it stands as a token of its
/// own (as in `:pw@`, `password=pw&`, `"pw"`), not inside a word: a short password such as `o`
/// would otherwise turn "connection" into "c***nnecti***n", mangling the message and showing where
/// the password's letters are.
pub fn scrub(text: &str, secrets: &[String]) -> String {
    secrets.iter().filter(|s| !s.is_empty()).fold(text.to_string(), |text, secret| scrub_tokens(&text, secret))
}

fn scrub_tokens(text: &str, secret: &str) -> String {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    // A password edge that is itself punctuation is a boundary whatever stands beside it.
    let open_start = secret.chars().next().is_some_and(|c| !is_word(c));
    let open_end = secret.chars().next_back().is_some_and(|c| !is_word(c));
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(secret) {
        let before = out.chars().chain(rest[..at].chars()).next_back();
        let after = rest[at + secret.len()..].chars().next();
        out.push_str(&rest[..at]);
        let token = (open_start || !before.is_some_and(is_word)) && (open_end || !after.is_some_and(is_word));
        let taken = if token { secret.len() } else { secret.chars().next().map_or(1, char::len_utf8) };
        out.push_str(if token { "***" } else { &rest[at..at + taken] });
        rest = &rest[at + taken..];
    }
    out.push_str(rest);
    out
}

/// The password of a connection string as written and percent-decoded: from a URL's user info
/// (read up to the host's `@` and, for a password holding `/` or `?`, up to the last `@`), from a
/// `password=` query parameter, or from the `password` keyword.
pub fn secrets(text: &str) -> Vec<String> {
    let mut written = Vec::new();
    if let Some((_, rest)) = text.split_once("://") {
        let authority = rest.split(['/', '?']).next().unwrap_or("");
        for candidate in [authority, rest] {
            if let Some((credentials, _)) = candidate.rsplit_once('@')
                && let Some((_, password)) = credentials.split_once(':')
            {
                written.push(password.to_string());
            }
        }
        let query = text.split_once('?').map_or("", |(_, q)| q);
        written.extend(query.split('&').filter_map(|pair| pair.strip_prefix("password=")).map(str::to_string));
    } else if let Ok(pairs) = keyword_pairs(text) {
        written.extend(pairs.into_iter().filter(|(key, _)| key == "password").map(|(_, value)| value));
    }
    let decoded: Vec<String> = written.iter().map(|s| percent_decode(s)).collect();
    written.extend(decoded);
    written.retain(|s| !s.is_empty());
    // Longest first, so a password containing another spelling is replaced whole.
    written.sort_by_key(|s| std::cmp::Reverse(s.len()));
    written.dedup();
    written
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact("postgres://me:s3cret@db:5432/app"), "postgres://me:***@db:5432/app");
        assert_eq!(redact("postgres://me@db/app"), "postgres://me@db/app");
        assert_eq!(redact("postgres://me@db/app?password=s3cret&x=1"), "postgres://me@db/app?password=***&x=1");
        assert_eq!(redact("postgres://me:p%40ss@db/app"), "postgres://me:***@db/app");
        assert_eq!(redact("postgres://u:s3cr/etPW@127.0.0.1:1/db"), "postgres://u:***@127.0.0.1:1/db");
        assert_eq!(redact("postgres://u:s3cr?etPW@127.0.0.1:1/db"), "postgres://u:***@127.0.0.1:1/db");
    }

    /// Issue 10: with the password `o`, "connection refused" read "c***nnecti***n refused".
    #[test]
    fn scrubbing_replaces_the_password_only_as_a_token() {
        let secrets = secrets("postgres://me:o@db/app");
        let message = "connection refused for postgres://me:o@db/app (o)";
        assert_eq!(scrub(message, &secrets), "connection refused for postgres://me:***@db/app (***)");
        let dashed = vec!["-pw-".to_string()];
        assert_eq!(scrub("x-pw-y and -pw-", &dashed), "x***y and ***", "punctuation edges are boundaries");
        assert_eq!(redact("postgres://u:ab@h/db?password=ab&x=aab"), "postgres://u:***@h/db?password=***&x=aab");
    }

    #[test]
    fn a_url_whose_user_info_cannot_be_right_is_refused_without_pieces_of_the_password() {
        for url in [
            "postgres://u:p@Zq/W9rd@127.0.0.1:5432/db",
            "postgres://u:p@Zq@127.0.0.1/db",
            "postgres://u:p/Zq@127.0.0.1/db",
            "postgres://u:p?Zq@127.0.0.1/db",
            "postgres://u:p#Zq@127.0.0.1/db",
            "postgres://u:1?Zq@127.0.0.1/db",
        ] {
            let error = parse(url).expect_err(url);
            let text = error.to_string();
            assert_eq!(error.exit_code(), crate::error::exit::USAGE, "{text}");
            assert!(text.contains("%40") && text.contains("%2F"), "{url}: {text}");
            assert!(!text.contains("Zq") && !text.contains("W9rd") && !text.contains("127.0.0.1"), "{url}: {text}");
        }
        for url in [
            "postgres://u:p%40ss%2Fw0rd@127.0.0.1:5432/db",
            "postgres://127.0.0.1/db?user=me@corp.example&sslmode=disable",
            "postgres://me@127.0.0.1/db",
            "postgres:///db?host=/tmp",
        ] {
            assert!(!has_unencoded_userinfo(url), "{url}");
        }
    }

    #[test]
    fn scrubbing_covers_the_decoded_password() {
        let found = secrets("postgres://me:p%40ss@db/app");
        assert_eq!(scrub("bad password p@ss or p%40ss", &found), "bad password *** or ***");
        assert_eq!(secrets("host=h password='a b\\'c' user=u"), vec!["a b'c".to_string()]);
    }

    #[test]
    fn malformed_urls_are_usage_errors_without_the_password() {
        for url in ["postgres://u:s3cr/etPW@127.0.0.1:1/db", "postgres://u:s3cr?etPW@127.0.0.1:1/db"] {
            let error = parse(url).expect_err(url);
            assert_eq!(error.exit_code(), crate::error::exit::USAGE, "{error}");
            assert!(!error.to_string().contains("etPW") && error.to_string().contains("percent-encoded"), "{error}");
        }
        let mysql = parse("mysql://u:pw@127.0.0.1/db").expect_err("mysql");
        assert!(mysql.to_string().contains("`mysql`") && !mysql.to_string().contains("pw@"), "{mysql}");
        assert_eq!(mysql.exit_code(), crate::error::exit::USAGE);
        assert!(parse("just-a-word").is_err());
        assert!(parse("PostgreSQL://u@127.0.0.1/db").is_ok(), "schemes are case-insensitive");
    }

    #[test]
    fn the_keyword_form_is_read_as_libpq_reads_it() {
        let options = parse("host=127.0.0.1 port = 6543 user=me password='s3 cret\\'x' dbname=app sslmode=disable")
            .expect("valid");
        assert_eq!((options.get_host(), options.get_port(), options.get_username()), ("127.0.0.1", 6543, "me"));
        assert_eq!(options.get_database(), Some("app"));
        let socket = parse("host=/var/run/postgresql dbname=x").expect("socket");
        assert!(socket.get_socket().is_some());
        for bad in ["host=h passwort=s3cretPW", "host=h password='s3cretPW", "host h=x password=s3cretPW"] {
            let error = parse(bad).expect_err(bad).to_string();
            assert!(!error.contains("s3cretPW"), "{error}");
        }
    }

    #[test]
    fn a_bracketed_ipv6_host_loses_its_brackets() {
        assert_eq!(parse("postgres://postgres@[::1]:5432/db").expect("valid").get_host(), "::1");
        assert_eq!(parse("host=::1 dbname=db").expect("valid").get_host(), "::1");
    }
}
