-- Remote biometrics hardening: RP grants for reference writes, RP-opened authentications, outcomes consumed once,
-- atomic SRP proofs and SRP lockouts per (device, source).

-- Single-use permissions the RP issues, after authenticating the user its own way, to register (first or
-- replacement) or remove that user's biometric reference (X.1279 §8.2.1 pre-condition, §8.2.3). Only a hash of
-- the code is kept.
create table remote_grants (
    code_hash    bytea primary key,
    tenant_id    text not null references tenants (id),
    user_id      text not null,
    operation    text not null check (operation in ('REGISTER', 'DEREGISTER')),
    created_at   timestamptz not null,
    expires_at   timestamptz not null,
    used_at      timestamptz,
    challenge_id text,
    foreign key (tenant_id, user_id) references users (tenant_id, user_id) on delete cascade
);

-- Authentications the RP opens with its own risk data (X.1279 §8.2.2 step 3 comes from the RP, not the device):
-- the id is the challenge id the device must answer; a device takes it once.
create table remote_authentications (
    challenge_id      text primary key,
    tenant_id         text not null references tenants (id),
    user_id           text not null,
    transaction_value bigint,
    rp_risk           jsonb not null,
    created_at        timestamptz not null,
    expires_at        timestamptz not null,
    taken_at          timestamptz,
    foreign key (tenant_id, user_id) references users (tenant_id, user_id) on delete cascade
);

alter table remote_challenges add column authorisation text;
alter table remote_challenges add column grant_hash bytea;
alter table remote_challenges add column consumed_at timestamptz;
alter table remote_challenges drop constraint remote_challenges_outcome_check;
alter table remote_challenges add constraint remote_challenges_outcome_check
    check (outcome in ('ACCEPTED', 'REFUSED', 'UNUSABLE', 'SECOND_FACTOR_REQUIRED'));

-- Failed SRP proofs per device and source network, with an exponential lock (docs/srp.md): one source cannot
-- lock the device out for the others. The RP reads and clears these rows through its API.
create table remote_srp_failures (
    tenant_id    text not null,
    device_id    text not null,
    source       text not null,
    failures     integer not null,
    last_failure timestamptz not null,
    locked_until timestamptz,
    primary key (tenant_id, device_id, source),
    foreign key (tenant_id, device_id) references remote_devices (tenant_id, device_id) on delete cascade
);
