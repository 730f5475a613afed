//! Finding the file `--profile` means: a path, or a name looked up in a `profiles/` folder.
//!
//! A name (`minimal`) is `NAME.toml` in the profiles folder: `$SEED_PROFILES` when it is set (for
//! tools and tests that run from elsewhere), else the first `profiles/` folder found walking up
//! from the current folder, so `seed --profile minimal` works from any folder of the project, as
//! `cargo` finds its manifest. Anything that looks like a file but not a TOML one (`plans.csv`) is
//! said not to be a profile, instead of being looked for as `profiles/plans.csv.toml`. When
//! nothing is found the message says where seed looked and which names that folder holds.

use std::path::{Path, PathBuf};

use super::ProfileError;

/// Where profile names are looked up.
#[derive(Debug, Clone)]
pub enum ProfileFolder {
    /// This folder only (`$SEED_PROFILES`).
    Given(PathBuf),
    /// The first `profiles/` folder in this folder or one above it.
    Above(PathBuf),
}

impl ProfileFolder {
    /// `$SEED_PROFILES` when set (to anything but nothing), else a search from the current folder.
    pub fn from_environment() -> ProfileFolder {
        match std::env::var_os("SEED_PROFILES").filter(|value| !value.is_empty()) {
            Some(folder) => ProfileFolder::Given(PathBuf::from(folder)),
            None => ProfileFolder::Above(std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))),
        }
    }

    /// The folder names are read from, if there is one.
    fn find(&self) -> Option<PathBuf> {
        match self {
            ProfileFolder::Given(folder) => Some(folder.clone()),
            ProfileFolder::Above(start) => {
                start.ancestors().map(|folder| folder.join("profiles")).find(|candidate| candidate.is_dir())
            }
        }
    }

    /// Where the profiles folder is, for a message.
    fn describe(&self, found: Option<&Path>) -> String {
        match (self, found) {
            (ProfileFolder::Given(folder), _) => format!("in SEED_PROFILES={}", folder.display()),
            (ProfileFolder::Above(_), Some(folder)) => format!("in {}", folder.display()),
            (ProfileFolder::Above(start), None) => {
                format!("no profiles/ folder in {} or any folder above it; SEED_PROFILES may name one", start.display())
            }
        }
    }

    /// Where `name` was looked for.
    fn tried(&self, name: &str, found: Option<&Path>) -> String {
        match (self, found) {
            (ProfileFolder::Above(start), None) => {
                format!("profiles/{name}.toml in {} and every folder above it", start.display())
            }
            (_, found) => {
                let folder = found.map_or_else(PathBuf::new, Path::to_path_buf);
                folder.join(format!("{name}.toml")).display().to_string()
            }
        }
    }
}

/// Finds a profile by path or by name (`NAME.toml` in `folder`'s profiles folder).
pub fn resolve_path(name_or_path: &str, folder: &ProfileFolder) -> Result<PathBuf, ProfileError> {
    let as_path = Path::new(name_or_path);
    let extension = as_path.extension().map(|e| e.to_string_lossy().into_owned());
    if extension.as_deref() == Some("toml") || name_or_path.contains(std::path::MAIN_SEPARATOR) {
        return match extension.as_deref() {
            Some("toml") | None => Ok(as_path.to_path_buf()),
            Some(_) => Err(not_a_profile(name_or_path, folder)),
        };
    }
    let found = folder.find();
    let candidate = found.as_ref().map(|f| f.join(format!("{name_or_path}.toml")));
    if let Some(candidate) = candidate.filter(|c| c.is_file()) {
        return Ok(candidate);
    }
    if extension.is_some() && (as_path.is_file() || looks_like_a_file(name_or_path)) {
        return Err(not_a_profile(name_or_path, folder));
    }
    Err(ProfileError::NotFound {
        name: name_or_path.to_string(),
        tried: folder.tried(name_or_path, found.as_deref()),
        available: available_profiles(folder, found.as_deref()),
    })
}

/// A name with a data file's extension (`plans.csv`, `dump.sql`), not a profile's name.
fn looks_like_a_file(name: &str) -> bool {
    let known = ["csv", "tsv", "sql", "json", "yaml", "yml", "txt", "md", "gz", "zip", "dump"];
    Path::new(name).extension().is_some_and(|e| known.iter().any(|k| e.eq_ignore_ascii_case(k)))
}

fn not_a_profile(name: &str, folder: &ProfileFolder) -> ProfileError {
    let found = folder.find();
    ProfileError::NotAProfile { name: name.to_string(), available: available_profiles(folder, found.as_deref()) }
}

/// The profile names in `found`, and where that is.
fn available_profiles(folder: &ProfileFolder, found: Option<&Path>) -> String {
    let mut names: Vec<String> = found
        .and_then(|f| std::fs::read_dir(f).ok())
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let path = entry.path();
            let is_toml = path.extension().is_some_and(|e| e == "toml");
            is_toml.then(|| path.file_stem().map(|s| s.to_string_lossy().into_owned()))?
        })
        .collect();
    names.sort();
    let listed = if names.is_empty() { "none".to_string() } else { names.join(", ") };
    format!("{listed} ({})", folder.describe(found))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder_with(profiles: &[&str]) -> PathBuf {
        let root = std::env::temp_dir().join(format!("seed-lookup-{}-{}", std::process::id(), profiles.join("-")));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("profiles").join("deep")).expect("folders");
        std::fs::create_dir_all(root.join("app").join("src")).expect("folders");
        for name in profiles {
            std::fs::write(root.join("profiles").join(format!("{name}.toml")), "").expect("profile");
        }
        root
    }

    #[test]
    fn a_name_is_found_from_a_folder_below_the_project() {
        let root = folder_with(&["minimal"]);
        let from = ProfileFolder::Above(root.join("app").join("src"));
        assert_eq!(resolve_path("minimal", &from).expect("found"), root.join("profiles").join("minimal.toml"));
        let _ = std::fs::remove_dir_all(root);
    }

    #[test]
    fn seed_profiles_names_the_only_folder_looked_in() {
        let root = folder_with(&["dev"]);
        let given = ProfileFolder::Given(root.join("profiles"));
        assert_eq!(resolve_path("dev", &given).expect("found"), root.join("profiles").join("dev.toml"));
        let message = resolve_path("load", &given).expect_err("absent").to_string();
        assert!(message.contains("Available profiles: dev (in SEED_PROFILES="), "{message}");
        let _ = std::fs::remove_dir_all(root);
    }

    #[test]
    fn without_a_profiles_folder_the_message_says_where_it_looked() {
        let nowhere = ProfileFolder::Above(PathBuf::from("/"));
        let message = resolve_path("minimal", &nowhere).expect_err("absent").to_string();
        assert!(
            message.contains("Available profiles: none (no profiles/ folder in / or any folder above it"),
            "{message}"
        );
    }

    #[test]
    fn a_data_file_is_not_a_profile() {
        let root = folder_with(&["minimal"]);
        let from = ProfileFolder::Above(root.clone());
        for name in ["plans.csv", "seeds/creator/plans.csv", "dump.sql"] {
            let message = resolve_path(name, &from).expect_err("not a profile").to_string();
            assert!(message.contains("is not a profile") && !message.contains(".csv.toml"), "{name}: {message}");
        }
        let _ = std::fs::remove_dir_all(root);
    }

    #[test]
    fn a_name_with_a_dot_is_still_a_name() {
        let root = folder_with(&["v1.2"]);
        let from = ProfileFolder::Above(root.clone());
        assert_eq!(resolve_path("v1.2", &from).expect("found"), root.join("profiles").join("v1.2.toml"));
        let _ = std::fs::remove_dir_all(root);
    }
}
