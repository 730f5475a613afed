//! Names that fit their table: products, projects, tags.
//!
//! `plan::columns::fit` chooses these for the `name`/`title` of a table whose own name says what
//! its rows are (a `products` table's names look like products, a `tags` table's like tags). The
//! words are our own short lists, written into the row's reused `String` like every text kind in
//! [`super::text`].

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
