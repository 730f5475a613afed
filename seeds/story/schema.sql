-- story: a multi-team platform that ingests customer stories (videos, podcasts, calls), splits them
-- into chapters and turns, extracts highlights, and turns them into playbooks and assistant chats.
--
-- Modelled on story-platform-schema-audit.md (current Drizzle schema vs the proposed ERD): the
-- proposed tables are included (team owner, customer tags, chapters/turns, authors, categories,
-- team state tables, playbook templates, assistant threads) together with the Stripe tables.
--
-- Conventions: uuid keys with gen_random_uuid() (built in since PostgreSQL 13), Stripe text ids
-- for billing, timestamptz everywhere, snake_case, created_at/updated_at on every entity table.
-- Reference tables with fixed rows (loaded from CSV beside this file):
--   story.categories (categories.csv), story.products (products.csv), story.prices (prices.csv).
-- FK cycle: story.teams.owner_id -> story.users (NOT NULL) and story.users.current_team_id ->
-- story.teams (nullable), closed by an ALTER TABLE once both tables exist.

CREATE SCHEMA IF NOT EXISTS story;

-- ---------------------------------------------------------------------------
-- Users and teams
-- ---------------------------------------------------------------------------

CREATE TABLE story.users (
    id               uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    email            varchar(254)  NOT NULL UNIQUE,
    full_name        varchar(120)  NOT NULL,
    job_title        varchar(120),
    avatar_url       varchar(500),
    current_team_id  uuid,                                  -- FK added below (cycle with teams)
    last_seen_at     timestamptz,
    created_at       timestamptz   NOT NULL DEFAULT now(),
    updated_at       timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT users_email_length CHECK (length(email) BETWEEN 5 AND 254)
);

CREATE TABLE story.teams (
    id                  uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    name                varchar(100)  NOT NULL,
    slug                varchar(60)   NOT NULL UNIQUE,
    owner_id            uuid          NOT NULL REFERENCES story.users (id) ON DELETE RESTRICT,
    plan_code           varchar(20)   NOT NULL DEFAULT 'free',
    stripe_customer_id  text          UNIQUE,
    settings            jsonb         NOT NULL DEFAULT '{}'::jsonb,
    created_at          timestamptz   NOT NULL DEFAULT now(),
    updated_at          timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT teams_slug_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    CONSTRAINT teams_plan_code CHECK (plan_code IN ('free', 'starter', 'growth', 'enterprise')),
    CONSTRAINT teams_stripe_customer_format CHECK (stripe_customer_id ~ '^cus_[A-Za-z0-9]+$')
);

ALTER TABLE story.users
    ADD CONSTRAINT users_current_team_id_fkey
    FOREIGN KEY (current_team_id) REFERENCES story.teams (id) ON DELETE SET NULL;

CREATE TABLE story.team_members (
    team_id    uuid         NOT NULL REFERENCES story.teams (id) ON DELETE CASCADE,
    user_id    uuid         NOT NULL REFERENCES story.users (id) ON DELETE CASCADE,
    role       varchar(20)  NOT NULL DEFAULT 'member',
    joined_at  timestamptz  NOT NULL DEFAULT now(),
    updated_at timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (team_id, user_id),
    CONSTRAINT team_members_role CHECK (role IN ('owner', 'admin', 'member', 'viewer'))
);

CREATE TABLE story.team_invites (
    id           uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id      uuid          NOT NULL REFERENCES story.teams (id) ON DELETE CASCADE,
    email        varchar(254)  NOT NULL,
    role         varchar(20)   NOT NULL DEFAULT 'member',
    invited_by   uuid          REFERENCES story.users (id) ON DELETE SET NULL,
    token        varchar(64)   NOT NULL UNIQUE,
    status       varchar(20)   NOT NULL DEFAULT 'pending',
    expires_at   timestamptz   NOT NULL,
    accepted_at  timestamptz,
    created_at   timestamptz   NOT NULL DEFAULT now(),
    updated_at   timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT team_invites_team_email_unique UNIQUE (team_id, email),
    CONSTRAINT team_invites_role CHECK (role IN ('admin', 'member', 'viewer')),
    CONSTRAINT team_invites_status CHECK (status IN ('pending', 'accepted', 'revoked', 'expired')),
    CONSTRAINT team_invites_expiry CHECK (expires_at > created_at)
);

-- ---------------------------------------------------------------------------
-- Customers and tags
-- ---------------------------------------------------------------------------

CREATE TABLE story.customers (
    id          uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id     uuid          NOT NULL REFERENCES story.teams (id) ON DELETE CASCADE,
    owner_id    uuid          REFERENCES story.users (id) ON DELETE SET NULL,
    name        varchar(200)  NOT NULL,
    company     varchar(200),
    email       varchar(254),
    website     varchar(500),
    persona     varchar(30),
    status      varchar(20)   NOT NULL DEFAULT 'prospect',
    context     text,
    metadata    jsonb         NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz   NOT NULL DEFAULT now(),
    updated_at  timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT customers_persona CHECK (persona IN (
        'founder', 'executive', 'product_manager', 'engineer', 'designer', 'marketer', 'sales', 'other')),
    CONSTRAINT customers_status CHECK (status IN ('prospect', 'lead', 'active', 'at_risk', 'churned'))
);

CREATE TABLE story.customer_tags (
    id          uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id     uuid         NOT NULL REFERENCES story.teams (id) ON DELETE CASCADE,
    name        varchar(50)  NOT NULL,
    color       char(7)      NOT NULL DEFAULT '#6b7280',
    created_at  timestamptz  NOT NULL DEFAULT now(),
    updated_at  timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT customer_tags_team_name_unique UNIQUE (team_id, name),
    CONSTRAINT customer_tags_color CHECK (color ~ '^#[0-9a-f]{6}$')
);

CREATE TABLE story.customer_tag_assignments (
    customer_id  uuid         NOT NULL REFERENCES story.customers (id) ON DELETE CASCADE,
    tag_id       uuid         NOT NULL REFERENCES story.customer_tags (id) ON DELETE CASCADE,
    assigned_by  uuid         REFERENCES story.users (id) ON DELETE SET NULL,
    created_at   timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (customer_id, tag_id)
);

-- ---------------------------------------------------------------------------
-- Sources, clusters, stories
-- ---------------------------------------------------------------------------

CREATE TABLE story.sources (
    id              uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    kind            varchar(20)   NOT NULL,
    name            varchar(200)  NOT NULL,
    url             varchar(1000) NOT NULL UNIQUE,
    is_active       boolean       NOT NULL DEFAULT true,
    last_polled_at  timestamptz,
    config          jsonb         NOT NULL DEFAULT '{}'::jsonb,
    created_at      timestamptz   NOT NULL DEFAULT now(),
    updated_at      timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT sources_kind CHECK (kind IN ('youtube', 'podcast', 'rss', 'upload', 'zoom', 'web'))
);

CREATE TABLE story.clusters (
    id          uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    label       varchar(200)  NOT NULL,
    summary     text,
    story_count integer       NOT NULL DEFAULT 0 CHECK (story_count >= 0),
    cohesion    real          CHECK (cohesion BETWEEN 0 AND 1),
    created_at  timestamptz   NOT NULL DEFAULT now(),
    updated_at  timestamptz   NOT NULL DEFAULT now()
);

CREATE TABLE story.stories (
    id                 uuid           PRIMARY KEY DEFAULT gen_random_uuid(),
    primary_source_id  uuid           NOT NULL REFERENCES story.sources (id) ON DELETE CASCADE,
    cluster_id         uuid           REFERENCES story.clusters (id) ON DELETE SET NULL,
    external_id        varchar(200)   NOT NULL,
    kind               varchar(20)    NOT NULL,
    title              varchar(300)   NOT NULL,
    summary            text,
    external_url       varchar(1000),
    thumbnail_url      varchar(1000),
    language           char(2)        NOT NULL DEFAULT 'en',
    duration_seconds   integer        CHECK (duration_seconds >= 0),
    status             varchar(20)    NOT NULL DEFAULT 'pending',
    published_at       timestamptz,
    metadata           jsonb          NOT NULL DEFAULT '{}'::jsonb,
    created_at         timestamptz    NOT NULL DEFAULT now(),
    updated_at         timestamptz    NOT NULL DEFAULT now(),
    CONSTRAINT stories_source_external_unique UNIQUE (primary_source_id, external_id),
    CONSTRAINT stories_kind CHECK (kind IN ('video', 'podcast', 'article', 'interview', 'call')),
    CONSTRAINT stories_status CHECK (status IN ('pending', 'processing', 'ready', 'failed'))
);

CREATE TABLE story.story_chapters (
    id             uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    story_id       uuid          NOT NULL REFERENCES story.stories (id) ON DELETE CASCADE,
    position       integer       NOT NULL CHECK (position >= 0),
    title          varchar(300)  NOT NULL,
    summary        text,
    start_seconds  integer       NOT NULL CHECK (start_seconds >= 0),
    end_seconds    integer       NOT NULL,
    created_at     timestamptz   NOT NULL DEFAULT now(),
    updated_at     timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT story_chapters_story_position_unique UNIQUE (story_id, position),
    CONSTRAINT story_chapters_range CHECK (end_seconds > start_seconds)
);

CREATE TABLE story.story_turns (
    id             uuid           PRIMARY KEY DEFAULT gen_random_uuid(),
    story_id       uuid           NOT NULL REFERENCES story.stories (id) ON DELETE CASCADE,
    chapter_id     uuid           REFERENCES story.story_chapters (id) ON DELETE SET NULL,
    position       integer        NOT NULL CHECK (position >= 0),
    speaker        varchar(120)   NOT NULL,
    content        text           NOT NULL,
    start_seconds  numeric(10,3)  NOT NULL CHECK (start_seconds >= 0),
    end_seconds    numeric(10,3)  NOT NULL,
    created_at     timestamptz    NOT NULL DEFAULT now(),
    updated_at     timestamptz    NOT NULL DEFAULT now(),
    CONSTRAINT story_turns_story_position_unique UNIQUE (story_id, position),
    CONSTRAINT story_turns_range CHECK (end_seconds >= start_seconds)
);

-- team_id NULL = a highlight generated for the story itself, visible to every team.
CREATE TABLE story.highlights (
    id             uuid           PRIMARY KEY DEFAULT gen_random_uuid(),
    story_id       uuid           NOT NULL REFERENCES story.stories (id) ON DELETE CASCADE,
    chapter_id     uuid           REFERENCES story.story_chapters (id) ON DELETE SET NULL,
    team_id        uuid           REFERENCES story.teams (id) ON DELETE CASCADE,
    created_by     uuid           REFERENCES story.users (id) ON DELETE SET NULL,
    kind           varchar(30)    NOT NULL,
    title          varchar(200)   NOT NULL,
    summary        text,
    quote          text,
    start_seconds  numeric(10,3)  CHECK (start_seconds >= 0),
    end_seconds    numeric(10,3),
    confidence     real           NOT NULL DEFAULT 1 CHECK (confidence BETWEEN 0 AND 1),
    is_generated   boolean        NOT NULL DEFAULT false,
    created_at     timestamptz    NOT NULL DEFAULT now(),
    updated_at     timestamptz    NOT NULL DEFAULT now(),
    CONSTRAINT highlights_kind CHECK (kind IN (
        'quote', 'insight', 'pain_point', 'feature_request', 'objection', 'praise', 'metric')),
    CONSTRAINT highlights_range CHECK (end_seconds >= start_seconds)
);

-- ---------------------------------------------------------------------------
-- Authors and categories (M:N)
-- ---------------------------------------------------------------------------

CREATE TABLE story.authors (
    id           uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    name         varchar(200)  NOT NULL,
    handle       varchar(100)  UNIQUE,
    bio          text,
    avatar_url   varchar(1000),
    profile_url  varchar(1000),
    created_at   timestamptz   NOT NULL DEFAULT now(),
    updated_at   timestamptz   NOT NULL DEFAULT now()
);

CREATE TABLE story.story_authors (
    story_id    uuid         NOT NULL REFERENCES story.stories (id) ON DELETE CASCADE,
    author_id   uuid         NOT NULL REFERENCES story.authors (id) ON DELETE CASCADE,
    role        varchar(20)  NOT NULL DEFAULT 'speaker',
    created_at  timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (story_id, author_id),
    CONSTRAINT story_authors_role CHECK (role IN ('host', 'guest', 'author', 'speaker', 'interviewer'))
);

CREATE TABLE story.categories (
    id           uuid          PRIMARY KEY,
    slug         varchar(60)   NOT NULL UNIQUE,
    name         varchar(100)  NOT NULL,
    description  text,
    sort_order   smallint      NOT NULL DEFAULT 0,
    created_at   timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT categories_slug_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$')
);

CREATE TABLE story.story_category_links (
    story_id     uuid         NOT NULL REFERENCES story.stories (id) ON DELETE CASCADE,
    category_id  uuid         NOT NULL REFERENCES story.categories (id) ON DELETE CASCADE,
    confidence   real         CHECK (confidence BETWEEN 0 AND 1),
    created_at   timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (story_id, category_id)
);

-- ---------------------------------------------------------------------------
-- Team-specific state
-- ---------------------------------------------------------------------------

CREATE TABLE story.team_story_states (
    team_id         uuid         NOT NULL REFERENCES story.teams (id) ON DELETE CASCADE,
    story_id        uuid         NOT NULL REFERENCES story.stories (id) ON DELETE CASCADE,
    status          varchar(20)  NOT NULL DEFAULT 'new',
    is_pinned       boolean      NOT NULL DEFAULT false,
    rating          smallint     CHECK (rating BETWEEN 1 AND 5),
    last_viewed_at  timestamptz,
    created_at      timestamptz  NOT NULL DEFAULT now(),
    updated_at      timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (team_id, story_id),
    CONSTRAINT team_story_states_status CHECK (status IN ('new', 'reviewing', 'reviewed', 'archived'))
);

CREATE TABLE story.team_highlight_states (
    team_id       uuid         NOT NULL REFERENCES story.teams (id) ON DELETE CASCADE,
    highlight_id  uuid         NOT NULL REFERENCES story.highlights (id) ON DELETE CASCADE,
    is_starred    boolean      NOT NULL DEFAULT false,
    is_hidden     boolean      NOT NULL DEFAULT false,
    note          text,
    created_at    timestamptz  NOT NULL DEFAULT now(),
    updated_at    timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (team_id, highlight_id)
);

-- ---------------------------------------------------------------------------
-- Playbooks
-- ---------------------------------------------------------------------------

-- team_id NULL = a global template offered to every team.
CREATE TABLE story.playbook_templates (
    id           uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id      uuid          REFERENCES story.teams (id) ON DELETE CASCADE,
    created_by   uuid          REFERENCES story.users (id) ON DELETE SET NULL,
    name         varchar(150)  NOT NULL,
    description  text,
    category     varchar(30)   NOT NULL,
    is_published boolean       NOT NULL DEFAULT false,
    created_at   timestamptz   NOT NULL DEFAULT now(),
    updated_at   timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT playbook_templates_category CHECK (category IN (
        'onboarding', 'renewal', 'expansion', 'churn_prevention', 'research', 'marketing'))
);

CREATE TABLE story.playbook_template_steps (
    id            uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    template_id   uuid          NOT NULL REFERENCES story.playbook_templates (id) ON DELETE CASCADE,
    position      integer       NOT NULL CHECK (position >= 1),
    title         varchar(200)  NOT NULL,
    instructions  text,
    is_optional   boolean       NOT NULL DEFAULT false,
    created_at    timestamptz   NOT NULL DEFAULT now(),
    updated_at    timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT playbook_template_steps_position_unique UNIQUE (template_id, position)
);

-- A deliverable produced by running a template for a team (optionally for one customer).
CREATE TABLE story.playbook_outputs (
    id           uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    template_id  uuid          NOT NULL REFERENCES story.playbook_templates (id) ON DELETE CASCADE,
    team_id      uuid          NOT NULL REFERENCES story.teams (id) ON DELETE CASCADE,
    customer_id  uuid          REFERENCES story.customers (id) ON DELETE SET NULL,
    created_by   uuid          REFERENCES story.users (id) ON DELETE SET NULL,
    kind         varchar(20)   NOT NULL,
    format       varchar(10)   NOT NULL DEFAULT 'markdown',
    title        varchar(200)  NOT NULL,
    body         text          NOT NULL,
    highlight_ids uuid[]       NOT NULL DEFAULT '{}',
    created_at   timestamptz   NOT NULL DEFAULT now(),
    updated_at   timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT playbook_outputs_kind CHECK (kind IN ('summary', 'email', 'deck', 'report', 'brief')),
    CONSTRAINT playbook_outputs_format CHECK (format IN ('markdown', 'html', 'json'))
);

-- ---------------------------------------------------------------------------
-- Assistant
-- ---------------------------------------------------------------------------

CREATE TABLE story.assistant_threads (
    id          uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id     uuid          NOT NULL REFERENCES story.teams (id) ON DELETE CASCADE,
    user_id     uuid          NOT NULL REFERENCES story.users (id) ON DELETE CASCADE,
    story_id    uuid          REFERENCES story.stories (id) ON DELETE SET NULL,
    title       varchar(200),
    status      varchar(20)   NOT NULL DEFAULT 'active',
    created_at  timestamptz   NOT NULL DEFAULT now(),
    updated_at  timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT assistant_threads_status CHECK (status IN ('active', 'archived'))
);

CREATE TABLE story.assistant_messages (
    id            uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    thread_id     uuid         NOT NULL REFERENCES story.assistant_threads (id) ON DELETE CASCADE,
    role          varchar(20)  NOT NULL,
    content       text         NOT NULL,
    model         varchar(60),
    input_tokens  integer      CHECK (input_tokens >= 0),
    output_tokens integer      CHECK (output_tokens >= 0),
    citations     jsonb        NOT NULL DEFAULT '[]'::jsonb,
    created_at    timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT assistant_messages_role CHECK (role IN ('user', 'assistant', 'system', 'tool'))
);

-- ---------------------------------------------------------------------------
-- Billing (mirrors Stripe objects; ids are Stripe's)
-- ---------------------------------------------------------------------------

CREATE TABLE story.products (
    id           text          PRIMARY KEY,
    name         varchar(100)  NOT NULL,
    description  text,
    active       boolean       NOT NULL DEFAULT true,
    metadata     jsonb         NOT NULL DEFAULT '{}'::jsonb,
    created_at   timestamptz   NOT NULL DEFAULT now(),
    updated_at   timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT products_id_format CHECK (id ~ '^prod_[A-Za-z0-9]+$')
);

CREATE TABLE story.prices (
    id                 text         PRIMARY KEY,
    product_id         text         NOT NULL REFERENCES story.products (id) ON DELETE CASCADE,
    active             boolean      NOT NULL DEFAULT true,
    currency           char(3)      NOT NULL DEFAULT 'usd',
    unit_amount        bigint       NOT NULL CHECK (unit_amount >= 0),
    type               varchar(10)  NOT NULL DEFAULT 'recurring',
    "interval"         varchar(5),
    interval_count     integer      NOT NULL DEFAULT 1 CHECK (interval_count > 0),
    trial_period_days  integer      CHECK (trial_period_days >= 0),
    lookup_key         varchar(100) UNIQUE,
    metadata           jsonb        NOT NULL DEFAULT '{}'::jsonb,
    created_at         timestamptz  NOT NULL DEFAULT now(),
    updated_at         timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT prices_id_format CHECK (id ~ '^price_[A-Za-z0-9]+$'),
    CONSTRAINT prices_currency_format CHECK (currency ~ '^[a-z]{3}$'),
    CONSTRAINT prices_type CHECK (type IN ('one_time', 'recurring')),
    CONSTRAINT prices_interval CHECK ("interval" IN ('day', 'week', 'month', 'year')),
    CONSTRAINT prices_recurring_has_interval CHECK ((type = 'recurring') = ("interval" IS NOT NULL))
);

CREATE TABLE story.subscriptions (
    id                    text         PRIMARY KEY,
    team_id               uuid         NOT NULL REFERENCES story.teams (id) ON DELETE CASCADE,
    price_id              text         NOT NULL REFERENCES story.prices (id),
    status                varchar(20)  NOT NULL,
    quantity              integer      NOT NULL DEFAULT 1 CHECK (quantity > 0),
    cancel_at_period_end  boolean      NOT NULL DEFAULT false,
    current_period_start  timestamptz  NOT NULL,
    current_period_end    timestamptz  NOT NULL,
    trial_start           timestamptz,
    trial_end             timestamptz,
    canceled_at           timestamptz,
    ended_at              timestamptz,
    metadata              jsonb        NOT NULL DEFAULT '{}'::jsonb,
    created_at            timestamptz  NOT NULL DEFAULT now(),
    updated_at            timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT subscriptions_id_format CHECK (id ~ '^sub_[A-Za-z0-9]+$'),
    CONSTRAINT subscriptions_status CHECK (status IN (
        'incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'canceled',
        'unpaid', 'paused')),
    CONSTRAINT subscriptions_period CHECK (current_period_end > current_period_start),
    CONSTRAINT subscriptions_trial CHECK (trial_end > trial_start)
);

-- ---------------------------------------------------------------------------
-- Indexes (foreign keys and common queries)
-- ---------------------------------------------------------------------------

CREATE INDEX idx_users_current_team ON story.users (current_team_id);
CREATE INDEX idx_teams_owner ON story.teams (owner_id);
CREATE INDEX idx_team_members_user ON story.team_members (user_id);
CREATE INDEX idx_customers_team_status ON story.customers (team_id, status);
CREATE UNIQUE INDEX uq_customers_team_email ON story.customers (team_id, lower(email)) WHERE email IS NOT NULL;
CREATE INDEX idx_customer_tag_assignments_tag ON story.customer_tag_assignments (tag_id);
CREATE INDEX idx_stories_cluster ON story.stories (cluster_id);
CREATE INDEX idx_stories_published ON story.stories (published_at DESC);
CREATE INDEX idx_story_turns_chapter ON story.story_turns (chapter_id);
CREATE INDEX idx_highlights_story ON story.highlights (story_id);
CREATE INDEX idx_highlights_team ON story.highlights (team_id) WHERE team_id IS NOT NULL;
CREATE INDEX idx_story_authors_author ON story.story_authors (author_id);
CREATE INDEX idx_story_category_links_category ON story.story_category_links (category_id);
CREATE INDEX idx_team_story_states_pinned ON story.team_story_states (team_id) WHERE is_pinned;
CREATE INDEX idx_playbook_outputs_team ON story.playbook_outputs (team_id, created_at DESC);
CREATE INDEX idx_assistant_threads_team_user ON story.assistant_threads (team_id, user_id);
CREATE INDEX idx_assistant_messages_thread ON story.assistant_messages (thread_id, created_at);
CREATE INDEX idx_prices_product ON story.prices (product_id);
CREATE INDEX idx_subscriptions_team ON story.subscriptions (team_id);
