-- Remote biometric authentication, ITU-T X.1279 / ISO/IEC 27553-2 (issue 5).
-- No table holds an image or a raw template (A-S6, D-3): references are protected (non-invertible, renewable)
-- and sealed; captures leave only frame hashes behind, kept to refuse replays (X.1279 App. III item 4).

-- One-time codes an RP issues after authenticating the user its own way (X.1279 §8.2.1 pre-condition).
create table remote_enrolments (
    code_hash   bytea primary key,
    tenant_id   text not null references tenants (id),
    user_id     text not null,
    device_type text not null,
    created_at  timestamptz not null,
    expires_at  timestamptz not null,
    used_at     timestamptz,
    foreign key (tenant_id, user_id) references users (tenant_id, user_id) on delete cascade
);

-- Devices and their SRP-6a verifiers (RFC 5054); the device secret itself never reaches the server (A-G7).
create table remote_devices (
    tenant_id    text not null references tenants (id),
    device_id    text not null,
    user_id      text not null,
    device_type  text not null,
    srp_group    text not null,
    srp_digest   text not null,
    srp_salt     bytea not null,
    srp_verifier bytea not null,
    created_at   timestamptz not null,
    primary key (tenant_id, device_id),
    foreign key (tenant_id, user_id) references users (tenant_id, user_id) on delete cascade
);

-- SRP handshakes and the channels they open. Any node can continue a session: b and K are stored sealed,
-- and the per-direction sequence numbers are persisted and advanced by compare-and-set (A-G3).
create table remote_sessions (
    session_id     text primary key,
    tenant_id      text not null,
    device_id      text not null,
    state          text not null check (state in ('offered', 'open', 'failed')),
    srp_private    bytea,
    session_key    bytea,
    last_received  bigint not null default 0,
    last_sent      bigint not null default 0,
    client_network text not null,
    created_at     timestamptz not null,
    expires_at     timestamptz not null,
    foreign key (tenant_id, device_id) references remote_devices (tenant_id, device_id) on delete cascade
);
create index remote_sessions_expiry on remote_sessions (expires_at);

-- Challenges issued by the decision logic and their outcomes; also the user risk history (A-S5, A-S6).
create table remote_challenges (
    challenge_id   text primary key,
    tenant_id      text not null,
    user_id        text not null,
    device_id      text not null,
    session_id     text not null,
    operation      text not null check (operation in ('REGISTER', 'AUTHENTICATE', 'DEREGISTER')),
    actions        text[] not null,
    time_limit_ms  integer not null,
    nonce          bytea not null,
    decision       jsonb not null,
    client_network text not null,
    issued_at      timestamptz not null,
    expires_at     timestamptz not null,
    status         text not null check (status in ('open', 'answered')),
    outcome        text check (outcome in ('ACCEPTED', 'REFUSED', 'UNUSABLE')),
    reasons        text[] not null default '{}',
    assurance      jsonb,
    answered_at    timestamptz
);
create index remote_challenges_user on remote_challenges (tenant_id, user_id, issued_at);

-- Biometric references, one per user and device type (X.1279 §7.3.3). Both columns are SealedBlob bytes:
-- the protected template (ISO/IEC 24745) and, apart from it, the key of its renewable transform.
create table remote_references (
    tenant_id     text not null,
    user_id       text not null,
    device_type   text not null,
    reference     bytea not null,
    transform_key bytea not null,
    source_format text not null,
    scheme        text not null,
    source        text not null check (source in ('capture', 'import')),
    created_at    timestamptz not null,
    primary key (tenant_id, user_id, device_type),
    foreign key (tenant_id, user_id) references users (tenant_id, user_id) on delete cascade
);

-- SHA-256 of every frame ever presented, for the retention period.
create table remote_frame_hashes (
    frame_hash bytea primary key,
    seen_at    timestamptz not null
);
create index remote_frame_hashes_seen on remote_frame_hashes (seen_at);

-- Per-tenant decision-logic configuration (A-S5).
create table remote_policies (
    tenant_id  text primary key references tenants (id),
    policy     jsonb not null,
    updated_at timestamptz not null
);
