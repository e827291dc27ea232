-- Out-of-band server authentication (ITU-T X.1280). Every table carries the tenant id and every query names it,
-- except look-ups by an unguessable id (enrolment code hash, authenticator id), which yield the tenant first.

-- Per-tenant settings (defaults apply when a tenant has no row).
create table oob_settings (
    tenant_id                  text primary key references tenants (id),
    code_digits                int not null check (code_digits between 6 and 10),
    validity_seconds           int not null check (validity_seconds between 10 and 600),
    concurrent_requests        text not null check (concurrent_requests in ('block', 'queue')),
    password_renewal           boolean not null,
    enrolment_validity_seconds int not null check (enrolment_validity_seconds between 60 and 86400)
);

-- Registration information of §8.1 step 6: only a SHA-256 of the one-time code is kept.
create table oob_enrolment_codes (
    enrolment_id text primary key,
    tenant_id    text not null,
    user_id      text not null,
    code_hash    bytea not null unique,
    created_at   timestamptz not null,
    expires_at   timestamptz not null,
    used_at      timestamptz,
    foreign key (tenant_id, user_id) references users (tenant_id, user_id) on delete cascade
);

-- Failed enrolment-code guesses per client address (lockout window).
create table oob_enrolment_failures (
    client_ip text not null,
    failed_at timestamptz not null
);
create index oob_enrolment_failures_ip on oob_enrolment_failures (client_ip, failed_at);

-- Per-user state: the sealed verification key of §8.1 step 12 (null after release), C-S1 flag, recovery lockout.
create table oob_user_state (
    tenant_id                text not null,
    user_id                  text not null,
    verification_key         text,
    password_login_disabled  boolean not null default false,
    recovery_failures        int not null default 0,
    recovery_window_start    timestamptz,
    updated_at               timestamptz not null,
    primary key (tenant_id, user_id),
    foreign key (tenant_id, user_id) references users (tenant_id, user_id) on delete cascade
);

-- C-S2 recovery codes, hashed, each usable once.
create table oob_recovery_codes (
    tenant_id text not null,
    user_id   text not null,
    code_hash bytea not null,
    used_at   timestamptz,
    primary key (tenant_id, user_id, code_hash),
    foreign key (tenant_id, user_id) references oob_user_state (tenant_id, user_id) on delete cascade
);

-- Registered authenticators (§8.1 step 11); several per user as backups.
create table oob_authenticators (
    authenticator_id text primary key,
    tenant_id        text not null,
    user_id          text not null,
    device_name      text not null,
    public_key_spki  bytea not null,
    status           text not null check (status in ('active', 'revoked')),
    created_at       timestamptz not null,
    last_used_at     timestamptz,
    revoked_at       timestamptz,
    foreign key (tenant_id, user_id) references users (tenant_id, user_id) on delete cascade
);
create index oob_authenticators_user on oob_authenticators (tenant_id, user_id);

-- Server authentication requests (§8.2-§8.5). The code is kept sealed so the relying party can read it again
-- when a queued request reaches the front (C-S4), and compared in constant time when the phone answers.
create table oob_requests (
    request_id           text primary key,
    tenant_id            text not null,
    user_id              text not null,
    offset_bytes         bytea not null,
    offset_hash          bytea not null,
    code_sealed          text not null,
    digits               int not null,
    status               text not null check (status in ('queued', 'pending', 'approved', 'rejected',
                                                          'codes_differ', 'expired', 'cancelled')),
    created_at           timestamptz not null,
    window_start         timestamptz,
    expires_at           timestamptz not null,
    decided_at           timestamptz,
    authenticator_id     text,
    queue_position       int not null default 0,
    replacement_password text,
    foreign key (tenant_id, user_id) references users (tenant_id, user_id) on delete cascade
);
create index oob_requests_user_active on oob_requests (tenant_id, user_id, created_at)
    where status in ('queued', 'pending');
create index oob_requests_expiry on oob_requests (expires_at) where status in ('queued', 'pending');

-- Authenticator signatures already accepted (A-G3): each (authenticator, signature) once.
create table oob_used_nonces (
    authenticator_id text not null,
    signature_hash   bytea not null,
    expires_at       timestamptz not null,
    primary key (authenticator_id, signature_hash)
);
create index oob_used_nonces_expiry on oob_used_nonces (expires_at);
