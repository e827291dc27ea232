-- Local-mode biometric authentication (ISO/IEC 27553-1): the server keeps only public keys, counters and what the
-- device attested about itself. Biometric data never reach these tables (SR-B-3).

-- Registered authentication relationships (27553-1 A.3.2 step i). WebAuthn and native-agent credentials share
-- the table; "format" tells which verifier handles them.
create table local_credentials (
    tenant_id          text not null,
    credential_id      text not null,            -- base64url of the authenticator's credential id
    user_id            text not null,
    format             text not null check (format in ('webauthn', 'countersign-agent')),
    public_key         bytea not null,           -- webauthn: attested credential data; agent: SPKI DER
    sign_count         bigint not null default 0,
    attestation_status text not null check (attestation_status in ('none', 'self', 'trusted')),
    assurance          jsonb not null,           -- registration-time assurance vector (27553-1 Annex C)
    reference_id       text not null default '', -- agent's biometric reference identifier (no biometric data)
    aaguid             text not null default '',
    created_at         timestamptz not null,
    last_used_at       timestamptz,
    revoked_at         timestamptz,
    primary key (tenant_id, credential_id),
    foreign key (tenant_id, user_id) references users (tenant_id, user_id) on delete cascade
);
create index local_credentials_user on local_credentials (tenant_id, user_id);

-- Pending ceremonies: a challenge lives here until it is used once or expires (SR-C-4, replay resistance).
create table local_challenges (
    id               text primary key,
    tenant_id        text not null,
    user_id          text not null,
    ceremony         text not null check (ceremony in ('registration', 'authentication')),
    format           text not null check (format in ('webauthn', 'countersign-agent')),
    challenge        bytea not null,
    rp_id            text not null,
    transaction_text text not null default '',
    created_at       timestamptz not null,
    expires_at       timestamptz not null,
    foreign key (tenant_id, user_id) references users (tenant_id, user_id) on delete cascade
);
create index local_challenges_expiry on local_challenges (expires_at);

-- Per-tenant trust and assurance policy (attestation roots = the "proof keys" of 27553-1 Annex C).
create table local_policies (
    tenant_id  text primary key references tenants (id),
    policy     jsonb not null,
    updated_at timestamptz not null
);

-- Consent to biometric processing (27553-1 clause 10.2): one row per grant; withdrawal closes the row.
create table local_consents (
    tenant_id      text not null,
    user_id        text not null,
    notice_version text not null,
    granted_at     timestamptz not null,
    withdrawn_at   timestamptz,
    primary key (tenant_id, user_id, granted_at),
    foreign key (tenant_id, user_id) references users (tenant_id, user_id) on delete cascade
);
