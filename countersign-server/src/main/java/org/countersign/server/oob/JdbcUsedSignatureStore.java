package org.countersign.server.oob;

import java.sql.Timestamp;
import java.time.Instant;
import org.countersign.core.bytes.ByteArray;
import org.countersign.server.store.Jdbc;

/** The {@link UsedSignatureStore} port on {@code oob_used_nonces}; its primary key makes the first use unique. */
final class JdbcUsedSignatureStore implements UsedSignatureStore {
    private final Jdbc jdbc;

    JdbcUsedSignatureStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public boolean firstUse(String authenticatorId, ByteArray statementHash, Instant keepUntil) {
        return jdbc.update("insert into oob_used_nonces (authenticator_id, signature_hash, expires_at) values (?, ?, ?)"
                + " on conflict do nothing", ps -> {
                    ps.setString(1, authenticatorId);
                    ps.setBytes(2, statementHash.toByteArray());
                    ps.setTimestamp(3, Timestamp.from(keepUntil));
                }) == 1;
    }

    @Override
    public void purge(Instant now) {
        jdbc.update("delete from oob_used_nonces where expires_at < ?", ps -> ps.setTimestamp(1, Timestamp.from(now)));
    }
}
