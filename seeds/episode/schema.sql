-- episode: a multi-tenant app that plans and generates recurring "episodes" (newsletter / podcast
-- style content) per project, with a scheduling queue, cost control, planning notes, agent memory,
-- block-based episode content, chat, highlights, event tracking and an audit log.
--
-- Modelled on episode-platform-database-hub.md: the 9 critical tables (EpisodeScheduleQueue,
-- TokenUsageDaily, PlanningNote, AgentMemory, UserEvent, AuditLog, Block, ChatSession/ChatMessage)
-- plus Highlight, the updated Episode/Project/User/Organization tables, and the raw token usage
-- records that TokenUsageDaily aggregates.
--
-- Key patterns from the document:
--   * every table carries organization_id (FK to episode.organizations);
--   * soft delete: deleted_at timestamptz NULL (+ deleted_by) on user-editable tables, with partial
--     unique indexes that ignore deleted rows;
--   * the queue is read with FOR UPDATE SKIP LOCKED (partial index on pending rows);
--   * cost circuit breaker reads token_usage_daily (UNIQUE (organization_id, date)).
-- The application (not a trigger) maintains token_usage_daily, so bulk loads are not side-effected.
-- No reference tables with fixed rows: enum types carry the fixed vocabularies.
-- FK cycle: organizations.owner_user_id -> users (NOT NULL, DEFERRABLE INITIALLY DEFERRED) and
-- users.organization_id -> organizations (NOT NULL); also organizations.deleted_by -> users (nullable).

CREATE SCHEMA IF NOT EXISTS episode;

-- ---------------------------------------------------------------------------
-- Types
-- ---------------------------------------------------------------------------

CREATE TYPE episode.episode_status AS ENUM (
    'draft', 'scheduled', 'generating', 'ready', 'published', 'failed', 'archived');

CREATE TYPE episode.queue_status AS ENUM ('pending', 'processing', 'completed', 'failed', 'cancelled');

CREATE TYPE episode.member_role AS ENUM ('owner', 'admin', 'editor', 'viewer');

CREATE TYPE episode.chat_role AS ENUM ('user', 'assistant', 'system', 'tool');

-- Money in pounds sterling, never negative.
CREATE DOMAIN episode.gbp AS numeric(12,4) CHECK (VALUE >= 0);

-- ---------------------------------------------------------------------------
-- Tenancy
-- ---------------------------------------------------------------------------

CREATE TABLE episode.organizations (
    id                    uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    name                  varchar(120)  NOT NULL,
    slug                  varchar(60)   NOT NULL,
    owner_user_id         uuid          NOT NULL,            -- FK added below (cycle with users)
    plan                  varchar(20)   NOT NULL DEFAULT 'trial',
    max_projects          integer       NOT NULL DEFAULT 1 CHECK (max_projects > 0),
    daily_cost_limit_gbp  episode.gbp   NOT NULL DEFAULT 50,
    timezone              varchar(64)   NOT NULL DEFAULT 'Europe/London',
    settings              jsonb         NOT NULL DEFAULT '{}'::jsonb,
    created_at            timestamptz   NOT NULL DEFAULT now(),
    updated_at            timestamptz   NOT NULL DEFAULT now(),
    deleted_at            timestamptz,
    deleted_by            uuid,                              -- FK added below
    CONSTRAINT organizations_plan CHECK (plan IN ('trial', 'starter', 'pro', 'agency')),
    CONSTRAINT organizations_slug_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$')
);

CREATE TABLE episode.users (
    id               uuid                 PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id  uuid                 NOT NULL REFERENCES episode.organizations (id) ON DELETE CASCADE,
    email            varchar(254)         NOT NULL,
    full_name        varchar(120)         NOT NULL,
    role             episode.member_role  NOT NULL DEFAULT 'editor',
    timezone         varchar(64)          NOT NULL DEFAULT 'Europe/London',
    avatar_url       varchar(500),
    last_active_at   timestamptz,
    created_at       timestamptz          NOT NULL DEFAULT now(),
    updated_at       timestamptz          NOT NULL DEFAULT now(),
    deleted_at       timestamptz,
    deleted_by       uuid                 REFERENCES episode.users (id) ON DELETE SET NULL,
    CONSTRAINT users_email_length CHECK (length(email) BETWEEN 5 AND 254)
);

ALTER TABLE episode.organizations
    ADD CONSTRAINT organizations_owner_user_id_fkey
    FOREIGN KEY (owner_user_id) REFERENCES episode.users (id)
    ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED;

ALTER TABLE episode.organizations
    ADD CONSTRAINT organizations_deleted_by_fkey
    FOREIGN KEY (deleted_by) REFERENCES episode.users (id) ON DELETE SET NULL;

-- ---------------------------------------------------------------------------
-- Projects and episodes
-- ---------------------------------------------------------------------------

CREATE TABLE episode.projects (
    id                    uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id       uuid          NOT NULL REFERENCES episode.organizations (id) ON DELETE CASCADE,
    created_by            uuid          REFERENCES episode.users (id) ON DELETE SET NULL,
    name                  varchar(120)  NOT NULL,
    description           text,
    status                varchar(20)   NOT NULL DEFAULT 'active',
    -- {"frequency": "weekly", "days": ["monday", "thursday"], "time": "09:00", "timezone": "..."}
    cadence_config        jsonb         NOT NULL
        DEFAULT '{"frequency": "weekly", "days": ["monday"], "time": "09:00", "timezone": "Europe/London"}'::jsonb,
    memories              jsonb         NOT NULL DEFAULT '[]'::jsonb,
    tone                  varchar(50),
    target_audience       varchar(200),
    target_length_words   integer       NOT NULL DEFAULT 800 CHECK (target_length_words BETWEEN 100 AND 10000),
    next_episode_at       timestamptz,
    created_at            timestamptz   NOT NULL DEFAULT now(),
    updated_at            timestamptz   NOT NULL DEFAULT now(),
    deleted_at            timestamptz,
    deleted_by            uuid          REFERENCES episode.users (id) ON DELETE SET NULL,
    CONSTRAINT projects_org_id_unique UNIQUE (organization_id, id),   -- target of composite FKs
    CONSTRAINT projects_status CHECK (status IN ('active', 'paused', 'archived')),
    CONSTRAINT projects_cadence_is_object CHECK (jsonb_typeof(cadence_config) = 'object'),
    CONSTRAINT projects_memories_is_array CHECK (jsonb_typeof(memories) = 'array')
);

CREATE TABLE episode.episodes (
    id                   uuid                    PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id      uuid                    NOT NULL REFERENCES episode.organizations (id) ON DELETE CASCADE,
    project_id           uuid                    NOT NULL,
    episode_number       integer                 NOT NULL CHECK (episode_number > 0),
    title                varchar(200)            NOT NULL,
    summary              text,
    status               episode.episode_status  NOT NULL DEFAULT 'draft',
    scheduled_for        timestamptz,
    published_at         timestamptz,
    generation_attempts  smallint                NOT NULL DEFAULT 0 CHECK (generation_attempts BETWEEN 0 AND 5),
    generation_errors    jsonb                   NOT NULL DEFAULT '[]'::jsonb,
    word_count           integer                 CHECK (word_count >= 0),
    model                varchar(60),
    created_by           uuid                    REFERENCES episode.users (id) ON DELETE SET NULL,
    created_at           timestamptz             NOT NULL DEFAULT now(),
    updated_at           timestamptz             NOT NULL DEFAULT now(),
    deleted_at           timestamptz,
    deleted_by           uuid                    REFERENCES episode.users (id) ON DELETE SET NULL,
    -- composite FK sharing organization_id with the FK above: the project must be in the same org
    CONSTRAINT episodes_project_fkey FOREIGN KEY (organization_id, project_id)
        REFERENCES episode.projects (organization_id, id) ON DELETE CASCADE,
    CONSTRAINT episodes_project_number_unique UNIQUE (project_id, episode_number),
    CONSTRAINT episodes_published_has_date CHECK (status <> 'published' OR published_at IS NOT NULL),
    CONSTRAINT episodes_errors_is_array CHECK (jsonb_typeof(generation_errors) = 'array')
);

CREATE TABLE episode.episode_schedule_queue (
    id               uuid                  PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id  uuid                  NOT NULL REFERENCES episode.organizations (id) ON DELETE CASCADE,
    project_id       uuid                  NOT NULL REFERENCES episode.projects (id) ON DELETE CASCADE,
    episode_id       uuid                  REFERENCES episode.episodes (id) ON DELETE SET NULL,
    scheduled_for    timestamptz           NOT NULL,
    status           episode.queue_status  NOT NULL DEFAULT 'pending',
    priority         smallint              NOT NULL DEFAULT 5 CHECK (priority BETWEEN 0 AND 10),
    attempts         smallint              NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts     smallint              NOT NULL DEFAULT 3 CHECK (max_attempts > 0),
    locked_at        timestamptz,
    locked_by        varchar(100),
    last_error       text,
    processed_at     timestamptz,
    created_at       timestamptz           NOT NULL DEFAULT now(),
    updated_at       timestamptz           NOT NULL DEFAULT now(),
    CONSTRAINT episode_schedule_queue_attempts CHECK (attempts <= max_attempts)
);

-- ---------------------------------------------------------------------------
-- Planning notes and agent memory
-- ---------------------------------------------------------------------------

CREATE TABLE episode.planning_notes (
    id                     uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id        uuid          NOT NULL REFERENCES episode.organizations (id) ON DELETE CASCADE,
    project_id             uuid          NOT NULL REFERENCES episode.projects (id) ON DELETE CASCADE,
    episode_id             uuid          REFERENCES episode.episodes (id) ON DELETE SET NULL,
    author_id              uuid          REFERENCES episode.users (id) ON DELETE SET NULL,
    note_type              varchar(20)   NOT NULL DEFAULT 'feedback',
    content                text          NOT NULL,
    status                 varchar(20)   NOT NULL DEFAULT 'open',
    applied_in_episode_id  uuid          REFERENCES episode.episodes (id) ON DELETE SET NULL,
    applied_at             timestamptz,
    created_at             timestamptz   NOT NULL DEFAULT now(),
    updated_at             timestamptz   NOT NULL DEFAULT now(),
    deleted_at             timestamptz,
    deleted_by             uuid          REFERENCES episode.users (id) ON DELETE SET NULL,
    CONSTRAINT planning_notes_type CHECK (note_type IN ('feedback', 'topic_idea', 'instruction', 'correction')),
    CONSTRAINT planning_notes_status CHECK (status IN ('open', 'applied', 'dismissed')),
    CONSTRAINT planning_notes_content_length CHECK (length(content) BETWEEN 1 AND 4000)
);

CREATE TABLE episode.agent_memory (
    id                 uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id    uuid          NOT NULL REFERENCES episode.organizations (id) ON DELETE CASCADE,
    project_id         uuid          NOT NULL REFERENCES episode.projects (id) ON DELETE CASCADE,
    memory_type        varchar(20)   NOT NULL,
    key                varchar(200)  NOT NULL,
    value              jsonb         NOT NULL,
    importance         smallint      NOT NULL DEFAULT 3 CHECK (importance BETWEEN 1 AND 5),
    source_episode_id  uuid          REFERENCES episode.episodes (id) ON DELETE SET NULL,
    last_used_at       timestamptz,
    expires_at         timestamptz,
    created_at         timestamptz   NOT NULL DEFAULT now(),
    updated_at         timestamptz   NOT NULL DEFAULT now(),
    deleted_at         timestamptz,
    CONSTRAINT agent_memory_type CHECK (memory_type IN (
        'fact', 'preference', 'style', 'topic_history', 'feedback_summary')),
    CONSTRAINT agent_memory_expiry CHECK (expires_at > created_at)
);

-- ---------------------------------------------------------------------------
-- Episode content: blocks and highlights
-- ---------------------------------------------------------------------------

CREATE TABLE episode.blocks (
    id               uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id  uuid          NOT NULL REFERENCES episode.organizations (id) ON DELETE CASCADE,
    episode_id       uuid          NOT NULL REFERENCES episode.episodes (id) ON DELETE CASCADE,
    block_type       varchar(20)   NOT NULL DEFAULT 'markdown',
    position         integer       NOT NULL DEFAULT 0 CHECK (position >= 0),
    content          text          NOT NULL DEFAULT '',
    metadata         jsonb         NOT NULL DEFAULT '{}'::jsonb,
    version          integer       NOT NULL DEFAULT 1 CHECK (version > 0),
    created_by       uuid          REFERENCES episode.users (id) ON DELETE SET NULL,
    created_at       timestamptz   NOT NULL DEFAULT now(),
    updated_at       timestamptz   NOT NULL DEFAULT now(),
    deleted_at       timestamptz,
    deleted_by       uuid          REFERENCES episode.users (id) ON DELETE SET NULL,
    CONSTRAINT blocks_type CHECK (block_type IN ('markdown', 'heading', 'quote', 'image', 'embed', 'callout'))
);

CREATE TABLE episode.highlights (
    id               uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id  uuid          NOT NULL REFERENCES episode.organizations (id) ON DELETE CASCADE,
    episode_id       uuid          NOT NULL REFERENCES episode.episodes (id) ON DELETE CASCADE,
    block_id         uuid          REFERENCES episode.blocks (id) ON DELETE SET NULL,
    user_id          uuid          NOT NULL REFERENCES episode.users (id) ON DELETE CASCADE,
    quote            text          NOT NULL,
    start_offset     integer       NOT NULL CHECK (start_offset >= 0),
    end_offset       integer       NOT NULL,
    color            varchar(10)   NOT NULL DEFAULT 'yellow',
    note             text,
    created_at       timestamptz   NOT NULL DEFAULT now(),
    updated_at       timestamptz   NOT NULL DEFAULT now(),
    deleted_at       timestamptz,
    CONSTRAINT highlights_range CHECK (end_offset > start_offset),
    CONSTRAINT highlights_color CHECK (color IN ('yellow', 'green', 'blue', 'pink', 'purple'))
);

-- ---------------------------------------------------------------------------
-- Chat
-- ---------------------------------------------------------------------------

CREATE TABLE episode.chat_sessions (
    id               uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id  uuid          NOT NULL REFERENCES episode.organizations (id) ON DELETE CASCADE,
    user_id          uuid          NOT NULL REFERENCES episode.users (id) ON DELETE CASCADE,
    project_id       uuid          REFERENCES episode.projects (id) ON DELETE CASCADE,
    episode_id       uuid          REFERENCES episode.episodes (id) ON DELETE SET NULL,
    title            varchar(200),
    status           varchar(20)   NOT NULL DEFAULT 'active',
    message_count    integer       NOT NULL DEFAULT 0 CHECK (message_count >= 0),
    last_message_at  timestamptz,
    created_at       timestamptz   NOT NULL DEFAULT now(),
    updated_at       timestamptz   NOT NULL DEFAULT now(),
    deleted_at       timestamptz,
    CONSTRAINT chat_sessions_status CHECK (status IN ('active', 'closed'))
);

CREATE TABLE episode.chat_messages (
    id               uuid               PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id  uuid               NOT NULL REFERENCES episode.organizations (id) ON DELETE CASCADE,
    session_id       uuid               NOT NULL REFERENCES episode.chat_sessions (id) ON DELETE CASCADE,
    role             episode.chat_role  NOT NULL,
    content          text               NOT NULL,
    model            varchar(60),
    input_tokens     integer            CHECK (input_tokens >= 0),
    output_tokens    integer            CHECK (output_tokens >= 0),
    cost_gbp         episode.gbp,
    metadata         jsonb              NOT NULL DEFAULT '{}'::jsonb,
    created_at       timestamptz        NOT NULL DEFAULT now()
);

-- ---------------------------------------------------------------------------
-- Cost tracking
-- ---------------------------------------------------------------------------

-- Raw per-call records (append-only, identity key).
CREATE TABLE episode.token_usage_events (
    id               bigint        GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id  uuid          NOT NULL REFERENCES episode.organizations (id) ON DELETE CASCADE,
    project_id       uuid          REFERENCES episode.projects (id) ON DELETE SET NULL,
    episode_id       uuid          REFERENCES episode.episodes (id) ON DELETE SET NULL,
    chat_session_id  uuid          REFERENCES episode.chat_sessions (id) ON DELETE SET NULL,
    user_id          uuid          REFERENCES episode.users (id) ON DELETE SET NULL,
    operation        varchar(30)   NOT NULL,
    model            varchar(60)   NOT NULL,
    input_tokens     integer       NOT NULL DEFAULT 0 CHECK (input_tokens >= 0),
    output_tokens    integer       NOT NULL DEFAULT 0 CHECK (output_tokens >= 0),
    cost_gbp         episode.gbp   NOT NULL DEFAULT 0,
    created_at       timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT token_usage_events_operation CHECK (operation IN (
        'episode_generation', 'planning', 'chat', 'embedding', 'summarization'))
);

-- Daily aggregate read by the cost circuit breaker (e.g. stop at £50/day).
CREATE TABLE episode.token_usage_daily (
    id               uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id  uuid          NOT NULL REFERENCES episode.organizations (id) ON DELETE CASCADE,
    date             date          NOT NULL,
    input_tokens     bigint        NOT NULL DEFAULT 0 CHECK (input_tokens >= 0),
    output_tokens    bigint        NOT NULL DEFAULT 0 CHECK (output_tokens >= 0),
    total_tokens     bigint        GENERATED ALWAYS AS (input_tokens + output_tokens) STORED,
    request_count    integer       NOT NULL DEFAULT 0 CHECK (request_count >= 0),
    total_cost_gbp   episode.gbp   NOT NULL DEFAULT 0,
    created_at       timestamptz   NOT NULL DEFAULT now(),
    updated_at       timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT token_usage_daily_org_date_unique UNIQUE (organization_id, date)
);

-- ---------------------------------------------------------------------------
-- Event tracking and audit
-- ---------------------------------------------------------------------------

-- Range-partitioned on occurred_at: one partition per year plus a DEFAULT partition.
CREATE TABLE episode.user_events (
    id               bigint        GENERATED ALWAYS AS IDENTITY,
    organization_id  uuid          NOT NULL REFERENCES episode.organizations (id) ON DELETE CASCADE,
    user_id          uuid          NOT NULL REFERENCES episode.users (id) ON DELETE CASCADE,
    project_id       uuid          REFERENCES episode.projects (id) ON DELETE SET NULL,
    episode_id       uuid          REFERENCES episode.episodes (id) ON DELETE SET NULL,
    event_type       varchar(100)  NOT NULL,
    event_data       jsonb,
    occurred_at      timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (id, occurred_at),
    CONSTRAINT user_events_type_length CHECK (length(event_type) BETWEEN 3 AND 100)
) PARTITION BY RANGE (occurred_at);

CREATE TABLE episode.user_events_2024 PARTITION OF episode.user_events
    FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
CREATE TABLE episode.user_events_2025 PARTITION OF episode.user_events
    FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');
CREATE TABLE episode.user_events_2026 PARTITION OF episode.user_events
    FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2027-01-01 00:00:00+00');
CREATE TABLE episode.user_events_default PARTITION OF episode.user_events DEFAULT;

-- Immutable, so no soft delete.
CREATE TABLE episode.audit_log (
    id               bigint        GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    organization_id  uuid          NOT NULL REFERENCES episode.organizations (id) ON DELETE CASCADE,
    actor_user_id    uuid          REFERENCES episode.users (id) ON DELETE SET NULL,
    action           varchar(20)   NOT NULL,
    entity_type      varchar(30)   NOT NULL,
    entity_id        uuid          NOT NULL,
    changes          jsonb,
    ip_address       inet,
    user_agent       varchar(500),
    created_at       timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT audit_log_action CHECK (action IN (
        'create', 'update', 'delete', 'restore', 'login', 'export', 'publish')),
    CONSTRAINT audit_log_entity_type CHECK (entity_type IN (
        'organization', 'user', 'project', 'episode', 'block', 'planning_note', 'chat_session'))
);

-- ---------------------------------------------------------------------------
-- Indexes
-- ---------------------------------------------------------------------------

CREATE UNIQUE INDEX uq_organizations_slug ON episode.organizations (slug) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX uq_users_org_email ON episode.users (organization_id, lower(email)) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX uq_projects_org_name ON episode.projects (organization_id, lower(name)) WHERE deleted_at IS NULL;
CREATE INDEX idx_episodes_project_status ON episode.episodes (project_id, status) WHERE deleted_at IS NULL;
CREATE INDEX idx_episodes_scheduled ON episode.episodes (scheduled_for) WHERE status = 'scheduled';
CREATE INDEX idx_queue_pending ON episode.episode_schedule_queue (scheduled_for, priority) WHERE status = 'pending';
CREATE UNIQUE INDEX uq_queue_open_slot ON episode.episode_schedule_queue (project_id, scheduled_for)
    WHERE status IN ('pending', 'processing');
CREATE INDEX idx_planning_notes_open ON episode.planning_notes (project_id, created_at)
    WHERE status = 'open' AND deleted_at IS NULL;
CREATE UNIQUE INDEX uq_agent_memory_key ON episode.agent_memory (project_id, memory_type, key) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX uq_blocks_episode_position ON episode.blocks (episode_id, position) WHERE deleted_at IS NULL;
CREATE INDEX idx_highlights_episode ON episode.highlights (episode_id) WHERE deleted_at IS NULL;
CREATE INDEX idx_chat_sessions_user ON episode.chat_sessions (user_id, last_message_at DESC);
CREATE INDEX idx_chat_messages_session ON episode.chat_messages (session_id, created_at);
CREATE INDEX idx_token_usage_events_org_created ON episode.token_usage_events (organization_id, created_at);
CREATE INDEX idx_user_events_org_type ON episode.user_events (organization_id, event_type, occurred_at);
CREATE INDEX idx_audit_log_entity ON episode.audit_log (entity_type, entity_id, created_at);
CREATE INDEX idx_audit_log_org_created ON episode.audit_log (organization_id, created_at DESC);
