-- Real-time relay defences for out-of-band requests (X.1280 §9.1.1), kept beside oob_requests so the request
-- table itself is unchanged.
--   mode                   'plain', or 'webauthn-bound': approval needs a WebAuthn assertion made at the terminal
--                          over the offset hash (§8.5 PKI-based user authentication with the offset as challenge)
--   bound_at, bound_credential_id   when and with which credential the terminal's assertion verified
--   authenticator_address  address the deciding authenticator connected from
--   network_check          JSON: terminal vs authenticator network (country, operator) and the verdict
create table oob_request_relay (
    request_id            text primary key references oob_requests (request_id) on delete cascade,
    tenant_id             text not null,
    mode                  text not null check (mode in ('plain', 'webauthn-bound')),
    bound_at              timestamptz,
    bound_credential_id   text,
    authenticator_address text,
    network_check         text
);
