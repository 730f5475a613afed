//! Names that fit their table, and titles people write: products, projects, tags, job titles, and
//! the titles of posts, episodes, chapters and threads.
//!
//! `plan::columns::fit` chooses the first ones for the `name`/`title` of a table whose own name
//! says what its rows are (a `products` table's names look like products, a `tags` table's like
//! tags, a person's title is a job title); a `title`, `headline`, `subject` or `caption` anywhere
//! else is a title as a person writes one (`Building Better Habits`, `The Practical Guide to
//! Pricing`), never lorem filler. The words are our own short lists, written into the row's reused
//! `String` like every text kind in [`super::text`]: a few picks, no allocation.

use std::fmt::Write;

use super::rng::RowRng;

const PRODUCT_QUALITIES: &[&str] = &[
    "Compact",
    "Classic",
    "Premium",
    "Smart",
    "Wireless",
    "Organic",
    "Ultra",
    "Portable",
    "Essential",
    "Deluxe",
    "Everyday",
    "Studio",
    "Travel",
    "Pro",
    "Mini",
    "Solid",
];
const PRODUCT_THINGS: &[&str] = &[
    "Desk Lamp",
    "Backpack",
    "Headphones",
    "Notebook",
    "Water Bottle",
    "Office Chair",
    "Keyboard",
    "Speaker",
    "Rain Jacket",
    "Blender",
    "Monitor",
    "Coffee Mug",
    "Sneakers",
    "Watch",
    "Camera",
    "Planner",
    "Starter Kit",
    "Bundle",
    "Subscription",
    "Toolkit",
];
const PROJECT_CODENAMES: &[&str] = &[
    "Falcon",
    "Aurora",
    "Atlas",
    "Orion",
    "Phoenix",
    "Nova",
    "Summit",
    "Horizon",
    "Beacon",
    "Compass",
    "Harbor",
    "Catalyst",
    "Evergreen",
    "Lighthouse",
    "Northstar",
    "Keystone",
];
const PROJECT_WORKSTREAMS: &[&str] = &[
    "Launch",
    "Redesign",
    "Migration",
    "Roadmap",
    "Rollout",
    "Research",
    "Campaign",
    "Sprint",
    "Platform",
    "Pilot",
    "Onboarding",
    "Relaunch",
    "Podcast",
    "Newsletter",
    "Series",
    "Website",
];
const TAGS: &[&str] = &[
    "design",
    "marketing",
    "sales",
    "support",
    "urgent",
    "research",
    "finance",
    "travel",
    "health",
    "music",
    "sports",
    "news",
    "tech",
    "food",
    "education",
    "ideas",
    "backlog",
    "bug",
    "feature",
    "review",
    "growth",
    "video",
    "social",
    "tutorial",
    "interview",
    "weekly",
    "beginner",
    "advanced",
    "community",
    "product",
];

/// `Compact Desk Lamp`.
pub fn write_product(rng: &mut RowRng, out: &mut String) {
    out.push_str(rng.pick(PRODUCT_QUALITIES));
    out.push(' ');
    out.push_str(rng.pick(PRODUCT_THINGS));
}

/// `Falcon Redesign`.
pub fn write_project(rng: &mut RowRng, out: &mut String) {
    out.push_str(rng.pick(PROJECT_CODENAMES));
    out.push(' ');
    out.push_str(rng.pick(PROJECT_WORKSTREAMS));
}

/// `marketing`.
pub fn tag(rng: &mut RowRng) -> &'static str {
    rng.pick(TAGS)
}

const TITLE_ADJECTIVES: &[&str] = &[
    "Better",
    "Simple",
    "Smarter",
    "Faster",
    "Quiet",
    "Honest",
    "Practical",
    "Modern",
    "Small",
    "Bold",
    "Remote",
    "Slow",
    "Calm",
    "Lasting",
    "Real",
    "Everyday",
    "Fresh",
    "Healthy",
    "Clear",
    "Hidden",
    "Affordable",
    "Creative",
    "Sustainable",
    "Early",
];
const TITLE_TOPICS: &[&str] = &[
    "Habits",
    "Teams",
    "Onboarding",
    "Pricing",
    "Remote Work",
    "Customer Interviews",
    "Product Launches",
    "Side Projects",
    "Morning Routines",
    "Home Cooking",
    "Travel",
    "Photography",
    "Newsletters",
    "Podcasts",
    "Hiring",
    "Feedback",
    "Meetings",
    "Sales Calls",
    "Code Reviews",
    "Design Systems",
    "Marketing",
    "Savings",
    "Running",
    "Sleep",
    "Focus",
    "Writing",
    "Communities",
    "Retention",
    "Growth",
    "Support",
    "Gardening",
    "Small Businesses",
];
const TITLE_GERUNDS: &[&str] = &[
    "Building",
    "Rethinking",
    "Scaling",
    "Planning",
    "Finding",
    "Growing",
    "Designing",
    "Measuring",
    "Starting",
    "Fixing",
    "Choosing",
    "Improving",
    "Simplifying",
    "Sharing",
    "Testing",
    "Funding",
];
const TITLE_AUDIENCES: &[&str] = &[
    "Small Teams",
    "Beginners",
    "Busy Parents",
    "Founders",
    "Creators",
    "Developers",
    "Students",
    "Freelancers",
    "Everyone",
    "New Managers",
    "Writers",
    "Nonprofits",
];

/// A title as people write them, in one of six shapes (the shortest half as often): `Pricing,
/// Explained`, `Building Better Habits`, `The Practical Guide to Pricing`, `Simple Onboarding for
/// Small Teams`, `7 Quiet Lessons from Remote Work`, `Notes on Calm Meetings`.
pub fn write_title(rng: &mut RowRng, out: &mut String) {
    let adjective = rng.pick(TITLE_ADJECTIVES);
    let topic = rng.pick(TITLE_TOPICS);
    // Each shape twice as often as the shortest one (0).
    let parts: [&str; 5] = match rng.below(11).div_ceil(2) {
        0 => [topic, ", Explained", "", "", ""],
        1 => [rng.pick(TITLE_GERUNDS), " ", adjective, " ", topic],
        2 => ["The ", adjective, " Guide to ", topic, ""],
        3 => [adjective, " ", topic, " for ", rng.pick(TITLE_AUDIENCES)],
        4 => {
            let count = rng.range_i64(3, 12);
            let _ = write!(out, "{count} ");
            [adjective, " Lessons from ", topic, "", ""]
        }
        _ => ["Notes on ", adjective, " ", topic, ""],
    };
    parts.iter().for_each(|part| out.push_str(part));
}

const JOB_LEVELS: &[&str] = &["Senior ", "Lead ", "Junior ", "Principal ", "Staff ", "Associate "];
const JOB_AREAS: &[&str] = &[
    "Product",
    "Marketing",
    "Sales",
    "Customer Success",
    "Software",
    "Design",
    "Operations",
    "Finance",
    "Data",
    "Support",
    "Content",
    "Growth",
    "Research",
    "Partnerships",
];
const JOB_ROLES: &[&str] = &[
    "Manager",
    "Designer",
    "Engineer",
    "Analyst",
    "Specialist",
    "Director",
    "Coordinator",
    "Consultant",
    "Strategist",
];

/// `Senior Product Manager`: a job title, half of them with a level.
pub fn write_job_title(rng: &mut RowRng, out: &mut String) {
    if rng.below(2) == 0 {
        out.push_str(rng.pick(JOB_LEVELS));
    }
    out.push_str(rng.pick(JOB_AREAS));
    out.push(' ');
    out.push_str(rng.pick(JOB_ROLES));
}

#[cfg(test)]
mod tests {
    use fake::locales::{Data, EN};

    use super::*;
    use crate::generate::rng::StreamKey;

    fn written(write: fn(&mut RowRng, &mut String), n: u64) -> Vec<String> {
        let key = StreamKey::new(3, "story.stories", "title");
        (0..n)
            .map(|row| {
                let mut out = String::new();
                write(&mut RowRng::at(key, row), &mut out);
                out
            })
            .collect()
    }

    #[test]
    fn titles_are_capitalised_words_of_our_lists_not_lorem() {
        let titles = written(write_title, 500);
        let small = ["to", "for", "from", "on"];
        for title in &titles {
            let words: Vec<&str> = title.split(' ').collect();
            assert!((2..=7).contains(&words.len()), "{title}");
            for word in words {
                let lorem = <EN as Data>::LOREM_WORD.iter().any(|l| l.eq_ignore_ascii_case(word));
                assert!(!lorem || small.contains(&word), "lorem word {word:?} in {title}");
                let first = word.chars().next().unwrap_or(' ');
                assert!(first.is_ascii_uppercase() || first.is_ascii_digit() || small.contains(&word), "{title}");
            }
        }
        let distinct: std::collections::HashSet<&String> = titles.iter().collect();
        assert!(distinct.len() > 350, "titles vary: {} of 500", distinct.len());
    }

    #[test]
    fn job_titles_are_an_area_and_a_role() {
        for title in written(write_job_title, 200) {
            let role = title.rsplit(' ').next().unwrap_or_default();
            assert!(JOB_ROLES.contains(&role), "{title}");
            assert!(JOB_AREAS.iter().any(|area| title.contains(area)), "{title}");
        }
    }
}
