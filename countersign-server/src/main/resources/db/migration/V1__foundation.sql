-- Foundation schema: relying-party tenants, their credentials and users, the audit chain, wrapped data keys.

create table tenants (
    id              text primary key,
    display_name    text not null,
    allowed_origins text[] not null default '{}',
    status          text not null check (status in ('active', 'disabled')),
    settings        jsonb not null default '{}'::jsonb,
    created_at      timestamptz not null
);

-- API keys: admin keys have no tenant; tenant keys belong to one relying party. Only an Argon2id hash is kept.
create table api_keys (
    id          text primary key,
    tenant_id   text references tenants (id),
    role        text not null check (role in ('admin', 'tenant')),
    secret_hash text not null,
    label       text not null default '',
    created_at  timestamptz not null,
    revoked_at  timestamptz,
    check ((role = 'admin') = (tenant_id is null))
);
create index api_keys_tenant on api_keys (tenant_id);

-- Client certificates for mutual TLS, by SHA-256 fingerprint of the DER certificate.
create table client_certificates (
    fingerprint text primary key,
    tenant_id   text not null references tenants (id),
    subject     text not null,
    created_at  timestamptz not null,
    revoked_at  timestamptz
);

-- End users of a relying party. Every query names the tenant: users are isolated per tenant (A-G1).
create table users (
    tenant_id    text not null references tenants (id),
    user_id      text not null,
    display_name text not null default '',
    created_at   timestamptz not null,
    primary key (tenant_id, user_id)
);

-- Audit chain (A-G4): hash = SHA-256(prev_hash || canonical event bytes). Rows are never updated or deleted.
create table audit_events (
    seq        bigint primary key,
    event_time timestamptz not null,
    tenant_id  text,
    actor      text not null,
    action     text not null,
    subject    text not null,
    outcome    text not null,
    request_id text not null,
    details    jsonb not null,
    prev_hash  bytea not null,
    hash       bytea not null
);
create index audit_events_tenant on audit_events (tenant_id, seq);

create table audit_head (
    id   int primary key check (id = 1),
    seq  bigint not null,
    hash bytea not null
);
insert into audit_head (id, seq, hash) values (1, 0, decode(repeat('00', 32), 'hex'));

create table audit_checkpoints (
    seq        bigint primary key,
    hash       bytea not null,
    created_at timestamptz not null,
    signature  bytea not null
);

create function audit_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit tables are append-only';
end;
$$;
create trigger audit_events_append_only before update or delete on audit_events
    for each row execute function audit_append_only();
create trigger audit_checkpoints_append_only before update or delete on audit_checkpoints
    for each row execute function audit_append_only();

-- Data keys of the envelope encryption (A-G5), wrapped by a master key that never enters the database.
create table data_keys (
    key_id        text primary key,
    purpose       text not null,
    master_key_id text not null,
    wrapped       text not null,
    created_at    timestamptz not null,
    is_primary    boolean not null
);
create index data_keys_purpose on data_keys (purpose);
