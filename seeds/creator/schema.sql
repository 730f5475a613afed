-- creator: a content-creator platform (projects, content, social publishing, AI assistance).
--
-- Modelled on the Renexus / CreatorNexus design documents:
--   creator-platform-migrations-audit.md   (tables, FKs, recommended CHECKs and indexes)
--   creator-platform-schema-validation.md  (table list, 0001/0002 migrations)
--   social-media-schema-consolidation.md   (platform definitions, subscription tiers, roles)
--
-- Drizzle-style conventions kept from the source: varchar user ids, serial ids elsewhere,
-- `timestamp` (without time zone) defaulting to now(), text[] arrays, jsonb metadata.
-- Reference tables with fixed rows (loaded from CSV beside this file):
--   creator.plans (plans.csv), creator.platforms (platforms.csv), creator.niches (niches.csv).
-- Applied to a database that does not yet have the schema; every name is schema-qualified.

CREATE SCHEMA IF NOT EXISTS creator;

-- ---------------------------------------------------------------------------
-- Reference tables (fixtures)
-- ---------------------------------------------------------------------------

CREATE TABLE creator.plans (
    id                    integer      PRIMARY KEY,
    code                  varchar(20)  NOT NULL UNIQUE,
    name                  varchar(50)  NOT NULL,
    monthly_price_cents   integer      NOT NULL DEFAULT 0 CHECK (monthly_price_cents >= 0),
    currency              char(3)      NOT NULL DEFAULT 'USD',
    max_projects          integer      CHECK (max_projects > 0),          -- NULL = unlimited
    max_social_accounts   integer      NOT NULL CHECK (max_social_accounts > 0),
    monthly_ai_credits    integer      NOT NULL DEFAULT 0 CHECK (monthly_ai_credits >= 0),
    features              jsonb        NOT NULL DEFAULT '{}'::jsonb,
    sort_order            smallint     NOT NULL DEFAULT 0,
    is_active             boolean      NOT NULL DEFAULT true,
    created_at            timestamp    NOT NULL DEFAULT now(),
    CONSTRAINT check_plan_code CHECK (code IN ('free', 'creator', 'pro', 'team', 'enterprise'))
);

CREATE TABLE creator.platforms (
    id                       varchar(20)   PRIMARY KEY,               -- 'twitter', 'instagram', ...
    name                     varchar(50)   NOT NULL UNIQUE,
    max_caption_length       integer       NOT NULL CHECK (max_caption_length > 0),
    max_hashtags             smallint      NOT NULL DEFAULT 30 CHECK (max_hashtags >= 0),
    max_video_seconds        integer       CHECK (max_video_seconds > 0),  -- NULL = no video
    supported_content_types  text[]        NOT NULL,
    brand_color              char(7)       NOT NULL CHECK (brand_color ~ '^#[0-9A-F]{6}$'),
    api_base_url             varchar(255)  NOT NULL,
    supports_scheduling      boolean       NOT NULL DEFAULT true,
    is_active                boolean       NOT NULL DEFAULT true,
    created_at               timestamp     NOT NULL DEFAULT now()
);

-- A small tree: parent_id points at an earlier (broader) niche.
CREATE TABLE creator.niches (
    id           integer       PRIMARY KEY,
    parent_id    integer       REFERENCES creator.niches (id) ON DELETE SET NULL,
    slug         varchar(60)   NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name         varchar(80)   NOT NULL,
    description  text,
    keywords     text[]        NOT NULL DEFAULT '{}',
    is_active    boolean       NOT NULL DEFAULT true,
    created_at   timestamp     NOT NULL DEFAULT now(),
    CONSTRAINT check_niche_not_own_parent CHECK (parent_id IS NULL OR parent_id <> id)
);

-- ---------------------------------------------------------------------------
-- Users and auth
-- ---------------------------------------------------------------------------

CREATE TABLE creator.users (
    id                    varchar(36)   PRIMARY KEY,
    email                 varchar(254)  NOT NULL,
    password              text          NOT NULL,
    first_name            varchar(100)  NOT NULL,
    last_name             varchar(100)  NOT NULL,
    profile_image_url     varchar(500),
    plan_id               integer       NOT NULL DEFAULT 1 REFERENCES creator.plans (id),
    role                  varchar(20)   NOT NULL DEFAULT 'user',
    timezone              varchar(64)   NOT NULL DEFAULT 'UTC',
    is_active             boolean       DEFAULT true,
    onboarding_completed  boolean       NOT NULL DEFAULT false,
    preferences           jsonb         NOT NULL DEFAULT '{}'::jsonb,
    last_login_at         timestamp,
    created_at            timestamp     DEFAULT now(),
    updated_at            timestamp     DEFAULT now(),
    CONSTRAINT users_email_unique UNIQUE (email),
    CONSTRAINT check_email_length CHECK (length(email) BETWEEN 5 AND 254),
    CONSTRAINT check_user_role CHECK (role IN ('admin', 'user', 'viewer'))
);

-- connect-pg-simple session store, plus the owning user when logged in.
CREATE TABLE creator.sessions (
    sid      varchar(255)  PRIMARY KEY,
    sess     jsonb         NOT NULL,
    expire   timestamp(6)  NOT NULL,
    user_id  varchar(36)   REFERENCES creator.users (id) ON DELETE CASCADE
);

-- ---------------------------------------------------------------------------
-- Templates, projects, content
-- ---------------------------------------------------------------------------

-- user_id NULL = a built-in template shared by everyone.
CREATE TABLE creator.templates (
    id            serial        PRIMARY KEY,
    user_id       varchar(36)   REFERENCES creator.users (id) ON DELETE CASCADE,
    name          varchar(100)  NOT NULL,
    description   text,
    category      varchar(30)   NOT NULL,
    platform      varchar(20)   REFERENCES creator.platforms (id),
    content_type  varchar(20)   NOT NULL,
    body          text          NOT NULL,
    variables     text[]        NOT NULL DEFAULT '{}',
    is_public     boolean       NOT NULL DEFAULT false,
    usage_count   integer       NOT NULL DEFAULT 0 CHECK (usage_count >= 0),
    metadata      jsonb,
    created_at    timestamp     DEFAULT now(),
    updated_at    timestamp     DEFAULT now(),
    CONSTRAINT check_template_category
        CHECK (category IN ('hook', 'script', 'caption', 'thread', 'newsletter', 'campaign')),
    CONSTRAINT check_template_content_type
        CHECK (content_type IN ('video', 'audio', 'image', 'text', 'reel', 'short'))
);

CREATE TABLE creator.projects (
    id                  serial        PRIMARY KEY,
    user_id             varchar(36)   NOT NULL REFERENCES creator.users (id) ON DELETE CASCADE,
    niche_id            integer       REFERENCES creator.niches (id) ON DELETE SET NULL,
    template_id         integer       REFERENCES creator.templates (id) ON DELETE SET NULL,
    name                varchar(100)  NOT NULL,
    description         text,
    type                varchar(20)   NOT NULL,
    platform            varchar(20)   REFERENCES creator.platforms (id),
    target_audience     varchar(200),
    estimated_duration  varchar(50),
    tags                text[],
    is_public           boolean       DEFAULT false,
    status              varchar(20)   NOT NULL DEFAULT 'active',
    metadata            jsonb,
    created_at          timestamp     DEFAULT now(),
    updated_at          timestamp     DEFAULT now(),
    CONSTRAINT check_project_type CHECK (type IN ('video', 'audio', 'image', 'script', 'campaign')),
    CONSTRAINT check_project_status CHECK (status IN ('active', 'completed', 'archived'))
);

CREATE TABLE creator.content (
    id             serial        PRIMARY KEY,
    user_id        varchar(36)   NOT NULL REFERENCES creator.users (id) ON DELETE CASCADE,
    project_id     integer       REFERENCES creator.projects (id) ON DELETE CASCADE,
    title          varchar(100)  NOT NULL,
    description    text,
    script         text,
    platform       varchar(20)   NOT NULL REFERENCES creator.platforms (id),
    content_type   varchar(20)   NOT NULL,
    status         varchar(20)   NOT NULL DEFAULT 'draft',
    scheduled_at   timestamp,
    published_at   timestamp,
    thumbnail_url  varchar(500),
    video_url      varchar(500),
    tags           text[],
    metadata       jsonb,
    ai_generated   boolean       DEFAULT false,
    created_at     timestamp     DEFAULT now(),
    updated_at     timestamp     DEFAULT now(),
    CONSTRAINT check_title_length CHECK (length(title) BETWEEN 1 AND 100),
    CONSTRAINT check_content_type
        CHECK (content_type IN ('video', 'audio', 'image', 'text', 'reel', 'short')),
    CONSTRAINT check_content_status CHECK (status IN ('draft', 'scheduled', 'published', 'failed')),
    CONSTRAINT check_scheduled_future CHECK (scheduled_at > created_at),
    CONSTRAINT check_published_after_created CHECK (published_at >= created_at)
);

CREATE TABLE creator.content_metrics (
    id               serial         PRIMARY KEY,
    content_id       integer        NOT NULL REFERENCES creator.content (id) ON DELETE CASCADE,
    platform         varchar(20)    NOT NULL REFERENCES creator.platforms (id),
    views            integer        DEFAULT 0 CHECK (views >= 0),
    likes            integer        DEFAULT 0 CHECK (likes >= 0),
    comments         integer        DEFAULT 0 CHECK (comments >= 0),
    shares           integer        DEFAULT 0 CHECK (shares >= 0),
    engagement_rate  numeric(5,2)   CHECK (engagement_rate BETWEEN 0 AND 100),
    revenue          numeric(10,2)  DEFAULT 0 CHECK (revenue >= 0),
    last_updated     timestamp      DEFAULT now()
);

-- ---------------------------------------------------------------------------
-- Social publishing
-- ---------------------------------------------------------------------------

CREATE TABLE creator.social_accounts (
    id             serial        PRIMARY KEY,
    user_id        varchar(36)   NOT NULL REFERENCES creator.users (id) ON DELETE CASCADE,
    platform       varchar(20)   NOT NULL REFERENCES creator.platforms (id),
    account_id     varchar(100)  NOT NULL,
    account_name   varchar(100)  NOT NULL,
    access_token   text,
    refresh_token  text,
    token_expiry   timestamp,
    is_active      boolean       DEFAULT true,
    metadata       jsonb,
    created_at     timestamp     DEFAULT now(),
    updated_at     timestamp     DEFAULT now(),
    CONSTRAINT social_accounts_user_platform_unique UNIQUE (user_id, platform),
    CONSTRAINT check_token_expiry_future CHECK (token_expiry > created_at)
);

CREATE TABLE creator.social_posts (
    id             serial        PRIMARY KEY,
    user_id        varchar(36)   NOT NULL REFERENCES creator.users (id) ON DELETE CASCADE,
    project_id     integer       REFERENCES creator.projects (id) ON DELETE CASCADE,
    content_id     integer       REFERENCES creator.content (id) ON DELETE SET NULL,
    title          varchar(100)  NOT NULL,
    caption        text,
    hashtags       text[],
    emojis         text[],
    content_type   varchar(20)   NOT NULL,
    status         varchar(20)   NOT NULL DEFAULT 'draft',
    scheduled_at   timestamp,
    published_at   timestamp,
    thumbnail_url  varchar(500),
    media_urls     text[],
    ai_generated   boolean       DEFAULT false,
    metadata       jsonb,
    created_at     timestamp     DEFAULT now(),
    updated_at     timestamp     DEFAULT now(),
    CONSTRAINT check_post_title_length CHECK (length(title) BETWEEN 1 AND 100),
    CONSTRAINT check_post_content_type
        CHECK (content_type IN ('video', 'audio', 'image', 'text', 'reel', 'short')),
    CONSTRAINT check_post_status CHECK (status IN ('draft', 'scheduled', 'published', 'failed')),
    CONSTRAINT check_post_scheduled_future CHECK (scheduled_at > created_at)
);

-- One row per (post, connected account) it is published to.
CREATE TABLE creator.platform_posts (
    id                 serial         PRIMARY KEY,
    social_post_id     integer        NOT NULL REFERENCES creator.social_posts (id) ON DELETE CASCADE,
    social_account_id  integer        NOT NULL REFERENCES creator.social_accounts (id) ON DELETE CASCADE,
    platform           varchar(20)    NOT NULL REFERENCES creator.platforms (id),
    platform_post_id   varchar(128),
    post_url           varchar(500),
    status             varchar(20)    NOT NULL DEFAULT 'pending',
    published_at       timestamp,
    error_message      text,
    impressions        integer        NOT NULL DEFAULT 0 CHECK (impressions >= 0),
    likes              integer        NOT NULL DEFAULT 0 CHECK (likes >= 0),
    comments           integer        NOT NULL DEFAULT 0 CHECK (comments >= 0),
    shares             integer        NOT NULL DEFAULT 0 CHECK (shares >= 0),
    engagement_rate    numeric(5,2)   CHECK (engagement_rate >= 0 AND engagement_rate <= 100),
    metadata           jsonb,
    created_at         timestamp      DEFAULT now(),
    updated_at         timestamp      DEFAULT now(),
    CONSTRAINT platform_posts_post_account_unique UNIQUE (social_post_id, social_account_id),
    CONSTRAINT check_platform_post_status
        CHECK (status IN ('pending', 'publishing', 'published', 'failed', 'deleted'))
);

CREATE TABLE creator.post_media (
    id                serial         PRIMARY KEY,
    social_post_id    integer        NOT NULL REFERENCES creator.social_posts (id) ON DELETE CASCADE,
    user_id           varchar(36)    NOT NULL REFERENCES creator.users (id) ON DELETE CASCADE,
    media_type        varchar(20)    NOT NULL,
    url               varchar(1000)  NOT NULL,
    thumbnail_url     varchar(1000),
    file_name         varchar(255),
    mime_type         varchar(100),
    file_size_bytes   bigint         CHECK (file_size_bytes >= 0),
    width             integer        CHECK (width > 0),
    height            integer        CHECK (height > 0),
    duration_seconds  numeric(8,2)   CHECK (duration_seconds >= 0),
    position          smallint       NOT NULL DEFAULT 0 CHECK (position >= 0),
    alt_text          varchar(500),
    metadata          jsonb,
    created_at        timestamp      DEFAULT now(),
    CONSTRAINT post_media_post_position_unique UNIQUE (social_post_id, position),
    CONSTRAINT check_media_type CHECK (media_type IN ('image', 'video', 'gif', 'audio', 'document'))
);

-- Includes the columns added by 0001_add_recurrence_fields.sql.
CREATE TABLE creator.post_schedules (
    id                 serial        PRIMARY KEY,
    social_post_id     integer       NOT NULL REFERENCES creator.social_posts (id) ON DELETE CASCADE,
    user_id            varchar(36)   NOT NULL REFERENCES creator.users (id) ON DELETE CASCADE,
    social_account_id  integer       REFERENCES creator.social_accounts (id) ON DELETE SET NULL,
    platform           varchar(20)   NOT NULL REFERENCES creator.platforms (id),
    scheduled_at       timestamp     NOT NULL,
    status             varchar(20)   NOT NULL DEFAULT 'pending',
    recurrence         varchar(20)   NOT NULL DEFAULT 'none',
    timezone           varchar(64)   NOT NULL DEFAULT 'UTC',
    series_end_date    timestamp,
    retry_count        integer       NOT NULL DEFAULT 0 CHECK (retry_count BETWEEN 0 AND 10),
    last_attempt_at    timestamp,
    error_message      text,
    metadata           jsonb,
    created_at         timestamp     DEFAULT now(),
    updated_at         timestamp     DEFAULT now(),
    CONSTRAINT check_schedule_status
        CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'cancelled')),
    CONSTRAINT check_schedule_recurrence
        CHECK (recurrence IN ('none', 'daily', 'weekly', 'biweekly', 'monthly')),
    CONSTRAINT check_schedule_future CHECK (scheduled_at > created_at),
    CONSTRAINT check_series_end_after_start CHECK (series_end_date > scheduled_at)
);

-- ---------------------------------------------------------------------------
-- Notifications
-- ---------------------------------------------------------------------------

CREATE TABLE creator.notifications (
    id          serial        PRIMARY KEY,
    user_id     varchar(36)   NOT NULL REFERENCES creator.users (id) ON DELETE CASCADE,
    type        varchar(30)   NOT NULL,
    title       varchar(200)  NOT NULL,
    message     text          NOT NULL,
    action_url  varchar(500),
    is_read     boolean       NOT NULL DEFAULT false,
    metadata    jsonb,
    created_at  timestamp     NOT NULL DEFAULT now(),
    read_at     timestamp,
    CONSTRAINT check_notification_type CHECK (type IN (
        'post_published', 'post_failed', 'schedule_reminder', 'ai_task_completed',
        'account_disconnected', 'system', 'billing')),
    CONSTRAINT check_read_after_created CHECK (read_at >= created_at)
);

-- ---------------------------------------------------------------------------
-- AI
-- ---------------------------------------------------------------------------

CREATE TABLE creator.ai_generation_tasks (
    id                  serial        PRIMARY KEY,
    user_id             varchar(36)   NOT NULL REFERENCES creator.users (id) ON DELETE CASCADE,
    project_id          integer       REFERENCES creator.projects (id) ON DELETE SET NULL,
    task_type           varchar(30)   NOT NULL,
    prompt              text          NOT NULL,
    result              text,
    status              varchar(20)   NOT NULL DEFAULT 'pending',
    model               varchar(60),
    tokens_used         integer       CHECK (tokens_used >= 0),
    processing_time_ms  integer       CHECK (processing_time_ms >= 0),
    error_message       text,
    metadata            jsonb,
    created_at          timestamp     DEFAULT now(),
    completed_at        timestamp,
    CONSTRAINT check_ai_task_type CHECK (task_type IN (
        'script', 'caption', 'hashtags', 'title', 'thumbnail', 'idea', 'voiceover')),
    CONSTRAINT check_ai_task_status CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
    CONSTRAINT check_ai_task_completed_after_created CHECK (completed_at >= created_at)
);

CREATE TABLE creator.ai_content_suggestions (
    id               serial        PRIMARY KEY,
    user_id          varchar(36)   NOT NULL REFERENCES creator.users (id) ON DELETE CASCADE,
    task_id          integer       REFERENCES creator.ai_generation_tasks (id) ON DELETE SET NULL,
    content_id       integer       REFERENCES creator.content (id) ON DELETE CASCADE,
    niche_id         integer       REFERENCES creator.niches (id) ON DELETE SET NULL,
    platform         varchar(20)   REFERENCES creator.platforms (id),
    suggestion_type  varchar(20)   NOT NULL,
    suggestion       text          NOT NULL,
    relevance_score  numeric(5,2)  NOT NULL DEFAULT 0 CHECK (relevance_score BETWEEN 0 AND 100),
    is_accepted      boolean,                               -- NULL = not reviewed yet
    metadata         jsonb,
    created_at       timestamp     DEFAULT now(),
    CONSTRAINT check_suggestion_type
        CHECK (suggestion_type IN ('title', 'caption', 'script', 'hashtag', 'topic', 'thumbnail'))
);

-- Trending hashtags per niche and platform; user_id set = personalised suggestion.
CREATE TABLE creator.hashtag_suggestions (
    id                   serial        PRIMARY KEY,
    niche_id             integer       NOT NULL REFERENCES creator.niches (id) ON DELETE CASCADE,
    platform             varchar(20)   NOT NULL REFERENCES creator.platforms (id),
    user_id              varchar(36)   REFERENCES creator.users (id) ON DELETE CASCADE,
    hashtag              varchar(100)  NOT NULL,
    popularity_score     smallint      NOT NULL DEFAULT 0 CHECK (popularity_score BETWEEN 0 AND 100),
    avg_engagement_rate  numeric(5,2)  CHECK (avg_engagement_rate BETWEEN 0 AND 100),
    post_count           bigint        NOT NULL DEFAULT 0 CHECK (post_count >= 0),
    is_trending          boolean       NOT NULL DEFAULT false,
    created_at           timestamp     DEFAULT now(),
    updated_at           timestamp     DEFAULT now(),
    CONSTRAINT hashtag_suggestions_unique UNIQUE (niche_id, platform, hashtag),
    CONSTRAINT check_hashtag_format CHECK (hashtag ~ '^#[A-Za-z0-9_]{1,99}$')
);

-- ---------------------------------------------------------------------------
-- Indexes (from the audit's recommendations)
-- ---------------------------------------------------------------------------

CREATE INDEX "IDX_session_expire" ON creator.sessions USING btree (expire);
CREATE INDEX idx_sessions_user_id ON creator.sessions (user_id);
CREATE INDEX idx_projects_user_id ON creator.projects (user_id);
CREATE INDEX idx_projects_user_active ON creator.projects (user_id) WHERE status = 'active';
CREATE INDEX idx_projects_niche_id ON creator.projects (niche_id);
CREATE INDEX idx_content_user_status ON creator.content (user_id, status, created_at);
CREATE INDEX idx_content_project_id ON creator.content (project_id);
CREATE INDEX idx_content_scheduled ON creator.content (scheduled_at) WHERE scheduled_at IS NOT NULL;
CREATE INDEX idx_content_tags ON creator.content USING gin (tags);
CREATE INDEX idx_content_metrics_lookup ON creator.content_metrics (content_id, platform, last_updated);
CREATE INDEX idx_social_posts_user_status ON creator.social_posts (user_id, status);
CREATE INDEX idx_social_posts_scheduled ON creator.social_posts (scheduled_at, status);
CREATE INDEX idx_platform_posts_account ON creator.platform_posts (social_account_id);
CREATE INDEX idx_post_schedules_due ON creator.post_schedules (scheduled_at) WHERE status = 'pending';
CREATE INDEX idx_notifications_unread ON creator.notifications (user_id, created_at) WHERE NOT is_read;
CREATE INDEX idx_ai_tasks_user_status ON creator.ai_generation_tasks (user_id, status);
CREATE INDEX idx_hashtag_suggestions_trending ON creator.hashtag_suggestions (platform, popularity_score DESC);
