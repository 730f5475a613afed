//! Server settings the schema reads (`current_setting('app.current_tenant')` in a trigger, a
//! policy or a default): the profile's `[settings]` table and `--set name=value`.
//!
//! The run sets them with `SET LOCAL` in its transaction (gone with it), and every other
//! connection of the run (`--jobs` workers, their repair) for its session ([`super::Target`]).
//! Both go through `set_config` with bound parameters, never pasted SQL. Names are checked here,
//! before anything connects, against the shape of a configuration parameter's name.

use sqlx::PgConnection;

use crate::error::{Error, Result};

/// Settings in the order given; a later value of a name replaces an earlier one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServerSettings(Vec<(String, String)>);

impl ServerSettings {
    /// Adds or replaces `name`; the name must be valid ([`check_name`]).
    pub fn set(&mut self, name: String, value: String) {
        match self.0.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(&name)) {
            Some(slot) => slot.1 = value,
            None => self.0.push((name, value)),
        }
    }

    /// These settings, then `over`'s (which win).
    pub fn overridden_by(&self, over: &ServerSettings) -> ServerSettings {
        let mut merged = self.clone();
        for (name, value) in &over.0 {
            merged.set(name.clone(), value.clone());
        }
        merged
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &(String, String)> {
        self.0.iter()
    }

    /// Sets each on `conn`: for the current transaction when `local`, else for the session.
    pub async fn apply(&self, conn: &mut PgConnection, local: bool) -> Result<()> {
        for (name, value) in &self.0 {
            sqlx::query("SELECT set_config($1, $2, $3)")
                .bind(name)
                .bind(value)
                .bind(local)
                .execute(&mut *conn)
                .await
                .map_err(Error::database(format!("setting {name} (from --set or the profile's [settings])")))?;
        }
        Ok(())
    }
}

impl FromIterator<(String, String)> for ServerSettings {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(items: I) -> Self {
        let mut settings = ServerSettings::default();
        for (name, value) in items {
            settings.set(name, value);
        }
        settings
    }
}

/// Why `name` cannot be a configuration parameter, if it cannot: identifiers (letters, digits,
/// `_`, `$`, not starting with a digit or `$`) joined by dots, as `app.current_tenant`.
pub fn check_name(name: &str) -> std::result::Result<(), String> {
    let part_ok = |part: &str| {
        part.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
    };
    if name.split('.').all(part_ok) {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a setting name: use letters, digits and `_`, in parts joined by dots, such as \
             `app.current_tenant`"
        ))
    }
}

/// `--set NAME=VALUE`.
pub fn parse_assignment(text: &str) -> std::result::Result<(String, String), String> {
    let Some((name, value)) = text.split_once('=') else {
        return Err(format!("--set takes NAME=VALUE, such as `--set app.current_tenant=1`, not `{text}`"));
    };
    let name = name.trim();
    check_name(name).map_err(|e| format!("--set {text}: {e}"))?;
    Ok((name.to_string(), value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_dotted_identifiers() {
        for good in ["app.current_tenant", "work_mem", "my_app.v2.user$id"] {
            assert_eq!(check_name(good), Ok(()), "{good}");
        }
        for bad in ["", "app.", ".x", "1app.x", "app.current-tenant", "app.x; DROP TABLE t", "app x"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn assignments_split_at_the_first_equals_sign() {
        assert_eq!(parse_assignment("app.filter=a=b"), Ok(("app.filter".into(), "a=b".into())));
        assert_eq!(parse_assignment("app.empty="), Ok(("app.empty".into(), String::new())));
        assert!(parse_assignment("app.tenant").unwrap_err().contains("NAME=VALUE"));
        assert!(parse_assignment("bad name=1").unwrap_err().contains("not a setting name"));
    }

    #[test]
    fn later_settings_win() {
        let mut profile = ServerSettings::default();
        profile.set("app.tenant".into(), "1".into());
        profile.set("app.user".into(), "7".into());
        let mut flags = ServerSettings::default();
        flags.set("app.tenant".into(), "2".into());
        let merged: Vec<_> = profile.overridden_by(&flags).iter().cloned().collect();
        assert_eq!(merged, [("app.tenant".into(), "2".into()), ("app.user".into(), "7".into())]);
    }
}
