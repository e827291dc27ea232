-- Out-of-band hardening: a PIN-protected approval key per authenticator whose wrong-PIN attempts the verifier
-- counts (X.1280 §9.2.3), and enrolment-code failures attributed to the enrolment and user they aimed at.

-- Public half of the approval key; the private half is kept by the authenticator wrapped under the user's PIN in
-- a form that cannot be checked offline. Null for authenticators enrolled without one (their own PIN applies).
alter table oob_authenticators add column approval_key_spki bytea;
-- Consecutive approval signatures that did not verify (wrong PIN); reset by a good one.
alter table oob_authenticators add column pin_failures int not null default 0;

-- First symbols of the code, so a wrong guess can be charged to the enrolment it aimed at (not only to the
-- address it came from, which many users may share behind a proxy).
alter table oob_enrolment_codes add column code_prefix text;
create index oob_enrolment_codes_prefix on oob_enrolment_codes (code_prefix) where used_at is null;
alter table oob_enrolment_failures add column enrolment_id text;
alter table oob_enrolment_failures add column tenant_id text;
alter table oob_enrolment_failures add column user_id text;
create index oob_enrolment_failures_enrolment on oob_enrolment_failures (enrolment_id, failed_at);
create index oob_enrolment_failures_user on oob_enrolment_failures (tenant_id, user_id, failed_at);
