-- The key with which Countersign signs the challenges it sends to native authentication agents, one per tenant
-- (27553-1 SR-C-5: the agent authenticates the server before it acts). The agent pins the public key; the private
-- key is sealed by the key service like every other server secret (A-G5).
create table local_agent_server_keys (
    tenant_id   text primary key references tenants (id),
    public_key  bytea not null,  -- SPKI DER, ECDSA P-256
    private_key text not null,   -- PKCS#8, sealed (key service text form)
    created_at  timestamptz not null
);
